/**
 * The solver registry: a new solver is one file implementing `Solver` and one entry here.
 *
 * @example
 * import { solverNames, solverByName } from 'qml6g';
 * solverNames();              // ['brute', 'dsatur', 'exact', 'greedy', 'milp', 'qaoa', 'rqaoa', 'sa', 'tabu', 'uplink-greedy']
 * solverByName('tabu').description;
 */
import { QmlError } from '../../core/errors.js';
import type { Problem } from '../problem.js';
import { brute } from './brute.js';
import { dsatur, greedyColor } from './coloring.js';
import { exact } from './exact.js';
import { greedyDescent, sa, tabu } from './heuristics.js';
import { milp } from './milp.js';
import { qaoa, rqaoaSolver } from './qaoa.js';
import { uplinkGreedy } from './uplink.js';
import type { Solver } from './solver.js';

/** 'greedy' is the problem's own greedy: sequential colouring for graphs, steepest descent otherwise. */
const greedy: Solver = {
  name: 'greedy',
  description: 'greedy: largest-first colouring for colouring problems, else constructive start + steepest descent',
  supports: () => null,
  solve: (p: Problem, o) => (p.kind === 'coloring' ? greedyColor.solve(p, o) : greedyDescent(p, o)),
};

const registry: Record<string, Solver> = { brute, dsatur, exact, greedy, milp, qaoa, rqaoa: rqaoaSolver, sa, tabu, 'uplink-greedy': uplinkGreedy };

export function registerSolver(s: Solver): void {
  registry[s.name] = s;
}

export function solverNames(): string[] {
  return Object.keys(registry).sort();
}

export function solverByName(name: string): Solver {
  const s = registry[name];
  if (!s) throw new QmlError(`unknown solver "${name}" (known: ${solverNames().join(', ')})`);
  return s;
}
