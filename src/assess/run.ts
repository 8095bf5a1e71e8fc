/**
 * The main job: train quantum and classical detectors, attack them (evasion in raw traffic features
 * under domain constraints, transfer between models, quantum-specific attacks), sweep NISQ noise,
 * run the honest-evaluation checks, and write everything as it goes: results.json after every
 * step (so an interrupted run keeps what it computed and can resume), CSV tables, the trained
 * models and a self-contained report.html.
 */
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { QmlError } from '../core/errors.js';
import { Rng } from '../core/rng.js';
import { version } from '../core/version.js';
import { loadDataset, isNamedDataset, type DataFormat } from '../qml/datasets.js';
import { selectRows, stratifiedSplit, stratifiedSubset, type LabeledData } from '../qml/table.js';
import { Detector } from '../qml/detector.js';
import { classificationMetrics } from '../qml/metrics.js';
import { isQuantumType, type ModelSpec } from '../qml/models/registry.js';
import { VariationalClassifier } from '../qml/models/vqc.js';
import { HybridNetwork } from '../qml/models/hybrid.js';
import type { Model } from '../qml/model.js';
import { modelFromJSON } from '../qml/models/registry.js';
import { InputTarget, NSL_KDD_CONSTRAINTS, RawTarget } from '../attacks/target.js';
import { evasionAttack } from '../attacks/registry.js';
import { runAttack, scoreAdversarial, type AttackReport } from '../attacks/attack.js';
import { threatModel, type DomainConstraints } from '../attacks/threat.js';
import { honestChecks, type Check } from '../attacks/honest.js';
import { noiseInjection, parameterTampering, readoutManipulation, stateInterception, type QuantumAttackResult } from '../attacks/quantum/quantum-attacks.js';
import type { NoiseModel } from '../sim/noise.js';
import type { AssessConfig } from './config.js';
import { writeReport } from '../report/report.js';
import { runDefenses, type DefenseEntry } from './defenses.js';
import { runPoisonExperiment, type PoisonRecord } from '../poisoning/experiment.js';
import { trainingThreatPlan } from './training-threats.js';
import { mitigatedExpectations } from '../defenses/mitigated-layer.js';
import { signDetectorJSON, signedFileText, verifyDetectorText } from '../supply/signing.js';
import { signingKey, trustedKeys } from '../supply/keys.js';

export interface AttackEntry {
  name: string;
  threat: 'white-box' | 'black-box' | 'transfer' | 'quantum';
  epsilon: number;
  robust_accuracy: number;
  attack_success_rate: number;
  space: string;
  norm: string;
  rows: number;
  mean_queries?: number;
  /** White-box attacks: robust accuracy on the black-box rows alone, so the two can be compared on the same rows. */
  subset_robust_accuracy?: number;
  mean_perturbation?: number | null;
  median_perturbation?: number | null;
  ece_clean?: number;
  ece_adversarial?: number;
  details?: Record<string, unknown>;
  seconds: number;
}

export interface ModelEntry {
  name: string;
  kind: 'quantum' | 'classical';
  clean_accuracy: number;
  test: { accuracy: number; balanced_accuracy: number; f1: number; roc_auc: number | null; ece: number; false_positive_rate: number; detection_rate: number; confusion: number[][]; n: number; reliability: unknown };
  attacks: AttackEntry[];
  train_seconds: number;
  parameters: number;
  features: number;
  file: string;
}

export interface AssessResults {
  format: 'qml6g-assess';
  dataset: string;
  seed: number;
  version: string;
  config: AssessConfig;
  config_hash: string;
  status: 'running' | 'complete' | 'interrupted';
  classes: string[];
  rows: { train: number; test: number; attack: number; black_box: number };
  models: ModelEntry[];
  transfer: { epsilon: number; pairs: Array<{ from: string; to: string; robust_accuracy: number; transfer_rate: number }> };
  noise_sweep: Array<{ model: string; strength: number; accuracy: number; mitigated_accuracy?: number | null }>;
  noise_base: NoiseModel;
  checks: Check[];
  /** With --defenses: the defence × attack matrix (the undefended model is the defence "none"). */
  defenses?: DefenseEntry[];
  /** With --threats training: one record per poisoning experiment and defence. */
  training_threats?: PoisonRecord[];
  summary: string[];
  notes: string[];
  seconds: number;
}

export { NISQ_BASE, nisqNoise } from './noise.js';
import { NISQ_BASE, nisqNoise } from './noise.js';

export function configHash(c: AssessConfig): string {
  const { out: _o, ...rest } = c;
  void _o;
  return crypto.createHash('sha256').update(JSON.stringify(rest)).digest('hex').slice(0, 16);
}

/** Constraints for a data set without built-in ones: every numeric column mutable, with the bounds its training values obey. */
export function inferConstraints(d: LabeledData): DomainConstraints {
  const mutable: string[] = [], integer: string[] = [], nonNegative: string[] = [];
  const bounds: Record<string, [number, number]> = {};
  for (const c of d.table.columns) {
    if (c.kind !== 'numeric') continue;
    const v = Array.from(c.values).filter((x) => !Number.isNaN(x));
    if (!v.length || v.every((x) => x === v[0])) continue;
    mutable.push(c.name);
    if (v.every(Number.isInteger)) integer.push(c.name);
    const lo = Math.min(...v), hi = Math.max(...v);
    if (lo >= 0) nonNegative.push(c.name);
    if (lo >= 0 && hi <= 1 && !v.every(Number.isInteger)) bounds[c.name] = [0, 1];
  }
  return { mutable, integer, nonNegative, bounds, le: [] };
}

export interface AssessHooks {
  log: (s: string) => void;
  progress: (label: string, done: number, total: number) => void;
  /** Polled between steps; true stops the run after the current step (results kept). */
  interrupted: () => boolean;
}

const MINIMAL = new Set(['cw', 'deepfool', 'hopskipjump']);
const BLACK_BOX = new Set(['square', 'hopskipjump']);

export async function runAssess(cfg: AssessConfig, hooks: AssessHooks, resume: boolean): Promise<AssessResults> {
  const t0 = performance.now();
  const out = cfg.out;
  fs.mkdirSync(path.join(out, 'models'), { recursive: true });
  const resultsFile = path.join(out, 'results.json');
  const hash = configHash(cfg);
  let previous: AssessResults | null = null;
  if (resume && fs.existsSync(resultsFile)) {
    try {
      previous = JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as AssessResults;
    } catch {
      throw new QmlError('cannot resume: results.json is not valid JSON', resultsFile);
    }
    if (previous.config_hash !== hash) throw new QmlError('cannot resume: the options differ from the interrupted run (use the same options, or drop --resume)', resultsFile);
    hooks.log(`resuming: ${previous.models.length} model(s) and their finished attacks are reused`);
  }
  const pause = () => new Promise<void>((r) => setImmediate(r));

  // Data: a stratified sample, a held-out test split, attack rows from it.
  const named = isNamedDataset(cfg.data);
  const data = loadDataset(cfg.data, { label: cfg.label, format: (named ? undefined : cfg.format) as DataFormat | undefined, maxRows: Math.round(cfg.trainRows / 0.7), seed: cfg.seed });
  const split = stratifiedSplit(data.labels, 0.3, cfg.seed + 1);
  const train = selectRows(data, split.train), test = selectRows(data, split.test);
  const attackIdx = stratifiedSubset(test.labels, Math.min(cfg.attackRows, test.table.rows), cfg.seed + 2);
  const attack = selectRows(test, attackIdx);
  const bbRows = Math.min(cfg.blackBoxRows, attack.table.rows);
  const constraints = cfg.constraints ?? (data.name.startsWith('nsl-kdd') ? NSL_KDD_CONSTRAINTS : inferConstraints(train));
  const res: AssessResults = {
    format: 'qml6g-assess', dataset: data.name, seed: cfg.seed, version: version(), config: cfg, config_hash: hash, status: 'running',
    classes: data.classes, rows: { train: train.table.rows, test: test.table.rows, attack: attack.table.rows, black_box: bbRows },
    models: [], transfer: { epsilon: 0, pairs: [] }, noise_sweep: [], noise_base: nisqNoise(1), checks: [], summary: [],
    notes: [...data.notes, `raw-space attacks move only the attacker-controlled columns: ${constraints.mutable.join(', ')}; ε is in standard deviations of each column`],
    seconds: 0,
  };
  const save = () => {
    res.seconds = (performance.now() - t0) / 1000 + (previous?.seconds ?? 0);
    const tmp = `${resultsFile}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(res, null, 1));
    fs.renameSync(tmp, resultsFile);
  };
  const stop = async () => {
    await pause();
    if (hooks.interrupted()) {
      res.status = 'interrupted';
      save();
      const err = new QmlError(`interrupted; the results so far are in ${resultsFile}. Resume with the same options and --resume`);
      err.exitCode = 130;
      throw err;
    }
  };
  save();

  // 1. Train (or reload) every model.
  const detectors = new Map<string, Detector>();
  for (const name of cfg.models) {
    const file = path.join(out, 'models', `${name}.json`);
    const prev = previous?.models.find((m) => m.name === name);
    let det: Detector;
    let seconds = 0;
    if (prev && fs.existsSync(file)) {
      // A resumed run reloads its own models only if their signatures still verify.
      const text = fs.readFileSync(file, 'utf8');
      const v = verifyDetectorText(text, trustedKeys());
      if (!v.ok) throw new QmlError(`cannot resume: ${v.reason}`, file);
      const json = JSON.parse(text);
      det = Detector.fromJSON(json, file);
      seconds = prev.train_seconds;
    } else {
      const spec: ModelSpec = { type: name, qubits: name === 'hybrid' ? Math.min(cfg.qubits, 6) : cfg.qubits, layers: cfg.layers, svm: { maxTrain: cfg.kernelRows } };
      hooks.log(`training ${name} on ${train.table.rows} rows ...`);
      const ts = performance.now();
      det = Detector.train(train, spec, {
        epochs: name === 'hybrid' || name === 'mlp' || name === 'logreg' ? cfg.epochs * 3 : cfg.epochs, seed: cfg.seed, patience: 6,
        onProgress: (d, t) => hooks.progress(`train ${name}`, d, t),
      });
      seconds = (performance.now() - ts) / 1000;
      fs.writeFileSync(file, signedFileText(signDetectorJSON(det.toJSON(), signingKey())));
    }
    detectors.set(name, det);
    const m = det.evaluate(test);
    res.models.push({
      name, kind: det.model.kind, clean_accuracy: m.accuracy,
      test: { accuracy: m.accuracy, balanced_accuracy: m.balanced_accuracy, f1: m.f1, roc_auc: m.roc_auc, ece: m.ece, false_positive_rate: m.false_positive_rate, detection_rate: m.detection_rate, confusion: m.confusion, n: m.n, reliability: m.reliability },
      attacks: [], train_seconds: seconds, parameters: det.model.params.length, features: det.pipeline.outputDim, file: path.relative(out, file),
    });
    hooks.log(`  ${name}: test accuracy ${(100 * m.accuracy).toFixed(2)}% (${det.model.kind})`);
    save();
    await stop();
  }

  const subsetRobust = (r: AttackReport, n: number) => r.records.slice(0, n).filter((x) => x.correct && !x.success).length / Math.max(n, 1);
  const entryOf = (r: AttackReport, rows: number, name = r.name): AttackEntry => ({
    subset_robust_accuracy: r.threat === 'white-box' ? subsetRobust(r, bbRows) : undefined,
    name, threat: r.threat, epsilon: r.epsilon, robust_accuracy: r.robust_accuracy, attack_success_rate: r.attack_success_rate,
    space: r.space, norm: r.norm, rows, mean_queries: r.mean_queries, mean_perturbation: r.mean_perturbation, median_perturbation: r.median_perturbation,
    ece_clean: r.ece_clean, ece_adversarial: r.ece_adversarial, seconds: r.seconds,
  });
  const reuse = (model: string, name: string, eps: number): AttackEntry | undefined =>
    previous?.models.find((m) => m.name === model)?.attacks.find((a) => a.name === name && a.epsilon === eps);

  // With --threats training alone the evasion, quantum-specific and noise steps are skipped.
  const evasionOn = cfg.threats.includes('evasion');
  const attackList = evasionOn ? cfg.attacks : [], noiseList = evasionOn ? cfg.noise : [];

  // 2. Evasion attacks in raw feature space, under the domain constraints.
  const evasion = attackList.filter((a) => a !== 'transfer' && !a.startsWith('param') && !['encoding', 'readout', 'interception', 'noise-injection'].includes(a));
  const epsT = cfg.eps.filter((e) => e > 0)[Math.floor(cfg.eps.filter((e) => e > 0).length / 2)] ?? 0;
  const pgdPoints = new Map<string, Float64Array>();
  const unbounded = new Map<string, AttackReport>();
  for (const me of res.models) {
    const det = detectors.get(me.name)!;
    const full = new RawTarget(det, attack.table, constraints, train.table);
    const y = det.labelsFor(attack);
    const X0 = full.initial();
    const bb = selectRows(attack, Array.from({ length: bbRows }, (_, i) => i));
    const bbTarget = new RawTarget(det, bb.table, constraints, train.table);
    const units = evasion.length * cfg.eps.length;
    let done = 0;
    for (const a of evasion) {
      const atk = evasionAttack(a, cfg.quick ? 0.5 : 0.7);
      const black = BLACK_BOX.has(a);
      const tgt = black ? bbTarget : full, rows = black ? bbRows : attack.table.rows;
      const yy = black ? y.subarray(0, bbRows) : y, XX = black ? bbTarget.initial() : X0;
      const threatAt = (eps: number) => threatModel({ epsilon: eps, norm: cfg.norm, space: 'raw', constraints, steps: cfg.steps, queries: cfg.queries, restarts: 1 });
      if (MINIMAL.has(a)) {
        const cached = cfg.eps.map((e) => reuse(me.name, a, e));
        if (cached.every(Boolean)) { me.attacks.push(...(cached as AttackEntry[])); done += cfg.eps.length; continue; }
        // One run finds each row's smallest perturbation; score it at every ε.
        const ts = performance.now(), q0 = tgt.queries;
        const advX = atk.run({ target: tgt, X0: XX, y: yy, rows, threat: threatAt(Math.max(...cfg.eps)), rng: new Rng(cfg.seed) }).X;
        const q = (tgt.queries - q0) / rows, secs = (performance.now() - ts) / 1000;
        for (const eps of cfg.eps) {
          me.attacks.push(entryOf(scoreAdversarial(atk, tgt, XX, advX, yy, rows, threatAt(eps), q, undefined, secs / cfg.eps.length), rows));
          hooks.progress(`attack ${me.name}`, ++done, units);
        }
      } else {
        for (const eps of cfg.eps) {
          const cached = reuse(me.name, a, eps);
          if (cached && !(a === 'pgd' && eps === epsT)) { me.attacks.push(cached); hooks.progress(`attack ${me.name}`, ++done, units); continue; }
          const ts = performance.now(), q0 = tgt.queries;
          const o = eps === 0 ? { X: Float64Array.from(XX), steps: undefined } : atk.run({ target: tgt, X0: XX, y: yy, rows, threat: threatAt(eps), rng: new Rng(cfg.seed) });
          const r = scoreAdversarial(atk, tgt, XX, o.X, yy, rows, threatAt(eps), (tgt.queries - q0) / rows, o.steps, (performance.now() - ts) / 1000);
          me.attacks.push(entryOf(r, rows));
          if (a === 'pgd' && eps === epsT) pgdPoints.set(me.name, o.X);
          hooks.progress(`attack ${me.name}`, ++done, units);
        }
      }
      save();
      await stop();
    }
    // Unbounded check: DeepFool on the model's own inputs, with no ε limit, must reach nearly every row.
    const inp = new InputTarget(det.model);
    const Z = det.inputs(attack.table);
    unbounded.set(me.name, runAttack(evasionAttack('deepfool'), inp, Z.data, y, Z.rows, threatModel({ epsilon: 1e9, steps: cfg.steps, norm: 'l2' }), cfg.seed));
  }

  // 3. Transfer: PGD points crafted on each model, replayed on every other one.
  if (attackList.includes('transfer') && epsT > 0) {
    res.transfer.epsilon = epsT;
    for (const [from, Xadv] of pgdPoints) {
      const src = detectors.get(from)!;
      const fooledSrc = scoreAdversarial({ name: 'x', knowledge: 'transfer' }, new RawTarget(src, attack.table, constraints, train.table), new RawTarget(src, attack.table, constraints, train.table).initial(), Xadv, src.labelsFor(attack), attack.table.rows, threatModel({ epsilon: epsT, norm: cfg.norm, space: 'raw', constraints }), 0);
      for (const me of res.models) {
        if (me.name === from) continue;
        const det = detectors.get(me.name)!;
        const tgt = new RawTarget(det, attack.table, constraints, train.table);
        const y = det.labelsFor(attack);
        const r = scoreAdversarial({ name: `transfer:${from}`, knowledge: 'transfer' }, tgt, tgt.initial(), Xadv, y, attack.table.rows, threatModel({ epsilon: epsT, norm: cfg.norm, space: 'raw', constraints }), 0);
        let both = 0, src = 0;
        r.records.forEach((rec, i) => { if (fooledSrc.records[i].success) { src++; if (rec.success) both++; } });
        res.transfer.pairs.push({ from, to: me.name, robust_accuracy: r.robust_accuracy, transfer_rate: src ? both / src : 0 });
        me.attacks.push(entryOf(r, attack.table.rows, `transfer:${from}`));
      }
    }
    save();
    await stop();
  }

  // 4. Quantum-specific attacks.
  const qx = (d: Detector) => d.inputs(attack.table);
  for (const me of res.models) {
    const det = detectors.get(me.name)!;
    if (det.model.kind !== 'quantum') continue;
    const y = det.labelsFor(attack);
    const Z = qx(det);
    const circuitModel = det.model instanceof VariationalClassifier || det.model instanceof HybridNetwork;
    const q = (r: QuantumAttackResult, rows: number, seconds: number): AttackEntry => ({
      name: r.name, threat: 'quantum', epsilon: r.budget, robust_accuracy: r.robust_accuracy, attack_success_rate: r.attack_success_rate,
      space: 'quantum', norm: r.name === 'interception' ? 'fidelity' : r.name === 'noise-injection' ? 'depolarizing' : r.name === 'readout' ? 'error rate' : 'radians', rows, details: r.details, seconds,
    });
    const timed = <T>(f: () => T): [T, number] => { const ts = performance.now(); const v = f(); return [v, (performance.now() - ts) / 1000]; };
    if (attackList.includes('encoding') && det.model.type !== 'hybrid') {
      // The encoding angles are the model's inputs: perturb them directly, bypassing preprocessing.
      for (const eps of cfg.angleEps) {
        const cached = reuse(me.name, 'encoding', eps);
        if (cached) { me.attacks.push(cached); continue; }
        const r = runAttack(evasionAttack('pgd'), new InputTarget(det.model), Z.data, y, Z.rows, threatModel({ epsilon: eps, steps: cfg.steps, norm: 'linf' }), cfg.seed);
        me.attacks.push({ ...entryOf(r, Z.rows, 'encoding'), threat: 'quantum', space: 'encoding angles', norm: 'linf (radians)' });
      }
    }
    if (circuitModel) {
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
        if (!attackList.includes(name)) continue;
        const cached = reuse(me.name, name, budget);
        if (cached) { me.attacks.push(cached); continue; }
        hooks.log(`  ${me.name}: ${name} ...`);
        const [r, secs] = timed(f);
        me.attacks.push(q(r, rows, secs));
        save();
        await stop();
      }
    }
    save();
  }

  // 5. NISQ noise sweep (expectation-value models; the density-matrix kernel of the QSVM is noted instead).
  for (const me of res.models) {
    const det = detectors.get(me.name)!;
    if (!(det.model instanceof VariationalClassifier || det.model instanceof HybridNetwork)) continue;
    const rows = Math.min(attack.table.rows, cfg.quick ? 10 : 24);
    const sub = selectRows(attack, Array.from({ length: rows }, (_, i) => i));
    for (const s of noiseList) {
      const prev = previous?.noise_sweep.find((x) => x.model === me.name && x.strength === s);
      if (prev) { res.noise_sweep.push(prev); continue; }
      const noisy: Model = s === 0 ? det.model : modelFromJSON({ ...(det.model.toJSON() as object), execution: { noise: nisqNoise(s) } });
      const Zs = det.inputs(sub.table), ys = det.labelsFor(sub);
      const p = noisy.predictProba(Zs);
      // Mitigation on the VQC's read-outs: ZNE (scales 1, 3, 5) with read-out inversion, then the same head.
      let mitigated: number | null = null;
      // At the base strength only: each row costs three density-matrix runs of circuits up to five times longer.
      if (s === 1 && det.model instanceof VariationalClassifier && cfg.mitigate) {
        const m = det.model, P = m.layer.numParams, C = det.classes.length;
        const e = mitigatedExpectations(m.layer.built.circuit, m.layer.built.observables, m.params.subarray(0, P), Zs, nisqNoise(s));
        const probs = new Float64Array(Zs.rows * C);
        for (let r = 0; r < Zs.rows; r++) m.head.forward(m.params, P, e, r * m.layer.outputs, probs, r * C);
        mitigated = classificationMetrics(probs, ys, C).accuracy;
      }
      res.noise_sweep.push({ model: me.name, strength: s, accuracy: classificationMetrics(p, ys, det.classes.length).accuracy, mitigated_accuracy: mitigated });
      hooks.progress(`noise ${me.name}`, noiseList.indexOf(s) + 1, noiseList.length);
    }
    save();
    await stop();
  }
  if (res.models.some((m) => m.name === 'qsvm')) res.notes.push('the NISQ noise sweep covers expectation-value models (vqc, reupload, hybrid): a noisy QSVM keeps one 8-qubit density matrix per support row (1 MiB each), so it is evaluated under noise with qml6g train --model qsvm --noise on a smaller support set');

  // 6. Honest-evaluation checks.
  for (const me of evasionOn ? res.models : []) {
    const raw = me.attacks.filter((a) => a.space === 'raw');
    // Black-box attacks ran on a subset of rows: compare them with white-box results on those same rows.
    const toReport = (a: AttackEntry, robust: number) => ({ ...a, robust_accuracy: robust, records: [], clean_accuracy: me.clean_accuracy } as unknown as AttackReport);
    const whole = raw.filter((a) => a.threat === 'white-box').map((a) => toReport(a, a.robust_accuracy));
    const same = raw.filter((a) => a.threat === 'white-box').map((a) => toReport(a, a.subset_robust_accuracy ?? a.robust_accuracy));
    const weaker = raw.filter((a) => a.threat === 'black-box').map((a) => toReport(a, a.robust_accuracy));
    const transfer = raw.filter((a) => a.threat === 'transfer').map((a) => toReport(a, a.robust_accuracy));
    const checks = honestChecks(me.name, [...whole, ...transfer], unbounded.get(me.name) ?? null, attack.table.rows);
    const bbCheck = honestChecks(me.name, [...same, ...weaker], null, bbRows).find((c) => c.name.startsWith('black-box'))!;
    const tr = checks.find((c) => c.name.startsWith('black-box'))!;
    res.checks.push(...checks.filter((c) => !c.name.startsWith('black-box')), {
      model: me.name, name: tr.name, passed: tr.passed && bbCheck.passed,
      detail: [tr.passed ? '' : tr.detail, bbCheck.passed ? '' : bbCheck.detail].filter(Boolean).join('; ') || 'no weaker-knowledge attack beat the white-box ones (black-box compared on its own rows)',
    });
  }
  // 7. Defences (optional): retrain or wrap the VQC and the MLP, attack them again.
  if (cfg.defenses.length && evasionOn) {
    hooks.log(`defences: ${cfg.defenses.join(', ')} ...`);
    const dIdx = stratifiedSubset(train.labels, Math.min(cfg.defenseRows, train.table.rows), cfg.seed + 3);
    const dTrain = selectRows(train, dIdx);
    res.defenses = runDefenses(cfg.defenses, detectors,
      { X: (d) => d.inputs(dTrain.table), y: (d) => d.labelsFor(dTrain) },
      { X: (d) => d.inputs(attack.table), y: (d) => d.labelsFor(attack) },
      new Map(res.models.map((m) => [m.name, m.train_seconds])),
      { seed: cfg.seed, epochs: cfg.epochs, steps: cfg.steps, quick: cfg.quick, log: hooks.log });
    save();
    await stop();
  }
  // 8. Training-time threats (--threats training): poisoning, backdoors and tampered model files
  // against the quantum and classical detectors, each with the defences that answer it.
  if (cfg.threats.includes('training')) {
    res.training_threats ??= [];
    // Kernel models get as many rows as they keep (a subsampled SVM would drop poison at random).
    const rowsFor = (model: string) => Math.min(model === 'qsvm' ? Math.round(cfg.kernelRows / 0.765) : cfg.poisonRows, train.table.rows);
    const pTest = selectRows(test, stratifiedSubset(test.labels, Math.min(cfg.poisonRows, test.table.rows), cfg.seed + 5));
    const plan = trainingThreatPlan(cfg);
    hooks.log(`training-time threats: ${plan.length} experiments at poison rates ${cfg.poisonRates.join(', ')} ...`);
    const cleanOf = new Map<string, Detector>();
    let done = 0;
    for (const p of plan) {
      const have = res.training_threats.filter((r) => r.attack === p.attack && r.model === p.model && r.poison_rate === p.rate);
      const cached = previous?.training_threats?.filter((r) => r.attack === p.attack && r.model === p.model && r.poison_rate === p.rate) ?? [];
      if (!have.length && cached.length) res.training_threats.push(...cached);
      else if (!have.length) {
        const spec: ModelSpec = { type: p.model, qubits: p.model === 'qsvm' ? Math.min(cfg.qubits, 6) : cfg.qubits, layers: Math.min(cfg.layers, 2) };
        const pTrain = selectRows(train, stratifiedSubset(train.labels, rowsFor(p.model), cfg.seed + 4));
        const r = runPoisonExperiment({
          train: pTrain, test: pTest, spec, trainConfig: { epochs: cfg.epochs }, attack: p.attack, rate: p.rate, seed: cfg.seed, defenses: p.defenses,
          clean: cleanOf.get(p.model), log: (s) => hooks.log(`  ${s}`),
        });
        cleanOf.set(p.model, r.clean);
        res.training_threats.push(...r.records);
      }
      hooks.progress('training threats', ++done, plan.length);
      save();
      await stop();
    }
  }
  res.summary = summarise(res);
  res.status = 'complete';
  save();
  writeTables(res, out);
  writeReport(res, out);
  return res;
}

function pct(v: number): string { return `${(100 * v).toFixed(1)}%`; }

/** Plain-language findings for a security engineer. */
export function summarise(res: AssessResults): string[] {
  const out: string[] = [];
  const raw = res.models.flatMap((m) => m.attacks.filter((a) => a.space === 'raw' && a.threat !== 'transfer' && a.epsilon > 0).map((a) => ({ m, a })));
  if (raw.length) {
    const epsMid = res.transfer.epsilon || Math.max(...raw.map((x) => x.a.epsilon));
    const atEps = (m: ModelEntry) => Math.min(...m.attacks.filter((a) => a.space === 'raw' && a.epsilon === epsMid && a.threat !== 'transfer').map((a) => a.robust_accuracy));
    const ranked = [...res.models].map((m) => ({ m, r: atEps(m) })).sort((a, b) => a.r - b.r);
    const worst = ranked[0], best = ranked[ranked.length - 1];
    out.push(`Most at risk: ${worst.m.name} (${worst.m.kind}) keeps ${pct(worst.r)} accuracy against the strongest attack at ε = ${epsMid} (clean ${pct(worst.m.clean_accuracy)}). Most robust: ${best.m.name} (${best.m.kind}) at ${pct(best.r)}.`);
    const strongest = raw.reduce((a, b) => (b.a.attack_success_rate > a.a.attack_success_rate ? b : a));
    out.push(`The most effective evasion was ${strongest.a.name} on ${strongest.m.name}: it flipped ${pct(strongest.a.attack_success_rate)} of correctly detected records at ε = ${strongest.a.epsilon} standard deviations, changing only attacker-controlled fields.`);
    const q = ranked.filter((x) => x.m.kind === 'quantum'), c = ranked.filter((x) => x.m.kind === 'classical');
    if (q.length && c.length) {
      const qa = q.reduce((s, x) => s + x.r, 0) / q.length, ca = c.reduce((s, x) => s + x.r, 0) / c.length;
      out.push(`Quantum detectors average ${pct(qa)} robust accuracy at ε = ${epsMid}, classical ones ${pct(ca)}: ${qa > ca + 0.02 ? 'the quantum models are harder to evade here, partly because their preprocessing compresses the traffic into a few angles' : qa < ca - 0.02 ? 'the quantum models are easier to evade here' : 'about the same'}.`);
    }
  }
  for (const m of res.models) {
    const qa = m.attacks.filter((a) => a.threat === 'quantum' && a.epsilon > 0);
    if (!qa.length) continue;
    const worst = qa.reduce((a, b) => (b.robust_accuracy < a.robust_accuracy ? b : a));
    out.push(`${m.name}: the most damaging quantum-specific attack is ${worst.name} (budget ${worst.epsilon}), which leaves ${pct(worst.robust_accuracy)} accuracy (clean ${pct(m.clean_accuracy)}).`);
  }
  const sweep = res.noise_sweep.filter((x) => x.strength > 0);
  if (sweep.length) {
    const worst = sweep.reduce((a, b) => (b.accuracy < a.accuracy ? b : a));
    out.push(`Under NISQ noise ${worst.strength}x the base model (1q depolarising ${NISQ_BASE.p1}, 2q ${NISQ_BASE.p2}, read-out ${NISQ_BASE.readout}), ${worst.model} drops to ${pct(worst.accuracy)}.`);
  }
  if (res.defenses?.length) {
    for (const model of [...new Set(res.defenses.map((d) => d.model))]) {
      const rows = res.defenses.filter((d) => d.model === model);
      const pgdAt = (d: DefenseEntry) => { const e = Math.max(...d.attacks.map((a) => a.epsilon)); return Math.min(...d.attacks.filter((a) => a.epsilon === e).map((a) => a.robust_accuracy)); };
      const none = rows.find((d) => d.name === 'none');
      const best = rows.filter((d) => d.name !== 'none' && d.honest).sort((a, b) => pgdAt(b) - pgdAt(a))[0];
      const masked = rows.filter((d) => !d.honest).map((d) => d.name);
      const flaggedNote = masked.length ? ` Flagged as likely gradient masking: ${masked.join(', ')}.` : '';
      if (none && best && pgdAt(best) > pgdAt(none)) out.push(`${model}: the best honest defence is ${best.name}, raising worst-case robust accuracy from ${pct(pgdAt(none))} to ${pct(pgdAt(best))} (clean ${pct(best.clean_accuracy)}, ${best.train_time_multiple.toFixed(1)}x the training time).${flaggedNote}`);
      else if (none) out.push(`${model}: no honest defence raised its worst-case robust accuracy (${pct(pgdAt(none))} undefended).${flaggedNote}`);
    }
  }
  const tt = res.training_threats ?? [];
  for (const key of [...new Set(tt.map((r) => `${r.attack}|${r.model}`))]) {
    const rs = tt.filter((r) => `${r.attack}|${r.model}` === key);
    // The rate nearest 5% (the budget the targets are stated at).
    const rate = rs.map((r) => r.poison_rate).reduce((a, b) => (Math.abs(b - 0.05) < Math.abs(a - 0.05) ? b : a));
    const at = rs.filter((r) => r.poison_rate === rate), r0 = at[0];
    const affordable = at.filter((r) => r.defense !== 'none' && r.clean_accuracy_defended >= r0.baseline_accuracy - 0.02);
    const best = (affordable.length ? affordable : at.filter((r) => r.defense !== 'none')).sort((a, b) => a.attack_success_rate_defended - b.attack_success_rate_defended)[0];
    out.push(`${r0.attack} on ${r0.model} at ${pct(rate)} poison: attack success ${pct(r0.attack_success_rate)} (${pct(r0.baseline_attack_success_rate)} without poison), accuracy ${pct(r0.clean_accuracy)} (unpoisoned ${pct(r0.baseline_accuracy)})${best ? `; best defence ${best.defense}: success ${pct(best.attack_success_rate_defended)} at accuracy ${pct(best.clean_accuracy_defended)}${affordable.length ? '' : ' (every defence costs more than 2 points of accuracy)'}` : ''}.`);
  }
  const flagged = res.checks.filter((c) => !c.passed);
  if (res.models.some((m) => m.attacks.length)) out.push(flagged.length
    ? `Honest-evaluation flags (${flagged.length}): ${flagged.map((c) => `${c.model}: ${c.name}`).join('; ')}. Treat the robustness of the flagged models as unproven.`
    : 'Every honest-evaluation check passed: no sign of gradient masking in these results.');
  return out;
}

function csv(rows: Array<Record<string, unknown>>): string {
  if (!rows.length) return '';
  const keys = Object.keys(rows[0]);
  const esc = (v: unknown) => { const s = v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v); return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s; };
  return [keys.join(','), ...rows.map((r) => keys.map((k) => esc(r[k])).join(','))].join('\n') + '\n';
}

export function writeTables(res: AssessResults, out: string): void {
  fs.writeFileSync(path.join(out, 'models.csv'), csv(res.models.map((m) => ({ model: m.name, kind: m.kind, clean_accuracy: m.clean_accuracy, balanced_accuracy: m.test.balanced_accuracy, f1: m.test.f1, roc_auc: m.test.roc_auc, ece: m.test.ece, false_positive_rate: m.test.false_positive_rate, parameters: m.parameters, features: m.features, train_seconds: m.train_seconds }))));
  fs.writeFileSync(path.join(out, 'attacks.csv'), csv(res.models.flatMap((m) => m.attacks.map((a) => ({ model: m.name, kind: m.kind, attack: a.name, threat: a.threat, space: a.space, norm: a.norm, epsilon: a.epsilon, robust_accuracy: a.robust_accuracy, attack_success_rate: a.attack_success_rate, rows: a.rows, mean_queries: a.mean_queries ?? '', mean_perturbation: a.mean_perturbation ?? '', seconds: a.seconds })))));
  fs.writeFileSync(path.join(out, 'transfer.csv'), csv(res.transfer.pairs));
  if (res.training_threats?.length) {
    fs.writeFileSync(path.join(out, 'training_threats.csv'), csv(res.training_threats.map((r) => ({
      attack: r.attack, model: r.model, goal: r.goal, poison_rate: r.poison_rate, seed: r.seed, baseline_accuracy: r.baseline_accuracy, clean_accuracy: r.clean_accuracy,
      attack_success_rate: r.attack_success_rate, baseline_attack_success_rate: r.baseline_attack_success_rate, defense: r.defense,
      attack_success_rate_defended: r.attack_success_rate_defended, clean_accuracy_defended: r.clean_accuracy_defended,
      detection_precision: r.detection?.precision ?? '', detection_recall: r.detection?.recall ?? '', rejected_clean_rate: r.rejected_clean_rate ?? '', note: r.note ?? '',
    }))));
  }
  fs.writeFileSync(path.join(out, 'noise.csv'), csv(res.noise_sweep));
  fs.writeFileSync(path.join(out, 'checks.csv'), csv(res.checks.map((c) => ({ model: c.model, check: c.name, passed: c.passed, detail: c.detail }))));
}

export { isQuantumType };
