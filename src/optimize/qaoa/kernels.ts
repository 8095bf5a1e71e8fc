/**
 * QAOA kernels over a statevector (layout and bit order as in src/sim/kernels.ts: interleaved
 * re/im, q[0] least significant). Every kernel works on an index range [lo, hi) so a team of threads
 * can split one pass. The cost is a minimised function f of the bitstring; the phase layer is
 * e^{+iγ·f} = e^{−iγ·C} with C = −f (Farhi, Goldstone & Gutmann 2014, with C the quantity maximised).
 */

/** a_x ← e^{iγ f(x)} a_x with f(x) = level of idx[x], cos/sin of γ·f per level precomputed. */
export function phaseLevels(s: Float64Array, idx: Uint8Array | Uint16Array, cosT: Float64Array, sinT: Float64Array, lo: number, hi: number): void {
  for (let x = lo; x < hi; x++) {
    const k = idx[x], c = cosT[k], sn = sinT[k], r = s[2 * x], i = s[2 * x + 1];
    s[2 * x] = r * c - i * sn;
    s[2 * x + 1] = i * c + r * sn;
  }
}

/** The same with a value per state (trigonometry per element: the slow path for non-grid costs). */
export function phaseValues(s: Float64Array, values: Float64Array, gamma: number, lo: number, hi: number): void {
  for (let x = lo; x < hi; x++) {
    const t = gamma * values[x], c = Math.cos(t), sn = Math.sin(t), r = s[2 * x], i = s[2 * x + 1];
    s[2 * x] = r * c - i * sn;
    s[2 * x + 1] = i * c + r * sn;
  }
}

/**
 * e^{−iβX} on qubit q, over pair indices [lo, hi) of 2^(n−1): pair j is the index with a zero
 * inserted at bit q, its partner has bit q set. c = cos β, sn = sin β.
 */
export function mixX(s: Float64Array, q: number, c: number, sn: number, lo: number, hi: number): void {
  const stride = 2 ** q, low = stride - 1;
  for (let j = lo; j < hi;) {
    // Runs of consecutive pairs share their high part: walk a run without re-deriving indices.
    const runEnd = Math.min(hi, j - (j & low) + stride);
    let a = 2 * (((j - (j & low)) * 2) + (j & low));
    const end = a + 2 * (runEnd - j), off = 2 * stride;
    j = runEnd;
    for (; a < end; a += 2) {
      const b = a + off;
      const ar = s[a], ai = s[a + 1], br = s[b], bi = s[b + 1];
      s[a] = c * ar + sn * bi;
      s[a + 1] = c * ai - sn * br;
      s[b] = c * br + sn * ai;
      s[b + 1] = c * bi - sn * ar;
    }
  }
}

/**
 * e^{−iβX} on two qubits q1 < q2 at once (one pass instead of two: the four amplitudes of a
 * quadruple are read and written once). Range over quadruple indices [lo, hi) of 2^(n−2).
 */
export function mixX2(s: Float64Array, q1: number, q2: number, c: number, sn: number, lo: number, hi: number): void {
  const s1 = 2 ** q1, s2 = 2 ** q2, m1 = s1 - 1, m2 = s2 / 2 - 1;
  const cc = c * c, ss = sn * sn, cs = c * sn;
  const o1 = 2 * s1, o2 = 2 * s2, o3 = o1 + o2;
  for (let j = lo; j < hi; j++) {
    // Insert zeros at q1, then at q2.
    let x = ((j - (j & m1)) * 2) + (j & m1);
    x = ((x - (x & (2 * m2 + 1))) * 2) + (x & (2 * m2 + 1));
    const a = 2 * x;
    const r0 = s[a], i0 = s[a + 1], r1 = s[a + o1], i1 = s[a + o1 + 1];
    const r2 = s[a + o2], i2 = s[a + o2 + 1], r3 = s[a + o3], i3 = s[a + o3 + 1];
    // (c·I − i·s·X) ⊗ (c·I − i·s·X): diagonal c², single flips −i·c·s, double flip −s².
    s[a] = cc * r0 + cs * (i1 + i2) - ss * r3;
    s[a + 1] = cc * i0 - cs * (r1 + r2) - ss * i3;
    s[a + o1] = cc * r1 + cs * (i0 + i3) - ss * r2;
    s[a + o1 + 1] = cc * i1 - cs * (r0 + r3) - ss * i2;
    s[a + o2] = cc * r2 + cs * (i0 + i3) - ss * r1;
    s[a + o2 + 1] = cc * i2 - cs * (r0 + r3) - ss * i1;
    s[a + o3] = cc * r3 + cs * (i1 + i2) - ss * r0;
    s[a + o3 + 1] = cc * i3 - cs * (r1 + r2) - ss * i0;
  }
}

/** A general 2×2 matrix m (interleaved, textbook order) on qubit q, pair range [lo, hi). */
export function apply2x2(s: Float64Array, q: number, m: Float64Array, lo: number, hi: number): void {
  const stride = 2 ** q, low = stride - 1, off = 2 * stride;
  const m00r = m[0], m00i = m[1], m01r = m[2], m01i = m[3], m10r = m[4], m10i = m[5], m11r = m[6], m11i = m[7];
  for (let j = lo; j < hi; j++) {
    const a = 2 * (((j - (j & low)) * 2) + (j & low)), b = a + off;
    const ar = s[a], ai = s[a + 1], br = s[b], bi = s[b + 1];
    s[a] = m00r * ar - m00i * ai + m01r * br - m01i * bi;
    s[a + 1] = m00r * ai + m00i * ar + m01r * bi + m01i * br;
    s[b] = m10r * ar - m10i * ai + m11r * br - m11i * bi;
    s[b + 1] = m10r * ai + m10i * ar + m11r * bi + m11i * br;
  }
}

/**
 * e^{−iβ(X_aX_b + Y_aY_b)/2} on qubits a ≠ b: it mixes |…0_a1_b…⟩ and |…1_a0_b…⟩ by cos β and −i·sin β
 * and leaves |00⟩, |11⟩ alone (the XY or "hopping" mixer of Hadfield et al. 2019). Range over
 * [lo, hi) of 2^(n−2) indices with both bits cleared.
 */
export function mixXY(s: Float64Array, qa: number, qb: number, c: number, sn: number, lo: number, hi: number): void {
  const p0 = Math.min(qa, qb), p1 = Math.max(qa, qb), ma = 2 ** qa, mb = 2 ** qb;
  const l0 = 2 ** p0 - 1, l1 = 2 ** p1 - 1;
  for (let j = lo; j < hi; j++) {
    let x = ((j - (j & l0)) * 2) + (j & l0);
    x = ((x - (x & l1)) * 2) + (x & l1);
    const a = 2 * (x + ma), b = 2 * (x + mb);
    const ar = s[a], ai = s[a + 1], br = s[b], bi = s[b + 1];
    s[a] = c * ar + sn * bi;
    s[a + 1] = c * ai - sn * br;
    s[b] = c * br + sn * ai;
    s[b + 1] = c * bi - sn * ar;
  }
}

/** Σ_x |a_x|² per level: the distribution of f under the state (levels path). */
export function levelHistogram(s: Float64Array, idx: Uint8Array | Uint16Array, hist: Float64Array, lo: number, hi: number): void {
  for (let x = lo; x < hi; x++) {
    const r = s[2 * x], i = s[2 * x + 1];
    hist[idx[x]] += r * r + i * i;
  }
}

/** Σ_x |a_x|² f(x) (values path). */
export function expectValues(s: Float64Array, values: Float64Array, lo: number, hi: number): number {
  let e = 0;
  for (let x = lo; x < hi; x++) {
    const r = s[2 * x], i = s[2 * x + 1];
    e += (r * r + i * i) * values[x];
  }
  return e;
}

/** Im Σ_x conj(λ_x)·f(x)·ψ_x = Im⟨λ|F|ψ⟩ for a diagonal F. */
export function imInnerDiag(lam: Float64Array, psi: Float64Array, f: (x: number) => number, lo: number, hi: number): number {
  let acc = 0;
  for (let x = lo; x < hi; x++) {
    const lr = lam[2 * x], li = lam[2 * x + 1], pr = psi[2 * x], pi = psi[2 * x + 1];
    acc += f(x) * (lr * pi - li * pr);
  }
  return acc;
}

/** Im⟨λ|X_q|ψ⟩ over pair range [lo, hi). */
export function imInnerX(lam: Float64Array, psi: Float64Array, q: number, lo: number, hi: number): number {
  const stride = 2 ** q, low = stride - 1, off = 2 * stride;
  let acc = 0;
  for (let j = lo; j < hi; j++) {
    const a = 2 * (((j - (j & low)) * 2) + (j & low)), b = a + off;
    // ⟨λ|X|ψ⟩ = Σ conj(λ_a) ψ_b + conj(λ_b) ψ_a
    acc += lam[a] * psi[b + 1] - lam[a + 1] * psi[b] + lam[b] * psi[a + 1] - lam[b + 1] * psi[a];
  }
  return acc;
}

/** Im⟨λ|(X_aX_b + Y_aY_b)/2|ψ⟩: the operator swaps |01⟩ and |10⟩ on (a, b). */
export function imInnerXY(lam: Float64Array, psi: Float64Array, qa: number, qb: number, lo: number, hi: number): number {
  const p0 = Math.min(qa, qb), p1 = Math.max(qa, qb), ma = 2 ** qa, mb = 2 ** qb;
  const l0 = 2 ** p0 - 1, l1 = 2 ** p1 - 1;
  let acc = 0;
  for (let j = lo; j < hi; j++) {
    let x = ((j - (j & l0)) * 2) + (j & l0);
    x = ((x - (x & l1)) * 2) + (x & l1);
    const a = 2 * (x + ma), b = 2 * (x + mb);
    acc += lam[a] * psi[b + 1] - lam[a + 1] * psi[b] + lam[b] * psi[a + 1] - lam[b + 1] * psi[a];
  }
  return acc;
}
