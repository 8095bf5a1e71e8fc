/**
 * One `Solver` interface for every method: the same `Problem` in, the same `Solution` record out
 * (objective in the problem's sense, feasibility, violated constraints, best bound and gap, seconds,
 * evaluations, and a trace of the best objective over time for quality-against-time plots).
 *
 * @example
 * import { solverByName, maxcutProblem, cycleGraph } from 'qml6g';
 * const sol = await solverByName('sa').solve(maxcutProblem(cycleGraph(6)), { seed: 1 });
 * sol.objective;   // 6
 */
import { version } from '../../core/version.js';
import { evaluateAssignment, type Problem } from '../problem.js';

export interface SolveOptions {
  seed?: number;
  /** Wall-clock budget in seconds (heuristics stop, exact solvers report their gap). */
  timeLimit?: number;
  /** QAOA: depth, angle strategy, mixer, shots, CVaR level. */
  p?: number;
  angles?: 'fixed' | 'interp' | 'optimize';
  mixer?: 'x' | 'xy-ring' | 'xy-complete' | 'warm';
  shots?: number;
  cvar?: number;
  /** Penalty weight override (default: the automatic rule of problem.ts). */
  penalty?: number;
  /** Progress lines (stderr in the CLI). */
  log?: (msg: string) => void;
}

export interface Solution {
  solver: string;
  problem: string;
  /** Values of the n decision variables. */
  x: number[];
  objective: number;
  feasible: boolean;
  violated: string[];
  /** Best proven bound on the optimum in the problem's sense (null when the method proves nothing). */
  bound: number | null;
  /** |objective − bound| / max(1, |objective|); 0 when optimality is proven. */
  gap: number | null;
  proven: boolean;
  seconds: number;
  evaluations: number;
  /** [seconds, best objective so far] whenever the incumbent improved. */
  trace: Array<[number, number]>;
  seed: number;
  version: string;
  /** Method-specific results (QAOA: expectation, p, probability_optimal, angles, ...). */
  details: Record<string, unknown>;
}

export interface Solver {
  name: string;
  description: string;
  /** null when the solver handles the problem, else the reason it does not. */
  supports(p: Problem): string | null;
  solve(p: Problem, opts?: SolveOptions): Promise<Solution>;
}

/** Is a better than b in the problem's sense? */
export function better(p: Problem, a: number, b: number): boolean {
  return p.sense === 'min' ? a < b - 1e-9 : a > b + 1e-9;
}

export function gapOf(objective: number, bound: number | null): number | null {
  if (bound === null || !Number.isFinite(bound)) return null;
  return Math.abs(objective - bound) / Math.max(1, Math.abs(objective));
}

/** Builds the record for an assignment: evaluation, timing, bound and gap. */
export function solutionRecord(p: Problem, solver: string, x: ArrayLike<number>, o: { start: number; evaluations: number; trace?: Array<[number, number]>; bound?: number | null; proven?: boolean; seed?: number; details?: Record<string, unknown>; objective?: number }): Solution {
  const xs = Array.from({ length: p.n }, (_, i) => (x[i] ? 1 : 0));
  const ev = evaluateAssignment(p, xs);
  const objective = o.objective ?? ev.objective;
  const bound = o.proven && ev.feasible ? objective : o.bound ?? null;
  return {
    solver, problem: p.name, x: xs, objective, feasible: ev.feasible, violated: ev.violated,
    bound, gap: ev.feasible ? gapOf(objective, bound) : null, proven: !!o.proven && ev.feasible,
    seconds: (performance.now() - o.start) / 1000, evaluations: o.evaluations, trace: o.trace ?? [],
    seed: o.seed ?? 0, version: version(), details: o.details ?? {},
  };
}
