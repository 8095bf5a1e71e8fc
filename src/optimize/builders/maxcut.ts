/**
 * MaxCut: one binary variable per vertex (its side); maximise Σ_{uv} w_uv·(x_u + x_v − 2·x_u·x_v),
 * the total weight of the edges whose ends differ.
 *
 * @example
 * import { maxcutProblem, cycleGraph, evaluateAssignment } from 'qml6g';
 * const p = maxcutProblem(cycleGraph(4));
 * evaluateAssignment(p, [1, 0, 1, 0]).objective;   // 4: every edge of the 4-cycle cut
 */
import { QuboBuilder } from '../qubo.js';
import { edgeWeight, type Graph } from '../graph.js';
import { makeProblem, type Problem } from '../problem.js';

export function maxcutProblem(g: Graph, name = g.name ?? `maxcut-${g.n}`): Problem {
  const b = new QuboBuilder(g.n);
  g.edges.forEach(([u, v], k) => {
    const w = edgeWeight(g, k);
    b.addLinear(u, w).addLinear(v, w).addQuad(u, v, -2 * w);
  });
  return makeProblem({ kind: 'maxcut', name, sense: 'max', objective: b.build(), data: { kind: 'maxcut', graph: g } });
}

/** Cut weight of a side assignment. */
export function cutValue(g: Graph, x: ArrayLike<number>): number {
  let c = 0;
  g.edges.forEach(([u, v], k) => { if ((x[u] ? 1 : 0) !== (x[v] ? 1 : 0)) c += edgeWeight(g, k); });
  return c;
}
