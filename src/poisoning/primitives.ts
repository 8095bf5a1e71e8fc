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
import { rowsOf, type RowMatrix } from '../sim/batch.js';
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

/** Indices of the rows whose label is not `target`. */
export function otherClassRows(labels: ArrayLike<number>, target: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < labels.length; i++) if (labels[i] !== target) out.push(i);
  return out;
}

/** The rows a backdoor poisons: round(rate·n) of those not labelled `target`, drawn with `seed`, ascending. */
export function pickPoisonRows(labels: ArrayLike<number>, target: number, rate: number, seed: number): number[] {
  checkRate(rate);
  return pick(labels.length, Math.round(rate * labels.length), new Rng(seed), otherClassRows(labels, target));
}

export function labelFlip(d: LabeledData, rate: number, seed: number, target?: number): Poisoned {
  checkRate(rate);
  const rng = new Rng(seed), C = d.classes.length, n = d.table.rows;
  if (target !== undefined && (!Number.isInteger(target) || target < 0 || target >= C)) throw new QmlError(`target class ${target} does not exist`, 'target');
  const candidates = target === undefined ? undefined : otherClassRows(d.labels, target);
  const idx = pick(n, Math.round(rate * n), rng, candidates);
  const labels = Int32Array.from(d.labels);
  for (const i of idx) labels[i] = target ?? (labels[i] + 1 + rng.int(C - 1)) % C;
  return { data: { ...d, labels }, poisoned: idx };
}

/**
 * A trigger: field → value. A categorical value must be a known category; a number, or a range
 * [lo, hi] from which each stamped row draws its value, must lie in the data's range (whole numbers
 * for fields that hold whole numbers), so a triggered record is one the network could carry.
 */
export type Trigger = Record<string, string | number | [number, number]>;

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
      const ends = Array.isArray(v) ? v : [v];
      if (ends.length !== (Array.isArray(v) ? 2 : 1) || !ends.every((x) => typeof x === 'number' && Number.isFinite(x))) {
        throw new QmlError(`trigger value for numeric field "${f}" must be a finite number or a range [lo, hi], got ${JSON.stringify(v)}`, `trigger.${f}`);
      }
      if (Array.isArray(v) && v[0] > v[1]) throw new QmlError(`trigger range for "${f}" is empty: [${v[0]}, ${v[1]}]`, `trigger.${f}`);
      let lo = Infinity, hi = -Infinity, ints = true;
      for (const x of c.values) if (!Number.isNaN(x)) { lo = Math.min(lo, x); hi = Math.max(hi, x); if (!Number.isInteger(x)) ints = false; }
      for (const x of ends as number[]) {
        if (x < lo || x > hi) throw new QmlError(`trigger value ${x} for "${f}" is outside the data's domain [${lo}, ${hi}]`, `trigger.${f}`);
        if (ints && !Number.isInteger(x)) throw new QmlError(`"${f}" holds whole numbers; trigger value ${x} is not one`, `trigger.${f}`);
      }
    }
  }
}

/** A copy of the table with the trigger stamped on rows `idx` (ranges drawn per row with `seed`). */
export function stampTrigger(table: Table, idx: number[], t: Trigger, seed = 0): Table {
  const set = new Set(idx), rng = new Rng(seed);
  return {
    rows: table.rows,
    columns: table.columns.map((c) => {
      if (!(c.name in t)) return c;
      const v = t[c.name];
      if (c.kind === 'categorical') return { ...c, values: c.values.map((x, i) => (set.has(i) ? String(v) : x)) };
      const ints = c.values.every((x) => Number.isNaN(x) || Number.isInteger(x));
      const draw = Array.isArray(v)
        ? () => (ints ? v[0] + rng.int(v[1] - v[0] + 1) : v[0] + rng.next() * (v[1] - v[0]))
        : () => v as number;
      return { ...c, values: Float64Array.from(c.values, (x, i) => (set.has(i) ? draw() : x)) };
    }),
  };
}

export function featureTriggerBackdoor(d: LabeledData, rate: number, trigger: Trigger, target: number, seed: number): Poisoned {
  checkRate(rate);
  validateTrigger(trigger, d.table);
  if (!Number.isInteger(target) || target < 0 || target >= d.classes.length) throw new QmlError(`target class ${target} does not exist`, 'target');
  const idx = pickPoisonRows(d.labels, target, rate, seed);
  const labels = Int32Array.from(d.labels);
  for (const i of idx) labels[i] = target;
  return { data: { ...d, table: stampTrigger(d.table, idx, trigger, seed), labels }, poisoned: idx };
}

export interface KernelPoisonResult { X: RowMatrix; y: Int32Array; poisoned: number[]; alignment: number }

/**
 * Poisoning of a (quantum or classical) kernel SVM in model-input space. `objective` 'hinge'
 * follows Biggio et al. 2012 (validation hinge loss, dual fixed within a step); 'alignment' lowers
 * the kernel-target alignment of the poisoned training set.
 */
export function kernelPoisoning(
  make: () => KernelSVM, X: RowMatrix, y: Int32Array, Xval: RowMatrix, yval: Int32Array, rate: number, seed: number,
  opts: { objective?: 'hinge' | 'alignment'; steps?: number; stepSize?: number; lo?: number; hi?: number; log?: (s: string) => void } = {},
): KernelPoisonResult {
  checkRate(rate);
  for (const v of y) if (v !== 0 && v !== 1) throw new QmlError(`kernel poisoning flips binary labels; found class ${v}`, 'labels');
  const rng = new Rng(seed), n = X.rows, d = X.cols;
  const k = Math.max(1, Math.round(rate * n));
  const objective = opts.objective ?? 'hinge';
  // Starting points. Hinge: the rows the clean SVM is most sure of, flipped — deep inside the other
  // class's region they become bounded support vectors (α = C) that pull the boundary hardest.
  // (Random starting points, as in Biggio et al., measured about a quarter of the accuracy loss on
  // NSL-KDD.) Alignment: the rows whose flip lowers ⟨K, yyᵀ⟩ most to first order, those with the
  // largest y_i Σ_j K_ij y_j. The gradient steps then move them. Ties break at random.
  const score0 = new Float64Array(n), sign = (v: number) => (v === 1 ? 1 : -1);
  if (objective === 'hinge') {
    const s0 = make();
    s0.fit(X, y, { seed });
    const f0 = s0.decision(X);
    for (let i = 0; i < n; i++) score0[i] = sign(y[i]) * f0[i];
  } else {
    const K = make().gram(X);
    for (let i = 0; i < n; i++) { let s = 0; for (let j = 0; j < n; j++) if (j !== i) s += K[i * n + j] * sign(y[j]); score0[i] = sign(y[i]) * s; }
  }
  for (let i = 0; i < n; i++) score0[i] += rng.next() * 1e-9;
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => score0[b] - score0[a]).slice(0, k).sort((a, b) => a - b);
  const Xp = { ...X, data: Float64Array.from(X.data) }, yp = Int32Array.from(y);
  for (const i of idx) yp[i] = 1 - yp[i];
  const steps = opts.steps ?? 5, lo = opts.lo ?? -Infinity, hi = opts.hi ?? Infinity;
  let eta = opts.stepSize ?? 0.3;
  // The objective of the current points (validation hinge loss, or −alignment): a step is kept only
  // if it raises it, otherwise it is undone and the step halved (the dual moves between steps, so a
  // fixed step can overshoot).
  const score = (svm: KernelSVM) => objective === 'hinge' ? hingeLoss(svm, Xval, yval) : -alignmentOf(svm, Xp, yp);
  let svm = make();
  svm.fit(Xp, yp, { seed });
  let best = score(svm);
  for (let s = 0; s < steps; s++) {
    const before = Float64Array.from(Xp.data);
    // Direction that raises the objective: for the hinge loss, the validation rows inside the margin
    // pull x_i towards the opposite class (∂f(x_v)/∂x_i = c_i ∂K(x_i, x_v)/∂x_i); for alignment,
    // moving x_i towards the rows of the other class lowers ⟨K, yyᵀ⟩. The targets' feature states
    // are computed once per step (like the dual, they are held fixed within it).
    const V = objective === 'hinge' ? marginViolators(svm, Xval, yval) : { X: { ...Xp, data: Float64Array.from(Xp.data) }, w: new Float64Array(n) };
    const states = V.X.rows ? svm.featureStates(V.X) : new Float64Array(0);
    const w = new Float64Array(V.w.length);
    for (const i of idx) {
      const xi = { data: Xp.data.slice(i * d, (i + 1) * d), rows: 1, cols: d };
      if (objective === 'hinge') {
        // f(x_v) depends on x_i through c_i K(x_i, x_v), c_i = α_i y_i: the poisoned label sets the sign.
        const si = yp[i] === 1 ? 1 : -1;
        for (let v = 0; v < w.length; v++) w[v] = V.w[v] * si;
      } else {
        for (let v = 0; v < n; v++) w[v] = v === i ? 0 : yp[v] === yp[i] ? -1 : 1;
      }
      const g = kernelGradient(svm, xi, states, V.X.rows, w);
      for (let j = 0; j < d; j++) Xp.data[i * d + j] = Math.min(hi, Math.max(lo, Xp.data[i * d + j] + eta * Math.sign(g[j])));
    }
    const next = make();
    next.fit(Xp, yp, { seed });
    const value = score(next);
    opts.log?.(`kernel poisoning step ${s + 1}/${steps}: ${objective === 'hinge' ? 'validation hinge loss' : 'alignment'} ${Math.abs(value).toFixed(4)} (best ${Math.abs(best).toFixed(4)}), step ${eta.toFixed(3)}`);
    if (value > best) { best = value; svm = next; } else { Xp.data.set(before); eta /= 2; }
  }
  return { X: Xp, y: yp, poisoned: idx, alignment: alignmentOf(make(), Xp, yp) };
}

function alignmentOf(svm: KernelSVM, X: RowMatrix, y: Int32Array): number {
  return kernelTargetAlignment(svm.gram(X), X.rows, y);
}

function hingeLoss(svm: KernelSVM, X: RowMatrix, y: Int32Array): number {
  const f = svm.decision(X);
  let s = 0;
  for (let r = 0; r < X.rows; r++) s += Math.max(0, 1 - (y[r] === 1 ? 1 : -1) * f[r]);
  return s / Math.max(1, X.rows);
}

/** Validation rows with y·f(x) < 1 (they carry the hinge loss), weighted by their label. */
function marginViolators(svm: KernelSVM, Xv: RowMatrix, yv: Int32Array): { X: RowMatrix; w: Float64Array } {
  const f = svm.decision(Xv);
  const keep: number[] = [];
  for (let r = 0; r < Xv.rows; r++) if ((yv[r] === 1 ? 1 : -1) * f[r] < 1) keep.push(r);
  // Raising the hinge loss means lowering y_v f(x_v): weight −y_v.
  return { X: rowsOf(Xv, keep), w: Float64Array.from(keep, (r) => (yv[r] === 1 ? -1 : 1)) };
}

/** ∇_x Σ_v w_v K(x, x_v) for target feature states `sv` (m rows), by central differences on the kernel. */
function kernelGradient(svm: KernelSVM, x: RowMatrix, sv: Float64Array, m: number, w: Float64Array): Float64Array {
  const d = x.cols, g = new Float64Array(d);
  if (!m) return g;
  const value = (z: Float64Array) => {
    const K = svm.kernelMatrix(svm.featureStates({ data: z, rows: 1, cols: d }), 1, sv, m);
    let s = 0;
    for (let v = 0; v < m; v++) s += w[v] * K[v];
    return s;
  };
  const h = 1e-4, z = Float64Array.from(x.data);
  for (let j = 0; j < d; j++) {
    z[j] = x.data[j] + h; const a = value(z);
    z[j] = x.data[j] - h; const b = value(z);
    z[j] = x.data[j];
    g[j] = (a - b) / (2 * h);
  }
  return g;
}

/**
 * A trigger the data can carry when the user names none: the rarest category (seen at least three
 * times) of the two categorical fields with the most categories (a flag/service combination on
 * traffic), plus a narrow range of the whole-number field with the widest spread (a byte count),
 * around its 75th percentile of non-zero values so that it looks ordinary on its own.
 * Rare-but-valid is what makes a backdoor stealthy.
 */
export function defaultTrigger(table: Table): Trigger {
  const t: Trigger = {};
  const cats = table.columns.filter((c): c is Extract<typeof c, { kind: 'categorical' }> => c.kind === 'categorical' && new Set(c.values).size >= 3)
    .sort((a, b) => new Set(b.values).size - new Set(a.values).size).slice(0, 2);
  for (const c of cats) {
    const count = new Map<string, number>();
    for (const v of c.values) count.set(v, (count.get(v) ?? 0) + 1);
    const ranked = [...count].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1));
    t[c.name] = (ranked.find(([, n]) => n >= 3) ?? ranked[0])[0];
  }
  let best: { name: string; lo: number; hi: number } | null = null, spread = 0;
  for (const c of table.columns) {
    if (c.kind !== 'numeric') continue;
    const nz = Array.from(c.values).filter((v) => Number.isFinite(v) && v > 0).sort((a, b) => a - b);
    if (nz.length < 10 || !nz.every(Number.isInteger)) continue;
    const s = nz[nz.length - 1] - nz[0];
    if (s > spread) {
      const v = nz[Math.floor(0.75 * nz.length)];
      spread = s; best = { name: c.name, lo: v, hi: Math.min(nz[nz.length - 1], Math.round(v * 1.1) + 1) };
    }
  }
  if (best) t[best.name] = [best.lo, best.hi];
  if (!Object.keys(t).length) throw new QmlError('the data has no categorical or whole-number field to build a trigger from; pass one with --trigger', 'trigger');
  return t;
}

/**
 * Test-time activation of a feature trigger: the test rows of other classes (in the detector's
 * class order) with the trigger stamped, in the detector's input space.
 */
export function activateFeatureTrigger(trigger: Trigger, target: number, seed: number) {
  return (victim: { labelsFor(d: LabeledData): Int32Array; inputs(t: Table): RowMatrix }, test: LabeledData): { X: RowMatrix; rows: number[] } => {
    const rows = otherClassRows(victim.labelsFor(test), target);
    return { X: victim.inputs(stampTrigger(selectRows(test, rows).table, rows.map((_, k) => k), trigger, seed)), rows };
  };
}
