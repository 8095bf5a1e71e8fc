/**
 * Square attack, score-based black-box (Andriushchenko et al. 2020), for tabular inputs: start from
 * a random vertex of the ε-ball, then repeatedly redraw a random window of features (a fraction p of
 * them, p halving on a schedule) and keep the change when the margin log p_y − max_{k≠y} log p_k
 * drops, until the row is misclassified or its query budget is spent.
 */
import type { AttackContext, AttackOutput, EvasionAttack } from '../attack.js';
import { margins } from '../attack.js';
import { projectRows } from './steps.js';

export class SquareAttack implements EvasionAttack {
  readonly name = 'square';
  readonly knowledge = 'black-box' as const;
  constructor(readonly pInit = 0.3) {}

  run({ target, X0, y, rows, threat, rng }: AttackContext): AttackOutput {
    const dim = target.dim, C = target.numClasses, eps = threat.epsilon, s = target.scale;
    const sc = (j: number) => (s ? s[j] : 1);
    const X = Float64Array.from(X0);
    const vertex = (r: number, j: number) => X0[r * dim + j] + (rng.next() < 0.5 ? -1 : 1) * eps * sc(j) * (threat.norm === 'linf' ? 1 : 1 / Math.sqrt(dim));
    for (let r = 0; r < rows; r++) for (let j = 0; j < dim; j++) X[r * dim + j] = vertex(r, j);
    projectRows(target, X, X0, rows, threat.norm, eps, 'toward');
    let m = margins(target.proba(X, rows), y, rows, C);
    const steps = new Int32Array(rows);
    const budget = threat.queries;
    for (let it = 1; it < budget; it++) {
      const active: number[] = [];
      for (let r = 0; r < rows; r++) if (m[r] >= 0) active.push(r);
      if (!active.length) break;
      // p halves at 1%, 5%, 20%, 50% and 80% of the budget (the schedule of the paper, rescaled).
      const frac = it / budget;
      const p = this.pInit / 2 ** [0.01, 0.05, 0.2, 0.5, 0.8].filter((f) => frac > f).length;
      const k = Math.max(1, Math.round(p * dim));
      const cand = new Float64Array(active.length * dim), c0 = new Float64Array(active.length * dim);
      active.forEach((r, a) => {
        cand.set(X.subarray(r * dim, (r + 1) * dim), a * dim);
        c0.set(X0.subarray(r * dim, (r + 1) * dim), a * dim);
        const start = rng.int(dim);
        for (let t = 0; t < k; t++) { const j = (start + t) % dim; cand[a * dim + j] = vertex(r, j); }
      });
      projectRows(target, cand, c0, active.length, threat.norm, eps, 'toward', active);
      const mc = margins(target.proba(cand, active.length, active), Int32Array.from(active, (r) => y[r]), active.length, C);
      active.forEach((r, a) => {
        steps[r]++;
        if (mc[a] < m[r]) { m[r] = mc[a]; X.set(cand.subarray(a * dim, (a + 1) * dim), r * dim); }
      });
    }
    return { X, steps };
  }
}
