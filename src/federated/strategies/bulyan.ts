/**
 * Bulyan (El Mhamdi, Guerraoui & Rouault 2018, "The hidden vulnerability of distributed learning
 * in Byzantium"): pick θ = n − 2f updates by Krum applied repeatedly (each pick removed from the
 * pool), then for each coordinate average the β = θ − 2f selected values closest to their median.
 * Requires n ≥ 4f + 3.
 */
import { QmlError } from '../../core/errors.js';
import { applyStep, type AggregateContext, type Aggregation, type FitResult, type QuorumPolicy } from '../strategy.js';
import { checkF, checkUpdates } from '../vec.js';
import { krumScores } from './krum.js';
import { RobustStrategy } from './robust.js';

export function bulyanPrecondition(n: number, f: number): string | undefined {
  return n >= 4 * f + 3 ? undefined : `Bulyan needs n ≥ 4f + 3, got n = ${n}, f = ${f}`;
}

/** The θ = n − 2f indices chosen by iterated Krum. */
export function bulyanSelect(updates: readonly Float64Array[], f: number): number[] {
  const pool = Array.from(updates.keys()), chosen: number[] = [];
  const theta = updates.length - 2 * f;
  while (chosen.length < theta) {
    const s = krumScores(pool.map((i) => updates[i]), f, pool.length - f - 2);
    let best = 0;
    for (let j = 1; j < pool.length; j++) if (s[j] < s[best]) best = j;
    chosen.push(pool[best]);
    pool.splice(best, 1);
  }
  return chosen;
}

export function bulyan(updates: readonly Float64Array[], f: number): { aggregate: Float64Array; selected: number[] } {
  const d = checkUpdates(updates, 'bulyan');
  checkF(f, 'bulyan');
  const why = bulyanPrecondition(updates.length, f);
  if (why) throw new QmlError(why, '--malicious');
  const sel = bulyanSelect(updates, f), theta = sel.length, beta = theta - 2 * f;
  const out = new Float64Array(d), col = new Float64Array(theta), idx = Array.from({ length: theta }, (_, i) => i);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < theta; j++) col[j] = updates[sel[j]][i];
    const sorted = Float64Array.from(col).sort();
    const med = theta % 2 ? sorted[(theta - 1) / 2] : (sorted[theta / 2 - 1] + sorted[theta / 2]) / 2;
    idx.sort((a, b) => Math.abs(col[a] - med) - Math.abs(col[b] - med) || a - b);
    let s = 0;
    for (let j = 0; j < beta; j++) s += col[idx[j]];
    out[i] = s / beta;
  }
  return { aggregate: out, selected: sel };
}

export class Bulyan extends RobustStrategy {
  readonly name = 'bulyan';
  readonly paper = 'El Mhamdi et al. 2018';
  constructor(policy: Partial<QuorumPolicy> = {}, f = 0) { super(policy, f); }
  precondition(n: number): string | undefined { return bulyanPrecondition(n, this.f); }
  protected combine(ctx: AggregateContext, results: readonly FitResult[]): Aggregation {
    const { aggregate, selected } = bulyan(results.map((r) => r.update), this.f);
    return { kind: 'update', params: applyStep(ctx.global, aggregate), accepted: selected.map((i) => results[i].client), info: { kept: selected.length } };
  }
}
