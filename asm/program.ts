/**
 * A circuit interpreter: a whole compiled circuit (src/sim/wasm-program.ts builds the op list)
 * applied to one state in one call, angles evaluated and matrices built here, so a small circuit
 * (8 qubits = 4 KiB of state, in L1) costs its arithmetic and no JavaScript round trip per gate.
 *
 * Op list: 8 i32 per op, addresses are absolute byte offsets in this memory.
 *   FILL_ROT [1, slot, angle, gen, D]  slot ← cos(θ/2)·I − i·sin(θ/2)·G for the D×D generator at gen
 *   FILL_P   [2, slot, angle]          slot ← diag(1, e^{iλ})
 *   FILL_U3  [3, slot, θ, φ, λ]        slot ← U3(θ, φ, λ) (OpenQASM 2), three angle records
 *   MUL1     [4, dst, a, b]            dst ← a·b (2x2), for fusing consecutive gates on one qubit
 *   APPLY1   [5, slot, q, cmask]       2x2 at slot (real kernel when its imaginary parts are 0)
 *   DIAG1    [6, slot, q, cmask]       diagonal of the 2x2 at slot
 *   X        [7, 0, q, cmask]
 *   APPLY2   [8, slot, q0, q1, cmask]  4x4 at slot, q0 most significant
 *   DIAG2    [9, slot, q0, q1, cmask]
 *   SWAP     [10, 0, q0, q1, cmask]
 *   PERM     [11, table, scratch]      amplitude j ← amplitude at byte offset table[j] (u32), via scratch
 * Angle record: i32 term count at +0, f64 offset at +8, then per term 24 bytes: i32 source
 * (0 parameter, 1 input), i32 index, i32 second input index or −1, f64 coefficient at +16.
 */
import { imagPair, kernel1, kernel1Real, kernelDiag1, kernelX, kernel2, kernelDiag2, kernelSwap } from './common';

@inline function angle(rec: usize, params: usize, inputs: usize): f64 {
  const count = load<i32>(rec);
  let v = load<f64>(rec, 8);
  for (let t = 0; t < count; t++) {
    const term = rec + 16 + <usize>t * 24;
    const idx = <usize>load<i32>(term, 4), times = load<i32>(term, 8);
    let x = load<i32>(term) == 0 ? load<f64>(params + (idx << 3)) : load<f64>(inputs + (idx << 3));
    if (times >= 0) x *= load<f64>(inputs + ((<usize>times) << 3));
    v += load<f64>(term, 16) * x;
  }
  return v;
}

@inline function pairs(n: i32, k: i32, cmask: u32): u32 {
  return <u32>1 << (n - k - <i32>popcnt(cmask));
}

function fillRotation(slot: usize, theta: f64, gen: usize, D: i32): void {
  NativeMath.sincos(theta / 2);
  const a = NativeMath.sincos_cos, b = NativeMath.sincos_sin;
  if (D == 2) {
    // One-qubit rotations (the common case), written out.
    for (let e = 0; e < 4; e++) {
      const g = gen + (<usize>e << 4), o = slot + (<usize>e << 4);
      store<f64>(o, (e == 0 || e == 3 ? a : 0.0) + b * load<f64>(g, 8));
      store<f64>(o, -b * load<f64>(g), 8);
    }
    return;
  }
  const N = D * D;
  for (let e = 0; e < N; e++) {
    const gr = load<f64>(gen + (<usize>e << 4)), gi = load<f64>(gen + (<usize>e << 4), 8);
    // a·δ − i·b·(gr + i·gi) = (a·δ + b·gi) − i·b·gr
    const diag = (e % (D + 1)) == 0 ? a : 0.0;
    store<f64>(slot + (<usize>e << 4), diag + b * gi);
    store<f64>(slot + (<usize>e << 4), -b * gr, 8);
  }
}

function fillU3(slot: usize, t: f64, f: f64, l: f64): void {
  const c = Math.cos(t / 2), s = Math.sin(t / 2);
  store<f64>(slot, c); store<f64>(slot, 0.0, 8);
  store<f64>(slot, -Math.cos(l) * s, 16); store<f64>(slot, -Math.sin(l) * s, 24);
  store<f64>(slot, Math.cos(f) * s, 32); store<f64>(slot, Math.sin(f) * s, 40);
  store<f64>(slot, Math.cos(f + l) * c, 48); store<f64>(slot, Math.sin(f + l) * c, 56);
}

/** dst ← a·b for 2x2 complex matrices (dst distinct from a and b). */
function mul2(dst: usize, a: usize, b: usize): void {
  for (let r = 0; r < 2; r++) for (let c = 0; c < 2; c++) {
    let re = 0.0, im = 0.0;
    for (let k = 0; k < 2; k++) {
      const x = a + (<usize>(2 * r + k) << 4), y = b + (<usize>(2 * k + c) << 4);
      const xr = load<f64>(x), xi = load<f64>(x, 8), yr = load<f64>(y), yi = load<f64>(y, 8);
      re += xr * yr - xi * yi;
      im += xr * yi + xi * yr;
    }
    store<f64>(dst + (<usize>(2 * r + c) << 4), re);
    store<f64>(dst + (<usize>(2 * r + c) << 4), im, 8);
  }
}

function apply1At(state: usize, n: i32, q: i32, cmask: u32, m: usize): void {
  const hi = pairs(n, 1, cmask);
  const m00r = load<f64>(m), m00i = load<f64>(m, 8), m01r = load<f64>(m, 16), m01i = load<f64>(m, 24);
  const m10r = load<f64>(m, 32), m10i = load<f64>(m, 40), m11r = load<f64>(m, 48), m11i = load<f64>(m, 56);
  if (m00i == 0.0 && m01i == 0.0 && m10i == 0.0 && m11i == 0.0) {
    kernel1Real(state, q, cmask, 0, hi, f64x2.splat(m00r), f64x2.splat(m01r), f64x2.splat(m10r), f64x2.splat(m11r));
  } else {
    kernel1(state, q, cmask, 0, hi,
      f64x2.splat(m00r), imagPair(m00i), f64x2.splat(m01r), imagPair(m01i),
      f64x2.splat(m10r), imagPair(m10i), f64x2.splat(m11r), imagPair(m11i));
  }
}

/** Runs `count` ops on the n-qubit state at `state`, angles read from the parameter and input rows. */
export function runOps(ops: usize, count: i32, home: usize, n: i32, params: usize, inputs: usize): void {
  let state = home;
  for (let k = 0; k < count; k++) {
    const op = ops + (<usize>k << 5);
    const code = load<i32>(op), slot = <usize>load<i32>(op, 4);
    switch (code) {
      case 1:
        fillRotation(slot, angle(<usize>load<i32>(op, 8), params, inputs), <usize>load<i32>(op, 12), load<i32>(op, 16));
        break;
      case 2: {
        NativeMath.sincos(angle(<usize>load<i32>(op, 8), params, inputs));
        store<f64>(slot, 1.0); store<f64>(slot, 0.0, 8);
        store<f64>(slot, 0.0, 16); store<f64>(slot, 0.0, 24);
        store<f64>(slot, 0.0, 32); store<f64>(slot, 0.0, 40);
        store<f64>(slot, NativeMath.sincos_cos, 48); store<f64>(slot, NativeMath.sincos_sin, 56);
        break;
      }
      case 3:
        fillU3(slot, angle(<usize>load<i32>(op, 8), params, inputs), angle(<usize>load<i32>(op, 12), params, inputs), angle(<usize>load<i32>(op, 16), params, inputs));
        break;
      case 4:
        mul2(slot, <usize>load<i32>(op, 8), <usize>load<i32>(op, 12));
        break;
      case 5:
        apply1At(state, n, load<i32>(op, 8), load<u32>(op, 12), slot);
        break;
      case 6: {
        const cmask = load<u32>(op, 12);
        kernelDiag1(state, load<i32>(op, 8), cmask, 0, pairs(n, 1, cmask), load<f64>(slot), load<f64>(slot, 8), load<f64>(slot, 48), load<f64>(slot, 56));
        break;
      }
      case 7: {
        const cmask = load<u32>(op, 12);
        kernelX(state, load<i32>(op, 8), cmask, 0, pairs(n, 1, cmask));
        break;
      }
      case 8: {
        const cmask = load<u32>(op, 16);
        kernel2(state, load<i32>(op, 8), load<i32>(op, 12), cmask, 0, pairs(n, 2, cmask), slot);
        break;
      }
      case 9: {
        const cmask = load<u32>(op, 16);
        kernelDiag2(state, load<i32>(op, 8), load<i32>(op, 12), cmask, 0, pairs(n, 2, cmask), slot);
        break;
      }
      case 10: {
        const cmask = load<u32>(op, 16);
        kernelSwap(state, load<i32>(op, 8), load<i32>(op, 12), cmask, 0, pairs(n, 2, cmask));
        break;
      }
      case 11: {
        // A run of controlled-X/SWAP gates as one gather (the state is small: n ≤ 12) into the
        // other buffer, which then holds the state: no copy back until the end.
        const other = state == home ? <usize>load<i32>(op, 8) : home, N = <usize>1 << n;
        for (let j: usize = 0; j < N; j++) v128.store(other + (j << 4), v128.load(state + <usize>load<u32>(slot + (j << 2))));
        state = other;
        break;
      }
      default:
        break;
    }
  }
  if (state != home) memory.copy(home, state, (<usize>16) << n);
}
