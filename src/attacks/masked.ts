/**
 * A deliberately gradient-masked model: inputs are snapped to a coarse grid before the wrapped
 * model sees them, so the true input gradient is zero almost everywhere. It looks robust to
 * gradient attacks and is not: black-box and transfer attacks get through. Kept on purpose, so the
 * honest-evaluation checks can be shown to catch it (and, later, to exhibit masking defences).
 */
import type { RowMatrix } from '../sim/batch.js';
import type { GradOptions, LossGradient, Model, ModelJSON } from '../qml/model.js';

export class GradientMaskedModel implements Model {
  readonly type = 'masked';
  constructor(readonly inner: Model, readonly step = 0.5) {}
  get kind(): 'quantum' | 'classical' { return this.inner.kind; }
  get numFeatures(): number { return this.inner.numFeatures; }
  get numClasses(): number { return this.inner.numClasses; }
  get params(): Float64Array { return this.inner.params; }
  private snap(X: RowMatrix): RowMatrix {
    return { ...X, data: X.data.map((v) => Math.round(v / this.step) * this.step) };
  }
  predictProba(X: RowMatrix): Float64Array { return this.inner.predictProba(this.snap(X)); }
  lossGrad(X: RowMatrix, y: Int32Array, opts: GradOptions = {}): LossGradient {
    const g = this.inner.lossGrad(this.snap(X), y, opts);
    // d(round(x))/dx = 0: the gradient the attacker sees is exactly what the snapped model has.
    if (g.dinputs) g.dinputs.fill(0);
    return g;
  }
  toJSON(): ModelJSON { return { format: 'qml6g-model', version: 1, type: this.type, step: this.step, inner: this.inner.toJSON() }; }
}
