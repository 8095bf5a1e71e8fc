/**
 * Adaptive attacks for models whose gradients mislead (Athalye, Carlini & Wagner 2018, "Obfuscated
 * Gradients Give a False Sense of Security"; Tramèr et al. 2020, "On Adaptive Attacks to
 * Adversarial Example Defenses"):
 *
 * - a differentiable surrogate trained on the victim's own outputs (model extraction by
 *   distillation: the victim labels the attacker's rows, an MLP learns those labels), so the
 *   attacker needs only query access to build it;
 * - BPDA (backward pass differentiable approximation): the forward pass is the real model, the
 *   backward pass the surrogate's, so non-differentiable, shattered or saturating parts of the
 *   victim no longer hide the direction to the boundary;
 * - a transfer attack: points crafted on the surrogate, replayed on the victim.
 *
 * @example
 * import { distilledSurrogate, BpdaTarget, RawTarget } from 'qml6g';
 * // const sur = distilledSurrogate(victimDetector, trainRows, { seed: 0 });
 * // const bpda = new BpdaTarget(new RawTarget(victim, rows, c, train), new RawTarget(sur, rows, c, train));
 */
import { Detector } from '../qml/detector.js';
import type { LabeledData } from '../qml/table.js';
import { argmaxRows } from '../qml/model.js';
import { QmlError } from '../core/errors.js';
import type { AttackDomain, AttackTarget } from './target.js';

/**
 * An MLP trained to imitate `victim` on `data`'s rows: the labels are the victim's predictions
 * (the attacker queries the deployed detector), not the true ones.
 */
export function distilledSurrogate(victim: Detector, data: LabeledData, opts: { seed?: number; epochs?: number; hidden?: number[] } = {}): Detector {
  const pred = argmaxRows(victim.predictProba(data.table), data.table.rows, victim.classes.length);
  // The victim's classes, in its order (a class it never predicts simply gets no rows).
  const imitated: LabeledData = { ...data, labels: pred, classes: victim.classes, notes: [] };
  return Detector.train(imitated, { type: 'mlp', hidden: opts.hidden ?? [32, 16] }, { epochs: opts.epochs ?? 30, seed: opts.seed ?? 0, patience: 8 });
}

/** Agreement of the surrogate with the victim on `data` (how faithful the extraction is). */
export function agreement(victim: Detector, surrogate: Detector, data: LabeledData): number {
  const C = victim.classes.length, n = data.table.rows;
  const a = argmaxRows(victim.predictProba(data.table), n, C), b = argmaxRows(surrogate.predictProba(data.table), n, C);
  let same = 0;
  for (let i = 0; i < n; i++) if (a[i] === b[i]) same++;
  return n ? same / n : 0;
}

/** The real model forward, the surrogate's gradient backward (BPDA with a learned approximation). */
export class BpdaTarget implements AttackTarget {
  readonly dim: number;
  readonly numClasses: number;
  readonly scale: Float64Array | null;
  readonly stochastic: boolean;
  constructor(readonly real: AttackTarget, readonly surrogate: AttackTarget) {
    if (real.dim !== surrogate.dim || real.numClasses !== surrogate.numClasses) throw new QmlError(`the surrogate's attack space (${surrogate.dim} dims, ${surrogate.numClasses} classes) differs from the victim's (${real.dim}, ${real.numClasses})`);
    this.dim = real.dim; this.numClasses = real.numClasses; this.scale = real.scale; this.stochastic = real.stochastic;
  }
  get queries(): number { return this.real.queries; }
  set queries(v: number) { this.real.queries = v; }
  proba(X: Float64Array, rows: number, rowIdx?: ArrayLike<number>): Float64Array { return this.real.proba(X, rows, rowIdx); }
  gradLogProb(X: Float64Array, rows: number, cls: Int32Array, eot?: number, rowIdx?: ArrayLike<number>): Float64Array {
    return this.surrogate.gradLogProb(X, rows, cls, eot, rowIdx);
  }
  constrain(X: Float64Array, X0: Float64Array, rows: number, rounding?: 'toward' | 'nearest' | 'none', rowIdx?: ArrayLike<number>): void {
    this.real.constrain(X, X0, rows, rounding, rowIdx);
  }
  domain(): AttackDomain | null { return this.real.domain(); }
}
