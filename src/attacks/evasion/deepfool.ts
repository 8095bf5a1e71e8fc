/**
 * DeepFool (Moosavi-Dezfooli et al. 2016): linearise the decision boundaries around the current
 * point and step to the nearest one (L2, or L∞ with the dual norm) with an overshoot, until the
 * label changes. Log-probability differences equal logit differences, so it runs on log p.
 *
 * In a constrained space (Simonetto et al. 2022) every iterate is projected onto the valid records,
 * gradient components that push a field past its bound are dropped before the boundary distance is
 * computed (the step then goes where the record can still move), and success is judged on the
 * projected record. At the end integer fields are repaired by a rounding search that keeps the
 * record adversarial, and a final search along the segment from the clean record finds the
 * smallest valid adversarial change.
 */
import type { AttackContext, AttackOutput, EvasionAttack } from '../attack.js';
import { argmaxRows } from '../attack.js';
import { gatherRows, maskAtBounds, repairRows, shrinkToBoundary } from '../constrained.js';

/** The longest step of one iteration, in scaled units (standard deviations of each field). */
const MAX_STEP = 1000;

export class DeepFool implements EvasionAttack {
  readonly name = 'deepfool';
  readonly knowledge = 'white-box' as const;
  readonly minimal = true;
  constructor(readonly maxIter = 30, readonly overshoot = 0.02) {}

  run({ target, X0, y, rows, threat }: AttackContext): AttackOutput {
    const dim = target.dim, C = target.numClasses, s = target.scale;
    const sc = (j: number) => (s ? s[j] : 1);
    const X = Float64Array.from(X0), steps = new Int32Array(rows);
    target.constrain(X, X0, rows, 'none');
    let active = Array.from({ length: rows }, (_, r) => r);
    for (let it = 0; it < this.maxIter && active.length; it++) {
      const n = active.length;
      const Xa = gatherRows(X, active, dim);
      const p = target.proba(Xa, n, active), pred = argmaxRows(p, n, C);
      const grads: Float64Array[] = [];
      for (let c = 0; c < C; c++) grads.push(target.gradLogProb(Xa, n, new Int32Array(n).fill(c), threat.eot, active));
      const still: number[] = [];
      const w = new Float64Array(dim);
      active.forEach((r, k) => {
        if (pred[k] !== y[r]) return;
        let bestDist = Infinity, bestW: Float64Array | null = null, bestF = 0;
        for (let c = 0; c < C; c++) {
          if (c === y[r]) continue;
          const f = Math.log(Math.max(p[k * C + c], 1e-300)) - Math.log(Math.max(p[k * C + y[r]], 1e-300));
          // Ascent direction of f_c − f_y in raw units, with the components blocked by a bound dropped.
          for (let j = 0; j < dim; j++) w[j] = grads[c][k * dim + j] - grads[y[r]][k * dim + j];
          maskAtBounds(target, Xa.subarray(k * dim, (k + 1) * dim), w, 1);
          // In scaled coordinates u = (x − x0)/s the gradient is s ⊙ ∇x.
          for (let j = 0; j < dim; j++) w[j] *= sc(j);
          let wn = 0;
          if (threat.norm === 'linf') for (let j = 0; j < dim; j++) wn += Math.abs(w[j]);
          else { for (let j = 0; j < dim; j++) wn += w[j] * w[j]; wn = Math.sqrt(wn); }
          const dist = Math.abs(f) / (wn || 1e-300);
          // A near-flat direction (|∇| ≈ 0) would ask for an astronomically long step: not a usable boundary.
          if (wn > 1e-12 && dist < bestDist) { bestDist = dist; bestW = Float64Array.from(w); bestF = f; }
        }
        // No class boundary can be approached by a valid move (every useful field is on its bound): stop.
        if (!bestW) return;
        const wn2 = threat.norm === 'linf' ? bestW.reduce((a, v) => a + Math.abs(v), 0) : bestW.reduce((a, v) => a + v * v, 0);
        // The step is capped at MAX_STEP scaled units (one linearisation is not trusted further), so
        // iterates stay finite on models whose gradient fades far from the data (RBF kernels).
        let size = ((Math.abs(bestF) + 1e-4) / wn2) * (1 + this.overshoot);
        const len = threat.norm === 'linf' ? size : size * Math.sqrt(wn2);
        if (len > MAX_STEP) size *= MAX_STEP / len;
        for (let j = 0; j < dim; j++) X[r * dim + j] += size * (threat.norm === 'linf' ? Math.sign(bestW[j]) : bestW[j]) * sc(j);
        steps[r]++;
        still.push(r);
      });
      if (still.length) {
        const Xs = gatherRows(X, still, dim), X0s = gatherRows(X0, still, dim);
        target.constrain(Xs, X0s, still.length, 'none', still);
        still.forEach((r, k) => X.set(Xs.subarray(k * dim, (k + 1) * dim), r * dim));
      }
      active = still;
    }
    const V = repairRows(target, X, X0, rows, y, { eot: threat.eot });
    return { X: shrinkToBoundary(target, V, X0, rows, y), steps };
  }
}
