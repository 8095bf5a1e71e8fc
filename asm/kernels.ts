/**
 * WebAssembly SIMD kernels (AssemblyScript, compiled by `npm run build:wasm` with asc from npm).
 *
 * Same conventions as src/sim/kernels.ts: a state of n qubits is 2^n interleaved complex
 * amplitudes (re, im) of f64, q[0] least significant, and one-qubit kernels visit a range
 * [lo, hi) of PAIR indices so worker threads can split one gate (pair j is the index with a 0
 * inserted at bit q; its partner has bit q set). One amplitude is one v128 (re, im), so a complex
 * product m·x is splat(mr)·x + (−mi, mi)·swap(x): two multiplies, one add and one shuffle per
 * amplitude and matrix entry, with no scalar bookkeeping in the inner loop.
 *
 * `ptr` is the byte offset of amplitude 0 in the (shared, imported) linear memory. The kernels
 * never allocate; the TypeScript side owns the memory layout (src/sim/simd.ts).
 */

import { applyBlock, imagPair, swapLanes, kernel1, kernel1Real, kernelDiag1, kernelX, kernel2, kernelDiag2, kernelSwap } from './common';
export { runOps } from './program';
export { apply2Real, applyPtm, depolarize } from './density';
export { wireInner, wireInnerAnti, adjointBlocked, forwardBlocked } from './adjoint';

/** Byte address of the first amplitude of pair j (bit q of its index is 0). */
@inline function pairAddress(ptr: usize, q: i32, j: i32): usize {
  const low = (1 << q) - 1;
  return ptr + ((<usize>(((j >>> q) << (q + 1)) | (j & low))) << 4);
}

/** General complex 2x2 matrix on qubit q, where every bit of cmask is 1, over pairs [lo, hi). */
export function apply1(
  ptr: usize, q: i32, cmask: u32, lo: u32, hi: u32,
  m00r: f64, m00i: f64, m01r: f64, m01i: f64, m10r: f64, m10i: f64, m11r: f64, m11i: f64,
): void {
  kernel1(ptr, q, cmask, lo, hi,
    f64x2.splat(m00r), imagPair(m00i), f64x2.splat(m01r), imagPair(m01i),
    f64x2.splat(m10r), imagPair(m10i), f64x2.splat(m11r), imagPair(m11i));
}

/** Real 2x2 matrix (RY, H, ...) on qubit q under cmask over pairs [lo, hi): half the multiplies of apply1. */
export function apply1Real(ptr: usize, q: i32, cmask: u32, lo: u32, hi: u32, m00: f64, m01: f64, m10: f64, m11: f64): void {
  kernel1Real(ptr, q, cmask, lo, hi, f64x2.splat(m00), f64x2.splat(m01), f64x2.splat(m10), f64x2.splat(m11));
}

/** Diagonal (d0, d1) on qubit q under cmask over pairs [lo, hi); when d0 = 1 only the |1⟩ half is touched. */
export function diag1(ptr: usize, q: i32, cmask: u32, lo: u32, hi: u32, d0r: f64, d0i: f64, d1r: f64, d1i: f64): void {
  kernelDiag1(ptr, q, cmask, lo, hi, d0r, d0i, d1r, d1i);
}

/** Pauli X on qubit q under cmask (CNOT, Toffoli) over pairs [lo, hi): a swap of whole amplitudes. */
export function applyX(ptr: usize, q: i32, cmask: u32, lo: u32, hi: u32): void {
  kernelX(ptr, q, cmask, lo, hi);
}

/** 4x4 complex matrix at byte address m on wires (q0, q1) under cmask, quads [lo, hi). */
export function apply2(ptr: usize, q0: i32, q1: i32, cmask: u32, lo: u32, hi: u32, m: usize): void {
  kernel2(ptr, q0, q1, cmask, lo, hi, m);
}

/** The diagonal of the 4x4 matrix at m on wires (q0, q1) under cmask, quads [lo, hi). */
export function diag2(ptr: usize, q0: i32, q1: i32, cmask: u32, lo: u32, hi: u32, m: usize): void {
  kernelDiag2(ptr, q0, q1, cmask, lo, hi, m);
}

/** SWAP of wires (q0, q1) under cmask, quads [lo, hi). */
export function swap2(ptr: usize, q0: i32, q1: i32, cmask: u32, lo: u32, hi: u32): void {
  kernelSwap(ptr, q0, q1, cmask, lo, hi);
}

/**
 * One backward step of adjoint differentiation for an uncontrolled one-qubit gate with one
 * derivative D, fused into a single pass over ψ and λ (as adjointStep1 in src/sim/kernels.ts):
 * ψ ← U†ψ, returns Re Σ conj(λ)·(D ψ') with ψ' the new ψ, then λ ← U†λ. `u` is U† (row-major, re/im
 * interleaved), `d` the derivative matrix.
 */
export function adjoint1(
  psi: usize, lam: usize, q: i32, pairs: i32,
  u00r: f64, u00i: f64, u01r: f64, u01i: f64, u10r: f64, u10i: f64, u11r: f64, u11i: f64,
  d00r: f64, d00i: f64, d01r: f64, d01i: f64, d10r: f64, d10i: f64, d11r: f64, d11i: f64,
): f64 {
  const r00 = f64x2.splat(u00r), i00 = imagPair(u00i), r01 = f64x2.splat(u01r), i01 = imagPair(u01i);
  const r10 = f64x2.splat(u10r), i10 = imagPair(u10i), r11 = f64x2.splat(u11r), i11 = imagPair(u11i);
  const e00 = f64x2.splat(d00r), j00 = imagPair(d00i), e01 = f64x2.splat(d01r), j01 = imagPair(d01i);
  const e10 = f64x2.splat(d10r), j10 = imagPair(d10i), e11 = f64x2.splat(d11r), j11 = imagPair(d11i);
  const stride = 1 << q, off = (<usize>stride) << 4, dl = lam - psi;
  let acc = f64x2.splat(0);
  let j = 0;
  while (j < pairs) {
    const count = stride;
    let a = pairAddress(psi, q, j);
    const end = a + ((<usize>count) << 4);
    j += count;
    for (; a < end; a += 16) {
      const x = v128.load(a), y = v128.load(a + off);
      const xs = swapLanes(x), ys = swapLanes(y);
      const f0 = f64x2.add(f64x2.add(f64x2.mul(r00, x), f64x2.mul(i00, xs)), f64x2.add(f64x2.mul(r01, y), f64x2.mul(i01, ys)));
      const f1 = f64x2.add(f64x2.add(f64x2.mul(r10, x), f64x2.mul(i10, xs)), f64x2.add(f64x2.mul(r11, y), f64x2.mul(i11, ys)));
      v128.store(a, f0);
      v128.store(a + off, f1);
      const f0s = swapLanes(f0), f1s = swapLanes(f1);
      const g0 = f64x2.add(f64x2.add(f64x2.mul(e00, f0), f64x2.mul(j00, f0s)), f64x2.add(f64x2.mul(e01, f1), f64x2.mul(j01, f1s)));
      const g1 = f64x2.add(f64x2.add(f64x2.mul(e10, f0), f64x2.mul(j10, f0s)), f64x2.add(f64x2.mul(e11, f1), f64x2.mul(j11, f1s)));
      const la = v128.load(a + dl), lb = v128.load(a + dl + off);
      // Re conj(λ)·g = λr·gr + λi·gi: the lane-wise product, summed over lanes at the end.
      acc = f64x2.add(acc, f64x2.add(f64x2.mul(la, g0), f64x2.mul(lb, g1)));
      const las = swapLanes(la), lbs = swapLanes(lb);
      v128.store(a + dl, f64x2.add(f64x2.add(f64x2.mul(r00, la), f64x2.mul(i00, las)), f64x2.add(f64x2.mul(r01, lb), f64x2.mul(i01, lbs))));
      v128.store(a + dl + off, f64x2.add(f64x2.add(f64x2.mul(r10, la), f64x2.mul(i10, las)), f64x2.add(f64x2.mul(r11, lb), f64x2.mul(i11, lbs))));
    }
  }
  return f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
}

/** adjoint1 for real U† and D (RY and its derivative): a quarter of the multiplies. */
export function adjoint1Real(psi: usize, lam: usize, q: i32, pairs: i32, u00: f64, u01: f64, u10: f64, u11: f64, d00: f64, d01: f64, d10: f64, d11: f64): f64 {
  const a00 = f64x2.splat(u00), a01 = f64x2.splat(u01), a10 = f64x2.splat(u10), a11 = f64x2.splat(u11);
  const b00 = f64x2.splat(d00), b01 = f64x2.splat(d01), b10 = f64x2.splat(d10), b11 = f64x2.splat(d11);
  const stride = 1 << q, off = (<usize>stride) << 4, dl = lam - psi;
  let acc = f64x2.splat(0);
  let j = 0;
  while (j < pairs) {
    let a = pairAddress(psi, q, j);
    const end = a + ((<usize>stride) << 4);
    j += stride;
    for (; a < end; a += 16) {
      const x = v128.load(a), y = v128.load(a + off);
      const f0 = f64x2.add(f64x2.mul(a00, x), f64x2.mul(a01, y)), f1 = f64x2.add(f64x2.mul(a10, x), f64x2.mul(a11, y));
      v128.store(a, f0);
      v128.store(a + off, f1);
      const la = v128.load(a + dl), lb = v128.load(a + dl + off);
      acc = f64x2.add(acc, f64x2.add(f64x2.mul(la, f64x2.add(f64x2.mul(b00, f0), f64x2.mul(b01, f1))), f64x2.mul(lb, f64x2.add(f64x2.mul(b10, f0), f64x2.mul(b11, f1)))));
      v128.store(a + dl, f64x2.add(f64x2.mul(a00, la), f64x2.mul(a01, lb)));
      v128.store(a + dl + off, f64x2.add(f64x2.mul(a10, la), f64x2.mul(a11, lb)));
    }
  }
  return f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
}

/** Complex product m·x with m = (splat(re), imagPair(im)). */
@inline function cmul(r: v128, i: v128, x: v128): v128 {
  return f64x2.add(f64x2.mul(r, x), f64x2.mul(i, swapLanes(x)));
}

/**
 * One fused backward step of adjoint differentiation for an uncontrolled rotation
 * U = exp(−iθG/2) on qubit q, with the constant one-qubit gates that follow U on that wire folded in
 * (their product C† is applied first). Per pair, in registers: ψ ← C†ψ, λ ← C†λ; the derivative
 * Re⟨λ|E|ψ⟩ with E = −(i/2)·G (since ∂U = −(i/2)·G·U, ⟨λ|∂U|ψ_before⟩ = ⟨λ|E|ψ_after⟩, so no
 * derivative matrix is applied to an updated ψ); then ψ ← U†ψ, λ ← U†λ. One pass over ψ and λ for
 * what took three (C on ψ, C on λ, then the adjoint step).
 *
 * `mats` holds C† (8 f64), U† (8 f64) and E (8 f64), row-major re/im; flags: 1 = C present,
 * 2 = C diagonal, 4 = U† real, 8 = E real. The flag combinations are separate instantiations, so
 * the inner loop has no branches.
 */
export function adjointRotation(psi: usize, lam: usize, q: i32, pairs: u32, mats: usize, flags: i32): f64 {
  const real = (flags & 12) == 12, uReal = (flags & 4) != 0, eReal = (flags & 8) != 0;
  if ((flags & 1) == 0) {
    if (real) return adjointRot(psi, lam, q, pairs, mats, false, false, true, true);
    if (uReal) return adjointRot(psi, lam, q, pairs, mats, false, false, true, false);
    if (eReal) return adjointRot(psi, lam, q, pairs, mats, false, false, false, true);
    return adjointRot(psi, lam, q, pairs, mats, false, false, false, false);
  }
  if ((flags & 2) != 0) {
    if (real) return adjointRot(psi, lam, q, pairs, mats, true, true, true, true);
    if (uReal) return adjointRot(psi, lam, q, pairs, mats, true, true, true, false);
    if (eReal) return adjointRot(psi, lam, q, pairs, mats, true, true, false, true);
    return adjointRot(psi, lam, q, pairs, mats, true, true, false, false);
  }
  if (real) return adjointRot(psi, lam, q, pairs, mats, true, false, true, true);
  if (uReal) return adjointRot(psi, lam, q, pairs, mats, true, false, true, false);
  if (eReal) return adjointRot(psi, lam, q, pairs, mats, true, false, false, true);
  return adjointRot(psi, lam, q, pairs, mats, true, false, false, false);
}

@inline function adjointRot(psi: usize, lam: usize, q: i32, pairs: u32, m: usize, hasC: bool, cDiag: bool, uReal: bool, eReal: bool): f64 {
  // C† at m, U† at m + 64, E at m + 128; (r, i) = (splat(re), imagPair(im)) per entry.
  const c00r = v128.load64_splat(m), c00i = imagPair(load<f64>(m, 8)), c01r = v128.load64_splat(m, 16), c01i = imagPair(load<f64>(m, 24));
  const c10r = v128.load64_splat(m, 32), c10i = imagPair(load<f64>(m, 40)), c11r = v128.load64_splat(m, 48), c11i = imagPair(load<f64>(m, 56));
  const u00r = v128.load64_splat(m, 64), u00i = imagPair(load<f64>(m, 72)), u01r = v128.load64_splat(m, 80), u01i = imagPair(load<f64>(m, 88));
  const u10r = v128.load64_splat(m, 96), u10i = imagPair(load<f64>(m, 104)), u11r = v128.load64_splat(m, 112), u11i = imagPair(load<f64>(m, 120));
  const e00r = v128.load64_splat(m, 128), e00i = imagPair(load<f64>(m, 136)), e01r = v128.load64_splat(m, 144), e01i = imagPair(load<f64>(m, 152));
  const e10r = v128.load64_splat(m, 160), e10i = imagPair(load<f64>(m, 168)), e11r = v128.load64_splat(m, 176), e11i = imagPair(load<f64>(m, 184));
  const stride = <u32>1 << q, off = (<usize>stride) << 4, dl = lam - psi;
  let acc = f64x2.splat(0);
  // Qubit 0: the partners are neighbours, so one block spans the whole state (step 32 bytes).
  const block = q == 0 ? pairs : stride, step: usize = q == 0 ? 32 : 16;
  let j: u32 = 0;
  while (j < pairs) {
    let a = psi + ((<usize>(((j >>> q) << (q + 1)) | (j & (stride - 1)))) << 4);
    const end = a + ((<usize>block) << (q == 0 ? 5 : 4));
    j += block;
    for (; a < end; a += step) {
      let x = v128.load(a), y = v128.load(a + off), la = v128.load(a + dl), lb = v128.load(a + dl + off);
      if (hasC) {
        if (cDiag) {
          x = cmul(c00r, c00i, x); la = cmul(c00r, c00i, la);
          y = cmul(c11r, c11i, y); lb = cmul(c11r, c11i, lb);
        } else {
          const x2 = f64x2.add(cmul(c00r, c00i, x), cmul(c01r, c01i, y)), y2 = f64x2.add(cmul(c10r, c10i, x), cmul(c11r, c11i, y));
          const la2 = f64x2.add(cmul(c00r, c00i, la), cmul(c01r, c01i, lb)), lb2 = f64x2.add(cmul(c10r, c10i, la), cmul(c11r, c11i, lb));
          x = x2; y = y2; la = la2; lb = lb2;
        }
      }
      let ex: v128, ey: v128;
      if (eReal) {
        ex = f64x2.add(f64x2.mul(e00r, x), f64x2.mul(e01r, y));
        ey = f64x2.add(f64x2.mul(e10r, x), f64x2.mul(e11r, y));
      } else {
        ex = f64x2.add(cmul(e00r, e00i, x), cmul(e01r, e01i, y));
        ey = f64x2.add(cmul(e10r, e10i, x), cmul(e11r, e11i, y));
      }
      // Re conj(λ)·e = λr·er + λi·ei: lane-wise products, summed over lanes at the end.
      acc = f64x2.add(acc, f64x2.add(f64x2.mul(la, ex), f64x2.mul(lb, ey)));
      if (uReal) {
        v128.store(a, f64x2.add(f64x2.mul(u00r, x), f64x2.mul(u01r, y)));
        v128.store(a + off, f64x2.add(f64x2.mul(u10r, x), f64x2.mul(u11r, y)));
        v128.store(a + dl, f64x2.add(f64x2.mul(u00r, la), f64x2.mul(u01r, lb)));
        v128.store(a + dl + off, f64x2.add(f64x2.mul(u10r, la), f64x2.mul(u11r, lb)));
      } else {
        v128.store(a, f64x2.add(cmul(u00r, u00i, x), cmul(u01r, u01i, y)));
        v128.store(a + off, f64x2.add(cmul(u10r, u10i, x), cmul(u11r, u11i, y)));
        v128.store(a + dl, f64x2.add(cmul(u00r, u00i, la), cmul(u01r, u01i, lb)));
        v128.store(a + dl + off, f64x2.add(cmul(u10r, u10i, la), cmul(u11r, u11i, lb)));
      }
    }
  }
  return f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
}

/** Re⟨a|b⟩ over `amps` amplitudes at byte addresses a and b. */
export function dotRe(a: usize, b: usize, amps: u32): f64 {
  let acc0 = f64x2.splat(0), acc1 = f64x2.splat(0);
  const end = a + ((<usize>amps) << 4), d = b - a;
  let p = a;
  for (; p + 16 < end; p += 32) {
    acc0 = f64x2.add(acc0, f64x2.mul(v128.load(p), v128.load(p + d)));
    acc1 = f64x2.add(acc1, f64x2.mul(v128.load(p, 16), v128.load(p + d, 16)));
  }
  if (p < end) acc0 = f64x2.add(acc0, f64x2.mul(v128.load(p), v128.load(p + d)));
  const acc = f64x2.add(acc0, acc1);
  return f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
}

/**
 * Cache-blocked fusion (as qsim and Qulacs do for low qubits): the state is cut into contiguous
 * blocks of 2^B amplitudes (16 KiB for B = 10, resident in L1), and the 2x2 matrices of k wires
 * below B are applied one after another to each block before moving on, so k gates cost one pass
 * over memory instead of k. Blocks [lo, hi); wire w's matrix at mats + 64·w (8 f64, re/im
 * interleaved, row-major), its qubit at wires + 4·w (u32).
 */
export function apply1Blocked(ptr: usize, B: i32, lo: u32, hi: u32, k: i32, mats: usize, wires: usize): void {
  const blockBytes = (<usize>16) << B;
  for (let blk = lo; blk < hi; blk++) {
    const base = ptr + (<usize>blk) * blockBytes;
    applyBlock(base, base + blockBytes, k, mats, wires);
  }
}
