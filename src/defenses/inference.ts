/**
 * Inference-time defences, as Models that wrap a trained model:
 * - feature squeezing (Xu et al. 2018): inputs clipped to the training range and quantised to a
 *   grid. Real protection only against tiny perturbations; its zero gradient masks white-box
 *   attacks, which the honest-evaluation checks expose (black-box and transfer attacks pass);
 * - randomised encoding: uniform noise of width σ added to the encoding inputs at inference and
 *   the prediction averaged over `samples` draws; its input gradient is the expectation over the
 *   same noise (EOT, Athalye et al. 2018), so white-box attacks see the defence as it is;
 * - temperature scaling of a distilled student (Papernot et al. 2016): see distillation.ts.
 * Each wrapper serialises with its inner model.
 */
import { Rng } from '../core/rng.js';
import { QmlError } from '../core/errors.js';
import type { RowMatrix } from '../sim/batch.js';
import type { GradOptions, LossGradient, Model, ModelJSON } from '../qml/model.js';
import { registerWrapper } from '../qml/models/registry.js';

export class SqueezedModel implements Model {
  readonly type = 'squeezed';
  constructor(readonly inner: Model, readonly lo: Float64Array, readonly hi: Float64Array, readonly levels = 16) {
    if (!Number.isInteger(levels) || levels < 2) throw new QmlError(`levels must be an integer ≥ 2, got ${levels}`, 'levels');
    if (lo.length !== inner.numFeatures || hi.length !== inner.numFeatures) throw new QmlError('the clipping range needs one bound per feature');
  }
  static fit(inner: Model, X: RowMatrix, levels = 16): SqueezedModel {
    const lo = new Float64Array(X.cols).fill(Infinity), hi = new Float64Array(X.cols).fill(-Infinity);
    for (let r = 0; r < X.rows; r++) for (let j = 0; j < X.cols; j++) { const v = X.data[r * X.cols + j]; lo[j] = Math.min(lo[j], v); hi[j] = Math.max(hi[j], v); }
    return new SqueezedModel(inner, lo, hi, levels);
  }
  get kind(): 'quantum' | 'classical' { return this.inner.kind; }
  get numFeatures(): number { return this.inner.numFeatures; }
  get numClasses(): number { return this.inner.numClasses; }
  get params(): Float64Array { return this.inner.params; }
  squeeze(X: RowMatrix): RowMatrix {
    const d = X.cols, L = this.levels - 1;
    return { ...X, data: X.data.map((v, i) => { const j = i % d, w = this.hi[j] - this.lo[j] || 1; const c = Math.min(this.hi[j], Math.max(this.lo[j], v)); return this.lo[j] + (Math.round(((c - this.lo[j]) / w) * L) / L) * w; }) };
  }
  predictProba(X: RowMatrix): Float64Array { return this.inner.predictProba(this.squeeze(X)); }
  lossGrad(X: RowMatrix, y: Int32Array, opts: GradOptions = {}): LossGradient {
    const g = this.inner.lossGrad(this.squeeze(X), y, opts);
    // Rounding has zero derivative: the attacker's gradient is exactly zero (masked, not robust).
    if (g.dinputs) g.dinputs.fill(0);
    return g;
  }
  toJSON(): ModelJSON { return { format: 'qml6g-model', version: 1, type: this.type, numFeatures: this.numFeatures, numClasses: this.numClasses, lo: Array.from(this.lo), hi: Array.from(this.hi), levels: this.levels, inner: this.inner.toJSON() }; }
}

export class RandomizedEncodingModel implements Model {
  readonly type = 'randomized';
  private rng: Rng;
  constructor(readonly inner: Model, readonly sigma = 0.1, readonly samples = 8, readonly seed = 0) {
    if (!(sigma >= 0)) throw new QmlError(`sigma must be ≥ 0, got ${sigma}`, 'sigma');
    if (!Number.isInteger(samples) || samples < 1) throw new QmlError(`samples must be a positive integer, got ${samples}`, 'samples');
    this.rng = new Rng(seed);
  }
  get kind(): 'quantum' | 'classical' { return this.inner.kind; }
  get numFeatures(): number { return this.inner.numFeatures; }
  get numClasses(): number { return this.inner.numClasses; }
  get params(): Float64Array { return this.inner.params; }
  /** Stochastic at inference: attacks average gradients over draws (EOT). */
  readonly execution = { shots: 1 };
  private noisy(X: RowMatrix): RowMatrix {
    return { ...X, data: X.data.map((v) => v + (this.rng.next() * 2 - 1) * this.sigma) };
  }
  predictProba(X: RowMatrix): Float64Array {
    const out = new Float64Array(X.rows * this.numClasses);
    for (let s = 0; s < this.samples; s++) { const p = this.inner.predictProba(this.noisy(X)); for (let i = 0; i < out.length; i++) out[i] += p[i] / this.samples; }
    return out;
  }
  lossGrad(X: RowMatrix, y: Int32Array, opts: GradOptions = {}): LossGradient {
    let out: LossGradient | null = null;
    for (let s = 0; s < this.samples; s++) {
      const g = this.inner.lossGrad(this.noisy(X), y, opts);
      if (!out) out = { loss: g.loss / this.samples, dparams: g.dparams.map((v) => v / this.samples), dinputs: g.dinputs?.map((v) => v / this.samples) };
      else {
        out.loss += g.loss / this.samples;
        for (let i = 0; i < out.dparams.length; i++) out.dparams[i] += g.dparams[i] / this.samples;
        if (out.dinputs && g.dinputs) for (let i = 0; i < out.dinputs.length; i++) out.dinputs[i] += g.dinputs[i] / this.samples;
      }
    }
    return out!;
  }
  toJSON(): ModelJSON { return { format: 'qml6g-model', version: 1, type: this.type, numFeatures: this.numFeatures, numClasses: this.numClasses, sigma: this.sigma, samples: this.samples, seed: this.seed, inner: this.inner.toJSON() }; }
}

registerWrapper('squeezed', (j, inner) => new SqueezedModel(inner, Float64Array.from(j.lo as number[]), Float64Array.from(j.hi as number[]), j.levels as number));
registerWrapper('randomized', (j, inner) => new RandomizedEncodingModel(inner, j.sigma as number, j.samples as number, j.seed as number));
