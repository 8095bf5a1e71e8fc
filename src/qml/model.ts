/**
 * One interface for every detector, quantum or classical: probabilities, predictions, loss, and the
 * gradient of the loss with respect to parameters and to inputs (batched over rows), plus
 * serialisation. Attacks and defences see only this interface.
 */
import { QmlError } from '../core/errors.js';
import { softmaxInto } from '../core/linalg.js';
import type { RowMatrix } from '../sim/batch.js';
import type { NoiseModel } from '../sim/noise.js';

/**
 * Devices narrower than the model: its circuit is cut into fragments of at most `qubits` qubits
 * (src/sim/cutting) and every expectation is reconstructed from them. Each fragment may run on a
 * device with its own noise model (`noise`, one per fragment, or one for all).
 */
export interface DeviceExecution {
  qubits: number;
  noise?: NoiseModel | Array<NoiseModel | undefined>;
  /** Refuse cut plans whose sampling overhead Π γ² exceeds this (default 1e6). */
  maxOverhead?: number;
  kinds?: 'wire' | 'gate' | 'both';
  /**
   * How training differentiates on these devices: 'shift' reconstructs every shifted value from the
   * fragments (what hardware would run; always used with shots or device noise); 'adjoint' (the
   * default when exact) uses the simulator's adjoint gradient, which the exact reconstruction equals.
   */
  gradient?: 'shift' | 'adjoint';
}

/** How a quantum model's circuits run: exactly (default), with shots, under a noise model, or cut for small devices. */
export interface Execution { noise?: NoiseModel; shots?: number; seed?: number; device?: DeviceExecution }

export interface LossGradient {
  /** Weighted mean cross-entropy over the rows. */
  loss: number;
  /** ∂loss/∂params. */
  dparams: Float64Array;
  /** rows × numFeatures: ∂ℓ_r/∂x_r, each row's own (weighted) loss w.r.t. its own inputs; present when asked for. */
  dinputs?: Float64Array;
}

export interface GradOptions {
  /** Per-class loss weights (class weighting for imbalanced data). */
  classWeights?: Float64Array;
  wrtInputs?: boolean;
  /** Skip ∂/∂params (attacks need only inputs). */
  skipParams?: boolean;
  /**
   * Soft targets (rows × classes) instead of the hard labels: the loss is −Σ_c t_c log p_c
   * (distillation, TRADES). Targets need not sum to one, so any linear functional of the
   * log-probabilities can be differentiated this way.
   */
  targets?: Float64Array;
}

/**
 * One row's weighted cross-entropy and its gradient w.r.t. the logits (written into g): for a hard
 * label, −w log p_y and w(p − e_y); for soft targets t, −w Σ t_c log p_c and w((Σ t) p − t).
 */
export function crossEntropyRow(p: ArrayLike<number>, pOff: number, C: number, y: number, w: number, g: Float64Array, targets?: Float64Array, tOff = 0): number {
  if (!targets) {
    for (let c = 0; c < C; c++) g[c] = w * (p[pOff + c] - (c === y ? 1 : 0));
    return -w * Math.log(Math.max(p[pOff + y], 1e-300));
  }
  let ts = 0, loss = 0;
  for (let c = 0; c < C; c++) { ts += targets[tOff + c]; loss -= targets[tOff + c] * Math.log(Math.max(p[pOff + c], 1e-300)); }
  for (let c = 0; c < C; c++) g[c] = w * (ts * p[pOff + c] - targets[tOff + c]);
  return w * loss;
}

export interface ModelJSON {
  format: 'qml6g-model';
  version: 1;
  type: string;
  [k: string]: unknown;
}

export interface Model {
  readonly type: string;
  readonly kind: 'quantum' | 'classical';
  readonly numFeatures: number;
  readonly numClasses: number;
  /** Trainable parameters (shared storage: optimisers update it in place). Empty for closed-form fits. */
  readonly params: Float64Array;
  /** rows × numClasses class probabilities. */
  predictProba(X: RowMatrix): Float64Array;
  lossGrad(X: RowMatrix, y: Int32Array, opts?: GradOptions): LossGradient;
  /**
   * The representation the head classifies (rows × width): a quantum model's read-out expectation
   * values, an MLP's last hidden layer. Backdoor defences look for poisoned clusters there.
   */
  embed?(X: RowMatrix): RowMatrix;
  /** Index of the first parameter of the classical head that reads `embed` (fine-tuning the head alone). */
  readonly headOffset?: number;
  /** Closed-form or solver-based training (kernel SVMs); gradient models leave it undefined. */
  fit?(X: RowMatrix, y: Int32Array, opts: { classWeights?: Float64Array; seed: number; log?: (s: string) => void }): void;
  toJSON(): ModelJSON;
}

/** The most probable class of each row of a rows × C probability matrix. */
export function argmaxRows(p: Float64Array, rows: number, C: number): Int32Array {
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let b = 0;
    for (let c = 1; c < C; c++) if (p[r * C + c] > p[r * C + b]) b = c;
    out[r] = b;
  }
  return out;
}

export function predict(model: Model, X: RowMatrix): Int32Array {
  return argmaxRows(model.predictProba(X), X.rows, model.numClasses);
}

/** Weighted mean cross-entropy of probabilities. */
export function crossEntropy(p: Float64Array, y: Int32Array, C: number, classWeights?: Float64Array): number {
  let s = 0, wsum = 0;
  for (let r = 0; r < y.length; r++) {
    const w = classWeights ? classWeights[y[r]] : 1;
    s -= w * Math.log(Math.max(p[r * C + y[r]], 1e-300));
    wsum += w;
  }
  return s / Math.max(wsum, 1e-300);
}

export function lossOf(model: Model, X: RowMatrix, y: Int32Array, classWeights?: Float64Array): number {
  return crossEntropy(model.predictProba(X), y, model.numClasses, classWeights);
}

/**
 * A linear soft-max head: logits = W·e + b. Parameters live in a slice of the model's vector
 * [W (C × m, row-major), b (C)].
 */
export class LinearHead {
  readonly size: number;
  constructor(readonly inputs: number, readonly classes: number) {
    this.size = classes * inputs + classes;
  }
  /** probs ← softmax(W e + b). */
  forward(p: Float64Array, off: number, e: ArrayLike<number>, eOff: number, probs: Float64Array, pOff: number): void {
    const m = this.inputs, C = this.classes;
    for (let c = 0; c < C; c++) {
      let z = p[off + C * m + c];
      for (let i = 0; i < m; i++) z += p[off + c * m + i] * e[eOff + i];
      probs[pOff + c] = z;
    }
    softmaxInto(probs, probs, pOff, C);
  }
  /** With g = ∂ℓ/∂logits: accumulates ∂/∂W, ∂/∂b into grad and writes ∂ℓ/∂e into ge. */
  backward(p: Float64Array, off: number, e: ArrayLike<number>, eOff: number, g: ArrayLike<number>, grad: Float64Array | null, ge: Float64Array): void {
    const m = this.inputs, C = this.classes;
    ge.fill(0);
    for (let c = 0; c < C; c++) {
      const gc = g[c];
      if (grad) grad[off + C * m + c] += gc;
      for (let i = 0; i < m; i++) {
        if (grad) grad[off + c * m + i] += gc * e[eOff + i];
        ge[i] += gc * p[off + c * m + i];
      }
    }
  }
}

/** Balanced class weights n / (C · n_c), as scikit-learn's class_weight='balanced'. */
export function balancedClassWeights(y: Int32Array, C: number): Float64Array {
  const cnt = new Float64Array(C);
  for (const v of y) cnt[v]++;
  return Float64Array.from(cnt, (n) => (n > 0 ? y.length / (C * n) : 0));
}

export function checkInputs(model: { numFeatures: number; type: string }, X: RowMatrix): void {
  if (X.cols !== model.numFeatures) throw new QmlError(`model "${model.type}" takes ${model.numFeatures} features, the data has ${X.cols}`);
}

/**
 * The Born-rule "head" of a binary circuit classifier: no parameters; P(class 0) = (1 + ⟨Z⟩)/2.
 * Its logits are log-probabilities (so the soft-max of them is the Born distribution itself) and
 * ∂ℓ/∂⟨Z⟩ = g₀/(2p₀) − g₁/(2p₁) for g = ∂ℓ/∂logits.
 */
export class BornHead {
  readonly size = 0;
  readonly inputs = 1;
  readonly classes = 2;
  forward(_p: Float64Array, _off: number, e: ArrayLike<number>, eOff: number, probs: Float64Array, pOff: number): void {
    const z = Math.min(1, Math.max(-1, e[eOff]));
    probs[pOff] = (1 + z) / 2;
    probs[pOff + 1] = (1 - z) / 2;
  }
  backward(_p: Float64Array, _off: number, e: ArrayLike<number>, eOff: number, g: ArrayLike<number>, _grad: Float64Array | null, ge: Float64Array): void {
    const z = e[eOff];
    const p0 = Math.max((1 + z) / 2, 1e-300), p1 = Math.max((1 - z) / 2, 1e-300);
    ge.fill(0);
    ge[0] = g[0] / (2 * p0) - g[1] / (2 * p1);
  }
}
