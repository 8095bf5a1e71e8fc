/**
 * One poisoning experiment: train the clean detector, let the attack poison (data, input rows or
 * the model file), train the victim, score it, then apply each defence and score again. Every
 * record says what was attacked, at what budget and seed, how much accuracy the victim kept, how
 * often the attack succeeded, and the same after the defence (with its detection precision/recall).
 *
 * Attack success (the fraction of rows the attack was after that end up where the attacker wants):
 * - indiscriminate: test rows the clean detector gets right that the victim gets wrong;
 * - targeted: the chosen target records (or, for label flips, rows of other classes the clean
 *   detector gets right) that the victim assigns to the target class;
 * - backdoor: rows of other classes the victim gets right without the trigger that it assigns to
 *   the target class with the trigger.
 * An input filter's rejections never count as successes; on clean rows they count as errors.
 *
 * @example
 * import { loadDataset, runPoisonExperiment } from 'qml6g';
 * const data = loadDataset('breast-cancer');
 * const r = runPoisonExperiment({ data, spec: { type: 'logreg' }, trainConfig: { epochs: 30 }, attack: 'label-flip', rate: 0.1, seed: 1, defenses: ['knn'] });
 * r.records[0].attack_success_rate;
 */
import { QmlError } from '../core/errors.js';
import { version } from '../core/version.js';
import { rowsOf, type RowMatrix } from '../sim/batch.js';
import { Detector } from '../qml/detector.js';
import { predict } from '../qml/model.js';
import type { ModelSpec } from '../qml/models/registry.js';
import { selectRows, stratifiedSplit, type LabeledData } from '../qml/table.js';
import { fineTuneHead, type TrainConfig } from '../qml/train.js';
import { generateKeyPair } from '../supply/signing.js';
import { checkRate, type Trigger } from './primitives.js';
import { trainingAttack } from './registry.js';
import type { DefenseAction, PoisonOutcome, TrainingAttack, TrainingDefenseContext } from './threat.js';
import { trainingDefense } from './training-defenses.js';

export interface PoisonExperimentConfig {
  /** Training records (a trusted reference slice is split off for the defender), or give train/test. */
  data?: LabeledData;
  train?: LabeledData;
  test?: LabeledData;
  spec: ModelSpec;
  trainConfig?: TrainConfig;
  /** A registered attack's name, or any TrainingAttack. */
  attack: string | TrainingAttack;
  rate: number;
  seed: number;
  /** Target class (name or index); default: the class named normal/benign, else the first. */
  target?: string | number;
  trigger?: Trigger;
  defenses?: string[];
  /** Fraction of the training records held out as the defender's trusted clean sample (default 0.1). */
  reference?: number;
  /** Reuse an already trained clean detector (curves over poison rates). */
  clean?: Detector;
  log?: (s: string) => void;
}

export interface PoisonRecord {
  attack: string;
  model: string;
  goal: string;
  poison_rate: number;
  seed: number;
  /** Accuracy of the detector trained without poison. */
  baseline_accuracy: number;
  /**
   * The same success measure on the detector trained without poison: what the trigger (or chance)
   * achieves with no backdoor planted. A defence cannot be expected to go below it.
   */
  baseline_attack_success_rate: number;
  clean_accuracy: number;
  attack_success_rate: number;
  defense: string;
  attack_success_rate_defended: number;
  clean_accuracy_defended: number;
  /** Sanitisers: over training rows (poisoned vs removed); filters: over test inputs. */
  detection: { precision: number | null; recall: number | null; flagged: number } | null;
  /** Filters: fraction of clean test rows rejected. */
  rejected_clean_rate: number | null;
  note: string | null;
  config: Record<string, unknown>;
  qml6g_version: string;
}

export interface PoisonExperiment { records: PoisonRecord[]; clean: Detector; seconds: number }

/** The index of the target class: a name, an index, or the benign class by default. */
export function resolveTarget(classes: string[], target?: string | number): number {
  if (target === undefined) {
    const i = classes.findIndex((c) => /^(normal|benign)$/i.test(c));
    return i >= 0 ? i : 0;
  }
  const i = typeof target === 'number' ? target : classes.indexOf(target);
  if (!Number.isInteger(i) || i < 0 || i >= classes.length) throw new QmlError(`target class ${JSON.stringify(target)} is not one of ${classes.join(', ')}`, '--target');
  return i;
}

/** Splits train into the victim's training rows and the defender's trusted reference rows. */
export function referenceSplit(train: LabeledData, fraction: number, seed: number): { train: LabeledData; reference: LabeledData } {
  const s = stratifiedSplit(train.labels, fraction, seed + 101);
  return { train: selectRows(train, s.train), reference: selectRows(train, s.test) };
}

export function runPoisonExperiment(cfg: PoisonExperimentConfig): PoisonExperiment {
  const t0 = performance.now();
  checkRate(cfg.rate);
  const log = cfg.log ?? (() => {});
  const attack = typeof cfg.attack === 'string' ? trainingAttack(cfg.attack) : cfg.attack;
  if (attack.appliesTo && !attack.appliesTo(cfg.spec)) throw new QmlError(`attack "${attack.name}" does not apply to a ${cfg.spec.type} model`, '--attack');
  const defenses = (cfg.defenses ?? []).map(trainingDefense);
  let train: LabeledData, test: LabeledData;
  if (cfg.train && cfg.test) { train = cfg.train; test = cfg.test; }
  else if (cfg.data) {
    const s = stratifiedSplit(cfg.data.labels, 0.3, cfg.seed);
    train = selectRows(cfg.data, s.train); test = selectRows(cfg.data, s.test);
  } else throw new QmlError('a poisoning experiment needs data (or train and test)', 'data');
  const split = referenceSplit(train, cfg.reference ?? 0.1, cfg.seed);
  // The attacker's own sample (its validation data): drawn from the same traffic, never trained on.
  const own = referenceSplit(split.train, 0.15, cfg.seed + 1);
  split.train = own.train;
  const tc: TrainConfig = { ...cfg.trainConfig, seed: cfg.seed };
  const target = resolveTarget(train.classes, cfg.target);

  const clean = cfg.clean ?? (log('training the clean detector'), Detector.train(split.train, cfg.spec, tc));
  log(`${attack.name}: poisoning ${(cfg.rate * 100).toFixed(1)}% (seed ${cfg.seed})`);
  const outcome = attack.poison({ train: split.train, test, attacker: own.reference, clean, spec: cfg.spec, trainConfig: tc, rate: cfg.rate, seed: cfg.seed, target, trigger: cfg.trigger, log });

  log('training the victim on what the attacker left');
  if (!outcome.tampered && !outcome.records && !outcome.inputs) throw new QmlError(`attack "${attack.name}" returned neither training data nor a model`, '--attack');
  const learn = (keep?: number[]) => trainVictim(outcome, keep, { clean, train: split.train, spec: cfg.spec, tc });
  const victim = outcome.tampered?.detector ?? learn();
  // The victim's training rows in its own input space (records go through the victim's pipeline).
  const trainingRows = outcome.tampered ? null : outcome.inputs ?? { X: victim.inputs(outcome.records!.table), y: outcome.records!.labels };

  const scorer = makeScorer(outcome, test, clean, target);
  const base = scorer(clean), baseline = base.accuracy;
  const attacked = scorer(victim);
  const common = {
    attack: attack.name, model: cfg.spec.type, goal: outcome.goal, poison_rate: cfg.rate, seed: cfg.seed,
    baseline_accuracy: baseline, baseline_attack_success_rate: base.success, clean_accuracy: attacked.accuracy, attack_success_rate: attacked.success,
    config: { ...outcome.config, spec: cfg.spec, train: { ...cfg.trainConfig }, train_rows: split.train.table.rows, reference_rows: split.reference.table.rows, test_rows: test.table.rows },
    qml6g_version: version(),
  };
  log(`victim: accuracy ${pct(attacked.accuracy)} (clean ${pct(baseline)}), attack success ${pct(attacked.success)}`);
  const records: PoisonRecord[] = [];
  if (!defenses.length) {
    records.push({ ...common, defense: 'none', attack_success_rate_defended: attacked.success, clean_accuracy_defended: attacked.accuracy, detection: null, rejected_clean_rate: null, note: null });
  }
  const ref = { X: victim.inputs(split.reference.table), y: victim.labelsFor(split.reference) };
  // The operator trusts only its own key; a delivered file signed by anyone else is refused.
  const file = outcome.tampered ? { text: outcome.tampered.fileText, trusted: [generateKeyPair(new Uint8Array(32).fill(cfg.seed & 255)).publicKey] } : undefined;
  for (const def of defenses) {
    if ((def.needs === 'training-data' && !trainingRows) || (def.needs === 'file' && !file)) {
      log(`${def.name}: not applicable to ${attack.name} (it needs ${def.needs === 'file' ? 'a delivered model file' : 'the training rows'}); skipped`);
      continue;
    }
    const ctx: TrainingDefenseContext = { victim, X: trainingRows?.X ?? ref.X, y: trainingRows?.y ?? ref.y, eps: cfg.rate, seed: cfg.seed, reference: ref, file };
    const action = def.defend(ctx);
    const r = applyDefense(action, { outcome, victim, clean, trainingRows, scorer, learn });
    log(`${def.name}: ${r.note ?? action.kind}; accuracy ${pct(r.accuracy)}, attack success ${pct(r.success)}`);
    records.push({ ...common, defense: def.name, attack_success_rate_defended: r.success, clean_accuracy_defended: r.accuracy, detection: r.detection, rejected_clean_rate: r.rejected, note: r.note });
  }
  return { records, clean, seconds: (performance.now() - t0) / 1000 };
}

/**
 * Trains the victim the way the attack's outcome says (on all its rows, or only on `keep` after a
 * sanitiser): poisoned records through a freshly fitted pipeline, poisoned inputs behind the clean
 * pipeline, or the deployed detector's head fine-tuned on them.
 */
function trainVictim(outcome: PoisonOutcome, keep: number[] | undefined, e: { clean: Detector; train: LabeledData; spec: ModelSpec; tc: TrainConfig }): Detector {
  if (outcome.records) return Detector.train(keep ? selectRows(outcome.records, keep) : outcome.records, e.spec, e.tc);
  const { X, y } = outcome.inputs!;
  const Xk = keep ? rowsOf(X, keep) : X, yk = keep ? Int32Array.from(keep, (i) => y[i]) : y;
  if (outcome.victimTraining !== 'fine-tune-head') return Detector.trainWith(e.clean.pipeline, e.train, e.spec, e.tc, Xk, yk);
  const copy = Detector.fromJSON(JSON.parse(JSON.stringify(e.clean.toJSON())));
  fineTuneHead(copy.model, Xk, yk, e.tc);
  return copy;
}

const pct = (v: number) => `${(100 * v).toFixed(1)}%`;

/** Clean accuracy and attack success; for filters also the rejected clean rows and, for backdoors, the triggered rows caught of those scored. */
interface Score { accuracy: number; success: number; rejected: number; flagged: number; scored: number }

function makeScorer(outcome: PoisonOutcome, test: LabeledData, clean: Detector, target: number) {
  const cleanPred = predict(clean.model, clean.inputs(test.table)), yClean = clean.labelsFor(test);
  return (det: Detector, reject?: (X: RowMatrix) => Uint8Array): Score => {
    const X = det.inputs(test.table), y = det.labelsFor(test), p = predict(det.model, X);
    const rej = reject ? reject(X) : new Uint8Array(X.rows);
    let right = 0, rejected = 0;
    for (let r = 0; r < X.rows; r++) { if (rej[r]) rejected++; else if (p[r] === y[r]) right++; }
    const ok = (pred: Int32Array, rj: Uint8Array, r: number, c: number) => !rj[r] && pred[r] === c;
    let hit = 0, of = 0, flagged = 0;
    if (outcome.goal === 'backdoor') {
      const a = outcome.activate!(det, test), pt = predict(det.model, a.X), rt = reject ? reject(a.X) : new Uint8Array(a.X.rows);
      a.rows.forEach((r, k) => {
        if (p[r] !== y[r]) return;
        of++;
        if (rt[k]) flagged++;
        if (ok(pt, rt, k, target)) hit++;
      });
    } else {
      const rows = outcome.targets ?? Array.from({ length: X.rows }, (_, r) => r).filter((r) => outcome.goal === 'indiscriminate' || yClean[r] !== target);
      for (const r of rows) {
        if (cleanPred[r] !== yClean[r]) continue;
        of++;
        if (outcome.goal === 'indiscriminate' ? !ok(p, rej, r, y[r]) : ok(p, rej, r, target)) hit++;
      }
    }
    return { accuracy: right / X.rows, success: of ? hit / of : 0, rejected: rejected / X.rows, flagged, scored: outcome.goal === 'backdoor' ? of : 0 };
  };
}

function applyDefense(action: DefenseAction, e: {
  outcome: PoisonOutcome; victim: Detector; clean: Detector; trainingRows: { X: RowMatrix; y: Int32Array } | null;
  scorer: ReturnType<typeof makeScorer>; learn: (keep: number[]) => Detector;
}): { accuracy: number; success: number; detection: PoisonRecord['detection']; rejected: number | null; note: string | null } {
  switch (action.kind) {
    case 'accept': {
      const s = e.scorer(e.victim);
      return { accuracy: s.accuracy, success: s.success, detection: { precision: null, recall: e.outcome.tampered || e.outcome.poisoned.length ? 0 : null, flagged: 0 }, rejected: null, note: action.note };
    }
    case 'refuse': {
      // The operator keeps its trusted model.
      const s = e.scorer(e.clean);
      return { accuracy: s.accuracy, success: s.success, detection: { precision: 1, recall: 1, flagged: 1 }, rejected: null, note: `refused: ${action.reason}` };
    }
    case 'filter': {
      const s = e.scorer(e.victim, action.reject);
      return { accuracy: s.accuracy, success: s.success, detection: { precision: null, recall: s.scored ? s.flagged / s.scored : null, flagged: s.flagged }, rejected: s.rejected, note: action.note ?? null };
    }
    case 'sanitize': {
      const keep = action.keep, kept = new Set(keep), n = e.trainingRows!.X.rows;
      const removed = n - keep.length, caught = e.outcome.poisoned.filter((i) => !kept.has(i)).length;
      const s = e.scorer(e.learn(keep));
      return {
        accuracy: s.accuracy, success: s.success, rejected: null, note: `${action.note ? `${action.note}; ` : ''}removed ${removed} of ${n} training rows`,
        detection: { precision: removed ? caught / removed : null, recall: e.outcome.poisoned.length ? caught / e.outcome.poisoned.length : null, flagged: removed },
      };
    }
  }
}
