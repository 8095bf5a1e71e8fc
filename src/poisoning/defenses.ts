/**
 * Defences against training-time threats:
 * - kNN label-consistency sanitisation: drop training rows whose label disagrees with most of their
 *   k nearest neighbours (Euclidean in the model's inputs, or the quantum-kernel distance
 *   d² = K(x,x) + K(x',x') − 2K(x,x'));
 * - outlier removal: drop rows far from their class centroid (z-score of the distance);
 * - spectral signatures (Tran et al. 2018): per class, centre the representations (the quantum
 *   model's read-outs, or the inputs), score each row by its squared projection on the top singular
 *   direction, and drop the top 1.5·ε fraction;
 * - STRIP (Gao et al. 2019), at inference: blend an input with random clean rows; a trojaned input
 *   keeps its (target) prediction under blending, so low prediction entropy flags it (threshold from
 *   clean rows at a chosen false-rejection rate);
 * - loss-trimmed training: fit, drop the highest-loss fraction, refit;
 * (Kernel-target alignment monitoring, which needs a trusted sample, is in training-defenses.ts.)
 */
import { QmlError } from '../core/errors.js';
import { Rng } from '../core/rng.js';
import { rowsOf, type RowMatrix } from '../sim/batch.js';
import type { Model } from '../qml/model.js';
import { entropyRows } from '../defenses/uncertainty.js';
import { symmetricEigen, covariance } from '../core/linalg.js';

/** Kept row indices after kNN label-consistency filtering. `distance` defaults to Euclidean. */
export function knnSanitize(X: RowMatrix, y: Int32Array, k = 10, distance?: (i: number, j: number) => number): number[] {
  if (!Number.isInteger(k) || k < 1) throw new QmlError(`k must be a positive integer, got ${k}`, 'k');
  const n = X.rows, d = X.cols;
  const dist = distance ?? ((i: number, j: number) => { let s = 0; for (let t = 0; t < d; t++) { const v = X.data[i * d + t] - X.data[j * d + t]; s += v * v; } return s; });
  const keep: number[] = [];
  const buf = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) buf[j] = j === i ? Infinity : dist(i, j);
    const nn = Array.from({ length: n }, (_, j) => j).sort((a, b) => buf[a] - buf[b]).slice(0, k);
    const agree = nn.filter((j) => y[j] === y[i]).length;
    if (agree * 2 >= nn.length) keep.push(i);
  }
  return keep;
}

/**
 * Kept rows after dropping those more than `z` standard deviations from their class centroid,
 * Euclidean in the inputs or, given the Gram matrix K (n × n) of a quantum kernel, in its feature
 * space: ‖φ(x_i) − μ_c‖² = K_ii − (2/|c|) Σ_j K_ij + (1/|c|²) Σ_jl K_jl over the class c.
 */
export function outlierSanitize(X: RowMatrix, y: Int32Array, z = 3, K?: Float64Array): number[] {
  const n = X.rows, d = X.cols, keep: number[] = [];
  for (const c of new Set(y)) {
    const idx = Array.from({ length: n }, (_, i) => i).filter((i) => y[i] === c);
    let dist: number[];
    if (K) {
      let all = 0;
      const rowSum = idx.map((i) => { let s = 0; for (const j of idx) s += K[i * n + j]; all += s; return s; });
      dist = idx.map((i, k) => Math.sqrt(Math.max(0, K[i * n + i] - (2 * rowSum[k]) / idx.length + all / (idx.length * idx.length))));
    } else {
      const mu = new Float64Array(d);
      for (const i of idx) for (let t = 0; t < d; t++) mu[t] += X.data[i * d + t] / idx.length;
      dist = idx.map((i) => { let s = 0; for (let t = 0; t < d; t++) s += (X.data[i * d + t] - mu[t]) ** 2; return Math.sqrt(s); });
    }
    const m = dist.reduce((a, v) => a + v, 0) / dist.length, sd = Math.sqrt(dist.reduce((a, v) => a + (v - m) ** 2, 0) / dist.length) || 1;
    idx.forEach((i, k) => { if ((dist[k] - m) / sd <= z) keep.push(i); });
  }
  return keep.sort((a, b) => a - b);
}

/**
 * Activation clustering (Chen et al. 2018): per class, project the representations on their top
 * principal directions, split them in two with k-means, and call the smaller cluster poisoned when
 * it holds less than `threshold` of the class (a backdoor's rows share the trigger, so they form a
 * tight minority cluster). Returns the rows kept and, per class, the smaller cluster's share.
 */
export function activationClustering(R: RowMatrix, y: Int32Array, opts: { components?: number; threshold?: number; seed?: number } = {}): { keep: number[]; shares: Record<number, number> } {
  const n = R.rows, d = R.cols, comps = Math.min(opts.components ?? 3, d), threshold = opts.threshold ?? 0.35;
  const rng = new Rng(opts.seed ?? 0), drop = new Set<number>(), shares: Record<number, number> = {};
  for (const c of new Set(y)) {
    const idx = Array.from({ length: n }, (_, i) => i).filter((i) => y[i] === c);
    if (idx.length < 4) continue;
    const sub = rowsOf(R, idx), mu = new Float64Array(d);
    for (let r = 0; r < sub.rows; r++) for (let t = 0; t < d; t++) mu[t] += sub.data[r * d + t] / sub.rows;
    const V = symmetricEigen(covariance(sub.data, sub.rows, d, mu), d).vectors;
    const P = new Float64Array(sub.rows * comps);
    for (let r = 0; r < sub.rows; r++) for (let k = 0; k < comps; k++) { let p = 0; for (let t = 0; t < d; t++) p += (sub.data[r * d + t] - mu[t]) * V[k * d + t]; P[r * comps + k] = p; }
    const assign = kMeans2(P, sub.rows, comps, rng);
    const ones = assign.reduce((a, v) => a + v, 0), minority = ones * 2 <= sub.rows ? 1 : 0;
    const share = Math.min(ones, sub.rows - ones) / sub.rows;
    shares[c] = share;
    if (share < threshold) idx.forEach((i, r) => { if (assign[r] === minority) drop.add(i); });
  }
  return { keep: Array.from({ length: n }, (_, i) => i).filter((i) => !drop.has(i)), shares };
}

/** Two-means with k-means++ seeding (Lloyd iterations until assignments settle). */
function kMeans2(P: Float64Array, rows: number, k: number, rng: Rng): Uint8Array {
  const dist2 = (r: number, c: Float64Array) => { let s = 0; for (let t = 0; t < k; t++) s += (P[r * k + t] - c[t]) ** 2; return s; };
  const first = rng.int(rows), c0 = P.slice(first * k, first * k + k);
  const d0 = Float64Array.from({ length: rows }, (_, r) => dist2(r, c0));
  let u = rng.next() * d0.reduce((a, v) => a + v, 0), pick = 0;
  for (; pick < rows - 1 && u > d0[pick]; pick++) u -= d0[pick];
  const cents = [Float64Array.from(c0), P.slice(pick * k, pick * k + k)];
  const assign = new Uint8Array(rows);
  for (let it = 0; it < 100; it++) {
    let changed = 0;
    for (let r = 0; r < rows; r++) { const a = dist2(r, cents[1]) < dist2(r, cents[0]) ? 1 : 0; if (a !== assign[r]) { assign[r] = a; changed++; } }
    for (const a of [0, 1]) {
      const m = new Float64Array(k); let cnt = 0;
      for (let r = 0; r < rows; r++) if (assign[r] === a) { cnt++; for (let t = 0; t < k; t++) m[t] += P[r * k + t]; }
      if (cnt) { for (let t = 0; t < k; t++) m[t] /= cnt; cents[a] = m; }
    }
    if (!changed && it > 0) break;
  }
  return assign;
}

/** Kept rows after spectral-signature filtering of representations R (rows × features), removing 1.5·eps per class. */
export function spectralSignatures(R: RowMatrix, y: Int32Array, eps: number): { keep: number[]; scores: Float64Array } {
  if (!(eps > 0 && eps < 1)) throw new QmlError(`the expected poison fraction must be in (0, 1), got ${eps}`, 'eps');
  const n = R.rows, d = R.cols, scores = new Float64Array(n), drop = new Set<number>();
  for (const c of new Set(y)) {
    const idx = Array.from({ length: n }, (_, i) => i).filter((i) => y[i] === c);
    if (idx.length < 3) continue;
    const sub = rowsOf(R, idx), mu = new Float64Array(d);
    for (let r = 0; r < sub.rows; r++) for (let t = 0; t < d; t++) mu[t] += sub.data[r * d + t] / sub.rows;
    const top = symmetricEigen(covariance(sub.data, sub.rows, d, mu), d).vectors.subarray(0, d);
    idx.forEach((i, r) => { let p = 0; for (let t = 0; t < d; t++) p += (sub.data[r * d + t] - mu[t]) * top[t]; scores[i] = p * p; });
    // ε is the poisoned fraction of the whole set; the defender does not know which class received
    // it, so every class gives up 1.5·ε·n rows (a fraction of the class would miss most of the poison
    // when it all sits in one class).
    const k = Math.min(idx.length - 1, Math.round(1.5 * eps * n));
    [...idx].sort((a, b) => scores[b] - scores[a]).slice(0, k).forEach((i) => drop.add(i));
  }
  return { keep: Array.from({ length: n }, (_, i) => i).filter((i) => !drop.has(i)), scores };
}

/** STRIP entropy of each row: mean prediction entropy over `blends` superimpositions with random clean rows. */
export function stripEntropy(model: Model, X: RowMatrix, clean: RowMatrix, blends = 10, alpha = 0.5, seed = 0): Float64Array {
  const rng = new Rng(seed), d = X.cols, C = model.numClasses, out = new Float64Array(X.rows);
  for (let b = 0; b < blends; b++) {
    const data = new Float64Array(X.data.length);
    for (let r = 0; r < X.rows; r++) {
      const o = rng.int(clean.rows);
      for (let t = 0; t < d; t++) data[r * d + t] = alpha * X.data[r * d + t] + (1 - alpha) * clean.data[o * d + t];
    }
    const h = entropyRows(model.predictProba({ data, rows: X.rows, cols: d }), X.rows, C);
    for (let r = 0; r < X.rows; r++) out[r] += h[r] / blends;
  }
  return out;
}

/**
 * STRIP's acceptance band from clean rows' entropies at false-rejection rate `frr`: 'low' is Gao et
 * al.'s (reject entropy below the frr quantile: a trigger that dominates blending); 'both' also
 * rejects the high tail, frr/2 each — on traffic records a trigger that sits on few fields is
 * diluted by blending instead, and its rows jump to high entropy.
 */
export function stripThreshold(cleanEntropy: Float64Array, frr = 0.05, tails: 'low' | 'both' = 'both'): { lo: number; hi: number } {
  const s = Array.from(cleanEntropy).sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return tails === 'low' ? { lo: at(frr), hi: Infinity } : { lo: at(frr / 2), hi: at(1 - frr / 2) };
}

/** Row indices kept after dropping the `fraction` with the highest loss under `model`. */
export function lossTrim(model: Model, X: RowMatrix, y: Int32Array, fraction: number): number[] {
  if (!(fraction > 0 && fraction < 1)) throw new QmlError(`trim fraction must be in (0, 1), got ${fraction}`, 'fraction');
  const p = model.predictProba(X), C = model.numClasses;
  const loss = Array.from({ length: X.rows }, (_, r) => -Math.log(Math.max(p[r * C + y[r]], 1e-300)));
  const order = Array.from({ length: X.rows }, (_, i) => i).sort((a, b) => loss[b] - loss[a]);
  const drop = new Set(order.slice(0, Math.round(fraction * X.rows)));
  return Array.from({ length: X.rows }, (_, i) => i).filter((i) => !drop.has(i));
}

