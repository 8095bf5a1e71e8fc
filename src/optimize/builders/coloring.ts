/**
 * Graph colouring, one-hot: x_{v·K + c} = 1 when vertex v takes colour c (exactly one per vertex).
 *
 * - mode 'conflicts' (K fixed): minimise the number of edges whose ends share a colour
 *   (Σ_edges Σ_c x_uc·x_vc); 0 means a proper K-colouring.
 * - mode 'chromatic': K colour-used variables y_c follow the n·K assignment variables; minimise
 *   Σ y_c subject to x_vc ≤ y_c and x_uc + x_vc ≤ 1 on every edge (the assignment MILP model;
 *   Méndez-Díaz & Zabala 2006 discuss it), with y_c ≥ y_{c+1} to break colour symmetry.
 *
 * @example
 * import { coloringProblem, cycleGraph, evaluateAssignment } from 'qml6g';
 * const p = coloringProblem(cycleGraph(3), 3);                       // 9 variables
 * evaluateAssignment(p, [1,0,0, 0,1,0, 0,0,1]).objective;                      // 0 conflicts
 */
import { QmlError } from '../../core/errors.js';
import { QuboBuilder } from '../qubo.js';
import type { Graph } from '../graph.js';
import { makeProblem, oneHotConstraint, type LinearConstraint, type Problem } from '../problem.js';

export function coloringProblem(g: Graph, colors: number, mode: 'conflicts' | 'chromatic' = 'conflicts', name = g.name ?? `coloring-${g.n}`): Problem {
  if (!Number.isInteger(colors) || colors < 1) throw new QmlError(`--colors must be a positive integer, got ${colors}`);
  const K = colors, nx = g.n * K, n = mode === 'chromatic' ? nx + K : nx;
  const b = new QuboBuilder(n);
  const constraints: LinearConstraint[] = [];
  const oneHot: number[][] = [];
  for (let v = 0; v < g.n; v++) {
    const grp = Array.from({ length: K }, (_, c) => v * K + c);
    oneHot.push(grp);
    constraints.push(oneHotConstraint(`vertex ${v} has one colour`, grp));
  }
  if (mode === 'conflicts') {
    for (const [u, v] of g.edges) for (let c = 0; c < K; c++) b.addQuad(u * K + c, v * K + c, 1);
  } else {
    for (let c = 0; c < K; c++) b.addLinear(nx + c, 1);
    for (const [u, v] of g.edges) for (let c = 0; c < K; c++) constraints.push({ name: `edge ${u}-${v} colour ${c}`, terms: [[u * K + c, 1], [v * K + c, 1]], sense: '<=', rhs: 1 });
    for (let v = 0; v < g.n; v++) for (let c = 0; c < K; c++) constraints.push({ name: `colour ${c} used by ${v}`, terms: [[v * K + c, 1], [nx + c, -1]], sense: '<=', rhs: 0 });
    for (let c = 0; c + 1 < K; c++) constraints.push({ name: `colour ${c + 1} after ${c}`, terms: [[nx + c + 1, 1], [nx + c, -1]], sense: '<=', rhs: 0 });
  }
  return makeProblem({ kind: 'coloring', name, sense: 'min', objective: b.build(), constraints, oneHot, data: { kind: 'coloring', graph: g, colors: K, mode } });
}

/** Colour of each vertex from a one-hot assignment (−1 where the group is not one-hot). */
export function decodeColors(g: Graph, K: number, x: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let v = 0; v < g.n; v++) {
    let c = -1, ones = 0;
    for (let k = 0; k < K; k++) if (x[v * K + k]) { c = k; ones++; }
    out.push(ones === 1 ? c : -1);
  }
  return out;
}

/** One-hot assignment (and colour-used flags in chromatic mode) from a colour per vertex. */
export function encodeColors(p: Problem, colors: ArrayLike<number>): Uint8Array {
  if (p.data.kind !== 'coloring') throw new QmlError('not a colouring problem');
  const { graph, colors: K, mode } = p.data;
  const x = new Uint8Array(p.n);
  for (let v = 0; v < graph.n; v++) { x[v * K + colors[v]] = 1; if (mode === 'chromatic') x[graph.n * K + colors[v]] = 1; }
  if (mode === 'chromatic') {
    // Symmetry constraints want used colours first: relabel the colours in order of first use.
    let used = 0;
    for (let c = 0; c < K; c++) if (x[graph.n * K + c]) used++;
    if (used && !Array.from({ length: used }, (_, c) => x[graph.n * K + c]).every(Boolean)) {
      const map = new Map<number, number>();
      for (let v = 0; v < graph.n; v++) if (!map.has(colors[v])) map.set(colors[v], map.size);
      return encodeColors(p, Array.from({ length: graph.n }, (_, v) => map.get(colors[v])!));
    }
  }
  return x;
}

/** Edges whose ends share a colour. */
export function colorConflicts(g: Graph, colors: ArrayLike<number>): number {
  let c = 0;
  for (const [u, v] of g.edges) if (colors[u] === colors[v]) c++;
  return c;
}
