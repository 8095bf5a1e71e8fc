/**
 * Uncertainty and detection:
 * - deep ensembles (Lakshminarayanan et al. 2017): k models of one architecture trained from
 *   different seeds; the prediction is the mean, the spread is the signal;
 * - predictive entropy H(p̄) and mutual information H(p̄) − mean_k H(p_k) (the disagreement
 *   between members, i.e. epistemic uncertainty);
 * - shot-noise Monte Carlo: repeated shot-based predictions of one quantum model, scored the same way;
 * - a Bayesian (Laplace) soft-max head for logistic regression: a diagonal Gaussian posterior around
 *   the trained weights (precision = prior + Σ diagonal Hessian of the loss), predictions averaged
 *   over posterior samples (MacKay 1992; Daxberger et al. 2021);
 * - the quantum/classical disagreement detector (West et al. 2023): inputs on which a quantum and a
 *   classical model disagree are flagged; the score is the total-variation distance between their
 *   class distributions.
 * Detection quality is the AUROC of a score separating clean from adversarial (or out-of-
 * distribution) rows.
 */
import { QmlError } from '../core/errors.js';
import { Rng } from '../core/rng.js';
import type { RowMatrix } from '../sim/batch.js';
import { softmaxInto } from '../core/linalg.js';
import { rocAuc } from '../qml/metrics.js';
import { modelFromJSON, registerWrapper } from '../qml/models/registry.js';
import type { GradOptions, LossGradient, Model, ModelJSON } from '../qml/model.js';
import { LogisticRegression } from '../qml/models/logreg.js';
import { trainModel, type TrainConfig } from '../qml/train.js';
import { freshCopy } from './adversarial-training.js';

export function entropyRows(p: Float64Array, rows: number, C: number): Float64Array {
  return Float64Array.from({ length: rows }, (_, r) => {
    let h = 0;
    for (let c = 0; c < C; c++) { const v = p[r * C + c]; if (v > 0) h -= v * Math.log(v); }
    return h;
  });
}

/** Mean prediction, predictive entropy and mutual information of several probability matrices. */
export function ensembleUncertainty(members: Float64Array[], rows: number, C: number): { mean: Float64Array; entropy: Float64Array; mutualInformation: Float64Array } {
  if (!members.length) throw new QmlError('an ensemble needs at least one member');
  const mean = new Float64Array(rows * C);
  for (const p of members) for (let i = 0; i < mean.length; i++) mean[i] += p[i] / members.length;
  const entropy = entropyRows(mean, rows, C);
  const memberH = members.map((p) => entropyRows(p, rows, C));
  const mutualInformation = Float64Array.from(entropy, (h, r) => Math.max(0, h - memberH.reduce((a, m) => a + m[r], 0) / members.length));
  return { mean, entropy, mutualInformation };
}

export class EnsembleModel implements Model {
  readonly type = 'ensemble';
  constructor(readonly members: Model[]) {
    if (!members.length) throw new QmlError('an ensemble needs at least one member');
    const f = members[0].numFeatures, C = members[0].numClasses;
    if (members.some((m) => m.numFeatures !== f || m.numClasses !== C)) throw new QmlError('ensemble members must share their inputs and classes');
  }
  get kind(): 'quantum' | 'classical' { return this.members[0].kind; }
  get numFeatures(): number { return this.members[0].numFeatures; }
  get numClasses(): number { return this.members[0].numClasses; }
  get params(): Float64Array { return new Float64Array(0); }
  memberProba(X: RowMatrix): Float64Array[] { return this.members.map((m) => m.predictProba(X)); }
  predictProba(X: RowMatrix): Float64Array { return ensembleUncertainty(this.memberProba(X), X.rows, this.numClasses).mean; }
  /** Gradient of the ensemble's own loss −log p̄_y: p̄ = mean p_k, so ∂/∂x = Σ_k (p_k,y / (K p̄_y)) ∂ log p_k,y / ∂x. */
  lossGrad(X: RowMatrix, y: Int32Array, opts: GradOptions = {}): LossGradient {
    const C = this.numClasses, K = this.members.length;
    const probs = this.memberProba(X);
    const mean = ensembleUncertainty(probs, X.rows, C).mean;
    let loss = 0;
    for (let r = 0; r < X.rows; r++) loss -= Math.log(Math.max(mean[r * C + y[r]], 1e-300));
    const dinputs = opts.wrtInputs ? new Float64Array(X.rows * X.cols) : undefined;
    if (dinputs) {
      this.members.forEach((m, k) => {
        // Soft targets t = weight_k · e_y reproduce the weighted member gradient.
        const t = new Float64Array(X.rows * C);
        for (let r = 0; r < X.rows; r++) t[r * C + y[r]] = probs[k][r * C + y[r]] / (K * Math.max(mean[r * C + y[r]], 1e-300));
        const g = m.lossGrad(X, y, { wrtInputs: true, skipParams: true, targets: t }).dinputs!;
        for (let i = 0; i < dinputs.length; i++) dinputs[i] += g[i];
      });
    }
    return { loss: loss / X.rows, dparams: new Float64Array(0), dinputs };
  }
  toJSON(): ModelJSON { return { format: 'qml6g-model', version: 1, type: this.type, numFeatures: this.numFeatures, numClasses: this.numClasses, members: this.members.map((m) => m.toJSON()) }; }
}
registerWrapper('ensemble', (j) => new EnsembleModel((j.members as unknown[]).map((m) => modelFromJSON(m))));

/** Trains k members of `base`'s architecture from seeds seed, seed + 1, ... */
export function trainEnsemble(base: Model, X: RowMatrix, y: Int32Array, k: number, seed: number, train: TrainConfig = {}): EnsembleModel {
  if (!Number.isInteger(k) || k < 2) throw new QmlError(`an ensemble needs at least 2 members, got ${k}`, 'members');
  const members: Model[] = [];
  for (let i = 0; i < k; i++) {
    const m = freshCopy(base, seed + 1000 * i);
    trainModel(m, X, y, { ...train, seed: seed + 1000 * i });
    members.push(m);
  }
  return new EnsembleModel(members);
}

/** Repeated shot-based predictions of one stochastic model, as ensemble members. */
export function shotMonteCarlo(model: Model, X: RowMatrix, draws: number): Float64Array[] {
  if (!Number.isInteger(draws) || draws < 2) throw new QmlError(`shot Monte Carlo needs at least 2 draws, got ${draws}`, 'draws');
  return Array.from({ length: draws }, () => model.predictProba(X));
}

/**
 * Laplace approximation of a logistic-regression head: diagonal posterior precision
 * λ_prior + Σ_rows ∂²ℓ/∂w² (the soft-max Hessian's diagonal), predictions averaged over samples.
 */
export class LaplaceLogReg implements Model {
  readonly type = 'laplace';
  readonly kind = 'classical' as const;
  readonly precision: Float64Array;
  constructor(readonly inner: LogisticRegression, precision: Float64Array, readonly samples = 32, readonly seed = 0) {
    if (precision.length !== inner.params.length) throw new QmlError('one precision per weight');
    this.precision = precision;
  }
  static fit(inner: LogisticRegression, X: RowMatrix, priorPrecision = 1, samples = 32, seed = 0): LaplaceLogReg {
    if (!(priorPrecision > 0)) throw new QmlError(`prior precision must be > 0, got ${priorPrecision}`, 'priorPrecision');
    const C = inner.numClasses, d = inner.numFeatures;
    const prec = new Float64Array(inner.params.length).fill(priorPrecision);
    const p = inner.predictProba(X);
    for (let r = 0; r < X.rows; r++) for (let c = 0; c < C; c++) {
      const h = p[r * C + c] * (1 - p[r * C + c]);
      for (let j = 0; j < d; j++) prec[c * d + j] += h * X.data[r * X.cols + j] ** 2;
      prec[C * d + c] += h;
    }
    return new LaplaceLogReg(inner, prec, samples, seed);
  }
  get numFeatures(): number { return this.inner.numFeatures; }
  get numClasses(): number { return this.inner.numClasses; }
  get params(): Float64Array { return this.inner.params; }
  /** Posterior-sample predictions (rows × C each). */
  sampleProba(X: RowMatrix): Float64Array[] {
    const rng = new Rng(this.seed), C = this.numClasses, d = this.numFeatures, w = this.inner.params;
    const out: Float64Array[] = [];
    const z = new Float64Array(C);
    for (let s = 0; s < this.samples; s++) {
      const ws = Float64Array.from(w, (v, i) => v + rng.normal() / Math.sqrt(this.precision[i]));
      const p = new Float64Array(X.rows * C);
      for (let r = 0; r < X.rows; r++) {
        for (let c = 0; c < C; c++) { let v = ws[C * d + c]; for (let j = 0; j < d; j++) v += ws[c * d + j] * X.data[r * X.cols + j]; z[c] = v; }
        softmaxInto(z, z, 0, C);
        p.set(z, r * C);
      }
      out.push(p);
    }
    return out;
  }
  predictProba(X: RowMatrix): Float64Array { return ensembleUncertainty(this.sampleProba(X), X.rows, this.numClasses).mean; }
  lossGrad(X: RowMatrix, y: Int32Array, opts: GradOptions = {}): LossGradient { return this.inner.lossGrad(X, y, opts); }
  toJSON(): ModelJSON { return { format: 'qml6g-model', version: 1, type: this.type, numFeatures: this.numFeatures, numClasses: this.numClasses, precision: Array.from(this.precision), samples: this.samples, seed: this.seed, inner: this.inner.toJSON() }; }
}
registerWrapper('laplace', (j, inner) => new LaplaceLogReg(inner as LogisticRegression, Float64Array.from(j.precision as number[]), j.samples as number, j.seed as number));

/** Total-variation distance between two models' class distributions per row (West et al. 2023's disagreement signal). */
export function disagreement(pA: Float64Array, pB: Float64Array, rows: number, C: number): Float64Array {
  return Float64Array.from({ length: rows }, (_, r) => {
    let tv = 0;
    for (let c = 0; c < C; c++) tv += Math.abs(pA[r * C + c] - pB[r * C + c]);
    return tv / 2;
  });
}

/** AUROC of a score that should be higher on suspicious rows than on clean ones. */
export function detectionAuroc(clean: ArrayLike<number>, suspicious: ArrayLike<number>): number {
  const scores = [...Array.from(clean), ...Array.from(suspicious)];
  const labels = [...Array.from(clean, () => false), ...Array.from(suspicious, () => true)];
  const a = rocAuc(scores, labels);
  if (a === null) throw new QmlError('detection AUROC needs clean and suspicious rows');
  return a;
}
