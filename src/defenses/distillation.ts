/**
 * Defensive distillation (Papernot et al. 2016): a student of the same architecture is trained on
 * the teacher's soft labels at temperature T (p_T = softmax(log p / T)) and deployed at T = 1. Its
 * logits grow by about T, the deployed soft-max saturates and input gradients vanish: it resists
 * plain gradient attacks by masking them (Carlini & Wagner 2016), which black-box and transfer
 * attacks and the honest-evaluation checks reveal.
 * Training at temperature: with q = softmax(s/T), s = log p_student, the soft-target loss
 * −Σ t log q has ∂/∂s_c = (q_c − t_c)/T, i.e. the student's own soft-target gradient with targets
 * u = (t − q)/T.
 */
import { QmlError } from '../core/errors.js';
import { softmaxInto } from '../core/linalg.js';
import type { RowMatrix } from '../sim/batch.js';
import type { Model } from '../qml/model.js';
import { trainModel, type TrainConfig } from '../qml/train.js';
import { freshCopy } from './adversarial-training.js';
import type { Defense, DefenseContext, DefenseResult } from './defense.js';

/** softmax(log p / T) per row. */
export function temperatureProbs(p: Float64Array, rows: number, C: number, T: number): Float64Array {
  const out = new Float64Array(rows * C), z = new Float64Array(C);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < C; c++) z[c] = Math.log(Math.max(p[r * C + c], 1e-300)) / T;
    softmaxInto(z, z, 0, C);
    out.set(z, r * C);
  }
  return out;
}

export class Distillation implements Defense {
  readonly name = 'distillation';
  readonly kind = 'training' as const;
  constructor(readonly temperature = 20, readonly train: TrainConfig = {}) {
    if (!(temperature > 0)) throw new QmlError(`temperature must be > 0, got ${temperature}`, 'temperature');
  }
  apply(ctx: DefenseContext): DefenseResult {
    const t0 = performance.now(), T = this.temperature, C = ctx.base.numClasses;
    const student = freshCopy(ctx.base, ctx.seed);
    const teacherAll = temperatureProbs(ctx.base.predictProba(ctx.X), ctx.X.rows, C, T);
    trainModel(student, ctx.X, ctx.y, {
      ...this.train, seed: ctx.seed, log: ctx.log,
      batchGradient: (m: Model, X: RowMatrix, y: Int32Array, _w, rows: number[]) => {
        const q = temperatureProbs(m.predictProba(X), X.rows, C, T);
        const u = new Float64Array(X.rows * C);
        let loss = 0;
        for (let r = 0; r < X.rows; r++) {
          const tr = rows[r];
          for (let c = 0; c < C; c++) {
            const t = teacherAll[tr * C + c];
            u[r * C + c] = (t - q[r * C + c]) / T;
            loss -= t * Math.log(Math.max(q[r * C + c], 1e-300));
          }
        }
        return { loss: loss / X.rows, dparams: m.lossGrad(X, y, { targets: u }).dparams };
      },
    });
    const seconds = (performance.now() - t0) / 1000;
    return { name: this.name, kind: 'training', model: student, seconds, trainTimeMultiple: ctx.baseSeconds > 0 ? seconds / ctx.baseSeconds : NaN, config: { temperature: T } };
  }
}
