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

/**
 * P(T ≤ t) for Student's t with an integer number of degrees of freedom, in closed form
 * (Abramowitz & Stegun 1964, 26.7.3–26.7.4): with θ = atan(t/√ν), P(|T| ≤ t) is
 *   ν odd:  (2/π)·[θ + sin θ·(cos θ + (2/3)cos³θ + … + (2·4⋯(ν−3))/(1·3⋯(ν−2))·cos^(ν−2)θ)]  (ν = 1: 2θ/π)
 *   ν even: sin θ·[1 + (1/2)cos²θ + (1·3)/(2·4)cos⁴θ + … + (1·3⋯(ν−3))/(2·4⋯(ν−2))·cos^(ν−2)θ].
 */
export function studentTCdf(t: number, df: number): number {
  if (!Number.isInteger(df) || df < 1) throw new RangeError(`degrees of freedom must be a positive integer, got ${df}`);
  if (t === Infinity) return 1;
  if (t === -Infinity) return 0;
  const th = Math.atan(Math.abs(t) / Math.sqrt(df)), s = Math.sin(th), c = Math.cos(th), c2 = c * c;
  let a: number;
  if (df % 2 === 1) {
    let sum = 0;
    if (df > 1) { let term = c; sum = term; for (let j = 3; j <= df - 2; j += 2) { term *= (c2 * (j - 1)) / j; sum += term; } }
    a = (2 / Math.PI) * (th + s * sum);
  } else {
    let term = 1, sum = 1;
    for (let j = 2; j <= df - 2; j += 2) { term *= (c2 * (j - 1)) / j; sum += term; }
    a = s * sum;
  }
  return t >= 0 ? 0.5 + a / 2 : 0.5 - a / 2;
}

/** The p-quantile of Student's t with an integer number of degrees of freedom (bisection on studentTCdf). */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`p must be in (0, 1), got ${p}`);
  if (p < 0.5) return -studentTQuantile(1 - p, df);
  let lo = 0, hi = 1;
  while (studentTCdf(hi, df) < p) { lo = hi; hi *= 2; }
  for (let i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) { const m = (lo + hi) / 2; if (studentTCdf(m, df) < p) lo = m; else hi = m; }
  return (lo + hi) / 2;
}
