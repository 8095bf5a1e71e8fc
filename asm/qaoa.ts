/**
 * WebAssembly SIMD kernels of the QAOA fast path (src/optimize/qaoa/wasm.ts loads them into the same
 * shared memory as the simulator's kernels). Layout as in src/optimize/qaoa/kernels.ts: interleaved
 * complex f64 amplitudes, q[0] least significant, one amplitude = one v128 (re, im). Every export
 * works on an index range [lo, hi) so a thread team can split a pass.
 *
 * Complex arithmetic on a v128 z = (re, im): −i·z = (im, −re) = swap(z)·(1, −1), and the phase
 * e^{iθ}·z = cos θ·z + swap(z)·(−sin θ, sin θ).
 *
 * The X-mixer layer (FastQaoa.layer) runs the factored kernels: blockT8/blockT16 (phase and the low
 * qubits, cache-blocked, see below), then mix2t/mix1t on the high qubits. phase8/16, mix1 and mix2
 * with cos β and sin β serve the unfactored passes (gradients, β near ±π/2).
 */

@inline function swapLanes(x: v128): v128 {
  return v128.shuffle<f64>(x, x, 1, 0);
}

/** (a, b) as one v128. */
@inline function pair(a: f64, b: f64): v128 {
  return f64x2.replace_lane(f64x2.splat(a), 1, b);
}

/** e^{iθ_k}·z with cos/sin of level k read from the tables. */
@inline function phased(z: v128, k: u32, cosT: usize, sinT: usize): v128 {
  const c = load<f64>(cosT + (<usize>k << 3)), s = load<f64>(sinT + (<usize>k << 3));
  return f64x2.add(f64x2.mul(f64x2.splat(c), z), f64x2.mul(pair(-s, s), swapLanes(z)));
}

/** Phase layer over [lo, hi), the level index of T (u8 or u16) bytes per entry. */
@inline function phaseRange<T>(ptr: usize, idx: usize, cosT: usize, sinT: usize, lo: u32, hi: u32): void {
  for (let x = lo; x < hi; x++) {
    const a = ptr + (<usize>x << 4);
    v128.store(a, phased(v128.load(a), <u32>load<T>(idx + (<usize>x) * sizeof<T>()), cosT, sinT));
  }
}

/** Phase layer, one-byte level index. */
export function phase8(ptr: usize, idx: usize, cosT: usize, sinT: usize, lo: u32, hi: u32): void {
  phaseRange<u8>(ptr, idx, cosT, sinT, lo, hi);
}

/** Phase layer, two-byte level index. */
export function phase16(ptr: usize, idx: usize, cosT: usize, sinT: usize, lo: u32, hi: u32): void {
  phaseRange<u16>(ptr, idx, cosT, sinT, lo, hi);
}

/**
 * c·z + S·swap(w): one side of an X-rotation pair, with c = 1 skipped when `unit` (the factored
 * mixer, where cos β is folded into the phase table; the flag is a constant at every call, so the
 * multiply is compiled out).
 */
@inline function diag(C: v128, z: v128, unit: bool): v128 {
  return unit ? z : f64x2.mul(C, z);
}

@inline function mix1With(ptr: usize, q: u32, C: v128, S: v128, unit: bool, lo: u32, hi: u32): void {
  const low: u32 = (1 << q) - 1, off: usize = <usize>1 << (q + 4);
  for (let j = lo; j < hi;) {
    // One run of consecutive pairs (same bits above q) at a time, as in mix2With.
    const run = min(hi, (j | low) + 1);
    for (let a = ptr + (<usize>(((j & ~low) << 1) | (j & low)) << 4), end = a + (<usize>(run - j) << 4); a < end; a += 16) {
      const b = a + off, x = v128.load(a), y = v128.load(b);
      v128.store(a, f64x2.add(diag(C, x, unit), f64x2.mul(S, swapLanes(y))));
      v128.store(b, f64x2.add(diag(C, y, unit), f64x2.mul(S, swapLanes(x))));
    }
    j = run;
  }
}

/** e^{−iβX} on qubit q over pair indices [lo, hi) of 2^(n−1). */
export function mix1(ptr: usize, q: u32, c: f64, s: f64, lo: u32, hi: u32): void {
  mix1With(ptr, q, f64x2.splat(c), pair(s, -s), false, lo, hi);
}

/** The factored rotation I − i·t·X (t = tan β; cos β is in the phase table) on qubit q, pairs [lo, hi). */
export function mix1t(ptr: usize, q: u32, t: f64, lo: u32, hi: u32): void {
  mix1With(ptr, q, f64x2.splat(1), pair(t, -t), true, lo, hi);
}

/**
 * The four amplitudes of a quadruple at a, a+o1, a+o2, a+o1+o2 under (cI − isX) ⊗ (cI − isX):
 * diagonal c² (1 when `unit`, the factored form with c = 1, s = tan β), one flip −i·c·s, both flips −s².
 */
@inline function quad(a: usize, o1: usize, o2: usize, CC: v128, CS: v128, SS: v128, unit: bool): void {
  const z0 = v128.load(a), z1 = v128.load(a + o1), z2 = v128.load(a + o2), z3 = v128.load(a + o1 + o2);
  const m12 = f64x2.mul(CS, swapLanes(f64x2.add(z1, z2))), m03 = f64x2.mul(CS, swapLanes(f64x2.add(z0, z3)));
  v128.store(a, f64x2.sub(f64x2.add(diag(CC, z0, unit), m12), f64x2.mul(SS, z3)));
  v128.store(a + o1, f64x2.sub(f64x2.add(diag(CC, z1, unit), m03), f64x2.mul(SS, z2)));
  v128.store(a + o2, f64x2.sub(f64x2.add(diag(CC, z2, unit), m03), f64x2.mul(SS, z1)));
  v128.store(a + o1 + o2, f64x2.sub(f64x2.add(diag(CC, z3, unit), m12), f64x2.mul(SS, z0)));
}

@inline function mix2With(ptr: usize, q1: u32, q2: u32, CC: v128, CS: v128, SS: v128, unit: bool, lo: u32, hi: u32): void {
  const m1: u32 = (1 << q1) - 1, m2: u32 = (1 << (q2 - 1)) - 1;
  const o1: usize = <usize>1 << (q1 + 4), o2: usize = <usize>1 << (q2 + 4);
  if (q1 == 0) {
    // Runs of one quadruple: insert both zeros per index (bit 0 of x is always clear).
    for (let j = lo; j < hi; j++) {
      const x = ((j & ~m2) << 2) | ((j & m2) << 1);
      quad(ptr + (<usize>x << 4), o1, o2, CC, CS, SS, unit);
    }
    return;
  }
  for (let j = lo; j < hi;) {
    // Zeros inserted at q1, then at q2 (m2 covers the bits below q2 after the first insertion);
    // the quadruples of one run (same bits above q1) are consecutive, so only its start is derived.
    let x = ((j & ~m1) << 1) | (j & m1);
    x = ((x & ~(2 * m2 + 1)) << 1) | (x & (2 * m2 + 1));
    const run = min(hi, (j | m1) + 1);
    for (let a = ptr + (<usize>x << 4), end = a + (<usize>(run - j) << 4); a < end; a += 16) quad(a, o1, o2, CC, CS, SS, unit);
    j = run;
  }
}

/** e^{−iβX} on qubits q1 < q2 at once, over quadruple indices [lo, hi) of 2^(n−2). */
export function mix2(ptr: usize, q1: u32, q2: u32, c: f64, s: f64, lo: u32, hi: u32): void {
  mix2With(ptr, q1, q2, f64x2.splat(c * c), pair(c * s, -c * s), f64x2.splat(s * s), false, lo, hi);
}

/** The factored (I − itX) ⊗ (I − itX) on qubits q1 < q2, quadruples [lo, hi). */
export function mix2t(ptr: usize, q1: u32, q2: u32, t: f64, lo: u32, hi: u32): void {
  mix2With(ptr, q1, q2, f64x2.splat(1), pair(t, -t), f64x2.splat(t * t), true, lo, hi);
}

/*
 * The cache-blocked layer pass, factored: e^{−iβX} = cos β·(I − i·tan β·X) on every qubit, so
 * cos(β)^n is folded into the phase table (entry k at tab + 32k holds (ĉ, ĉ, −ŝ, ŝ) with
 * ĉ + iŝ = cos(β)^n·e^{iθ_k}) and each qubit costs one multiply and one add per amplitude component
 * instead of two multiplies. Inside a block (2^b amplitudes, in L2) the amplitudes are held split:
 * each 32-byte unit of two neighbours x, x+1 stores (re_x, re_x+1) then (im_x, im_x+1), so
 * −i·t·z needs no lane swap: re ← re + t·im', im ← im − t·re'. The first sweep phases, mixes
 * qubits 0 and 1 and splits; the last sweep interleaves again.
 */

/** Unit (R, I) back to two interleaved amplitudes when `back`, else as it is. */
@inline function storeUnit(a: usize, R: v128, I: v128, back: bool): void {
  if (back) {
    v128.store(a, v128.shuffle<f64>(R, I, 0, 2));
    v128.store(a, v128.shuffle<f64>(R, I, 1, 3), 16);
  } else {
    v128.store(a, R);
    v128.store(a, I, 16);
  }
}

/** e^{iθ_k}·cos(β)^n·z from the scaled table. */
@inline function phasedT(z: v128, tab: usize, k: u32): v128 {
  const e = tab + (<usize>k << 5);
  return f64x2.add(f64x2.mul(v128.load(e), z), f64x2.mul(v128.load(e, 16), swapLanes(z)));
}

/** Amplitudes 4j..4j+3 at a (interleaved, level index at k): phase, qubit 0, split, qubit 1. */
@inline function firstQuad<T>(a: usize, k: usize, tab: usize, T2: v128, tv: v128): void {
  const z0 = phasedT(v128.load(a), tab, <u32>load<T>(k)), z1 = phasedT(v128.load(a, 16), tab, <u32>load<T>(k + sizeof<T>()));
  const z2 = phasedT(v128.load(a, 32), tab, <u32>load<T>(k + 2 * sizeof<T>())), z3 = phasedT(v128.load(a, 48), tab, <u32>load<T>(k + 3 * sizeof<T>()));
  const y0 = f64x2.add(z0, f64x2.mul(T2, swapLanes(z1))), y1 = f64x2.add(z1, f64x2.mul(T2, swapLanes(z0)));
  const y2 = f64x2.add(z2, f64x2.mul(T2, swapLanes(z3))), y3 = f64x2.add(z3, f64x2.mul(T2, swapLanes(z2)));
  const R0 = v128.shuffle<f64>(y0, y1, 0, 2), I0 = v128.shuffle<f64>(y0, y1, 1, 3);
  const R1 = v128.shuffle<f64>(y2, y3, 0, 2), I1 = v128.shuffle<f64>(y2, y3, 1, 3);
  v128.store(a, f64x2.add(R0, f64x2.mul(tv, I1)));
  v128.store(a, f64x2.sub(I0, f64x2.mul(tv, R1)), 16);
  v128.store(a, f64x2.add(R1, f64x2.mul(tv, I0)), 32);
  v128.store(a, f64x2.sub(I1, f64x2.mul(tv, R0)), 48);
}

/** Split qubits q, q + 1 (q ≥ 2) over the block [base, base + bytes), four units at a time. */
@inline function pairSplit(base: usize, bytes: usize, q: u32, tv: v128, back: bool): void {
  const o1: usize = <usize>16 << q, o2: usize = o1 << 1;
  for (let g = base, end = base + bytes; g < end; g += o2 << 1) {
    for (let a = g, e = g + o1; a < e; a += 32) {
      const b = a + o1, c = a + o2, d = b + o2;
      const R0 = v128.load(a), I0 = v128.load(a, 16), R1 = v128.load(b), I1 = v128.load(b, 16);
      const R2 = v128.load(c), I2 = v128.load(c, 16), R3 = v128.load(d), I3 = v128.load(d, 16);
      // Qubit q pairs units (0, 1) and (2, 3); then qubit q + 1 pairs (0, 2) and (1, 3).
      const r0 = f64x2.add(R0, f64x2.mul(tv, I1)), i0 = f64x2.sub(I0, f64x2.mul(tv, R1));
      const r1 = f64x2.add(R1, f64x2.mul(tv, I0)), i1 = f64x2.sub(I1, f64x2.mul(tv, R0));
      const r2 = f64x2.add(R2, f64x2.mul(tv, I3)), i2 = f64x2.sub(I2, f64x2.mul(tv, R3));
      const r3 = f64x2.add(R3, f64x2.mul(tv, I2)), i3 = f64x2.sub(I3, f64x2.mul(tv, R2));
      storeUnit(a, f64x2.add(r0, f64x2.mul(tv, i2)), f64x2.sub(i0, f64x2.mul(tv, r2)), back);
      storeUnit(c, f64x2.add(r2, f64x2.mul(tv, i0)), f64x2.sub(i2, f64x2.mul(tv, r0)), back);
      storeUnit(b, f64x2.add(r1, f64x2.mul(tv, i3)), f64x2.sub(i1, f64x2.mul(tv, r3)), back);
      storeUnit(d, f64x2.add(r3, f64x2.mul(tv, i1)), f64x2.sub(i3, f64x2.mul(tv, r1)), back);
    }
  }
}

/** Split qubit q (q ≥ 1) over the block, two units at a time. */
@inline function oneSplit(base: usize, bytes: usize, q: u32, tv: v128, back: bool): void {
  const o: usize = <usize>16 << q;
  for (let g = base, end = base + bytes; g < end; g += o << 1) {
    for (let a = g, e = g + o; a < e; a += 32) {
      const b = a + o;
      const R0 = v128.load(a), I0 = v128.load(a, 16), R1 = v128.load(b), I1 = v128.load(b, 16);
      storeUnit(a, f64x2.add(R0, f64x2.mul(tv, I1)), f64x2.sub(I0, f64x2.mul(tv, R1)), back);
      storeUnit(b, f64x2.add(R1, f64x2.mul(tv, I0)), f64x2.sub(I1, f64x2.mul(tv, R0)), back);
    }
  }
}

@inline function blockPass<T>(ptr: usize, idx: usize, tab: usize, t: f64, b: u32, lo: u32, hi: u32): void {
  const T2 = pair(t, -t), tv = f64x2.splat(t);
  const bytes: usize = <usize>16 << b, quads: usize = <usize>1 << (b - 2);
  for (let B = lo; B < hi; B++) {
    const base = ptr + (<usize>B) * bytes, k0 = idx + ((<usize>B << b) * sizeof<T>());
    for (let j: usize = 0; j < quads; j++) firstQuad<T>(base + (j << 6), k0 + (j << 2) * sizeof<T>(), tab, T2, tv);
    let q: u32 = 2;
    for (; q + 1 < b; q += 2) {
      if (q + 2 == b) pairSplit(base, bytes, q, tv, true); else pairSplit(base, bytes, q, tv, false);
    }
    if (q < b) oneSplit(base, bytes, q, tv, true);
    else if (b == 2) {
      for (let a = base, end = base + bytes; a < end; a += 32) storeUnit(a, v128.load(a), v128.load(a, 16), true);
    }
  }
}

/**
 * One memory pass for the phase and the factored mixer on qubits 0..b−1, block by block (b ≥ 2;
 * block indices [lo, hi) of 2^(n−b)); one- or two-byte level index. The high qubits follow with
 * mix2t / mix1t.
 */
export function blockT8(ptr: usize, idx: usize, tab: usize, t: f64, b: u32, lo: u32, hi: u32): void {
  blockPass<u8>(ptr, idx, tab, t, b, lo, hi);
}

export function blockT16(ptr: usize, idx: usize, tab: usize, t: f64, b: u32, lo: u32, hi: u32): void {
  blockPass<u16>(ptr, idx, tab, t, b, lo, hi);
}
