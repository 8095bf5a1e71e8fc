/**
 * A quantum layer: inputs → expectation values of the read-out observables, with the gradient of
 * any weighted sum of them with respect to the layer's parameters and inputs from ONE adjoint
 * pass per row (∂ℓ/∂θ = Σ_i g_i ∂⟨O_i⟩/∂θ = ∂⟨Σ_i g_i O_i⟩/∂θ). Exact by default; with shots or a
 * noise model the forward pass runs on the matching backend and gradients use parameter-shift.
 */
import { QmlError } from '../core/errors.js';
import type { RowMatrix } from '../sim/batch.js';
import { Evaluator } from '../sim/evaluator.js';
import { AdjointWorkspace, adjointBackward, adjointForward, jacobian } from '../sim/gradients.js';
import { applyObservableSV, compileObservable, expectationSV, type CompiledTerm } from '../sim/observable.js';
import { compile, type Program } from '../sim/program.js';
import { buildArchitecture, type Architecture, type BuiltArchitecture } from './circuits.js';
import type { Execution } from './model.js';
import { CutForward } from './cut-execution.js';

export class QuantumLayer {
  readonly prog: Program;
  readonly numParams: number;
  readonly outputs: number;
  readonly amplitude: boolean;
  private readonly terms: CompiledTerm[][];
  private readonly combined: CompiledTerm[];
  private readonly owner: Int32Array;
  private readonly base: Float64Array;
  private ws: AdjointWorkspace | null = null;
  private ev: Evaluator | null = null;
  private init: Float64Array;
  readonly built: ReturnType<typeof buildArchitecture>;
  /** Set when the execution's devices are narrower than the circuit: forward passes run through circuit cutting. */
  readonly cut: CutForward | null;

  /**
   * `modify` may rewrite the built circuit (attacks insert an interception after the encoding);
   * any parameters it adds come after the ansatz's.
   */
  constructor(readonly arch: Architecture, readonly numInputs: number, readonly execution: Execution = {}, modify?: (b: BuiltArchitecture) => BuiltArchitecture) {
    this.built = modify ? modify(buildArchitecture(arch, numInputs)) : buildArchitecture(arch, numInputs);
    this.prog = compile(this.built.circuit);
    this.numParams = this.built.numParams;
    this.outputs = this.built.observables.length;
    this.amplitude = this.built.amplitude;
    this.terms = this.built.observables.map((o, i) => compileObservable(o, arch.qubits, `readout[${i}]`));
    this.combined = this.terms.flatMap((ts) => ts.map((t) => ({ ...t })));
    this.owner = Int32Array.from(this.terms.flatMap((ts, i) => ts.map(() => i)));
    this.base = Float64Array.from(this.combined, (t) => t.coeff);
    this.init = new Float64Array(2 * 2 ** arch.qubits);
    if (CutForward.needed(execution, arch.qubits)) {
      if (this.amplitude) throw new QmlError('amplitude encoding prepares an entangled initial state, which circuit cutting cannot split; choose a gate encoding for small devices', 'device');
      this.cut = new CutForward(this.built.circuit, this.built.observables, execution);
    } else this.cut = null;
  }

  get exact(): boolean {
    return !this.execution.noise && !this.execution.shots;
  }

  /** Amplitude encoding: x (padded with ones, so the norm never vanishes) normalised into the initial state. */
  private initialState(x: ArrayLike<number>, xOff: number): { state: Float64Array; norm: number } {
    const N = 2 ** this.arch.qubits, s = this.init;
    s.fill(0);
    let nrm = 0;
    for (let k = 0; k < N; k++) { const v = k < this.numInputs ? x[xOff + k] : 1; s[2 * k] = v; nrm += v * v; }
    nrm = Math.sqrt(nrm);
    for (let k = 0; k < N; k++) s[2 * k] /= nrm;
    return { state: s, norm: nrm };
  }

  private evaluator(): Evaluator {
    this.ev ??= new Evaluator(this.prog, this.built.observables, { noise: this.execution.noise, shots: this.execution.shots, seed: this.execution.seed });
    return this.ev;
  }

  /** Expectations of every read-out observable for every row: rows × outputs. */
  forward(params: ArrayLike<number>, X: RowMatrix, out = new Float64Array(X.rows * this.outputs)): Float64Array {
    const m = this.outputs, d = this.numInputs;
    const row = new Float64Array(m);
    if (this.cut) {
      for (let r = 0; r < X.rows; r++) out.set(this.cut.values(params, X.data.subarray(r * X.cols, r * X.cols + d), row), r * m);
      return out;
    }
    const ev = this.evaluator();
    for (let r = 0; r < X.rows; r++) {
      const x = X.data.subarray(r * X.cols, r * X.cols + d);
      if (this.amplitude) ev.setInitialState(this.initialState(X.data, r * X.cols).state);
      ev.values(params, this.amplitude ? [] : x, row);
      out.set(row, r * m);
    }
    return out;
  }

  /**
   * For one row: writes the read-out values into e, then calls `weights(e, g)` to obtain
   * g = ∂ℓ/∂e, and accumulates ∂ℓ/∂θ into dparams (if given) and ∂ℓ/∂x into dx (if given).
   */
  rowGradient(
    params: ArrayLike<number>, x: Float64Array, e: Float64Array, weights: (e: Float64Array, g: Float64Array) => void,
    dparams: Float64Array | null, dx: Float64Array | null,
  ): void {
    const m = this.outputs, g = new Float64Array(m);
    if (this.cut && (!this.cut.exact || this.execution.device?.gradient === 'shift')) {
      // Small devices: the values and their shift-rule gradient are reconstructed from the fragments.
      // (Exact reconstruction equals the uncut circuit, so the exact default is the adjoint below.)
      this.cut.values(params, x.subarray(0, this.numInputs), e);
      weights(e, g);
      this.cut.shiftGradient(params, x.subarray(0, this.numInputs), g, dparams, dx);
      return;
    }
    if (!this.exact) return this.shiftRowGradient(params, x, e, weights, g, dparams, dx);
    this.ws ??= new AdjointWorkspace(this.prog);
    const ws = this.ws, n = this.arch.qubits;
    const amp = this.amplitude ? this.initialState(x, 0) : null;
    adjointForward(ws, params, this.amplitude ? [] : x, amp?.state);
    for (let i = 0; i < m; i++) e[i] = expectationSV(ws.psi.data, n, this.terms[i]);
    weights(e, g);
    for (let t = 0; t < this.combined.length; t++) this.combined[t].coeff = this.base[t] * g[this.owner[t]];
    applyObservableSV(ws.lam, ws.psi.data, n, this.combined);
    const dp = dparams ?? new Float64Array(this.numParams);
    const dxi = this.amplitude ? new Float64Array(0) : dx ?? new Float64Array(this.numInputs);
    adjointBackward(ws, this.amplitude ? [] : x, dp, dxi);
    if (amp && dx) {
      // ψ0 = v/‖v‖ (real): ∂ℓ/∂v_j = (2 Re λ0_j − ψ0_j Σ_k 2 Re λ0_k ψ0_k) / ‖v‖, with λ0 = U†Oψ.
      const lam = ws.lam, psi0 = amp.state;
      let dot = 0;
      for (let k = 0; k < 2 ** n; k++) dot += 2 * lam[2 * k] * psi0[2 * k];
      for (let j = 0; j < this.numInputs; j++) dx[j] += (2 * lam[2 * j] - psi0[2 * j] * dot) / amp.norm;
    }
  }

  /** Noisy or shot-based rows: parameter-shift Jacobians of the read-out observables. */
  private shiftRowGradient(
    params: ArrayLike<number>, x: Float64Array, e: Float64Array, weights: (e: Float64Array, g: Float64Array) => void,
    g: Float64Array, dparams: Float64Array | null, dx: Float64Array | null,
  ): void {
    if (this.amplitude) throw new QmlError('gradients of amplitude-encoded models under noise or shots are not available: train them exactly');
    const j = jacobian(this.prog, this.built.observables, {
      params, inputs: x, method: 'parameter-shift', noise: this.execution.noise, shots: this.execution.shots, seed: this.execution.seed,
    });
    e.set(j.values);
    weights(e, g);
    for (let i = 0; i < this.outputs; i++) {
      if (dparams) for (let k = 0; k < this.numParams; k++) dparams[k] += g[i] * j.dparams[i][k];
      if (dx) for (let k = 0; k < this.numInputs; k++) dx[k] += g[i] * j.dinputs[i][k];
    }
  }
}
