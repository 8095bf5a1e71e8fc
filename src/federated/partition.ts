/**
 * Seeded partitioners: which rows of a labelled set each client holds. Every function returns one
 * sorted list of row indices per client, disjoint, covering every row (quantity and column
 * partitions too), and refuses impossible requests with a QmlError.
 *  - iid: shuffled rows dealt into near-equal parts;
 *  - dirichlet: label skew, each class split over clients with proportions ~ Dir(α) (Hsu, Qi &
 *    Brown 2019); small α → each client sees few classes;
 *  - classes: pathological k classes per client (McMahan et al. 2017's shards, made exact);
 *  - quantity: sizes following a power law (Zipf weights 1/rank^s over a shuffled client order);
 *  - column: natural partition by a column's values (service, protocol, attack family), whole
 *    groups assigned greedily to the least-loaded client.
 *
 * @example
 * import { partitionRows } from 'qml6g';
 * const labels = Int32Array.from([0, 0, 1, 1, 0, 1, 0, 1]);
 * partitionRows({ kind: 'dirichlet', alpha: 0.5 }, labels, 2, 4, 1); // 4 disjoint row lists covering 0..7
 */
import { QmlError } from '../core/errors.js';
import { Rng } from '../core/rng.js';

export const PARTITION_KINDS = ['iid', 'dirichlet', 'classes', 'quantity', 'column'] as const;
export type PartitionKind = (typeof PARTITION_KINDS)[number];

export interface PartitionSpec {
  kind: PartitionKind;
  /** Dirichlet concentration α > 0. */
  alpha?: number;
  /** Classes per client (classes partition). */
  classesPerClient?: number;
  /** Power-law exponent s ≥ 0 of the quantity partition (0 = equal sizes). */
  power?: number;
  /** Column partition: the group key of every row. */
  groups?: ArrayLike<string>;
  /** Minimum rows per client (default 2: a client must have something to train on). */
  minRows?: number;
}

/** Gamma(shape, 1) by Marsaglia & Tsang (2000); shape < 1 through the boost x·U^(1/shape). */
export function gammaSample(shape: number, rng: Rng): number {
  if (shape < 1) return gammaSample(shape + 1, rng) * Math.pow(Math.max(rng.next(), 1e-300), 1 / shape);
  const d = shape - 1 / 3, c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number, v: number;
    do { x = rng.normal(); v = 1 + c * x; } while (v <= 0);
    v = v * v * v;
    const u = rng.next();
    if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** A draw from the symmetric Dirichlet(α, …, α) over n outcomes. */
export function dirichletSample(alpha: number, n: number, rng: Rng): Float64Array {
  const g = Float64Array.from({ length: n }, () => gammaSample(alpha, rng));
  let s = 0;
  for (const v of g) s += v;
  if (!(s > 0)) { g.fill(1 / n); return g; }
  for (let i = 0; i < n; i++) g[i] /= s;
  return g;
}

/** Splits `items` (already shuffled) into parts with the given sizes. */
function cut(items: number[], sizes: number[]): number[][] {
  const out: number[][] = [];
  let o = 0;
  for (const s of sizes) { out.push(items.slice(o, o + s)); o += s; }
  return out;
}

/** Integer sizes summing to `total` proportional to `w` (largest remainders, ties by index). */
export function apportion(total: number, w: ArrayLike<number>): number[] {
  let W = 0;
  for (let i = 0; i < w.length; i++) W += w[i];
  const exact = Array.from(w, (x) => (W > 0 ? (total * x) / W : total / w.length));
  const sizes = exact.map(Math.floor);
  let left = total - sizes.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => i).sort((a, b) => (exact[b] - sizes[b]) - (exact[a] - sizes[a]) || a - b);
  for (let k = 0; left > 0; k = (k + 1) % order.length, left--) sizes[order[k]]++;
  return sizes;
}

export function partitionRows(spec: PartitionSpec, labels: Int32Array, numClasses: number, clients: number, seed: number): number[][] {
  const rows = labels.length, minRows = spec.minRows ?? 2;
  if (!Number.isInteger(clients) || clients < 1) throw new QmlError(`the number of clients must be a positive integer, got ${clients}`, '--clients');
  if (clients * minRows > rows) throw new QmlError(`${clients} clients need at least ${clients * minRows} training rows (${minRows} each), the data has ${rows}`, '--clients');
  const rng = new Rng(seed);
  let parts: number[][];
  switch (spec.kind) {
    case 'iid': {
      const idx = rng.shuffle(Array.from({ length: rows }, (_, i) => i)) as number[];
      parts = cut(idx, apportion(rows, new Array(clients).fill(1)));
      break;
    }
    case 'dirichlet': {
      const a = spec.alpha;
      if (a === undefined || !(a > 0) || !Number.isFinite(a)) throw new QmlError(`the Dirichlet concentration α must be a positive number, got ${a}`, '--alpha');
      const byClass = Array.from({ length: numClasses }, () => [] as number[]);
      for (let r = 0; r < rows; r++) byClass[labels[r]].push(r);
      // Resample until every client has minRows (as NIID-Bench does); a fixed budget keeps it finite.
      for (let attempt = 0; ; attempt++) {
        parts = Array.from({ length: clients }, () => []);
        for (const cls of byClass) {
          if (!cls.length) continue;
          const idx = rng.shuffle(cls.slice()) as number[];
          const p = dirichletSample(a, clients, rng);
          cut(idx, apportion(idx.length, p)).forEach((s, i) => parts[i].push(...s));
        }
        if (parts.every((p) => p.length >= minRows)) break;
        if (attempt === 999) throw new QmlError(`no Dirichlet(α = ${a}) draw in 1000 gave each of ${clients} clients ${minRows} rows; raise α or lower --clients`, '--alpha');
      }
      break;
    }
    case 'classes': {
      const k = spec.classesPerClient ?? 1;
      if (!Number.isInteger(k) || k < 1 || k > numClasses) throw new QmlError(`classes per client must be an integer in [1, ${numClasses}], got ${k}`, '--classes-per-client');
      const holders = Array.from({ length: numClasses }, () => [] as number[]);
      for (let i = 0; i < clients; i++) for (let j = 0; j < k; j++) holders[(i * k + j) % numClasses].push(i);
      parts = Array.from({ length: clients }, () => []);
      for (let c = 0; c < numClasses; c++) {
        const idx = rng.shuffle(Array.from({ length: rows }, (_, i) => i).filter((r) => labels[r] === c)) as number[];
        if (!holders[c].length) continue;
        cut(idx, apportion(idx.length, new Array(holders[c].length).fill(1))).forEach((s, i) => parts[holders[c][i]].push(...s));
      }
      // Classes no client holds (more classes than clients × k) are dropped, as in the shard scheme.
      break;
    }
    case 'quantity': {
      const s = spec.power ?? 1;
      if (!(s >= 0) || !Number.isFinite(s)) throw new QmlError(`the power-law exponent must be a non-negative number, got ${s}`, '--power');
      const order = rng.shuffle(Array.from({ length: clients }, (_, i) => i)) as number[];
      const w = new Float64Array(clients);
      order.forEach((c, rank) => { w[c] = 1 / (rank + 1) ** s; });
      const sizes = apportion(rows - clients * minRows, w).map((x) => x + minRows);
      parts = cut(rng.shuffle(Array.from({ length: rows }, (_, i) => i)) as number[], sizes);
      break;
    }
    case 'column': {
      const g = spec.groups;
      if (!g || g.length !== rows) throw new QmlError('the column partition needs one group value per row', '--partition-column');
      const groups = new Map<string, number[]>();
      for (let r = 0; r < rows; r++) { const k = String(g[r]); if (!groups.has(k)) groups.set(k, []); groups.get(k)!.push(r); }
      if (groups.size < clients) throw new QmlError(`the partition column has ${groups.size} distinct values, fewer than ${clients} clients`, '--partition-column');
      parts = Array.from({ length: clients }, () => []);
      const sorted = [...groups.entries()].sort((a, b) => b[1].length - a[1].length || (a[0] < b[0] ? -1 : 1));
      for (const [, idx] of sorted) {
        let best = 0;
        for (let i = 1; i < clients; i++) if (parts[i].length < parts[best].length) best = i;
        parts[best].push(...idx);
      }
      break;
    }
    default: throw new QmlError(`unknown partition "${String(spec.kind)}" (known: ${PARTITION_KINDS.join(', ')})`, '--partition');
  }
  for (let i = 0; i < clients; i++) {
    if (parts[i].length < Math.min(minRows, 1)) throw new QmlError(`client ${i} received no rows`, '--partition');
    parts[i].sort((a, b) => a - b);
  }
  return parts;
}

/** Class histogram of each client (rows: clients, columns: classes), for reports and checks. */
export function labelHistogram(parts: number[][], labels: Int32Array, numClasses: number): number[][] {
  return parts.map((p) => {
    const h = new Array<number>(numClasses).fill(0);
    for (const r of p) h[labels[r]]++;
    return h;
  });
}
