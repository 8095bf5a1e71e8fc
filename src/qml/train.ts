/**
 * Training: seeded mini-batches, Adam / SGD with momentum / SPSA, class weighting for imbalanced
 * data, early stopping on a validation split (the best parameters are restored), checkpoints and
 * progress. Kernel models (SVM, QSVM) are fitted by their solver instead.
 *
 * @example
 * import { trainModel, LogisticRegression } from 'qml6g';
 * // const history = trainModel(model, X, y, { epochs: 20, seed: 1 });
 */
import { QmlError } from '../core/errors.js';
import { Rng } from '../core/rng.js';
import { rowsOf, type RowMatrix } from '../sim/batch.js';
import { balancedClassWeights, crossEntropy, type Model } from './model.js';
import { makeOptimizer, SPSA } from './optim.js';
import { stratifiedSplit } from './table.js';

export interface TrainConfig {
  epochs?: number;
  batchSize?: number;
  optimizer?: 'adam' | 'sgd' | 'spsa';
  lr?: number;
  classWeight?: 'balanced' | 'none';
  /** Fraction of training rows held out for early stopping (0 disables it). */
  validation?: number;
  patience?: number;
  seed?: number;
  /** Called after every epoch that improved the validation loss (e.g. to save a checkpoint). */
  onCheckpoint?: (model: Model, epoch: number) => void;
  onEpoch?: (e: EpochRecord) => void;
  onProgress?: (done: number, total: number) => void;
  log?: (s: string) => void;
  /**
   * Replaces the mini-batch gradient (robust training: adversarial training, TRADES). Receives the
   * batch, the class weights and the batch's row indices in the training set; returns the loss
   * and ∂loss/∂params.
   */
  batchGradient?: (model: Model, X: RowMatrix, y: Int32Array, classWeights: Float64Array | undefined, rows: number[]) => { loss: number; dparams: Float64Array };
}

export interface EpochRecord { epoch: number; loss: number; val_loss: number | null; val_accuracy: number | null; seconds: number }

export interface TrainResult { history: EpochRecord[]; bestEpoch: number; seconds: number; classWeights: number[] | null }

export function trainModel(model: Model, X: RowMatrix, y: Int32Array, cfg: TrainConfig = {}): TrainResult {
  const t0 = performance.now();
  const seed = cfg.seed ?? 0, rng = new Rng(seed);
  const C = model.numClasses;
  const weights = cfg.classWeight === 'balanced' ? balancedClassWeights(y, C) : undefined;
  if (model.fit) {
    model.fit(X, y, { classWeights: weights, seed, log: cfg.log });
    cfg.onProgress?.(1, 1);
    return { history: [], bestEpoch: 0, seconds: (performance.now() - t0) / 1000, classWeights: weights ? Array.from(weights) : null };
  }
  const epochs = cfg.epochs ?? 20, bs = cfg.batchSize ?? 32;
  if (!Number.isInteger(epochs) || epochs < 1) throw new QmlError(`epochs must be a positive integer, got ${epochs}`, '--epochs');
  if (!Number.isInteger(bs) || bs < 1) throw new QmlError(`batch size must be a positive integer, got ${bs}`, '--batch-size');
  const valFrac = cfg.validation ?? 0.1;
  let trainIdx = Array.from({ length: X.rows }, (_, i) => i), valIdx: number[] = [];
  if (valFrac > 0 && X.rows >= 20) ({ train: trainIdx, test: valIdx } = stratifiedSplit(y, valFrac, seed + 1));
  const Xv = valIdx.length ? rowsOf(X, valIdx) : null, yv = Int32Array.from(valIdx, (i) => y[i]);
  const opt = makeOptimizer(cfg.optimizer ?? 'adam', model.params.length, cfg.lr, rng.fork());
  const history: EpochRecord[] = [];
  let best = Infinity, bestEpoch = 0, bestParams = Float64Array.from(model.params), waited = 0;
  const patience = cfg.patience ?? 5;
  const steps = Math.ceil(trainIdx.length / bs) * epochs;
  let done = 0;
  for (let ep = 1; ep <= epochs; ep++) {
    const te = performance.now();
    rng.shuffle(trainIdx);
    let lossSum = 0, batches = 0;
    for (let s = 0; s < trainIdx.length; s += bs) {
      const idx = trainIdx.slice(s, s + bs);
      const Xb = rowsOf(X, idx), yb = Int32Array.from(idx, (i) => y[i]);
      if (opt instanceof SPSA) {
        opt.spsaStep(model.params, (p) => {
          const keep = Float64Array.from(model.params);
          model.params.set(p);
          const l = crossEntropy(model.predictProba(Xb), yb, C, weights);
          model.params.set(keep);
          return l;
        });
        lossSum += crossEntropy(model.predictProba(Xb), yb, C, weights);
      } else {
        const g = cfg.batchGradient ? cfg.batchGradient(model, Xb, yb, weights, idx) : model.lossGrad(Xb, yb, { classWeights: weights });
        for (const v of g.dparams) if (!Number.isFinite(v)) throw new QmlError(`training diverged at epoch ${ep} (non-finite gradient); lower the learning rate`);
        opt.step(model.params, g.dparams);
        lossSum += g.loss;
      }
      batches++;
      cfg.onProgress?.(++done, steps);
    }
    let valLoss: number | null = null, valAcc: number | null = null;
    if (Xv) {
      const p = model.predictProba(Xv);
      valLoss = crossEntropy(p, yv, C, weights);
      let ok = 0;
      for (let r = 0; r < yv.length; r++) {
        let b = 0;
        for (let c = 1; c < C; c++) if (p[r * C + c] > p[r * C + b]) b = c;
        if (b === yv[r]) ok++;
      }
      valAcc = ok / yv.length;
    }
    const rec: EpochRecord = { epoch: ep, loss: lossSum / batches, val_loss: valLoss, val_accuracy: valAcc, seconds: (performance.now() - te) / 1000 };
    history.push(rec);
    cfg.onEpoch?.(rec);
    const score = valLoss ?? rec.loss;
    if (score < best - 1e-6) {
      best = score; bestEpoch = ep; bestParams = Float64Array.from(model.params); waited = 0;
      cfg.onCheckpoint?.(model, ep);
    } else if (Xv && ++waited >= patience) {
      cfg.log?.(`early stop at epoch ${ep}: validation loss has not improved for ${patience} epochs (best ${best.toFixed(4)} at epoch ${bestEpoch})`);
      break;
    }
  }
  model.params.set(bestParams);
  return { history, bestEpoch, seconds: (performance.now() - t0) / 1000, classWeights: weights ? Array.from(weights) : null };
}

/**
 * Transfer learning: trains only the classical head of `model` (parameters from `headOffset` on),
 * keeping the circuit or feature layers as they are — the update an operator runs when new
 * labelled traffic arrives for an already deployed detector.
 */
export function fineTuneHead(model: Model, X: RowMatrix, y: Int32Array, cfg: TrainConfig = {}): TrainResult {
  const h = model.headOffset;
  if (h === undefined) throw new QmlError(`a ${model.type} model has no separate classical head to fine-tune`, 'model');
  return trainModel(model, X, y, {
    ...cfg,
    batchGradient: (m, Xb, yb, w) => {
      const g = m.lossGrad(Xb, yb, { classWeights: w });
      g.dparams.fill(0, 0, h);
      return { loss: g.loss, dparams: g.dparams };
    },
  });
}
