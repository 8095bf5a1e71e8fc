/**
 * Forward execution with single-qubit gate fusion: consecutive uncontrolled one-qubit gates on a
 * wire are multiplied into one 2x2 matrix and applied in one pass when another gate touches that
 * wire (or at the end). Exact (matrix products only reorder floating-point rounding); used for
 * noiseless forward passes, where a layer of RY·RZ becomes one pass over the state instead of two.
 *
 * Cache blocking on top: when a wire below BLOCK_QUBITS must be flushed, every pending wire below
 * BLOCK_QUBITS is flushed with it in one blocked SIMD pass (each 16 KiB block gets all their
 * matrices while it sits in L1), so a layer's low wires cost one pass over memory, not one each.
 * Flushing a wire early is exact: its pending product commutes with the gates on other wires.
 */
import { ApplyScratch } from './apply.js';
import { apply1, applyDiag1 } from './kernels.js';
import { BLOCK_QUBITS, simdApply1, simdApply1Blocked, simdDiag1, simdPointer } from './simd.js';
import { prepareGate, type Program } from './program.js';
import type { Statevector } from './statevector.js';

export class FusedRunner {
  private pending: Float64Array;
  private mats: Float64Array[];
  private has: Uint8Array;
  private tmp = new Float64Array(8);
  private lowWires: number[] = [];
  private lowMats = new Float64Array(8 * BLOCK_QUBITS);
  readonly scratch = new ApplyScratch();
  /** Off to compare against one pass per wire (tests, bench). */
  blocked = true;

  constructor(readonly prog: Program) {
    this.pending = new Float64Array(8 * prog.numQubits);
    this.mats = Array.from({ length: prog.numQubits }, () => new Float64Array(8));
    this.has = new Uint8Array(prog.numQubits);
  }

  /** Runs a noiseless, measurement-at-the-end program on sv (which must start in the desired state). */
  run(sv: Statevector, params: ArrayLike<number>, inputs: ArrayLike<number>): void {
    const instrs = this.prog.instrs, n = sv.n;
    const P = this.pending, has = this.has, t = this.tmp;
    has.fill(0);
    for (let k = 0; k < instrs.length; k++) {
      const ins = instrs[k];
      if (ins.kind !== 'gate') continue;
      prepareGate(ins, params, inputs);
      if (ins.targets.length === 1 && ins.cmask === 0) {
        const q = ins.targets[0], o = 8 * q, m = ins.matrix;
        if (!has[q]) { for (let i = 0; i < 8; i++) P[o + i] = m[i]; has[q] = 1; continue; }
        // pending ← m · pending
        for (let r = 0; r < 2; r++) for (let c = 0; c < 2; c++) {
          const ar = m[4 * r], ai = m[4 * r + 1], br = m[4 * r + 2], bi = m[4 * r + 3];
          const xr = P[o + 2 * c], xi = P[o + 2 * c + 1], yr = P[o + 4 + 2 * c], yi = P[o + 4 + 2 * c + 1];
          t[4 * r + 2 * c] = ar * xr - ai * xi + br * yr - bi * yi;
          t[4 * r + 2 * c + 1] = ar * xi + ai * xr + br * yi + bi * yr;
        }
        for (let i = 0; i < 8; i++) P[o + i] = t[i];
        continue;
      }
      let low = false;
      for (const q of ins.targets) if (has[q]) { if (this.useBlocks(sv, q)) low = true; else this.flush(sv, q); }
      for (const q of ins.controls) if (has[q]) { if (this.useBlocks(sv, q)) low = true; else this.flush(sv, q); }
      if (low) this.flushLow(sv);
      sv.applyGate(ins, this.scratch);
    }
    if (this.useBlocks(sv, 0)) this.flushLow(sv);
    for (let q = 0; q < n; q++) if (has[q]) this.flush(sv, q);
  }

  private useBlocks(sv: Statevector, q: number): boolean {
    return this.blocked && q < BLOCK_QUBITS && sv.n > BLOCK_QUBITS && simdPointer(sv.data) >= 0;
  }

  /** Every pending wire below BLOCK_QUBITS in one cache-blocked pass (one wire alone: its own kernel). */
  private flushLow(sv: Statevector): void {
    const w = this.lowWires, M = this.lowMats, P = this.pending;
    w.length = 0;
    for (let q = 0; q < BLOCK_QUBITS && q < sv.n; q++) {
      if (!this.has[q]) continue;
      for (let i = 0; i < 8; i++) M[8 * w.length + i] = P[8 * q + i];
      w.push(q);
    }
    if (w.length === 1) { this.flush(sv, w[0]); return; }
    if (w.length === 0) return;
    // With a team the blocks are split across its threads (the same kernel on each block).
    const done = (sv.team && sv.team.applyBlocked(sv.data, sv.n, w, w.length, M)) || simdApply1Blocked(sv.data, sv.n, w, w.length, M);
    if (!done) { for (const q of w) this.flush(sv, q); return; }
    for (const q of w) this.has[q] = 0;
  }

  private flush(sv: Statevector, q: number): void {
    const P = this.pending, o = 8 * q, s = sv.data, n = sv.n;
    this.has[q] = 0;
    const m = this.mats[q];
    for (let i = 0; i < 8; i++) m[i] = P[o + i];
    const diag = m[2] === 0 && m[3] === 0 && m[4] === 0 && m[5] === 0;
    if (sv.team && sv.applyParallel(diag ? 'diag' : 'dense', q, m, 0)) return;
    if (diag) { if (!simdDiag1(s, n, q, m[0], m[1], m[6], m[7])) applyDiag1(s, n, q, m[0], m[1], m[6], m[7], 0); }
    else if (!simdApply1(s, n, q, m)) apply1(s, n, q, m, 0);
  }
}
