/**
 * Honest-evaluation checks (after Carlini et al. 2019, "On Evaluating Adversarial Robustness", and
 * Athalye et al. 2018): robustness that fails these is more likely masked gradients than real.
 * - monotone: robust accuracy never increases with ε (per attack);
 * - pgd-vs-fgsm: the iterative attack is never weaker than the single step at the same ε;
 * - unbounded: an attack with a huge ε flips (nearly) every correctly classified row that some valid
 *   change can flip at all (rows out of reach under the domain constraints are counted apart);
 * - black-box/transfer ≤ white-box: a weaker-knowledge attack never beats the strongest white-box
 *   attack at the same ε (if it does, the gradients are likely masked).
 * Each check passes or flags, with the numbers behind it. Tolerances allow one sample of noise.
 */
import type { AttackReport } from './attack.js';

export interface Check {
  name: string;
  passed: boolean;
  detail: string;
  model?: string;
  /** Set by an adaptive escalation: the attacks it ran, and whether they settled the flag. */
  adaptive?: { attacks: string[]; resolved: boolean; before: string };
  /** A check that stays failed after the adaptive attacks: why (what remains unproven). */
  explained?: string;
}

/**
 * What an unbounded attack could reach at all (see reach.ts): with it, the unbounded check counts
 * only rows some valid change flips; the rest are reported as out of reach, not as a failed attack.
 */
export interface ReachSummary { reachable: number; outOfReach: number; exact: boolean }

export function honestChecks(model: string, reports: AttackReport[], unbounded: AttackReport | null, rows: number, reach?: ReachSummary): Check[] {
  const tol = 1 / Math.max(rows, 1) + 1e-9;
  const out: Check[] = [];
  const byName = new Map<string, AttackReport[]>();
  for (const r of reports) {
    if (!byName.has(r.name)) byName.set(r.name, []);
    byName.get(r.name)!.push(r);
  }
  // 1. Monotone in ε.
  const bad: string[] = [];
  for (const [name, rs] of byName) {
    const sorted = [...rs].sort((a, b) => a.epsilon - b.epsilon);
    for (let i = 1; i < sorted.length; i++) {
      if (sorted[i].robust_accuracy > sorted[i - 1].robust_accuracy + tol) bad.push(`${name}: ${sorted[i - 1].robust_accuracy.toFixed(3)} at ε=${sorted[i - 1].epsilon} → ${sorted[i].robust_accuracy.toFixed(3)} at ε=${sorted[i].epsilon}`);
    }
  }
  out.push({ model, name: 'robust accuracy never increases with epsilon', passed: bad.length === 0, detail: bad.length ? bad.join('; ') : `${byName.size} attacks checked` });
  // 2. PGD not weaker than FGSM.
  const pgd = byName.get('pgd') ?? [], fgsm = byName.get('fgsm') ?? [];
  const worse: string[] = [];
  for (const f of fgsm) {
    const p = pgd.find((x) => x.epsilon === f.epsilon);
    if (p && p.robust_accuracy > f.robust_accuracy + tol) worse.push(`ε=${f.epsilon}: PGD ${p.robust_accuracy.toFixed(3)} > FGSM ${f.robust_accuracy.toFixed(3)}`);
  }
  if (pgd.length && fgsm.length) out.push({ model, name: 'PGD is never weaker than FGSM', passed: worse.length === 0, detail: worse.length ? worse.join('; ') : 'PGD ≤ FGSM at every ε' });
  // 3. Unbounded attack reaches ~100% success.
  if (unbounded && reach) {
    const flipped = unbounded.records.filter((x) => x.success).length;
    const rate = reach.reachable ? flipped / reach.reachable : 1;
    const how = reach.exact ? 'proven by the exact solution for this linear model' : 'no search method (gradient, corner search) flipped them';
    out.push({
      model, name: 'an unbounded attack flips ~100% of correct rows', passed: rate >= 0.95,
      detail: `flipped ${flipped} of ${reach.reachable} reachable rows (${(100 * rate).toFixed(1)}%) at ε=${unbounded.epsilon}; ${reach.outOfReach} correct row(s) out of reach of any valid change (${how})`,
    });
  } else if (unbounded) {
    out.push({ model, name: 'an unbounded attack flips ~100% of correct rows', passed: unbounded.attack_success_rate >= 0.95, detail: `success rate ${(100 * unbounded.attack_success_rate).toFixed(1)}% at ε=${unbounded.epsilon}` });
  }
  // 4. Black-box and transfer never stronger than white-box.
  const strongest = new Map<number, number>();
  for (const r of reports) if (r.threat === 'white-box') strongest.set(r.epsilon, Math.min(strongest.get(r.epsilon) ?? 1, r.robust_accuracy));
  const beaten: string[] = [];
  for (const r of reports) {
    if (r.threat !== 'black-box' && r.threat !== 'transfer') continue;
    const wb = strongest.get(r.epsilon);
    if (wb !== undefined && r.robust_accuracy < wb - tol) beaten.push(`${r.name} at ε=${r.epsilon}: ${r.robust_accuracy.toFixed(3)} < white-box ${wb.toFixed(3)}`);
  }
  out.push({ model, name: 'black-box and transfer attacks are never stronger than white-box', passed: beaten.length === 0, detail: beaten.length ? `likely gradient masking: ${beaten.join('; ')}` : 'no weaker-knowledge attack beat the white-box ones' });
  return out;
}
