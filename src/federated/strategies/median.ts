/**
 * Coordinate-wise median (Yin, Chen, Ramchandran & Bartlett 2018, "Byzantine-robust distributed
 * learning: towards optimal statistical rates"): each coordinate of the aggregate is the median of
 * that coordinate over the updates (mean of the two middle values for even n).
 */
import { applyStep, type AggregateContext, type Aggregation, type FitResult, type QuorumPolicy } from '../strategy.js';
import { checkUpdates } from '../vec.js';
import { RobustStrategy } from './robust.js';

export function coordinateMedian(updates: readonly Float64Array[]): Float64Array {
  const d = checkUpdates(updates, 'median'), n = updates.length;
  const out = new Float64Array(d), col = new Float64Array(n);
  for (let i = 0; i < d; i++) {
    for (let k = 0; k < n; k++) col[k] = updates[k][i];
    col.sort();
    out[i] = n % 2 ? col[(n - 1) / 2] : (col[n / 2 - 1] + col[n / 2]) / 2;
  }
  return out;
}

export class Median extends RobustStrategy {
  readonly name = 'median';
  readonly paper = 'Yin et al. 2018';
  constructor(policy: Partial<QuorumPolicy> = {}, f = 0) { super(policy, f); }
  /** The median tolerates f < n/2. */
  precondition(n: number): string | undefined {
    return 2 * this.f < n ? undefined : `the median needs a majority of honest updates (n > 2f), got n = ${n}, f = ${this.f}`;
  }
  protected combine(ctx: AggregateContext, results: readonly FitResult[]): Aggregation {
    return { kind: 'update', params: applyStep(ctx.global, coordinateMedian(results.map((r) => r.update))), accepted: results.map((r) => r.client), info: {} };
  }
}
