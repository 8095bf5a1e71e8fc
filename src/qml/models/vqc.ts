/**
 * Variational quantum classifier: an encoding, a trainable ansatz, ⟨O_i⟩ read-outs and a trainable
 * linear soft-max head (binary and multi-class). With `reupload` it is the data re-uploading
 * classifier. Parameters: [θ (circuit), W (C × m), b (C)].
 *
 * @example
 * import { VariationalClassifier } from 'qml6g';
 * const m = VariationalClassifier.create({ qubits: 4, encoding: 'angle-y', ansatz: 'hea-ring', layers: 2 }, 4, 2, { seed: 1 });
 * m.params.length; // 16 circuit angles + 2 x 4 head weights + 2 biases = 26
 */
import { Rng } from '../../core/rng.js';
import { QmlError } from '../../core/errors.js';
import type { RowMatrix } from '../../sim/batch.js';
import type { Architecture, BuiltArchitecture } from '../circuits.js';
import { QuantumLayer } from '../quantum-layer.js';
import { BornHead, checkInputs, crossEntropyRow, LinearHead, type Execution, type GradOptions, type LossGradient, type Model, type ModelJSON } from '../model.js';

export class VariationalClassifier implements Model {
  readonly kind = 'quantum' as const;
  readonly layer: QuantumLayer;
  readonly head: LinearHead | BornHead;
  readonly params: Float64Array;

  constructor(readonly arch: Architecture, readonly numFeatures: number, readonly numClasses: number, params: Float64Array | null, readonly execution: Execution = {}, readonly modify?: (b: BuiltArchitecture) => BuiltArchitecture) {
    this.layer = new QuantumLayer(arch, numFeatures, execution, modify);
    if (arch.readout === 'born' && numClasses !== 2) throw new QmlError(`a Born-rule read-out classifies two classes, not ${numClasses}`, 'readout');
    this.head = arch.readout === 'born' ? new BornHead() : new LinearHead(this.layer.outputs, numClasses);
    const size = this.layer.numParams + this.head.size;
    if (params && params.length !== size) throw new QmlError(`this architecture has ${size} parameters, got ${params.length}`, 'params');
    this.params = params ?? new Float64Array(size);
  }

  get type(): string { return this.arch.reupload ? 'reupload' : 'vqc'; }
  get headOffset(): number { return this.layer.numParams; }

  static create(arch: Architecture, numFeatures: number, numClasses: number, opts: { seed?: number; execution?: Execution } = {}): VariationalClassifier {
    const m = new VariationalClassifier(arch, numFeatures, numClasses, null, opts.execution);
    const rng = new Rng(opts.seed ?? 0);
    const P = m.layer.numParams, out = m.layer.outputs;
    // Small circuit angles keep the start near the identity (no barren plateau at init); head ~ N(0, 1/m).
    for (let i = 0; i < P; i++) m.params[i] = 0.3 * rng.normal();
    if (m.head instanceof LinearHead) for (let i = 0; i < numClasses * out; i++) m.params[P + i] = rng.normal() / Math.sqrt(out);
    return m;
  }

  predictProba(X: RowMatrix): Float64Array {
    checkInputs(this, X);
    const m = this.layer.outputs, C = this.numClasses, P = this.layer.numParams;
    const e = this.layer.forward(this.params, X);
    const probs = new Float64Array(X.rows * C);
    for (let r = 0; r < X.rows; r++) this.head.forward(this.params, P, e, r * m, probs, r * C);
    return probs;
  }

  embed(X: RowMatrix): RowMatrix {
    checkInputs(this, X);
    return { data: this.layer.forward(this.params, X), rows: X.rows, cols: this.layer.outputs };
  }

  lossGrad(X: RowMatrix, y: Int32Array, opts: GradOptions = {}): LossGradient {
    checkInputs(this, X);
    const C = this.numClasses, P = this.layer.numParams, d = this.numFeatures;
    const dparams = new Float64Array(this.params.length);
    const dinputs = opts.wrtInputs ? new Float64Array(X.rows * d) : undefined;
    const e = new Float64Array(this.layer.outputs), probs = new Float64Array(C), g = new Float64Array(C);
    let loss = 0, wsum = 0;
    const headGrad = opts.skipParams ? null : dparams;
    for (let r = 0; r < X.rows; r++) {
      const w = opts.classWeights ? opts.classWeights[y[r]] : 1;
      wsum += w;
      const x = X.data.subarray(r * X.cols, (r + 1) * X.cols);
      this.layer.rowGradient(this.params, x, e, (ev, ge) => {
        this.head.forward(this.params, P, ev, 0, probs, 0);
        loss += crossEntropyRow(probs, 0, C, y[r], w, g, opts.targets, r * C);
        this.head.backward(this.params, P, ev, 0, g, headGrad, ge);
      }, opts.skipParams ? null : dparams, dinputs ? dinputs.subarray(r * d, (r + 1) * d) : null);
    }
    const norm = Math.max(wsum, 1e-300);
    for (let i = 0; i < dparams.length; i++) dparams[i] /= norm;
    return { loss: loss / norm, dparams, dinputs };
  }

  toJSON(): ModelJSON {
    return { format: 'qml6g-model', version: 1, type: this.type, arch: this.arch, numFeatures: this.numFeatures, numClasses: this.numClasses, params: Array.from(this.params), execution: this.execution };
  }
}
