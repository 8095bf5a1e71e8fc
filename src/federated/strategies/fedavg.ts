/**
 * FedAvg (McMahan, Moore, Ramage, Hampson & Agüera y Arcas 2017, "Communication-efficient learning
 * of deep networks from decentralized data"): the new global model is the example-weighted mean of
 * the clients' models, i.e. w ← w + Σ n_i Δ_i / Σ n_i. It only needs the weighted sum.
 */
import { QmlError } from '../../core/errors.js';
import { applyStep, SumStrategy, type AggregateContext, type Aggregation, type QuorumPolicy, type WeightedSum } from '../strategy.js';
import { checkUpdates } from '../vec.js';

/** Σ w_i u_i / Σ w_i. */
export function weightedMean(updates: readonly Float64Array[], weights: readonly number[]): Float64Array {
  const d = checkUpdates(updates, 'weighted mean');
  if (weights.length !== updates.length) throw new QmlError(`weighted mean: ${updates.length} updates but ${weights.length} weights`);
  let W = 0;
  const out = new Float64Array(d);
  for (let k = 0; k < updates.length; k++) {
    const w = weights[k];
    if (!(w >= 0) || !Number.isFinite(w)) throw new QmlError(`weighted mean: weight ${k} is ${w}; weights must be finite and non-negative`);
    W += w;
    for (let i = 0; i < d; i++) out[i] += w * updates[k][i];
  }
  if (!(W > 0)) throw new QmlError('weighted mean: the weights sum to zero');
  for (let i = 0; i < d; i++) out[i] /= W;
  return out;
}

export class FedAvg extends SumStrategy {
  readonly name: string = 'fedavg';
  readonly paper: string = 'McMahan et al. 2017';
  constructor(policy: Partial<QuorumPolicy> = {}, readonly serverLr = 1) {
    super(policy);
    if (!(serverLr > 0)) throw new QmlError(`server learning rate must be positive, got ${serverLr}`, 'strategy');
  }
  aggregateSum(ctx: AggregateContext, s: WeightedSum): Aggregation {
    if (!(s.weight > 0)) return { kind: 'skip', reason: 'total weight of the results is zero' };
    const mean = Float64Array.from(s.sum, (v) => v / s.weight);
    return { kind: 'update', params: applyStep(ctx.global, mean, this.serverLr), accepted: [], info: {} };
  }
}
