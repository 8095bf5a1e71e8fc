/**
 * The exact solver, one name for the method that fits the problem: DSATUR branch and bound for
 * colouring (chromatic number with proof, or zero conflicts proven when χ ≤ K), Specialised Russian
 * Doll Search for frequency assignment with the instance's cost (a weighted CSP whose pairwise tables are too
 * large to linearise), and HiGHS MILP for everything else. With a time limit each reports its gap.
 *
 * @example
 * import { exact, coloringProblem, mycielGraph, dsaturColoring } from 'qml6g';
 * const g = mycielGraph(3);
 * const s = await exact.solve(coloringProblem(g, dsaturColoring(g).used, 'chromatic'));
 * s.objective; s.proven;   // 4, true
 */
import { exactColoringSolve } from './coloring.js';
import { milpSolve } from './milp.js';
import { rdsSolve } from './wcsp-bnb.js';
import { wcspTabu } from './wcsp-tabu.js';
import { encodeFap } from '../builders/fap.js';
import type { Problem } from '../problem.js';
import { solutionRecord, type Solution, type SolveOptions, type Solver } from './solver.js';

export async function exactSolve(p: Problem, o: SolveOptions = {}): Promise<Solution> {
  if (p.data.kind === 'coloring') {
    const s = await exactColoringSolve(p, o);
    if (s) return s;
  }
  if (p.data.kind === 'fap' && p.data.mode === 'cost') {
    const start = performance.now();
    // A tabu-search incumbent caps every suffix search (its cost is an upper bound): the closer it is
    // to the optimum, the earlier the suffix optima reach it and the proof ends. On CELAR6-SUB0 the
    // proof takes ~20 s of CPU with a cap at the optimum and over ten minutes with a cap one above it.
    const w = p.data.instance;
    const tb = wcspTabu(w, { seed: o.seed ?? 0, steps: 500_000, ...(o.timeLimit ? { timeLimit: Math.max(0.2, o.timeLimit / 10) } : {}) });
    o.log?.(`exact: tabu-search incumbent cost ${tb.cost} after ${tb.steps} moves (${tb.seconds.toFixed(2)} s); Russian Doll Search proves or improves it`);
    const incumbent = tb.cost < w.top ? tb.assignment : undefined;
    const left = o.timeLimit === undefined ? undefined : Math.max(0.1, o.timeLimit - (performance.now() - start) / 1000);
    const r = rdsSolve(w, { timeLimit: left, log: o.log, incumbent });
    const x = encodeFap(p, r.assignment);
    return solutionRecord(p, 'exact', x, { start, evaluations: r.nodes, proven: r.proven, bound: r.lowerBound, trace: r.trace.length ? [[r.seconds, r.cost]] : [], details: { method: 'specialised-russian-doll-search', incumbent_from_tabu: incumbent ? tb.cost : null, suffix_optima: r.trace.map((t) => t[1]) } });
  }
  return milpSolve(p, o);
}

export const exact: Solver = {
  name: 'exact',
  description: 'exact: DSATUR branch and bound (colouring), Specialised Russian Doll Search (frequency assignment), HiGHS MILP (the rest)',
  supports: () => null,
  solve: (p, o) => exactSolve(p, o),
};
