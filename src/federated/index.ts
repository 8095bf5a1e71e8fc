/**
 * The federated layer's public API (see docs/architecture.md): strategies over pure aggregation
 * functions, with the quorum policy and the sum/individual split that secure aggregation relies
 * on; clients as pure local-training functions; federated preprocessing; partitioners; faults;
 * Byzantine clients; the simulation engine and whole experiments.
 *
 * @example
 * import { makeStrategy, coordinateMedian } from 'qml6g';
 * coordinateMedian([Float64Array.of(1, 5), Float64Array.of(2, -1), Float64Array.of(10, 0)]); // [2, 0]
 * const s = makeStrategy('fedavg');
 * const out = s.aggregate({ round: 1, global: Float64Array.of(0, 0) },
 *   [{ client: 0, update: Float64Array.of(1, 0), numExamples: 1, loss: 0.6, staleness: 0 },
 *    { client: 1, update: Float64Array.of(0, 1), numExamples: 3, loss: 0.5, staleness: 0 }], []);
 * // out.kind === 'update', out.params = [0.25, 0.75]
 *
 * // A whole experiment (NSL-KDD, 10 logistic-regression clients, FedAvg against Krum under ALIE):
 * // const prep = prepareFederation({ ...defaultFederateConfig(), model: { type: 'logreg' }, malicious: 0.2, attacks: ['alie'] });
 * // const pool = ClientPool.create(2);
 * // const run = await runFederated(prep, 'krum', 'alie', { pool }); // run.final_accuracy, run.rounds
 * // await pool.close();
 */
export * from './strategy.js';
export * from './strategies/index.js';
export { dot, norm, sqDist, cosine, mean, stdDev, checkUpdates } from './vec.js';
export * from './privacy/index.js';
export { trainLocal, checkClientSpec, modelWith, FEDERATED_MODEL_TYPES, type ClientSpec, type ClientData, type LocalTask, type LocalResult } from './client.js';
export { ClientPool, type LocalFailure } from './pool.js';
export { fitFederatedPipeline, columnStats, mergeColumnStats, featureStats, projectionStats, type ColumnStats, type FeatureStats, type ProjectionStats } from './preprocess.js';
export { partitionRows, labelHistogram, dirichletSample, gammaSample, PARTITION_KINDS, type PartitionKind, type PartitionSpec } from './partition.js';
export { checkFaults, linkStates, partitioned, dropouts, clientSpeeds, clientTime, stalenessWeight, type FaultConfig, type PartitionFault } from './faults.js';
export { InProcessTransport, encodeFloats, decodeFloats, type Transport, type Message, type Delivery } from './transport.js';
export { simulate, evaluateGlobal, type SimulationSpec, type RoundRecord, type EngineState, type Evaluation as FederatedEvaluation } from './engine.js';
export {
  byzantineAttack, sameNormRandom, sameDeviationRandom, BYZANTINE_ATTACK_NAMES, signFlip, scaleAttack, modelReplacement, gaussianAttack, labelFlipAttack, backdoorAttack,
  alie, alieZ, ipm, fang, fangKrum, fangTrimmed, minMax, minSum, paramTamper, noisyDevice, backdoorRows, replacementRound, ADVERSARIAL_NOISE,
  type ByzantineAttack, type AttackKnowledge, type PoisonSetup,
} from './byzantine/index.js';
export {
  defaultFederateConfig, checkFederateConfig, prepareFederation, runFederated, centralReference, clientSpecs, runAttacks, toClientData,
  type FederateConfig, type Prepared, type RunRecord, type RunOptions,
} from './experiment.js';
