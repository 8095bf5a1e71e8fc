/**
 * Dispatch from a gate (shape, wires, matrix) to the fastest kernel that applies it.
 * Both backends go through here: the density matrix applies U on row qubits and conj(U) on
 * column qubits with the same kernels.
 */
import type { GateShape } from './gates.js';
import { apply1, apply2, applyDense, applyDiag1, applyDiagK, applySwap, applyX, DenseScratch } from './kernels.js';
import { simdApply1, simdApply2, simdDiag1, simdX } from './simd.js';

export class ApplyScratch {
  private dense = new Map<number, DenseScratch>();
  diag = new Float64Array(2 << 12);
  forQubits(k: number): DenseScratch {
    let s = this.dense.get(k);
    if (!s) { s = new DenseScratch(k); this.dense.set(k, s); }
    return s;
  }
}

export function applyGateMatrix(
  s: Float64Array, n: number, shape: GateShape, targets: ArrayLike<number>, m: Float64Array, cmask: number, scratch: ApplyScratch,
): void {
  const k = targets.length;
  // One- and two-qubit gates, controlled or not, on a state in the SIMD memory run in WebAssembly (simd.ts).
  if (k === 1) {
    const q = targets[0];
    if (shape === 'x' ? simdX(s, n, q, cmask) : shape === 'diag' ? simdDiag1(s, n, q, m[0], m[1], m[6], m[7], cmask) : shape !== 'swap' && simdApply1(s, n, q, m, cmask)) return;
  } else if (k === 2 && simdApply2(s, n, shape, targets[0], targets[1], m, cmask)) return;
  if (shape === 'x' && k === 1) return applyX(s, n, targets[0], cmask);
  if (shape === 'swap' && k === 2) return applySwap(s, n, targets[0], targets[1], cmask);
  if (shape === 'diag') {
    if (k === 1) return applyDiag1(s, n, targets[0], m[0], m[1], m[6], m[7], cmask);
    const D = 1 << k, d = scratch.diag;
    for (let l = 0; l < D; l++) { d[2 * l] = m[2 * (l * D + l)]; d[2 * l + 1] = m[2 * (l * D + l) + 1]; }
    return applyDiagK(s, n, targets, d, cmask);
  }
  if (k === 1) return apply1(s, n, targets[0], m, cmask);
  if (k === 2) return apply2(s, n, targets[0], targets[1], m, cmask);
  applyDense(s, n, targets, m, cmask, scratch.forQubits(k));
}

/** conj(m) into out. */
export function conjugateInto(m: Float64Array, out: Float64Array): Float64Array {
  for (let i = 0; i < m.length; i += 2) { out[i] = m[i]; out[i + 1] = -m[i + 1]; }
  return out;
}

/** The adjoint (conjugate transpose) of a D x D matrix into out. */
export function adjointInto(m: Float64Array, D: number, out: Float64Array): Float64Array {
  for (let r = 0; r < D; r++) for (let c = 0; c < D; c++) {
    out[2 * (c * D + r)] = m[2 * (r * D + c)];
    out[2 * (c * D + r) + 1] = -m[2 * (r * D + c) + 1];
  }
  return out;
}
