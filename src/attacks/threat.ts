/**
 * Threat models as plain data: what the attacker knows (white-box, black-box with a query budget,
 * transfer from a surrogate), the norm and radius of the perturbation, the space it is measured in
 * (the model's inputs, or raw traffic features), and the domain constraints that keep a perturbed
 * network record possible.
 *
 * Raw-space radii are in units of each feature's training standard deviation (so one ε means the
 * same for bytes and for rates); categorical fields never move; counts stay non-negative integers;
 * rates stay in their bounds; `le` rules keep derived fields consistent (a ≤ b); and only the
 * attacker-controlled columns (`mutable`) change.
 *
 * @example
 * import { threatModel } from 'qml6g';
 * const t = threatModel({ norm: 'linf', epsilon: 0.1 });      // white-box, input space
 */
import { QmlError, isFiniteNumber } from '../core/errors.js';

export type Knowledge = 'white-box' | 'black-box' | 'transfer';
export type Norm = 'linf' | 'l2' | 'l0';

export interface DomainConstraints {
  /** Raw numeric columns the attacker controls. */
  mutable: string[];
  /** Columns that hold counts: rounded to integers. */
  integer?: string[];
  /** Columns that cannot go below zero. */
  nonNegative?: string[];
  /** Inclusive bounds per column, e.g. rates in [0, 1]. */
  bounds?: Record<string, [number, number]>;
  /** Derived-field rules: a ≤ b. */
  le?: Array<[string, string]>;
}

export interface ThreatModel {
  knowledge: Knowledge;
  norm: Norm;
  /** Radius; for L0 the number of features that may change. */
  epsilon: number;
  space: 'input' | 'raw';
  /** Black-box query budget per sample. */
  queries: number;
  steps: number;
  /** Step size relative to ε (default 2.5 ε / steps, as Madry et al. 2018). */
  stepSize?: number;
  restarts: number;
  randomStart: boolean;
  /** Samples averaged per gradient for stochastic (shot-based or noisy) models: expectation over transformation. */
  eot: number;
  /**
   * Iterative attacks stop working on a row once its valid record is misclassified (AutoAttack's
   * rule, Croce & Hein 2020): its success is settled, so further steps only cost. Off by default:
   * adversarial training and transfer want the full-strength (most confident) points.
   */
  earlyStop?: boolean;
  constraints?: DomainConstraints;
}

export function threatModel(t: Partial<ThreatModel> & { epsilon: number }): ThreatModel {
  const out: ThreatModel = {
    knowledge: t.knowledge ?? 'white-box', norm: t.norm ?? 'linf', epsilon: t.epsilon, space: t.space ?? 'input',
    queries: t.queries ?? 1000, steps: t.steps ?? 20, stepSize: t.stepSize, restarts: t.restarts ?? 1,
    randomStart: t.randomStart ?? true, eot: t.eot ?? 1, earlyStop: t.earlyStop ?? false, constraints: t.constraints,
  };
  validateThreat(out);
  return out;
}

export function validateThreat(t: ThreatModel, at = 'threat'): void {
  if (!['white-box', 'black-box', 'transfer'].includes(t.knowledge)) throw new QmlError(`knowledge must be white-box, black-box or transfer, got "${t.knowledge}"`, `${at}.knowledge`);
  if (!['linf', 'l2', 'l0'].includes(t.norm)) throw new QmlError(`norm must be linf, l2 or l0, got "${t.norm}"`, `${at}.norm`);
  if (!(isFiniteNumber(t.epsilon) || t.epsilon === Infinity) || t.epsilon < 0) throw new QmlError(`epsilon must be a number ≥ 0 (Infinity for unbounded), got ${t.epsilon}`, `${at}.epsilon`);
  if (t.space !== 'input' && t.space !== 'raw') throw new QmlError(`space must be input or raw, got "${t.space}"`, `${at}.space`);
  for (const k of ['queries', 'steps', 'restarts', 'eot'] as const) {
    if (!Number.isInteger(t[k]) || t[k] < 1) throw new QmlError(`${k} must be a positive integer, got ${t[k]}`, `${at}.${k}`);
  }
  if (t.space === 'raw' && !t.constraints) throw new QmlError('a raw-space threat needs domain constraints (at least the mutable columns)', `${at}.constraints`);
}

/**
 * Projects x (one row, in scaled units d = (x − x0)/scale) onto the ε-ball of the norm around x0.
 * In place on x.
 */
export function projectBall(x: Float64Array, x0: ArrayLike<number>, scale: ArrayLike<number> | null, norm: Norm, eps: number, off = 0, dim = x.length): void {
  if (norm === 'linf') {
    for (let j = 0; j < dim; j++) {
      const s = scale ? scale[j] : 1, lo = x0[off + j] - eps * s, hi = x0[off + j] + eps * s;
      x[off + j] = Math.min(hi, Math.max(lo, x[off + j]));
    }
    return;
  }
  if (norm === 'l2') {
    let n2 = 0;
    for (let j = 0; j < dim; j++) { const d = (x[off + j] - x0[off + j]) / (scale ? scale[j] : 1); n2 += d * d; }
    const n = Math.sqrt(n2);
    if (n > eps) for (let j = 0; j < dim; j++) x[off + j] = x0[off + j] + ((x[off + j] - x0[off + j]) * eps) / n;
    return;
  }
  // L0: keep the ⌊ε⌋ largest scaled changes.
  const k = Math.floor(eps);
  const order = Array.from({ length: dim }, (_, j) => j).sort((a, b) => Math.abs((x[off + b] - x0[off + b]) / (scale ? scale[b] : 1)) - Math.abs((x[off + a] - x0[off + a]) / (scale ? scale[a] : 1)));
  for (let r = k; r < dim; r++) x[off + order[r]] = x0[off + order[r]];
}

/** Norms of x − x0 (scaled) for one row. */
export function perturbationNorms(x: ArrayLike<number>, x0: ArrayLike<number>, scale: ArrayLike<number> | null, off: number, dim: number): { linf: number; l2: number; l0: number } {
  let linf = 0, l2 = 0, l0 = 0;
  for (let j = 0; j < dim; j++) {
    const d = Math.abs(x[off + j] - x0[off + j]) / (scale ? scale[j] : 1);
    linf = Math.max(linf, d); l2 += d * d; if (d > 1e-12) l0++;
  }
  return { linf, l2: Math.sqrt(l2), l0 };
}
