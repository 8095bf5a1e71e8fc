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
