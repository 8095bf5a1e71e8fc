/**
 * The SVM dual solved by SMO with second-order working-set selection (Platt 1998; Fan, Chen & Lin,
 * JMLR 6, 2005, as in LIBSVM), on a precomputed kernel matrix, with a per-sample box C_i (class
 * weighting); and Platt scaling of decision values into probabilities (Platt 1999, with the
 * Newton method of Lin, Lin & Weng 2007).
 */

export interface SmoResult {
  /** α_i · y_i for every training row. */
  coef: Float64Array;
  /** Decision f(x) = Σ coef_i K(x_i, x) + bias. */
  bias: number;
  iterations: number;
}

/**
 * Binary SVM dual: min ½ αᵀQα − Σα, Q_ij = y_i y_j K_ij, 0 ≤ α_i ≤ C_i, Σ y_i α_i = 0.
 * K is n × n row-major, y ∈ {−1, +1}.
 */
export function smo(K: Float64Array, n: number, y: Float64Array, C: Float64Array, eps = 1e-3, maxIter = 100000): SmoResult {
  const alpha = new Float64Array(n);
  const G = new Float64Array(n).fill(-1);
  let iter = 0;
  for (; iter < maxIter; iter++) {
    let Gmax = -Infinity, i = -1;
    for (let t = 0; t < n; t++) {
      if (y[t] > 0) { if (alpha[t] < C[t] && -G[t] >= Gmax) { Gmax = -G[t]; i = t; } } else if (alpha[t] > 0 && G[t] >= Gmax) { Gmax = G[t]; i = t; }
    }
    if (i < 0) break;
    let Gmax2 = -Infinity, j = -1, best = Infinity;
    const Kii = K[i * n + i];
    for (let t = 0; t < n; t++) {
      let gd: number;
      if (y[t] > 0) {
        if (!(alpha[t] > 0)) continue;
        gd = Gmax + G[t];
        if (G[t] >= Gmax2) Gmax2 = G[t];
      } else {
        if (!(alpha[t] < C[t])) continue;
        gd = Gmax - G[t];
        if (-G[t] >= Gmax2) Gmax2 = -G[t];
      }
      if (gd > 0) {
        let quad = Kii + K[t * n + t] - 2 * K[i * n + t];
        if (quad <= 0) quad = 1e-12;
        const obj = -(gd * gd) / quad;
        if (obj <= best) { best = obj; j = t; }
      }
    }
    if (Gmax + Gmax2 < eps || j < 0) break;
    const ai = alpha[i], aj = alpha[j], Ci = C[i], Cj = C[j];
    let quad = Kii + K[j * n + j] - 2 * K[i * n + j];
    if (quad <= 0) quad = 1e-12;
    if (y[i] !== y[j]) {
      const delta = (-G[i] - G[j]) / quad, diff = ai - aj;
      let ni = ai + delta, nj = aj + delta;
      if (diff > 0) { if (nj < 0) { nj = 0; ni = diff; } } else if (ni < 0) { ni = 0; nj = -diff; }
      if (diff > Ci - Cj) { if (ni > Ci) { ni = Ci; nj = Ci - diff; } } else if (nj > Cj) { nj = Cj; ni = Cj + diff; }
      alpha[i] = ni; alpha[j] = nj;
    } else {
      const delta = (G[i] - G[j]) / quad, s = ai + aj;
      let ni = ai - delta, nj = aj + delta;
      if (s > Ci) { if (ni > Ci) { ni = Ci; nj = s - Ci; } } else if (nj < 0) { nj = 0; ni = s; }
      if (s > Cj) { if (nj > Cj) { nj = Cj; ni = s - Cj; } } else if (ni < 0) { ni = 0; nj = s; }
      alpha[i] = ni; alpha[j] = nj;
    }
    const dai = alpha[i] - ai, daj = alpha[j] - aj;
    for (let t = 0; t < n; t++) G[t] += y[t] * (y[i] * K[i * n + t] * dai + y[j] * K[j * n + t] * daj);
  }
  // ρ from the free vectors (or the middle of the feasible interval), f(x) = Σ α y K − ρ.
  let nFree = 0, sumFree = 0, ub = Infinity, lb = -Infinity;
  for (let t = 0; t < n; t++) {
    const yG = y[t] * G[t];
    if (alpha[t] >= C[t]) { if (y[t] < 0) ub = Math.min(ub, yG); else lb = Math.max(lb, yG); }
    else if (alpha[t] <= 0) { if (y[t] > 0) ub = Math.min(ub, yG); else lb = Math.max(lb, yG); }
    else { nFree++; sumFree += yG; }
  }
  const rho = nFree > 0 ? sumFree / nFree : (ub + lb) / 2;
  const coef = Float64Array.from(alpha, (a, t) => a * y[t]);
  return { coef, bias: -(Number.isFinite(rho) ? rho : 0), iterations: iter };
}

/** Platt scaling: P(y = 1 | f) = 1 / (1 + exp(A f + B)), fitted by Newton's method with backtracking. */
export function plattScale(f: Float64Array, y: Float64Array): { A: number; B: number } {
  const n = f.length;
  let prior1 = 0;
  for (const v of y) if (v > 0) prior1++;
  const prior0 = n - prior1;
  const hi = (prior1 + 1) / (prior1 + 2), lo = 1 / (prior0 + 2);
  const t = Float64Array.from(y, (v) => (v > 0 ? hi : lo));
  let A = 0, B = Math.log((prior0 + 1) / (prior1 + 1));
  const fval = (a: number, b: number) => {
    let s = 0;
    for (let i = 0; i < n; i++) {
      const z = f[i] * a + b;
      s += z >= 0 ? t[i] * z + Math.log1p(Math.exp(-z)) : (t[i] - 1) * z + Math.log1p(Math.exp(z));
    }
    return s;
  };
  let cur = fval(A, B);
  for (let it = 0; it < 100; it++) {
    let h11 = 1e-12, h22 = 1e-12, h21 = 0, g1 = 0, g2 = 0;
    for (let i = 0; i < n; i++) {
      const z = f[i] * A + B;
      const p = z >= 0 ? Math.exp(-z) / (1 + Math.exp(-z)) : 1 / (1 + Math.exp(z));
      const q = 1 - p, d2 = p * q, d1 = t[i] - p;
      h11 += f[i] * f[i] * d2; h22 += d2; h21 += f[i] * d2;
      g1 += f[i] * d1; g2 += d1;
    }
    if (Math.abs(g1) < 1e-7 && Math.abs(g2) < 1e-7) break;
    const det = h11 * h22 - h21 * h21;
    const dA = -(h22 * g1 - h21 * g2) / det, dB = -(-h21 * g1 + h11 * g2) / det;
    const gd = g1 * dA + g2 * dB;
    let step = 1;
    while (step >= 1e-10) {
      const nv = fval(A + step * dA, B + step * dB);
      if (nv < cur + 1e-4 * step * gd) { A += step * dA; B += step * dB; cur = nv; break; }
      step /= 2;
    }
    if (step < 1e-10) break;
  }
  return { A, B };
}

export function plattProb(f: number, A: number, B: number): number {
  const z = f * A + B;
  return z >= 0 ? Math.exp(-z) / (1 + Math.exp(-z)) : 1 / (1 + Math.exp(z));
}
