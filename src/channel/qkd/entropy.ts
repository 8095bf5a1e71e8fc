/** Binary entropy and its inverse, the two functions every key-rate formula needs. */

/** h(p) = −p log₂ p − (1−p) log₂(1−p), with h(0) = h(1) = 0. */
export function h2(p: number): number {
  if (p <= 0 || p >= 1) return 0;
  return -p * Math.log2(p) - (1 - p) * Math.log2(1 - p);
}

/** The p in [0, 1/2] with h(p) = y (bisection; y is clamped to [0, 1]). */
export function h2Inverse(y: number): number {
  if (y <= 0) return 0;
  if (y >= 1) return 0.5;
  let lo = 0, hi = 0.5;
  for (let i = 0; i < 80; i++) {
    const mid = (lo + hi) / 2;
    if (h2(mid) < y) lo = mid; else hi = mid;
  }
  return (lo + hi) / 2;
}

/** The asymptotic BB84 rate with one-way post-processing and ideal single photons (Shor–Preskill 2000): 1 − 2h(Q). */
export function shorPreskillRate(q: number): number {
  return 1 - 2 * h2(q);
}
