/**
 * State kernels on Float64Array storage.
 *
 * Conventions, stated once for every kernel here:
 * - A state of n qubits is 2^n complex amplitudes, interleaved: s[2i] = Re a_i, s[2i+1] = Im a_i.
 * - Bit order is little-endian: in index i = Σ b_k 2^k, b_k is qubit k (q[0] least significant),
 *   so the bitstring "110" (q[0] rightmost) is index 6, as in Qiskit.
 * - Gate matrices are in textbook order (see gates.ts): the gate's first wire is the most
 *   significant bit of the local index.
 * - `cmask` is the OR of control bits: the gate acts only where every control bit is 1.
 *
 * Every specialised kernel is tested against `applyDense`, the plain dense product.
 * Kernels never allocate: scratch space is passed in or preallocated per call site.
 */
import { QmlError } from '../core/errors.js';

/**
 * One-qubit kernels work on a range [lo, hi) of PAIR indices, so worker threads can split one gate
 * between cores. Uncontrolled: pair j ∈ [0, 2^(n−1)) is the index with a 0 inserted at bit q, and
 * its partner has bit q set. Controlled (cmask ≠ 0): only the control subspace is enumerated,
 * pair j ∈ [0, 2^(n−1−c)) for c controls, with zeros inserted at the target and control bits and
 * the control bits then set, so a CNOT reads and writes half the state, not all of it.
 */

/** Number of pairs a one-qubit kernel visits: the full range for the range kernels. */
export function pairCount(n: number, cmask: number): number {
  return (1 << (n - 1 - popcount(cmask))) >>> 0;
}

export function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

// Sorted bit positions of target and controls, for enumerating the control subspace.
const POS = new Int32Array(32);

function sortPositions(q: number, cmask: number): number {
  let k = 0;
  // Lowest set bit first: m & −m isolates it, clz32 turns it into its position.
  for (let m = cmask | (1 << q); m !== 0; m &= m - 1) POS[k++] = 31 - Math.clz32(m & -m);
  return k;
}

/** Pair j of the control subspace: zeros inserted at the k sorted positions. */
function insertZeros(j: number, k: number): number {
  if (k === 2) {
    // The common case (one control): two insertions, written out.
    const p0 = POS[0], p1 = POS[1];
    j = ((j >>> p0) << (p0 + 1)) | (j & ((1 << p0) - 1));
    return ((j >>> p1) << (p1 + 1)) | (j & ((1 << p1) - 1));
  }
  for (let t = 0; t < k; t++) {
    const p = POS[t];
    j = ((j >>> p) << (p + 1)) | (j & ((1 << p) - 1));
  }
  return j;
}

/** General 2x2 matrix on qubit q. */
export function apply1(s: Float64Array, n: number, q: number, m: Float64Array, cmask: number): void {
  apply1Range(s, q, m, cmask, 0, pairCount(n, cmask));
}

export function apply1Range(s: Float64Array, q: number, m: Float64Array, cmask: number, lo: number, hi: number): void {
  const m00r = m[0], m00i = m[1], m01r = m[2], m01i = m[3];
  const m10r = m[4], m10i = m[5], m11r = m[6], m11i = m[7];
  const stride = 2 ** q, low = stride - 1, off = 2 * stride;
  if (cmask !== 0) {
    const k = sortPositions(q, cmask), run = 2 ** POS[0];
    for (let j = lo; j < hi;) {
      const count = Math.min(hi - j, run - (j & (run - 1)));
      let a = 2 * (insertZeros(j, k) | cmask);
      const aEnd = a + 2 * count;
      j += count;
      for (; a < aEnd; a += 2) {
        const b = a + off;
        const ar = s[a], ai = s[a + 1], br = s[b], bi = s[b + 1];
        s[a] = m00r * ar - m00i * ai + m01r * br - m01i * bi;
        s[a + 1] = m00r * ai + m00i * ar + m01r * bi + m01i * br;
        s[b] = m10r * ar - m10i * ai + m11r * br - m11i * bi;
        s[b + 1] = m10r * ai + m10i * ar + m11r * bi + m11i * br;
      }
    }
    return;
  }
  const real = m00i === 0 && m01i === 0 && m10i === 0 && m11i === 0;
  if (q < 4) {
    // Short blocks: compute each pair's index directly instead of looping over blocks.
    if (real) {
      for (let j = lo; j < hi; j++) {
        const a = 2 * (((j >>> q) << (q + 1)) | (j & low)), b = a + off;
        const ar = s[a], ai = s[a + 1], br = s[b], bi = s[b + 1];
        s[a] = m00r * ar + m01r * br; s[a + 1] = m00r * ai + m01r * bi;
        s[b] = m10r * ar + m11r * br; s[b + 1] = m10r * ai + m11r * bi;
      }
      return;
    }
    for (let j = lo; j < hi; j++) {
      const a = 2 * (((j >>> q) << (q + 1)) | (j & low)), b = a + off;
      const ar = s[a], ai = s[a + 1], br = s[b], bi = s[b + 1];
      s[a] = m00r * ar - m00i * ai + m01r * br - m01i * bi;
      s[a + 1] = m00r * ai + m00i * ar + m01r * bi + m01i * br;
      s[b] = m10r * ar - m10i * ai + m11r * br - m11i * bi;
      s[b + 1] = m10r * ai + m10i * ar + m11r * bi + m11i * br;
    }
    return;
  }
  let j = lo;
  while (j < hi) {
    const inBlock = j & low;
    const count = Math.min(hi - j, stride - inBlock);
    let a = 2 * (Math.floor(j / stride) * 2 * stride + inBlock);
    const aEnd = a + 2 * count;
    j += count;
    if (real) {
      for (; a < aEnd; a += 2) {
        const b = a + off;
        const ar = s[a], ai = s[a + 1], br = s[b], bi = s[b + 1];
        s[a] = m00r * ar + m01r * br; s[a + 1] = m00r * ai + m01r * bi;
        s[b] = m10r * ar + m11r * br; s[b + 1] = m10r * ai + m11r * bi;
      }
    } else {
      for (; a < aEnd; a += 2) {
        const b = a + off;
        const ar = s[a], ai = s[a + 1], br = s[b], bi = s[b + 1];
        s[a] = m00r * ar - m00i * ai + m01r * br - m01i * bi;
        s[a + 1] = m00r * ai + m00i * ar + m01r * bi + m01i * br;
        s[b] = m10r * ar - m10i * ai + m11r * br - m11i * bi;
        s[b + 1] = m10r * ai + m10i * ar + m11r * bi + m11i * br;
      }
    }
  }
}

/** Diagonal 2x2 (d0, d1) on qubit q: one multiply per amplitude. */
export function applyDiag1(s: Float64Array, n: number, q: number, d0r: number, d0i: number, d1r: number, d1i: number, cmask: number): void {
  applyDiag1Range(s, q, d0r, d0i, d1r, d1i, cmask, 0, pairCount(n, cmask));
}

export function applyDiag1Range(s: Float64Array, q: number, d0r: number, d0i: number, d1r: number, d1i: number, cmask: number, lo: number, hi: number): void {
  const stride = 2 ** q, low = stride - 1, off = 2 * stride;
  // Phase gates (d0 = 1) touch only the |1⟩ half: half the memory traffic.
  const phaseOnly = d0r === 1 && d0i === 0;
  const k = cmask !== 0 ? sortPositions(q, cmask) : 0, run = cmask !== 0 ? 2 ** POS[0] : 0;
  for (let j = lo; j < hi;) {
    let a: number, aEnd: number;
    if (cmask !== 0) {
      const count = Math.min(hi - j, run - (j & (run - 1)));
      a = 2 * (insertZeros(j, k) | cmask);
      aEnd = a + 2 * count;
      j += count;
    } else {
      const inBlock = j & low, count = Math.min(hi - j, stride - inBlock);
      a = 2 * (Math.floor(j / stride) * 2 * stride + inBlock);
      aEnd = a + 2 * count;
      j += count;
    }
    for (; a < aEnd; a += 2) {
      const b = a + off;
      if (!phaseOnly) {
        const r = s[a], im = s[a + 1];
        s[a] = d0r * r - d0i * im;
        s[a + 1] = d0r * im + d0i * r;
      }
      const r = s[b], im = s[b + 1];
      s[b] = d1r * r - d1i * im;
      s[b + 1] = d1r * im + d1i * r;
    }
  }
}

/** Pauli X on qubit q (CX, CCX, ... with controls): a swap of amplitude pairs. */
export function applyX(s: Float64Array, n: number, q: number, cmask: number): void {
  applyXRange(s, q, cmask, 0, pairCount(n, cmask));
}

export function applyXRange(s: Float64Array, q: number, cmask: number, lo: number, hi: number): void {
  const stride = 2 ** q, low = stride - 1, off = 2 * stride;
  if (cmask !== 0) {
    // Runs of consecutive indices below the lowest target/control bit are contiguous in memory.
    const k = sortPositions(q, cmask), run = 2 ** POS[0];
    if (k === 2 && run === 1) {
      const p1 = POS[1], m1 = (1 << p1) - 1;
      for (let j = lo; j < hi; j++) {
        const j1 = j << 1;
        const a = 2 * ((((j1 >>> p1) << (p1 + 1)) | (j1 & m1)) | cmask), b = a + off;
        const r = s[a], im = s[a + 1];
        s[a] = s[b]; s[a + 1] = s[b + 1];
        s[b] = r; s[b + 1] = im;
      }
      return;
    }
    for (let j = lo; j < hi;) {
      const count = Math.min(hi - j, run - (j & (run - 1)));
      let a = 2 * (insertZeros(j, k) | cmask);
      const aEnd = a + 2 * count;
      j += count;
      for (; a < aEnd; a += 2) {
        const b = a + off;
        const r = s[a], im = s[a + 1];
        s[a] = s[b]; s[a + 1] = s[b + 1];
        s[b] = r; s[b + 1] = im;
      }
    }
    return;
  }
  let j = lo;
  while (j < hi) {
    const inBlock = j & low;
    const count = Math.min(hi - j, stride - inBlock);
    let a = 2 * (Math.floor(j / stride) * 2 * stride + inBlock);
    const aEnd = a + 2 * count;
    j += count;
    for (; a < aEnd; a += 2) {
      const b = a + off;
      const r = s[a], im = s[a + 1];
      s[a] = s[b]; s[a + 1] = s[b + 1];
      s[b] = r; s[b + 1] = im;
    }
  }
}

/** SWAP of qubits q0 and q1. */
export function applySwap(s: Float64Array, n: number, q0: number, q1: number, cmask: number): void {
  const N = 2 ** n, b0 = 2 ** q0, b1 = 2 ** q1;
  for (let i = 0; i < N; i++) {
    // Visit each pair once, from the side where q0 = 1 and q1 = 0.
    if ((i & b0) === 0 || (i & b1) !== 0) continue;
    if (cmask !== 0 && (i & cmask) !== cmask) continue;
    const a = 2 * i, b = 2 * (i - b0 + b1);
    const r = s[a], im = s[a + 1];
    s[a] = s[b]; s[a + 1] = s[b + 1];
    s[b] = r; s[b + 1] = im;
  }
}

/** General 4x4 on wires (q0, q1); q0 is the most significant bit of the local index. */
export function apply2(s: Float64Array, n: number, q0: number, q1: number, m: Float64Array, cmask: number): void {
  const N = 2 ** n, b0 = 2 ** q0, b1 = 2 ** q1;
  for (let i = 0; i < N; i++) {
    if ((i & b0) !== 0 || (i & b1) !== 0) continue;
    if (cmask !== 0 && (i & cmask) !== cmask) continue;
    const i0 = 2 * i, i1 = 2 * (i + b1), i2 = 2 * (i + b0), i3 = 2 * (i + b0 + b1);
    const x0r = s[i0], x0i = s[i0 + 1], x1r = s[i1], x1i = s[i1 + 1];
    const x2r = s[i2], x2i = s[i2 + 1], x3r = s[i3], x3i = s[i3 + 1];
    for (let r = 0; r < 4; r++) {
      const o = 8 * r;
      const yr = m[o] * x0r - m[o + 1] * x0i + m[o + 2] * x1r - m[o + 3] * x1i
        + m[o + 4] * x2r - m[o + 5] * x2i + m[o + 6] * x3r - m[o + 7] * x3i;
      const yi = m[o] * x0i + m[o + 1] * x0r + m[o + 2] * x1i + m[o + 3] * x1r
        + m[o + 4] * x2i + m[o + 5] * x2r + m[o + 6] * x3i + m[o + 7] * x3r;
      const dst = r === 0 ? i0 : r === 1 ? i1 : r === 2 ? i2 : i3;
      s[dst] = yr; s[dst + 1] = yi;
    }
  }
}

/** Offsets of the 2^k local basis states for wires (wires[0] most significant) from a base index. */
export function localOffsets(wires: ArrayLike<number>, out: Int32Array): void {
  const k = wires.length, D = 1 << k;
  for (let l = 0; l < D; l++) {
    let off = 0;
    for (let j = 0; j < k; j++) if (l & (1 << (k - 1 - j))) off += 2 ** wires[j];
    out[l] = off;
  }
}

/** Scratch for applyDense: offsets and one gathered local vector. */
export class DenseScratch {
  readonly offsets: Int32Array;
  readonly vec: Float64Array;
  constructor(k: number) {
    this.offsets = new Int32Array(1 << k);
    this.vec = new Float64Array(2 << k);
  }
}

/**
 * The plain, obviously right kernel: any 2^k x 2^k matrix (not necessarily unitary, so it also
 * applies Kraus operators and superoperators) on any wires. The oracle for every fast kernel.
 */
export function applyDense(s: Float64Array, n: number, wires: ArrayLike<number>, m: Float64Array, cmask: number, scratch?: DenseScratch): void {
  const k = wires.length, D = 1 << k, N = 2 ** n;
  const sc = scratch ?? new DenseScratch(k);
  const off = sc.offsets, v = sc.vec;
  localOffsets(wires, off);
  let wmask = 0;
  for (let j = 0; j < k; j++) wmask |= 2 ** wires[j];
  for (let base = 0; base < N; base++) {
    if ((base & wmask) !== 0) continue;
    if (cmask !== 0 && (base & cmask) !== cmask) continue;
    for (let l = 0; l < D; l++) {
      const a = 2 * (base + off[l]);
      v[2 * l] = s[a]; v[2 * l + 1] = s[a + 1];
    }
    for (let r = 0; r < D; r++) {
      let yr = 0, yi = 0;
      const row = 2 * r * D;
      for (let c = 0; c < D; c++) {
        const mr = m[row + 2 * c], mi = m[row + 2 * c + 1];
        const xr = v[2 * c], xi = v[2 * c + 1];
        yr += mr * xr - mi * xi;
        yi += mr * xi + mi * xr;
      }
      const a = 2 * (base + off[r]);
      s[a] = yr; s[a + 1] = yi;
    }
  }
}

/** Diagonal on k wires: amplitude with local index l is multiplied by d[l]. */
export function applyDiagK(s: Float64Array, n: number, wires: ArrayLike<number>, d: Float64Array, cmask: number): void {
  const k = wires.length, N = 2 ** n;
  for (let i = 0; i < N; i++) {
    if (cmask !== 0 && (i & cmask) !== cmask) continue;
    let l = 0;
    for (let j = 0; j < k; j++) l = (l << 1) | ((i / 2 ** wires[j]) & 1);
    const a = 2 * i, r = s[a], im = s[a + 1], dr = d[2 * l], di = d[2 * l + 1];
    s[a] = dr * r - di * im;
    s[a + 1] = dr * im + di * r;
  }
}

/** Parity of the set bits of a 32-bit integer. */
export function parity(x: number): number {
  x ^= x >>> 16; x ^= x >>> 8; x ^= x >>> 4; x ^= x >>> 2; x ^= x >>> 1;
  return x & 1;
}

/**
 * ⟨ψ|P|ψ⟩ for a Pauli string given by masks: xmask marks X or Y, zmask marks Z or Y, nY counts Y.
 * P|i⟩ = i^nY (−1)^{popcount(i & zmask)} |i ⊕ xmask⟩ because Y = iXZ.
 */
export function pauliExpectation(s: Float64Array, n: number, xmask: number, zmask: number, nY: number): number {
  const N = 2 ** n;
  let re = 0, im = 0;
  for (let i = 0; i < N; i++) {
    const j = i ^ xmask;
    const ar = s[2 * i], ai = s[2 * i + 1], br = s[2 * j], bi = s[2 * j + 1];
    // conj(b) * a
    const pr = br * ar + bi * ai, pi = br * ai - bi * ar;
    if (parity(i & zmask)) { re -= pr; im -= pi; } else { re += pr; im += pi; }
  }
  switch (nY & 3) {
    case 0: return re;
    case 1: return -im;
    case 2: return -re;
    default: return im;
  }
}

/** out += coeff · P ψ, for building O|ψ⟩ in adjoint differentiation. */
export function addPauliApplied(out: Float64Array, s: Float64Array, n: number, xmask: number, zmask: number, nY: number, coeff: number): void {
  const N = 2 ** n;
  // i^nY · coeff as a complex factor.
  const k = nY & 3;
  const fr = k === 0 ? coeff : k === 2 ? -coeff : 0;
  const fi = k === 1 ? coeff : k === 3 ? -coeff : 0;
  for (let i = 0; i < N; i++) {
    const j = i ^ xmask;
    const sg = parity(i & zmask) ? -1 : 1;
    const ar = sg * s[2 * i], ai = sg * s[2 * i + 1];
    out[2 * j] += fr * ar - fi * ai;
    out[2 * j + 1] += fr * ai + fi * ar;
  }
}

/** |a_i|² for every basis state, written into out (length 2^n). */
export function probabilitiesInto(s: Float64Array, n: number, out: Float64Array): void {
  const N = 2 ** n;
  for (let i = 0; i < N; i++) out[i] = s[2 * i] * s[2 * i] + s[2 * i + 1] * s[2 * i + 1];
}

/** ⟨a|b⟩ as [re, im]. */
export function innerProduct(a: Float64Array, b: Float64Array): [number, number] {
  let re = 0, im = 0;
  for (let i = 0; i < a.length; i += 2) {
    re += a[i] * b[i] + a[i + 1] * b[i + 1];
    im += a[i] * b[i + 1] - a[i + 1] * b[i];
  }
  return [re, im];
}

/** Σ |a_i|². */
export function normSquared(s: Float64Array): number {
  let t = 0;
  for (let i = 0; i < s.length; i++) t += s[i] * s[i];
  return t;
}

/** Reduced density matrix (2^k x 2^k, interleaved) of the given wires of a pure state. */
export function reducedDensity(s: Float64Array, n: number, wires: ArrayLike<number>, out: Float64Array, scratch: DenseScratch): void {
  const k = wires.length, D = 1 << k, N = 2 ** n;
  const off = scratch.offsets;
  localOffsets(wires, off);
  let wmask = 0;
  for (let j = 0; j < k; j++) wmask |= 2 ** wires[j];
  out.fill(0);
  for (let base = 0; base < N; base++) {
    if ((base & wmask) !== 0) continue;
    for (let r = 0; r < D; r++) {
      const a = 2 * (base + off[r]), ar = s[a], ai = s[a + 1];
      if (ar === 0 && ai === 0) continue;
      for (let c = 0; c < D; c++) {
        const b = 2 * (base + off[c]), br = s[b], bi = s[b + 1];
        // a_r · conj(a_c)
        out[2 * (r * D + c)] += ar * br + ai * bi;
        out[2 * (r * D + c) + 1] += ai * br - ar * bi;
      }
    }
  }
}

/**
 * One backward step of adjoint differentiation for a one-qubit gate, fused into a single pass:
 * ψ ← U†ψ, acc_j += ⟨λ| D_j |ψ⟩ for each derivative matrix D_j (on the control subspace only),
 * λ ← U†λ. `acc` holds (re, im) per derivative.
 */
export function adjointStep1(
  psi: Float64Array, lam: Float64Array, n: number, q: number, ud: Float64Array,
  ds: Float64Array[], nd: number, acc: Float64Array, cmask: number,
): void {
  const N = 2 ** n, stride = 2 ** q, step = 2 * stride;
  const u00r = ud[0], u00i = ud[1], u01r = ud[2], u01i = ud[3], u10r = ud[4], u10i = ud[5], u11r = ud[6], u11i = ud[7];
  for (let j = 0; j < 2 * nd; j++) acc[j] = 0;
  let real = cmask === 0 && u00i === 0 && u01i === 0 && u10i === 0 && u11i === 0;
  for (let j = 0; j < nd && real; j++) real = ds[j][1] === 0 && ds[j][3] === 0 && ds[j][5] === 0 && ds[j][7] === 0;
  if (real) {
    // Real rotations (RY) and their derivatives: a quarter of the multiplications.
    for (let base = 0; base < N; base += step) {
      const end = 2 * (base + stride);
      for (let a = 2 * base; a < end; a += 2) {
        const b = a + 2 * stride;
        const ar = psi[a], ai = psi[a + 1], br = psi[b], bi = psi[b + 1];
        const f0r = u00r * ar + u01r * br, f0i = u00r * ai + u01r * bi;
        const f1r = u10r * ar + u11r * br, f1i = u10r * ai + u11r * bi;
        psi[a] = f0r; psi[a + 1] = f0i; psi[b] = f1r; psi[b + 1] = f1i;
        const lar = lam[a], lai = lam[a + 1], lbr = lam[b], lbi = lam[b + 1];
        for (let j = 0; j < nd; j++) {
          const d = ds[j];
          const d0r = d[0] * f0r + d[2] * f1r, d0i = d[0] * f0i + d[2] * f1i;
          const d1r = d[4] * f0r + d[6] * f1r, d1i = d[4] * f0i + d[6] * f1i;
          acc[2 * j] += lar * d0r + lai * d0i + lbr * d1r + lbi * d1i;
        }
        lam[a] = u00r * lar + u01r * lbr; lam[a + 1] = u00r * lai + u01r * lbi;
        lam[b] = u10r * lar + u11r * lbr; lam[b + 1] = u10r * lai + u11r * lbi;
      }
    }
    return;
  }
  for (let base = 0; base < N; base += step) {
    const end = base + stride;
    for (let i = base; i < end; i++) {
      if (cmask !== 0 && (i & cmask) !== cmask) continue;
      const a = 2 * i, b = a + 2 * stride;
      const ar = psi[a], ai = psi[a + 1], br = psi[b], bi = psi[b + 1];
      const f0r = u00r * ar - u00i * ai + u01r * br - u01i * bi;
      const f0i = u00r * ai + u00i * ar + u01r * bi + u01i * br;
      const f1r = u10r * ar - u10i * ai + u11r * br - u11i * bi;
      const f1i = u10r * ai + u10i * ar + u11r * bi + u11i * br;
      psi[a] = f0r; psi[a + 1] = f0i; psi[b] = f1r; psi[b + 1] = f1i;
      const lar = lam[a], lai = lam[a + 1], lbr = lam[b], lbi = lam[b + 1];
      for (let j = 0; j < nd; j++) {
        const d = ds[j];
        const d0r = d[0] * f0r - d[1] * f0i + d[2] * f1r - d[3] * f1i;
        const d0i = d[0] * f0i + d[1] * f0r + d[2] * f1i + d[3] * f1r;
        const d1r = d[4] * f0r - d[5] * f0i + d[6] * f1r - d[7] * f1i;
        const d1i = d[4] * f0i + d[5] * f0r + d[6] * f1i + d[7] * f1r;
        // conj(λa)·d0 + conj(λb)·d1
        acc[2 * j] += lar * d0r + lai * d0i + lbr * d1r + lbi * d1i;
        acc[2 * j + 1] += lar * d0i - lai * d0r + lbr * d1i - lbi * d1r;
      }
      lam[a] = u00r * lar - u00i * lai + u01r * lbr - u01i * lbi;
      lam[a + 1] = u00r * lai + u00i * lar + u01r * lbi + u01i * lbr;
      lam[b] = u10r * lar - u10i * lai + u11r * lbr - u11i * lbi;
      lam[b + 1] = u10r * lai + u10i * lar + u11r * lbi + u11i * lbr;
    }
  }
}

/** ⟨λ| D |φ⟩ for a k-qubit matrix D applied on the control subspace only (zero elsewhere). */
export function derivativeInner(
  lam: Float64Array, phi: Float64Array, n: number, wires: ArrayLike<number>, d: Float64Array, cmask: number, scratch: DenseScratch,
): [number, number] {
  const k = wires.length, D = 1 << k, N = 2 ** n;
  const off = scratch.offsets;
  localOffsets(wires, off);
  let wmask = 0;
  for (let j = 0; j < k; j++) wmask |= 2 ** wires[j];
  let re = 0, im = 0;
  for (let base = 0; base < N; base++) {
    if ((base & wmask) !== 0) continue;
    if (cmask !== 0 && (base & cmask) !== cmask) continue;
    for (let r = 0; r < D; r++) {
      let yr = 0, yi = 0;
      for (let c = 0; c < D; c++) {
        const mr = d[2 * (r * D + c)], mi = d[2 * (r * D + c) + 1];
        if (mr === 0 && mi === 0) continue;
        const x = 2 * (base + off[c]);
        yr += mr * phi[x] - mi * phi[x + 1];
        yi += mr * phi[x + 1] + mi * phi[x];
      }
      const l = 2 * (base + off[r]);
      re += lam[l] * yr + lam[l + 1] * yi;
      im += lam[l] * yi - lam[l + 1] * yr;
    }
  }
  return [re, im];
}

/**
 * Marginal distribution of `wires` from a full probability vector: out[l] sums p[i] over every i
 * whose bits on wires give l, with wires[0] the least significant bit of l (so the marginal of
 * [0, 1, ..., n−1] is the distribution itself).
 */
export function marginalInto(p: ArrayLike<number>, wires: ArrayLike<number>, out: Float64Array): Float64Array {
  out.fill(0);
  const k = wires.length;
  for (let i = 0; i < p.length; i++) {
    let l = 0;
    for (let j = 0; j < k; j++) l |= ((i / 2 ** wires[j]) & 1) << j;
    out[l] += p[i];
  }
  return out;
}

/** The marginal over `wires` of an n-qubit distribution, with the wires checked. */
export function marginalOf(p: ArrayLike<number>, n: number, wires: number[]): Float64Array {
  for (const w of wires) if (!Number.isInteger(w) || w < 0 || w >= n) throw new QmlError(`qubit ${w} is out of range for ${n} qubits`);
  if (new Set(wires).size !== wires.length) throw new QmlError('marginal wires must be distinct');
  return marginalInto(p, wires, new Float64Array(2 ** wires.length));
}
