/**
 * Centered clipping (Karimireddy, He & Jaggi 2021, "Learning from history for Byzantine robust
 * optimization"): starting from the previous round's aggregate v, iterate
 *   v ← v + (1/n) Σ_i (x_i − v)·min(1, τ/‖x_i − v‖)
 * L times. No update can move the aggregate by more than τ/n, whatever its norm. When τ is not
 * given it is set each round to the median distance ‖x_i − v‖ (so honest updates are mostly
 * untouched and the rule is scale-free); the paper treats τ as a tuned hyperparameter.
 */
import { QmlError } from '../../core/errors.js';
import { applyStep, BaseStrategy, floatState, restoreFloats, type AggregateContext, type Aggregation, type FitResult, type QuorumPolicy, type StrategyState } from '../strategy.js';
import { checkUpdates, sqDist } from '../vec.js';

export function centeredClip(updates: readonly Float64Array[], center: Float64Array, tau: number | undefined, iterations = 1): { aggregate: Float64Array; tau: number } {
  const d = checkUpdates([center, ...updates], 'centered clipping'), n = updates.length;
  if (!Number.isInteger(iterations) || iterations < 1) throw new QmlError(`centered clipping needs at least one iteration, got ${iterations}`);
  const v = Float64Array.from(center), acc = new Float64Array(d);
  let t = tau ?? NaN;
  for (let l = 0; l < iterations; l++) {
    const dist = updates.map((u) => Math.sqrt(sqDist(u, v)));
    if (tau === undefined) {
      const s = dist.slice().sort((a, b) => a - b);
      t = n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
    if (!(t >= 0)) throw new QmlError(`clipping radius τ must be non-negative, got ${t}`);
    acc.fill(0);
    for (let k = 0; k < n; k++) {
      const c = dist[k] > 0 ? Math.min(1, t / dist[k]) : 0;
      for (let i = 0; i < d; i++) acc[i] += (updates[k][i] - v[i]) * c;
    }
    for (let i = 0; i < d; i++) v[i] += acc[i] / n;
  }
  return { aggregate: v, tau: t };
}

export class CenteredClipping extends BaseStrategy {
  readonly name = 'centered-clipping';
  readonly paper = 'Karimireddy et al. 2021';
  readonly needs = 'individual' as const;
  private center: Float64Array | null = null;
  constructor(policy: Partial<QuorumPolicy> = {}, readonly tau?: number, readonly iterations = 1) {
    super(policy);
    if (tau !== undefined && !(tau > 0)) throw new QmlError(`clipping radius τ must be positive, got ${tau}`, 'strategy');
  }
  protected combine(ctx: AggregateContext, results: readonly FitResult[]): Aggregation {
    this.center ??= new Float64Array(ctx.global.length);
    const { aggregate, tau } = centeredClip(results.map((r) => r.update), this.center, this.tau, this.iterations);
    this.center = aggregate;
    return { kind: 'update', params: applyStep(ctx.global, aggregate), accepted: results.map((r) => r.client), info: { tau } };
  }
  override state(): StrategyState { return { center: floatState(this.center) }; }
  override restore(s: StrategyState): void { this.center = restoreFloats(s, 'center'); }
}
