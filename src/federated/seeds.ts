/** Seeds derived from the run's seed and a path of integers (round, client, stream), order-sensitive. */
export function subSeed(seed: number, ...path: number[]): number {
  let h = (seed ^ 0x5bd1e995) >>> 0;
  for (const p of path) {
    h = Math.imul(h ^ (p >>> 0), 0x9e3779b1) >>> 0;
    h = (h ^ (h >>> 15)) >>> 0;
    h = Math.imul(h, 0x85ebca77) >>> 0;
    h = (h ^ (h >>> 13)) >>> 0;
  }
  return h;
}
