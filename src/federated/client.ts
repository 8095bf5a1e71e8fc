/**
 * A federated client's local training as one pure function of serialisable data:
 *   (client spec, its rows, the global parameters, the round's instructions, a seed)
 *     → (update Δ = w_local − w_global, examples, loss)
 * so the same call runs in this thread, in a worker thread, or in a remote process (over NATS).
 * The local optimiser starts fresh every round (McMahan et al. 2017's ClientUpdate), mini-batches
 * are shuffled with the task's seed, and FedProx adds μ(w − w_global) to every gradient.
 *
 * @example
 * import { trainLocal } from 'qml6g';
 * const out = trainLocal({
 *   client: 0, seed: 1, round: 1, numClasses: 2, instructions: { proxMu: 0 },
 *   spec: { model: { type: 'logreg' }, epochs: 1, batchSize: 2, optimizer: 'sgd', lr: 0.1 },
 *   data: { X: Float64Array.of(0, 1, 1, 0), rows: 2, cols: 2, y: Int32Array.of(0, 1) },
 *   global: new Float64Array(6),
 * });
 * out.update.length; // 6, the logistic regression's parameters
 */
import { QmlError } from '../core/errors.js';
import { Rng } from '../core/rng.js';
import type { Model } from '../qml/model.js';
import type { CutForward } from '../qml/cut-execution.js';
import { createModel, type ModelSpec } from '../qml/models/registry.js';
import { makeOptimizer } from '../qml/optim.js';
import { rowsOf } from '../sim/batch.js';
import { addProximalGradient, proximalTerm } from './strategies/fedprox.js';
import type { FitInstructions } from './strategy.js';

export const FEDERATED_MODEL_TYPES = ['vqc', 'reupload', 'hybrid', 'mlp', 'logreg'] as const;

/** How one client trains: its model (and, for quantum models, its own execution: exact, shots, noise). */
export interface ClientSpec {
  model: ModelSpec;
  epochs: number;
  batchSize: number;
  optimizer: 'adam' | 'sgd';
  lr: number;
  /** At most this many local steps per round (1 with one batch: FedSGD, the distributed-SGD regime). */
  maxSteps?: number;
  /** Relative compute speed (1 = nominal); simulated time only. */
  speed?: number;
}

/** A client's rows in model-input space (after the federated pipeline). */
export interface ClientData { X: Float64Array; rows: number; cols: number; y: Int32Array }

export interface LocalTask {
  client: number;
  round: number;
  seed: number;
  numClasses: number;
  spec: ClientSpec;
  data: ClientData;
  global: Float64Array;
  instructions: FitInstructions;
}

export interface LocalResult {
  client: number;
  update: Float64Array;
  numExamples: number;
  /** Mean training loss over the last local epoch (with the proximal term when μ > 0). */
  loss: number;
  /** Gradient evaluations × rows: the work done, for simulated time. */
  work: number;
  /** Wall-clock seconds spent training (measurement only; never enters results). */
  seconds: number;
  /** A device narrower than the model: the fragment shots and circuit reconstructions this training spent. */
  cut: { shots: number; evaluations: number; overhead: number } | null;
}

export function checkClientSpec(s: ClientSpec, where = 'client'): void {
  if (!(FEDERATED_MODEL_TYPES as readonly string[]).includes(s.model?.type)) throw new QmlError(`model "${s.model?.type}" cannot be trained federatedly (gradient models: ${FEDERATED_MODEL_TYPES.join(', ')})`, `${where}.model`);
  if (!Number.isInteger(s.epochs) || s.epochs < 1) throw new QmlError(`local epochs must be a positive integer, got ${s.epochs}`, `${where}.epochs`);
  if (!Number.isInteger(s.batchSize) || s.batchSize < 1) throw new QmlError(`batch size must be a positive integer, got ${s.batchSize}`, `${where}.batchSize`);
  if (s.maxSteps !== undefined && (!Number.isInteger(s.maxSteps) || s.maxSteps < 1)) throw new QmlError(`local steps must be a positive integer, got ${s.maxSteps}`, `${where}.maxSteps`);
  if (s.optimizer !== 'adam' && s.optimizer !== 'sgd') throw new QmlError(`local optimiser must be adam or sgd, got "${s.optimizer}"`, `${where}.optimizer`);
  if (!(s.lr > 0) || !Number.isFinite(s.lr)) throw new QmlError(`learning rate must be positive, got ${s.lr}`, `${where}.lr`);
}

/**
 * Models built once per (spec, shape) and reused with fresh parameters: building a quantum model
 * compiles its circuit. Models that draw shots keep a random stream, so they are never reused.
 */
const cache = new Map<string, Model>();
function modelFor(task: LocalTask): Model {
  const spec = task.spec.model;
  if (spec.execution?.shots) return createModel({ ...spec, execution: { ...spec.execution, seed: task.seed } }, task.data.cols, task.numClasses, task.seed);
  const key = `${JSON.stringify(spec)}|${task.data.cols}|${task.numClasses}`;
  let m = cache.get(key);
  if (!m) {
    if (cache.size > 64) cache.clear();
    m = createModel(spec, task.data.cols, task.numClasses, 0);
    cache.set(key, m);
  }
  return m;
}

/** The model of a spec with the given parameters (evaluation on the server). */
export function modelWith(spec: ModelSpec, cols: number, numClasses: number, params: Float64Array): Model {
  const m = createModel(spec, cols, numClasses, 0);
  if (m.params.length !== params.length) throw new QmlError(`the model has ${m.params.length} parameters, the global vector ${params.length}`);
  m.params.set(params);
  return m;
}

export function trainLocal(task: LocalTask): LocalResult {
  const t0 = performance.now();
  const { spec, data, global } = task, mu = task.instructions.proxMu;
  const model = modelFor(task);
  if (model.params.length !== global.length) throw new QmlError(`client ${task.client}: the model has ${model.params.length} parameters, the global vector ${global.length}`);
  if (data.rows < 1 || data.X.length !== data.rows * data.cols || data.y.length !== data.rows) throw new QmlError(`client ${task.client}: data of ${data.rows} rows does not fit its arrays`);
  model.params.set(global);
  const cut = (model as { layer?: { cut: CutForward | null } }).layer?.cut ?? null;
  const shots0 = cut?.shotsUsed ?? 0, evals0 = cut?.evaluations ?? 0;
  const rng = new Rng(task.seed);
  const opt = makeOptimizer(spec.optimizer, global.length, task.instructions.lr ?? spec.lr, rng.fork());
  const X = { data: data.X, rows: data.rows, cols: data.cols };
  const idx = Array.from({ length: data.rows }, (_, i) => i);
  const epochs = task.instructions.epochs ?? spec.epochs, bs = spec.batchSize;
  let loss = 0, work = 0, steps = 0;
  const maxSteps = spec.maxSteps ?? Infinity;
  for (let ep = 0; ep < epochs && steps < maxSteps; ep++) {
    rng.shuffle(idx);
    let sum = 0, batches = 0;
    for (let s = 0; s < idx.length && steps < maxSteps; s += bs, steps++) {
      const b = idx.slice(s, s + bs);
      const g = model.lossGrad(rowsOf(X, b), Int32Array.from(b, (i) => data.y[i]));
      let l = g.loss;
      if (mu > 0) { addProximalGradient(g.dparams, model.params, global, mu); l += proximalTerm(model.params, global, mu); }
      for (const v of g.dparams) if (!Number.isFinite(v)) throw new QmlError(`client ${task.client}: local training diverged in round ${task.round} (non-finite gradient); lower the learning rate`);
      opt.step(model.params, g.dparams);
      sum += l; batches++; work += b.length;
    }
    loss = sum / batches;
  }
  const update = new Float64Array(global.length);
  for (let i = 0; i < update.length; i++) update[i] = model.params[i] - global[i];
  const cutCost = cut ? { shots: cut.shotsUsed - shots0, evaluations: cut.evaluations - evals0, overhead: cut.plan.samplingOverhead } : null;
  return { client: task.client, update, numExamples: data.rows, loss, work, seconds: (performance.now() - t0) / 1000, cut: cutCost };
}
