/**
 * FedAvgM (Hsu, Qi & Brown 2019, "Measuring the effects of non-identical data distribution for
 * federated visual classification"): server momentum on the averaged update,
 * v ← β v + Δ̄, w ← w + η v. Damps the client drift of non-IID rounds. Sum-only.
 */
import { QmlError } from '../../core/errors.js';
import { applyStep, floatState, restoreFloats, SumStrategy, type AggregateContext, type Aggregation, type QuorumPolicy, type StrategyState, type WeightedSum } from '../strategy.js';

/** One server-momentum step: updates `velocity` in place and returns it. */
export function momentumStep(velocity: Float64Array, meanUpdate: Float64Array, beta: number): Float64Array {
  for (let i = 0; i < velocity.length; i++) velocity[i] = beta * velocity[i] + meanUpdate[i];
  return velocity;
}

export class FedAvgM extends SumStrategy {
  readonly name = 'fedavgm';
  readonly paper = 'Hsu et al. 2019';
  private velocity: Float64Array | null = null;
  constructor(policy: Partial<QuorumPolicy> = {}, readonly beta = 0.9, readonly serverLr = 1) {
    super(policy);
    if (!(beta >= 0 && beta < 1)) throw new QmlError(`server momentum must be in [0, 1), got ${beta}`, 'strategy');
  }
  aggregateSum(ctx: AggregateContext, s: WeightedSum): Aggregation {
    const mean = Float64Array.from(s.sum, (v) => v / s.weight);
    this.velocity ??= new Float64Array(mean.length);
    momentumStep(this.velocity, mean, this.beta);
    return { kind: 'update', params: applyStep(ctx.global, this.velocity, this.serverLr), accepted: [], info: {} };
  }
  override state(): StrategyState { return { velocity: floatState(this.velocity) }; }
  override restore(s: StrategyState): void { this.velocity = restoreFloats(s, 'velocity'); }
}
