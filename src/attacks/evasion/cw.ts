/**
 * Carlini & Wagner L2 (2017): minimise ‖δ‖² (scaled) + c · max(log p_y − max_{k≠y} log p_k, −κ)
 * with Adam, binary-searching c per row; keeps the smallest successful perturbation. A minimal-
 * perturbation attack: it reports how far each row is from the boundary, not an ε-bounded point.
 */
import type { AttackContext, AttackOutput, EvasionAttack } from '../attack.js';
import { argmaxRows, margins, runnerUp } from '../attack.js';

export class CarliniWagner implements EvasionAttack {
  readonly name = 'cw';
  readonly knowledge = 'white-box' as const;
  readonly minimal = true;
  constructor(readonly searchSteps = 5, readonly iterations = 40, readonly lr = 0.05, readonly kappa = 0) {}

  run({ target, X0, y, rows, threat }: AttackContext): AttackOutput {
    const dim = target.dim, C = target.numClasses, s = target.scale;
    const sc = (j: number) => (s ? s[j] : 1);
    const lo = new Float64Array(rows), hi = new Float64Array(rows).fill(Infinity), c = new Float64Array(rows).fill(1);
    const best = Float64Array.from(X0), bestNorm = new Float64Array(rows).fill(Infinity);
    const steps = new Int32Array(rows);
    for (let b = 0; b < this.searchSteps; b++) {
      // Optimise the scaled perturbation w (x = x0 + s ⊙ w) with Adam.
      const w = new Float64Array(rows * dim), m = new Float64Array(rows * dim), v = new Float64Array(rows * dim);
      const X = Float64Array.from(X0);
      const found = new Uint8Array(rows);
      for (let it = 1; it <= this.iterations; it++) {
        for (let i = 0; i < rows * dim; i++) X[i] = X0[i] + sc(i % dim) * w[i];
        const p = target.proba(X, rows);
        const mg = margins(p, y, rows, C), other = runnerUp(p, y, rows, C);
        const gy = target.gradLogProb(X, rows, y, threat.eot), go = target.gradLogProb(X, rows, other, threat.eot);
        for (let r = 0; r < rows; r++) {
          let n2 = 0;
          for (let j = 0; j < dim; j++) n2 += w[r * dim + j] ** 2;
          if (mg[r] < 0 && n2 < bestNorm[r] ** 2) {
            const cand = X.slice(r * dim, (r + 1) * dim);
            best.set(cand, r * dim); bestNorm[r] = Math.sqrt(n2); found[r] = 1;
          }
          const active = mg[r] > -this.kappa;
          for (let j = 0; j < dim; j++) {
            const i = r * dim + j;
            // ∂/∂w: 2w + c·s·(∇log p_y − ∇log p_k) while the margin term is active.
            const g = 2 * w[i] + (active ? c[r] * sc(j) * (gy[i] - go[i]) : 0);
            m[i] = 0.9 * m[i] + 0.1 * g;
            v[i] = 0.999 * v[i] + 0.001 * g * g;
            w[i] -= (this.lr * (m[i] / (1 - 0.9 ** it))) / (Math.sqrt(v[i] / (1 - 0.999 ** it)) + 1e-8);
          }
          steps[r]++;
        }
      }
      for (let r = 0; r < rows; r++) {
        if (found[r]) { hi[r] = Math.min(hi[r], c[r]); c[r] = (lo[r] + hi[r]) / 2; } else { lo[r] = Math.max(lo[r], c[r]); c[r] = Number.isFinite(hi[r]) ? (lo[r] + hi[r]) / 2 : c[r] * 10; }
      }
    }
    target.constrain(best, X0, rows, 'nearest');
    // Constraints (rounding) may undo a success: such rows keep their constrained point and are scored as they are.
    void argmaxRows;
    return { X: best, steps };
  }
}
