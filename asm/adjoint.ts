/**
 * Read-only inner products for adjoint differentiation on the fused forward pass
 * (src/sim/gradients-tape.ts). For wire q the four sums R[a][b] = Σ conj(λ[i|a]) ψ[i|b] over the
 * indices i with bit q clear (a, b the value of bit q) give ⟨λ|E|ψ⟩ = Σ E_ab R_ab for every 2x2 E
 * on q, so all derivatives of the parameters fused into one wire's product cost one sweep.
 *
 * conj(l)·p with l, p as v128 (re, im): l·p lane-wise summed is the real part, l·swap(p) lane 0
 * minus lane 1 the imaginary part, so each product is two multiplies into two accumulators.
 */

import { applyBlock, imagPair, swapLanes } from './common';

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
 * lo and hi must be multiples of 2^max(q, 1) (whole groups; the callers pass the whole state).
 */
export function wireInnerAnti(psi: usize, lam: usize, q: i32, lo: u32, hi: u32, out: usize, diag: bool): void {
  const first = psi + ((<usize>((lo >>> q) << (q + 1))) << 4), last = psi + ((<usize>((hi >>> q) << (q + 1))) << 4);
  // Accumulators (four v128) in the output block, then reduced over their lanes in place.
  const z = f64x2.splat(0);
  v128.store(out, z); v128.store(out, z, 16); v128.store(out, z, 32); v128.store(out, z, 48);
  if (diag) antiRange(first, last, lam - psi, q, true, out);
  else antiRange(first, last, lam - psi, q, false, out);
  reduceAnti(out);
}

/** (sr, si, d0, d1) accumulators at acc → (Re S, Im S, Im R00, Im R11) at acc. */
@inline function reduceAnti(acc: usize): void {
  const sr = v128.load(acc), si = v128.load(acc, 16), d0 = v128.load(acc, 32), d1 = v128.load(acc, 48);
  store<f64>(acc, f64x2.extract_lane(sr, 0) + f64x2.extract_lane(sr, 1));
  store<f64>(acc, f64x2.extract_lane(si, 0) - f64x2.extract_lane(si, 1), 8);
  store<f64>(acc, f64x2.extract_lane(d0, 0) - f64x2.extract_lane(d0, 1), 16);
  store<f64>(acc, f64x2.extract_lane(d1, 0) - f64x2.extract_lane(d1, 1), 24);
}

/**
 * Adds the anti-Hermitian sums of wire q over the amplitudes [first, last) of ψ (whole groups of
 * 2^(q+1)), λ at the same offset + dl, to the accumulators at acc: sr += la·y − lb·x (lane sum =
 * Re S), si += la·swap(y) + lb·swap(x) (lane 0 − lane 1 = Im S), d0 += la·swap(x), d1 += lb·swap(y).
 * Two pairs per step into two sets of accumulators: one set alone is bound by its additions' latency.
 */
@inline function antiRange(first: usize, last: usize, dl: usize, q: i32, diag: bool, acc: usize): void {
  const off = (<usize>16) << q;
  let sr = v128.load(acc), si = v128.load(acc, 16), d0 = v128.load(acc, 32), d1 = v128.load(acc, 48);
  let tr = f64x2.splat(0), ti = f64x2.splat(0), e0 = f64x2.splat(0), e1 = f64x2.splat(0);
  // q = 0: a group of four amplitudes holds two pairs (x y u w); else the x half [c, c + off) in steps of two.
  const group: usize = q == 0 ? 64 : off << 1, inner: usize = q == 0 ? 32 : off, step: usize = q == 0 ? 64 : 32;
  const yo: usize = q == 0 ? 16 : off, x2: usize = q == 0 ? 32 : 16;
  for (let c = first; c < last; c += group) {
    const ce = c + inner;
    for (let a = c; a < ce; a += step) {
      const x = v128.load(a), y = v128.load(a + yo), la = v128.load(a + dl), lb = v128.load(a + dl + yo);
      const u = v128.load(a + x2), w = v128.load(a + x2 + yo), ua = v128.load(a + x2 + dl), ub = v128.load(a + x2 + dl + yo);
      const xs = swapLanes(x), ys = swapLanes(y), us = swapLanes(u), ws = swapLanes(w);
      sr = f64x2.add(sr, f64x2.sub(f64x2.mul(la, y), f64x2.mul(lb, x)));
      si = f64x2.add(si, f64x2.add(f64x2.mul(la, ys), f64x2.mul(lb, xs)));
      tr = f64x2.add(tr, f64x2.sub(f64x2.mul(ua, w), f64x2.mul(ub, u)));
      ti = f64x2.add(ti, f64x2.add(f64x2.mul(ua, ws), f64x2.mul(ub, us)));
      if (diag) {
        d0 = f64x2.add(d0, f64x2.mul(la, xs)); d1 = f64x2.add(d1, f64x2.mul(lb, ys));
        e0 = f64x2.add(e0, f64x2.mul(ua, us)); e1 = f64x2.add(e1, f64x2.mul(ub, ws));
      }
    }
  }
  v128.store(acc, f64x2.add(sr, tr)); v128.store(acc, f64x2.add(si, ti), 16);
  v128.store(acc, f64x2.add(d0, e0), 32); v128.store(acc, f64x2.add(d1, e1), 48);
}

/**
 * The backward step of a cache-blocked fused operation: per block of 2^B amplitudes (ψ and λ
 * blocks together in L1), first the anti-Hermitian sums of every wire (kinds[w]: 0 none, 1 without,
 * 2 with the diagonal; accumulated at out + 64·w, reduced as wireInnerAnti's output after the last
 * block), then λ ← M_w λ for every wire (the adjoint products, 8 f64 at mats + 64·w). Blocks
 * [lo, hi); the caller zeroes out before the first block; `reduce` on the last call; `undo` false
 * leaves λ alone (no parameter before this operation).
 */
export function adjointBlocked(psi: usize, lam: usize, B: i32, lo: u32, hi: u32, k: i32, mats: usize, wires: usize, kinds: usize, out: usize, reduce: bool, undo: bool): void {
  const blockBytes = (<usize>16) << B, dl = lam - psi;
  for (let blk = lo; blk < hi; blk++) {
    const base = psi + (<usize>blk) * blockBytes, end = base + blockBytes;
    for (let w = 0; w < k; w++) {
      const kind = load<u8>(kinds + w), q = load<u32>(wires + 4 * w);
      if (kind == 1) antiRange(base, end, dl, q, false, out + 64 * w);
      else if (kind == 2) antiRange(base, end, dl, q, true, out + 64 * w);
    }
    if (undo) applyBlock(base + dl, base + dl + blockBytes, k, mats, wires);
  }
  if (reduce) for (let w = 0; w < k; w++) if (load<u8>(kinds + w) != 0) reduceAnti(out + 64 * w);
}


/**
 * The forward step of a cache-blocked fused operation with its checkpoint: per block of 2^B
 * amplitudes, the k wires' matrices (as apply1Blocked), then the block copied to dst while it is
 * still in L1, so the checkpoint costs a write and no second read of the state. Blocks [lo, hi).
 */
export function forwardBlocked(psi: usize, dst: usize, B: i32, lo: u32, hi: u32, k: i32, mats: usize, wires: usize): void {
  const blockBytes = (<usize>16) << B, dd = dst - psi;
  for (let blk = lo; blk < hi; blk++) {
    const base = psi + (<usize>blk) * blockBytes, end = base + blockBytes;
    applyBlock(base, end, k, mats, wires);
    for (let a = base; a < end; a += 64) {
      v128.store(a + dd, v128.load(a)); v128.store(a + dd, v128.load(a, 16), 16);
      v128.store(a + dd, v128.load(a, 32), 32); v128.store(a + dd, v128.load(a, 48), 48);
    }
  }
}
