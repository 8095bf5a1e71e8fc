/**
 * Shared SIMD kernel bodies (inlined into the exports of kernels.ts and the circuit interpreter in
 * program.ts). Conventions as in src/sim/kernels.ts: 2^n interleaved complex f64 amplitudes, q[0]
 * least significant, one amplitude = one v128 (re, im).
 *
 * Every one- and two-qubit kernel enumerates the control subspace: with `mask` the OR of the gate's
 * target and control bits, pair (or quad) j is the index with zeros inserted at every bit of mask,
 * lowest first, and the control bits then set. Consecutive j are contiguous in memory for a run of
 * 2^(lowest bit of mask), so the inner loops stream through memory and a CNOT reads and writes half
 * the state, not all of it.
 */

/** (−x, x): the factor that turns swap(a) into the imaginary part of a complex product. */
@inline export function imagPair(x: f64): v128 {
  return f64x2.replace_lane(f64x2.splat(-x), 1, x);
}

@inline export function swapLanes(x: v128): v128 {
  return v128.shuffle<f64>(x, x, 1, 0);
}

/** Index j with a zero inserted at every set bit of `mask` (lowest first), then `cmask` set. */
@inline export function expand(j: u32, mask: u32, cmask: u32): u32 {
  let m = mask;
  while (m != 0) {
    const below = (m & (~m + 1)) - 1;
    j = ((j & ~below) << 1) | (j & below);
    m &= m - 1;
  }
  return j | cmask;
}

/** Written by `touch` so the engine keeps its loads. */
let sink: f64 = 0;

/**
 * Reads one double per 64-byte line of [a, a + bytes) and of [a + off, a + off + bytes), in address
 * order. For a target qubit of 5–11 the two halves of a gate's block are 512 B to 32 KiB apart and
 * the hardware prefetcher, seeing the interleaved x/y accesses, stops streaming (measured: three
 * times the time of the other qubits on one core); one sequential read of the block first brings
 * it into cache at streaming speed, and the gate then runs on cached lines.
 */
@inline export function touch(a: usize, off: usize, bytes: usize): void {
  let t = f64x2.splat(0);
  for (let p = a; p < a + bytes; p += 64) t = f64x2.add(t, v128.load(p));
  for (let p = a + off; p < a + off + bytes; p += 64) t = f64x2.add(t, v128.load(p));
  sink = f64x2.extract_lane(t, 0);
}

/** Whether a run of this length (in amplitudes, uncontrolled) is in the band where `touch` pays. */
@inline export function touchBand(run: u32, cmask: u32): bool {
  return cmask == 0 && run >= 32 && run <= 2048;
}

/** Complex 2x2 (r = splat(re), i = imagPair(im) per entry) on pairs [lo, hi) of qubit q under cmask. */
@inline export function kernel1(
  ptr: usize, q: i32, cmask: u32, lo: u32, hi: u32,
  r00: v128, i00: v128, r01: v128, i01: v128, r10: v128, i10: v128, r11: v128, i11: v128,
): void {
  const mask = cmask | (<u32>1 << q), run = mask & (~mask + 1), off = (<usize>1 << q) << 4;
  if (run == 1 && cmask == 0) {
    // Qubit 0: the partners are neighbours, one stream of pairs.
    const end = ptr + ((<usize>hi) << 5);
    for (let a = ptr + ((<usize>lo) << 5); a < end; a += 32) {
      const x = v128.load(a), y = v128.load(a, 16);
      const xs = swapLanes(x), ys = swapLanes(y);
      v128.store(a, f64x2.add(f64x2.add(f64x2.mul(r00, x), f64x2.mul(i00, xs)), f64x2.add(f64x2.mul(r01, y), f64x2.mul(i01, ys))));
      v128.store(a, f64x2.add(f64x2.add(f64x2.mul(r10, x), f64x2.mul(i10, xs)), f64x2.add(f64x2.mul(r11, y), f64x2.mul(i11, ys))), 16);
    }
    return;
  }
  if (run < 4) {
    // Short runs: step through the subspace by carrying over the mask bits, ((i | mask) + 1) & ~mask.
    const notMask = ~mask;
    let i = expand(lo, mask, 0);
    for (let j = lo; j < hi; j++) {
      const a = ptr + ((<usize>(i | cmask)) << 4);
      const x = v128.load(a), y = v128.load(a + off);
      const xs = swapLanes(x), ys = swapLanes(y);
      v128.store(a, f64x2.add(f64x2.add(f64x2.mul(r00, x), f64x2.mul(i00, xs)), f64x2.add(f64x2.mul(r01, y), f64x2.mul(i01, ys))));
      v128.store(a + off, f64x2.add(f64x2.add(f64x2.mul(r10, x), f64x2.mul(i10, xs)), f64x2.add(f64x2.mul(r11, y), f64x2.mul(i11, ys))));
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
    if (touchBand(run, cmask)) touch(a, off, (<usize>count) << 4);
    for (; a < end; a += 16) {
      const x = v128.load(a), y = v128.load(a + off);
      const xs = swapLanes(x), ys = swapLanes(y);
      v128.store(a, f64x2.add(f64x2.add(f64x2.mul(r00, x), f64x2.mul(i00, xs)), f64x2.add(f64x2.mul(r01, y), f64x2.mul(i01, ys))));
      v128.store(a + off, f64x2.add(f64x2.add(f64x2.mul(r10, x), f64x2.mul(i10, xs)), f64x2.add(f64x2.mul(r11, y), f64x2.mul(i11, ys))));
    }
  }
}

/** Real 2x2 (splatted entries) on pairs [lo, hi) of qubit q under cmask: half the multiplies. */
@inline export function kernel1Real(ptr: usize, q: i32, cmask: u32, lo: u32, hi: u32, a00: v128, a01: v128, a10: v128, a11: v128): void {
  const mask = cmask | (<u32>1 << q), run = mask & (~mask + 1), off = (<usize>1 << q) << 4;
  if (run == 1 && cmask == 0) {
    const end = ptr + ((<usize>hi) << 5);
    for (let a = ptr + ((<usize>lo) << 5); a < end; a += 32) {
      const x = v128.load(a), y = v128.load(a, 16);
      v128.store(a, f64x2.add(f64x2.mul(a00, x), f64x2.mul(a01, y)));
      v128.store(a, f64x2.add(f64x2.mul(a10, x), f64x2.mul(a11, y)), 16);
    }
    return;
  }
  if (run < 4) {
    // Short runs: step through the subspace by carrying over the mask bits, ((i | mask) + 1) & ~mask.
    const notMask = ~mask;
    let i = expand(lo, mask, 0);
    for (let j = lo; j < hi; j++) {
      const a = ptr + ((<usize>(i | cmask)) << 4);
      const x = v128.load(a), y = v128.load(a + off);
      v128.store(a, f64x2.add(f64x2.mul(a00, x), f64x2.mul(a01, y)));
      v128.store(a + off, f64x2.add(f64x2.mul(a10, x), f64x2.mul(a11, y)));
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
    if (touchBand(run, cmask)) touch(a, off, (<usize>count) << 4);
    for (; a < end; a += 16) {
      const x = v128.load(a), y = v128.load(a + off);
      v128.store(a, f64x2.add(f64x2.mul(a00, x), f64x2.mul(a01, y)));
      v128.store(a + off, f64x2.add(f64x2.mul(a10, x), f64x2.mul(a11, y)));
    }
  }
}

/** Diagonal (d0, d1) on pairs [lo, hi) of qubit q under cmask; with d0 = 1 only the |1⟩ half is touched. */
@inline export function kernelDiag1(ptr: usize, q: i32, cmask: u32, lo: u32, hi: u32, d0r: f64, d0i: f64, d1r: f64, d1i: f64): void {
  const r0 = f64x2.splat(d0r), i0 = imagPair(d0i), r1 = f64x2.splat(d1r), i1 = imagPair(d1i);
  const phaseOnly = d0r == 1.0 && d0i == 0.0;
  const mask = cmask | (<u32>1 << q), run = mask & (~mask + 1), off = (<usize>1 << q) << 4;
  if (run == 1 && cmask == 0) {
    const end = ptr + ((<usize>hi) << 5);
    if (phaseOnly) {
      for (let a = ptr + ((<usize>lo) << 5); a < end; a += 32) {
        const y = v128.load(a, 16);
        v128.store(a, f64x2.add(f64x2.mul(r1, y), f64x2.mul(i1, swapLanes(y))), 16);
      }
      return;
    }
    for (let a = ptr + ((<usize>lo) << 5); a < end; a += 32) {
      const x = v128.load(a), y = v128.load(a, 16);
      v128.store(a, f64x2.add(f64x2.mul(r0, x), f64x2.mul(i0, swapLanes(x))));
      v128.store(a, f64x2.add(f64x2.mul(r1, y), f64x2.mul(i1, swapLanes(y))), 16);
    }
    return;
  }
  let j = lo;
  while (j < hi) {
    let count = run - (j & (run - 1));
    if (count > hi - j) count = hi - j;
    const a = ptr + ((<usize>expand(j, mask, cmask)) << 4);
    const end = a + ((<usize>count) << 4);
    j += count;
    if (touchBand(run, cmask)) touch(a, off, (<usize>count) << 4);
    if (!phaseOnly) {
      for (let p = a; p < end; p += 16) {
        const x = v128.load(p);
        v128.store(p, f64x2.add(f64x2.mul(r0, x), f64x2.mul(i0, swapLanes(x))));
      }
    }
    for (let p = a + off; p < end + off; p += 16) {
      const y = v128.load(p);
      v128.store(p, f64x2.add(f64x2.mul(r1, y), f64x2.mul(i1, swapLanes(y))));
    }
  }
}

/** Pauli X on pairs [lo, hi) of qubit q under cmask (CNOT, Toffoli, ...): a swap of whole amplitudes. */
@inline export function kernelX(ptr: usize, q: i32, cmask: u32, lo: u32, hi: u32): void {
  const mask = cmask | (<u32>1 << q), run = mask & (~mask + 1), off = (<usize>1 << q) << 4;
  if (run == 1 && cmask == 0) {
    const end = ptr + ((<usize>hi) << 5);
    for (let a = ptr + ((<usize>lo) << 5); a < end; a += 32) {
      const x = v128.load(a);
      v128.store(a, v128.load(a, 16));
      v128.store(a, x, 16);
    }
    return;
  }
  if (run < 4) {
    // Short runs: step through the subspace by carrying over the mask bits, ((i | mask) + 1) & ~mask.
    const notMask = ~mask;
    let i = expand(lo, mask, 0);
    for (let j = lo; j < hi; j++) {
      const a = ptr + ((<usize>(i | cmask)) << 4);
      const x = v128.load(a);
      v128.store(a, v128.load(a + off));
      v128.store(a + off, x);
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
    if (touchBand(run, cmask)) touch(a, off, (<usize>count) << 4);
    for (; a < end; a += 16) {
      const x = v128.load(a);
      v128.store(a, v128.load(a + off));
      v128.store(a + off, x);
    }
  }
}

/** (−x_i, x_r): i·x, so m·x = splat(m_r)·x + splat(m_i)·(i·x). */
@inline export function timesI(x: v128): v128 {
  return f64x2.mul(swapLanes(x), f64x2.replace_lane(f64x2.splat(-1.0), 1, 1.0));
}

/** Σ_c m[r][c]·x_c for one row r of a 4x4 complex matrix at `m` (row-major, re/im interleaved). */
@inline function row4(m: usize, x0: v128, y0: v128, x1: v128, y1: v128, x2: v128, y2: v128, x3: v128, y3: v128): v128 {
  let acc = f64x2.add(f64x2.mul(v128.load64_splat(m), x0), f64x2.mul(v128.load64_splat(m, 8), y0));
  acc = f64x2.add(acc, f64x2.add(f64x2.mul(v128.load64_splat(m, 16), x1), f64x2.mul(v128.load64_splat(m, 24), y1)));
  acc = f64x2.add(acc, f64x2.add(f64x2.mul(v128.load64_splat(m, 32), x2), f64x2.mul(v128.load64_splat(m, 40), y2)));
  return f64x2.add(acc, f64x2.add(f64x2.mul(v128.load64_splat(m, 48), x3), f64x2.mul(v128.load64_splat(m, 56), y3)));
}

/**
 * General 4x4 complex matrix at `m` on wires (q0, q1) under cmask, quads [lo, hi); q0 is the most
 * significant bit of the local index (textbook order).
 */
@inline export function kernel2(ptr: usize, q0: i32, q1: i32, cmask: u32, lo: u32, hi: u32, m: usize): void {
  const b0 = <u32>1 << q0, b1 = <u32>1 << q1;
  const mask = cmask | b0 | b1, run = mask & (~mask + 1);
  const o1 = (<usize>b1) << 4, o2 = (<usize>b0) << 4, o3 = o1 + o2;
  if (run < 4) {
    // Short runs: step through the subspace by carrying over the mask bits, ((i | mask) + 1) & ~mask.
    const notMask = ~mask;
    let i = expand(lo, mask, 0);
    for (let j = lo; j < hi; j++) {
      const a = ptr + ((<usize>(i | cmask)) << 4);
      const x0 = v128.load(a), x1 = v128.load(a + o1), x2 = v128.load(a + o2), x3 = v128.load(a + o3);
      const y0 = timesI(x0), y1 = timesI(x1), y2 = timesI(x2), y3 = timesI(x3);
      v128.store(a, row4(m, x0, y0, x1, y1, x2, y2, x3, y3));
      v128.store(a + o1, row4(m + 64, x0, y0, x1, y1, x2, y2, x3, y3));
      v128.store(a + o2, row4(m + 128, x0, y0, x1, y1, x2, y2, x3, y3));
      v128.store(a + o3, row4(m + 192, x0, y0, x1, y1, x2, y2, x3, y3));
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
    for (; a < end; a += 16) {
      const x0 = v128.load(a), x1 = v128.load(a + o1), x2 = v128.load(a + o2), x3 = v128.load(a + o3);
      const y0 = timesI(x0), y1 = timesI(x1), y2 = timesI(x2), y3 = timesI(x3);
      v128.store(a, row4(m, x0, y0, x1, y1, x2, y2, x3, y3));
      v128.store(a + o1, row4(m + 64, x0, y0, x1, y1, x2, y2, x3, y3));
      v128.store(a + o2, row4(m + 128, x0, y0, x1, y1, x2, y2, x3, y3));
      v128.store(a + o3, row4(m + 192, x0, y0, x1, y1, x2, y2, x3, y3));
    }
  }
}

/** Diagonal of a 4x4 matrix at `m` (entries d_l = m[l][l]) on wires (q0, q1) under cmask, quads [lo, hi). */
@inline export function kernelDiag2(ptr: usize, q0: i32, q1: i32, cmask: u32, lo: u32, hi: u32, m: usize): void {
  const b0 = <u32>1 << q0, b1 = <u32>1 << q1;
  const mask = cmask | b0 | b1, run = mask & (~mask + 1);
  const o1 = (<usize>b1) << 4, o2 = (<usize>b0) << 4, o3 = o1 + o2;
  const r0 = v128.load64_splat(m), i0 = v128.load64_splat(m, 8);
  const r1 = v128.load64_splat(m, 80), i1 = v128.load64_splat(m, 88);
  const r2 = v128.load64_splat(m, 160), i2 = v128.load64_splat(m, 168);
  const r3 = v128.load64_splat(m, 240), i3 = v128.load64_splat(m, 248);
  if (run < 4) {
    // Short runs: step through the subspace by carrying over the mask bits, ((i | mask) + 1) & ~mask.
    const notMask = ~mask;
    let i = expand(lo, mask, 0);
    for (let j = lo; j < hi; j++) {
      const a = ptr + ((<usize>(i | cmask)) << 4);
      const x0 = v128.load(a), x1 = v128.load(a + o1), x2 = v128.load(a + o2), x3 = v128.load(a + o3);
      v128.store(a, f64x2.add(f64x2.mul(r0, x0), f64x2.mul(i0, timesI(x0))));
      v128.store(a + o1, f64x2.add(f64x2.mul(r1, x1), f64x2.mul(i1, timesI(x1))));
      v128.store(a + o2, f64x2.add(f64x2.mul(r2, x2), f64x2.mul(i2, timesI(x2))));
      v128.store(a + o3, f64x2.add(f64x2.mul(r3, x3), f64x2.mul(i3, timesI(x3))));
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
    for (; a < end; a += 16) {
      const x0 = v128.load(a), x1 = v128.load(a + o1), x2 = v128.load(a + o2), x3 = v128.load(a + o3);
      v128.store(a, f64x2.add(f64x2.mul(r0, x0), f64x2.mul(i0, timesI(x0))));
      v128.store(a + o1, f64x2.add(f64x2.mul(r1, x1), f64x2.mul(i1, timesI(x1))));
      v128.store(a + o2, f64x2.add(f64x2.mul(r2, x2), f64x2.mul(i2, timesI(x2))));
      v128.store(a + o3, f64x2.add(f64x2.mul(r3, x3), f64x2.mul(i3, timesI(x3))));
    }
  }
}

/** SWAP of wires (q0, q1) under cmask, quads [lo, hi): exchanges |01⟩ and |10⟩. */
@inline export function kernelSwap(ptr: usize, q0: i32, q1: i32, cmask: u32, lo: u32, hi: u32): void {
  const b0 = <u32>1 << q0, b1 = <u32>1 << q1;
  const mask = cmask | b0 | b1, run = mask & (~mask + 1);
  const o1 = (<usize>b1) << 4, o2 = (<usize>b0) << 4;
  if (run < 4) {
    // Short runs: step through the subspace by carrying over the mask bits, ((i | mask) + 1) & ~mask.
    const notMask = ~mask;
    let i = expand(lo, mask, 0);
    for (let j = lo; j < hi; j++) {
      const a = ptr + ((<usize>(i | cmask)) << 4);
      const x = v128.load(a + o1);
      v128.store(a + o1, v128.load(a + o2));
      v128.store(a + o2, x);
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
    for (; a < end; a += 16) {
      const x = v128.load(a + o1);
      v128.store(a + o1, v128.load(a + o2));
      v128.store(a + o2, x);
    }
  }
}

/**
 * The 2x2 matrices of k wires (8 f64 at mats + 64·w, qubit at wires + 4·w)  applied in order to the
 * amplitudes [lb, le): one cache block of the blocked forward pass (kernels.ts) and of the adjoint
 * tape's blocked sweeps (adjoint.ts).
 */
@inline export function applyBlock(lb: usize, le: usize, k: i32, mats: usize, wires: usize): void {
  for (let w = 0; w < k; w++) {
    const q = load<u32>(wires + 4 * w), m = mats + 64 * w;
    const r00 = v128.load64_splat(m), i00 = imagPair(load<f64>(m, 8)), r01 = v128.load64_splat(m, 16), i01 = imagPair(load<f64>(m, 24));
    const r10 = v128.load64_splat(m, 32), i10 = imagPair(load<f64>(m, 40)), r11 = v128.load64_splat(m, 48), i11 = imagPair(load<f64>(m, 56));
    const off = (<usize>16) << q;
    if (q == 0) {
      for (let a = lb; a < le; a += 32) {
        const x = v128.load(a), y = v128.load(a, 16), xs = swapLanes(x), ys = swapLanes(y);
        v128.store(a, f64x2.add(f64x2.add(f64x2.mul(r00, x), f64x2.mul(i00, xs)), f64x2.add(f64x2.mul(r01, y), f64x2.mul(i01, ys))));
        v128.store(a, f64x2.add(f64x2.add(f64x2.mul(r10, x), f64x2.mul(i10, xs)), f64x2.add(f64x2.mul(r11, y), f64x2.mul(i11, ys))), 16);
      }
      continue;
    }
    for (let c = lb; c < le; c += off << 1) {
      const ce = c + off;
      for (let a = c; a < ce; a += 16) {
        const x = v128.load(a), y = v128.load(a + off), xs = swapLanes(x), ys = swapLanes(y);
        v128.store(a, f64x2.add(f64x2.add(f64x2.mul(r00, x), f64x2.mul(i00, xs)), f64x2.add(f64x2.mul(r01, y), f64x2.mul(i01, ys))));
        v128.store(a + off, f64x2.add(f64x2.add(f64x2.mul(r10, x), f64x2.mul(i10, xs)), f64x2.add(f64x2.mul(r11, y), f64x2.mul(i11, ys))));
      }
    }
  }
}
