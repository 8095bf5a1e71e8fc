/** Shared pieces of gradient attacks: ascent steps in scaled units, random starts, projection. */
import type { Rng } from '../../core/rng.js';
import type { AttackTarget } from '../target.js';
import { projectBall, type Norm } from '../threat.js';
import { stableCeAscent } from '../constrained.js';

/** X += α · direction(g) per row in scaled units (sign for L∞, unit L2 direction otherwise). */
export function ascend(X: Float64Array, g: Float64Array, rows: number, dim: number, scale: Float64Array | null, alpha: number, norm: Norm): void {
  for (let r = 0; r < rows; r++) {
    const o = r * dim;
    if (norm === 'linf') {
      for (let j = 0; j < dim; j++) X[o + j] += alpha * (scale ? scale[j] : 1) * Math.sign(g[o + j]);
    } else {
      // Gradient w.r.t. scaled coordinates is g·s; step along it with unit scaled length.
      let n2 = 0;
      for (let j = 0; j < dim; j++) { const v = g[o + j] * (scale ? scale[j] : 1); n2 += v * v; }
      const n = Math.sqrt(n2);
      if (n === 0) continue;
      if (norm === 'l0') {
        // Sparse step: move the single coordinate with the largest scaled gradient.
        let best = 0;
        for (let j = 1; j < dim; j++) if (Math.abs(g[o + j] * (scale ? scale[j] : 1)) > Math.abs(g[o + best] * (scale ? scale[best] : 1))) best = j;
        X[o + best] += alpha * (scale ? scale[best] : 1) * Math.sign(g[o + best]) * 10;
        continue;
      }
      for (let j = 0; j < dim; j++) { const s = scale ? scale[j] : 1; X[o + j] += (alpha * s * (g[o + j] * s)) / n; }
    }
  }
}

/**
 * Projects every row onto its ε-ball, then applies the target's domain constraints. Gradient
 * iterates stay continuous (`rounding` 'none'); the runner rounds the final point toward the clean
 * one, and black-box candidates are rounded before they are scored.
 */
export function projectRows(target: AttackTarget, X: Float64Array, X0: Float64Array, rows: number, norm: Norm, eps: number, rounding: 'toward' | 'none' = 'none', rowIdx?: ArrayLike<number>): void {
  for (let r = 0; r < rows; r++) projectBall(X, X0, target.scale, norm, eps, r * target.dim, target.dim);
  target.constrain(X, X0, rows, rounding, rowIdx);
  // Rounding and bounds never enlarge the distance to X0, but re-project in case a derived rule moved a value.
  for (let r = 0; r < rows; r++) projectBall(X, X0, target.scale, norm, eps, r * target.dim, target.dim);
}

/** A uniformly random point of the ε-ball around each row (L∞: uniform box; L2: uniform direction and radius). */
export function randomStart(X0: Float64Array, rows: number, dim: number, scale: Float64Array | null, norm: Norm, eps: number, rng: Rng): Float64Array {
  const X = Float64Array.from(X0);
  for (let r = 0; r < rows; r++) {
    const o = r * dim;
    if (norm === 'linf') for (let j = 0; j < dim; j++) X[o + j] += (rng.next() * 2 - 1) * eps * (scale ? scale[j] : 1);
    else if (norm === 'l2') {
      const v = Float64Array.from({ length: dim }, () => rng.normal());
      const n = Math.hypot(...v) || 1, rad = eps * rng.next() ** (1 / dim);
      for (let j = 0; j < dim; j++) X[o + j] += (v[j] / n) * rad * (scale ? scale[j] : 1);
    } else {
      for (let k = 0; k < Math.floor(eps); k++) { const j = rng.int(dim); X[o + j] += rng.normal() * (scale ? scale[j] : 1); }
    }
  }
  return X;
}

/**
 * Ascent direction of the untargeted cross-entropy, −∇ log p_y; where the softmax has saturated (the
 * gradient is exactly zero) the logit-margin gradient stands in (see constrained.ts).
 */
export function ceAscent(target: AttackTarget, X: Float64Array, rows: number, y: Int32Array, eot: number): Float64Array {
  return stableCeAscent(target, X, rows, y, eot);
}

/**
 * Cross-entropy of each row, as log(1 + Σ_{k≠y} p_k / p_y) so it stays positive and ordered for
 * confident rows whose p_y rounds to 1 (−log p_y would be exactly 0 there).
 */
export function rowLosses(p: Float64Array, y: Int32Array, rows: number, C: number): Float64Array {
  return Float64Array.from({ length: rows }, (_, r) => {
    let o = 0;
    for (let c = 0; c < C; c++) if (c !== y[r]) o += p[r * C + c];
    return Math.log1p(o / Math.max(p[r * C + y[r]], 1e-300));
  });
}
