/**
 * Exhaustive enumeration of the 2^n assignments of the decision variables (n ≤ 24): the oracle for
 * tests and the exact answer for QAOA-sized problems.
 *
 * @example
 * import { bruteForce, maxcutProblem, cycleGraph } from 'qml6g';
 * bruteForce(maxcutProblem(cycleGraph(5))).objective;   // 4
 */
import { QmlError } from '../../core/errors.js';
import { quboValues } from '../qubo.js';
import { satisfied, type Problem } from '../problem.js';
import { solutionRecord, type Solution, type Solver } from './solver.js';

export const BRUTE_MAX = 24;

export function bruteForce(p: Problem): Solution {
  if (p.n > BRUTE_MAX) throw new QmlError(`exhaustive search over ${p.n} variables is 2^${p.n} assignments; the limit is ${BRUTE_MAX}`);
  const start = performance.now();
  const values = quboValues(p.objective);
  const N = 2 ** p.n, x = new Uint8Array(p.n);
  let best = -1, bestV = 0;
  const sign = p.sense === 'min' ? 1 : -1;
  for (let s = 0; s < N; s++) {
    const v = sign * values[s];
    if (best >= 0 && v >= bestV) continue;
    for (let i = 0; i < p.n; i++) x[i] = (s >>> i) & 1;
    if (p.constraints.every((c) => satisfied(c, x))) { best = s; bestV = v; }
  }
  if (best < 0) throw new QmlError(`contradictory constraints: no assignment of "${p.name}" satisfies every constraint`);
  for (let i = 0; i < p.n; i++) x[i] = (best >>> i) & 1;
  return solutionRecord(p, 'brute', x, { start, evaluations: N, proven: true });
}

export const brute: Solver = {
  name: 'brute',
  description: 'exhaustive enumeration (exact, n ≤ 24)',
  supports: (p) => (p.n <= BRUTE_MAX ? null : `${p.n} variables (limit ${BRUTE_MAX})`),
  solve: async (p) => bruteForce(p),
};
