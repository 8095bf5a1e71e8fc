/**
 * A federated experiment from one plain configuration: load and split the data, hold out the
 * server's root set, partition the training rows, pick the malicious clients, poison their rows,
 * fit the preprocessing federatedly, then run each strategy × attack through the engine, beside a
 * model trained centrally on the union of the clients' rows (the reference line).
 *
 * @example
 * import { defaultFederateConfig, prepareFederation, runFederated, ClientPool } from 'qml6g';
 * const cfg = { ...defaultFederateConfig(), data: 'nsl-kdd', maxRows: 1500, model: { type: 'logreg' }, clients: 5, rounds: 3 };
 * const prep = prepareFederation(cfg);
 * const pool = ClientPool.create(1);
 * // const run = await runFederated(prep, 'fedavg', 'none', { pool });  run.final_accuracy
 */
import { QmlError } from '../core/errors.js';
import { Rng } from '../core/rng.js';
import { loadDataset, isNamedDataset, type DataFormat } from '../qml/datasets.js';
import { createModel, featureBudget, isQuantumType, type ModelSpec } from '../qml/models/registry.js';
import type { PipelineConfig, Pipeline } from '../qml/pipeline.js';
import { selectRows, stratifiedSplit, type LabeledData } from '../qml/table.js';
import { trainModel } from '../qml/train.js';
import { defaultTrigger, otherClassRows, stampTrigger, validateTrigger, type Trigger } from '../poisoning/primitives.js';
import type { NoiseModel } from '../sim/noise.js';
import { byzantineAttack, BYZANTINE_ATTACK_NAMES } from './byzantine/index.js';
import type { ByzantineAttack, PoisonSetup } from './byzantine/attack.js';
import { checkClientSpec, modelWith, trainLocal, type ClientData, type ClientSpec } from './client.js';
import { evaluateGlobal, simulate, type EngineState, type RoundRecord } from './engine.js';
import { checkFaults, type FaultConfig } from './faults.js';
import { PARTITION_KINDS, partitionRows, type PartitionKind } from './partition.js';
import type { ClientPool } from './pool.js';
import { fitFederatedPipeline } from './preprocess.js';
import { subSeed } from './seeds.js';
import { makeStrategy, STRATEGY_NAMES } from './strategies/index.js';
import type { QuorumPolicy } from './strategy.js';
import type { Transport } from './transport.js';
import { checkPrivacyCompatible, PrivateStrategy, privateRunFields, type DpConfig, type PrivacyReport, type SecureAggConfig } from './privacy/private-strategy.js';
import { membershipAudit } from './privacy/audit.js';

export interface FederateConfig {
  data: string;
  label?: string;
  drop?: string[];
  format?: DataFormat;
  maxRows?: number;
  /** Fraction of the rows held out as the global test set. */
  testFraction: number;
  model: ModelSpec;
  clients: number;
  rounds: number;
  localEpochs: number;
  /** Cap on local steps per round (1: FedSGD, each client sends one mini-batch step). */
  localSteps?: number;
  batchSize: number;
  lr: number;
  optimizer: 'adam' | 'sgd';
  partition: PartitionKind;
  alpha?: number;
  classesPerClient?: number;
  power?: number;
  partitionColumn?: string;
  /** Each client's own data file (CSV in the --data format); replaces the partition of --data's rows. */
  clientFiles?: string[];
  strategies: string[];
  /** Attacks; `none` is always run. */
  attacks: string[];
  malicious: number;
  faults: FaultConfig;
  policy?: Partial<QuorumPolicy>;
  /** Per-strategy options (FedProx μ, server learning rates, trimming, τ). */
  mu?: number;
  serverLr?: number;
  /** Rows of the server's clean root set (FLTrust; Cao et al. use 100). */
  rootRows: number;
  /** Quantum devices: 'exact', 'shots' (1024 shots each) or 'nisq' (each its own noise level). */
  devices: 'exact' | 'shots' | 'nisq';
  /**
   * Qubits of each client's quantum device (one number for all, or one per client). Clients whose
   * device is narrower than the model train through circuit cutting (src/sim/cutting): values and
   * shift-rule gradients reconstructed from the fragments, the cost recorded per round.
   */
  deviceQubits?: number | number[];
  /** Backdoor target class (default 0, the normal class: triggered attacks pass as normal). */
  backdoorTarget: number;
  trigger?: Trigger;
  seed: number;
  /** Secure aggregation (SecAgg / SecAgg+) with the client-side L2 clip before masking. */
  secureAgg?: SecureAggConfig;
  /** DP-FedAvg: noise multiplier, clip norm, δ, adaptive clipping. */
  dp?: DpConfig;
}

export function defaultFederateConfig(): FederateConfig {
  return {
    data: 'nsl-kdd', testFraction: 0.2, model: { type: 'vqc', qubits: 8, layers: 2 }, clients: 10, rounds: 20, localEpochs: 1, batchSize: 16, lr: 0.05,
    optimizer: 'adam', partition: 'iid', strategies: ['fedavg'], attacks: ['none'], malicious: 0.2, faults: {}, rootRows: 100, devices: 'exact', backdoorTarget: 0, seed: 0,
  };
}

export function checkFederateConfig(c: FederateConfig): FederateConfig {
  const int = (v: number, name: string, min: number) => { if (!Number.isInteger(v) || v < min) throw new QmlError(`must be an integer ≥ ${min}, got ${v}`, name); };
  int(c.clients, '--clients', 1); int(c.rounds, '--rounds', 1); int(c.localEpochs, '--local-epochs', 1); int(c.batchSize, '--batch-size', 1); int(c.rootRows, '--root-rows', 1);
  if (!(PARTITION_KINDS as readonly string[]).includes(c.partition)) throw new QmlError(`unknown partition "${c.partition}" (known: ${PARTITION_KINDS.join(', ')})`, '--partition');
  if (c.partition === 'dirichlet' && (c.alpha === undefined || !(c.alpha > 0))) throw new QmlError(`the Dirichlet partition needs α > 0, got ${c.alpha}`, '--alpha');
  if (c.alpha !== undefined && !(c.alpha > 0)) throw new QmlError(`α must be positive, got ${c.alpha}`, '--alpha');
  if (c.partition === 'column' && !c.partitionColumn) throw new QmlError('the column partition needs --partition-column', '--partition-column');
  if (!c.strategies.length) throw new QmlError('no strategy given', '--strategies');
  for (const s of c.strategies) if (!STRATEGY_NAMES.includes(s)) throw new QmlError(`unknown strategy "${s}" (known: ${STRATEGY_NAMES.join(', ')})`, '--strategies');
  for (const a of c.attacks) if (!BYZANTINE_ATTACK_NAMES.includes(a)) throw new QmlError(`unknown attack "${a}" (known: ${BYZANTINE_ATTACK_NAMES.join(', ')})`, '--attacks');
  if (!(c.malicious >= 0 && c.malicious < 1)) throw new QmlError(`the malicious fraction must be in [0, 1), got ${c.malicious}`, '--malicious');
  if (c.attacks.some((a) => a !== 'none') && Math.round(c.malicious * c.clients) < 1) throw new QmlError(`--malicious ${c.malicious} of ${c.clients} clients is no client: the attacks need at least one`, '--malicious');
  if (!(c.testFraction > 0 && c.testFraction < 1)) throw new QmlError(`test fraction must be in (0, 1), got ${c.testFraction}`, '--test-fraction');
  if (!['exact', 'shots', 'nisq'].includes(c.devices)) throw new QmlError(`devices must be exact, shots or nisq, got "${c.devices}"`, '--devices');
  if (c.deviceQubits !== undefined) {
    const ks = Array.isArray(c.deviceQubits) ? c.deviceQubits : [c.deviceQubits];
    if (Array.isArray(c.deviceQubits) && ks.length !== c.clients) throw new QmlError(`${ks.length} device widths for ${c.clients} clients (give one, or one per client)`, '--device-qubits');
    for (const k of ks) if (!Number.isInteger(k) || k < 1) throw new QmlError(`a device width must be a positive integer, got ${k}`, '--device-qubits');
    if (!['vqc', 'reupload', 'hybrid'].includes(c.model.type)) throw new QmlError(`--device-qubits cuts quantum models (vqc, reupload, hybrid), not "${c.model.type}"`, '--device-qubits');
    if (c.devices === 'nisq' && ks.some((k) => k < (c.model.qubits ?? 8))) throw new QmlError('NISQ devices carry read-out error, which cut fragments do not model; narrow devices run with --devices exact or shots', '--device-qubits');
  }
  checkFaults(c.faults, c.clients);
  checkClientSpec({ model: c.model, epochs: c.localEpochs, batchSize: c.batchSize, optimizer: c.optimizer, lr: c.lr, maxSteps: c.localSteps }, '--model');
  if (c.clientFiles && c.clientFiles.length !== c.clients) throw new QmlError(`${c.clientFiles.length} client files for ${c.clients} clients`, '--client-files');
  // The robust rules' preconditions for the planned clients per round (Krum n > 2f + 2, Bulyan n ≥ 4f + 3, trim < 0.5).
  const planned = Math.max(c.policy?.minFitClients ?? 2, Math.ceil((c.policy?.fractionFit ?? 1) * c.clients));
  for (const s of c.strategies) makeStrategy(s, { policy: c.policy, f: Math.round(c.malicious * planned), plannedClients: planned, mu: c.mu, serverLr: c.serverLr, rootUpdate: () => new Float64Array(0) });
  if (c.secureAgg || c.dp) {
    const planned = Math.max(c.policy?.minFitClients ?? 2, Math.ceil((c.policy?.fractionFit ?? 1) * c.clients));
    checkPrivacyCompatible(c.strategies.map((s) => makeStrategy(s, { policy: c.policy, rootUpdate: () => new Float64Array(0) })), { seed: c.seed, secureAgg: c.secureAgg, dp: c.dp }, planned);
  }
  if (!isQuantumType(c.model.type) && c.attacks.includes('noisy-device')) throw new QmlError(`noisy-device attacks a quantum device; model "${c.model.type}" is classical`, '--attacks');
  return c;
}

/** Attack names of a run list: `none` first, then the rest in the given order. */
export function runAttacks(c: FederateConfig): string[] {
  return ['none', ...c.attacks.filter((a) => a !== 'none')];
}

export interface Prepared {
  config: FederateConfig;
  numClasses: number;
  classes: string[];
  /** Each client's raw rows (clean). */
  clientRaw: LabeledData[];
  test: LabeledData;
  root: LabeledData;
  malicious: boolean[];
  trigger: Trigger | null;
  pipelineConfig: PipelineConfig;
  /** Clean federated pipeline and the data through it (the attack-free view). */
  clean: Pipeline;
  label_histogram: number[][];
  notes: string[];
}

export function pipelineConfigFor(spec: ModelSpec): PipelineConfig {
  const budget = featureBudget(spec, Number.MAX_SAFE_INTEGER);
  const classical = spec.type === 'logreg' || spec.type === 'mlp' || spec.type === 'hybrid';
  return { components: budget === Number.MAX_SAFE_INTEGER ? 10_000 : budget, range: classical ? null : [0, Math.PI] };
}

export function toClientData(p: Pipeline, d: LabeledData): ClientData {
  const X = p.transform(d.table);
  return { X: X.data, rows: X.rows, cols: X.cols, y: Int32Array.from(d.labels) };
}

/** The server's side of the data: loaded, the test rows held out, the root set taken; `pool` is the rest (the clients' rows in simulation). */
export function sharedSplit(cfg: FederateConfig): { data: LabeledData; C: number; trainData: LabeledData; test: number[]; rootIdx: Set<number>; pool: LabeledData } {
  const seed = cfg.seed;
  const data = loadDataset(cfg.data, { label: cfg.label, drop: cfg.drop, maxRows: cfg.maxRows, seed, format: isNamedDataset(cfg.data) ? undefined : cfg.format });
  const C = data.classes.length;
  if (cfg.backdoorTarget < 0 || cfg.backdoorTarget >= C) throw new QmlError(`backdoor target class ${cfg.backdoorTarget} does not exist (${C} classes)`, '--backdoor-target');
  const { train, test } = stratifiedSplit(data.labels, cfg.testFraction, subSeed(seed, 0x7e57));
  const trainData = selectRows(data, train);
  if (cfg.rootRows >= trainData.table.rows / 2) throw new QmlError(`the root set of ${cfg.rootRows} rows would take half of the ${trainData.table.rows} training rows`, '--root-rows');
  const rootIdx = new Set(stratifiedSplit(trainData.labels, cfg.rootRows / trainData.table.rows, subSeed(seed, 0x2007)).test);
  const clientRows = Array.from({ length: trainData.table.rows }, (_, i) => i).filter((i) => !rootIdx.has(i));
  return { data, C, trainData, test, rootIdx, pool: selectRows(trainData, clientRows) };
}

export function prepareFederation(cfg: FederateConfig): Prepared {
  checkFederateConfig(cfg);
  const seed = cfg.seed;
  const { data, C, trainData, test, rootIdx, pool } = sharedSplit(cfg);
  let groups: string[] | undefined;
  if (cfg.partition === 'column') {
    const col = pool.table.columns.find((c) => c.name === cfg.partitionColumn);
    if (!col) throw new QmlError(`partition column "${cfg.partitionColumn}" is not a column of the data`, '--partition-column');
    groups = col.kind === 'categorical' ? col.values : Array.from(col.values, String);
  }
  const clientRaw = cfg.clientFiles
    ? cfg.clientFiles.map((file) => clientFile(file, cfg, pool))
    : partitionRows({ kind: cfg.partition, alpha: cfg.alpha, classesPerClient: cfg.classesPerClient, power: cfg.power, groups }, pool.labels, C, cfg.clients, subSeed(seed, 0x9a47)).map((p) => selectRows(pool, p));
  const malicious = maliciousClients(cfg);
  const trigger = federationTrigger(cfg, pool);
  const pipelineConfig = pipelineConfigFor(cfg.model);
  const clean = fitFederatedPipeline(clientRaw, pipelineConfig);
  const hist = clientRaw.map((d) => { const h = new Array<number>(C).fill(0); for (const y of d.labels) h[y]++; return h; });
  return {
    config: cfg, numClasses: C, classes: data.classes, clientRaw, test: selectRows(data, test), root: selectRows(trainData, [...rootIdx].sort((a, b) => a - b)),
    malicious, trigger, pipelineConfig, clean, label_histogram: hist, notes: data.notes,
  };
}

/** Which clients the attacker controls: a seeded choice of round(malicious × clients). */
export function maliciousClients(cfg: FederateConfig): boolean[] {
  const order = new Rng(subSeed(cfg.seed, 0xbad)).shuffle(Array.from({ length: cfg.clients }, (_, i) => i)) as number[];
  const malicious = new Array<boolean>(cfg.clients).fill(false);
  for (const c of order.slice(0, Math.round(cfg.malicious * cfg.clients))) malicious[c] = true;
  return malicious;
}

/** The backdoor trigger: the configured one, or one derived from the shared rows when a backdoor attack runs. */
export function federationTrigger(cfg: FederateConfig, pool: LabeledData): Trigger | null {
  const backdoorRun = cfg.attacks.some((a) => byzantineAttack(a)?.backdoor);
  const trigger = cfg.trigger ?? (backdoorRun ? defaultTrigger(pool.table) : null);
  if (trigger) validateTrigger(trigger, pool.table);
  return trigger;
}

/** A client's own data file, checked against the shared data: same columns (names and kinds), known classes. */
function clientFile(file: string, cfg: FederateConfig, ref: LabeledData): LabeledData {
  const d = loadDataset(file, { label: cfg.label, drop: cfg.drop, format: cfg.format });
  const want = ref.table.columns.map((c) => `${c.name}:${c.kind}`).join(','), got = d.table.columns.map((c) => `${c.name}:${c.kind}`).join(',');
  if (want !== got) {
    const miss = ref.table.columns.find((c, i) => d.table.columns[i]?.name !== c.name || d.table.columns[i]?.kind !== c.kind);
    throw new QmlError(`client data does not fit: ${d.table.columns.length} feature columns, the shared data has ${ref.table.columns.length}${miss ? `; column "${miss.name}" (${miss.kind}) differs` : ''}`, file);
  }
  const map = d.classes.map((c) => {
    const i = ref.classes.indexOf(c);
    if (i < 0) throw new QmlError(`client data does not fit: class "${c}" is not one of ${ref.classes.join(', ')}`, file);
    return i;
  });
  return { ...d, classes: ref.classes, labels: Int32Array.from(d.labels, (y) => map[y]) };
}

/** Each client's training spec: the shared settings, with its own quantum device. */
export function clientSpecs(prep: Pick<Prepared, 'config'>): ClientSpec[] {
  const c = prep.config, quantum = isQuantumType(c.model.type);
  const rng = new Rng(subSeed(c.seed, 0xde71c));
  return Array.from({ length: c.clients }, (_, i) => {
    let execution = c.model.execution;
    if (quantum && c.devices === 'shots') execution = { shots: 1024, seed: subSeed(c.seed, 0x5407, i) };
    if (quantum && c.devices === 'nisq') {
      // Each device its own depolarizing level, log-uniform in [1e-3, 1e-2] (today's two-qubit error rates).
      const p = 10 ** (-3 + rng.next());
      const noise: NoiseModel = { after_1q: [{ channel: 'depolarizing', p: p / 10 }], after_2q: [{ channel: 'depolarizing', p }], readout: { p1_given_0: p, p0_given_1: p } };
      execution = { noise };
    }
    // A device narrower than the model: local training runs through the cut fragments.
    const K = Array.isArray(c.deviceQubits) ? c.deviceQubits[i] : c.deviceQubits;
    if (quantum && K !== undefined && K < (c.model.qubits ?? 8)) execution = { ...execution, device: { qubits: K, gradient: 'shift' } };
    return { model: { ...c.model, ...(execution ? { execution } : {}) }, epochs: c.localEpochs, batchSize: c.batchSize, optimizer: c.optimizer, lr: c.lr, ...(c.localSteps ? { maxSteps: c.localSteps } : {}) };
  });
}

/** The model trained centrally on the union of the clients' rows, with the same budget of epochs. */
export function centralReference(prep: Prepared): { accuracy: number; balanced_accuracy: number; loss: number } {
  const c = prep.config;
  const all = prep.clientRaw.flatMap((d) => d.table.rows ? [d] : []);
  const X = all.map((d) => toClientData(prep.clean, d));
  const rows = X.reduce((a, d) => a + d.rows, 0), cols = X[0].cols;
  const data = new Float64Array(rows * cols), y = new Int32Array(rows);
  let o = 0;
  for (const d of X) { data.set(d.X, o * cols); y.set(d.y, o); o += d.rows; }
  const model = createModel(c.model, cols, prep.numClasses, c.seed);
  trainModel(model, { data, rows, cols }, y, { epochs: c.rounds * c.localEpochs, batchSize: c.batchSize, lr: c.lr, optimizer: c.optimizer, validation: 0, seed: subSeed(c.seed, 0xce7) });
  const { backdoor_success: _b, ...ev } = evaluateGlobal(model, model.params, toClientData(prep.clean, prep.test), null, prep.numClasses);
  return ev;
}

export interface RunRecord {
  strategy: string;
  attack: string;
  malicious_fraction: number;
  final_accuracy: number | null;
  backdoor_success: number | null;
  status: 'running' | 'complete';
  rounds: RoundRecord[];
  initial: { accuracy: number; balanced_accuracy: number; loss: number; backdoor_success: number | null } | null;
  /** Engine state for --resume (dropped when the run completes). */
  state?: EngineState;
  /** The secure channel's record when updates travel through one (qml6g federate --channel): per link and round. */
  channel?: Record<string, unknown>;
  /** Present with --secure-agg / --dp (issue 11). */
  secure_aggregation?: PrivacyReport['secure_aggregation'];
  privacy?: PrivacyReport['privacy'] & { membership_auc: number | null; membership_advantage: number | null };
}

export interface RunOptions {
  pool: Pick<ClientPool, 'run'>;
  transport?: Transport;
  /** A previous partial record of this run (resume). */
  resume?: RunRecord | null;
  onRound?: (rec: RunRecord) => void | Promise<void>;
  /** Replaces the named attack (tests: the same-norm random control). */
  attackOverride?: ByzantineAttack | null;
}

/**
 * What one strategy × attack run trains and is scored on: each client's rows through the run's
 * pipeline and its training spec (a malicious device already swapped in), which clients are
 * malicious, and the server's test, root and backdoor sets. In simulation the rows are here; over
 * NATS (src/cluster/fl.ts) `data` holds only each client's shape and the rows stay on the clients.
 */
export interface RunInputs {
  data: ClientData[];
  specs: ClientSpec[];
  malicious: boolean[];
  test: ClientData;
  root: ClientData;
  backdoorTest: ClientData | null;
  /** False when the clients' rows are elsewhere (no membership audit is possible then). */
  rowsHere: boolean;
}

/** The poisoning set-up shared by every backdooring client and the backdoor test. */
export function poisonSetup(prep: Pick<Prepared, 'config' | 'trigger'>): PoisonSetup {
  const c = prep.config;
  return prep.trigger ? { trigger: prep.trigger, target: c.backdoorTarget, seed: subSeed(c.seed, 0xb0d) } : { trigger: {}, target: c.backdoorTarget, seed: c.seed };
}

/** The triggered test rows of the other classes, all labelled with the backdoor's target. */
export function backdoorTestSet(prep: Pick<Prepared, 'config' | 'trigger' | 'test'>, pipeline: Pipeline, attack: ByzantineAttack | null): ClientData | null {
  if (!attack?.backdoor || !prep.trigger) return null;
  const c = prep.config;
  const rows = otherClassRows(prep.test.labels, c.backdoorTarget);
  const sub = selectRows(prep.test, rows);
  const stamped = { ...sub, table: stampTrigger(sub.table, rows.map((_, k) => k), prep.trigger, subSeed(c.seed, 0xb0e)) };
  return { ...toClientData(pipeline, stamped), y: new Int32Array(rows.length).fill(c.backdoorTarget) };
}

/** The simulation's inputs: malicious clients poison their own rows, and the pipeline is refitted on what the clients hold. */
export function localInputs(prep: Prepared, attack: ByzantineAttack | null): RunInputs {
  const malicious = attack ? prep.malicious : prep.malicious.map(() => false);
  const raw = prep.clientRaw.map((d, i) => (malicious[i] && attack?.poison ? attack.poison(d, poisonSetup(prep)) : d));
  const pipeline = attack?.poison ? fitFederatedPipeline(raw, prep.pipelineConfig) : prep.clean;
  let specs = clientSpecs(prep);
  if (attack?.device) specs = specs.map((s, i) => (malicious[i] ? attack.device!(s) : s));
  return {
    data: raw.map((d) => toClientData(pipeline, d)), specs, malicious, test: toClientData(pipeline, prep.test), root: toClientData(pipeline, prep.root),
    backdoorTest: backdoorTestSet(prep, pipeline, attack), rowsHere: true,
  };
}

/** One strategy × attack run; `onRound` sees the record after every round. */
export async function runFederated(prep: Prepared, strategyName: string, attackName: string, opts: RunOptions): Promise<RunRecord> {
  const attack = opts.attackOverride !== undefined ? opts.attackOverride : byzantineAttack(attackName);
  return runWithInputs(prep, localInputs(prep, attack), strategyName, attackName, attack, opts);
}

/** The part of a run that is the same wherever the clients are: strategy, engine, record. */
export async function runWithInputs(prep: Pick<Prepared, 'config' | 'numClasses'>, inputs: RunInputs, strategyName: string, attackName: string, attack: ByzantineAttack | null, opts: RunOptions): Promise<RunRecord> {
  const c = prep.config, C = prep.numClasses;
  const { data, specs, malicious, test, root, backdoorTest } = inputs;
  // The server's root update (FLTrust) is trained like an honest client's.
  const honest = clientSpecs(prep)[0];
  const plannedClients = Math.max(c.policy?.minFitClients ?? 2, Math.ceil((c.policy?.fractionFit ?? 1) * c.clients));
  const f = Math.round(c.malicious * plannedClients);
  const innerStrategy = makeStrategy(strategyName, {
    policy: c.policy, f, plannedClients, mu: c.mu, serverLr: c.serverLr,
    rootUpdate: (global, round) => trainLocal({ client: -1, round, seed: subSeed(c.seed, round, 0x7007), numClasses: C, spec: honest, data: root, global, instructions: { proxMu: 0 } }).update,
  });
  const strategy = c.secureAgg || c.dp ? new PrivateStrategy(innerStrategy, { seed: c.seed, secureAgg: c.secureAgg, dp: c.dp }) : innerStrategy;
  const model = createModel(c.model, test.cols, C, c.seed);
  const quantum = isQuantumType(c.model.type);
  const rec: RunRecord = opts.resume && opts.resume.state
    ? { ...opts.resume, rounds: opts.resume.rounds.slice(0, opts.resume.state.round) }
    : { strategy: strategyName, attack: attackName, malicious_fraction: attack ? c.malicious : 0, final_accuracy: null, backdoor_success: null, status: 'running', rounds: [], initial: null };
  const out = await simulate({
    rounds: c.rounds, seed: subSeed(c.seed, 0xf1), numClasses: C, model: c.model, clients: specs, data, malicious, attack, strategy, test, backdoorTest,
    faults: c.faults, init: Float64Array.from(model.params), headOffset: quantum && model.headOffset !== undefined ? model.headOffset : model.params.length,
    transport: opts.transport, pool: opts.pool,
  }, {
    resume: rec.state,
    onRound: async (r, state) => {
      rec.rounds.push(r);
      rec.state = state;
      await opts.onRound?.(rec);
    },
  });
  rec.initial ??= out.initial;
  const last = rec.rounds[rec.rounds.length - 1];
  rec.final_accuracy = last ? last.accuracy : out.initial.accuracy;
  rec.backdoor_success = attack?.backdoor ? (last ? last.backdoor_success : out.initial.backdoor_success) : null;
  if (strategy instanceof PrivateStrategy) {
    // The membership audit needs the members' rows: only where they are.
    const mia = c.dp && inputs.rowsHere ? membershipAudit(c.model, C, c.seed, out.params, data, test) : null;
    Object.assign(rec, privateRunFields(strategy, mia));
  }
  rec.status = 'complete';
  delete rec.state;
  return rec;
}

/**
 * A prepared federation, wherever its clients are: what the job records about it, the central
 * reference where the server may see the rows, and its strategy × attack runs. `localFederation`
 * simulates the clients in this process; `remoteFederation` (src/cluster/fl.ts) talks to real
 * client processes over NATS. The job (qml6g federate) runs either through the same steps.
 */
export interface Federation {
  config: FederateConfig;
  numClasses: number;
  classes: string[];
  malicious: boolean[];
  label_histogram: number[][];
  notes: string[];
  clientRows: number[];
  testRows: number;
  rootRows: number;
  /** Features after the federated preprocessing. */
  features: number;
  /** The model trained centrally on the union of the clients' rows, or null where the rows never leave the clients. */
  central(): { accuracy: number; balanced_accuracy: number; loss: number } | null;
  run(strategyName: string, attackName: string, opts: Omit<RunOptions, 'pool'>): Promise<RunRecord>;
}

/** The in-process federation: clients simulated on `pool`'s worker threads. */
export function localFederation(prep: Prepared, pool: Pick<ClientPool, 'run'>): Federation {
  return {
    config: prep.config, numClasses: prep.numClasses, classes: prep.classes, malicious: prep.malicious, label_histogram: prep.label_histogram, notes: prep.notes,
    clientRows: prep.clientRaw.map((d) => d.table.rows), testRows: prep.test.table.rows, rootRows: prep.root.table.rows, features: prep.clean.outputDim,
    central: () => centralReference(prep),
    run: (strategy, attack, opts) => runFederated(prep, strategy, attack, { ...opts, pool }),
  };
}

/** The evaluation model of a run's final parameters (for saving or further checks). */
export function finalModel(prep: Prepared, params: Float64Array) {
  return modelWith(prep.config.model, prep.clean.outputDim, prep.numClasses, params);
}
