/**
 * Expectation values of observables for given parameters and inputs, on whichever backend the
 * options call for: exact statevector (with gate fusion), exact density matrix under noise,
 * quantum trajectories for noisy circuits too large for a density matrix, and shot sampling.
 *
 * Read-out error applies to every measured value (expected value without shots, sampled with).
 * Shot sampling: each Pauli term is estimated from `shots` measurements of that term, i.e. its
 * ±1 outcomes are Binomial(shots, (1 + ⟨P⟩)/2). Read-out error (independent per qubit, flip
 * probabilities a = P(1|0), b = P(0|1)) turns a measured ±1 value into c0 + c1·z with
 * c0 = b − a and c1 = 1 − a − b, so the expected measured parity of P on wires W is
 * Σ_{S⊆W} Π_{q∉S} c0_q Π_{q∈S} c1_q ⟨P_S⟩; shots are then drawn from that biased mean.
 *
 * @example
 * import { Evaluator, CircuitBuilder, Z, param } from 'qml6g';
 * const ev = new Evaluator(new CircuitBuilder(1).ry(0, param(0)).build(), [Z(0)]);
 * ev.values([Math.PI / 3], [])[0]; // cos(π/3) = 0.5
 */
import { QmlError } from '../core/errors.js';
import { Rng } from '../core/rng.js';
import { ApplyScratch } from './apply.js';
import type { Circuit } from './circuit.js';
import { DensityMatrix } from './density.js';
import { runBranches, runProgram } from './execute.js';
import { FusedRunner } from './fused.js';
import { pauliExpectation } from './kernels.js';
import { CompiledNoise, type NoiseModel } from './noise.js';
import { compileObservable, expectationDM, expectationSV, type CompiledTerm, type Observable } from './observable.js';
import { checkBindings, compile, type AngleShift, type Program } from './program.js';
import { chooseMethod, type SimulationMethod } from './simulate.js';
import { withAutoTeam } from './parallel.js';
import { Statevector } from './statevector.js';
import { compileWasm, type WasmProgram } from './wasm-program.js';

/** Up to this many qubits a noiseless evaluation runs whole in the SIMD interpreter (the state stays in L1/L2 there). */
export const INTERPRETER_MAX_QUBITS = 12;

export interface EvalOptions {
  noise?: NoiseModel;
  shots?: number;
  seed?: number;
  method?: SimulationMethod;
  trajectories?: number;
}

export class Evaluator {
  readonly prog: Program;
  readonly terms: CompiledTerm[][];
  readonly method: Exclude<SimulationMethod, 'auto'>;
  readonly noise?: CompiledNoise;
  readonly shots?: number;
  private rng: Rng;
  private sv?: Statevector;
  private rho?: DensityMatrix;
  private fused?: FusedRunner;
  /** The SIMD interpreter for small exact circuits (null when it does not apply), and whether sv lags behind it. */
  private wasm: WasmProgram | null = null;
  private svStale = false;
  private scratch = new ApplyScratch();
  private exact: Float64Array;
  /** When set, runs start from this (normalised) state instead of |0…0⟩: amplitude encoding. */
  private initial: Float64Array | null = null;
  evaluations = 0;
  /** Set by callers that validated every row up front (batches): skips the per-call binding check. */
  trusted = false;

  constructor(circuit: Circuit | Program, readonly observables: Observable[], readonly opts: EvalOptions = {}) {
    this.prog = 'instrs' in circuit ? circuit : compile(circuit);
    const n = this.prog.numQubits;
    if (!Array.isArray(observables) || observables.length === 0) throw new QmlError('at least one observable is needed');
    this.terms = observables.map((o, i) => compileObservable(o, n, `observables[${i}]`));
    if (opts.shots !== undefined && (!Number.isInteger(opts.shots) || opts.shots < 1)) throw new QmlError(`shots must be a positive integer, got ${opts.shots}`, 'shots');
    this.shots = opts.shots;
    this.noise = opts.noise ? new CompiledNoise(opts.noise, n) : undefined;
    const gateNoisy = !!this.noise && !!(opts.noise!.after_1q?.length || opts.noise!.after_2q?.length || opts.noise!.gates || opts.noise!.rules);
    this.method = chooseMethod(n, gateNoisy, opts.method);
    if (this.method === 'statevector' && gateNoisy) throw new QmlError('the statevector method is noiseless; use density_matrix or trajectories');
    this.rng = new Rng(opts.seed ?? 0);
    this.exact = new Float64Array(observables.length);
    if (this.method === 'density_matrix') this.rho = DensityMatrix.zero(n);
    else this.sv = withAutoTeam(Statevector.zero(n));
    if (this.method === 'statevector' && !this.prog.midCircuit) this.fused = new FusedRunner(this.prog);
    if (this.fused && !this.noise && !this.shots && n <= INTERPRETER_MAX_QUBITS) this.wasm = compileWasm(this.prog);
  }

  get numQubits(): number { return this.prog.numQubits; }

  /** Start the next evaluations from this statevector (interleaved re, im), or from |0…0⟩ with null. */
  setInitialState(state: Float64Array | null): void {
    if (state && state.length !== 2 * 2 ** this.prog.numQubits) throw new QmlError(`an initial state of ${this.prog.numQubits} qubits needs ${2 * 2 ** this.prog.numQubits} numbers`);
    this.initial = state;
  }

  private resetSV(sv: Statevector): void {
    if (this.initial) sv.data.set(this.initial); else sv.reset();
  }

  /**
   * Expectation of every observable (sampled when `shots` is set). `shift` moves one gate angle,
   * for parameter-shift rules.
   */
  values(params: ArrayLike<number>, inputs: ArrayLike<number>, out: Float64Array = new Float64Array(this.observables.length), shift?: AngleShift): Float64Array {
    this.exactValues(params, inputs, this.exact, shift, this.trusted);
    const readout = !!this.noise?.hasReadout;
    if (!this.shots && !readout) { out.set(this.exact); return out; }
    // Read-out error biases what a measurement reports, with or without shot noise on top.
    for (let o = 0; o < this.terms.length; o++) {
      let v = 0;
      for (const t of this.terms[o]) {
        const mean = readout ? this.measuredMean(t) : this.termValue(t);
        v += t.coeff * (this.shots ? this.sampleTerm(mean, this.shots) : mean);
      }
      out[o] = v;
    }
    return out;
  }

  /** Exact expectations (shots ignored), computed on the chosen backend. */
  exactValues(params: ArrayLike<number>, inputs: ArrayLike<number>, out: Float64Array = new Float64Array(this.observables.length), shift?: AngleShift, trusted = false): Float64Array {
    if (!trusted) checkBindings(this.prog, params, inputs);
    this.evaluations++;
    const prog = this.prog, n = prog.numQubits;
    const base = { params, inputs, scratch: this.scratch, trusted: true, shift };
    if (this.method === 'density_matrix') {
      const rho = this.rho!;
      rho.data.fill(0);
      if (this.initial) rho.addPure(new Statevector(n, this.initial)); else rho.data[0] = 1;
      const bs = runBranches(prog, rho, { ...base, noise: this.noise });
      for (let o = 0; o < this.terms.length; o++) {
        let v = 0;
        for (const b of bs) v += b.weight * expectationDM(b.state.data, n, this.terms[o]);
        out[o] = v;
      }
      return out;
    }
    const sv = this.sv!;
    if (this.method === 'trajectories') {
      const T = this.opts.trajectories ?? 1000;
      out.fill(0);
      for (let t = 0; t < T; t++) {
        this.resetSV(sv);
        runProgram(prog, sv, { ...base, noise: this.noise, rng: this.rng });
        for (let o = 0; o < this.terms.length; o++) out[o] += expectationSV(sv.data, n, this.terms[o]) / T;
      }
      return out;
    }
    if (prog.midCircuit) {
      this.resetSV(sv);
      const bs = runBranches(prog, sv, base);
      for (let o = 0; o < this.terms.length; o++) {
        let v = 0;
        for (const b of bs) v += b.weight * expectationSV(b.state.data, n, this.terms[o]);
        out[o] = v;
      }
      return out;
    }
    if (!shift && this.wasm) {
      // The whole circuit in one WebAssembly call; sv is brought up to date only when read.
      const s = this.wasm.run(params, inputs, this.initial ?? undefined);
      for (let o = 0; o < this.terms.length; o++) out[o] = expectationSV(s, n, this.terms[o]);
      this.svStale = true;
      return out;
    }
    this.svStale = false;
    this.resetSV(sv);
    if (shift) runProgram(prog, sv, base);
    else this.fused!.run(sv, params, inputs);
    for (let o = 0; o < this.terms.length; o++) out[o] = expectationSV(sv.data, n, this.terms[o]);
    return out;
  }

  /** The state after the last exactValues call (statevector methods only). */
  get state(): Statevector | undefined {
    if (this.svStale && this.sv && this.wasm) { this.sv.data.set(this.wasm.state); this.svStale = false; }
    return this.sv;
  }
  get density(): DensityMatrix | undefined { return this.rho; }

  /** Expected measured value of one Pauli term, read-out error included. */
  private measuredMean(t: CompiledTerm): number {
    const readout = this.noise?.hasReadout ? this.noise.readout : null;
    if (!readout) return this.termValue(t);
    const support: number[] = [];
    for (let q = 0; q < this.prog.numQubits; q++) if ((t.xmask | t.zmask) & (2 ** q)) support.push(q);
    const k = support.length;
    let total = 0;
    for (let S = 0; S < 2 ** k; S++) {
      let w = 1, x = 0, z = 0, nY = 0;
      for (let j = 0; j < k; j++) {
        const q = support[j], e = readout[q], a = e?.p1_given_0 ?? 0, b = e?.p0_given_1 ?? 0, bit = 2 ** q;
        if (S & (1 << j)) {
          w *= 1 - a - b;
          if (t.xmask & bit) x |= bit;
          if (t.zmask & bit) z |= bit;
          if ((t.xmask & bit) && (t.zmask & bit)) nY++;
        } else w *= b - a;
      }
      if (w !== 0) total += w * this.termValue({ coeff: 1, xmask: x, zmask: z, nY });
    }
    return total;
  }

  private termValue(t: CompiledTerm): number {
    const n = this.prog.numQubits;
    if (t.xmask === 0 && t.zmask === 0) return 1;
    if (this.rho) return expectationDM(this.rho.data, n, [{ ...t, coeff: 1 }]);
    return pauliExpectation(this.sv!.data, n, t.xmask, t.zmask, t.nY);
  }

  /** Mean of `shots` ±1 outcomes with expectation `mean`. */
  private sampleTerm(mean: number, shots: number): number {
    const p = Math.min(1, Math.max(0, (1 + mean) / 2));
    let ones = 0;
    for (let s = 0; s < shots; s++) if (this.rng.next() < p) ones++;
    return (2 * ones - shots) / shots;
  }
}
