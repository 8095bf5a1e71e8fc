/**
 * The interfaces of training-time threats. A TrainingAttack turns a clean training set (or a clean
 * trained detector, for model-file attacks) into what the victim ends up with: poisoned records,
 * poisoned rows in the model's input space, or a tampered detector. A TrainingDefense looks at what
 * the victim trained on (and the victim itself) and either sanitises the training rows, filters
 * inputs at inference, or refuses the model. The experiment runner (experiment.ts) scores both.
 * A new attack or defence is one small file implementing one of these plus a registry entry.
 *
 * @example
 * import { loadDataset, labelFlip, runPoisonExperiment, type TrainingAttack } from 'qml6g';
 * // Flip only the rows of the "attack" class: a custom attack is an object with poison().
 * const flipAttacks: TrainingAttack = {
 *   name: 'flip-attacks', goal: 'targeted',
 *   poison: (ctx) => { const p = labelFlip(ctx.train, ctx.rate, ctx.seed, ctx.target); return { goal: 'targeted', records: p.data, poisoned: p.poisoned, config: {} }; },
 * };
 * runPoisonExperiment({ data: loadDataset('nsl-kdd', { maxRows: 600 }), spec: { type: 'logreg' }, attack: flipAttacks, rate: 0.1, seed: 1, defenses: ['knn'] });
 */
import type { RowMatrix } from '../sim/batch.js';
import type { LabeledData } from '../qml/table.js';
import type { Detector } from '../qml/detector.js';
import type { ModelSpec } from '../qml/models/registry.js';
import type { TrainConfig } from '../qml/train.js';
import type { Trigger } from './primitives.js';

/**
 * What the attacker wants: 'indiscriminate' (lower accuracy), 'targeted' (chosen rows or classes go
 * to the target class), 'backdoor' (any row carrying the trigger goes to the target class).
 */
export type PoisonGoal = 'indiscriminate' | 'targeted' | 'backdoor';

export interface PoisonContext {
  /** The training records the victim would learn from (clean). */
  train: LabeledData;
  /** Records the attacker wants misclassified come from here (targeted clean-label attacks). */
  test?: LabeledData;
  /** The attacker's own sample of the same traffic, outside the training set (its validation data). */
  attacker?: LabeledData;
  /** The victim's clean detector: its pipeline is the input space of input-space attacks; model-file attacks tamper with it. */
  clean: Detector;
  spec: ModelSpec;
  trainConfig: TrainConfig;
  /** Fraction of the training rows the attacker controls, in (0, 1). */
  rate: number;
  seed: number;
  /** Target class index (targeted attacks and backdoors). */
  target: number;
  /** Feature trigger on raw records (backdoors; a default is chosen from the data when absent). */
  trigger?: Trigger;
  log?: (s: string) => void;
}

export interface PoisonOutcome {
  goal: PoisonGoal;
  /** Poisoned raw records: the victim fits its pipeline and model on them. */
  records?: LabeledData;
  /** Or poisoned rows in the clean pipeline's input space (the attacker controls feature vectors). */
  inputs?: { X: RowMatrix; y: Int32Array };
  /** Or a tampered detector delivered as a model file (the text the victim loads). */
  tampered?: { detector: Detector; fileText: string };
  /**
   * How the victim learns from the poisoned rows: 'retrain' from scratch (default), or
   * 'fine-tune-head' — the deployed detector's classical head is retrained on the new rows while its
   * circuit stays fixed (the transfer-learning setting feature-collision attacks are made for).
   */
  victimTraining?: 'retrain' | 'fine-tune-head';
  /** Which training rows the attacker poisoned (indices into the victim's training rows). */
  poisoned: number[];
  /** Backdoors: the test rows (victim's input space) with the trigger applied. */
  activate?: (victim: Detector, test: LabeledData) => { X: RowMatrix; rows: number[] };
  /** Targeted attacks on chosen test rows: their indices in the test set. */
  targets?: number[];
  /** What a run needs to be repeated: budget, trigger, hyper-parameters. */
  config: Record<string, unknown>;
}

export interface TrainingAttack {
  readonly name: string;
  readonly goal: PoisonGoal;
  /** Model families the attack applies to (kernel poisoning needs a kernel SVM). */
  readonly appliesTo?: (spec: ModelSpec) => boolean;
  poison(ctx: PoisonContext): PoisonOutcome;
}

export interface TrainingDefenseContext {
  /** The detector trained on the poisoned data (or delivered tampered). */
  victim: Detector;
  /** The victim's training rows in its input space and their labels (empty for model-file attacks). */
  X: RowMatrix;
  y: Int32Array;
  /** Poison fraction the defender budgets for. */
  eps: number;
  seed: number;
  /** A small trusted clean sample (the defender's own), in the victim's input space. */
  reference: { X: RowMatrix; y: Int32Array };
  /** Model-file attacks: the delivered file text and the public keys the defender trusts. */
  file?: { text: string; trusted: Uint8Array[] };
}

export type DefenseAction =
  /** Retrain on these training rows. */
  | { kind: 'sanitize'; keep: number[]; note?: string }
  /** Reject inputs at inference: 1 marks a rejected row. */
  | { kind: 'filter'; reject: (X: RowMatrix) => Uint8Array; note?: string }
  /** Refuse the model; the operator keeps the trusted one. */
  | { kind: 'refuse'; reason: string }
  /** The defence found nothing to act on (e.g. an alignment monitor that did not alarm). */
  | { kind: 'accept'; note: string };

export interface TrainingDefense {
  readonly name: string;
  /** Which outcomes it can act on: training-data defences need training rows, 'signature' a file. */
  readonly needs: 'training-data' | 'model' | 'file';
  defend(ctx: TrainingDefenseContext): DefenseAction;
}
