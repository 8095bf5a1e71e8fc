/**
 * The headline robust accuracy of a model at each ε: the per-row worst case over every raw-space
 * attack run (as AutoAttack reports it, Croce & Hein 2020): a row counts as robust only if it is
 * classified correctly and no attack found a valid adversarial record for it. Records found inside
 * a smaller ball are also inside every larger one, so attacks at ε' ≤ ε count at ε (the worst case
 * can only fall as ε grows). Black-box attacks ran on the first rows only; they count on those.
 * Each value carries its 95% Wilson interval over the attacked rows.
 */
import { wilsonInterval } from '../core/stats.js';
import type { AttackEntry, ModelEntry, WorstCaseEntry } from './run.js';

/** Raw-space attacks whose flipped rows count toward the worst case. */
export function countsTowardWorstCase(a: AttackEntry): boolean {
  return a.space === 'raw' && Array.isArray(a.flipped);
}

export function worstCase(me: ModelEntry, eps: number[]): WorstCaseEntry[] {
  if (!me.attack_rows) return [];
  const { n, correct } = me.attack_rows;
  const attacks = me.attacks.filter(countsTowardWorstCase);
  return [...new Set(eps)].sort((a, b) => a - b).map((e) => {
    const fooled = new Set<number>(), names = new Set<string>();
    for (const a of attacks) {
      if (a.epsilon > e * (1 + 1e-12)) continue;
      names.add(a.name);
      for (const r of a.flipped!) fooled.add(r);
    }
    const robust = correct.filter((r) => !fooled.has(r)).length;
    return { epsilon: e, robust_accuracy: robust / n, robust_accuracy_ci: wilsonInterval(robust, n), rows: n, attacks: [...names].sort() };
  });
}
