/**
 * Krum and Multi-Krum (Blanchard, El Mhamdi, Guerraoui & Stainer 2017, "Machine learning with
 * adversaries: Byzantine tolerant gradient descent"). The score of update i is the sum of squared
 * distances to its n − f − 2 nearest other updates; Krum keeps the lowest-scoring update,
 * Multi-Krum averages the m lowest. Requires n > 2f + 2.
 */
import { QmlError } from '../../core/errors.js';
import { applyStep, type AggregateContext, type Aggregation, type FitResult, type QuorumPolicy } from '../strategy.js';
import { checkF, checkUpdates, mean, sqDist } from '../vec.js';
import { RobustStrategy } from './robust.js';

export function krumPrecondition(n: number, f: number): string | undefined {
  return n > 2 * f + 2 ? undefined : `Krum needs n > 2f + 2, got n = ${n}, f = ${f}`;
}

/** Krum scores; `neighbours` defaults to n − f − 2 (Bulyan's inner loop passes its own). */
export function krumScores(updates: readonly Float64Array[], f: number, neighbours = updates.length - f - 2): Float64Array {
  checkUpdates(updates, 'krum');
  checkF(f, 'krum');
  const n = updates.length;
  const D = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) D[i * n + j] = D[j * n + i] = sqDist(updates[i], updates[j]);
  const scores = new Float64Array(n), row = new Float64Array(n - 1);
  const k = Math.max(0, Math.min(neighbours, n - 1));
  for (let i = 0; i < n; i++) {
    let c = 0;
    for (let j = 0; j < n; j++) if (j !== i) row[c++] = D[i * n + j];
    row.sort();
    let s = 0;
    for (let j = 0; j < k; j++) s += row[j];
    scores[i] = s;
  }
  return scores;
}

/** Indices of the m lowest Krum scores (ties by index, so the choice is deterministic). */
export function multiKrumSelect(updates: readonly Float64Array[], f: number, m: number): number[] {
  const why = krumPrecondition(updates.length, f);
  if (why) throw new QmlError(why, '--malicious');
  if (!Number.isInteger(m) || m < 1 || m > updates.length) throw new QmlError(`multi-krum keeps m updates, 1 ≤ m ≤ ${updates.length}, got ${m}`);
  const s = krumScores(updates, f);
  return Array.from(s.keys()).sort((a, b) => s[a] - s[b] || a - b).slice(0, m);
}

export function krum(updates: readonly Float64Array[], f: number): Float64Array {
  return Float64Array.from(updates[multiKrumSelect(updates, f, 1)[0]]);
}

export function multiKrum(updates: readonly Float64Array[], f: number, m: number): Float64Array {
  return mean(multiKrumSelect(updates, f, m).map((i) => updates[i]));
}

export class Krum extends RobustStrategy {
  readonly name: string = 'krum';
  readonly paper = 'Blanchard et al. 2017';
  constructor(policy: Partial<QuorumPolicy> = {}, f = 0) { super(policy, f); }
  precondition(n: number): string | undefined { return krumPrecondition(n, this.f); }
  protected keep(n: number): number { return 1; }
  protected combine(ctx: AggregateContext, results: readonly FitResult[]): Aggregation {
    const ups = results.map((r) => r.update);
    const sel = multiKrumSelect(ups, this.f, this.keep(ups.length));
    return { kind: 'update', params: applyStep(ctx.global, mean(sel.map((i) => ups[i]))), accepted: sel.map((i) => results[i].client), info: { kept: sel.length } };
  }
}

export class MultiKrum extends Krum {
  override readonly name = 'multi-krum';
  /** m: updates averaged; default n − f (the paper's choice). */
  constructor(policy: Partial<QuorumPolicy> = {}, f = 0, readonly m?: number) { super(policy, f); }
  protected override keep(n: number): number { return Math.min(n, this.m ?? n - this.f); }
}
