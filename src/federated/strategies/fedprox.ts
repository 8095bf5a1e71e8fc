/**
 * FedProx (Li, Sahu, Zaheer, Sanjabi, Talwalkar & Smith 2020, "Federated optimization in
 * heterogeneous networks"): each client minimises its loss plus the proximal term
 * μ/2·‖w − w_global‖², which keeps local models near the global one on non-IID data; the server
 * aggregates as FedAvg. The client side is `proximalTerm` / `addProximalGradient`.
 */
import { QmlError } from '../../core/errors.js';
import type { FitInstructions, QuorumPolicy } from '../strategy.js';
import { FedAvg } from './fedavg.js';

/** μ/2·‖w − w_global‖². */
export function proximalTerm(w: Float64Array, global: Float64Array, mu: number): number {
  let s = 0;
  for (let i = 0; i < w.length; i++) { const d = w[i] - global[i]; s += d * d; }
  return (mu / 2) * s;
}

/** grad += μ (w − w_global): the gradient of the proximal term, added in place. */
export function addProximalGradient(grad: Float64Array, w: Float64Array, global: Float64Array, mu: number): Float64Array {
  for (let i = 0; i < grad.length; i++) grad[i] += mu * (w[i] - global[i]);
  return grad;
}

export class FedProx extends FedAvg {
  override readonly name = 'fedprox';
  override readonly paper = 'Li et al. 2020';
  constructor(policy: Partial<QuorumPolicy> = {}, readonly mu = 0.1) {
    super(policy);
    if (!(mu >= 0) || !Number.isFinite(mu)) throw new QmlError(`FedProx μ must be finite and non-negative, got ${mu}`, 'strategy');
  }
  protected override instructions(): FitInstructions { return { proxMu: this.mu }; }
}
