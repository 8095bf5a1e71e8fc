/**
 * Preprocessing as a fitted, saved pipeline (fitted on training rows only):
 *   raw columns → impute (median) → symmetric log for heavy-tailed counts → standardise;
 *   categorical → one-hot (or frequency-ordinal when there are many categories), standardised;
 *   → optional selection of the k most class-separating features (ANOVA F) → PCA down to the
 *   budget → min-max scaling into a rotation-angle range.
 * Everything after the per-column transform is one affine map z = A·u + b, so the pipeline can
 * push gradients back to raw numeric features (vjp) and map a perturbation of z back to raw units
 * (the minimum-norm change, exact through the per-column transforms).
 *
 * @example
 * import { loadDataset, Pipeline } from 'qml6g';
 * const d = loadDataset('nsl-kdd', { maxRows: 2000 });
 * const p = Pipeline.fit(d, { components: 8 });          // into [0, π] by default
 * const z = p.transform(d.table);                         // 2000 x 8 angles
 * const back = Pipeline.fromJSON(JSON.parse(JSON.stringify(p)));
 */
import { QmlError } from '../core/errors.js';
import { covariance, principalComponents } from '../core/linalg.js';
import type { RowMatrix } from '../sim/batch.js';
import type { LabeledData, Table } from './table.js';

export interface PipelineConfig {
  /** Output dimension (the feature budget, e.g. the number of qubits). */
  components: number;
  /** 'pca' (default when there are more features than the budget), 'select' (top-k by ANOVA F) or 'none'. */
  reduce?: 'pca' | 'select' | 'none';
  /** With 'pca': first keep this many features by ANOVA F (0 = all). */
  select?: number;
  /** Categorical columns with at most this many categories are one-hot encoded, others ordinal (default 80). */
  maxCategories?: number;
  /** 'auto' (default): symmetric log for numeric columns with heavy tails; 'none'; 'all'. */
  logScale?: 'auto' | 'none' | 'all';
  /** Final min-max range of each output (default [0, π]); null leaves outputs standardised. */
  range?: [number, number] | null;
}

type ColumnState =
  | { name: string; kind: 'numeric'; log: boolean; median: number; mean: number; std: number }
  | { name: string; kind: 'categorical'; mode: 'onehot' | 'ordinal'; categories: string[]; mean: number[]; std: number[] };

export interface PipelineState {
  format: 'qml6g-pipeline';
  version: 1;
  config: PipelineConfig;
  columns: ColumnState[];
  expanded: string[];
  selected: number[];
  /** z = A·u[selected] + b; A is outputs × selected, row-major. */
  A: number[];
  b: number[];
  /** The orthonormal directions behind A (rows) and the per-output scale, for the pseudo-inverse. */
  W: number[];
  scale: number[];
  outputs: string[];
  explainedVariance: number[] | null;
}

const slog = (x: number) => Math.sign(x) * Math.log1p(Math.abs(x));
const slogInv = (y: number) => Math.sign(y) * Math.expm1(Math.abs(y));
const slogD = (x: number) => 1 / (1 + Math.abs(x));

/** The reduction a fit settles on: which expanded features it keeps (S) and the k × |S| map W onto the outputs. */
export interface Projection { S: number[]; W: Float64Array; k: number; reduce: 'pca' | 'select' | 'none'; explained: number[] | null }

/**
 * Chooses the features and the map onto the outputs from per-feature ANOVA F scores and variances:
 * constant features go, then `select` keeps the k best by F, `pca` the top principal components of
 * the (optionally pre-selected) rest, `none` the first k. Shared by the central fit, which has the
 * rows, and the federated fit, which only has sums of products: so `covarianceOf(S)` supplies the
 * |S| × |S| covariance of the kept features however it is known, and both fits choose alike.
 */
export function chooseProjection(config: PipelineConfig, F: ArrayLike<number>, variance: (j: number) => number, D: number, covarianceOf: (S: number[]) => Float64Array): Projection {
  let candidates = Array.from({ length: D }, (_, j) => j).filter((j) => variance(j) > 1e-12);
  if (!candidates.length) throw new QmlError('every feature is constant in the training rows');
  const k = Math.min(config.components, candidates.length);
  const reduce = config.reduce ?? (candidates.length > k ? 'pca' : 'none');
  if (reduce === 'select' || reduce === 'none') {
    const S = reduce === 'none' ? candidates.slice(0, k) : [...candidates].sort((a, b) => F[b] - F[a]).slice(0, k).sort((a, b) => a - b);
    const W = new Float64Array(k * S.length);
    for (let i = 0; i < k; i++) W[i * S.length + i] = 1;
    return { S, W, k, reduce, explained: null };
  }
  if (reduce === 'pca') {
    if (config.select && config.select < candidates.length) candidates = [...candidates].sort((a, b) => F[b] - F[a]).slice(0, Math.max(config.select, k)).sort((a, b) => a - b);
    const { W, explained } = principalComponents(covarianceOf(candidates), candidates.length, k);
    return { S: candidates, W, k, reduce, explained };
  }
  throw new QmlError(`unknown reduction "${String(reduce)}" (pca, select, none)`, 'pipeline.reduce');
}

function median(v: Float64Array): number {
  const f = Array.from(v).filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  if (!f.length) return 0;
  const m = f.length >> 1;
  return f.length % 2 ? f[m] : (f[m - 1] + f[m]) / 2;
}

function heavyTailed(v: Float64Array): boolean {
  const f = Array.from(v).filter((x) => !Number.isNaN(x));
  if (f.length < 3) return false;
  const mean = f.reduce((a, x) => a + x, 0) / f.length;
  const sd = Math.sqrt(f.reduce((a, x) => a + (x - mean) ** 2, 0) / f.length);
  if (sd === 0) return false;
  const skew = f.reduce((a, x) => a + ((x - mean) / sd) ** 3, 0) / f.length;
  const absMax = Math.max(...f.map(Math.abs));
  return Math.abs(skew) > 2 && absMax > 10;
}

export class Pipeline {
  private sparse?: { byOutput: Array<{ at: Int32Array; coef: Float64Array }>; byFeature: Array<{ at: Int32Array; coef: Float64Array }> };
  private constructor(readonly state: PipelineState) {}

  get outputDim(): number { return this.state.outputs.length; }
  get inputColumns(): string[] { return this.state.columns.map((c) => c.name); }

  /** Fits on labelled training rows. */
  static fit(data: LabeledData, config: PipelineConfig): Pipeline {
    const { table, labels, classes } = data;
    if (!Number.isInteger(config.components) || config.components < 1) throw new QmlError(`components must be a positive integer, got ${config.components}`, 'pipeline.components');
    const maxCat = config.maxCategories ?? 80;
    const logMode = config.logScale ?? 'auto';
    const columns: ColumnState[] = [];
    const expanded: string[] = [];
    for (const c of table.columns) {
      if (c.kind === 'numeric') {
        const med = median(c.values);
        const log = logMode === 'all' || (logMode === 'auto' && heavyTailed(c.values));
        let s = 0, s2 = 0;
        for (const x0 of c.values) { const x = Number.isNaN(x0) ? med : x0; const y = log ? slog(x) : x; s += y; s2 += y * y; }
        const mean = s / table.rows, sd = Math.sqrt(Math.max(0, s2 / table.rows - mean * mean));
        columns.push({ name: c.name, kind: 'numeric', log, median: med, mean, std: sd > 1e-12 ? sd : 1 });
        expanded.push(c.name);
      } else {
        const freq = new Map<string, number>();
        for (const v of c.values) freq.set(v, (freq.get(v) ?? 0) + 1);
        const categories = [...freq.keys()].sort((a, b) => freq.get(b)! - freq.get(a)! || (a < b ? -1 : 1));
        const mode = categories.length <= maxCat ? 'onehot' : 'ordinal';
        const mean: number[] = [], std: number[] = [];
        if (mode === 'onehot') {
          for (const k of categories) {
            const p = freq.get(k)! / table.rows;
            mean.push(p); std.push(Math.sqrt(p * (1 - p)) || 1);
            expanded.push(`${c.name}=${k}`);
          }
        } else {
          const idx = new Map(categories.map((k, i) => [k, i]));
          let s = 0, s2 = 0;
          for (const v of c.values) { const y = idx.get(v)!; s += y; s2 += y * y; }
          const m = s / table.rows;
          mean.push(m); std.push(Math.sqrt(Math.max(0, s2 / table.rows - m * m)) || 1);
          expanded.push(`${c.name}#rank`);
        }
        columns.push({ name: c.name, kind: 'categorical', mode, categories, mean, std });
      }
    }
    const state: PipelineState = {
      format: 'qml6g-pipeline', version: 1, config, columns, expanded,
      selected: [], A: [], b: [], W: [], scale: [], outputs: [], explainedVariance: null,
    };
    const p = new Pipeline(state);
    const D = expanded.length;
    const U = p.expand(table);
    // Drop constant expanded features; rank the rest by ANOVA F.
    const F = anovaF(U, table.rows, D, labels, classes.length);
    const { S, W, k, reduce, explained } = chooseProjection(config, F, (j) => variance(U, table.rows, D, j), D, (S) => {
      const d = S.length, X = new Float64Array(table.rows * d);
      for (let r = 0; r < table.rows; r++) for (let j = 0; j < d; j++) X[r * d + j] = U[r * D + S[j]];
      return covariance(X, table.rows, d, new Float64Array(d));
    });
    const d = S.length;
    // Projections of the training rows, then min-max into the range.
    const P = new Float64Array(table.rows * k);
    for (let r = 0; r < table.rows; r++) for (let i = 0; i < k; i++) {
      let v = 0;
      for (let j = 0; j < d; j++) v += W[i * d + j] * U[r * D + S[j]];
      P[r * k + i] = v;
    }
    const range = config.range === undefined ? [0, Math.PI] : config.range;
    const scale = new Float64Array(k), b = new Float64Array(k);
    for (let i = 0; i < k; i++) {
      let lo = Infinity, hi = -Infinity, s = 0, s2 = 0;
      for (let r = 0; r < table.rows; r++) { const v = P[r * k + i]; lo = Math.min(lo, v); hi = Math.max(hi, v); s += v; s2 += v * v; }
      if (range) {
        const a = hi > lo ? (range[1] - range[0]) / (hi - lo) : 1;
        scale[i] = a; b[i] = range[0] - a * lo;
      } else {
        const m = s / table.rows, sd = Math.sqrt(Math.max(0, s2 / table.rows - m * m)) || 1;
        scale[i] = 1 / sd; b[i] = -m / sd;
      }
    }
    const A = new Float64Array(k * d);
    for (let i = 0; i < k; i++) for (let j = 0; j < d; j++) A[i * d + j] = scale[i] * W[i * d + j];
    state.selected = S;
    state.A = Array.from(A); state.b = Array.from(b); state.W = Array.from(W); state.scale = Array.from(scale);
    state.outputs = reduce === 'pca' ? Array.from({ length: k }, (_, i) => `pc${i + 1}`) : S.map((j) => expanded[j]);
    state.explainedVariance = explained;
    return p;
  }

  /** The standardised expanded features u (rows × D) of a table with this pipeline's columns. */
  private expand(table: Table): Float64Array {
    const cols = this.state.columns, D = this.state.expanded.length;
    const byName = new Map(table.columns.map((c) => [c.name, c]));
    const U = new Float64Array(table.rows * D);
    let off = 0;
    for (const cs of cols) {
      const c = byName.get(cs.name);
      if (!c) throw new QmlError(`column "${cs.name}" that the pipeline was fitted on is missing from the data`);
      if (cs.kind === 'numeric') {
        if (c.kind !== 'numeric') throw new QmlError(`column "${cs.name}" holds text, but the pipeline was fitted on numbers`);
        for (let r = 0; r < table.rows; r++) {
          let x = c.values[r];
          if (Number.isNaN(x)) x = cs.median;
          U[r * D + off] = ((cs.log ? slog(x) : x) - cs.mean) / cs.std;
        }
        off++;
      } else {
        const vals = c.kind === 'categorical' ? c.values : Array.from(c.values, (v) => String(v));
        const idx = new Map(cs.categories.map((k, i) => [k, i]));
        if (cs.mode === 'onehot') {
          const K = cs.categories.length;
          // The two values each one-hot feature takes (absent, present), computed once per column.
          const absent = Float64Array.from({ length: K }, (_, k) => (0 - cs.mean[k]) / cs.std[k]);
          for (let r = 0; r < table.rows; r++) {
            const hit = idx.get(vals[r]);
            U.set(absent, r * D + off);
            if (hit !== undefined) U[r * D + off + hit] = (1 - cs.mean[hit]) / cs.std[hit];
          }
          off += K;
        } else {
          // Unknown categories rank after every known one.
          for (let r = 0; r < table.rows; r++) U[r * D + off] = ((idx.get(vals[r]) ?? cs.categories.length) - cs.mean[0]) / cs.std[0];
          off++;
        }
      }
    }
    return U;
  }

  /** Maps raw rows to model inputs (rows × outputDim). */
  transform(table: Table): RowMatrix {
    const U = this.expand(table), D = this.state.expanded.length;
    const { b } = this.state, k = this.outputDim;
    const { byOutput } = this.nonzeros();
    const out = new Float64Array(table.rows * k);
    for (let i = 0; i < k; i++) {
      const { at, coef } = byOutput[i], m = at.length;
      for (let r = 0; r < table.rows; r++) {
        let v = b[i];
        const o = r * D;
        for (let t = 0; t < m; t++) v += coef[t] * U[o + at[t]];
        out[r * k + i] = v;
      }
    }
    return { data: out, rows: table.rows, cols: k };
  }

  /**
   * The nonzero entries of A, per output (expanded-feature index and coefficient) and per selected
   * feature (output index and coefficient), in the order of the dense sums. Without PCA, A is
   * diagonal: a classical detector's hundred-odd outputs then cost one term each instead of a
   * hundred, which is most of an attack step on such a model. Skipping exact zeros leaves every
   * sum unchanged (the features are finite).
   */
  private nonzeros(): { byOutput: Array<{ at: Int32Array; coef: Float64Array }>; byFeature: Array<{ at: Int32Array; coef: Float64Array }> } {
    if (this.sparse) return this.sparse;
    const { A, selected: S } = this.state, k = this.outputDim, d = S.length;
    const byOutput = Array.from({ length: k }, (_, i) => {
      const js: number[] = [];
      for (let j = 0; j < d; j++) if (A[i * d + j] !== 0) js.push(j);
      return { at: Int32Array.from(js, (j) => S[j]), coef: Float64Array.from(js, (j) => A[i * d + j]) };
    });
    const byFeature = Array.from({ length: d }, (_, j) => {
      const os: number[] = [];
      for (let i = 0; i < k; i++) if (A[i * d + j] !== 0) os.push(i);
      return { at: Int32Array.from(os), coef: Float64Array.from(os, (i) => A[i * d + j]) };
    });
    this.sparse = { byOutput, byFeature };
    return this.sparse;
  }

  /** Names of the raw numeric columns, the only ones gradients and perturbations act on. */
  numericColumns(): string[] {
    return this.state.columns.filter((c) => c.kind === 'numeric').map((c) => c.name);
  }

  /**
   * Vector-Jacobian product: given ∂L/∂z for each row (rows × outputDim), returns ∂L/∂x for every
   * raw numeric column (rows × numericColumns), through the per-column transforms. With `only`,
   * the columns not named there are left at zero (an attack needs its own fields' gradient alone).
   */
  vjp(table: Table, gz: RowMatrix, only?: ReadonlySet<string>): RowMatrix {
    const { columns, selected: S } = this.state, k = this.outputDim;
    const numeric = columns.map((c, i) => ({ c, i })).filter((x) => x.c.kind === 'numeric');
    const expandedIndex = this.expandedIndexOfColumn();
    const posInSelected = new Map(S.map((e, j) => [e, j]));
    const { byFeature } = this.nonzeros();
    const byName = new Map(table.columns.map((c) => [c.name, c]));
    const out = new Float64Array(table.rows * numeric.length);
    numeric.forEach(({ c, i }, n) => {
      const cs = c as Extract<ColumnState, { kind: 'numeric' }>;
      if (only && !only.has(cs.name)) return;
      const j = posInSelected.get(expandedIndex[i]);
      if (j === undefined) return;
      const vals = (byName.get(cs.name) as { values: Float64Array }).values;
      const { at, coef } = byFeature[j], m = at.length;
      for (let r = 0; r < table.rows; r++) {
        let g = 0;
        for (let t = 0; t < m; t++) g += gz.data[r * k + at[t]] * coef[t];
        const x = Number.isNaN(vals[r]) ? cs.median : vals[r];
        out[r * numeric.length + n] = (g / cs.std) * (cs.log ? slogD(x) : 1);
      }
    });
    return { data: out, rows: table.rows, cols: numeric.length };
  }

  private expandedIndexOfColumn(): number[] {
    const out: number[] = [];
    let off = 0;
    for (const c of this.state.columns) {
      out.push(off);
      off += c.kind === 'categorical' && c.mode === 'onehot' ? c.categories.length : 1;
    }
    return out;
  }

  /**
   * The raw numeric values that move one row's model input by dz with the least change in the
   * standardised numeric features: du = A_nᵀ (A_n A_nᵀ)⁻¹ dz over the selected numeric features
   * (categorical columns stay fixed), exact through logs and scaling. When the numeric features
   * cannot reach every direction of dz, the least-squares best is taken. Returns column → value.
   */
  rawForPerturbation(table: Table, row: number, dz: ArrayLike<number>): Record<string, number> {
    const { columns, A, selected: S } = this.state, k = this.outputDim, d = S.length;
    const expandedIndex = this.expandedIndexOfColumn();
    const posInSelected = new Map(S.map((e, j) => [e, j]));
    const numericPos: Array<{ col: number; j: number }> = [];
    columns.forEach((c, i) => {
      const j = posInSelected.get(expandedIndex[i]);
      if (c.kind === 'numeric' && j !== undefined) numericPos.push({ col: i, j });
    });
    // M = A_n A_nᵀ (k x k), ridge-regularised so rank-deficient cases give the least-squares answer.
    const M = new Float64Array(k * k);
    for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) {
      let s = 0;
      for (const { j } of numericPos) s += A[a * d + j] * A[b * d + j];
      M[a * k + b] = s + (a === b ? 1e-12 : 0);
    }
    const yv = solveSymmetric(M, k, Float64Array.from(dz));
    const byName = new Map(table.columns.map((c) => [c.name, c]));
    const out: Record<string, number> = {};
    columns.forEach((c) => {
      if (c.kind !== 'numeric') return;
      const x0 = (byName.get(c.name) as { values: Float64Array }).values[row];
      out[c.name] = Number.isNaN(x0) ? c.median : x0;
    });
    for (const { col, j } of numericPos) {
      const c = columns[col] as Extract<ColumnState, { kind: 'numeric' }>;
      let du = 0;
      for (let a = 0; a < k; a++) du += A[a * d + j] * yv[a];
      const x = out[c.name];
      const u = (c.log ? slog(x) : x) + du * c.std;
      out[c.name] = c.log ? slogInv(u) : u;
    }
    return out;
  }

  toJSON(): PipelineState {
    return this.state;
  }

  static fromJSON(s: unknown): Pipeline {
    const st = s as PipelineState;
    if (!st || st.format !== 'qml6g-pipeline' || st.version !== 1) throw new QmlError('not a qml6g pipeline (format "qml6g-pipeline", version 1)', 'pipeline');
    const k = st.outputs?.length, d = st.selected?.length;
    if (!Array.isArray(st.columns) || !k || !d || st.A?.length !== k * d || st.b?.length !== k || st.W?.length !== k * d || st.scale?.length !== k) {
      throw new QmlError('pipeline arrays have inconsistent sizes (corrupt file?)', 'pipeline');
    }
    for (const [name, arr] of [['A', st.A], ['b', st.b], ['W', st.W], ['scale', st.scale]] as const) {
      if (!Array.isArray(arr) || arr.some((v) => typeof v !== 'number' || !Number.isFinite(v))) throw new QmlError(`pipeline.${name} holds a non-finite number (corrupt file?)`, 'pipeline');
    }
    validateColumns(st);
    return new Pipeline(st);
  }
}

/** Every column state, the expanded feature names and the selection agree (a corrupt file fails here, not mid-transform). */
function validateColumns(st: PipelineState): void {
  const at = (i: number) => `pipeline.columns[${i}]`;
  const finite = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
  let expanded = 0;
  const names = new Set<string>();
  st.columns.forEach((c, i) => {
    if (!c || typeof c !== 'object' || typeof c.name !== 'string' || !c.name) throw new QmlError('a column needs a name', at(i));
    if (names.has(c.name)) throw new QmlError(`column "${c.name}" appears twice`, at(i));
    names.add(c.name);
    if (c.kind === 'numeric') {
      if (typeof c.log !== 'boolean' || !finite(c.median) || !finite(c.mean) || !finite(c.std) || !(c.std > 0)) throw new QmlError(`numeric column "${c.name}" needs log, median, mean and a positive std`, at(i));
      expanded++;
    } else if (c.kind === 'categorical') {
      if ((c.mode !== 'onehot' && c.mode !== 'ordinal') || !Array.isArray(c.categories) || c.categories.some((k) => typeof k !== 'string')) throw new QmlError(`categorical column "${c.name}" needs a mode (onehot or ordinal) and a list of categories`, at(i));
      const width = c.mode === 'onehot' ? c.categories.length : 1;
      if (!Array.isArray(c.mean) || !Array.isArray(c.std) || c.mean.length !== width || c.std.length !== width || c.mean.some((v) => !finite(v)) || c.std.some((v) => !finite(v) || !(v > 0))) throw new QmlError(`categorical column "${c.name}" needs ${width} means and positive stds`, at(i));
      expanded += width;
    } else throw new QmlError('kind must be numeric or categorical', at(i));
  });
  if (!Array.isArray(st.expanded) || st.expanded.length !== expanded) throw new QmlError(`pipeline.expanded must list ${expanded} features`, 'pipeline');
  if (st.selected.some((j) => !Number.isInteger(j) || j < 0 || j >= expanded)) throw new QmlError(`pipeline.selected must hold feature indices below ${expanded}`, 'pipeline');
}

function variance(U: Float64Array, rows: number, D: number, j: number): number {
  let s = 0, s2 = 0;
  for (let r = 0; r < rows; r++) { const v = U[r * D + j]; s += v; s2 += v * v; }
  const m = s / rows;
  return s2 / rows - m * m;
}

/** One-way ANOVA F statistic of each feature against the class labels. */
function anovaF(U: Float64Array, rows: number, D: number, y: Int32Array, C: number): Float64Array {
  const F = new Float64Array(D);
  const cnt = new Float64Array(C);
  for (let r = 0; r < rows; r++) cnt[y[r]]++;
  for (let j = 0; j < D; j++) {
    const sum = new Float64Array(C), sq = new Float64Array(C);
    let tot = 0;
    for (let r = 0; r < rows; r++) { const v = U[r * D + j]; sum[y[r]] += v; sq[y[r]] += v * v; tot += v; }
    const grand = tot / rows;
    let between = 0, within = 0;
    for (let c = 0; c < C; c++) {
      if (!cnt[c]) continue;
      const m = sum[c] / cnt[c];
      between += cnt[c] * (m - grand) ** 2;
      within += sq[c] - cnt[c] * m * m;
    }
    const dfB = Math.max(1, C - 1), dfW = Math.max(1, rows - C);
    F[j] = within > 1e-12 ? (between / dfB) / (within / dfW) : between > 0 ? 1e12 : 0;
  }
  return F;
}

/** Solves M x = b for a symmetric positive (semi)definite k x k matrix by Gaussian elimination with pivoting. */
function solveSymmetric(M: Float64Array, k: number, b: Float64Array): Float64Array {
  const a = Float64Array.from(M), x = Float64Array.from(b);
  for (let c = 0; c < k; c++) {
    let p = c;
    for (let r = c + 1; r < k; r++) if (Math.abs(a[r * k + c]) > Math.abs(a[p * k + c])) p = r;
    if (p !== c) {
      for (let j = 0; j < k; j++) { const t = a[c * k + j]; a[c * k + j] = a[p * k + j]; a[p * k + j] = t; }
      const t = x[c]; x[c] = x[p]; x[p] = t;
    }
    const piv = a[c * k + c];
    if (Math.abs(piv) < 1e-300) continue;
    for (let r = c + 1; r < k; r++) {
      const f = a[r * k + c] / piv;
      if (!f) continue;
      for (let j = c; j < k; j++) a[r * k + j] -= f * a[c * k + j];
      x[r] -= f * x[c];
    }
  }
  for (let c = k - 1; c >= 0; c--) {
    let s = x[c];
    for (let j = c + 1; j < k; j++) s -= a[c * k + j] * x[j];
    x[c] = Math.abs(a[c * k + c]) < 1e-300 ? 0 : s / a[c * k + c];
  }
  return x;
}
