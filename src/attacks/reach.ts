/**
 * Which rows can any valid change of the attacker's fields flip at all? The honest-evaluation check
 * "an unbounded attack flips ~100% of rows" (Carlini et al. 2019, §5) is only sound if rows that no
 * valid record can flip are set aside: under domain constraints (fixed fields, bounds, whole
 * numbers) some detections cannot be evaded by the attacker at any budget.
 *
 * - Exactly, for models whose log-probability differences are separable and monotone in every
 *   attack dimension: logistic regression behind the preprocessing pipeline (each raw column enters
 *   through one increasing per-column transform, the rest is affine). Then the least margin over the
 *   box of valid values sits at a vertex chosen per field by the sign of the margin's gradient, so
 *   evaluating one vertex per competing class decides reachability (and gives the optimal L∞ attack
 *   inside any ε-box). Derived-field rules (a ≤ b) couple fields; with them the answer is by search.
 * - By search, for every other model: constrained DeepFool and PGD without a budget, plus a corner
 *   search over the box (the gradient-sign vertex and random vertices at growing radii). A row no
 *   method flips is counted as out of reach *by search*, reported separately from the exact case.
 *
 * @example
 * import { reachability, RawTarget } from 'qml6g';
 * // const r = reachability(new RawTarget(det, rows, constraints, train), X0, y, n, { seed: 0 });
 * // r.outOfReach: rows no valid change flips; r.exact: whether that was solved or searched.
 */
import { Rng } from '../core/rng.js';
import { argmaxRows, runnerUp } from './attack.js';
import { fooled, repairRows } from './constrained.js';
import type { AttackTarget } from './target.js';
import { InputTarget, RawTarget } from './target.js';
import { DeepFool } from './evasion/deepfool.js';
import { PGD } from './evasion/pgd.js';
import { threatModel } from './threat.js';

/** The largest finite value used for a field without an upper (or lower) bound. */
const FAR = 1e15;

/** True when the target's margins are separable and monotone per attack dimension (see above). */
export function separableMonotone(target: AttackTarget): boolean {
  if (target instanceof RawTarget) return target.detector.model.type === 'logreg' && !target.domain().coupled;
  if (target instanceof InputTarget) return target.model.type === 'logreg';
  return false;
}

/**
 * For a separable monotone target: per row, the valid record inside the L∞ box of radius ε (∞: the
 * whole valid box) with the least margin to some other class, and whether it is misclassified. The
 * result is exact: no valid record in the box does better.
 */
export function exactLinearAttack(target: AttackTarget, X0: Float64Array, y: Int32Array, rows: number, epsilon: number): { X: Float64Array; flipped: Uint8Array } {
  const dim = target.dim, C = target.numClasses, dom = target.domain(), s = target.scale;
  const best = Float64Array.from(X0), flipped = new Uint8Array(rows);
  const bestMargin = new Float64Array(rows).fill(Infinity);
  const gy = target.gradLogProb(X0, rows, y);
  for (let k = 0; k < C; k++) {
    const cls = new Int32Array(rows).fill(k);
    const gk = target.gradLogProb(X0, rows, cls);
    const V = Float64Array.from(X0);
    const use: number[] = [];
    for (let r = 0; r < rows; r++) {
      if (y[r] === k) continue;
      use.push(r);
      for (let j = 0; j < dim; j++) {
        const i = r * dim + j, g = gk[i] - gy[i], sc = s ? s[j] : 1;
        let lo = Math.max(dom ? dom.lo[j] : -Infinity, X0[i] - epsilon * sc), hi = Math.min(dom ? dom.hi[j] : Infinity, X0[i] + epsilon * sc);
        if (dom?.integer[j]) { lo = Math.ceil(lo - 1e-9); hi = Math.floor(hi + 1e-9); }
        // The clean value may itself lie outside the declared box (a dirty record): it stays valid.
        lo = Math.min(lo, X0[i]); hi = Math.max(hi, X0[i]);
        V[i] = g > 0 ? (Number.isFinite(hi) ? hi : Math.max(X0[i], 0) + FAR * sc) : g < 0 ? (Number.isFinite(lo) ? lo : Math.min(X0[i], 0) - FAR * sc) : X0[i];
      }
    }
    if (!use.length) continue;
    const p = target.proba(V, rows);
    const pred = argmaxRows(p, rows, C);
    for (const r of use) {
      const m = Math.log(Math.max(p[r * C + y[r]], 1e-300)) - Math.log(Math.max(p[r * C + k], 1e-300));
      const f = pred[r] !== y[r] ? 1 : 0;
      if (f > flipped[r] || (f === flipped[r] && m < bestMargin[r])) {
        flipped[r] = f; bestMargin[r] = m;
        best.set(V.subarray(r * dim, (r + 1) * dim), r * dim);
      }
    }
  }
  return { X: best, flipped };
}

export interface Reachability {
  /** Rows correctly classified before the attack. */
  correct: number;
  /** Correct rows some valid change flips (found by the exact solution or by some search method). */
  reachable: number;
  /** Correct rows no valid change flips: proven (exact) or not found by any method (search). */
  outOfReach: number;
  exact: boolean;
  /** Per row: 1 if some valid record flips it. */
  reached: Uint8Array;
  /** Per row: the valid witness records (the clean record where none was found). */
  X: Float64Array;
  /** Which methods were used, in order. */
  methods: string[];
  /** Per row: the index in `methods` of the method that first reached it (−1: not reached). */
  via: Int8Array;
}

/** Corner search: the gradient-sign vertex and `random` random vertices of the valid box at growing radii. */
function cornerSearch(target: AttackTarget, X0: Float64Array, y: Int32Array, rows: number, todo: number[], rng: Rng, random: number): Map<number, Float64Array> {
  const dim = target.dim, dom = target.domain(), s = target.scale;
  const found = new Map<number, Float64Array>();
  if (!todo.length) return found;
  const X0t = new Float64Array(todo.length * dim);
  todo.forEach((r, a) => X0t.set(X0.subarray(r * dim, (r + 1) * dim), a * dim));
  const yt = Int32Array.from(todo, (r) => y[r]);
  const p0 = target.proba(X0t, todo.length, todo);
  const k = runnerUp(p0, yt, todo.length, target.numClasses);
  const gk = target.gradLogProb(X0t, todo.length, k, 1, todo), gy = target.gradLogProb(X0t, todo.length, yt, 1, todo);
  for (const radius of [1, 3, 10, 100, 1e4, FAR]) {
    for (let t = 0; t <= random; t++) {
      const live = todo.map((r, a) => ({ r, a })).filter((x) => !found.has(x.r));
      if (!live.length) return found;
      const V = new Float64Array(live.length * dim), V0 = new Float64Array(live.length * dim);
      live.forEach(({ a }, b) => {
        for (let j = 0; j < dim; j++) {
          const i = a * dim + j, sc = s ? s[j] : 1;
          const dir = t === 0 ? Math.sign(gk[i] - gy[i]) : rng.next() < 0.5 ? -1 : 1;
          let v = X0t[i] + dir * radius * sc;
          if (dom) v = Math.min(dom.hi[j], Math.max(dom.lo[j], v));
          if (dom?.integer[j]) v = Math.round(v);
          V[b * dim + j] = v; V0[b * dim + j] = X0t[i];
        }
      });
      const ids = live.map((x) => x.r);
      target.constrain(V, V0, live.length, 'nearest', ids);
      const f = fooled(target, V, live.length, Int32Array.from(ids, (r) => y[r]), ids);
      live.forEach(({ r }, b) => { if (f[b]) found.set(r, V.slice(b * dim, (b + 1) * dim)); });
    }
  }
  return found;
}

/**
 * Decides, per row, whether any valid change of the attacker's fields flips it: exactly for
 * separable monotone targets, otherwise by search (constrained DeepFool, PGD at a radius of `searchRadius` standard
 * deviations, and corner search). `known`: rows already flipped by the caller's unbounded attack
 * (DeepFool is then not run again).
 */
export function reachability(target: AttackTarget, X0: Float64Array, y: Int32Array, rows: number, opts: { seed?: number; steps?: number; random?: number; searchRadius?: number; known?: Uint8Array } = {}): Reachability {
  const dim = target.dim, C = target.numClasses;
  const clean = argmaxRows(target.proba(X0, rows), rows, C);
  const correctRows = Array.from({ length: rows }, (_, r) => r).filter((r) => clean[r] === y[r]);
  const reached = new Uint8Array(rows), X = Float64Array.from(X0), via = new Int8Array(rows).fill(-1);
  if (separableMonotone(target)) {
    const ex = exactLinearAttack(target, X0, y, rows, Infinity);
    for (const r of correctRows) if (ex.flipped[r]) { reached[r] = 1; via[r] = 0; X.set(ex.X.subarray(r * dim, (r + 1) * dim), r * dim); }
    const n = correctRows.filter((r) => reached[r]).length;
    return { correct: correctRows.length, reachable: n, outOfReach: correctRows.length - n, exact: true, reached, X, methods: ['exact vertex of the valid box (separable monotone model)'], via };
  }
  const methods: string[] = [];
  const rng = new Rng(opts.seed ?? 0);
  const take = (cand: Float64Array, label: string) => {
    methods.push(label);
    const f = fooled(target, cand, rows, y);
    for (const r of correctRows) if (!reached[r] && f[r]) { reached[r] = 1; via[r] = methods.length - 1; X.set(cand.subarray(r * dim, (r + 1) * dim), r * dim); }
  };
  if (opts.known) {
    // Rows the caller's own unbounded attack already flipped (its valid records are its business).
    methods.push('the unbounded attack under test');
    for (const r of correctRows) if (opts.known[r]) { reached[r] = 1; via[r] = 0; }
  } else {
    const unbounded = threatModel({ epsilon: Infinity, norm: 'l2', steps: opts.steps ?? 20 });
    take(new DeepFool(50).run({ target, X0, y, rows, threat: unbounded, rng }).X, 'constrained DeepFool (L2, no budget)');
  }
  const radius = opts.searchRadius ?? 50;
  const todo = correctRows.filter((r) => !reached[r]);
  if (todo.length) {
    const pgd = threatModel({ epsilon: radius, norm: 'linf', steps: opts.steps ?? 20, restarts: 2, earlyStop: true });
    const out = new PGD('pgd').run({ target, X0, y, rows, threat: pgd, rng }).X;
    take(repairRows(target, out, X0, rows, y, { norm: 'linf', epsilon: radius }), `constrained PGD (L∞, ε = ${radius} sd, 2 restarts)`);
  }
  const rest = correctRows.filter((r) => !reached[r]);
  if (rest.length) {
    methods.push(`corner search (gradient-sign and ${opts.random ?? 8} random vertices at radii 1 sd to unbounded)`);
    for (const [r, v] of cornerSearch(target, X0, y, rows, rest, rng, opts.random ?? 8)) { reached[r] = 1; via[r] = methods.length - 1; X.set(v, r * dim); }
  }
  const n = correctRows.filter((r) => reached[r]).length;
  return { correct: correctRows.length, reachable: n, outOfReach: correctRows.length - n, exact: false, reached, X, methods, via };
}
