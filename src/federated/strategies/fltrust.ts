/**
 * FLTrust (Cao, Fang, Liu & Gong 2021, "FLTrust: Byzantine-robust federated learning via trust
 * bootstrapping"): the server trains on a small clean root set to get its own update g₀; each
 * client update g_i gets trust TS_i = ReLU(cos(g_i, g₀)), is rescaled to ‖g₀‖, and the aggregate
 * is Σ TS_i·(‖g₀‖/‖g_i‖)·g_i / Σ TS_i. If no update points the server's way the round is skipped.
 */
import { QmlError } from '../../core/errors.js';
import { applyStep, BaseStrategy, type AggregateContext, type Aggregation, type FitResult, type QuorumPolicy } from '../strategy.js';
import { checkUpdates, cosine, norm } from '../vec.js';

export function fltrust(updates: readonly Float64Array[], server: Float64Array): { aggregate: Float64Array; trust: Float64Array } {
  const d = checkUpdates([server, ...updates], 'fltrust');
  const n0 = norm(server);
  const trust = Float64Array.from(updates, (u) => Math.max(0, cosine(u, server)));
  const out = new Float64Array(d);
  let T = 0;
  for (let k = 0; k < updates.length; k++) {
    if (trust[k] === 0) continue;
    const s = (trust[k] * n0) / norm(updates[k]);
    for (let i = 0; i < d; i++) out[i] += s * updates[k][i];
    T += trust[k];
  }
  if (T > 0) for (let i = 0; i < d; i++) out[i] /= T;
  return { aggregate: out, trust };
}

/** The server's own update from its root set, given the global parameters of the round. */
export type RootUpdate = (global: Float64Array, round: number) => Float64Array;

export class FLTrust extends BaseStrategy {
  readonly name = 'fltrust';
  readonly paper = 'Cao et al. 2021';
  readonly needs = 'individual' as const;
  constructor(policy: Partial<QuorumPolicy>, readonly rootUpdate: RootUpdate) {
    super(policy);
    if (typeof rootUpdate !== 'function') throw new QmlError('fltrust needs the server root-set update', 'strategy');
  }
  protected combine(ctx: AggregateContext, results: readonly FitResult[]): Aggregation {
    const g0 = this.rootUpdate(ctx.global, ctx.round);
    const { aggregate, trust } = fltrust(results.map((r) => r.update), g0);
    const accepted = results.filter((_, k) => trust[k] > 0).map((r) => r.client);
    if (!accepted.length) return { kind: 'skip', reason: 'fltrust: no client update has positive cosine similarity with the server update' };
    return { kind: 'update', params: applyStep(ctx.global, aggregate), accepted, info: { mean_trust: trust.reduce((a, b) => a + b, 0) / trust.length } };
  }
}
