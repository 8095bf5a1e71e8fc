/**
 * A Born-rule classifier over any circuit template (plain data): class probabilities are the
 * measurement probabilities of one read-out qubit, P(class 0) = P(q = 0) = (1 + ⟨Z_q⟩)/2. This is
 * how published hardware classifiers are stated (e.g. Ren et al. 2022, whose angles are data angle
 * + trained angle), so they can be loaded, evaluated and attacked like any other model.
 * Parameters: the circuit's trainable angles.
 *
 * @example
 * import { CircuitClassifier, CircuitBuilder, input, param, sum } from 'qml6g';
 * const c = new CircuitBuilder(1).rx(0, sum(input(0), param(0))).build();
 * const m = new CircuitClassifier(c, 0, 1, Float64Array.from([0.1]));
 */
import { QmlError } from '../../core/errors.js';
import type { RowMatrix } from '../../sim/batch.js';
import type { Circuit } from '../../sim/circuit.js';
import { batchExpectations } from '../../sim/batch.js';
import { AdjointWorkspace, adjointBackward, adjointForward } from '../../sim/gradients.js';
import { applyObservableSV, compileObservable, expectationSV, Z, type CompiledTerm } from '../../sim/observable.js';
import { compile, type Program } from '../../sim/program.js';
import { CutForward } from '../cut-execution.js';
import { checkInputs, type Execution, type GradOptions, type LossGradient, type Model, type ModelJSON } from '../model.js';

export class CircuitClassifier implements Model {
  readonly type = 'circuit';
  readonly kind = 'quantum' as const;
  readonly numClasses = 2;
  readonly numFeatures: number;
  readonly params: Float64Array;
  private readonly prog: Program;
  private readonly terms: CompiledTerm[];
  private ws: AdjointWorkspace | null = null;
  /** Set when the execution's devices are narrower than the circuit. */
  readonly cut: CutForward | null;

  constructor(readonly circuit: Circuit, readonly readoutQubit: number, numFeatures: number, params: Float64Array, readonly execution: Execution = {}) {
    this.prog = compile(circuit);
    if (!Number.isInteger(readoutQubit) || readoutQubit < 0 || readoutQubit >= circuit.numQubits) throw new QmlError(`read-out qubit ${readoutQubit} is out of range`, 'readoutQubit');
    if (params.length !== this.prog.numParams) throw new QmlError(`the circuit has ${this.prog.numParams} parameters, got ${params.length}`, 'params');
    this.numFeatures = Math.max(numFeatures, this.prog.numInputs);
    this.params = params;
    this.terms = compileObservable(Z(readoutQubit), circuit.numQubits);
    this.cut = CutForward.needed(execution, circuit.numQubits) ? new CutForward(circuit, [Z(readoutQubit)], execution) : null;
  }

  predictProba(X: RowMatrix): Float64Array {
    checkInputs(this, X);
    let z: Float64Array;
    if (this.cut) {
      z = new Float64Array(X.rows);
      const one = new Float64Array(1);
      for (let r = 0; r < X.rows; r++) z[r] = this.cut.values(this.params, X.data.subarray(r * X.cols, (r + 1) * X.cols), one)[0];
    } else z = batchExpectations(this.prog, [Z(this.readoutQubit)], { inputs: X.data, inputCols: X.cols, params: this.params }, this.execution);
    const out = new Float64Array(X.rows * 2);
    for (let r = 0; r < X.rows; r++) { out[2 * r] = (1 + z[r]) / 2; out[2 * r + 1] = (1 - z[r]) / 2; }
    return out;
  }

  lossGrad(X: RowMatrix, y: Int32Array, opts: GradOptions = {}): LossGradient {
    checkInputs(this, X);
    if (this.cut && (!this.cut.exact || this.execution.device?.gradient === 'shift')) return this.cutLossGrad(X, y, opts);
    if (this.execution.noise || this.execution.shots) throw new QmlError('the circuit classifier trains exactly; evaluate it under noise or shots instead');
    this.ws ??= new AdjointWorkspace(this.prog);
    const ws = this.ws, n = this.circuit.numQubits, d = this.numFeatures;
    const dparams = new Float64Array(this.params.length);
    const dinputs = opts.wrtInputs ? new Float64Array(X.rows * d) : undefined;
    const scratchP = new Float64Array(this.params.length);
    let loss = 0, wsum = 0;
    const term = [{ ...this.terms[0] }];
    for (let r = 0; r < X.rows; r++) {
      const w = opts.classWeights ? opts.classWeights[y[r]] : 1;
      wsum += w;
      const x = X.data.subarray(r * X.cols, (r + 1) * X.cols);
      adjointForward(ws, this.params, x);
      const z = expectationSV(ws.psi.data, n, this.terms);
      const p0 = Math.max((1 + z) / 2, 1e-300), p1 = Math.max((1 - z) / 2, 1e-300);
      const t0 = opts.targets ? opts.targets[2 * r] : y[r] === 0 ? 1 : 0, t1 = opts.targets ? opts.targets[2 * r + 1] : y[r] === 1 ? 1 : 0;
      loss -= w * (t0 * Math.log(p0) + t1 * Math.log(p1));
      // ∂(−t0 log p0 − t1 log p1)/∂z = −t0/(2 p0) + t1/(2 p1).
      term[0].coeff = this.terms[0].coeff * w * (-t0 / (2 * p0) + t1 / (2 * p1));
      applyObservableSV(ws.lam, ws.psi.data, n, term);
      scratchP.fill(0);
      adjointBackward(ws, x, opts.skipParams ? scratchP : dparams, dinputs ? dinputs.subarray(r * d, (r + 1) * d) : new Float64Array(d));
    }
    const norm = Math.max(wsum, 1e-300);
    for (let i = 0; i < dparams.length; i++) dparams[i] /= norm;
    return { loss: loss / norm, dparams, dinputs };
  }

  /** On small devices: ⟨Z⟩ and its shift-rule gradient reconstructed from the cut fragments. */
  private cutLossGrad(X: RowMatrix, y: Int32Array, opts: GradOptions): LossGradient {
    const cut = this.cut!, d = this.numFeatures;
    const dparams = new Float64Array(this.params.length);
    const dinputs = opts.wrtInputs ? new Float64Array(X.rows * d) : undefined;
    const e = new Float64Array(1), g = new Float64Array(1);
    let loss = 0, wsum = 0;
    for (let r = 0; r < X.rows; r++) {
      const w = opts.classWeights ? opts.classWeights[y[r]] : 1;
      wsum += w;
      const x = X.data.subarray(r * X.cols, (r + 1) * X.cols);
      const z = cut.values(this.params, x, e)[0];
      const p0 = Math.max((1 + z) / 2, 1e-300), p1 = Math.max((1 - z) / 2, 1e-300);
      const t0 = opts.targets ? opts.targets[2 * r] : y[r] === 0 ? 1 : 0, t1 = opts.targets ? opts.targets[2 * r + 1] : y[r] === 1 ? 1 : 0;
      loss -= w * (t0 * Math.log(p0) + t1 * Math.log(p1));
      g[0] = w * (-t0 / (2 * p0) + t1 / (2 * p1));
      cut.shiftGradient(this.params, x, g, opts.skipParams ? null : dparams, dinputs ? dinputs.subarray(r * d, (r + 1) * d) : null);
    }
    const norm = Math.max(wsum, 1e-300);
    for (let i = 0; i < dparams.length; i++) dparams[i] /= norm;
    return { loss: loss / norm, dparams, dinputs };
  }

  toJSON(): ModelJSON {
    return { format: 'qml6g-model', version: 1, type: this.type, circuit: this.circuit, readoutQubit: this.readoutQubit, numFeatures: this.numFeatures, numClasses: 2, params: Array.from(this.params), execution: this.execution };
  }
}
