/**
 * The density-matrix backend's state. ρ is stored vectorised as a 2n-qubit "statevector":
 * entry (row r, column c) sits at index r + c·2^n. Then UρU† is U on the row qubits and conj(U) on
 * the column qubits, and a channel Σ K ρ K† is one superoperator Σ K ⊗ conj(K) on (row, column)
 * wires, so the statevector kernels serve both backends.
 *
 * @example
 * import { DensityMatrix } from 'qml6g';
 * const rho = DensityMatrix.zero(2);
 * rho.trace(); // 1
 */
import { QmlError } from '../core/errors.js';
import { ApplyScratch, applyGateMatrix, conjugateInto } from './apply.js';
import { marginalOf } from './kernels.js';
import { checkStateMemory } from './memory.js';
import { compileObservable, expectationDM, type Observable } from './observable.js';
import { gateWires, prepareGate, type AngleShift, type GateInstr, type Program } from './program.js';
import type { CompiledNoise, NoiseStep } from './noise.js';
import { allocAmplitudes, simdApplyPtm, simdDepolarize } from './simd.js';
import type { Statevector } from './statevector.js';

const NO_STEPS: NoiseStep[] = [];

export class DensityMatrix {
  readonly n: number;
  readonly data: Float64Array;
  private conj = new Float64Array(2 << 12);
  private wires2: number[] = [];

  constructor(n: number, data?: Float64Array) {
    if (!Number.isInteger(n) || n < 1) throw new QmlError(`qubit count must be a positive integer, got ${n}`);
    if (!data) checkStateMemory(4 ** n, `a ${n}-qubit density matrix`);
    this.n = n;
    // In the SIMD kernels' memory when they run (simd.ts), so the 2n-qubit kernels apply to it.
    this.data = data ?? allocAmplitudes(2 * 4 ** n);
    if (!data) this.data[0] = 1;
  }

  static zero(n: number): DensityMatrix {
    return new DensityMatrix(n);
  }

  /** |ψ⟩⟨ψ| scaled by weight, added into this matrix. */
  addPure(sv: Statevector, weight = 1): void {
    const N = 2 ** this.n, s = sv.data, d = this.data;
    for (let c = 0; c < N; c++) {
      const cr = s[2 * c], ci = -s[2 * c + 1];
      if (cr === 0 && ci === 0) continue;
      for (let r = 0; r < N; r++) {
        const rr = s[2 * r], ri = s[2 * r + 1], idx = 2 * (r + c * N);
        d[idx] += weight * (rr * cr - ri * ci);
        d[idx + 1] += weight * (rr * ci + ri * cr);
      }
    }
  }

  clone(): DensityMatrix {
    const d = allocAmplitudes(this.data.length);
    d.set(this.data);
    return new DensityMatrix(this.n, d);
  }

  applyGate(ins: GateInstr, scratch: ApplyScratch): void {
    const n = this.n, shift = 2 ** n;
    applyGateMatrix(this.data, 2 * n, ins.def.shape, ins.targets, ins.matrix, ins.cmask, scratch);
    const colTargets = this.shifted(ins.targets);
    const m = ins.def.shape === 'x' || ins.def.shape === 'swap' ? ins.matrix : conjugateInto(ins.matrix, this.conj);
    applyGateMatrix(this.data, 2 * n, ins.def.shape, colTargets, m, ins.cmask * shift, scratch);
  }

  /** Superoperators (4x4 on (q, q + n)) composed per wire and not yet applied; see runFused. */
  private pend: Float64Array[] = [];
  private pendSet: boolean[] = [];
  private sup = new Float64Array(32);
  private prod = new Float64Array(32);
  private pair: number[] = [0, 0];
  private ptmK = new Float64Array(16);

  /**
   * Runs a program without mid-circuit operations. Each uncontrolled one-qubit gate U and the
   * one-qubit channels after it are one 4x4 superoperator on the wire pair (q, q + n) (U ⊗ conj(U),
   * then each channel's Σ K ⊗ conj(K)), composed with what is already pending on that wire and
   * applied in one pass only when a multi-qubit gate or channel touches the wire, or at the end.
   * Operations on other wires commute with a pending superoperator, so the result is the
   * gate-by-gate one; a layer of rotations with noise costs one pass per wire instead of three or
   * more per gate (one for U, one for conj(U), one per channel).
   */
  runFused(prog: Program, params: ArrayLike<number>, inputs: ArrayLike<number>, noise: CompiledNoise | undefined, shift: AngleShift | undefined, scratch: ApplyScratch): void {
    const n = this.n, instrs = prog.instrs;
    for (let q = this.pend.length; q < n; q++) { this.pend.push(new Float64Array(32)); this.pendSet.push(false); }
    for (let k = 0; k < instrs.length; k++) {
      const ins = instrs[k];
      if (ins.kind !== 'gate') continue;
      if (shift && shift.instr === k) prepareGate(ins, params, inputs, shift.delta, shift.slot);
      else prepareGate(ins, params, inputs);
      const steps = noise ? noise.after(ins.name, gateWires(ins)) : NO_STEPS;
      if (ins.targets.length === 1 && ins.cmask === 0 && steps.every((st) => st.wires.length === 1 && st.wires[0] === ins.targets[0])) {
        const q = ins.targets[0], m = ins.matrix, S = this.sup;
        // (U ⊗ conj U)[(a,b),(c,d)] = U[a][c]·conj(U[b][d]); row bit a most significant.
        for (let a = 0; a < 2; a++) for (let b = 0; b < 2; b++) for (let c = 0; c < 2; c++) for (let d = 0; d < 2; d++) {
          const ur = m[2 * (2 * a + c)], ui = m[2 * (2 * a + c) + 1], vr = m[2 * (2 * b + d)], vi = -m[2 * (2 * b + d) + 1];
          const idx = 2 * (4 * (2 * a + b) + 2 * c + d);
          S[idx] = ur * vr - ui * vi;
          S[idx + 1] = ur * vi + ui * vr;
        }
        this.pendMul(q, S);
        for (const st of steps) this.pendMul(q, st.kraus.superop);
        continue;
      }
      for (const w of ins.targets) this.flush(w, scratch);
      for (const w of ins.controls) this.flush(w, scratch);
      this.applyGate(ins, scratch);
      for (const st of steps) {
        if (st.wires.length === 1) { this.pendMul(st.wires[0], st.kraus.superop); continue; }
        for (const w of st.wires) this.flush(w, scratch);
        this.applyNoise(st, scratch);
      }
    }
    for (let q = 0; q < n; q++) this.flush(q, scratch);
  }

  /**
   * The reference path: every gate as U on the row wires and conj(U) on the column wires, every
   * channel after it in turn, nothing composed. runFused must give the same matrix (tests) and
   * the bench times both.
   */
  runGateByGate(prog: Program, params: ArrayLike<number>, inputs: ArrayLike<number>, noise: CompiledNoise | undefined, scratch: ApplyScratch): void {
    for (const ins of prog.instrs) {
      if (ins.kind !== 'gate') continue;
      prepareGate(ins, params, inputs);
      this.applyGate(ins, scratch);
      if (noise) for (const st of noise.after(ins.name, gateWires(ins))) this.applyNoise(st, scratch);
    }
  }

  /** pend[q] ← S · pend[q] (S itself when nothing is pending). */
  private pendMul(q: number, S: Float64Array): void {
    const P = this.pend[q];
    if (!this.pendSet[q]) { P.set(S.subarray(0, 32)); this.pendSet[q] = true; return; }
    const out = this.prod;
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) {
      let re = 0, im = 0;
      for (let l = 0; l < 4; l++) {
        const ar = S[2 * (4 * i + l)], ai = S[2 * (4 * i + l) + 1], br = P[2 * (4 * l + j)], bi = P[2 * (4 * l + j) + 1];
        re += ar * br - ai * bi;
        im += ar * bi + ai * br;
      }
      out[2 * (4 * i + j)] = re;
      out[2 * (4 * i + j) + 1] = im;
    }
    P.set(out);
  }

  /** Applies what is pending on wire q in one pass (the diagonal kernel when it is diagonal). */
  private flush(q: number, scratch: ApplyScratch): void {
    if (!this.pendSet[q]) return;
    this.pendSet[q] = false;
    const P = this.pend[q];
    let diag = true;
    for (let i = 0; i < 4 && diag; i++) for (let j = 0; j < 4; j++) if (i !== j && (P[2 * (4 * i + j)] !== 0 || P[2 * (4 * i + j) + 1] !== 0)) { diag = false; break; }
    if (!diag && !isRealMatrix(P) && ptmHalf(P, this.ptmK) && simdApplyPtm(this.data, this.n, q, this.ptmK)) return;
    this.pair[0] = q;
    this.pair[1] = q + this.n;
    applyGateMatrix(this.data, 2 * this.n, diag ? 'diag' : 'dense', this.pair, P, 0, scratch);
  }

  private shifted(wires: number[]): number[] {
    const w = this.wires2;
    w.length = wires.length;
    for (let i = 0; i < wires.length; i++) w[i] = wires[i] + this.n;
    return w;
  }

  /** ρ → Σ K ρ K† through the channel's superoperator on (row wires, column wires). */
  applyNoise(step: NoiseStep, scratch: ApplyScratch): void {
    if (step.kraus.depolarizing !== undefined) {
      if (!simdDepolarize(this.data, this.n, step.wires, step.kraus.depolarizing)) this.depolarize(step.wires, step.kraus.depolarizing);
      return;
    }
    const wires = [...step.wires, ...step.wires.map((w) => w + this.n)];
    // One-qubit channels are a 4x4 superoperator on (q, q + n): the specialised two-qubit kernel.
    applyGateMatrix(this.data, 2 * this.n, 'dense', wires, step.kraus.superop, 0, scratch);
  }

  /**
   * Depolarising on `wires` in one pass: every block over the channel's qubits becomes
   * (1−p)·block + p·(I/d)·Tr(block) — the same map as its Kraus sum, without the d² operators.
   */
  depolarize(wires: number[], p: number): void {
    const n = this.n, N = 2 ** n, k = wires.length, D = 1 << k, d = this.data;
    let mask = 0;
    for (const w of wires) mask += 2 ** w;
    const off = this.depOffsets(wires);
    for (let c0 = 0; c0 < N; c0++) {
      if (c0 & mask) continue;
      for (let r0 = 0; r0 < N; r0++) {
        if (r0 & mask) continue;
        let tr = 0, ti = 0;
        for (let i = 0; i < D; i++) { const idx = 2 * (r0 + off[i] + (c0 + off[i]) * N); tr += d[idx]; ti += d[idx + 1]; }
        for (let i = 0; i < D; i++) for (let j = 0; j < D; j++) {
          const idx = 2 * (r0 + off[i] + (c0 + off[j]) * N);
          d[idx] *= 1 - p; d[idx + 1] *= 1 - p;
          if (i === j) { d[idx] += (p * tr) / D; d[idx + 1] += (p * ti) / D; }
        }
      }
    }
  }

  private depOffsets(wires: number[]): Int32Array {
    const D = 1 << wires.length, off = new Int32Array(D);
    for (let l = 0; l < D; l++) { let o = 0; wires.forEach((w, j) => { if (l & (1 << j)) o += 2 ** w; }); off[l] = o; }
    return off;
  }

  trace(): number {
    const N = 2 ** this.n;
    let t = 0;
    for (let i = 0; i < N; i++) t += this.data[2 * (i + i * N)];
    return t;
  }

  /** Tr(ρ²). */
  purity(): number {
    let t = 0;
    for (let i = 0; i < this.data.length; i++) t += this.data[i] * this.data[i];
    return t;
  }

  scale(c: number): void {
    for (let i = 0; i < this.data.length; i++) this.data[i] *= c;
  }

  addScaled(other: DensityMatrix, w: number): void {
    for (let i = 0; i < this.data.length; i++) this.data[i] += w * other.data[i];
  }

  probabilities(out: Float64Array = new Float64Array(2 ** this.n)): Float64Array {
    const N = 2 ** this.n;
    for (let i = 0; i < N; i++) out[i] = Math.max(0, this.data[2 * (i + i * N)]);
    return out;
  }

  /** Marginal distribution over `wires` (wires[0] is the least significant bit of the result's index). */
  marginal(wires: number[]): Float64Array {
    return marginalOf(this.probabilities(), this.n, wires);
  }

  probabilityOfOne(wire: number): number {
    const N = 2 ** this.n, bit = 2 ** wire;
    let p = 0;
    for (let i = 0; i < N; i++) if (i & bit) p += this.data[2 * (i + i * N)];
    return p;
  }

  /** P ρ P for the projector onto `wire` = outcome (unnormalised). */
  project(wire: number, outcome: 0 | 1): void {
    const N = 2 ** this.n, bit = 2 ** wire, d = this.data;
    for (let c = 0; c < N; c++) for (let r = 0; r < N; r++) {
      const rb = (r & bit) !== 0 ? 1 : 0, cb = (c & bit) !== 0 ? 1 : 0;
      if (rb !== outcome || cb !== outcome) { d[2 * (r + c * N)] = 0; d[2 * (r + c * N) + 1] = 0; }
    }
  }

  expectation(obs: Observable): number {
    return expectationDM(this.data, this.n, compileObservable(obs, this.n));
  }

  /** Rows of [re, im] entries. */
  toArray(): [number, number][][] {
    const N = 2 ** this.n, out: [number, number][][] = [];
    for (let r = 0; r < N; r++) {
      const row: [number, number][] = [];
      for (let c = 0; c < N; c++) row.push([this.data[2 * (r + c * N)], this.data[2 * (r + c * N) + 1]]);
      out.push(row);
    }
    return out;
  }
}

function isRealMatrix(m: Float64Array): boolean {
  for (let i = 1; i < 32; i += 2) if (m[i] !== 0) return false;
  return true;
}

// The Pauli-transfer change of basis, fixed (built once, not at every flush).
// T⁻¹ columns as vec(P): I → (1,0,0,1), X → (0,1,1,0), Y → (0,−i,i,0), Z → (1,0,0,−1).
const PTM_TINV_RE = Float64Array.of(1, 0, 0, 1, 0, 1, 0, 0, 0, 1, 0, 0, 1, 0, 0, -1);
const PTM_TINV_IM = Float64Array.of(0, 0, 0, 0, 0, 0, -1, 0, 0, 0, 1, 0, 0, 0, 0, 0);
// Rows of T: I ← (M00 + M11)/2, X ← (M01 + M10)/2, Y ← i(M01 − M10)/2, Z ← (M00 − M11)/2.
const PTM_T_RE = Float64Array.of(0.5, 0, 0, 0.5, 0, 0.5, 0.5, 0, 0, 0, 0, 0, 0.5, 0, 0, -0.5);
const PTM_T_IM = Float64Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 0.5, -0.5, 0, 0, 0, 0, 0);

/**
 * K = R/2 for a 4x4 superoperator S on (row bit, column bit): R = T S T⁻¹ is its Pauli transfer
 * matrix (basis I, X, Y, Z; m = T·vec(M) with m_I = (M00 + M11)/2, m_X = (M01 + M10)/2,
 * m_Y = i(M01 − M10)/2, m_Z = (M00 − M11)/2), real for every Hermiticity-preserving map. False
 * (K unusable) if R has an imaginary part beyond rounding.
 */
function ptmHalf(S: Float64Array, K: Float64Array): boolean {
  let worst = 0, scale = 0;
  for (let p = 0; p < 4; p++) for (let c = 0; c < 4; c++) {
    let re = 0, im = 0;
    for (let i = 0; i < 4; i++) {
      const tr = PTM_T_RE[4 * p + i], ti = PTM_T_IM[4 * p + i];
      if (tr === 0 && ti === 0) continue;
      for (let j = 0; j < 4; j++) {
        const vr = PTM_TINV_RE[4 * j + c], vi = PTM_TINV_IM[4 * j + c];
        if (vr === 0 && vi === 0) continue;
        const sr = S[2 * (4 * i + j)], si = S[2 * (4 * i + j) + 1];
        // T[p][i] · S[i][j] · T⁻¹[j][c]
        const ar = tr * sr - ti * si, ai = tr * si + ti * sr;
        re += ar * vr - ai * vi;
        im += ar * vi + ai * vr;
      }
    }
    K[4 * p + c] = re / 2;
    worst = Math.max(worst, Math.abs(im));
    scale = Math.max(scale, Math.abs(re));
  }
  return worst <= 1e-12 * Math.max(1, scale);
}
