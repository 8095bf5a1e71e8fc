/**
 * Keeping gradient attacks inside the valid record space, as in the constrained attacks of
 * Simonetto et al. 2022 (CPGD: "A Unified Framework for Adversarial Attack and Defense in
 * Constrained Feature Space", IJCAI) and the Constrained Adaptive Attack of Simonetto et al. 2024
 * (TabularBench, NeurIPS Datasets & Benchmarks):
 *
 * - every iterate is projected onto the box, the a ≤ b rules and the fixed fields (the target's
 *   `constrain` with rounding 'none'), and gradient components that push a coordinate already on its
 *   bound further out are dropped, so a linearised step (DeepFool, C&W) spends its length where the
 *   record can still move;
 * - integer fields are repaired at the end by a rounding search that keeps the record adversarial:
 *   first the rounding that never leaves the ε-ball (toward the clean value), then each fractional
 *   field rounded in the direction that lowers the margin (when that stays inside ε), then a few
 *   greedy unit moves along the margin gradient;
 * - the ascent direction is the logit margin log p_k − log p_y (k the runner-up) wherever the
 *   softmax has saturated, so confident rows still get a direction (the cross-entropy gradient
 *   (1 − p_y)·∇margin underflows to exactly zero there, which used to stall PGD on linear models).
 *
 * All functions work on rows × dim Float64Arrays in the target's attack space.
 */
import { argmaxRows, runnerUp } from './attack.js';
import type { AttackTarget } from './target.js';
import { projectBall, type Norm } from './threat.js';

/** ∇(log p_k − log p_y) per row, k the runner-up class (the softmax normaliser cancels). */
export function marginGradient(target: AttackTarget, X: Float64Array, rows: number, y: Int32Array, eot = 1, rowIdx?: ArrayLike<number>, p?: Float64Array): Float64Array {
  const probs = p ?? target.proba(X, rows, rowIdx);
  const k = runnerUp(probs, y, rows, target.numClasses);
  const gk = target.gradLogProb(X, rows, k, eot, rowIdx), gy = target.gradLogProb(X, rows, y, eot, rowIdx);
  for (let i = 0; i < gk.length; i++) gk[i] -= gy[i];
  return gk;
}

/**
 * Ascent direction of the cross-entropy, −∇ log p_y, with the margin gradient in the rows where it
 * is exactly zero (a saturated softmax): for two classes both point the same way, so only the
 * magnitude differs, and sign or unit-length steps are unchanged.
 */
export function stableCeAscent(target: AttackTarget, X: Float64Array, rows: number, y: Int32Array, eot = 1, rowIdx?: ArrayLike<number>): Float64Array {
  const dim = target.dim;
  const g = target.gradLogProb(X, rows, y, eot, rowIdx);
  for (let i = 0; i < g.length; i++) g[i] = -g[i];
  const flat: number[] = [];
  for (let r = 0; r < rows; r++) {
    let any = false;
    for (let j = 0; j < dim && !any; j++) any = g[r * dim + j] !== 0;
    if (!any) flat.push(r);
  }
  if (!flat.length) return g;
  const Xs = gatherRows(X, flat, dim), ys = Int32Array.from(flat, (r) => y[r]);
  const idx = rowIdx ? flat.map((r) => rowIdx[r]) : flat;
  const gm = marginGradient(target, Xs, flat.length, ys, eot, idx);
  flat.forEach((r, a) => g.set(gm.subarray(a * dim, (a + 1) * dim), r * dim));
  return g;
}

/** Zeroes the components of an ascent direction g that would push a coordinate past its bound. */
export function maskAtBounds(target: AttackTarget, X: Float64Array, g: Float64Array, rows: number): void {
  const dom = target.domain();
  if (!dom) return;
  const dim = target.dim;
  for (let r = 0; r < rows; r++) for (let j = 0; j < dim; j++) {
    const i = r * dim + j, v = X[i];
    if ((g[i] < 0 && v <= dom.lo[j] + 1e-12 * Math.max(1, Math.abs(v))) || (g[i] > 0 && v >= dom.hi[j] - 1e-12 * Math.max(1, Math.abs(v)))) g[i] = 0;
  }
}

export function gatherRows(X: Float64Array, idx: ArrayLike<number>, dim: number): Float64Array {
  const out = new Float64Array(idx.length * dim);
  for (let a = 0; a < idx.length; a++) out.set(X.subarray(idx[a] * dim, (idx[a] + 1) * dim), a * dim);
  return out;
}

function compose(rowIdx: ArrayLike<number> | undefined, sub: number[]): number[] {
  return rowIdx ? sub.map((r) => rowIdx[r]) : sub;
}

/** Which rows are misclassified (prediction ≠ label). */
export function fooled(target: AttackTarget, X: Float64Array, rows: number, y: Int32Array, rowIdx?: ArrayLike<number>): Uint8Array {
  const pred = argmaxRows(target.proba(X, rows, rowIdx), rows, target.numClasses);
  return Uint8Array.from({ length: rows }, (_, r) => (pred[r] !== y[r] ? 1 : 0));
}

export interface RepairOptions {
  /** The ε-ball the repaired records must stay in (omit for minimal-perturbation attacks). */
  norm?: Norm;
  epsilon?: number;
  rowIdx?: ArrayLike<number>;
  eot?: number;
  /** Greedy unit moves per row after the directed rounding (default 3). */
  greedy?: number;
}

function inBall(x: Float64Array, x0: Float64Array, scale: Float64Array | null, off: number, dim: number, norm: Norm, eps: number): boolean {
  if (!Number.isFinite(eps)) return true;
  let linf = 0, l2 = 0, l0 = 0;
  for (let j = 0; j < dim; j++) {
    const d = Math.abs(x[off + j] - x0[off + j]) / (scale ? scale[j] : 1);
    linf = Math.max(linf, d); l2 += d * d; if (d > 1e-12) l0++;
  }
  const size = norm === 'linf' ? linf : norm === 'l2' ? Math.sqrt(l2) : l0;
  return size <= eps * (1 + 1e-9) + 1e-12;
}

/**
 * Turns continuous iterates into valid records (bounds, rules, fixed fields, whole numbers) while
 * keeping as many of them adversarial as a small rounding search can:
 * 1. the plain rounding (toward the clean value inside an ε-ball, to the nearest integer without one);
 * 2. for rows that lost their adversarial status: each fractional integer field rounded in the
 *    direction of the margin gradient (the other way where that would leave the ball or the box);
 * 3. up to `greedy` rounds of one-unit moves on the integer field with the largest margin gain.
 * Returns the repaired rows (a new array); rows the search cannot keep adversarial get step 1's record.
 */
export function repairRows(target: AttackTarget, Xc: Float64Array, X0: Float64Array, rows: number, y: Int32Array, opts: RepairOptions = {}): Float64Array {
  const dim = target.dim, eps = opts.epsilon ?? Infinity, norm = opts.norm ?? 'linf', rowIdx = opts.rowIdx;
  const bounded = Number.isFinite(eps);
  const V = Float64Array.from(Xc);
  target.constrain(V, X0, rows, bounded ? 'toward' : 'nearest', rowIdx);
  if (bounded) for (let r = 0; r < rows; r++) projectBall(V, X0, target.scale, norm, eps, r * dim, dim);
  const dom = target.domain();
  if (!dom || !dom.integer.some(Boolean)) return V;
  const ok = fooled(target, V, rows, y, rowIdx);
  let todo: number[] = [];
  for (let r = 0; r < rows; r++) if (!ok[r]) todo.push(r);
  if (!todo.length) return V;
  // 2. Directed rounding from the continuous iterate.
  const Xt = gatherRows(Xc, todo, dim), X0t = gatherRows(X0, todo, dim), yt = Int32Array.from(todo, (r) => y[r]);
  const idx = compose(rowIdx, todo);
  target.constrain(Xt, X0t, todo.length, 'none', idx);
  const g = marginGradient(target, Xt, todo.length, yt, opts.eot ?? 1, idx);
  const cand = Float64Array.from(Xt);
  const s = target.scale;
  for (let a = 0; a < todo.length; a++) {
    for (let j = 0; j < dim; j++) {
      if (!dom.integer[j]) continue;
      const i = a * dim + j, v = cand[i];
      if (Number.isInteger(v)) continue;
      const up = Math.ceil(v), down = Math.floor(v);
      const first = g[i] > 0 ? up : down, second = first === up ? down : up;
      const fits = (w: number) => w >= dom.lo[j] && w <= dom.hi[j] && (!bounded || norm !== 'linf' || Math.abs(w - X0t[i]) <= eps * (s ? s[j] : 1) * (1 + 1e-9) + 1e-12);
      cand[i] = fits(first) ? first : fits(second) ? second : Math.round(X0t[i]);
    }
  }
  target.constrain(cand, X0t, todo.length, 'none', idx);
  const settle = (Xa: Float64Array): void => {
    // Rules may have moved a field to a non-integer bound; settle on whole numbers inside the ball.
    target.constrain(Xa, X0t, todo.length, bounded ? 'toward' : 'nearest', idx);
  };
  settle(cand);
  const accept = (Xa: Float64Array, ids: number[]): void => {
    const f = fooled(target, Xa, todo.length, yt, idx);
    for (let a = 0; a < todo.length; a++) {
      if (!f[a] || !inBall(Xa, X0t, s, a * dim, dim, norm, eps)) continue;
      V.set(Xa.subarray(a * dim, (a + 1) * dim), todo[a] * dim);
      ids.push(a);
    }
  };
  const won: number[] = [];
  accept(cand, won);
  // 3. Greedy unit moves for the rows still not adversarial.
  const rounds = opts.greedy ?? 3;
  const done = new Uint8Array(todo.length);
  for (const a of won) done[a] = 1;
  for (let round = 0; round < rounds && done.some((d) => !d); round++) {
    for (let a = 0; a < todo.length; a++) {
      if (done[a]) continue;
      let best = -1, gain = 0;
      for (let j = 0; j < dim; j++) {
        if (!dom.integer[j]) continue;
        const i = a * dim + j, step = Math.sign(g[i]);
        if (!step) continue;
        const w = cand[i] + step;
        if (w < dom.lo[j] || w > dom.hi[j]) continue;
        if (bounded && norm === 'linf' && Math.abs(w - X0t[i]) > eps * (s ? s[j] : 1) * (1 + 1e-9) + 1e-12) continue;
        if (Math.abs(g[i]) > gain) { gain = Math.abs(g[i]); best = j; }
      }
      if (best >= 0) cand[a * dim + best] += Math.sign(g[a * dim + best]);
    }
    settle(cand);
    const more: number[] = [];
    accept(cand, more);
    for (const a of more) done[a] = 1;
  }
  return V;
}

/**
 * The final search of a minimal-perturbation attack in the valid space: along the segment from the
 * clean record to each adversarial one, binary-search the smallest fraction t whose repaired record
 * (integer fields rounded toward the adversarial side) is still adversarial. Rows not adversarial at
 * t = 1 are left as they are. Returns new rows.
 */
export function shrinkToBoundary(target: AttackTarget, Xadv: Float64Array, X0: Float64Array, rows: number, y: Int32Array, rowIdx?: ArrayLike<number>, iterations = 10): Float64Array {
  const dim = target.dim, dom = target.domain();
  const best = Float64Array.from(Xadv);
  const ok = fooled(target, best, rows, y, rowIdx);
  const lo = new Float64Array(rows), hi = Float64Array.from({ length: rows }, (_, r) => (ok[r] ? 1 : 0));
  const live = Array.from({ length: rows }, (_, r) => r).filter((r) => ok[r]);
  if (!live.length) return best;
  const X0l = gatherRows(X0, live, dim), yl = Int32Array.from(live, (r) => y[r]), idx = compose(rowIdx, live);
  for (let it = 0; it < iterations; it++) {
    const cand = new Float64Array(live.length * dim);
    live.forEach((r, a) => {
      const t = (lo[r] + hi[r]) / 2;
      for (let j = 0; j < dim; j++) {
        const i = r * dim + j, x0 = X0[i], d = Xadv[i] - x0;
        let v = x0 + t * d;
        if (dom?.integer[j]) v = d > 0 ? Math.ceil(v - 1e-9) : Math.floor(v + 1e-9);
        cand[a * dim + j] = v;
      }
    });
    target.constrain(cand, X0l, live.length, 'none', idx);
    const f = fooled(target, cand, live.length, yl, idx);
    live.forEach((r, a) => {
      const t = (lo[r] + hi[r]) / 2;
      if (f[a]) { hi[r] = t; best.set(cand.subarray(a * dim, (a + 1) * dim), r * dim); } else lo[r] = t;
    });
  }
  return best;
}
