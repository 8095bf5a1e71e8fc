/**
 * Hybrid network: classical dense layer → quantum layer → classical soft-max head, trained end to
 * end. The dense layer maps d features to the encoding's h angles a = (π/2)(1 + tanh(W₁x + b₁)),
 * inside (0, π). Parameters: [W₁ (h × d), b₁ (h), θ (circuit), W (C × m), b (C)].
 *
 * @example
 * import { HybridNetwork } from 'qml6g';
 * const m = HybridNetwork.create({ qubits: 4, encoding: 'angle-y', ansatz: 'hea-ring', layers: 2 }, 20, 2, { seed: 0 });
 */
import { Rng } from '../../core/rng.js';
import { QmlError } from '../../core/errors.js';
import type { RowMatrix } from '../../sim/batch.js';
import { encodingCapacity, type Architecture, type BuiltArchitecture } from '../circuits.js';
import { QuantumLayer } from '../quantum-layer.js';
import { checkInputs, crossEntropyRow, LinearHead, type Execution, type GradOptions, type LossGradient, type Model, type ModelJSON } from '../model.js';

export class HybridNetwork implements Model {
  readonly type = 'hybrid';
  readonly kind = 'quantum' as const;
  readonly layer: QuantumLayer;
  readonly head: LinearHead;
  readonly params: Float64Array;
  readonly width: number;
  readonly qOff: number;
  readonly hOff: number;
  get headOffset(): number { return this.hOff; }

  constructor(readonly arch: Architecture, readonly numFeatures: number, readonly numClasses: number, params: Float64Array | null, readonly execution: Execution = {}, readonly modify?: (b: BuiltArchitecture) => BuiltArchitecture) {
    if (arch.encoding === 'amplitude') throw new QmlError('the hybrid network feeds angles to its quantum layer; choose an angle, dense or IQP encoding', 'encoding');
    this.width = encodingCapacity(arch.encoding, arch.qubits);
    this.layer = new QuantumLayer(arch, this.width, execution, modify);
    this.head = new LinearHead(this.layer.outputs, numClasses);
    this.qOff = this.width * numFeatures + this.width;
    this.hOff = this.qOff + this.layer.numParams;
    const size = this.hOff + this.head.size;
    if (params && params.length !== size) throw new QmlError(`this hybrid network has ${size} parameters, got ${params.length}`, 'params');
    this.params = params ?? new Float64Array(size);
  }

  static create(arch: Architecture, numFeatures: number, numClasses: number, opts: { seed?: number; execution?: Execution } = {}): HybridNetwork {
    const m = new HybridNetwork(arch, numFeatures, numClasses, null, opts.execution);
    const rng = new Rng(opts.seed ?? 0);
    const s = Math.sqrt(1 / numFeatures);
    for (let i = 0; i < m.width * numFeatures; i++) m.params[i] = s * rng.normal();
    for (let i = 0; i < m.layer.numParams; i++) m.params[m.qOff + i] = 0.3 * rng.normal();
    for (let i = 0; i < numClasses * m.layer.outputs; i++) m.params[m.hOff + i] = rng.normal() / Math.sqrt(m.layer.outputs);
    return m;
  }

  /** Dense layer for one row: angles into a, tanh values into t. */
  private dense(x: ArrayLike<number>, xOff: number, a: Float64Array, t: Float64Array): void {
    const d = this.numFeatures, h = this.width, p = this.params;
    for (let j = 0; j < h; j++) {
      let z = p[h * d + j];
      for (let i = 0; i < d; i++) z += p[j * d + i] * x[xOff + i];
      t[j] = Math.tanh(z);
      a[j] = (Math.PI / 2) * (1 + t[j]);
    }
  }

  /** The quantum layer's input angles for every row (rows × width). */
  layerInputs(X: RowMatrix): RowMatrix {
    const h = this.width, A = new Float64Array(X.rows * h), t = new Float64Array(h), a = new Float64Array(h);
    for (let r = 0; r < X.rows; r++) { this.dense(X.data, r * X.cols, a, t); A.set(a, r * h); }
    return { data: A, rows: X.rows, cols: h };
  }

  qparams(): Float64Array {
    return this.params.subarray(this.qOff, this.hOff);
  }

  predictProba(X: RowMatrix): Float64Array {
    checkInputs(this, X);
    const m = this.layer.outputs, C = this.numClasses;
    const e = this.layer.forward(this.qparams(), this.layerInputs(X));
    const probs = new Float64Array(X.rows * C);
    for (let r = 0; r < X.rows; r++) this.head.forward(this.params, this.hOff, e, r * m, probs, r * C);
    return probs;
  }

  embed(X: RowMatrix): RowMatrix {
    checkInputs(this, X);
    return { data: this.layer.forward(this.qparams(), this.layerInputs(X)), rows: X.rows, cols: this.layer.outputs };
  }

  lossGrad(X: RowMatrix, y: Int32Array, opts: GradOptions = {}): LossGradient {
    checkInputs(this, X);
    const C = this.numClasses, d = this.numFeatures, h = this.width, p = this.params;
    const dparams = new Float64Array(p.length);
    const dinputs = opts.wrtInputs ? new Float64Array(X.rows * d) : undefined;
    const a = new Float64Array(h), t = new Float64Array(h), ga = new Float64Array(h);
    const e = new Float64Array(this.layer.outputs), probs = new Float64Array(C), g = new Float64Array(C);
    const dq = dparams.subarray(this.qOff, this.hOff);
    let loss = 0, wsum = 0;
    for (let r = 0; r < X.rows; r++) {
      const w = opts.classWeights ? opts.classWeights[y[r]] : 1;
      wsum += w;
      this.dense(X.data, r * X.cols, a, t);
      ga.fill(0);
      this.layer.rowGradient(this.qparams(), a, e, (ev, ge) => {
        this.head.forward(p, this.hOff, ev, 0, probs, 0);
        loss += crossEntropyRow(probs, 0, C, y[r], w, g, opts.targets, r * C);
        this.head.backward(p, this.hOff, ev, 0, g, opts.skipParams ? null : dparams, ge);
      }, opts.skipParams ? null : dq, ga);
      // Through a = (π/2)(1 + tanh z): ∂a/∂z = (π/2)(1 − tanh² z).
      for (let j = 0; j < h; j++) {
        const gz = ga[j] * (Math.PI / 2) * (1 - t[j] * t[j]);
        if (!opts.skipParams) {
          dparams[h * d + j] += gz;
          for (let i = 0; i < d; i++) dparams[j * d + i] += gz * X.data[r * X.cols + i];
        }
        if (dinputs) for (let i = 0; i < d; i++) dinputs[r * d + i] += gz * p[j * d + i];
      }
    }
    const norm = Math.max(wsum, 1e-300);
    for (let i = 0; i < dparams.length; i++) dparams[i] /= norm;
    return { loss: loss / norm, dparams, dinputs };
  }

  toJSON(): ModelJSON {
    return { format: 'qml6g-model', version: 1, type: this.type, arch: this.arch, numFeatures: this.numFeatures, numClasses: this.numClasses, params: Array.from(this.params), execution: this.execution };
  }
}
