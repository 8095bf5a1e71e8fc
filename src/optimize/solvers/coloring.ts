/**
 * Graph-colouring methods on the native graph of a colouring problem:
 *
 * - greedy sequential colouring in largest-degree-first order (Welsh & Powell 1967);
 * - DSATUR (Brélaz, "New methods to color the vertices of a graph", CACM 22, 1979): the uncoloured
 *   vertex with the most distinct neighbour colours (ties: most uncoloured neighbours) takes the
 *   smallest free colour;
 * - exact DSATUR branch and bound (Brélaz 1979, as refined by Sewell 1996 and San Segundo 2012):
 *   the same vertex choice, every feasible colour up to the incumbent − 1, a greedy maximum clique
 *   coloured first as the lower bound and symmetry breaker. Returns the chromatic number with a
 *   proof, or the best colouring and the bound at the time limit.
 *
 * With a fixed number of colours K (conflicts mode), a colouring that needs more than K colours is
 * folded back: each vertex of colour ≥ K takes the colour with the fewest conflicting neighbours.
 *
 * @example
 * import { dsaturColoring, exactColoring, mycielGraph } from 'qml6g';
 * dsaturColoring(mycielGraph(3)).colors;          // a proper colouring
 * exactColoring(mycielGraph(3)).chromatic;        // 4, proven
 */
import { adjacency, type Graph } from '../graph.js';
import { colorConflicts, encodeColors } from '../builders/coloring.js';
import type { Problem } from '../problem.js';
import { solutionRecord, type Solution, type Solver } from './solver.js';

export function greedyColoring(g: Graph): number[] {
  const adj = adjacency(g);
  const order = Array.from({ length: g.n }, (_, v) => v).sort((a, b) => adj[b].length - adj[a].length || a - b);
  const color = new Array<number>(g.n).fill(-1);
  for (const v of order) color[v] = smallestFree(adj[v], color);
  return color;
}

function smallestFree(nbrs: number[], color: number[]): number {
  const used = new Set<number>();
  for (const u of nbrs) if (color[u] >= 0) used.add(color[u]);
  let c = 0;
  while (used.has(c)) c++;
  return c;
}

export function dsaturColoring(g: Graph): { colors: number[]; used: number } {
  const adj = adjacency(g), n = g.n;
  const color = new Array<number>(n).fill(-1);
  const sat: Array<Set<number>> = Array.from({ length: n }, () => new Set());
  for (let step = 0; step < n; step++) {
    let v = -1;
    for (let u = 0; u < n; u++) {
      if (color[u] >= 0) continue;
      if (v < 0 || sat[u].size > sat[v].size || (sat[u].size === sat[v].size && adj[u].length > adj[v].length)) v = u;
    }
    let c = 0;
    while (sat[v].has(c)) c++;
    color[v] = c;
    for (const u of adj[v]) sat[u].add(c);
  }
  return { colors: color, used: Math.max(...color) + 1 };
}

/** A maximal clique grown greedily from each vertex (largest kept): a lower bound on χ. */
export function greedyClique(g: Graph): number[] {
  const adj = adjacency(g).map((a) => new Set(a));
  let best: number[] = [];
  for (let s = 0; s < g.n; s++) {
    const clique = [s];
    const cand = [...adj[s]].sort((a, b) => adj[b].size - adj[a].size);
    for (const v of cand) if (clique.every((u) => adj[v].has(u))) clique.push(v);
    if (clique.length > best.length) best = clique;
  }
  return best;
}

export interface ExactColoringResult { colors: number[]; chromatic: number; lowerBound: number; proven: boolean; nodes: number }

export function exactColoring(g: Graph, o: { timeLimit?: number; initial?: number[] } = {}): ExactColoringResult {
  const n = g.n, adj = adjacency(g);
  const deadline = o.timeLimit === undefined ? Infinity : performance.now() + 1000 * o.timeLimit;
  const start = o.initial ?? dsaturColoring(g).colors;
  let best = [...start], ub = Math.max(...best) + 1;
  const clique = greedyClique(g), lb = clique.length;
  const color = new Int32Array(n).fill(-1);
  // satCount[v][c]: neighbours of v with colour c; sat[v]: number of distinct such colours.
  const satCount = Array.from({ length: n }, () => new Int32Array(n + 1));
  const sat = new Int32Array(n);
  const assign = (v: number, c: number) => {
    color[v] = c;
    for (const u of adj[v]) if (satCount[u][c]++ === 0) sat[u]++;
  };
  const unassign = (v: number) => {
    const c = color[v];
    for (const u of adj[v]) if (--satCount[u][c] === 0) sat[u]--;
    color[v] = -1;
  };
  clique.forEach((v, k) => assign(v, k));
  let nodes = 0, timedOut = false;
  const search = (colored: number, used: number): void => {
    if (ub <= lb || timedOut) return;
    if ((++nodes & 1023) === 0 && performance.now() > deadline) { timedOut = true; return; }
    if (colored === n) {
      if (used < ub) { ub = used; best = Array.from(color); }
      return;
    }
    let v = -1;
    for (let u = 0; u < n; u++) {
      if (color[u] >= 0) continue;
      if (v < 0 || sat[u] > sat[v] || (sat[u] === sat[v] && adj[u].length > adj[v].length)) v = u;
    }
    // A vertex whose neighbours already use ub − 1 colours forces ≥ ub: prune.
    if (sat[v] >= ub - 1 && used >= ub - 1) return;
    for (let c = 0; c <= used && c < ub - 1; c++) {
      if (satCount[v][c] > 0) continue;
      assign(v, c);
      search(colored + 1, c === used ? used + 1 : used);
      unassign(v);
      if (ub <= lb || timedOut) return;
    }
  };
  search(clique.length, clique.length);
  const proven = !timedOut;
  return { colors: best, chromatic: ub, lowerBound: proven ? ub : lb, proven, nodes };
}

/** Folds a colouring into K colours, each surplus vertex taking its least-conflicting colour. */
export function foldColors(g: Graph, colors: number[], K: number): number[] {
  const adj = adjacency(g), out = [...colors];
  for (let v = 0; v < g.n; v++) {
    if (out[v] < K) continue;
    const count = new Array<number>(K).fill(0);
    for (const u of adj[v]) if (out[u] < K) count[out[u]]++;
    out[v] = count.indexOf(Math.min(...count));
  }
  return out;
}

function colorSolution(p: Problem, name: string, colors: number[], start: number, extra: { proven?: boolean; bound?: number | null; evaluations?: number; details?: Record<string, unknown> } = {}): Solution {
  if (p.data.kind !== 'coloring') throw new Error('not a colouring problem');
  const { graph, colors: K, mode } = p.data;
  const used = Math.max(...colors) + 1;
  const c = mode === 'conflicts' && used > K ? foldColors(graph, colors, K) : colors;
  const x = mode === 'chromatic' && used > K ? null : encodeColors(p, c);
  const details = { colors_used: Math.max(...c) + 1, conflicts: colorConflicts(graph, c), coloring: c, ...extra.details };
  if (!x) {
    // More colours than the problem allows: report it as infeasible with the real count.
    const rec = solutionRecord(p, name, new Uint8Array(p.n), { start, evaluations: extra.evaluations ?? 0, details });
    return { ...rec, objective: used, feasible: false, violated: [`needs ${used} colours, the problem allows ${K}`] };
  }
  const trace: Array<[number, number]> = [[(performance.now() - start) / 1000, mode === 'chromatic' ? Math.max(...c) + 1 : colorConflicts(graph, c)]];
  return solutionRecord(p, name, x, { start, evaluations: extra.evaluations ?? 0, proven: extra.proven, bound: extra.bound, trace, details });
}

export const dsatur: Solver = {
  name: 'dsatur',
  description: 'DSATUR colouring (Brélaz 1979)',
  supports: (p) => (p.kind === 'coloring' ? null : 'DSATUR colours graphs'),
  solve: async (p) => {
    const start = performance.now();
    if (p.data.kind !== 'coloring') throw new Error('not a colouring problem');
    return colorSolution(p, 'dsatur', dsaturColoring(p.data.graph).colors, start, { evaluations: p.data.graph.n });
  },
};

export const greedyColor: Solver = {
  name: 'greedy',
  description: 'largest-degree-first sequential colouring (Welsh & Powell 1967)',
  supports: (p) => (p.kind === 'coloring' ? null : 'graph colouring only'),
  solve: async (p) => {
    const start = performance.now();
    if (p.data.kind !== 'coloring') throw new Error('not a colouring problem');
    return colorSolution(p, 'greedy', greedyColoring(p.data.graph), start, { evaluations: p.data.graph.n });
  },
};

/** Exact colouring: chromatic number with proof; in conflicts mode 0 conflicts proven when χ ≤ K. */
export async function exactColoringSolve(p: Problem, o: { timeLimit?: number } = {}): Promise<Solution | null> {
  if (p.data.kind !== 'coloring') return null;
  const start = performance.now();
  const r = exactColoring(p.data.graph, o);
  const { mode, colors: K } = p.data;
  if (mode === 'chromatic') {
    return colorSolution(p, 'exact', r.colors, start, { proven: r.proven, bound: r.lowerBound, evaluations: r.nodes, details: { method: 'dsatur-branch-and-bound', chromatic_number: r.proven ? r.chromatic : null, clique_bound: greedyClique(p.data.graph).length } });
  }
  if (r.chromatic <= K) return colorSolution(p, 'exact', r.colors, start, { proven: true, evaluations: r.nodes, details: { method: 'dsatur-branch-and-bound', chromatic_number: r.proven ? r.chromatic : null } });
  return null;
}
