/**
 * Training-time attacks on the training set (raw records or model inputs), each with a poison
 * budget (a fraction of the training rows, in (0, 1)):
 * - label flipping, at random or targeted (every poisoned row relabelled to one class);
 * - a feature-trigger backdoor (Gu et al. 2017, for traffic records): a valid pattern of field
 *   values (categories that exist, numbers inside the data's domain) stamped on rows of other
 *   classes, which are relabelled to the target class;
 * - quantum-kernel poisoning after Biggio et al. 2012: label-flipped points moved by gradient ascent
 *   on the validation hinge loss of the kernel SVM trained with them (dual coefficients held fixed
 *   within a step, re-solved between steps), through the fidelity kernel's input gradient;
 * - kernel-alignment poisoning: label-flipped points moved to lower the kernel-target alignment.
 * Every attack returns the poisoned set and which rows it poisoned.
 */
import { QmlError } from '../core/errors.js';
import { Rng } from '../core/rng.js';
import type { RowMatrix } from '../sim/batch.js';
import { selectRows, type LabeledData, type Table } from '../qml/table.js';
import { KernelSVM, kernelTargetAlignment } from '../qml/models/kernel-svm.js';

export function checkRate(rate: number): void {
  if (!(rate > 0 && rate < 1)) throw new QmlError(`poison rate must be in (0, 1), got ${rate}`, 'rate');
}

export interface Poisoned { data: LabeledData; poisoned: number[] }

function pick(n: number, k: number, rng: Rng, from?: number[]): number[] {
  const pool = from ? [...from] : Array.from({ length: n }, (_, i) => i);
  rng.shuffle(pool);
  return pool.slice(0, Math.min(k, pool.length)).sort((a, b) => a - b);
}

export function labelFlip(d: LabeledData, rate: number, seed: number, target?: number): Poisoned {
  checkRate(rate);
  const rng = new Rng(seed), C = d.classes.length, n = d.table.rows;
  if (target !== undefined && (!Number.isInteger(target) || target < 0 || target >= C)) throw new QmlError(`target class ${target} does not exist`, 'target');
  const candidates = target === undefined ? undefined : Array.from({ length: n }, (_, i) => i).filter((i) => d.labels[i] !== target);
  const idx = pick(n, Math.round(rate * n), rng, candidates);
  const labels = Int32Array.from(d.labels);
  for (const i of idx) labels[i] = target ?? (labels[i] + 1 + rng.int(C - 1)) % C;
  return { data: { ...d, labels }, poisoned: idx };
}

/** A trigger: field → value. Categorical values must be known categories; numbers must lie in the training range. */
export type Trigger = Record<string, string | number>;

export function validateTrigger(t: Trigger, table: Table): void {
  const names = Object.keys(t);
  if (!names.length) throw new QmlError('a trigger needs at least one field', 'trigger');
  for (const f of names) {
    const c = table.columns.find((x) => x.name === f);
    if (!c) throw new QmlError(`trigger field "${f}" is not a column of the data`, `trigger.${f}`);
    const v = t[f];
    if (c.kind === 'categorical') {
      if (typeof v !== 'string' || !c.values.includes(v)) throw new QmlError(`trigger value ${JSON.stringify(v)} is not a category of "${f}" in the data`, `trigger.${f}`);
    } else {
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new QmlError(`trigger value for numeric field "${f}" must be a finite number`, `trigger.${f}`);
      let lo = Infinity, hi = -Infinity, ints = true;
      for (const x of c.values) if (!Number.isNaN(x)) { lo = Math.min(lo, x); hi = Math.max(hi, x); if (!Number.isInteger(x)) ints = false; }
      if (v < lo || v > hi) throw new QmlError(`trigger value ${v} for "${f}" is outside the data's domain [${lo}, ${hi}]`, `trigger.${f}`);
      if (ints && !Number.isInteger(v)) throw new QmlError(`"${f}" holds whole numbers; trigger value ${v} is not one`, `trigger.${f}`);
    }
  }
}

/** A copy of the table with the trigger stamped on rows `idx`. */
export function stampTrigger(table: Table, idx: number[], t: Trigger): Table {
  const set = new Set(idx);
  return {
    rows: table.rows,
    columns: table.columns.map((c) => {
      if (!(c.name in t)) return c;
      if (c.kind === 'categorical') return { ...c, values: c.values.map((v, i) => (set.has(i) ? String(t[c.name]) : v)) };
      return { ...c, values: Float64Array.from(c.values, (v, i) => (set.has(i) ? Number(t[c.name]) : v)) };
    }),
  };
}

export function featureTriggerBackdoor(d: LabeledData, rate: number, trigger: Trigger, target: number, seed: number): Poisoned {
  checkRate(rate);
  validateTrigger(trigger, d.table);
  if (!Number.isInteger(target) || target < 0 || target >= d.classes.length) throw new QmlError(`target class ${target} does not exist`, 'target');
  const rng = new Rng(seed), n = d.table.rows;
  const others = Array.from({ length: n }, (_, i) => i).filter((i) => d.labels[i] !== target);
  const idx = pick(n, Math.round(rate * n), rng, others);
  const labels = Int32Array.from(d.labels);
  for (const i of idx) labels[i] = target;
  return { data: { ...d, table: stampTrigger(d.table, idx, trigger), labels }, poisoned: idx };
}

/** Test rows of other classes with the trigger stamped: the backdoor succeeds when they are classified as the target. */
export function triggeredTestSet(test: LabeledData, trigger: Trigger, target: number): LabeledData {
  const idx = Array.from({ length: test.table.rows }, (_, i) => i).filter((i) => test.labels[i] !== target);
  const sub = selectRows(test, idx);
  return { ...sub, table: stampTrigger(sub.table, Array.from({ length: sub.table.rows }, (_, i) => i), trigger) };
}

export interface KernelPoisonResult { X: RowMatrix; y: Int32Array; poisoned: number[]; alignment: number }

/**
 * Poisoning of a (quantum or classical) kernel SVM in model-input space. `objective` 'hinge'
 * follows Biggio et al. 2012 (validation hinge loss, dual fixed within a step); 'alignment' lowers
 * the kernel-target alignment of the poisoned training set.
 */
export function kernelPoisoning(
  make: () => KernelSVM, X: RowMatrix, y: Int32Array, Xval: RowMatrix, yval: Int32Array, rate: number, seed: number,
  opts: { objective?: 'hinge' | 'alignment'; steps?: number; stepSize?: number; lo?: number; hi?: number } = {},
): KernelPoisonResult {
  checkRate(rate);
  const rng = new Rng(seed), n = X.rows, d = X.cols;
  const k = Math.max(1, Math.round(rate * n));
  const idx = pick(n, k, rng);
  const Xp = { ...X, data: Float64Array.from(X.data) }, yp = Int32Array.from(y);
  for (const i of idx) yp[i] = 1 - yp[i];
  const steps = opts.steps ?? 5, eta = opts.stepSize ?? 0.3, lo = opts.lo ?? -Infinity, hi = opts.hi ?? Infinity;
  const objective = opts.objective ?? 'hinge';
  for (let s = 0; s < steps; s++) {
    const svm = make();
    svm.fit(Xp, yp, { seed });
    for (const i of idx) {
      const xi = { data: Xp.data.slice(i * d, (i + 1) * d), rows: 1, cols: d };
      // Direction that raises the objective: for the hinge loss, the validation rows inside the margin
      // pull x_i towards the opposite class (∂f(x_v)/∂x_i = c_i ∂K(x_i, x_v)/∂x_i); for alignment,
      // moving x_i towards the rows of the other class lowers ⟨K, yyᵀ⟩.
      const targets = objective === 'hinge' ? marginViolators(svm, Xval, yval) : { X: Xp, w: Float64Array.from(yp, (v) => (v === yp[i] ? -1 : 1)) };
      // f(x_v) depends on x_i through c_i K(x_i, x_v), c_i = α_i y_i: the poisoned label sets the sign.
      if (objective === 'hinge') { const si = yp[i] === 1 ? 1 : -1; for (let v = 0; v < targets.w.length; v++) targets.w[v] *= si; }
      const g = kernelGradient(svm, xi, targets.X, targets.w);
      for (let j = 0; j < d; j++) Xp.data[i * d + j] = Math.min(hi, Math.max(lo, Xp.data[i * d + j] + eta * Math.sign(g[j])));
    }
  }
  const svm = make();
  const states = svm.featureStates(Xp);
  const K = svm.kernelMatrix(states, n, states, n);
  return { X: Xp, y: yp, poisoned: idx, alignment: kernelTargetAlignment(K, n, yp) };
}

/** Validation rows with y·f(x) < 1 (they carry the hinge loss), weighted by their label. */
function marginViolators(svm: KernelSVM, Xv: RowMatrix, yv: Int32Array): { X: RowMatrix; w: Float64Array } {
  const f = svm.decision(Xv);
  const keep: number[] = [];
  for (let r = 0; r < Xv.rows; r++) if ((yv[r] === 1 ? 1 : -1) * f[r] < 1) keep.push(r);
  const d = Xv.cols, data = new Float64Array(keep.length * d);
  keep.forEach((r, k) => data.set(Xv.data.subarray(r * d, (r + 1) * d), k * d));
  // Raising the hinge loss means lowering y_v f(x_v): weight −y_v.
  return { X: { data, rows: keep.length, cols: d }, w: Float64Array.from(keep, (r) => (yv[r] === 1 ? -1 : 1)) };
}

/** ∇_x Σ_v w_v K(x, x_v), by central differences on the kernel (one row; kernels are cheap). */
function kernelGradient(svm: KernelSVM, x: RowMatrix, V: RowMatrix, w: Float64Array): Float64Array {
  const d = x.cols, g = new Float64Array(d);
  if (!V.rows) return g;
  const sv = svm.featureStates(V);
  const value = (z: Float64Array) => {
    const K = svm.kernelMatrix(svm.featureStates({ data: z, rows: 1, cols: d }), 1, sv, V.rows);
    let s = 0;
    for (let v = 0; v < V.rows; v++) s += w[v] * K[v];
    return s;
  };
  const h = 1e-4;
  for (let j = 0; j < d; j++) {
    const z = Float64Array.from(x.data);
    z[j] += h; const a = value(z);
    z[j] -= 2 * h; const b = value(z);
    g[j] = (a - b) / (2 * h);
  }
  return g;
}
