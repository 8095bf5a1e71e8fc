/**
 * Coordinate-wise trimmed mean (Yin et al. 2018): for each coordinate, drop the ⌊βn⌋ largest and
 * ⌊βn⌋ smallest values and average the rest. Needs β < 0.5 so something is left.
 */
import { QmlError } from '../../core/errors.js';
import { applyStep, type AggregateContext, type Aggregation, type FitResult, type QuorumPolicy } from '../strategy.js';
import { checkUpdates } from '../vec.js';
import { RobustStrategy } from './robust.js';

export function checkTrim(beta: number): void {
  if (!(beta >= 0 && beta < 0.5)) throw new QmlError(`trimming fraction must be in [0, 0.5), got ${beta}`, '--trim');
}

export function trimmedMean(updates: readonly Float64Array[], beta: number): Float64Array {
  checkTrim(beta);
  const d = checkUpdates(updates, 'trimmed mean'), n = updates.length, k = Math.floor(beta * n);
  const out = new Float64Array(d), col = new Float64Array(n);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < n; j++) col[j] = updates[j][i];
    col.sort();
    let s = 0;
    for (let j = k; j < n - k; j++) s += col[j];
    out[i] = s / (n - 2 * k);
  }
  return out;
}

export class TrimmedMean extends RobustStrategy {
  readonly name = 'trimmed-mean';
  readonly paper = 'Yin et al. 2018';
  /** β: fixed trimming fraction; when undefined it is f/n each round (trim exactly the assumed attackers). */
  constructor(policy: Partial<QuorumPolicy> = {}, f = 0, readonly beta?: number) {
    super(policy, f);
    if (beta !== undefined) checkTrim(beta);
  }
  private betaFor(n: number): number { return this.beta ?? this.f / n; }
  precondition(n: number): string | undefined {
    const b = this.betaFor(n);
    if (!(b < 0.5)) return `trimming fraction must be below 0.5, f/n = ${this.f}/${n} = ${b.toFixed(3)}`;
    if (Math.floor(b * n) < this.f) return `trimming ⌊${b}·${n}⌋ = ${Math.floor(b * n)} per side does not cover f = ${this.f}`;
    return undefined;
  }
  protected combine(ctx: AggregateContext, results: readonly FitResult[]): Aggregation {
    const b = this.betaFor(results.length);
    return { kind: 'update', params: applyStep(ctx.global, trimmedMean(results.map((r) => r.update), b)), accepted: results.map((r) => r.client), info: { trimmed_per_side: Math.floor(b * results.length) } };
  }
}
