/**
 * Communication graphs for secure aggregation. SecAgg (Bonawitz et al. 2017) uses the complete graph:
 * every pair of clients agrees a pairwise mask and every client Shamir-shares its secrets with all
 * others, O(n) work per client and O(n²) for the server. SecAgg+ (Bell et al. 2020, "Secure
 * single-server aggregation with (poly)logarithmic overhead", CCS) replaces it with a random sparse
 * graph of degree k = O(log n); masks and shares only travel along its edges. We use a k-regular
 * Harary graph H_{k,n} (Harary 1962: vertex i joined to i ± 1, …, i ± k/2 mod n) under a uniformly
 * random relabelling of the clients, so every client has exactly k neighbours and the neighbourhoods
 * are random; k is even (or n − 1, the complete graph).
 *
 * @example
 * import { completeGraph, harary, defaultDegree, SecureRandom } from 'qml6g';
 * completeGraph(4)[0];                              // [1, 2, 3]
 * const g = harary(100, defaultDegree(100), new SecureRandom(1));
 * g[0].length;                                       // 14
 */
import { QmlError } from '../../core/errors.js';
import type { SecureRandom } from './random.js';

/** neighbours[u] = the sorted neighbours of client u (never u itself). */
export type Graph = number[][];

export function completeGraph(n: number): Graph {
  return Array.from({ length: n }, (_, u) => Array.from({ length: n }, (_, v) => v).filter((v) => v !== u));
}

/** k = the smallest even integer ≥ 2⌈log₂ n⌉, capped at n − 1 (the complete graph). */
export function defaultDegree(n: number): number {
  const k = 2 * Math.ceil(Math.log2(Math.max(2, n)));
  return Math.min(n - 1, k);
}

/** A uniformly relabelled k-regular Harary graph on n vertices. */
export function harary(n: number, k: number, rnd: SecureRandom): Graph {
  if (!Number.isInteger(k) || k < 1 || k > n - 1) throw new QmlError(`graph degree must be an integer in [1, ${n - 1}], got ${k}`);
  if (k === n - 1) return completeGraph(n);
  if (k % 2 !== 0) throw new QmlError(`a k-regular Harary graph on ${n} clients needs an even degree, got ${k}`);
  const perm = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rnd.uint53() % (i + 1);
    [perm[i], perm[j]] = [perm[j], perm[i]];
  }
  const nb: Set<number>[] = Array.from({ length: n }, () => new Set());
  for (let i = 0; i < n; i++) {
    for (let s = 1; s <= k / 2; s++) {
      const a = perm[i], b = perm[(i + s) % n];
      nb[a].add(b);
      nb[b].add(a);
    }
  }
  return nb.map((s) => [...s].sort((x, y) => x - y));
}
