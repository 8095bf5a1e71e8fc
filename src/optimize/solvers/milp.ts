/**
 * The exact solver for general problems: a mixed-integer linear program solved by HiGHS (Huangfu &
 * Hall 2018; the `highs` WebAssembly build, single-threaded). Products of binaries in the objective
 * are linearised (Fortet 1960; Glover & Woolsey 1974): y_ij ∈ [0, 1] stands for x_i·x_j with
 * y ≥ x_i + x_j − 1 where the (minimised) coefficient is positive and y ≤ x_i, y ≤ x_j where it is
 * negative, which is exact at every optimum. Linear constraints go in as rows. At the time limit
 * HiGHS's dual bound gives the gap.
 *
 * @example
 * import { milpSolve, maxcutProblem, cycleGraph } from 'qml6g';
 * const s = await milpSolve(maxcutProblem(cycleGraph(5)));
 * s.objective; s.proven;   // 4, true
 */
import { QmlError } from '../../core/errors.js';
import type { Problem } from '../problem.js';
import { solutionRecord, type Solution, type SolveOptions, type Solver } from './solver.js';

import type { Highs } from 'highs';

// The package ships an ES module whose default export is the loader, typed as CommonJS: cast once here.
type HighsModule = Highs;
let highsPromise: Promise<HighsModule> | null = null;

/** One WebAssembly instance per process (loading compiles the binary). */
export function loadHighs(): Promise<HighsModule> {
  if (!highsPromise) highsPromise = import('highs').then((m) => (m as unknown as { default: () => Promise<Highs> }).default());
  return highsPromise;
}

export async function milpSolve(p: Problem, o: SolveOptions = {}): Promise<Solution> {
  const start = performance.now();
  const highs = await loadHighs();
  const n = p.n, sign = p.sense === 'max' ? -1 : 1;
  const cost: number[] = p.objective.linear.map((c) => sign * c);
  const lower: number[] = new Array(n).fill(0), upper: number[] = new Array(n).fill(1);
  const integ: number[] = new Array(n).fill(1);
  const rows: Array<{ terms: Array<[number, number]>; lo: number; hi: number }> = [];
  const inf = highs.infinity;
  for (const [i, j, w0] of p.objective.quad) {
    const w = sign * w0, y = cost.length;
    cost.push(w); lower.push(0); upper.push(1); integ.push(0);
    if (w > 0) rows.push({ terms: [[y, 1], [i, -1], [j, -1]], lo: -1, hi: inf });
    else { rows.push({ terms: [[y, 1], [i, -1]], lo: -inf, hi: 0 }); rows.push({ terms: [[y, 1], [j, -1]], lo: -inf, hi: 0 }); }
  }
  for (const c of p.constraints) {
    rows.push({ terms: c.terms, lo: c.sense === '<=' ? -inf : c.rhs, hi: c.sense === '>=' ? inf : c.rhs });
  }
  const starts = [0], indices: number[] = [], values: number[] = [];
  for (const r of rows) { for (const [i, a] of r.terms) { indices.push(i); values.push(a); } starts.push(indices.length); }
  const model = highs.createModel({
    numCols: cost.length, numRows: rows.length, offset: sign * p.objective.offset,
    colCost: cost, colLower: lower, colUpper: upper,
    rowLower: rows.map((r) => r.lo), rowUpper: rows.map((r) => r.hi),
    matrix: { format: 'csr', numRows: rows.length, numCols: cost.length, starts, indices, values },
    integrality: integ as never,
  } as never);
  try {
    model.options.set({ output_flag: false, mip_rel_gap: 0, mip_abs_gap: 1e-9, ...(o.timeLimit ? { time_limit: o.timeLimit } : {}) } as never);
    model.run();
    const status = model.getModelStatus() as number;
    const S = highs.constants.modelStatus;
    if (status === S.infeasible) throw new QmlError(`contradictory constraints: HiGHS proves that no assignment of "${p.name}" satisfies every constraint`);
    const sol = model.getSolution();
    const hasSol = sol && sol.colValue && sol.colValue.length >= n && (status === S.optimal || status === S.timeLimit || status === S.interrupted || status === S.solutionLimit);
    if (!hasSol) throw new QmlError(`HiGHS stopped without a solution (model status ${status})`);
    const x = Array.from({ length: n }, (_, i) => (sol.colValue[i] > 0.5 ? 1 : 0));
    let bound: number | null = null;
    try { bound = sign * Number(model.info.get('mip_dual_bound')); } catch { bound = null; }
    const proven = status === S.optimal;
    let nodes = 0;
    try { nodes = Number(model.info.get('mip_node_count')); } catch { nodes = 0; }
    return solutionRecord(p, 'exact', x, { start, evaluations: nodes, proven, bound: proven ? null : bound !== null && Number.isFinite(bound) ? bound : null, trace: [[(performance.now() - start) / 1000, 0]], details: { method: 'milp-highs', status: proven ? 'optimal' : 'time limit', columns: cost.length, rows: rows.length } });
  } finally {
    model.dispose();
  }
}

export const milp: Solver = {
  name: 'milp',
  description: 'MILP by HiGHS (WebAssembly) with linearised products',
  supports: () => null,
  solve: async (p, o) => {
    const s = await milpSolve(p, o);
    s.trace = [[s.seconds, s.objective]];
    return s;
  },
};
