/**
 * Multilayer perceptron (dense layers with tanh, soft-max output), trained by back-propagation.
 * Parameters: for each layer, W (out × in, row-major) then b (out).
 *
 * @example
 * import { MLP } from 'qml6g';
 * const m = MLP.create(8, [32, 16], 2, { seed: 0 });
 */
import { Rng } from '../../core/rng.js';
import { QmlError } from '../../core/errors.js';
import { softmaxInto } from '../../core/linalg.js';
import type { RowMatrix } from '../../sim/batch.js';
import { checkInputs, crossEntropyRow, type GradOptions, type LossGradient, type Model, type ModelJSON } from '../model.js';

export class MLP implements Model {
  readonly type = 'mlp';
  readonly kind = 'classical' as const;
  readonly params: Float64Array;
  readonly sizes: number[];
  private offsets: number[] = [];
  get headOffset(): number { return this.offsets[this.offsets.length - 1]; }

  constructor(readonly numFeatures: number, readonly hidden: number[], readonly numClasses: number, params: Float64Array | null, readonly l2 = 1e-5) {
    this.sizes = [numFeatures, ...hidden, numClasses];
    let total = 0;
    for (let l = 0; l + 1 < this.sizes.length; l++) { this.offsets.push(total); total += this.sizes[l + 1] * this.sizes[l] + this.sizes[l + 1]; }
    if (params && params.length !== total) throw new QmlError(`this MLP has ${total} parameters, got ${params.length}`, 'params');
    this.params = params ?? new Float64Array(total);
  }

  static create(numFeatures: number, hidden: number[], numClasses: number, opts: { seed?: number; l2?: number } = {}): MLP {
    const m = new MLP(numFeatures, hidden, numClasses, null, opts.l2);
    const rng = new Rng(opts.seed ?? 0);
    for (let l = 0; l + 1 < m.sizes.length; l++) {
      const fin = m.sizes[l], fout = m.sizes[l + 1], o = m.offsets[l];
      // Glorot initialisation for tanh.
      const s = Math.sqrt(2 / (fin + fout));
      for (let i = 0; i < fin * fout; i++) m.params[o + i] = s * rng.normal();
    }
    return m;
  }

  /** Activations of every layer for one row (post-tanh for hidden layers, logits for the last). */
  private forwardRow(x: ArrayLike<number>, xOff: number, acts: Float64Array[]): void {
    const L = this.sizes.length - 1;
    for (let l = 0; l < L; l++) {
      const fin = this.sizes[l], fout = this.sizes[l + 1], o = this.offsets[l];
      const src = l === 0 ? x : acts[l - 1], sOff = l === 0 ? xOff : 0, dst = acts[l];
      for (let j = 0; j < fout; j++) {
        let z = this.params[o + fout * fin + j];
        for (let i = 0; i < fin; i++) z += this.params[o + j * fin + i] * src[sOff + i];
        dst[j] = l === L - 1 ? z : Math.tanh(z);
      }
    }
  }

  private buffers(): Float64Array[] {
    return this.sizes.slice(1).map((s) => new Float64Array(s));
  }

  predictProba(X: RowMatrix): Float64Array {
    checkInputs(this, X);
    const C = this.numClasses, out = new Float64Array(X.rows * C), acts = this.buffers();
    for (let r = 0; r < X.rows; r++) {
      this.forwardRow(X.data, r * X.cols, acts);
      softmaxInto(acts[acts.length - 1], out.subarray(r * C, (r + 1) * C) as Float64Array, 0, C);
    }
    return out;
  }

  /** The last hidden layer's activations (the inputs themselves when there is no hidden layer). */
  embed(X: RowMatrix): RowMatrix {
    checkInputs(this, X);
    const L = this.sizes.length - 1;
    if (L < 2) return { data: Float64Array.from(X.data), rows: X.rows, cols: X.cols };
    const w = this.sizes[L - 1], out = new Float64Array(X.rows * w), acts = this.buffers();
    for (let r = 0; r < X.rows; r++) { this.forwardRow(X.data, r * X.cols, acts); out.set(acts[L - 2], r * w); }
    return { data: out, rows: X.rows, cols: w };
  }

  lossGrad(X: RowMatrix, y: Int32Array, opts: GradOptions = {}): LossGradient {
    checkInputs(this, X);
    const C = this.numClasses, d = this.numFeatures, L = this.sizes.length - 1;
    const dparams = new Float64Array(this.params.length);
    const dinputs = opts.wrtInputs ? new Float64Array(X.rows * d) : undefined;
    const acts = this.buffers(), deltas = this.buffers(), p = new Float64Array(C), gx = new Float64Array(d);
    let loss = 0, wsum = 0;
    for (let r = 0; r < X.rows; r++) {
      const w = opts.classWeights ? opts.classWeights[y[r]] : 1;
      wsum += w;
      this.forwardRow(X.data, r * X.cols, acts);
      softmaxInto(acts[L - 1], p, 0, C);
      loss += crossEntropyRow(p, 0, C, y[r], w, deltas[L - 1], opts.targets, r * C);
      for (let l = L - 1; l >= 0; l--) {
        const fin = this.sizes[l], fout = this.sizes[l + 1], o = this.offsets[l];
        const src = l === 0 ? X.data : acts[l - 1], sOff = l === 0 ? r * X.cols : 0;
        const prev = l > 0 ? deltas[l - 1] : gx;
        prev.fill(0);
        for (let j = 0; j < fout; j++) {
          const dj = deltas[l][j];
          if (!opts.skipParams) {
            dparams[o + fout * fin + j] += dj;
            for (let i = 0; i < fin; i++) dparams[o + j * fin + i] += dj * src[sOff + i];
          }
          for (let i = 0; i < fin; i++) prev[i] += dj * this.params[o + j * fin + i];
        }
        if (l > 0) for (let i = 0; i < fin; i++) prev[i] *= 1 - acts[l - 1][i] ** 2;
      }
      if (dinputs) dinputs.set(gx, r * d);
    }
    const norm = Math.max(wsum, 1e-300);
    let reg = 0;
    for (let i = 0; i < dparams.length; i++) { dparams[i] = dparams[i] / norm + this.l2 * this.params[i]; reg += 0.5 * this.l2 * this.params[i] ** 2; }
    return { loss: loss / norm + reg, dparams, dinputs };
  }

  toJSON(): ModelJSON {
    return { format: 'qml6g-model', version: 1, type: this.type, numFeatures: this.numFeatures, hidden: this.hidden, numClasses: this.numClasses, l2: this.l2, params: Array.from(this.params) };
  }
}
