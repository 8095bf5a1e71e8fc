/**
 * One problem record for every solver: binary variables, an objective (a QUBO in the problem's own
 * sense, min or max), linear constraints, exactly-one groups (for XY mixers and one-hot decoding),
 * and the native instance data that problem-specific solvers (DSATUR, the WCSP branch and bound,
 * the uplink baseline) read. Plain serialisable data: builders make it, solvers execute it.
 *
 * Constraints become penalties in `penalized(problem)` with an automatic weight:
 *
 *   P = R / δ² + 1,   R = Σ|objective coefficients| (≥ max f − min f over all assignments),
 *   δ = the grid of the constraint data (1 for integer coefficients; else the smallest 10^-k making
 *       every coefficient and right-hand side an integer multiple),
 *
 * and a ≤ / ≥ constraint gets binary slack variables on the same grid, so every violated constraint
 * adds at least P·δ² > R. Hence every infeasible assignment costs more than every feasible optimum:
 * a feasible optimum stays optimal (and, when a feasible point exists, every minimiser of the penalised
 * QUBO is feasible). The rule is conservative; a smaller weight can help heuristics and QAOA, and
 * `penalized(problem, { penalty })` accepts one (the record then says the guarantee is off).
 *
 * @example
 * import { makeProblem, penalized, evaluateAssignment, QuboBuilder } from 'qml6g';
 * // maximise x0 + x1 + x2 subject to x0 + x1 + x2 ≤ 2
 * const obj = new QuboBuilder(3).addLinear(0, 1).addLinear(1, 1).addLinear(2, 1).build();
 * const p = makeProblem({ kind: 'qubo', name: 'toy', sense: 'max', objective: obj,
 *   constraints: [{ name: 'budget', terms: [[0, 1], [1, 1], [2, 1]], sense: '<=', rhs: 2 }] });
 * const pq = penalized(p);              // pq.qubo: minimised, 3 + 2 slack variables... pq.penalty = 4
 * evaluateAssignment(p, [1, 1, 1]);               // { objective: 3, feasible: false, violated: ['budget'] }
 */
import { QmlError } from '../core/errors.js';
import { QuboBuilder, quboRange, quboValue, type Qubo } from './qubo.js';
import type { Graph } from './graph.js';
import type { WcspInstance } from './loaders/wcsp.js';

export type ProblemKind = 'maxcut' | 'coloring' | 'fap' | 'uplink' | 'routing' | 'tasks' | 'qubo';

export interface LinearConstraint {
  name: string;
  /** [variable, coefficient] */
  terms: Array<[number, number]>;
  sense: '=' | '<=' | '>=';
  rhs: number;
}

/** Native data of a problem kind, for problem-specific solvers and for decoding. */
export type ProblemData =
  | { kind: 'maxcut'; graph: Graph }
  | { kind: 'coloring'; graph: Graph; colors: number; mode: 'conflicts' | 'chromatic' }
  | { kind: 'fap'; instance: WcspInstance; mode: 'cost' | 'span' }
  | { kind: 'uplink'; gain: number[][]; powers: number[]; noise: number; clients: number; channels: number; bandwidth: number; dataBits: number[]; deadline: number }
  | { kind: 'routing'; nodes: number; links: Array<{ u: number; v: number; capacity: number; latency: number; satellite: boolean }>; demands: Array<{ src: number; dst: number; volume: number }>; paths: number[][][] }
  | { kind: 'tasks'; agents: number; tasks: number; cost: number[][]; load: number[]; capacity: number[]; deadline: number[]; arrival: number[][] }
  | { kind: 'qubo' };

export interface Problem {
  kind: ProblemKind;
  name: string;
  sense: 'min' | 'max';
  n: number;
  /** The objective in the problem's sense, over the n decision variables. */
  objective: Qubo;
  constraints: LinearConstraint[];
  /** Groups of variables of which exactly one is 1 (each also listed as a constraint). */
  oneHot: number[][];
  data: ProblemData;
  /** The optimum when known: value, whether proven, and where it comes from. */
  known?: { value: number; proven: boolean; source: string };
}

export function makeProblem(p: { kind: ProblemKind; name: string; sense: 'min' | 'max'; objective: Qubo; constraints?: LinearConstraint[]; oneHot?: number[][]; data?: ProblemData; known?: Problem['known'] }): Problem {
  const n = p.objective.n;
  const constraints = p.constraints ?? [];
  for (const c of constraints) {
    for (const [i, a] of c.terms) {
      if (!Number.isInteger(i) || i < 0 || i >= n) throw new QmlError(`constraint "${c.name}" uses variable ${i}, outside 0..${n - 1}`);
      if (!Number.isFinite(a)) throw new QmlError(`constraint "${c.name}" has a non-finite coefficient`);
    }
    if (!Number.isFinite(c.rhs)) throw new QmlError(`constraint "${c.name}" has a non-finite right-hand side`);
    const [lo, hi] = activityRange(c);
    if ((c.sense === '=' && (c.rhs < lo - 1e-9 || c.rhs > hi + 1e-9)) || (c.sense === '<=' && lo > c.rhs + 1e-9) || (c.sense === '>=' && hi < c.rhs - 1e-9)) {
      throw new QmlError(`contradictory constraints: "${c.name}" (${c.sense} ${c.rhs}) cannot hold for any assignment (its left side ranges over [${lo}, ${hi}])`);
    }
  }
  return { kind: p.kind, name: p.name, sense: p.sense, n, objective: p.objective, constraints, oneHot: p.oneHot ?? [], data: p.data ?? { kind: 'qubo' }, ...(p.known ? { known: p.known } : {}) };
}

/** Exactly one of `vars`. */
export function oneHotConstraint(name: string, vars: number[]): LinearConstraint {
  return { name, terms: vars.map((v) => [v, 1]), sense: '=', rhs: 1 };
}

/** At most k of `vars`. */
export function atMostConstraint(name: string, vars: number[], k: number): LinearConstraint {
  return { name, terms: vars.map((v) => [v, 1]), sense: '<=', rhs: k };
}

/** Smallest and largest value of Σ a_i x_i over binary x. */
export function activityRange(c: LinearConstraint): [number, number] {
  let lo = 0, hi = 0;
  for (const [, a] of c.terms) { if (a < 0) lo += a; else hi += a; }
  return [lo, hi];
}

export function constraintActivity(c: LinearConstraint, x: ArrayLike<number>): number {
  let s = 0;
  for (const [i, a] of c.terms) if (x[i]) s += a;
  return s;
}

const FEAS_TOL = 1e-9;

export function satisfied(c: LinearConstraint, x: ArrayLike<number>): boolean {
  const s = constraintActivity(c, x);
  return c.sense === '=' ? Math.abs(s - c.rhs) <= FEAS_TOL : c.sense === '<=' ? s <= c.rhs + FEAS_TOL : s >= c.rhs - FEAS_TOL;
}

export interface Evaluation { objective: number; feasible: boolean; violated: string[] }

/** The objective (problem sense) and the constraints an assignment of the n decision variables violates. */
export function evaluateAssignment(p: Problem, x: ArrayLike<number>): Evaluation {
  const violated: string[] = [];
  for (const c of p.constraints) if (!satisfied(c, x)) violated.push(c.name);
  return { objective: quboValue(p.objective, x), feasible: violated.length === 0, violated };
}

/** The data grid δ of a set of constraints: the largest 10^-k (k ≤ 9) making every number an integer multiple. */
export function constraintGrid(cs: LinearConstraint[]): number {
  for (let k = 0; k <= 9; k++) {
    const s = 10 ** k;
    const ok = cs.every((c) => [c.rhs, ...c.terms.map((t) => t[1])].every((v) => Math.abs(v * s - Math.round(v * s)) < 1e-9 * Math.max(1, Math.abs(v * s))));
    if (ok) return 10 ** -k;
  }
  throw new QmlError('constraint coefficients need more than 9 decimal digits; rescale them');
}

export interface PenalizedQubo {
  /** Minimised: objective (negated for max problems) + penalty·Σ (constraint residual)². */
  qubo: Qubo;
  penalty: number;
  /** True when the automatic rule chose the weight (the feasible optimum is then provably optimal). */
  automatic: boolean;
  /** Slack variables appended after the n decision variables: constraint name, first index, coefficients. */
  slack: Array<{ name: string; first: number; coefs: number[] }>;
  grid: number;
}

/** The automatic penalty weight of the rule in the header: R/δ² + 1. */
export function automaticPenalty(p: Problem): number {
  if (!p.constraints.length) return 0;
  const d = constraintGrid(p.constraints);
  return quboRange(p.objective) / (d * d) + 1;
}

/** The penalised QUBO over the decision variables plus slack variables (see the header for the rule). */
export function penalized(p: Problem, opts: { penalty?: number; skipOneHot?: boolean } = {}): PenalizedQubo {
  // With an XY mixer the one-hot constraints hold by construction: they get no penalty (and no weight).
  if (opts.skipOneHot && p.oneHot.length) {
    const groupNames = new Set(p.constraints.filter((c) => c.sense === '=' && c.rhs === 1 && c.terms.every((t) => t[1] === 1) && p.oneHot.some((g) => g.length === c.terms.length && c.terms.every((t, k) => t[0] === g[k]))).map((c) => c.name));
    return penalized({ ...p, constraints: p.constraints.filter((c) => !groupNames.has(c.name)) }, { penalty: opts.penalty });
  }
  const grid = p.constraints.length ? constraintGrid(p.constraints) : 1;
  const automatic = opts.penalty === undefined;
  const P = automatic ? automaticPenalty(p) : opts.penalty!;
  if (!(P >= 0) || !Number.isFinite(P)) throw new QmlError(`penalty weight must be a finite non-negative number, got ${opts.penalty}`);
  // Slack counts first, so the builder knows the total variable count.
  const slackPlan: Array<{ c: LinearConstraint; coefs: number[] }> = [];
  let total = p.n;
  const slack: PenalizedQubo['slack'] = [];
  for (const c of p.constraints) {
    if (c.sense === '=' || pairRule(c)) { slackPlan.push({ c, coefs: [] }); continue; }
    const [lo, hi] = activityRange(c);
    // Largest slack needed: b − min(a·x) for ≤, max(a·x) − b for ≥, in grid units.
    const span = Math.round((c.sense === '<=' ? c.rhs - lo : hi - c.rhs) / grid);
    const coefs: number[] = [];
    // Bounded binary expansion: 1, 2, 4, ..., and a last coefficient so the total is exactly `span`.
    let rest = span;
    for (let b = 1; rest > 0; b *= 2) { const k = Math.min(b, rest); coefs.push(k * grid); rest -= k; }
    slackPlan.push({ c, coefs });
    if (coefs.length) slack.push({ name: c.name, first: total, coefs });
    total += coefs.length;
  }
  const b = new QuboBuilder(total).addQubo({ ...p.objective, n: total, linear: [...p.objective.linear, ...new Array(total - p.n).fill(0)] }, p.sense === 'max' ? -1 : 1);
  let next = p.n;
  for (const { c, coefs } of slackPlan) {
    if (P === 0) { next += coefs.length; continue; }
    const rule = pairRule(c);
    if (rule === 'conflict') { b.addQuad(c.terms[0][0], c.terms[1][0], P); continue; }
    if (rule === 'implies') {
      // x ≤ y: P·x·(1 − y), zero when feasible and P when violated, no slack needed.
      const x = c.terms.find((t) => t[1] === 1)![0], y = c.terms.find((t) => t[1] === -1)![0];
      b.addLinear(x, P); b.addQuad(x, y, -P);
      continue;
    }
    // a·x + s = b for ≤ ; a·x − s = b for ≥ .
    const sign = c.sense === '>=' ? -1 : 1;
    const terms: Array<[number, number]> = [...c.terms, ...coefs.map((k, t) => [next + t, sign * k] as [number, number])];
    next += coefs.length;
    b.addSquaredLinear(terms, c.rhs, P);
  }
  return { qubo: b.build(), penalty: P, automatic, slack, grid };
}

/**
 * Two-variable inequalities with an exact quadratic penalty and no slack: x_i + x_j ≤ 1 (conflict,
 * P·x_i·x_j) and x_i − x_j ≤ 0 (implication, P·x_i·(1 − x_j)). Both cost exactly P per violation, as
 * the rule in the header needs.
 */
export function pairRule(c: LinearConstraint): 'conflict' | 'implies' | null {
  if (c.terms.length !== 2 || c.sense !== '<=' || c.terms[0][0] === c.terms[1][0]) return null;
  const [a, b] = [c.terms[0][1], c.terms[1][1]];
  if (a === 1 && b === 1 && c.rhs === 1) return 'conflict';
  if (((a === 1 && b === -1) || (a === -1 && b === 1)) && c.rhs === 0) return 'implies';
  return null;
}

/** The slack values that best satisfy each inequality for the given decision variables (for warm starts and repair). */
export function completeSlack(p: Problem, pq: PenalizedQubo, x: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(pq.qubo.n);
  for (let i = 0; i < p.n; i++) out[i] = x[i] ? 1 : 0;
  for (const { name, first, coefs } of pq.slack) {
    const c = p.constraints.find((k) => k.name === name)!;
    const act = constraintActivity(c, x);
    let s = Math.max(0, (c.sense === '<=' ? c.rhs - act : act - c.rhs));
    // Coefficients are δ·(1, 2, 4, ..., r): take the last one first, then the binary digits of the rest,
    // which reaches every multiple of δ up to the total.
    for (let t = coefs.length - 1; t >= 0; t--) {
      if (s >= coefs[t] - 1e-9 * pq.grid) { out[first + t] = 1; s -= coefs[t]; }
    }
  }
  return out;
}
