/**
 * KernelSHAP (Lundberg & Lee 2017, "A Unified Approach to Interpreting Model Predictions", NeurIPS):
 * Shapley values of one prediction in raw feature terms, for any model behind a function from a raw
 * table to class probabilities (a `Detector`: pipeline + quantum or classical model).
 *
 * The value of a coalition S is the interventional expectation v(S) = mean_b f(x_S, b_¬S) over
 * background rows b, so v(∅) = E[f] (the base value) and v(N) = f(x). KernelSHAP is the weighted
 * least-squares fit of v(S) − v(∅) by Σ_{i∈S} φ_i with the Shapley kernel
 * π(S) = (M − 1) / (C(M, |S|) · |S| · (M − |S|)) and the efficiency constraint Σ φ_i = v(N) − v(∅)
 * (eliminated by substitution, as the reference implementation does).
 * - M ≤ `exactUpTo` (12): every coalition is evaluated; the fit is then exactly the Shapley values
 *   (Lundberg & Lee Theorem 2; Charnes et al. 1988).
 * - Beyond: coalitions are sampled by size in proportion to the kernel mass, each with its
 *   complement (paired sampling, Covert & Lee 2021), and the standard error of every value is
 *   estimated by bootstrapping the sampled pairs (no further model calls).
 *
 * @example
 * import { loadDataset, Detector, explainPrediction } from 'qml6g';
 * const d = loadDataset('iris');
 * const det = Detector.train(d, { type: 'logreg' }, { epochs: 30, seed: 1 });
 * const e = explainPrediction(det, d.table, 0, { background: d.table, seed: 1 });
 * // e.values: { sepal_length: ..., ... } sums to e.prediction − e.base_value; e.exact === true
 */
import { QmlError } from '../core/errors.js';
import { Rng } from '../core/rng.js';
import type { Detector } from '../qml/detector.js';
import type { Column, Table } from '../qml/table.js';

/** Class probabilities (rows × C) of raw rows. */
export type ProbaFn = (t: Table) => Float64Array;

export interface ShapOptions {
  /** Background rows for the expectation (default: the explained table itself). */
  background?: Table;
  /** At most this many background rows (seeded sample; default 32). */
  maxBackground?: number;
  /** The class whose probability is explained (default: the predicted class of the row). */
  classIndex?: number;
  /** Exact over all 2^M coalitions up to this many features (default 12, at most 20). */
  exactUpTo?: number;
  /** Sampled coalitions beyond (default 2048, rounded to pairs). */
  samples?: number;
  /** Bootstrap resamples for the standard errors of sampled values (default 200). */
  bootstrap?: number;
  seed?: number;
  /** Rows per model call (default 8192). */
  batchRows?: number;
}

export interface ShapResult {
  /** E[f]: the mean explained-class probability over the background rows. */
  base_value: number;
  /** f(x): the explained-class probability of the row. */
  prediction: number;
  /** Shapley value of each raw feature (they sum to prediction − base_value). */
  values: Record<string, number>;
  /** True when every coalition was evaluated (the values are the Shapley values of v). */
  exact: boolean;
  /** Standard error of each value (sampled), 0 for exact values. */
  std_errors: Record<string, number>;
  class_index: number;
  features: string[];
  coalitions: number;
  background_rows: number;
  model_calls: number;
  seed: number;
}

const binom = (n: number, k: number) => { let r = 1; for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i; return r; };

/** A table of x's row inside coalition masks, the background rows elsewhere: rows = masks × background. */
function coalitionTable(x: Table, row: number, bg: Table, masks: Uint8Array, M: number, count: number): Table {
  const B = bg.rows, R = count * B;
  const columns: Column[] = x.columns.map((c, j) => {
    const bc = bg.columns[j];
    if (c.kind === 'numeric' && bc.kind === 'numeric') {
      const v = new Float64Array(R), xv = c.values[row];
      for (let s = 0; s < count; s++) {
        const on = masks[s * M + j] === 1, off = s * B;
        if (on) v.fill(xv, off, off + B); else v.set(bc.values.subarray(0, B), off);
      }
      return { name: c.name, kind: 'numeric', values: v };
    }
    const v: string[] = new Array(R), xv = (c.values as string[])[row], bv = bc.values as string[];
    for (let s = 0; s < count; s++) for (let b = 0; b < B; b++) v[s * B + b] = masks[s * M + j] === 1 ? xv : bv[b];
    return { name: c.name, kind: 'categorical', values: v };
  });
  return { columns, rows: R };
}

function sampleTable(t: Table, idx: number[]): Table {
  return {
    rows: idx.length,
    columns: t.columns.map((c) => (c.kind === 'numeric'
      ? { name: c.name, kind: 'numeric', values: Float64Array.from(idx, (i) => c.values[i]) }
      : { name: c.name, kind: 'categorical', values: idx.map((i) => c.values[i]) })),
  };
}

/** v(S) for each mask: the mean over background rows of the explained-class probability. */
function coalitionValues(f: ProbaFn, x: Table, row: number, bg: Table, masks: Uint8Array, M: number, cls: number, batchRows: number): { v: Float64Array; calls: number } {
  const S = masks.length / M, B = bg.rows;
  const v = new Float64Array(S);
  const per = Math.max(1, Math.floor(batchRows / B));
  let calls = 0;
  for (let s0 = 0; s0 < S; s0 += per) {
    const cnt = Math.min(per, S - s0);
    const t = coalitionTable(x, row, bg, masks.subarray(s0 * M, (s0 + cnt) * M), M, cnt);
    const p = f(t);
    const C = p.length / t.rows;
    if (!Number.isInteger(C) || cls >= C) throw new QmlError(`the model returned ${p.length} probabilities for ${t.rows} rows`);
    calls++;
    for (let s = 0; s < cnt; s++) {
      let acc = 0;
      for (let b = 0; b < B; b++) acc += p[(s * B + b) * C + cls];
      v[s0 + s] = acc / B;
    }
  }
  return { v, calls };
}

/**
 * Solves the kernel-weighted least squares with Σφ = delta by eliminating the last feature:
 * y_s − z_sM·delta ≈ Σ_{j<M} φ_j (z_sj − z_sM). Rows with weight 0 are skipped.
 */
export function kernelShapSolve(masks: Uint8Array, y: Float64Array, w: Float64Array, M: number, delta: number, pick?: Int32Array): Float64Array {
  const K = M - 1, phi = new Float64Array(M);
  if (M === 1) { phi[0] = delta; return phi; }
  const A = new Float64Array(K * K), rhs = new Float64Array(K), d = new Float64Array(K);
  const n = pick ? pick.length : w.length;
  for (let t = 0; t < n; t++) {
    const s = pick ? pick[t] : t;
    const ws = w[s];
    if (ws === 0) continue;
    const zM = masks[s * M + K];
    for (let j = 0; j < K; j++) d[j] = masks[s * M + j] - zM;
    const ys = y[s] - zM * delta;
    for (let i = 0; i < K; i++) {
      if (d[i] === 0) continue;
      const wi = ws * d[i];
      rhs[i] += wi * ys;
      for (let j = 0; j < K; j++) A[i * K + j] += wi * d[j];
    }
  }
  // A tiny ridge keeps a bootstrap resample that misses a feature solvable; it is far below any value reported.
  for (let i = 0; i < K; i++) A[i * K + i] += 1e-12;
  const sol = solveSymmetric(A, rhs, K);
  let sum = 0;
  for (let j = 0; j < K; j++) { phi[j] = sol[j]; sum += sol[j]; }
  phi[K] = delta - sum;
  return phi;
}

/** Gaussian elimination with partial pivoting (K ≤ a few hundred). */
function solveSymmetric(A: Float64Array, b: Float64Array, K: number): Float64Array {
  const a = Float64Array.from(A), x = Float64Array.from(b);
  for (let c = 0; c < K; c++) {
    let p = c;
    for (let r = c + 1; r < K; r++) if (Math.abs(a[r * K + c]) > Math.abs(a[p * K + c])) p = r;
    if (Math.abs(a[p * K + c]) < 1e-300) continue;
    if (p !== c) {
      for (let j = 0; j < K; j++) { const t = a[c * K + j]; a[c * K + j] = a[p * K + j]; a[p * K + j] = t; }
      const t = x[c]; x[c] = x[p]; x[p] = t;
    }
    for (let r = c + 1; r < K; r++) {
      const f = a[r * K + c] / a[c * K + c];
      if (f === 0) continue;
      for (let j = c; j < K; j++) a[r * K + j] -= f * a[c * K + j];
      x[r] -= f * x[c];
    }
  }
  for (let c = K - 1; c >= 0; c--) {
    let s = x[c];
    for (let j = c + 1; j < K; j++) s -= a[c * K + j] * x[j];
    x[c] = Math.abs(a[c * K + c]) < 1e-300 ? 0 : s / a[c * K + c];
  }
  return x;
}

/** The Shapley kernel weight of a coalition of size s among M features (∞ at s = 0 and M: the constraints). */
export function shapleyKernel(M: number, s: number): number {
  if (s === 0 || s === M) return Infinity;
  return (M - 1) / (binom(M, s) * s * (M - s));
}

/** KernelSHAP of row `row` of table `x` for the model behind `f`. */
export function kernelShap(f: ProbaFn, x: Table, row: number, opts: ShapOptions = {}): ShapResult {
  if (!Number.isInteger(row) || row < 0 || row >= x.rows) throw new QmlError(`row ${row} is outside the data (0 to ${x.rows - 1})`, '--row');
  const M = x.columns.length;
  if (M < 1) throw new QmlError('no features to explain');
  const seed = opts.seed ?? 0, rng = new Rng(seed);
  const exactUpTo = Math.min(opts.exactUpTo ?? 12, 20);
  const bgFull = opts.background ?? x;
  if (bgFull.columns.length !== M || bgFull.columns.some((c, j) => c.name !== x.columns[j].name || c.kind !== x.columns[j].kind)) throw new QmlError('the background rows must have the same columns as the explained row');
  const maxBg = opts.maxBackground ?? 32;
  if (!Number.isInteger(maxBg) || maxBg < 1) throw new QmlError(`maxBackground must be a positive integer, got ${maxBg}`);
  let bg = bgFull;
  if (bgFull.rows > maxBg) {
    const idx = Array.from({ length: bgFull.rows }, (_, i) => i);
    for (let i = 0; i < maxBg; i++) { const j = i + rng.int(idx.length - i); [idx[i], idx[j]] = [idx[j], idx[i]]; }
    bg = sampleTable(bgFull, idx.slice(0, maxBg).sort((a, b) => a - b));
  }
  if (bg.rows < 1) throw new QmlError('no background rows');
  const batchRows = opts.batchRows ?? 8192;
  const ends = new Uint8Array(2 * M).fill(0, 0, M).fill(1, M);
  // The explained class: the prediction's own unless asked otherwise.
  const pRow = f(sampleTable(x, [row]));
  const C = pRow.length;
  let cls = opts.classIndex ?? -1;
  if (cls < 0) { cls = 0; for (let c = 1; c < C; c++) if (pRow[c] > pRow[cls]) cls = c; }
  if (!Number.isInteger(cls) || cls >= C) throw new QmlError(`class index ${cls} is outside the model's ${C} classes`);
  const ev = coalitionValues(f, x, row, bg, ends, M, cls, batchRows);
  const base = ev.v[0], pred = ev.v[1], delta = pred - base;
  let calls = ev.calls + 1;
  const names = x.columns.map((c) => c.name);

  let masks: Uint8Array, w: Float64Array, exact: boolean;
  if (M <= exactUpTo) {
    exact = true;
    const S = 2 ** M - 2;
    masks = new Uint8Array(S * M);
    w = new Float64Array(S);
    for (let s = 1; s <= S; s++) {
      let size = 0;
      for (let j = 0; j < M; j++) if ((s >> j) & 1) { masks[(s - 1) * M + j] = 1; size++; }
      w[s - 1] = shapleyKernel(M, size);
    }
  } else {
    exact = false;
    const pairs = Math.max(8, Math.ceil((opts.samples ?? 2048) / 2));
    // Sizes 1..⌊M/2⌋ with probability ∝ the kernel mass of size s and of its complement M − s.
    const sizes: number[] = [], mass: number[] = [];
    for (let s = 1; s <= Math.floor(M / 2); s++) { sizes.push(s); mass.push((s === M - s ? 1 : 2) * (M - 1) / (s * (M - s))); }
    const total = mass.reduce((a, b) => a + b, 0);
    masks = new Uint8Array(2 * pairs * M);
    w = new Float64Array(2 * pairs).fill(1);
    const perm = Array.from({ length: M }, (_, j) => j);
    for (let p = 0; p < pairs; p++) {
      let u = rng.next() * total, k = 0;
      while (k < sizes.length - 1 && u >= mass[k]) { u -= mass[k]; k++; }
      const s = sizes[k];
      for (let i = 0; i < s; i++) { const j = i + rng.int(M - i); [perm[i], perm[j]] = [perm[j], perm[i]]; }
      const a = 2 * p * M, b = (2 * p + 1) * M;
      masks.fill(1, b, b + M);
      for (let i = 0; i < s; i++) { masks[a + perm[i]] = 1; masks[b + perm[i]] = 0; }
    }
  }
  const vals = coalitionValues(f, x, row, bg, masks, M, cls, batchRows);
  calls += vals.calls;
  const y = new Float64Array(vals.v.length);
  for (let s = 0; s < y.length; s++) y[s] = vals.v[s] - base;
  const phi = kernelShapSolve(masks, y, w, M, delta);
  const se = new Float64Array(M);
  if (!exact) {
    const B = opts.bootstrap ?? 200, P = y.length / 2;
    const sum = new Float64Array(M), sum2 = new Float64Array(M), pick = new Int32Array(2 * P);
    for (let r = 0; r < B; r++) {
      for (let p = 0; p < P; p++) { const q = rng.int(P); pick[2 * p] = 2 * q; pick[2 * p + 1] = 2 * q + 1; }
      const b = kernelShapSolve(masks, y, w, M, delta, pick);
      for (let j = 0; j < M; j++) { sum[j] += b[j]; sum2[j] += b[j] * b[j]; }
    }
    for (let j = 0; j < M; j++) { const m = sum[j] / B; se[j] = Math.sqrt(Math.max(0, sum2[j] / B - m * m) * B / Math.max(1, B - 1)); }
  }
  const values: Record<string, number> = {}, stdErrors: Record<string, number> = {};
  names.forEach((n, j) => { values[n] = phi[j]; stdErrors[n] = se[j]; });
  return {
    base_value: base, prediction: pred, values, exact, std_errors: stdErrors, class_index: cls, features: names,
    coalitions: y.length + 2, background_rows: bg.rows, model_calls: calls, seed,
  };
}

/** KernelSHAP of one row of raw data for a detector (through its preprocessing pipeline). */
export function explainPrediction(det: Detector, table: Table, row: number, opts: ShapOptions = {}): ShapResult & { class: string } {
  const r = kernelShap((t) => det.predictProba(t), table, row, opts);
  return { ...r, class: det.classes[r.class_index] };
}
