/**
 * Graphs as plain data: vertex count and an edge list (0-based, each undirected edge once, u < v),
 * with optional weights. Generators for the classical test graphs with known invariants.
 *
 * @example
 * import { randomRegularGraph, girth, mycielski, cycleGraph } from 'qml6g';
 * const g = randomRegularGraph(3, 16, 7);   // seeded 3-regular graph on 16 vertices
 * girth(g);                                  // length of its shortest cycle
 * mycielski(cycleGraph(5)).n;               // 11: the Grötzsch graph (DIMACS myciel3)
 */
import { QmlError } from '../core/errors.js';
import { Rng } from '../core/rng.js';

export interface Graph {
  n: number;
  /** Edges [u, v] with u < v, each once. */
  edges: Array<[number, number]>;
  /** One weight per edge (all 1 when omitted). */
  weights?: number[];
  name?: string;
}

/** Builds a graph, checking indices and dropping duplicate edges (DIMACS files list some twice). */
export function makeGraph(n: number, edges: Array<[number, number]>, weights?: number[], name?: string): Graph {
  if (!Number.isInteger(n) || n < 1) throw new QmlError(`a graph needs a positive vertex count, got ${n}`);
  const seen = new Map<number, number>();
  const out: Array<[number, number]> = [];
  const w: number[] = [];
  edges.forEach(([a, b], k) => {
    if (!Number.isInteger(a) || !Number.isInteger(b) || a < 0 || b < 0 || a >= n || b >= n) throw new QmlError(`edge ${k} (${a}, ${b}) is outside 0..${n - 1}`);
    if (a === b) throw new QmlError(`edge ${k} is a self-loop on vertex ${a}`);
    const u = Math.min(a, b), v = Math.max(a, b), key = u * n + v;
    const wk = weights ? weights[k] : 1;
    if (!Number.isFinite(wk)) throw new QmlError(`edge ${k} has a non-finite weight`);
    const at = seen.get(key);
    if (at !== undefined) { if (weights) w[at] += wk; return; }
    seen.set(key, out.length);
    out.push([u, v]);
    w.push(wk);
  });
  const g: Graph = { n, edges: out };
  if (weights) g.weights = w;
  if (name) g.name = name;
  return g;
}

export function edgeWeight(g: Graph, k: number): number {
  return g.weights ? g.weights[k] : 1;
}

/** Neighbour lists. */
export function adjacency(g: Graph): number[][] {
  const adj: number[][] = Array.from({ length: g.n }, () => []);
  for (const [u, v] of g.edges) { adj[u].push(v); adj[v].push(u); }
  return adj;
}

/** Length of the shortest cycle (Infinity for a forest), by BFS from every vertex. */
export function girth(g: Graph): number {
  const adj = adjacency(g);
  let best = Infinity;
  const dist = new Int32Array(g.n), parent = new Int32Array(g.n), queue = new Int32Array(g.n);
  for (let s = 0; s < g.n; s++) {
    dist.fill(-1);
    dist[s] = 0; parent[s] = -1;
    let head = 0, tail = 0;
    queue[tail++] = s;
    while (head < tail) {
      const u = queue[head++];
      if (2 * dist[u] + 1 >= best) break;
      for (const v of adj[u]) {
        if (dist[v] < 0) { dist[v] = dist[u] + 1; parent[v] = u; queue[tail++] = v; }
        else if (parent[u] !== v) best = Math.min(best, dist[u] + dist[v] + 1);
      }
    }
  }
  return best;
}

/**
 * A uniformly random simple d-regular graph by the pairing (configuration) model with rejection
 * (Bollobás 1980); `minGirth` rejects graphs with shorter cycles.
 */
export function randomRegularGraph(d: number, n: number, seed: number, minGirth = 3): Graph {
  if (!Number.isInteger(d) || d < 1 || !Number.isInteger(n) || n <= d || (n * d) % 2 !== 0) {
    throw new QmlError(`no ${d}-regular graph on ${n} vertices (need n > d and n·d even)`);
  }
  const rng = new Rng(seed);
  const points = new Int32Array(n * d);
  for (let attempt = 0; attempt < 100000; attempt++) {
    for (let i = 0; i < n * d; i++) points[i] = Math.floor(i / d);
    rng.shuffle(points);
    const seen = new Set<number>();
    const edges: Array<[number, number]> = [];
    let ok = true;
    for (let i = 0; i < n * d && ok; i += 2) {
      const u = Math.min(points[i], points[i + 1]), v = Math.max(points[i], points[i + 1]);
      if (u === v || seen.has(u * n + v)) ok = false;
      else { seen.add(u * n + v); edges.push([u, v]); }
    }
    if (!ok) continue;
    const g: Graph = { n, edges, name: `random-${d}-regular-${n}-seed${seed}` };
    if (minGirth <= 3 || girth(g) >= minGirth) return g;
  }
  throw new QmlError(`could not draw a ${d}-regular graph on ${n} vertices with girth ≥ ${minGirth}`);
}

export function cycleGraph(n: number): Graph {
  return makeGraph(n, Array.from({ length: n }, (_, i) => [i, (i + 1) % n] as [number, number]), undefined, `C${n}`);
}

export function completeGraph(n: number): Graph {
  const e: Array<[number, number]> = [];
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) e.push([i, j]);
  return makeGraph(n, e, undefined, `K${n}`);
}

/**
 * Mycielski's construction (Mycielski 1955): from G on n vertices, vertices v_i, copies u_i and a
 * hub w; u_i joins the neighbours of v_i, w joins every u_i. It raises the chromatic number by one
 * and keeps the graph triangle-free. DIMACS myciel3 = M(C5) (11 vertices, χ = 4), myciel4 = M(M(C5))
 * (23 vertices, χ = 5), myciel5 (47 vertices, χ = 6).
 */
export function mycielski(g: Graph): Graph {
  const n = g.n, e: Array<[number, number]> = [...g.edges];
  for (const [a, b] of g.edges) { e.push([a, n + b]); e.push([b, n + a]); }
  for (let i = 0; i < n; i++) e.push([n + i, 2 * n]);
  return makeGraph(2 * n + 1, e);
}

/** DIMACS `mycielK` (χ = K + 1): Mycielski's construction applied K − 2 times to the 5-cycle. */
export function mycielGraph(k: number): Graph {
  if (!Number.isInteger(k) || k < 2) throw new QmlError(`myciel index must be an integer ≥ 2, got ${k}`);
  let g = cycleGraph(5);
  for (let i = 2; i < k; i++) g = mycielski(g);
  g.name = `myciel${k}`;
  return g;
}

/**
 * The n×m queen graph (DIMACS `queenN_M`): squares of a chessboard, joined when a queen on one
 * attacks the other (same row, column or diagonal). χ(queen5_5) = 5 (an n-queens solution per colour).
 */
export function queenGraph(rows: number, cols: number): Graph {
  const e: Array<[number, number]> = [];
  const id = (r: number, c: number) => r * cols + c;
  for (let r1 = 0; r1 < rows; r1++) for (let c1 = 0; c1 < cols; c1++) {
    for (let r2 = 0; r2 < rows; r2++) for (let c2 = 0; c2 < cols; c2++) {
      const a = id(r1, c1), b = id(r2, c2);
      if (a >= b) continue;
      if (r1 === r2 || c1 === c2 || Math.abs(r1 - r2) === Math.abs(c1 - c2)) e.push([a, b]);
    }
  }
  return makeGraph(rows * cols, e, undefined, `queen${rows}_${cols}`);
}

/** Erdős–Rényi G(n, p), seeded. */
export function randomGraph(n: number, p: number, seed: number): Graph {
  if (!(p >= 0 && p <= 1)) throw new QmlError(`edge probability must be in [0, 1], got ${p}`);
  const rng = new Rng(seed), e: Array<[number, number]> = [];
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (rng.next() < p) e.push([i, j]);
  return makeGraph(n, e, undefined, `gnp-${n}-${p}-seed${seed}`);
}
