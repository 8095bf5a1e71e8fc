/**
 * qml6g: trustworthy hybrid quantum-classical models for 6G network functions.
 * The public API, layer by layer (core ← sim ← ...).
 */
export { QmlError, check } from './core/errors.js';
export { Rng } from './core/rng.js';
export { version } from './core/version.js';

export * from './sim/circuit.js';
export { resolveGate, baseGate, gateNames, type GateDef, type GateShape, type Spectrum } from './sim/gates.js';
export { compile, macroNames, type Program, type Instr, type GateInstr } from './sim/program.js';
export { Statevector } from './sim/statevector.js';
export { DensityMatrix } from './sim/density.js';
export { runProgram, runProgramDM, runBranches, MAX_BRANCHES } from './sim/execute.js';
export { FusedRunner } from './sim/fused.js';
export * from './sim/observable.js';
export * from './sim/noise.js';
export { simulate, chooseMethod, type SimulateOptions, type SimulationResult, type SimulationMethod } from './sim/simulate.js';
export { parseQasm, toQasm, unitaryOf, equalUpToPhase, type ParseOptions, type ExportOptions } from './sim/qasm.js';
export { inverse } from './sim/inverse.js';
export { Evaluator, type EvalOptions } from './sim/evaluator.js';
export { gradient, jacobian, type GradientMethod, type GradientOptions, type GradientResult, type JacobianResult } from './sim/gradients.js';
export { batchExpectations, batchAdjoint, toRowMatrix, rowsOf, type BatchInput, type BatchJacobian, type RowMatrix } from './sim/batch.js';
export { BatchPool } from './sim/batch-pool.js';
export { ThreadTeam } from './sim/parallel.js';
export { checkStateMemory, maxStatevectorQubits, formatBytes } from './sim/memory.js';
export { helstrom, prettyGoodMeasurement, discriminate, traceNorm, realEmbedding, DISCRIMINATION_MAX_QUBITS, type Discrimination } from './sim/discrimination.js';

export * from './qml/table.js';
export { loadDataset, datasetNames, isNamedDataset, dataDir, NSL_KDD_COLUMNS, type LoadOptions, type DataFormat } from './qml/datasets.js';
export { Pipeline, type PipelineConfig, type PipelineState } from './qml/pipeline.js';
export * from './qml/circuits.js';
export { QuantumLayer } from './qml/quantum-layer.js';
export * from './qml/model.js';
export { VariationalClassifier } from './qml/models/vqc.js';
export { HybridNetwork } from './qml/models/hybrid.js';
export { LogisticRegression } from './qml/models/logreg.js';
export { MLP } from './qml/models/mlp.js';
export { KernelSVM, kernelTargetAlignment, type KernelSpec, type SvmOptions } from './qml/models/kernel-svm.js';
export { CircuitClassifier } from './qml/models/circuit-classifier.js';
export { createModel, modelFromJSON, featureBudget, MODEL_TYPES, type ModelSpec, type ModelType } from './qml/models/registry.js';
export { smo, plattScale, plattProb } from './qml/svm.js';
export { Adam, SGD, SPSA, makeOptimizer, type Optimizer } from './qml/optim.js';
export { trainModel, type TrainConfig, type TrainResult, type EpochRecord } from './qml/train.js';
export { classificationMetrics, rocAuc, type Metrics } from './qml/metrics.js';
export { Detector, type DetectorMeta } from './qml/detector.js';
export { symmetricEigen, covariance, softmaxInto } from './core/linalg.js';

export * from './attacks/threat.js';
export { InputTarget, RawTarget, NSL_KDD_CONSTRAINTS, type AttackTarget, type AttackDomain } from './attacks/target.js';
export { marginGradient, stableCeAscent, maskAtBounds, repairRows, shrinkToBoundary, type RepairOptions } from './attacks/constrained.js';
export { reachability, exactLinearAttack, separableMonotone, type Reachability } from './attacks/reach.js';
export { runAttack, scoreAdversarial, argmaxRows, margins, type EvasionAttack, type AttackReport, type AttackContext, type AttackOutput, type SampleRecord } from './attacks/attack.js';
export { evasionAttack, EVASION_ATTACKS, ALL_EVASION_ATTACKS, QUANTUM_ATTACK_NAMES, TransferAttack } from './attacks/registry.js';
export { FGSM } from './attacks/evasion/fgsm.js';
export { PGD } from './attacks/evasion/pgd.js';
export { CarliniWagner } from './attacks/evasion/cw.js';
export { DeepFool } from './attacks/evasion/deepfool.js';
export { APGD } from './attacks/evasion/apgd.js';
export { SquareAttack } from './attacks/evasion/square.js';
export { HopSkipJump } from './attacks/evasion/hopskipjump.js';
export { AdamAttack } from './attacks/evasion/adam.js';
export * from './attacks/quantum/quantum-attacks.js';
export { honestChecks, type Check, type ReachSummary } from './attacks/honest.js';
export { encodingLeakage, classStates, LEAKAGE_ENCODINGS, type LeakageEncoding, type LeakageOptions, type LeakageResult } from './attacks/leakage.js';
export { GradientMaskedModel } from './attacks/masked.js';
export { runAssess, ASSESS_STEPS, nisqNoise, summarise, type AssessResults, type ModelEntry, type AttackEntry } from './assess/run.js';
export { defaultConfig, mergeConfig, readConfigFile, type AssessConfig } from './assess/config.js';
export { renderReport } from './report/report.js';
export * from './defenses/mitigation.js';
export * from './defenses/certify.js';
export * from './defenses/defense.js';
export { RobustTraining, tradesGradient, freshCopy, type RobustTrainingOptions } from './defenses/adversarial-training.js';
export { Distillation, temperatureProbs } from './defenses/distillation.js';
export { SqueezedModel, RandomizedEncodingModel } from './defenses/inference.js';
export * from './defenses/uncertainty.js';
export { runDefenses, DEFENSE_NAMES, type DefenseEntry } from './assess/defenses.js';
export { mitigatedExpectations, type MitigationOptions } from './defenses/mitigated-layer.js';
export { NoiseAwareTraining } from './defenses/adversarial-training.js';
export { angleEncodingLinfRadius } from './defenses/certify.js';
export { subTable } from './defenses/adversarial-training.js';
export * from './supply/signing.js';
export { qml6gHome, signingKey, trustedKeys, readKeyFile, keyFileOf } from './supply/keys.js';
export * from './poisoning/threat.js';
export * from './poisoning/primitives.js';
export { knnSanitize, outlierSanitize, spectralSignatures, activationClustering, stripEntropy, stripThreshold, lossTrim } from './poisoning/defenses.js';
export { runPoisonExperiment, resolveTarget, referenceSplit, type PoisonExperimentConfig, type PoisonRecord, type PoisonExperiment } from './poisoning/experiment.js';
export { trainingAttack, TRAINING_ATTACK_NAMES } from './poisoning/registry.js';
export { trainingDefense, TRAINING_DEFENSES, TRAINING_DEFENSE_NAMES, representation } from './poisoning/training-defenses.js';
export { cleanLabelAttack, type CleanLabelOptions } from './poisoning/attacks/clean-label.js';
export { circuitTriggerAttack, applyCircuitTrigger, chooseCircuitTrigger, type CircuitTriggerSpec } from './poisoning/attacks/circuit-trigger.js';
export { fineTuneHead } from './qml/train.js';

export { runJob, configHashOf, writeFileAtomic, writeJsonAtomic, readJobRecord, Interrupted, type JobSpec, type JobStep, type JobContext, type JobRecorder, type JobRecord, type JobFields, type JobStatus, type JobHooks } from './core/job.js';
export { openDatabase, migrationsFrom, type Db, type Migration, type OpenOptions } from './core/sqlite.js';
export { renderSvg, lineSpec, barSpec, heatmapSpec, type VlSpec, type Point, type Bar, type Cell } from './report/plot.js';

// Layers added after the first landing: each keeps its public API in its own index.ts.
export * from './sim/cutting/index.js';
export * from './federated/index.js';
export * from './channel/index.js';
export * from './optimize/index.js';
export * from './governance/index.js';
export * from './net6g/index.js';
export * from './store/index.js';
export * from './dashboard/index.js';
export * from './cluster/index.js';
