/**
 * Intervals for proportions measured on a finite sample of rows.
 *
 * @example
 * import { wilsonInterval } from 'qml6g';
 * wilsonInterval(81, 100);   // ≈ [0.7222, 0.8749] (95%)
 */

/** z for a two-sided 95% interval: the 0.975 quantile of the standard normal. */
export const Z95 = 1.959963984540054;

/**
 * The Wilson score interval (Wilson 1927, JASA 22:209) for k successes in n trials: the set of p
 * whose normal-approximation test does not reject k/n. Unlike the Wald interval it stays inside
 * [0, 1] and does not collapse at k = 0 or k = n. n = 0 gives [0, 1].
 */
export function wilsonInterval(k: number, n: number, z = Z95): [number, number] {
  if (!(n > 0)) return [0, 1];
  const p = k / n, z2 = z * z, den = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / den;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / den;
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/** Half the width of the Wilson interval: the "± points" a headline number carries. */
export function wilsonHalfWidth(k: number, n: number, z = Z95): number {
  const [lo, hi] = wilsonInterval(k, n, z);
  return (hi - lo) / 2;
}
