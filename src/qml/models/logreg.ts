/**
 * Multinomial logistic regression (soft-max over a linear map), the simplest classical baseline.
 *
 * @example
 * import { LogisticRegression } from 'qml6g';
 * const m = LogisticRegression.create(4, 3, { seed: 0 });
 */
import { Rng } from '../../core/rng.js';
import type { RowMatrix } from '../../sim/batch.js';
import { checkInputs, crossEntropyRow, LinearHead, type GradOptions, type LossGradient, type Model, type ModelJSON } from '../model.js';

export class LogisticRegression implements Model {
  readonly type = 'logreg';
  readonly kind = 'classical' as const;
  readonly head: LinearHead;
  readonly params: Float64Array;

  constructor(readonly numFeatures: number, readonly numClasses: number, params: Float64Array | null, readonly l2 = 1e-4) {
    this.head = new LinearHead(numFeatures, numClasses);
    this.params = params ?? new Float64Array(this.head.size);
  }

  static create(numFeatures: number, numClasses: number, opts: { seed?: number; l2?: number } = {}): LogisticRegression {
    const m = new LogisticRegression(numFeatures, numClasses, null, opts.l2);
    const rng = new Rng(opts.seed ?? 0);
    for (let i = 0; i < numFeatures * numClasses; i++) m.params[i] = 0.01 * rng.normal();
    return m;
  }

  predictProba(X: RowMatrix): Float64Array {
    checkInputs(this, X);
    const C = this.numClasses, out = new Float64Array(X.rows * C);
    for (let r = 0; r < X.rows; r++) this.head.forward(this.params, 0, X.data, r * X.cols, out, r * C);
    return out;
  }

  lossGrad(X: RowMatrix, y: Int32Array, opts: GradOptions = {}): LossGradient {
    checkInputs(this, X);
    const C = this.numClasses, d = this.numFeatures;
    const dparams = new Float64Array(this.params.length);
    const dinputs = opts.wrtInputs ? new Float64Array(X.rows * d) : undefined;
    const p = new Float64Array(C), g = new Float64Array(C), gx = new Float64Array(d);
    let loss = 0, wsum = 0;
    for (let r = 0; r < X.rows; r++) {
      const w = opts.classWeights ? opts.classWeights[y[r]] : 1;
      wsum += w;
      this.head.forward(this.params, 0, X.data, r * X.cols, p, 0);
      loss += crossEntropyRow(p, 0, C, y[r], w, g, opts.targets, r * C);
      this.head.backward(this.params, 0, X.data, r * X.cols, g, opts.skipParams ? null : dparams, gx);
      if (dinputs) dinputs.set(gx, r * d);
    }
    const norm = Math.max(wsum, 1e-300);
    let reg = 0;
    for (let i = 0; i < dparams.length; i++) {
      dparams[i] /= norm;
      if (i < C * d) { dparams[i] += this.l2 * this.params[i]; reg += 0.5 * this.l2 * this.params[i] ** 2; }
    }
    return { loss: loss / norm + reg, dparams, dinputs };
  }

  toJSON(): ModelJSON {
    return { format: 'qml6g-model', version: 1, type: this.type, numFeatures: this.numFeatures, numClasses: this.numClasses, l2: this.l2, params: Array.from(this.params) };
  }
}
