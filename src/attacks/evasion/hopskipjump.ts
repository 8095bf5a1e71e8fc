/**
 * HopSkipJump, decision-based black-box (Chen, Jordan & Wainwright 2020): from an adversarial
 * starting point, binary-search to the boundary, estimate the boundary's normal from the labels of
 * random probes, step along it with a geometrically shrinking step, and search again; only the
 * predicted label is used. A minimal-perturbation attack (L2 in scaled units) within a per-row query
 * budget.
 */
import type { AttackContext, AttackOutput, EvasionAttack } from '../attack.js';
import { argmaxRows } from '../attack.js';
import type { AttackTarget } from '../target.js';

export class HopSkipJump implements EvasionAttack {
  readonly name = 'hopskipjump';
  readonly knowledge = 'black-box' as const;
  readonly minimal = true;

  run({ target, X0, y, rows, threat, rng }: AttackContext): AttackOutput {
    const dim = target.dim, C = target.numClasses, s = target.scale;
    const sc = (j: number) => (s ? s[j] : 1);
    const out = Float64Array.from(X0), steps = new Int32Array(rows);
    const pred0 = argmaxRows(target.proba(X0, rows), rows, C);
    for (let r = 0; r < rows; r++) {
      if (pred0[r] !== y[r]) continue;
      const x0 = X0.subarray(r * dim, (r + 1) * dim);
      let used = 0;
      const isAdv = (x: Float64Array): boolean => {
        used++;
        const xc = Float64Array.from(x);
        target.constrain(xc, Float64Array.from(x0), 1, 'nearest', [r]);
        return argmaxRows(target.proba(xc, 1, [r]), 1, C)[0] !== y[r];
      };
      // Start: another row predicted differently, or random noise of growing size.
      let xa: Float64Array | null = null;
      for (let o = 0; o < rows && !xa && used < threat.queries; o++) if (pred0[o] !== y[r]) { const c = X0.slice(o * dim, (o + 1) * dim); if (isAdv(c)) xa = c; }
      for (let t = 0; !xa && t < 50 && used < threat.queries; t++) {
        const c = Float64Array.from(x0, (v, j) => v + rng.normal() * sc(j) * 2 ** (t / 5));
        if (isAdv(c)) xa = c;
      }
      if (!xa) { steps[r] = 0; continue; }
      const dist = (x: Float64Array) => Math.sqrt(x.reduce((a, v, j) => a + ((v - x0[j]) / sc(j)) ** 2, 0));
      const boundary = (xadv: Float64Array): Float64Array => {
        let lo = 0, hi = 1;
        const mix = (t: number) => Float64Array.from(x0, (v, j) => v + t * (xadv[j] - v));
        const tol = 1e-3 / Math.sqrt(dim);
        while (hi - lo > tol && used < threat.queries) { const mid = (lo + hi) / 2; if (isAdv(mix(mid))) hi = mid; else lo = mid; }
        return mix(hi);
      };
      let xb = boundary(xa);
      for (let t = 1; used < threat.queries; t++) {
        const d = dist(xb);
        if (d === 0) break;
        const delta = Math.sqrt(dim) * 1e-3 * d;
        const B = Math.min(Math.floor(10 * Math.sqrt(t)), 100, Math.max(1, Math.floor((threat.queries - used) / 2)));
        const us: Float64Array[] = [], phi: number[] = [];
        for (let b = 0; b < B; b++) {
          const u = Float64Array.from({ length: dim }, () => rng.normal());
          const n = Math.hypot(...u) || 1;
          for (let j = 0; j < dim; j++) u[j] /= n;
          us.push(u);
          phi.push(isAdv(Float64Array.from(xb, (v, j) => v + delta * u[j] * sc(j))) ? 1 : -1);
        }
        const mean = phi.reduce((a, v) => a + v, 0) / B;
        const v = new Float64Array(dim);
        us.forEach((u, b) => { for (let j = 0; j < dim; j++) v[j] += (B > 1 && Math.abs(mean) < 1 ? phi[b] - mean : phi[b]) * u[j]; });
        const vn = Math.hypot(...v) || 1;
        let xi = d / Math.sqrt(t);
        let cand = Float64Array.from(xb, (x, j) => x + (xi * v[j] * sc(j)) / vn);
        while (!isAdv(cand) && xi > 1e-12 && used < threat.queries) { xi /= 2; cand = Float64Array.from(xb, (x, j) => x + (xi * v[j] * sc(j)) / vn); }
        if (xi <= 1e-12) break;
        const nb = boundary(cand);
        if (dist(nb) < dist(xb)) xb = nb;
        steps[r] = t;
      }
      const xc = Float64Array.from(xb);
      target.constrain(xc, Float64Array.from(x0), 1, 'nearest', [r]);
      out.set(xc, r * dim);
    }
    return { X: out, steps };
  }
}

export type { AttackTarget };
