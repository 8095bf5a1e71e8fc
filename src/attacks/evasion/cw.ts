/**
 * Carlini & Wagner L2 (2017): minimise ‖δ‖² (scaled) + c · max(log p_y − max_{k≠y} log p_k, −κ)
 * with Adam, binary-searching c per row; keeps the smallest successful perturbation. A minimal-
 * perturbation attack: it reports how far each row is from the boundary, not an ε-bounded point.
 *
 * Constrained (Simonetto et al. 2022): the record evaluated at each iteration is the projection of
 * x0 + s ⊙ w onto the valid records, the gradient through a field clamped at its bound is zero, and
 * the margin used for the search is the projected record's. The overshoot κ (in log-probability
 * units) leaves room for the final rounding of integer fields; the best point is then repaired by a
 * rounding search that keeps it adversarial and shrunk along the segment to the clean record.
 */
import type { AttackContext, AttackOutput, EvasionAttack } from '../attack.js';
import { margins, runnerUp } from '../attack.js';
import { maskAtBounds, repairRows, shrinkToBoundary } from '../constrained.js';

export class CarliniWagner implements EvasionAttack {
  readonly name = 'cw';
  readonly knowledge = 'white-box' as const;
  readonly minimal = true;
  constructor(readonly searchSteps = 5, readonly iterations = 40, readonly lr = 0.05, readonly kappa = 0.05) {}

  run({ target, X0, y, rows, threat }: AttackContext): AttackOutput {
    const dim = target.dim, C = target.numClasses, s = target.scale;
    const sc = (j: number) => (s ? s[j] : 1);
    const lo = new Float64Array(rows), hi = new Float64Array(rows).fill(Infinity), c = new Float64Array(rows).fill(1);
    const best = Float64Array.from(X0), bestNorm = new Float64Array(rows).fill(Infinity);
    const steps = new Int32Array(rows);
    for (let b = 0; b < this.searchSteps; b++) {
      // Optimise the scaled perturbation w (x = P(x0 + s ⊙ w)) with Adam.
      const w = new Float64Array(rows * dim), m = new Float64Array(rows * dim), v = new Float64Array(rows * dim);
      const X = Float64Array.from(X0);
      const found = new Uint8Array(rows);
      const g = new Float64Array(rows * dim);
      for (let it = 1; it <= this.iterations; it++) {
        for (let i = 0; i < rows * dim; i++) X[i] = X0[i] + sc(i % dim) * w[i];
        target.constrain(X, X0, rows, 'none');
        const p = target.proba(X, rows);
        const mg = margins(p, y, rows, C), other = runnerUp(p, y, rows, C);
        const gy = target.gradLogProb(X, rows, y, threat.eot), go = target.gradLogProb(X, rows, other, threat.eot);
        // Descent direction of the margin (log p_y − log p_k) is −(gy − go); bounds block it per field.
        for (let i = 0; i < g.length; i++) g[i] = go[i] - gy[i];
        maskAtBounds(target, X, g, rows);
        for (let r = 0; r < rows; r++) {
          let n2 = 0;
          for (let j = 0; j < dim; j++) n2 += ((X[r * dim + j] - X0[r * dim + j]) / sc(j)) ** 2;
          if (mg[r] < 0 && n2 < bestNorm[r] ** 2) {
            best.set(X.subarray(r * dim, (r + 1) * dim), r * dim); bestNorm[r] = Math.sqrt(n2); found[r] = 1;
          }
          const active = mg[r] > -this.kappa;
          for (let j = 0; j < dim; j++) {
            const i = r * dim + j;
            // ∂/∂w: 2w + c·s·∂margin/∂x while the margin term is active (zero through a clamped field).
            const gr = 2 * w[i] - (active ? c[r] * sc(j) * g[i] : 0);
            m[i] = 0.9 * m[i] + 0.1 * gr;
            v[i] = 0.999 * v[i] + 0.001 * gr * gr;
            w[i] -= (this.lr * (m[i] / (1 - 0.9 ** it))) / (Math.sqrt(v[i] / (1 - 0.999 ** it)) + 1e-8);
          }
          steps[r]++;
        }
      }
      for (let r = 0; r < rows; r++) {
        if (found[r]) { hi[r] = Math.min(hi[r], c[r]); c[r] = (lo[r] + hi[r]) / 2; } else { lo[r] = Math.max(lo[r], c[r]); c[r] = Number.isFinite(hi[r]) ? (lo[r] + hi[r]) / 2 : c[r] * 10; }
      }
    }
    const V = repairRows(target, best, X0, rows, y, { eot: threat.eot });
    return { X: shrinkToBoundary(target, V, X0, rows, y), steps };
  }
}
