/**
 * WebAssembly SIMD kernels of the QAOA fast path (src/optimize/qaoa/wasm.ts loads them into the same
 * shared memory as the simulator's kernels). Layout as in src/optimize/qaoa/kernels.ts: interleaved
 * complex f64 amplitudes, q[0] least significant, one amplitude = one v128 (re, im). Every export
 * works on an index range [lo, hi) so a thread team can split a pass.
 *
 * Complex arithmetic on a v128 z = (re, im): −i·z = (im, −re) = swap(z)·(1, −1), and the phase
 * e^{iθ}·z = cos θ·z + swap(z)·(−sin θ, sin θ).
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

/** Phase layer, one-byte level index. */
export function phase8(ptr: usize, idx: usize, cosT: usize, sinT: usize, lo: u32, hi: u32): void {
  for (let x = lo; x < hi; x++) {
    const a = ptr + (<usize>x << 4);
    v128.store(a, phased(v128.load(a), load<u8>(idx + x), cosT, sinT));
  }
}

/** Phase layer, two-byte level index. */
export function phase16(ptr: usize, idx: usize, cosT: usize, sinT: usize, lo: u32, hi: u32): void {
  for (let x = lo; x < hi; x++) {
    const a = ptr + (<usize>x << 4);
    v128.store(a, phased(v128.load(a), load<u16>(idx + (<usize>x << 1)), cosT, sinT));
  }
}

/** e^{−iβX} on qubit q over pair indices [lo, hi) of 2^(n−1). */
export function mix1(ptr: usize, q: u32, c: f64, s: f64, lo: u32, hi: u32): void {
  const low: u32 = (1 << q) - 1, off: usize = <usize>1 << (q + 4);
  const C = f64x2.splat(c), S = pair(s, -s);
  for (let j = lo; j < hi; j++) {
    const a = ptr + (<usize>(((j & ~low) << 1) | (j & low)) << 4), b = a + off;
    const x = v128.load(a), y = v128.load(b);
    v128.store(a, f64x2.add(f64x2.mul(C, x), f64x2.mul(S, swapLanes(y))));
    v128.store(b, f64x2.add(f64x2.mul(C, y), f64x2.mul(S, swapLanes(x))));
  }
}

/** The four amplitudes of a quadruple at a, a+o1, a+o2, a+o1+o2 under (cI − isX) ⊗ (cI − isX). */
@inline function quad(a: usize, o1: usize, o2: usize, CC: v128, CS: v128, SS: v128): void {
  const z0 = v128.load(a), z1 = v128.load(a + o1), z2 = v128.load(a + o2), z3 = v128.load(a + o1 + o2);
  store4(a, o1, o2, z0, z1, z2, z3, CC, CS, SS);
}

@inline function store4(a: usize, o1: usize, o2: usize, z0: v128, z1: v128, z2: v128, z3: v128, CC: v128, CS: v128, SS: v128): void {
  // Diagonal c², one flip −i·c·s, both flips −s².
  const m12 = f64x2.mul(CS, swapLanes(f64x2.add(z1, z2))), m03 = f64x2.mul(CS, swapLanes(f64x2.add(z0, z3)));
  v128.store(a, f64x2.sub(f64x2.add(f64x2.mul(CC, z0), m12), f64x2.mul(SS, z3)));
  v128.store(a + o1, f64x2.sub(f64x2.add(f64x2.mul(CC, z1), m03), f64x2.mul(SS, z2)));
  v128.store(a + o2, f64x2.sub(f64x2.add(f64x2.mul(CC, z2), m03), f64x2.mul(SS, z1)));
  v128.store(a + o1 + o2, f64x2.sub(f64x2.add(f64x2.mul(CC, z3), m12), f64x2.mul(SS, z0)));
}

/** e^{−iβX} on qubits q1 < q2 at once, over quadruple indices [lo, hi) of 2^(n−2). */
export function mix2(ptr: usize, q1: u32, q2: u32, c: f64, s: f64, lo: u32, hi: u32): void {
  const m1: u32 = (1 << q1) - 1, m2: u32 = (1 << (q2 - 1)) - 1;
  const o1: usize = <usize>1 << (q1 + 4), o2: usize = <usize>1 << (q2 + 4);
  const CC = f64x2.splat(c * c), CS = pair(c * s, -c * s), SS = f64x2.splat(s * s);
  for (let j = lo; j < hi; j++) {
    // Zeros inserted at q1, then at q2 (m2 covers the bits below q2 after the first insertion).
    let x = ((j & ~m1) << 1) | (j & m1);
    x = ((x & ~(2 * m2 + 1)) << 1) | (x & (2 * m2 + 1));
    quad(ptr + (<usize>x << 4), o1, o2, CC, CS, SS);
  }
}

/**
 * The phase layer fused into the mixer pass on qubits 0 and 1: the quadruple x = 4j..4j+3 is
 * phased and mixed while it sits in registers, saving one pass over the state. One-byte index.
 */
export function phaseMix01u8(ptr: usize, idx: usize, cosT: usize, sinT: usize, c: f64, s: f64, lo: u32, hi: u32): void {
  const CC = f64x2.splat(c * c), CS = pair(c * s, -c * s), SS = f64x2.splat(s * s);
  for (let j = lo; j < hi; j++) {
    const a = ptr + (<usize>j << 6), k = idx + (<usize>j << 2);
    const z0 = phased(v128.load(a), load<u8>(k), cosT, sinT), z1 = phased(v128.load(a + 16), load<u8>(k + 1), cosT, sinT);
    const z2 = phased(v128.load(a + 32), load<u8>(k + 2), cosT, sinT), z3 = phased(v128.load(a + 48), load<u8>(k + 3), cosT, sinT);
    store4(a, 16, 32, z0, z1, z2, z3, CC, CS, SS);
  }
}

/** The same with a two-byte index. */
export function phaseMix01u16(ptr: usize, idx: usize, cosT: usize, sinT: usize, c: f64, s: f64, lo: u32, hi: u32): void {
  const CC = f64x2.splat(c * c), CS = pair(c * s, -c * s), SS = f64x2.splat(s * s);
  for (let j = lo; j < hi; j++) {
    const a = ptr + (<usize>j << 6), k = idx + (<usize>j << 3);
    const z0 = phased(v128.load(a), load<u16>(k), cosT, sinT), z1 = phased(v128.load(a + 16), load<u16>(k + 2), cosT, sinT);
    const z2 = phased(v128.load(a + 32), load<u16>(k + 4), cosT, sinT), z3 = phased(v128.load(a + 48), load<u16>(k + 6), cosT, sinT);
    store4(a, 16, 32, z0, z1, z2, z3, CC, CS, SS);
  }
}

/**
 * Cache-blocked low qubits (as qsim and Qulacs block their gates): for each block of 2^b consecutive
 * amplitudes (chosen to fit in L2), the phase fused with the mixer on qubits 0 and 1, then the mixer
 * on qubits 2..b−1 in pairs, all while the block is in cache: one pass over memory for the phase and
 * b mixer rotations. Block indices [lo, hi) of 2^(n−b); b ≥ 2; `wide` selects the two-byte index.
 */
export function phaseMixBlock(ptr: usize, idx: usize, cosT: usize, sinT: usize, wide: bool, c: f64, s: f64, b: u32, lo: u32, hi: u32): void {
  for (let B = lo; B < hi; B++) {
    const j0: u32 = B << (b - 2), j1: u32 = (B + 1) << (b - 2);
    if (wide) phaseMix01u16(ptr, idx, cosT, sinT, c, s, j0, j1); else phaseMix01u8(ptr, idx, cosT, sinT, c, s, j0, j1);
    let q: u32 = 2;
    for (; q + 1 < b; q += 2) mix2(ptr, q, q + 1, c, s, j0, j1);
    if (q < b) mix1(ptr, q, c, s, B << (b - 1), (B + 1) << (b - 1));
  }
}
