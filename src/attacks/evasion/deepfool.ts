/**
 * DeepFool (Moosavi-Dezfooli et al. 2016): linearise the decision boundaries around the current
 * point and step to the nearest one (L2, or L∞ with the dual norm), with a 2% overshoot, until the
 * label changes. Log-probability differences equal logit differences, so it runs on log p.
 */
import type { AttackContext, AttackOutput, EvasionAttack } from '../attack.js';
import { argmaxRows } from '../attack.js';

export class DeepFool implements EvasionAttack {
  readonly name = 'deepfool';
  readonly knowledge = 'white-box' as const;
  readonly minimal = true;
  constructor(readonly maxIter = 30, readonly overshoot = 0.02) {}

  run({ target, X0, y, rows, threat }: AttackContext): AttackOutput {
    const dim = target.dim, C = target.numClasses, s = target.scale;
    const sc = (j: number) => (s ? s[j] : 1);
    const X = Float64Array.from(X0), R = new Float64Array(rows * dim), steps = new Int32Array(rows);
    let active = Array.from({ length: rows }, (_, r) => r);
    for (let it = 0; it < this.maxIter && active.length; it++) {
      const n = active.length;
      const Xa = new Float64Array(n * dim);
      active.forEach((r, k) => Xa.set(X.subarray(r * dim, (r + 1) * dim), k * dim));
      const p = target.proba(Xa, n, active), pred = argmaxRows(p, n, C);
      const grads: Float64Array[] = [];
      for (let c = 0; c < C; c++) grads.push(target.gradLogProb(Xa, n, new Int32Array(n).fill(c), threat.eot, active));
      const still: number[] = [];
      active.forEach((r, k) => {
        if (pred[k] !== y[r]) return;
        let bestDist = Infinity, bestW: Float64Array | null = null, bestF = 0;
        for (let c = 0; c < C; c++) {
          if (c === y[r]) continue;
          const f = Math.log(Math.max(p[k * C + c], 1e-300)) - Math.log(Math.max(p[k * C + y[r]], 1e-300));
          // w in scaled coordinates: ∇ w.r.t. u = (x − x0)/s is s ⊙ ∇x.
          const w = Float64Array.from({ length: dim }, (_, j) => (grads[c][k * dim + j] - grads[y[r]][k * dim + j]) * sc(j));
          const wn = threat.norm === 'linf' ? w.reduce((a, v) => a + Math.abs(v), 0) : Math.hypot(...w);
          const dist = Math.abs(f) / (wn || 1e-12);
          if (dist < bestDist) { bestDist = dist; bestW = w; bestF = f; }
        }
        if (!bestW) return;
        const wn2 = threat.norm === 'linf' ? bestW.reduce((a, v) => a + Math.abs(v), 0) : bestW.reduce((a, v) => a + v * v, 0);
        // A flat spot (no gradient towards any boundary): the linearisation gives no direction, stop here.
        if (!(wn2 > 1e-24)) return;
        for (let j = 0; j < dim; j++) {
          const step = threat.norm === 'linf' ? ((Math.abs(bestF) + 1e-4) / (wn2 || 1e-12)) * Math.sign(bestW[j]) : ((Math.abs(bestF) + 1e-4) / (wn2 || 1e-12)) * bestW[j];
          R[r * dim + j] += step;
          X[r * dim + j] = X0[r * dim + j] + (1 + this.overshoot) * R[r * dim + j] * sc(j);
        }
        steps[r]++;
        still.push(r);
      });
      active = still;
    }
    target.constrain(X, X0, rows, 'nearest');
    return { X, steps };
  }
}
