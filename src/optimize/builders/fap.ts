/**
 * Frequency assignment on an interference graph (the CELAR radio-link problems, Cabon et al. 1999),
 * one-hot: x_{off_i + a} = 1 when link i takes domain value a.
 *
 * - mode 'cost': minimise the instance's cost (unary mobility costs and pairwise interference costs
 *   of violated |f_i − f_j| > d separations); tuples at or above the instance's `top` are hard and
 *   become conflict constraints.
 * - mode 'span': every separation is hard (any pair tuple with a positive cost is forbidden);
 *   minimise max f − min f. With the distinct frequencies F_0 < ... < F_{T−1}, m_t says "the highest
 *   frequency is ≥ F_t" and l_t "the lowest is ≤ F_{t−1}" (x ≤ m_t, x ≤ l_t for the values concerned),
 *   and span = Σ_t (F_t − F_{t−1})·(m_t + l_t − 1): at least one of the two holds for every t.
 *
 * `randomFap` generates a small interference-graph instance (links on a line, separations falling
 * with distance) for examples and QAOA-sized tests.
 *
 * @example
 * import { fapProblem, randomFap, evaluateAssignment } from 'qml6g';
 * const inst = randomFap({ links: 4, channels: 3, seed: 1 });
 * const p = fapProblem(inst);           // 12 one-hot variables
 * p.n;                                  // 12
 */
import { QmlError } from '../../core/errors.js';
import { Rng } from '../../core/rng.js';
import { QuboBuilder } from '../qubo.js';
import { makeProblem, oneHotConstraint, type LinearConstraint, type Problem } from '../problem.js';
import { wcspCost, type WcspInstance } from '../loaders/wcsp.js';

export function fapOffsets(w: WcspInstance): number[] {
  const off: number[] = [];
  let t = 0;
  for (const d of w.domains) { off.push(t); t += d; }
  return off;
}

export function fapProblem(w: WcspInstance, mode: 'cost' | 'span' = 'cost', name = w.name): Problem {
  const off = fapOffsets(w), nx = w.domains.reduce((a, b) => a + b, 0);
  const constraints: LinearConstraint[] = [];
  const oneHot: number[][] = [];
  w.domains.forEach((d, i) => {
    const grp = Array.from({ length: d }, (_, a) => off[i] + a);
    oneHot.push(grp);
    constraints.push(oneHotConstraint(`link ${i} has one frequency`, grp));
  });
  const hardPair = (c: number) => (mode === 'span' ? c > 0 : c >= w.top);
  if (mode === 'cost') {
    const b = new QuboBuilder(nx).addConstant(w.constant);
    w.unary.forEach((u, i) => u.forEach((c, a) => {
      if (c >= w.top) constraints.push({ name: `link ${i} value ${a} forbidden`, terms: [[off[i] + a, 1]], sense: '<=', rhs: 0 });
      else if (c) b.addLinear(off[i] + a, c);
    }));
    for (const t of w.binary) {
      const dj = w.domains[t.j];
      t.cost.forEach((c, k) => {
        if (!c) return;
        const a = Math.floor(k / dj), bb = k % dj;
        if (hardPair(c)) constraints.push({ name: `links ${t.i}-${t.j} values ${a},${bb} forbidden`, terms: [[off[t.i] + a, 1], [off[t.j] + bb, 1]], sense: '<=', rhs: 1 });
        else b.addQuad(off[t.i] + a, off[t.j] + bb, c);
      });
    }
    return makeProblem({ kind: 'fap', name, sense: 'min', objective: b.build(), constraints, oneHot, data: { kind: 'fap', instance: w, mode } });
  }
  if (!w.values) throw new QmlError('the span objective needs the frequencies behind the domain values (a CELAR instance or randomFap)');
  const F = [...new Set(w.values.flat())].sort((a, b) => a - b), T = F.length;
  const n = nx + 2 * (T - 1);
  const m = (t: number) => nx + (t - 1), l = (t: number) => nx + (T - 1) + (t - 1);
  const b = new QuboBuilder(n);
  for (let t = 1; t < T; t++) {
    const gap = F[t] - F[t - 1];
    b.addLinear(m(t), gap).addLinear(l(t), gap).addConstant(-gap);
  }
  w.values.forEach((vals, i) => vals.forEach((f, a) => {
    for (let t = 1; t < T; t++) {
      if (f >= F[t]) constraints.push({ name: `max ≥ ${F[t]} if link ${i} = ${f}`, terms: [[off[i] + a, 1], [m(t), -1]], sense: '<=', rhs: 0 });
      if (f <= F[t - 1]) constraints.push({ name: `min ≤ ${F[t - 1]} if link ${i} = ${f}`, terms: [[off[i] + a, 1], [l(t), -1]], sense: '<=', rhs: 0 });
    }
    if (w.unary[i][a] > 0) constraints.push({ name: `link ${i} value ${a} forbidden`, terms: [[off[i] + a, 1]], sense: '<=', rhs: 0 });
  }));
  for (const t of w.binary) {
    const dj = w.domains[t.j];
    t.cost.forEach((c, k) => {
      if (c > 0) constraints.push({ name: `links ${t.i}-${t.j} values ${Math.floor(k / dj)},${k % dj} forbidden`, terms: [[off[t.i] + Math.floor(k / dj), 1], [off[t.j] + (k % dj), 1]], sense: '<=', rhs: 1 });
    });
  }
  return makeProblem({ kind: 'fap', name: `${name}-span`, sense: 'min', objective: b.build(), constraints, oneHot, data: { kind: 'fap', instance: w, mode } });
}

/** Domain index per link from a one-hot assignment (−1 where not one-hot). */
export function decodeFap(w: WcspInstance, x: ArrayLike<number>): number[] {
  const off = fapOffsets(w);
  return w.domains.map((d, i) => {
    let v = -1, ones = 0;
    for (let a = 0; a < d; a++) if (x[off[i] + a]) { v = a; ones++; }
    return ones === 1 ? v : -1;
  });
}

/** The one-hot assignment of domain indices (plus the span indicators in span mode). */
export function encodeFap(p: Problem, a: ArrayLike<number>): Uint8Array {
  if (p.data.kind !== 'fap') throw new QmlError('not a frequency-assignment problem');
  const w = p.data.instance, off = fapOffsets(w), x = new Uint8Array(p.n);
  w.domains.forEach((_, i) => { x[off[i] + a[i]] = 1; });
  if (p.data.mode === 'span') {
    const nx = off[off.length - 1] + w.domains[w.domains.length - 1];
    const F = [...new Set(w.values!.flat())].sort((u, v) => u - v), T = F.length;
    const used = w.domains.map((_, i) => w.values![i][a[i]]);
    const hi = Math.max(...used), lo = Math.min(...used);
    for (let t = 1; t < T; t++) { x[nx + t - 1] = hi >= F[t] ? 1 : 0; x[nx + T - 1 + t - 1] = lo <= F[t - 1] ? 1 : 0; }
  }
  return x;
}

/** The instance cost of a domain-index assignment. */
export function fapCost(w: WcspInstance, a: ArrayLike<number>): number {
  return wcspCost(w, a);
}

/**
 * A small random radio-link instance: `links` links on a line, `channels` frequencies spaced by
 * `spacing`; links closer than 3 positions must be separated by more than (3 − distance)·spacing/2,
 * with an interference cost of 10 per violation (1 for the farthest pairs).
 */
export function randomFap(o: { links: number; channels: number; seed: number; spacing?: number }): WcspInstance {
  const { links, channels, seed } = o, spacing = o.spacing ?? 7;
  if (!Number.isInteger(links) || links < 2 || !Number.isInteger(channels) || channels < 2) throw new QmlError('a random FAP needs at least 2 links and 2 channels');
  const rng = new Rng(seed);
  const freqs = Array.from({ length: channels }, (_, k) => 100 + k * spacing);
  const pos = Array.from({ length: links }, () => rng.next() * links);
  const binary: WcspInstance['binary'] = [];
  for (let i = 0; i < links; i++) for (let j = i + 1; j < links; j++) {
    const dist = Math.abs(pos[i] - pos[j]);
    if (dist >= 3) continue;
    const d = Math.round(((3 - dist) * spacing) / 2), cost = dist < 1.5 ? 10 : 1;
    const tbl = new Array<number>(channels * channels).fill(0);
    for (let a = 0; a < channels; a++) for (let b = 0; b < channels; b++) if (Math.abs(freqs[a] - freqs[b]) <= d) tbl[a * channels + b] = cost;
    binary.push({ i, j, cost: tbl });
  }
  return {
    name: `random-fap-${links}x${channels}-seed${seed}`,
    domains: new Array(links).fill(channels),
    values: Array.from({ length: links }, () => [...freqs]),
    unary: Array.from({ length: links }, () => new Array<number>(channels).fill(0)),
    binary, constant: 0, top: 1e9,
  };
}
