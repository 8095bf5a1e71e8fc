/**
 * Preprocessing fitted federatedly: clients send sufficient statistics, never rows, and the server
 * builds the same pipeline `Pipeline.fit` would build on the union of their rows. Three exchanges:
 *  1. per column: counts, Σx, Σx², Σx³, max|x| and Σ/Σ² of the symmetric log (numeric), or the
 *     category counts (categorical) → imputation, log decision, standardisation, encodings;
 *  2. over the expanded standardised features u: Σu uᵀ and per-class counts, Σu, Σu² → ANOVA F,
 *     feature selection and PCA (the second-moment matrix is what `Pipeline.fit` decomposes);
 *  3. over the projections: min and max (or Σ, Σ²) → the final scaling.
 * With no missing values the result equals the central fit up to rounding (a test checks it). The
 * one difference: missing numeric values are imputed with the federated mean, since an exact
 * median is not a sum of per-client statistics.
 *
 * @example
 * import { loadDataset, selectRows, fitFederatedPipeline } from 'qml6g';
 * const d = loadDataset('iris');
 * const clients = [selectRows(d, [0, 1, 2, 50, 51, 100]), selectRows(d, [3, 4, 52, 53, 101, 102])];
 * const p = fitFederatedPipeline(clients, { components: 2 }); // p.transform(table) as for Pipeline.fit
 */
import { QmlError } from '../core/errors.js';
import { chooseProjection, Pipeline, type PipelineConfig, type PipelineState } from '../qml/pipeline.js';
import type { LabeledData, Table } from '../qml/table.js';

const slog = (x: number) => Math.sign(x) * Math.log1p(Math.abs(x));

export type ColumnStats =
  | { name: string; kind: 'numeric'; n: number; missing: number; s1: number; s2: number; s3: number; absMax: number; l1: number; l2: number }
  | { name: string; kind: 'categorical'; counts: Record<string, number> };

/** Exchange 1, on a client: per-column statistics of its rows. */
export function columnStats(table: Table): ColumnStats[] {
  return table.columns.map((c) => {
    if (c.kind === 'categorical') {
      const counts: Record<string, number> = {};
      for (const v of c.values) counts[v] = (counts[v] ?? 0) + 1;
      return { name: c.name, kind: 'categorical', counts };
    }
    let n = 0, missing = 0, s1 = 0, s2 = 0, s3 = 0, absMax = 0, l1 = 0, l2 = 0;
    for (const x of c.values) {
      if (Number.isNaN(x)) { missing++; continue; }
      n++; s1 += x; s2 += x * x; s3 += x * x * x; absMax = Math.max(absMax, Math.abs(x));
      const y = slog(x); l1 += y; l2 += y * y;
    }
    return { name: c.name, kind: 'numeric', n, missing, s1, s2, s3, absMax, l1, l2 };
  });
}

/** Adds up the clients' column statistics; the columns must match by name and kind. */
export function mergeColumnStats(all: ColumnStats[][]): ColumnStats[] {
  const first = all[0];
  return first.map((c0, j) => {
    const cs = all.map((s, i) => {
      const c = s[j];
      if (!c || c.name !== c0.name || c.kind !== c0.kind) throw new QmlError(`client ${i}'s data does not fit: column ${j} is ${c ? `"${c.name}" (${c.kind})` : 'missing'}, client 0 has "${c0.name}" (${c0.kind})`, 'client data');
      return c;
    });
    if (c0.kind === 'categorical') {
      const counts: Record<string, number> = {};
      for (const c of cs as Extract<ColumnStats, { kind: 'categorical' }>[]) for (const [k, v] of Object.entries(c.counts)) counts[k] = (counts[k] ?? 0) + v;
      return { name: c0.name, kind: 'categorical', counts };
    }
    const out = { name: c0.name, kind: 'numeric' as const, n: 0, missing: 0, s1: 0, s2: 0, s3: 0, absMax: 0, l1: 0, l2: 0 };
    for (const c of cs as Extract<ColumnStats, { kind: 'numeric' }>[]) {
      out.n += c.n; out.missing += c.missing; out.s1 += c.s1; out.s2 += c.s2; out.s3 += c.s3; out.l1 += c.l1; out.l2 += c.l2;
      out.absMax = Math.max(out.absMax, c.absMax);
    }
    return out;
  });
}

/** The column transforms from merged statistics, with Pipeline.fit's rules. */
export function columnStates(stats: ColumnStats[], config: PipelineConfig): { columns: PipelineState['columns']; expanded: string[] } {
  const maxCat = config.maxCategories ?? 80, logMode = config.logScale ?? 'auto';
  const columns: PipelineState['columns'] = [], expanded: string[] = [];
  for (const c of stats) {
    if (c.kind === 'numeric') {
      const rows = c.n + c.missing;
      const mu = c.n ? c.s1 / c.n : 0;
      let log = logMode === 'all';
      if (logMode === 'auto' && c.n >= 3) {
        const sd = Math.sqrt(Math.max(0, c.s2 / c.n - mu * mu));
        if (sd > 0) {
          const m3 = c.s3 / c.n - 3 * mu * (c.s2 / c.n) + 2 * mu ** 3;
          log = Math.abs(m3 / sd ** 3) > 2 && c.absMax > 10;
        }
      }
      // Imputation with the federated mean (Pipeline.fit uses the median, which is not a sum).
      const yImp = log ? slog(mu) : mu;
      const s = (log ? c.l1 : c.s1) + c.missing * yImp, s2 = (log ? c.l2 : c.s2) + c.missing * yImp * yImp;
      const mean = s / rows, sd = Math.sqrt(Math.max(0, s2 / rows - mean * mean));
      columns.push({ name: c.name, kind: 'numeric', log, median: mu, mean, std: sd > 1e-12 ? sd : 1 });
      expanded.push(c.name);
    } else {
      const freq = new Map(Object.entries(c.counts));
      const rows = [...freq.values()].reduce((a, b) => a + b, 0);
      const categories = [...freq.keys()].sort((a, b) => freq.get(b)! - freq.get(a)! || (a < b ? -1 : 1));
      const mode = categories.length <= maxCat ? 'onehot' : 'ordinal';
      const mean: number[] = [], std: number[] = [];
      if (mode === 'onehot') {
        for (const k of categories) {
          const p = freq.get(k)! / rows;
          mean.push(p); std.push(Math.sqrt(p * (1 - p)) || 1);
          expanded.push(`${c.name}=${k}`);
        }
      } else {
        let s = 0, s2 = 0;
        categories.forEach((k, i) => { s += i * freq.get(k)!; s2 += i * i * freq.get(k)!; });
        const m = s / rows;
        mean.push(m); std.push(Math.sqrt(Math.max(0, s2 / rows - m * m)) || 1);
        expanded.push(`${c.name}#rank`);
      }
      columns.push({ name: c.name, kind: 'categorical', mode, categories, mean, std });
    }
  }
  return { columns, expanded };
}

/** A pipeline whose output is the linear map W (k × |S|) of the selected expanded features, plus b. */
function linearPipeline(config: PipelineConfig, cols: { columns: PipelineState['columns']; expanded: string[] }, S: number[], W: Float64Array, k: number, b?: Float64Array): Pipeline {
  return Pipeline.fromJSON({
    format: 'qml6g-pipeline', version: 1, config, columns: cols.columns, expanded: cols.expanded, selected: S,
    A: Array.from(W), b: b ? Array.from(b) : new Array(k).fill(0), W: Array.from(W), scale: new Array(k).fill(1),
    outputs: Array.from({ length: k }, (_, i) => `o${i}`), explainedVariance: null,
  } satisfies PipelineState);
}

export interface FeatureStats { rows: number; D: number; /** D × D Σ u uᵀ */ uu: number[]; classCount: number[]; /** C × D */ classSum: number[]; classSq: number[] }

/** Exchange 2, on a client: moments of its expanded standardised features. */
export function featureStats(data: LabeledData, identity: Pipeline, C: number): FeatureStats {
  const U = identity.transform(data.table), D = U.cols, rows = U.rows;
  const uu = new Float64Array(D * D), classCount = new Float64Array(C), classSum = new Float64Array(C * D), classSq = new Float64Array(C * D);
  for (let r = 0; r < rows; r++) {
    const y = data.labels[r], o = r * D;
    classCount[y]++;
    for (let i = 0; i < D; i++) {
      const ui = U.data[o + i];
      classSum[y * D + i] += ui; classSq[y * D + i] += ui * ui;
      if (ui === 0) continue;
      for (let j = i; j < D; j++) uu[i * D + j] += ui * U.data[o + j];
    }
  }
  return { rows, D, uu: Array.from(uu), classCount: Array.from(classCount), classSum: Array.from(classSum), classSq: Array.from(classSq) };
}

export interface ProjectionStats { rows: number; min: number[]; max: number[]; s1: number[]; s2: number[] }

/** Exchange 3, on a client: range and moments of its projections. */
export function projectionStats(table: Table, projection: Pipeline): ProjectionStats {
  const P = projection.transform(table), k = P.cols;
  const out: ProjectionStats = { rows: P.rows, min: new Array(k).fill(Infinity), max: new Array(k).fill(-Infinity), s1: new Array(k).fill(0), s2: new Array(k).fill(0) };
  for (let r = 0; r < P.rows; r++) for (let i = 0; i < k; i++) {
    const v = P.data[r * k + i];
    out.min[i] = Math.min(out.min[i], v); out.max[i] = Math.max(out.max[i], v); out.s1[i] += v; out.s2[i] += v * v;
  }
  return out;
}

/** After exchange 1: the column transforms and the identity pipeline clients compute exchange 2 with. */
export interface FitPhase1 { config: PipelineConfig; C: number; cols: { columns: PipelineState['columns']; expanded: string[] }; identity: Pipeline }
/** After exchange 2: the selected features and projection clients compute exchange 3 with. */
export interface FitPhase2 extends FitPhase1 { rows: number; S: number[]; W: Float64Array; k: number; reduce: string; explained: number[] | null; projection: Pipeline }

function checkFitConfig(config: PipelineConfig): void {
  if (!Number.isInteger(config.components) || config.components < 1) throw new QmlError(`components must be a positive integer, got ${config.components}`, 'pipeline.components');
}

/** Server side of exchange 1: merged column statistics → column transforms (pure data in, data out). */
export function fitPhase1(stats: ColumnStats[][], config: PipelineConfig, C: number): FitPhase1 {
  if (!stats.length) throw new QmlError('federated preprocessing needs at least one client');
  checkFitConfig(config);
  const cols = columnStates(mergeColumnStats(stats), config);
  const D = cols.expanded.length;
  const ident = new Float64Array(D * D);
  for (let i = 0; i < D; i++) ident[i * D + i] = 1;
  return { config, C, cols, identity: linearPipeline(config, cols, Array.from({ length: D }, (_, i) => i), ident, D) };
}

/** Server side of exchange 2: summed feature moments → ANOVA F, selection or PCA, the projection. */
export function fitPhase2(p1: FitPhase1, feats: FeatureStats[]): FitPhase2 {
  const { config, C, cols } = p1, D = cols.expanded.length;
  let rows = 0;
  const uu = new Float64Array(D * D), cnt = new Float64Array(C), sum = new Float64Array(C * D), sq = new Float64Array(C * D);
  for (const f of feats) {
    if (f.D !== D || f.uu.length !== D * D || f.classCount.length !== C || f.classSum.length !== C * D || f.classSq.length !== C * D) throw new QmlError(`feature statistics of the wrong shape (${f.D} features, ${f.classCount.length} classes; expected ${D} and ${C})`, 'client statistics');
    rows += f.rows;
    for (let i = 0; i < D * D; i++) uu[i] += f.uu[i];
    for (let i = 0; i < C; i++) cnt[i] += f.classCount[i];
    for (let i = 0; i < C * D; i++) { sum[i] += f.classSum[i]; sq[i] += f.classSq[i]; }
  }
  const F = new Float64Array(D), variance = new Float64Array(D);
  for (let j = 0; j < D; j++) {
    let tot = 0, tot2 = 0;
    for (let c = 0; c < C; c++) { tot += sum[c * D + j]; tot2 += sq[c * D + j]; }
    const grand = tot / rows;
    variance[j] = tot2 / rows - grand * grand;
    let between = 0, within = 0;
    for (let c = 0; c < C; c++) {
      if (!cnt[c]) continue;
      const m = sum[c * D + j] / cnt[c];
      between += cnt[c] * (m - grand) ** 2;
      within += sq[c * D + j] - cnt[c] * m * m;
    }
    const dfB = Math.max(1, C - 1), dfW = Math.max(1, rows - C);
    F[j] = within > 1e-12 ? (between / dfB) / (within / dfW) : between > 0 ? 1e12 : 0;
  }
  const den = Math.max(1, rows - 1);
  const { S, W, k, reduce, explained } = chooseProjection(config, F, (j) => variance[j], D, (S) => {
    const d = S.length, cov = new Float64Array(d * d);
    for (let i = 0; i < d; i++) for (let j = i; j < d; j++) {
      const a = Math.min(S[i], S[j]), b = Math.max(S[i], S[j]);
      cov[i * d + j] = cov[j * d + i] = uu[a * D + b] / den;
    }
    return cov;
  });
  return { ...p1, rows, S, W, k, reduce, explained, projection: linearPipeline(config, cols, S, W, k) };
}

/** Server side of exchange 3: projection ranges (or moments) → the fitted pipeline. */
export function fitPhase3(p2: FitPhase2, projs: ProjectionStats[]): Pipeline {
  const { config, cols, S, W, k, rows, reduce, explained } = p2;
  const lo = new Array(k).fill(Infinity), hi = new Array(k).fill(-Infinity), s1 = new Array(k).fill(0), s2 = new Array(k).fill(0);
  for (const p of projs) {
    if (p.min.length !== k) throw new QmlError(`projection statistics of ${p.min.length} outputs, expected ${k}`, 'client statistics');
    for (let i = 0; i < k; i++) { lo[i] = Math.min(lo[i], p.min[i]); hi[i] = Math.max(hi[i], p.max[i]); s1[i] += p.s1[i]; s2[i] += p.s2[i]; }
  }
  const range = config.range === undefined ? [0, Math.PI] : config.range;
  const scale = new Float64Array(k), b = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    if (range) {
      const a = hi[i] > lo[i] ? (range[1] - range[0]) / (hi[i] - lo[i]) : 1;
      scale[i] = a; b[i] = range[0] - a * lo[i];
    } else {
      const m = s1[i] / rows, sd = Math.sqrt(Math.max(0, s2[i] / rows - m * m)) || 1;
      scale[i] = 1 / sd; b[i] = -m / sd;
    }
  }
  const d = S.length, A = new Float64Array(k * d);
  for (let i = 0; i < k; i++) for (let j = 0; j < d; j++) A[i * d + j] = scale[i] * W[i * d + j];
  return Pipeline.fromJSON({
    format: 'qml6g-pipeline', version: 1, config, columns: cols.columns, expanded: cols.expanded, selected: S,
    A: Array.from(A), b: Array.from(b), W: Array.from(W), scale: Array.from(scale),
    outputs: reduce === 'pca' ? Array.from({ length: k }, (_, i) => `pc${i + 1}`) : S.map((j) => cols.expanded[j]),
    explainedVariance: explained,
  });
}

/**
 * The three exchanges between a server and clients that each hold a labelled table (here all in
 * one process; qml6g fl-client answers the same three questions over NATS).
 */
export function fitFederatedPipeline(clients: readonly LabeledData[], config: PipelineConfig): Pipeline {
  if (!clients.length) throw new QmlError('federated preprocessing needs at least one client');
  checkFitConfig(config);
  const C = clients[0].classes.length;
  clients.forEach((c, i) => {
    if (c.classes.length !== C || c.classes.some((x, j) => x !== clients[0].classes[j])) throw new QmlError(`client ${i}'s data does not fit: classes ${c.classes.join(', ')} differ from client 0's ${clients[0].classes.join(', ')}`, 'client data');
  });
  const p1 = fitPhase1(clients.map((c) => columnStats(c.table)), config, C);
  const p2 = fitPhase2(p1, clients.map((c) => featureStats(c, p1.identity, C)));
  return fitPhase3(p2, clients.map((c) => projectionStats(c.table, p2.projection)));
}
