/**
 * Robust training in the model's input space:
 * - PGD adversarial training (Madry et al. 2018): every mini-batch is replaced (or, with `mix`,
 *   partly replaced) by PGD adversarial examples of the current model at radius ε;
 * - TRADES (Zhang et al. 2019): minimise CE(x, y) + β · KL(p(x) ‖ p(x')) with x' the point of the
 *   ε-ball that maximises the KL term (PGD on the KL). With u_c = p_c(x)(log p_c(x) − log p_c(x')),
 *   ∂KL/∂θ = −∂CE_u(x)/∂θ + ∂CE_{p(x)}(x')/∂θ, where CE_t is the soft-target cross-entropy;
 * - robust optimisation against parameter tampering: each step also takes the gradient at
 *   circuit angles shifted by a worst-case (sign-gradient) or random perturbation of size `budget`.
 * All three retrain a fresh model of the same architecture with the same seed.
 */
import { QmlError } from '../core/errors.js';
import { Rng } from '../core/rng.js';
import type { RowMatrix } from '../sim/batch.js';
import { createModel, modelFromJSON } from '../qml/models/registry.js';
import type { Model } from '../qml/model.js';
import { trainModel, type TrainConfig } from '../qml/train.js';
import { InputTarget } from '../attacks/target.js';
import { PGD } from '../attacks/evasion/pgd.js';
import { threatModel } from '../attacks/threat.js';
import { projectRows, ascend, randomStart } from '../attacks/evasion/steps.js';
import { circuitParamRange } from '../attacks/quantum/quantum-attacks.js';
import type { Defense, DefenseContext, DefenseResult } from './defense.js';
import { RawTarget } from '../attacks/target.js';
import type { DomainConstraints } from '../attacks/threat.js';
import { Detector } from '../qml/detector.js';
import type { Pipeline } from '../qml/pipeline.js';
import type { Table } from '../qml/table.js';

/** The rows `idx` of a table. */
export function subTable(t: Table, idx: ArrayLike<number>): Table {
  return {
    rows: idx.length,
    columns: t.columns.map((c) => (c.kind === 'numeric'
      ? { ...c, values: Float64Array.from(idx, (i) => c.values[i]) }
      : { ...c, values: Array.from(idx, (i) => c.values[i]) })),
  };
}

/** A fresh, untrained copy of a model's architecture (same seed, same initialisation). */
export function freshCopy(model: Model, seed: number): Model {
  const j = model.toJSON() as Record<string, unknown>;
  if (!('params' in j)) throw new QmlError(`"${model.type}" is not trained by gradients; adversarial training applies to gradient-trained models`);
  const copy = modelFromJSON(j);
  const init = createModelLike(copy, seed);
  copy.params.set(init.params);
  return copy;
}

function createModelLike(m: Model, seed: number): Model {
  const j = m.toJSON() as Record<string, unknown>;
  const spec = { type: m.type, qubits: (j.arch as { qubits?: number } | undefined)?.qubits, layers: (j.arch as { layers?: number } | undefined)?.layers,
    encoding: (j.arch as { encoding?: never } | undefined)?.encoding, ansatz: (j.arch as { ansatz?: never } | undefined)?.ansatz, hidden: j.hidden as number[] | undefined,
    readout: (j.arch as { readout?: never } | undefined)?.readout };
  if (m.type === 'circuit') return m;
  return createModel(spec as never, m.numFeatures, m.numClasses, seed);
}

export interface RobustTrainingOptions {
  method: 'pgd-at' | 'trades' | 'param-robust';
  epsilon?: number;
  steps?: number;
  /** TRADES weight of the KL term (default 6, as Zhang et al.). */
  beta?: number;
  /** PGD-AT: fraction of each batch replaced by adversarial rows (default 1). */
  mix?: number;
  /** param-robust: perturbation size of the circuit angles (radians) and mode. */
  budget?: number;
  /**
   * PGD-AT in raw traffic features under domain constraints instead of the model's input space:
   * the training rows' raw records (row r of `table` is row r of the training matrix), the fitted
   * pipeline, class names, constraints and the reference rows that set ε's units.
   */
  raw?: { pipeline: Pipeline; table: Table; classes: string[]; constraints: DomainConstraints; reference: Table };
  mode?: 'worst' | 'random';
  train?: TrainConfig;
}

export class RobustTraining implements Defense {
  readonly kind = 'training' as const;
  readonly name: string;
  constructor(readonly opts: RobustTrainingOptions) {
    this.name = opts.method;
    const eps = opts.epsilon ?? 0.1;
    if (!(eps >= 0)) throw new QmlError(`epsilon must be ≥ 0, got ${eps}`, 'epsilon');
    if (opts.beta !== undefined && !(opts.beta >= 0)) throw new QmlError(`beta must be ≥ 0, got ${opts.beta}`, 'beta');
    if (opts.mix !== undefined && !(opts.mix > 0 && opts.mix <= 1)) throw new QmlError(`mix must be in (0, 1], got ${opts.mix}`, 'mix');
  }

  apply(ctx: DefenseContext): DefenseResult {
    const t0 = performance.now();
    const model = freshCopy(ctx.base, ctx.seed);
    const eps = this.opts.epsilon ?? 0.1, steps = this.opts.steps ?? 5, rng = new Rng(ctx.seed + 77);
    const threat = threatModel({ epsilon: eps, steps, norm: 'linf' });
    let rowsOf: number[] = [];
    const batchGradient = (m: Model, X: RowMatrix, y: Int32Array, w: Float64Array | undefined, rows: number[]) => {
      rowsOf = rows;
      if (this.opts.method === 'pgd-at' && this.opts.raw) {
        // Craft in raw features on the batch's own records, then map them through the pipeline.
        const raw = this.opts.raw;
        const det = new Detector(raw.pipeline, m, raw.classes, { dataset: 'robust-training', spec: { type: 'vqc' }, seed: ctx.seed, train: { rows: X.rows } });
        const sub = subTable(raw.table, rowsOf);
        const tgt = new RawTarget(det, sub, raw.constraints, raw.reference);
        const X0 = tgt.initial();
        const advRaw = new PGD('pgd').run({ target: tgt, X0, y, rows: X.rows, threat: threatModel({ epsilon: eps, steps, space: 'raw', constraints: raw.constraints }), rng }).X;
        tgt.constrain(advRaw, X0, X.rows, 'toward');
        const Z = det.inputs(tgt.tableWith(advRaw, X.rows));
        const mix = this.opts.mix ?? 1, data = Float64Array.from(X.data);
        for (let r = 0; r < X.rows; r++) if (rng.next() < mix) data.set(Z.data.subarray(r * Z.cols, (r + 1) * Z.cols), r * X.cols);
        return m.lossGrad({ ...X, data }, y, { classWeights: w });
      }
      if (this.opts.method === 'pgd-at') {
        const adv = new PGD('pgd').run({ target: new InputTarget(m), X0: X.data, y, rows: X.rows, threat, rng }).X;
        const mix = this.opts.mix ?? 1, data = Float64Array.from(X.data);
        for (let r = 0; r < X.rows; r++) if (rng.next() < mix) data.set(adv.subarray(r * X.cols, (r + 1) * X.cols), r * X.cols);
        return m.lossGrad({ ...X, data }, y, { classWeights: w });
      }
      if (this.opts.method === 'trades') return tradesGradient(m, X, y, w, eps, steps, this.opts.beta ?? 6, rng);
      return paramRobustGradient(m, X, y, w, this.opts.budget ?? 0.1, this.opts.mode ?? 'worst', rng);
    };
    trainModel(model, ctx.X, ctx.y, { ...this.opts.train, seed: ctx.seed, batchGradient, log: ctx.log });
    const seconds = (performance.now() - t0) / 1000;
    return { name: this.name, kind: 'training', model, seconds, trainTimeMultiple: ctx.baseSeconds > 0 ? seconds / ctx.baseSeconds : NaN, config: { ...this.opts, train: undefined } };
  }
}

/** TRADES mini-batch gradient (see the file comment). */
export function tradesGradient(m: Model, X: RowMatrix, y: Int32Array, w: Float64Array | undefined, eps: number, steps: number, beta: number, rng: Rng): { loss: number; dparams: Float64Array } {
  const C = m.numClasses, rows = X.rows, d = X.cols;
  const p = m.predictProba(X);
  // Inner maximisation of KL(p(x) ‖ p(x')) from a small random start: ∇_x' KL = −∇_x' Σ p_c log p_c(x').
  const tgt = new InputTarget(m);
  let Xa = randomStart(X.data, rows, d, null, 'linf', 0.001 * eps, rng);
  for (let s = 0; s < steps; s++) {
    const g = m.lossGrad({ ...X, data: Xa }, y, { wrtInputs: true, skipParams: true, targets: p }).dinputs!;
    ascend(Xa, g, rows, d, null, (2.5 * eps) / steps, 'linf');
    projectRows(tgt, Xa, X.data, rows, 'linf', eps);
  }
  Xa = Float64Array.from(Xa);
  const q = m.predictProba({ ...X, data: Xa });
  const u = new Float64Array(rows * C);
  let kl = 0;
  for (let r = 0; r < rows; r++) for (let c = 0; c < C; c++) {
    const a = Math.log(Math.max(p[r * C + c], 1e-300)) - Math.log(Math.max(q[r * C + c], 1e-300));
    u[r * C + c] = p[r * C + c] * a;
    kl += p[r * C + c] * a;
  }
  const ce = m.lossGrad(X, y, { classWeights: w });
  const g1 = m.lossGrad(X, y, { targets: u }).dparams;
  const g2 = m.lossGrad({ ...X, data: Xa }, y, { targets: p }).dparams;
  // lossGrad averages over rows: scale the KL parts the same way.
  const dparams = Float64Array.from(ce.dparams, (v, i) => v + beta * (-g1[i] + g2[i]));
  return { loss: ce.loss + (beta * kl) / rows, dparams };
}

function paramRobustGradient(m: Model, X: RowMatrix, y: Int32Array, w: Float64Array | undefined, budget: number, mode: 'worst' | 'random', rng: Rng): { loss: number; dparams: Float64Array } {
  const range = circuitParamRange(m);
  if (!range) throw new QmlError(`"${m.type}" has no circuit angles: parameter-robust training applies to circuit models`);
  const [a, b] = range;
  const clean = m.lossGrad(X, y, { classWeights: w });
  const keep = Float64Array.from(m.params);
  for (let i = a; i < b; i++) m.params[i] += mode === 'worst' ? budget * Math.sign(clean.dparams[i]) : (rng.next() * 2 - 1) * budget;
  const shifted = m.lossGrad(X, y, { classWeights: w });
  m.params.set(keep);
  return { loss: (clean.loss + shifted.loss) / 2, dparams: Float64Array.from(clean.dparams, (v, i) => (v + shifted.dparams[i]) / 2) };
}

/**
 * Noise-aware training: a fresh model of the same architecture trained while its circuits run under
 * `noise` and `shots` (gradients by parameter-shift on the noisy, sampled backend), so it learns
 * weights that hold up on that device; it is then deployed with the same execution.
 */
export class NoiseAwareTraining implements Defense {
  readonly name = 'noise-aware';
  readonly kind = 'training' as const;
  constructor(readonly noise: import('../sim/noise.js').NoiseModel | undefined, readonly shots: number | undefined, readonly train: TrainConfig = {}) {
    if (!noise && !shots) throw new QmlError('noise-aware training needs a noise model, shots, or both');
    if (shots !== undefined && (!Number.isInteger(shots) || shots < 1)) throw new QmlError(`shots must be a positive integer, got ${shots}`, 'shots');
  }
  apply(ctx: DefenseContext): DefenseResult {
    const t0 = performance.now();
    const j = ctx.base.toJSON() as Record<string, unknown>;
    if (!('arch' in j)) throw new QmlError(`noise-aware training applies to circuit models (vqc, reupload, hybrid), not "${ctx.base.type}"`);
    const model = modelFromJSON({ ...j, params: Array.from(freshCopy(ctx.base, ctx.seed).params), execution: { noise: this.noise, shots: this.shots, seed: ctx.seed } });
    trainModel(model, ctx.X, ctx.y, { ...this.train, seed: ctx.seed, log: ctx.log });
    const seconds = (performance.now() - t0) / 1000;
    return { name: this.name, kind: 'training', model, seconds, trainTimeMultiple: ctx.baseSeconds > 0 ? seconds / ctx.baseSeconds : NaN, config: { noise: this.noise, shots: this.shots } };
  }
}
