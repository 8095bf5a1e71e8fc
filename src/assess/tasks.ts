/**
 * The independent pieces of work of `qml6g assess` as plain data in, plain data out, so that they
 * can run on this thread or on a worker thread (./pool.ts) with the same result: one evasion
 * attack on one model over the whole ε grid, one model's unbounded check, one model's
 * quantum-specific attacks, one model's noise sweep, the leakage table, one flagged model's
 * adaptive attacks. Every random choice is seeded from the configuration, never from the order in
 * which the pieces run, so the results do not depend on the number of threads.
 */
import { Rng } from '../core/rng.js';
import { threadCpuSeconds } from '../core/cpu.js';
import { wilsonInterval } from '../core/stats.js';
import { selectRows, stratifiedSubset, type LabeledData } from '../qml/table.js';
import { Detector } from '../qml/detector.js';
import type { ModelType } from '../qml/models/registry.js';
import { assessSpec, assessTrainConfig } from './detectors.js';
import { classificationMetrics } from '../qml/metrics.js';
import { modelFromJSON } from '../qml/models/registry.js';
import { VariationalClassifier } from '../qml/models/vqc.js';
import { HybridNetwork } from '../qml/models/hybrid.js';
import { Pipeline } from '../qml/pipeline.js';
import { encodingCapacity } from '../qml/circuits.js';
import type { Model } from '../qml/model.js';
import { InputTarget, RawTarget, type AttackTarget } from '../attacks/target.js';
import { evasionAttack } from '../attacks/registry.js';
import { runAttack, scoreAdversarial } from '../attacks/attack.js';
import { threatModel, type DomainConstraints } from '../attacks/threat.js';
import { APGD } from '../attacks/evasion/apgd.js';
import { PGD } from '../attacks/evasion/pgd.js';
import { agreement, BpdaTarget, distilledSurrogate } from '../attacks/surrogate.js';
import { noiseInjection, parameterTampering, readoutManipulation, stateInterception, type QuantumAttackResult } from '../attacks/quantum/quantum-attacks.js';
import { encodingLeakage, LEAKAGE_ENCODINGS } from '../attacks/leakage.js';
import { mitigatedExpectations } from '../defenses/mitigated-layer.js';
import type { AssessConfig } from './config.js';
import type { AttackEntry, UnboundedEntry } from './run.js';
import type { LeakageEntry } from './steps/leakage.js';
import { DeepFool } from '../attacks/evasion/deepfool.js';
import { reachability } from '../attacks/reach.js';
import type { AttackReport } from '../attacks/attack.js';
import { nisqNoise } from './noise.js';

/** What every task reads: the configuration, the data splits, the constraints and the trained detectors. */
export interface TaskEnv {
  cfg: AssessConfig;
  train: LabeledData;
  attack: LabeledData;
  constraints: DomainConstraints;
  bbRows: number;
  epsT: number;
  detectors: Map<string, Detector>;
}

export type AssessTask =
  /** Train one detector on the training rows (its JSON comes back; the train step signs and saves it). */
  | { kind: 'train'; model: ModelType }
  /** One evasion attack on one model over the ε grid; `cached`: its entries from an interrupted run. */
  | { kind: 'attack'; model: string; attack: string; cached: AttackEntry[] }
  | { kind: 'unbounded'; model: string }
  | { kind: 'quantum'; model: string; cached: AttackEntry[] }
  /** One noise strength; the mitigated accuracy is its own tasks (`mitigate`, a range of rows each). */
  | { kind: 'noise'; model: string; strength: number }
  | { kind: 'mitigate'; model: string; lo: number; hi: number }
  | { kind: 'leakage' }
  /** One piece of a flagged model's adaptive escalation (`eps`: the ε of an attack piece, 0 for the others). */
  | { kind: 'adaptive'; model: string; part: AdaptivePart; eps: number };

export interface NoiseEntry { model: string; strength: number; accuracy: number; mitigated_accuracy?: number | null }

export interface TaskResult {
  /** Train: the trained detector as JSON, and its training time. */
  detector?: Record<string, unknown>;
  trainSeconds?: number;
  entries?: AttackEntry[];
  /** PGD's adversarial rows at the transfer ε (they feed the transfer step). */
  pgdX?: Float64Array;
  unbounded?: UnboundedEntry;
  noise?: NoiseEntry;
  /** Mitigate: rows of the range the mitigated read-out classifies correctly. */
  correct?: number;
  leakage?: LeakageEntry[];
  /** Adaptive pieces: agreement of the distilled surrogate; rows an unbounded escalation flipped. */
  agreement?: number;
  adaptiveFlipped?: number[];
  seconds: number;
  cpu_seconds: number;
}

/** A short name of a task for logs and the timing table. */
export function taskName(t: AssessTask): string {
  if (t.kind === 'train') return `train ${t.model}`;
  return t.kind === 'attack' ? `${t.model} ${t.attack}` : t.kind === 'leakage' ? 'leakage' : t.kind === 'noise' ? `${t.model} noise ${t.strength}`
    : t.kind === 'mitigate' ? `${t.model} mitigate ${t.lo}-${t.hi}` : t.kind === 'adaptive' ? `${t.model} adaptive ${t.part}${t.eps ? ` ${t.eps}` : ''}` : `${t.model} ${t.kind}`;
}

/** An attack report as a results entry (white-box ones also scored on the black-box rows alone), with 95% Wilson intervals. */
export function entryOf(ctx: { state: { bbRows: number } }, r: AttackReport, rows: number, name = r.name): AttackEntry {
  const n = ctx.state.bbRows;
  const subsetRobust = r.records.slice(0, n).filter((x) => x.correct && !x.success).length / Math.max(n, 1);
  const robust = r.records.filter((x) => x.correct && !x.success).length, correct = r.records.filter((x) => x.correct).length;
  const flipped: number[] = [];
  r.records.forEach((x, i) => { if (x.success) flipped.push(i); });
  return {
    subset_robust_accuracy: r.threat === 'white-box' ? subsetRobust : undefined,
    name, threat: r.threat, epsilon: r.epsilon, robust_accuracy: r.robust_accuracy, robust_accuracy_ci: wilsonInterval(robust, r.records.length),
    attack_success_rate: r.attack_success_rate, attack_success_rate_ci: wilsonInterval(flipped.length, correct), clean_accuracy: r.clean_accuracy, flipped,
    space: r.space, norm: r.norm, rows, mean_queries: r.mean_queries, mean_perturbation: r.mean_perturbation, median_perturbation: r.median_perturbation,
    ece_clean: r.ece_clean, ece_adversarial: r.ece_adversarial, seconds: r.seconds,
  };
}

/**
 * The unbounded check's inputs, sound under the domain constraints: constrained DeepFool with no
 * budget in the raw attack space, and which rows any valid change can flip at all (exact for linear
 * models, by search otherwise: see attacks/reach.ts).
 */
export function unboundedEntry(target: RawTarget, X0: Float64Array, y: Int32Array, rows: number, seed: number, steps: number): UnboundedEntry {
  const df = runAttack(new DeepFool(50), target, X0, y, rows, threatModel({ epsilon: Infinity, norm: 'l2', space: 'raw', constraints: target.constraints, steps }), seed);
  const reach = reachability(target, X0, y, rows, { seed, steps, known: Uint8Array.from(df.records, (x) => (x.success ? 1 : 0)) });
  // The gradient attacks without a budget (DeepFool, then PGD far outside the data) are the unbounded
  // attack; rows only the corner search reaches are what the gradients miss.
  const gradient = new Set(reach.methods.map((m, i) => (m.startsWith('corner') ? -1 : i)).filter((i) => i >= 0));
  const flipped: number[] = [];
  for (let r = 0; r < rows; r++) if (reach.reached[r] && gradient.has(reach.via[r]) && !(reach.exact && !df.records[r].success)) flipped.push(r);
  return { attack: reach.exact ? 'deepfool' : 'deepfool + pgd (no budget)', flipped, correct: reach.correct, reachable: reach.reachable, out_of_reach: reach.outOfReach, exact: reach.exact, methods: reach.methods };
}

const MINIMAL = new Set(['cw', 'deepfool', 'hopskipjump']);
const BLACK_BOX = new Set(['square', 'hopskipjump']);

/** Runs one task on this thread. */
export function runTask(env: TaskEnv, task: AssessTask, progress?: (done: number, total: number) => void): TaskResult {
  const w0 = performance.now(), c0 = threadCpuSeconds();
  const out = dispatch(env, task, progress);
  return { ...out, seconds: (performance.now() - w0) / 1000, cpu_seconds: threadCpuSeconds() - c0 };
}

function dispatch(env: TaskEnv, task: AssessTask, progress?: (done: number, total: number) => void): Omit<TaskResult, 'seconds' | 'cpu_seconds'> {
  switch (task.kind) {
    case 'train': {
      const ts = performance.now();
      const det = Detector.train(env.train, assessSpec(env.cfg, task.model), { ...assessTrainConfig(env.cfg, task.model), onProgress: progress });
      return { detector: det.toJSON(), trainSeconds: (performance.now() - ts) / 1000 };
    }
    case 'attack': return attackTask(env, task.model, task.attack, task.cached);
    case 'unbounded': {
      const { attack, train, constraints, cfg } = env;
      const det = env.detectors.get(task.model)!;
      const full = new RawTarget(det, attack.table, constraints, train.table);
      return { unbounded: unboundedEntry(full, full.initial(), det.labelsFor(attack), attack.table.rows, cfg.seed, cfg.steps) };
    }
    case 'quantum': return { entries: quantumTask(env, task.model, task.cached) };
    case 'noise': return { noise: noiseTask(env, task.model, task.strength) };
    case 'mitigate': return { correct: mitigateTask(env, task.model, task.lo, task.hi) };
    case 'leakage': return { leakage: leakageTask(env) };
    case 'adaptive': return adaptiveTask(env, task.model, task.part, task.eps);
  }
}

const ctxOf = (env: TaskEnv) => ({ state: { bbRows: env.bbRows } });

/** One evasion attack in raw traffic features under the constraints, at every ε (step 3's unit of work). */
function attackTask(env: TaskEnv, model: string, a: string, cached: AttackEntry[]): { entries: AttackEntry[]; pgdX?: Float64Array } {
  const { cfg, attack, train, constraints, bbRows, epsT } = env;
  const reuse = (eps: number) => cached.find((x) => x.epsilon === eps);
  const det = env.detectors.get(model)!;
  const atk = evasionAttack(a, cfg.quick ? 0.5 : 0.7);
  const black = BLACK_BOX.has(a);
  const rows = black ? bbRows : attack.table.rows;
  const base = black ? selectRows(attack, Array.from({ length: bbRows }, (_, i) => i)) : attack;
  const tgt = new RawTarget(det, base.table, constraints, train.table);
  const yy = det.labelsFor(base), XX = tgt.initial();
  // Early stop (AutoAttack's rule) everywhere except PGD at the transfer ε, whose points are
  // replayed on the other models and should be as confident as the full run makes them.
  const threatAt = (eps: number) => threatModel({ epsilon: eps, norm: cfg.norm, space: 'raw', constraints, steps: cfg.steps, queries: cfg.queries, restarts: 1, earlyStop: !(a === 'pgd' && eps === epsT) });
  const entries: AttackEntry[] = [];
  if (MINIMAL.has(a)) {
    const all = cfg.eps.map(reuse);
    if (all.every(Boolean)) return { entries: all as AttackEntry[] };
    // One run finds each row's smallest perturbation; score it at every ε.
    const ts = performance.now(), c0 = threadCpuSeconds(), q0 = tgt.queries;
    const advX = atk.run({ target: tgt, X0: XX, y: yy, rows, threat: threatAt(Math.max(...cfg.eps)), rng: new Rng(cfg.seed) }).X;
    const q = (tgt.queries - q0) / rows, secs = (performance.now() - ts) / 1000, cpu = threadCpuSeconds() - c0;
    for (const eps of cfg.eps) entries.push({ ...entryOf(ctxOf(env), scoreAdversarial(atk, tgt, XX, advX, yy, rows, threatAt(eps), q, undefined, secs / cfg.eps.length), rows), cpu_seconds: cpu / cfg.eps.length });
    return { entries };
  }
  let pgdX: Float64Array | undefined;
  for (const eps of cfg.eps) {
    // PGD at the transfer ε always runs: its points feed the transfer step.
    const c = reuse(eps);
    if (c && !(a === 'pgd' && eps === epsT)) { entries.push(c); continue; }
    const ts = performance.now(), c0 = threadCpuSeconds(), q0 = tgt.queries;
    const o = eps === 0 ? { X: Float64Array.from(XX), steps: undefined } : atk.run({ target: tgt, X0: XX, y: yy, rows, threat: threatAt(eps), rng: new Rng(cfg.seed) });
    const r = scoreAdversarial(atk, tgt, XX, o.X, yy, rows, threatAt(eps), (tgt.queries - q0) / rows, o.steps, (performance.now() - ts) / 1000);
    entries.push({ ...entryOf(ctxOf(env), r, rows), cpu_seconds: threadCpuSeconds() - c0 });
    if (a === 'pgd' && eps === epsT) pgdX = o.X;
  }
  return { entries, pgdX };
}

const NORM: Record<string, string> = { interception: 'fidelity', 'noise-injection': 'depolarizing', readout: 'error rate' };

/** Step 5's work for one quantum model: perturbed encoding angles and the circuit-level attacks. */
function quantumTask(env: TaskEnv, model: string, cached: AttackEntry[]): AttackEntry[] {
  const { cfg, attack } = env;
  const attacks = cfg.attacks;
  const det = env.detectors.get(model)!;
  const out: AttackEntry[] = [];
  if (det.model.kind !== 'quantum') return out;
  const reuse = (name: string, eps: number) => cached.find((a) => a.name === name && a.epsilon === eps);
  const y = det.labelsFor(attack);
  const Z = det.inputs(attack.table);
  const q = (r: QuantumAttackResult, rows: number, seconds: number, cpu: number): AttackEntry => ({
    name: r.name, threat: 'quantum', epsilon: r.budget, robust_accuracy: r.robust_accuracy, attack_success_rate: r.attack_success_rate,
    robust_accuracy_ci: wilsonInterval(Math.round(r.robust_accuracy * rows), rows), clean_accuracy: r.clean_accuracy,
    attack_success_rate_ci: wilsonInterval(Math.round(r.attack_success_rate * Math.round(r.clean_accuracy * rows)), Math.round(r.clean_accuracy * rows)),
    space: 'quantum', norm: NORM[r.name] ?? 'radians', rows, details: r.details, seconds, cpu_seconds: cpu,
  });
  if (attacks.includes('encoding') && det.model.type !== 'hybrid') {
    // The encoding angles are the model's inputs: perturb them directly, bypassing preprocessing.
    for (const eps of cfg.angleEps) {
      const cached1 = reuse('encoding', eps);
      if (cached1) { out.push(cached1); continue; }
      const c0 = threadCpuSeconds();
      const r = runAttack(evasionAttack('pgd'), new InputTarget(det.model), Z.data, y, Z.rows, threatModel({ epsilon: eps, steps: cfg.steps, norm: 'linf', earlyStop: true }), cfg.seed);
      out.push({ ...entryOf(ctxOf(env), r, Z.rows, 'encoding'), threat: 'quantum', space: 'encoding angles', norm: 'linf (radians)', cpu_seconds: threadCpuSeconds() - c0 });
    }
  }
  if (det.model instanceof VariationalClassifier || det.model instanceof HybridNetwork) {
    const small = { data: Z.data.slice(0, Math.min(Z.rows, 40) * Z.cols), rows: Math.min(Z.rows, 40), cols: Z.cols };
    const ys = y.subarray(0, small.rows);
    const jobs: Array<[string, number, () => QuantumAttackResult, number]> = [
      ['param-tamper', 0.1, () => parameterTampering(det.model, Z, y, 0.1, 'worst', cfg.seed), Z.rows],
      ['param-random', 0.1, () => parameterTampering(det.model, Z, y, 0.1, 'random', cfg.seed), Z.rows],
      ['readout', 0.1, () => readoutManipulation(det.model, Z, y, 0.1), Z.rows],
      ['interception', 0.9, () => stateInterception(det.model, Z, y, 0.9, cfg.seed, cfg.quick ? 8 : 20), Z.rows],
      ['noise-injection', 0.2, () => noiseInjection(det.model, small, ys, 0.2, 2), small.rows],
    ];
    for (const [name, budget, f, rows] of jobs) {
      if (!attacks.includes(name)) continue;
      const cached1 = reuse(name, budget);
      if (cached1) { out.push(cached1); continue; }
      const ts = performance.now(), c0 = threadCpuSeconds();
      const r = f();
      out.push(q(r, rows, (performance.now() - ts) / 1000, threadCpuSeconds() - c0));
    }
  }
  return out;
}

/** Rows of the noise sweep (a density-matrix run per row and strength). */
export function noiseRows(env: Pick<TaskEnv, 'cfg' | 'attack'>): number {
  return Math.min(env.attack.table.rows, env.cfg.quick ? 10 : 24);
}

/** Step 6's work for one model and noise strength: accuracy on the first noise rows under NISQ noise of that strength. */
function noiseTask(env: TaskEnv, model: string, s: number): NoiseEntry {
  const { attack } = env;
  const det = env.detectors.get(model)!;
  const sub = selectRows(attack, Array.from({ length: noiseRows(env) }, (_, i) => i));
  const noisy: Model = s === 0 ? det.model : modelFromJSON({ ...(det.model.toJSON() as object), execution: { noise: nisqNoise(s) } });
  const Zs = det.inputs(sub.table), ys = det.labelsFor(sub);
  const p = noisy.predictProba(Zs);
  return { model, strength: s, accuracy: classificationMetrics(p, ys, det.classes.length).accuracy, mitigated_accuracy: null };
}

/**
 * Mitigation on the VQC's read-outs at the base strength (ZNE on scales 1, 3, 5 with read-out
 * inversion, then the same head) for the noise rows lo..hi−1: each row costs three density-matrix
 * runs of circuits up to five times longer, so the rows are split into tasks. Rows are independent:
 * the correct counts of the parts add up to the whole.
 */
function mitigateTask(env: TaskEnv, model: string, lo: number, hi: number): number {
  const det = env.detectors.get(model)!;
  const m = det.model as VariationalClassifier, P = m.layer.numParams, C = det.classes.length;
  const sub = selectRows(env.attack, Array.from({ length: hi - lo }, (_, i) => lo + i));
  const Zs = det.inputs(sub.table), ys = det.labelsFor(sub);
  const e = mitigatedExpectations(m.layer.built.circuit, m.layer.built.observables, m.params.subarray(0, P), Zs, nisqNoise(1));
  const probs = new Float64Array(Zs.rows * C);
  for (let r = 0; r < Zs.rows; r++) m.head.forward(m.params, P, e, r * m.layer.outputs, probs, r * C);
  return Math.round(classificationMetrics(probs, ys, C).accuracy * Zs.rows);
}

/** The leakage step's table: what one intercepted encoded record reveals of its class, per encoding. */
export function leakageTask(env: Pick<TaskEnv, 'cfg' | 'train'>): LeakageEntry[] {
  const { cfg, train } = env;
  // Density matrices of 2^q: a 6-qubit register keeps the eigen-solver to a fraction of a second.
  const q = Math.min(cfg.qubits, cfg.quick ? 4 : 6);
  const out: LeakageEntry[] = [];
  for (const enc of LEAKAGE_ENCODINGS) {
    const cap = enc === 'reupload' ? q : encodingCapacity(enc, q);
    const X = Pipeline.fit(train, { components: cap, range: [0, Math.PI] }).transform(train.table);
    for (const noise of ['none', 'nisq'] as const) {
      const r = encodingLeakage(X, train.labels, train.classes.length, {
        qubits: q, encoding: enc, noise: noise === 'nisq' ? nisqNoise(1) : undefined, maxRowsPerClass: cfg.quick ? 100 : 300, seed: cfg.seed, nullBaseline: noise === 'none',
      });
      out.push({ encoding: enc, noise, qubits: q, success: r.success, upper_bound: r.upperBound, guessing: r.guessing, advantage: r.advantage, null_success: r.nullSuccess, measurement: r.measurement });
    }
  }
  return out;
}

/** The radius (standard deviations) standing in for "unbounded" in the adaptive unbounded attacks. */
export const UNBOUNDED_RADIUS = 50;

/**
 * The pieces of one flagged model's escalation (step 8), each an independent task so that they run
 * side by side: the surrogate (its agreement with the model), margin PGD with restarts, APGD-DLR,
 * BPDA through the surrogate and transfer from it, each at one ε; with a failed unbounded check,
 * margin PGD and BPDA at radii far beyond the data. Each has its own seed, so the pieces give the
 * same result in any order and on any thread.
 */
export type AdaptivePart = 'surrogate' | 'pgd-margin' | 'apgd-dlr' | 'bpda' | 'transfer:surrogate' | 'pgd-margin (unbounded)' | 'bpda (unbounded)';

/** The surrogates a thread has distilled, per task environment and model (the BPDA and transfer pieces share one). */
const surrogates = new WeakMap<TaskEnv, Map<string, Detector>>();

function surrogateOf(env: TaskEnv, model: string): Detector {
  let m = surrogates.get(env);
  if (!m) surrogates.set(env, (m = new Map()));
  const have = m.get(model);
  if (have) return have;
  const { cfg, train } = env;
  // The attacker's own rows for the surrogate: training rows, labelled by querying the victim.
  const sTrain = selectRows(train, stratifiedSubset(train.labels, Math.min(train.table.rows, cfg.quick ? 800 : 2000), cfg.seed + 11));
  const sur = distilledSurrogate(env.detectors.get(model)!, sTrain, { seed: cfg.seed, epochs: cfg.quick ? 15 : 30 });
  m.set(model, sur);
  return sur;
}

function adaptiveTask(env: TaskEnv, model: string, part: AdaptivePart, eps: number): Omit<TaskResult, 'seconds' | 'cpu_seconds'> {
  const { cfg, attack, train, constraints } = env;
  const det = env.detectors.get(model)!;
  if (part === 'surrogate') return { agreement: agreement(det, surrogateOf(env, model), attack) };
  const full = new RawTarget(det, attack.table, constraints, train.table);
  const y = det.labelsFor(attack), X0 = full.initial(), rows = attack.table.rows;
  const needsSurrogate = part === 'bpda' || part === 'transfer:surrogate' || part === 'bpda (unbounded)';
  const surTarget = needsSurrogate ? new RawTarget(surrogateOf(env, model), attack.table, constraints, train.table) : null;
  const bpda = surTarget ? new BpdaTarget(full, surTarget) : null;
  const steps = 2 * cfg.steps, restarts = cfg.quick ? 3 : 5;
  const threatAt = (e: number, r = restarts, earlyStop = true) => threatModel({ epsilon: e, norm: cfg.norm, space: 'raw', constraints, steps, restarts: r, queries: cfg.queries, earlyStop });
  const ctx = ctxOf(env);
  const pgdMargin = new PGD('pgd-margin', 0, true, 'margin');
  // BPDA is margin PGD whose gradients come from the surrogate.
  const bpdaPgd = new PGD('bpda', 0, true, 'margin');
  const c0 = threadCpuSeconds();
  const one = (e: AttackEntry): { entries: AttackEntry[] } => ({ entries: [{ ...e, cpu_seconds: threadCpuSeconds() - c0 }] });
  switch (part) {
    case 'pgd-margin': return one(entryOf(ctx, runAttack(pgdMargin, full, X0, y, rows, threatAt(eps), cfg.seed + 21), rows));
    case 'apgd-dlr': return one(entryOf(ctx, runAttack(new APGD('apgd-dlr', 'dlr-targeted'), full, X0, y, rows, threatAt(eps, 1), cfg.seed + 22), rows));
    case 'bpda': return one(entryOf(ctx, runAttack(bpdaPgd, bpda!, X0, y, rows, threatAt(eps), cfg.seed + 23), rows));
    case 'transfer:surrogate': {
      // Crafted on the surrogate at full strength (no early stop): confident points transfer better.
      const t = threatAt(eps, restarts, false);
      const out = pgdMargin.run({ target: surTarget!, X0, y, rows, threat: t, rng: new Rng(cfg.seed + 24) });
      return one(entryOf(ctx, scoreAdversarial({ name: 'transfer:surrogate', knowledge: 'transfer' }, full, X0, out.X, y, rows, t, 0), rows, 'transfer:surrogate'));
    }
    case 'pgd-margin (unbounded)':
    case 'bpda (unbounded)': {
      // Radii from near the data to far beyond it (an angle-encoded model is periodic in its inputs,
      // so the farthest point is not always the best).
      const more: number[] = [];
      for (const radius of [2, 10, UNBOUNDED_RADIUS]) {
        const r = part === 'bpda (unbounded)' ? runAttack(bpdaPgd, bpda!, X0, y, rows, threatAt(radius, 2), cfg.seed + 25) : runAttack(pgdMargin, full, X0, y, rows, threatAt(radius, 2), cfg.seed + 25);
        r.records.forEach((x, i) => { if (x.success) more.push(i); });
      }
      return { adaptiveFlipped: [...new Set(more)] };
    }
  }
}
