/**
 * Adaptive federated optimisation (Reddi, Charles, Zaheer, Garrett, Rush, Konečný, Kumar &
 * McMahan 2021, "Adaptive federated optimization", Algorithm 2): the averaged client update Δ̄ is a
 * pseudo-gradient for a server optimiser,
 *   m ← β1 m + (1 − β1) Δ̄
 *   v ← v + Δ̄²                               (FedAdagrad)
 *   v ← v − (1 − β2) Δ̄² sign(v − Δ̄²)         (FedYogi)
 *   v ← β2 v + (1 − β2) Δ̄²                    (FedAdam)
 *   w ← w + η m / (√v + τ)
 * with v initialised to τ² as in the paper. Sum-only.
 */
import { QmlError } from '../../core/errors.js';
import { floatState, restoreFloats, SumStrategy, type AggregateContext, type Aggregation, type QuorumPolicy, type StrategyState, type WeightedSum } from '../strategy.js';

export type FedOptKind = 'adagrad' | 'yogi' | 'adam';
export interface FedOptParams { eta: number; beta1: number; beta2: number; tau: number }
export const FEDOPT_DEFAULTS: FedOptParams = { eta: 0.1, beta1: 0.9, beta2: 0.99, tau: 1e-3 };

/** One server step: updates m and v in place, returns the new parameters. */
export function fedOptStep(kind: FedOptKind, global: Float64Array, delta: Float64Array, m: Float64Array, v: Float64Array, p: FedOptParams): Float64Array {
  const out = Float64Array.from(global);
  for (let i = 0; i < out.length; i++) {
    const g = delta[i], g2 = g * g;
    m[i] = p.beta1 * m[i] + (1 - p.beta1) * g;
    if (kind === 'adagrad') v[i] += g2;
    else if (kind === 'yogi') v[i] -= (1 - p.beta2) * g2 * Math.sign(v[i] - g2);
    else v[i] = p.beta2 * v[i] + (1 - p.beta2) * g2;
    out[i] += (p.eta * m[i]) / (Math.sqrt(v[i]) + p.tau);
  }
  return out;
}

export abstract class FedOpt extends SumStrategy {
  abstract readonly kind: FedOptKind;
  readonly paper = 'Reddi et al. 2021';
  readonly params: FedOptParams;
  private m: Float64Array | null = null;
  private v: Float64Array | null = null;
  constructor(policy: Partial<QuorumPolicy> = {}, params: Partial<FedOptParams> = {}) {
    super(policy);
    this.params = { ...FEDOPT_DEFAULTS, ...params };
    const p = this.params;
    if (!(p.eta > 0) || !(p.tau > 0) || !(p.beta1 >= 0 && p.beta1 < 1) || !(p.beta2 >= 0 && p.beta2 < 1)) throw new QmlError(`server optimiser needs η > 0, τ > 0, β1 and β2 in [0, 1); got ${JSON.stringify(p)}`, 'strategy');
  }
  aggregateSum(ctx: AggregateContext, s: WeightedSum): Aggregation {
    const delta = Float64Array.from(s.sum, (x) => x / s.weight);
    this.m ??= new Float64Array(delta.length);
    this.v ??= new Float64Array(delta.length).fill(this.params.tau ** 2);
    return { kind: 'update', params: fedOptStep(this.kind, ctx.global, delta, this.m, this.v, this.params), accepted: [], info: {} };
  }
  override state(): StrategyState { return { m: floatState(this.m), v: floatState(this.v) }; }
  override restore(s: StrategyState): void { this.m = restoreFloats(s, 'm'); this.v = restoreFloats(s, 'v'); }
}

export class FedAdagrad extends FedOpt { readonly kind = 'adagrad'; readonly name = 'fedadagrad'; }
export class FedYogi extends FedOpt { readonly kind = 'yogi'; readonly name = 'fedyogi'; }
export class FedAdam extends FedOpt { readonly kind = 'adam'; readonly name = 'fedadam'; }
