/**
 * Density-matrix kernels. ρ is stored vectorised as a 2n-qubit state (entry (r, c) at index
 * r + c·2^n, src/sim/density.ts), so a one-qubit gate U followed by one-qubit channels on the same
 * wire is one 4x4 superoperator on the wire pair (q, q + n): composed on the TypeScript side, it
 * costs one pass over ρ instead of one pass per gate, per conj(gate) and per channel. The noise
 * superoperators of the usual channels (depolarising, amplitude and phase damping, Pauli) and of
 * real gates (RY, H, CNOT) are real, so the real 4x4 kernel here does a quarter of the complex
 * kernel's multiplies. Joint depolarising on several wires has its own one-pass kernel.
 */

import { expand } from './common';

/** Σ_c m[r][c]·x_c for one row r of a real 4x4 matrix stored complex-interleaved at `m` (imaginary parts ignored). */
@inline function row4Real(m: usize, x0: v128, x1: v128, x2: v128, x3: v128): v128 {
  const a = f64x2.add(f64x2.mul(v128.load64_splat(m), x0), f64x2.mul(v128.load64_splat(m, 16), x1));
  const b = f64x2.add(f64x2.mul(v128.load64_splat(m, 32), x2), f64x2.mul(v128.load64_splat(m, 48), x3));
  return f64x2.add(a, b);
}

@inline function quadReal(a: usize, o1: usize, o2: usize, o3: usize, m: usize): void {
  const x0 = v128.load(a), x1 = v128.load(a + o1), x2 = v128.load(a + o2), x3 = v128.load(a + o3);
  v128.store(a, row4Real(m, x0, x1, x2, x3));
  v128.store(a + o1, row4Real(m + 64, x0, x1, x2, x3));
  v128.store(a + o2, row4Real(m + 128, x0, x1, x2, x3));
  v128.store(a + o3, row4Real(m + 192, x0, x1, x2, x3));
}

/**
 * A real 4x4 matrix (stored as the complex kernels store it, 32 f64 at byte address m, imaginary
 * parts ignored) on wires (q0, q1) under cmask, quads [lo, hi); q0 is the most significant bit of
 * the local index. Same enumeration as kernel2 in common.ts.
 */
export function apply2Real(ptr: usize, q0: i32, q1: i32, cmask: u32, lo: u32, hi: u32, m: usize): void {
  const b0 = <u32>1 << q0, b1 = <u32>1 << q1;
  const mask = cmask | b0 | b1, run = mask & (~mask + 1);
  const o1 = (<usize>b1) << 4, o2 = (<usize>b0) << 4, o3 = o1 + o2;
  if (run < 4) {
    // Short runs: step through the subspace by carrying over the mask bits, ((i | mask) + 1) & ~mask.
    const notMask = ~mask;
    let i = expand(lo, mask, 0);
    for (let j = lo; j < hi; j++) {
      quadReal(ptr + ((<usize>(i | cmask)) << 4), o1, o2, o3, m);
      i = ((i | mask) + 1) & notMask;
    }
    return;
  }
  let j = lo;
  while (j < hi) {
    let count = run - (j & (run - 1));
    if (count > hi - j) count = hi - j;
    let a = ptr + ((<usize>expand(j, mask, cmask)) << 4);
    const end = a + ((<usize>count) << 4);
    j += count;
    for (; a < end; a += 16) quadReal(a, o1, o2, o3, m);
  }
}

/**
 * Depolarising on k wires of a vectorised density matrix, in one pass: every D x D block over the
 * channel's (row, column) wires becomes (1 − p)·block + (p/D)·Tr(block)·I, D = 2^k.
 *
 * `mask` holds the 2k bits (each wire w and w + n); blocks [lo, hi) are numbered as the other
 * kernels number pairs (zeros inserted at the mask bits). `offs` points at D² u32 byte offsets
 * within a block, the D diagonal entries first, then the rest.
 */
export function depolarize(ptr: usize, mask: u32, lo: u32, hi: u32, offs: usize, D: u32, p: f64): void {
  const keep = f64x2.splat(1 - p), share = f64x2.splat(p / <f64>D);
  const diagEnd = offs + ((<usize>D) << 2), allEnd = offs + ((<usize>(D * D)) << 2);
  const notMask = ~mask;
  let i = expand(lo, mask, 0);
  for (let j = lo; j < hi; j++) {
    const a = ptr + ((<usize>i) << 4);
    let tr = f64x2.splat(0);
    for (let o = offs; o < diagEnd; o += 4) tr = f64x2.add(tr, v128.load(a + load<u32>(o)));
    const add = f64x2.mul(share, tr);
    for (let o = offs; o < diagEnd; o += 4) {
      const e = a + load<u32>(o);
      v128.store(e, f64x2.add(f64x2.mul(keep, v128.load(e)), add));
    }
    for (let o = diagEnd; o < allEnd; o += 4) {
      const e = a + load<u32>(o);
      v128.store(e, f64x2.mul(keep, v128.load(e)));
    }
    i = ((i | mask) + 1) & notMask;
  }
}

/**
 * A one-qubit superoperator on the wire pair (row wire qr, column wire qc = qr + n) through its
 * Pauli transfer matrix. Each 2x2 block M over (row bit, column bit) is written in the Pauli basis,
 * M = Σ m_P·P with m_I = (M00 + M11)/2, m_X = (M01 + M10)/2, m_Y = i(M01 − M10)/2,
 * m_Z = (M00 − M11)/2; a Hermiticity-preserving map (every U ⊗ conj U and every channel) acts on
 * the m_P by a REAL 4x4 matrix R, even on the non-Hermitian off-diagonal blocks (it is linear).
 * So a complex superoperator costs the real kernel's multiplies plus a few additions, instead of
 * four times as many multiplies. `m` holds K = R/2 (the halves of the basis change folded in), 16
 * f64 row-major, rows and columns in the order I, X, Y, Z.
 */
export function applyPtm(ptr: usize, qr: i32, qc: i32, lo: u32, hi: u32, m: usize): void {
  const b0 = <u32>1 << qr, b1 = <u32>1 << qc;
  const mask = b0 | b1, run = mask & (~mask + 1);
  const o1 = (<usize>b1) << 4, o2 = (<usize>b0) << 4, o3 = o1 + o2;
  if (run < 4) {
    const notMask = ~mask;
    let i = expand(lo, mask, 0);
    for (let j = lo; j < hi; j++) {
      ptmQuad(ptr + ((<usize>i) << 4), o1, o2, o3, m);
      i = ((i | mask) + 1) & notMask;
    }
    return;
  }
  let j = lo;
  while (j < hi) {
    let count = run - (j & (run - 1));
    if (count > hi - j) count = hi - j;
    let a = ptr + ((<usize>expand(j, mask, 0)) << 4);
    const end = a + ((<usize>count) << 4);
    j += count;
    for (; a < end; a += 16) ptmQuad(a, o1, o2, o3, m);
  }
}

/** i·x for an amplitude (re, im): (−im, re). */
@inline function mulI(x: v128): v128 {
  return f64x2.mul(v128.shuffle<f64>(x, x, 1, 0), f64x2.replace_lane(f64x2.splat(-1.0), 1, 1.0));
}

@inline function ptmRow(m: usize, yI: v128, yX: v128, yY: v128, yZ: v128): v128 {
  const a = f64x2.add(f64x2.mul(v128.load64_splat(m), yI), f64x2.mul(v128.load64_splat(m, 8), yX));
  const b = f64x2.add(f64x2.mul(v128.load64_splat(m, 16), yY), f64x2.mul(v128.load64_splat(m, 24), yZ));
  return f64x2.add(a, b);
}

@inline function ptmQuad(a: usize, o1: usize, o2: usize, o3: usize, m: usize): void {
  // x1 = M01 (column bit set), x2 = M10 (row bit set).
  const x0 = v128.load(a), x1 = v128.load(a + o1), x2 = v128.load(a + o2), x3 = v128.load(a + o3);
  const yI = f64x2.add(x0, x3), yZ = f64x2.sub(x0, x3), yX = f64x2.add(x1, x2), yY = mulI(f64x2.sub(x1, x2));
  const mI = ptmRow(m, yI, yX, yY, yZ), mX = ptmRow(m + 32, yI, yX, yY, yZ);
  const mY = ptmRow(m + 64, yI, yX, yY, yZ), mZ = ptmRow(m + 96, yI, yX, yY, yZ);
  // Back: M00 = m_I + m_Z, M11 = m_I − m_Z, M01 = m_X − i·m_Y, M10 = m_X + i·m_Y.
  const t = mulI(mY);
  v128.store(a, f64x2.add(mI, mZ));
  v128.store(a + o3, f64x2.sub(mI, mZ));
  v128.store(a + o1, f64x2.sub(mX, t));
  v128.store(a + o2, f64x2.add(mX, t));
}
