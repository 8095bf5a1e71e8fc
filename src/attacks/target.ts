/**
 * What an attack sees: a differentiable (or only queryable) classifier over an attack space.
 * - InputTarget: the model's own inputs (for quantum models: the encoding angles).
 * - RawTarget: the attacker-controlled raw numeric columns of traffic records, pushed through the
 *   detector's preprocessing; domain constraints are applied after every step.
 * Gradients of log p_c for any class come from the Model's loss gradient with label c
 * (∇ log p_c = −∇ CE(·, c)); log-probability differences equal logit differences, which is all that
 * C&W, DeepFool and DLR need. Stochastic models (shots, noise) average `eot` gradients.
 */
import type { RowMatrix } from '../sim/batch.js';
import type { Model } from '../qml/model.js';
import type { Detector } from '../qml/detector.js';
import type { Table } from '../qml/table.js';
import { QmlError } from '../core/errors.js';
import type { DomainConstraints } from './threat.js';

export interface AttackTarget {
  readonly dim: number;
  readonly numClasses: number;
  /** Per-dimension scale of the perturbation units (null: the attack space's own units). */
  readonly scale: Float64Array | null;
  readonly stochastic: boolean;
  /** Model evaluations so far (rows scored; a gradient counts as one per row). */
  queries: number;
  /**
   * `rowIdx` says which clean rows the given rows are (when an attack works on a subset): a raw-space
   * target takes the fields the attacker cannot change from those rows.
   */
  proba(X: Float64Array, rows: number, rowIdx?: ArrayLike<number>): Float64Array;
  /** Per-row ∇_x log p_{cls[r]}(x_r), averaged over `eot` draws for stochastic models. */
  gradLogProb(X: Float64Array, rows: number, cls: Int32Array, eot?: number, rowIdx?: ArrayLike<number>): Float64Array;
  /**
   * Applies domain constraints in place (X0: the clean rows). `rounding`: 'toward' rounds integer
   * fields toward the clean value (never leaves an ε-ball), 'nearest' to the nearest integer
   * (minimal-perturbation attacks), 'none' keeps the continuous iterate of a gradient attack.
   */
  constrain(X: Float64Array, X0: Float64Array, rows: number, rounding?: 'toward' | 'nearest' | 'none', rowIdx?: ArrayLike<number>): void;
  /**
   * The box of valid values per attack dimension and which dimensions hold integers (null: the
   * space is unconstrained). Attacks use it to stop pushing a coordinate that sits on its bound and
   * to round integer fields in the direction that keeps a record adversarial.
   */
  domain(): AttackDomain | null;
}

export interface AttackDomain {
  lo: Float64Array;
  hi: Float64Array;
  integer: Uint8Array;
  /** True when derived-field rules (a ≤ b) couple dimensions, so the box alone is not the valid set. */
  coupled: boolean;
}

function avgGrad(rows: number, dim: number, eot: number, one: () => Float64Array): Float64Array {
  if (eot <= 1) return one();
  const acc = new Float64Array(rows * dim);
  for (let e = 0; e < eot; e++) { const g = one(); for (let i = 0; i < acc.length; i++) acc[i] += g[i] / eot; }
  return acc;
}

export class InputTarget implements AttackTarget {
  queries = 0;
  readonly scale = null;
  readonly dim: number;
  readonly numClasses: number;
  readonly stochastic: boolean;
  constructor(readonly model: Model) {
    this.dim = model.numFeatures;
    this.numClasses = model.numClasses;
    const ex = (model as { execution?: { noise?: unknown; shots?: number }; options?: { execution?: { noise?: unknown; shots?: number } } });
    const e = ex.execution ?? ex.options?.execution;
    this.stochastic = !!e?.shots;
  }
  private m(X: Float64Array, rows: number): RowMatrix { return { data: X, rows, cols: this.dim }; }
  proba(X: Float64Array, rows: number): Float64Array {
    this.queries += rows;
    return this.model.predictProba(this.m(X, rows));
  }
  gradLogProb(X: Float64Array, rows: number, cls: Int32Array, eot = 1): Float64Array {
    return avgGrad(rows, this.dim, eot, () => {
      this.queries += rows;
      const g = this.model.lossGrad(this.m(X, rows), cls, { wrtInputs: true, skipParams: true }).dinputs!;
      for (let i = 0; i < g.length; i++) g[i] = -g[i];
      return g;
    });
  }
  constrain(): void { /* the model's input space has no domain constraints */ }
  domain(): null { return null; }
}

/**
 * Attacks on raw traffic features: the attack vector holds the mutable numeric columns of each row;
 * everything else stays as in the clean record. Scale = the columns' standard deviation in
 * `reference` (usually the training rows), so ε is in standard deviations of each feature.
 */
export class RawTarget implements AttackTarget {
  queries = 0;
  readonly dim: number;
  readonly numClasses: number;
  readonly scale: Float64Array;
  readonly stochastic = false;
  private readonly cols: number[];
  private readonly gradIndex: number[];

  private box: AttackDomain | null = null;
  private replace: Map<number, number> | null = null;
  private mutableSet: Set<string> | null = null;

  constructor(readonly detector: Detector, readonly base: Table, readonly constraints: DomainConstraints, reference: Table) {
    const names = base.columns.map((c) => c.name);
    const numeric = detector.pipeline.numericColumns();
    this.cols = constraints.mutable.map((m) => {
      const i = names.indexOf(m);
      if (i < 0) throw new QmlError(`mutable column "${m}" is not in the data`, 'constraints.mutable');
      if (base.columns[i].kind !== 'numeric') throw new QmlError(`mutable column "${m}" is categorical: categorical fields stay fixed`, 'constraints.mutable');
      return i;
    });
    this.gradIndex = constraints.mutable.map((m) => {
      const j = numeric.indexOf(m);
      if (j < 0) throw new QmlError(`mutable column "${m}" is not a numeric input of the detector`, 'constraints.mutable');
      return j;
    });
    this.dim = this.cols.length;
    this.numClasses = detector.classes.length;
    this.scale = Float64Array.from(constraints.mutable, (m) => {
      const c = reference.columns.find((x) => x.name === m);
      if (!c || c.kind !== 'numeric') return 1;
      let s = 0, s2 = 0, n = 0;
      for (const v of c.values) if (!Number.isNaN(v)) { s += v; s2 += v * v; n++; }
      const sd = Math.sqrt(Math.max(0, s2 / n - (s / n) ** 2));
      return sd > 1e-12 ? sd : 1;
    });
  }

  /** The clean attack vectors (rows × dim) of the base table. */
  initial(): Float64Array {
    const out = new Float64Array(this.base.rows * this.dim);
    this.cols.forEach((ci, j) => {
      const v = (this.base.columns[ci] as { values: Float64Array }).values;
      for (let r = 0; r < this.base.rows; r++) out[r * this.dim + j] = v[r];
    });
    return out;
  }

  /** The base rows (indices `rowIdx`) with their mutable columns replaced by X. */
  tableWith(X: Float64Array, rows: number, rowIdx?: ArrayLike<number>): Table {
    const replace = this.replace ??= new Map(this.cols.map((ci, j) => [ci, j]));
    // The first `rows` base rows (no rowIdx): the fixed columns are shared, not copied (attacks call
    // this at every step; the pipeline only reads its input).
    const prefix = !rowIdx;
    return {
      rows,
      columns: this.base.columns.map((c, ci) => {
        const j = replace.get(ci);
        if (c.kind === 'categorical') return { ...c, values: prefix ? (rows === c.values.length ? c.values : c.values.slice(0, rows)) : Array.from(rowIdx, (r) => c.values[r]) };
        if (j !== undefined) {
          const v = new Float64Array(rows), d = this.dim;
          for (let r = 0; r < rows; r++) v[r] = X[r * d + j];
          return { ...c, values: v };
        }
        return { ...c, values: prefix ? (rows === c.values.length ? c.values : c.values.subarray(0, rows)) : Float64Array.from(rowIdx, (r) => c.values[r]) };
      }),
    };
  }

  proba(X: Float64Array, rows: number, rowIdx?: ArrayLike<number>): Float64Array {
    this.queries += rows;
    return this.detector.predictProba(this.tableWith(X, rows, rowIdx));
  }

  gradLogProb(X: Float64Array, rows: number, cls: Int32Array, _eot = 1, rowIdx?: ArrayLike<number>): Float64Array {
    this.queries += rows;
    const t = this.tableWith(X, rows, rowIdx);
    const Z = this.detector.inputs(t);
    const g = this.detector.model.lossGrad(Z, cls, { wrtInputs: true, skipParams: true }).dinputs!;
    const raw = this.detector.pipeline.vjp(t, { data: g, rows, cols: Z.cols }, this.mutableSet ??= new Set(this.constraints.mutable));
    const out = new Float64Array(rows * this.dim);
    for (let r = 0; r < rows; r++) for (let j = 0; j < this.dim; j++) out[r * this.dim + j] = -raw.data[r * raw.cols + this.gradIndex[j]];
    return out;
  }

  domain(): AttackDomain {
    if (this.box) return this.box;
    const c = this.constraints, m = c.mutable;
    const integer = new Set(c.integer ?? []), nonneg = new Set(c.nonNegative ?? []);
    const lo = Float64Array.from(m, (n) => Math.max(c.bounds?.[n]?.[0] ?? -Infinity, nonneg.has(n) ? 0 : -Infinity));
    const hi = Float64Array.from(m, (n) => c.bounds?.[n]?.[1] ?? Infinity);
    const isInt = Uint8Array.from(m, (n) => (integer.has(n) ? 1 : 0));
    this.box = { lo, hi, integer: isInt, coupled: (c.le ?? []).some(([a]) => m.includes(a)) };
    return this.box;
  }

  constrain(X: Float64Array, X0: Float64Array, rows: number, rounding: 'toward' | 'nearest' | 'none' = 'toward', rowIdx?: ArrayLike<number>): void {
    const c = this.constraints, m = c.mutable, d = this.dim;
    const integer = new Set(c.integer ?? []), nonneg = new Set(c.nonNegative ?? []);
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < d; j++) {
        const k = r * d + j;
        let v = X[k];
        const b = c.bounds?.[m[j]];
        if (b) v = Math.min(b[1], Math.max(b[0], v));
        if (nonneg.has(m[j])) v = Math.max(0, v);
        if (integer.has(m[j]) && rounding !== 'none') {
          // Toward the clean value, rounding never leaves the ε-ball.
          v = rounding === 'nearest' ? Math.round(v) : v >= X0[k] ? Math.floor(v + 1e-9) : Math.ceil(v - 1e-9);
          if (nonneg.has(m[j])) v = Math.max(0, v);
        }
        X[k] = v;
      }
      for (const [a, b] of c.le ?? []) {
        const ja = m.indexOf(a), jb = m.indexOf(b);
        if (ja < 0) continue;
        const vb = jb >= 0 ? X[r * d + jb] : (this.base.columns.find((x) => x.name === b) as { values: Float64Array } | undefined)?.values[rowIdx ? rowIdx[r] : r];
        if (vb !== undefined && X[r * d + ja] > vb) X[r * d + ja] = vb;
      }
    }
  }
}

/** The attacker-controlled fields of NSL-KDD records by default: what a remote sender shapes in its own connections. */
export const NSL_KDD_CONSTRAINTS: DomainConstraints = {
  mutable: ['duration', 'src_bytes', 'dst_bytes', 'wrong_fragment', 'urgent', 'hot', 'num_failed_logins', 'num_compromised', 'num_file_creations', 'num_access_files', 'count', 'srv_count'],
  integer: ['duration', 'src_bytes', 'dst_bytes', 'wrong_fragment', 'urgent', 'hot', 'num_failed_logins', 'num_compromised', 'num_file_creations', 'num_access_files', 'count', 'srv_count'],
  nonNegative: ['duration', 'src_bytes', 'dst_bytes', 'wrong_fragment', 'urgent', 'hot', 'num_failed_logins', 'num_compromised', 'num_file_creations', 'num_access_files', 'count', 'srv_count'],
  // KDD caps the 2-second window counts at 511.
  bounds: { count: [0, 511], srv_count: [0, 511], wrong_fragment: [0, 3] },
  le: [],
};
