/**
 * Read-only inner products for adjoint differentiation on the fused forward pass
 * (src/sim/gradients-tape.ts). For wire q the four sums R[a][b] = Σ conj(λ[i|a]) ψ[i|b] over the
 * indices i with bit q clear (a, b the value of bit q) give ⟨λ|E|ψ⟩ = Σ E_ab R_ab for every 2x2 E
 * on q, so all derivatives of the parameters fused into one wire's product cost one sweep.
 *
 * conj(l)·p with l, p as v128 (re, im): l·p lane-wise summed is the real part, l·swap(p) lane 0
 * minus lane 1 the imaginary part, so each product is two multiplies into two accumulators.
 */

import { swapLanes } from './common';

@inline function finish(out: usize, o: i32, re: v128, im: v128): void {
  store<f64>(out + o, f64x2.extract_lane(re, 0) + f64x2.extract_lane(re, 1));
  store<f64>(out + o + 8, f64x2.extract_lane(im, 0) - f64x2.extract_lane(im, 1));
}

/** R for wire q over pairs [lo, hi) of an uncontrolled pair enumeration; writes 8 f64 at out (R00, R01, R10, R11, re/im). */
export function wireInner(psi: usize, lam: usize, q: i32, lo: u32, hi: u32, out: usize): void {
  const stride = <u32>1 << q, off = (<usize>stride) << 4, dl = lam - psi;
  let a0 = f64x2.splat(0), b0 = f64x2.splat(0), a1 = f64x2.splat(0), b1 = f64x2.splat(0);
  let a2 = f64x2.splat(0), b2 = f64x2.splat(0), a3 = f64x2.splat(0), b3 = f64x2.splat(0);
  if (q == 0) {
    const end = psi + ((<usize>hi) << 5);
    for (let a = psi + ((<usize>lo) << 5); a < end; a += 32) {
      const x = v128.load(a), y = v128.load(a, 16), la = v128.load(a + dl), lb = v128.load(a + dl, 16);
      const xs = swapLanes(x), ys = swapLanes(y);
      a0 = f64x2.add(a0, f64x2.mul(la, x)); b0 = f64x2.add(b0, f64x2.mul(la, xs));
      a1 = f64x2.add(a1, f64x2.mul(la, y)); b1 = f64x2.add(b1, f64x2.mul(la, ys));
      a2 = f64x2.add(a2, f64x2.mul(lb, x)); b2 = f64x2.add(b2, f64x2.mul(lb, xs));
      a3 = f64x2.add(a3, f64x2.mul(lb, y)); b3 = f64x2.add(b3, f64x2.mul(lb, ys));
    }
  } else {
    let j = lo;
    while (j < hi) {
      // A run of consecutive pairs is contiguous up to the next multiple of the stride.
      const runEnd = min(hi, (j | (stride - 1)) + 1);
      let a = psi + ((<usize>(((j >>> q) << (q + 1)) | (j & (stride - 1)))) << 4);
      const end = a + ((<usize>(runEnd - j)) << 4);
      j = runEnd;
      for (; a < end; a += 16) {
        const x = v128.load(a), y = v128.load(a + off), la = v128.load(a + dl), lb = v128.load(a + dl + off);
        const xs = swapLanes(x), ys = swapLanes(y);
        a0 = f64x2.add(a0, f64x2.mul(la, x)); b0 = f64x2.add(b0, f64x2.mul(la, xs));
        a1 = f64x2.add(a1, f64x2.mul(la, y)); b1 = f64x2.add(b1, f64x2.mul(la, ys));
        a2 = f64x2.add(a2, f64x2.mul(lb, x)); b2 = f64x2.add(b2, f64x2.mul(lb, xs));
        a3 = f64x2.add(a3, f64x2.mul(lb, y)); b3 = f64x2.add(b3, f64x2.mul(lb, ys));
      }
    }
  }
  finish(out, 0, a0, b0); finish(out, 16, a1, b1); finish(out, 32, a2, b2); finish(out, 48, a3, b3);
}

/**
 * The same sweep when every E on the wire is anti-Hermitian (E = (∂U)U† of a unitary family, and
 * its conjugates): then Re Σ E_ab R_ab needs only S = R01 − conj(R10) and, when some E has a
 * diagonal, Im R00 and Im R11: Re(E01·S) − Im E00·Im R00 − Im E11·Im R11 (E_aa are imaginary).
 * Writes (Re S, Im S, Im R00, Im R11) at out; half the multiplies of wireInner without the diagonal.
 */
export function wireInnerAnti(psi: usize, lam: usize, q: i32, lo: u32, hi: u32, out: usize, diag: bool): void {
  if (diag) antiSweep(psi, lam, q, lo, hi, out, true);
  else antiSweep(psi, lam, q, lo, hi, out, false);
}

@inline function antiSweep(psi: usize, lam: usize, q: i32, lo: u32, hi: u32, out: usize, diag: bool): void {
  const stride = <u32>1 << q, off = (<usize>stride) << 4, dl = lam - psi;
  // sr: la·y − lb·x (lane sum = Re S); si: la·swap(y) + lb·swap(x) (lane 0 − lane 1 = Im S);
  // d0, d1: la·swap(x), lb·swap(y) (lane 0 − lane 1 = Im R00, Im R11).
  let sr = f64x2.splat(0), si = f64x2.splat(0), d0 = f64x2.splat(0), d1 = f64x2.splat(0);
  if (q == 0) {
    const end = psi + ((<usize>hi) << 5);
    for (let a = psi + ((<usize>lo) << 5); a < end; a += 32) {
      const x = v128.load(a), y = v128.load(a, 16), la = v128.load(a + dl), lb = v128.load(a + dl, 16);
      const xs = swapLanes(x), ys = swapLanes(y);
      sr = f64x2.add(sr, f64x2.sub(f64x2.mul(la, y), f64x2.mul(lb, x)));
      si = f64x2.add(si, f64x2.add(f64x2.mul(la, ys), f64x2.mul(lb, xs)));
      if (diag) { d0 = f64x2.add(d0, f64x2.mul(la, xs)); d1 = f64x2.add(d1, f64x2.mul(lb, ys)); }
    }
  } else {
    let j = lo;
    while (j < hi) {
      const runEnd = min(hi, (j | (stride - 1)) + 1);
      let a = psi + ((<usize>(((j >>> q) << (q + 1)) | (j & (stride - 1)))) << 4);
      const end = a + ((<usize>(runEnd - j)) << 4);
      j = runEnd;
      for (; a < end; a += 16) {
        const x = v128.load(a), y = v128.load(a + off), la = v128.load(a + dl), lb = v128.load(a + dl + off);
        const xs = swapLanes(x), ys = swapLanes(y);
        sr = f64x2.add(sr, f64x2.sub(f64x2.mul(la, y), f64x2.mul(lb, x)));
        si = f64x2.add(si, f64x2.add(f64x2.mul(la, ys), f64x2.mul(lb, xs)));
        if (diag) { d0 = f64x2.add(d0, f64x2.mul(la, xs)); d1 = f64x2.add(d1, f64x2.mul(lb, ys)); }
      }
    }
  }
  store<f64>(out, f64x2.extract_lane(sr, 0) + f64x2.extract_lane(sr, 1));
  store<f64>(out, f64x2.extract_lane(si, 0) - f64x2.extract_lane(si, 1), 8);
  store<f64>(out, f64x2.extract_lane(d0, 0) - f64x2.extract_lane(d0, 1), 16);
  store<f64>(out, f64x2.extract_lane(d1, 0) - f64x2.extract_lane(d1, 1), 24);
}
