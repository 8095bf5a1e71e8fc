/**
 * Rényi differential privacy (Mironov 2017, "Rényi differential privacy", CSF) of the sampled Gaussian
 * mechanism, computed as in Mironov, Talwar & Zhang 2019 ("Rényi differential privacy of the sampled
 * Gaussian mechanism", arXiv:1908.10530). With μ0 = N(0, σ²), μ1 = N(1, σ²) and μ = (1 − q)μ0 + qμ1
 * (each record sampled with probability q, noise σ times the sensitivity), the RDP of order α is
 * ε(α) = log(A_α)/(α − 1), A_α = E_{z∼μ0}[(μ(z)/μ0(z))^α]:
 *  - integer α (MTZ19 §3.3, binomial expansion):
 *      A_α = Σ_{k=0}^{α} C(α,k) (1 − q)^{α−k} q^k exp((k² − k)/(2σ²));
 *  - fractional α (MTZ19 §3.3): split the integral at z0 = σ² log(1/q − 1) + 1/2, where (1 − q)μ0 = qμ1,
 *    and expand each side in the convergent generalised binomial series,
 *      A_α = Σ_k C(α,k) q^k (1−q)^{α−k} e^{(k²−k)/(2σ²)} ½erfc((k − z0)/(√2σ))
 *          + Σ_k C(α,k) q^{α−k} (1−q)^k e^{((α−k)²−(α−k))/(2σ²)} ½erfc((z0 − (α−k))/(√2σ)).
 * RDP composes additively over steps; (ε, δ) follows from the conversion of Canonne, Kamath & Steinke
 * 2020 (Prop. 12; also Balle et al. 2020, Thm 21) minimised over the orders:
 *   ε = min_α  T·ε(α) + log((α − 1)/α) − (log δ + log α)/(α − 1),
 * which is what TensorFlow Privacy's `compute_dp_sgd_privacy` (via dp_accounting) reports; the
 * classical bound T·ε(α) + log(1/δ)/(α − 1) (Mironov 2017, Prop. 3) is available as `conversion: 'classic'`.
 *
 * @example
 * import { computeEpsilon } from 'qml6g';
 * // TensorFlow Privacy's test case: n = 60000, batch 150, σ = 1.3, 15 epochs, δ = 1e-5
 * computeEpsilon({ noiseMultiplier: 1.3, samplingRate: 150 / 60000, steps: 6000, delta: 1e-5 });
 * // { epsilon: ≈ 0.7242, optimalOrder: 19, ... }
 */
import { QmlError, isFiniteNumber } from '../../core/errors.js';

/** The orders TensorFlow Privacy's compute_dp_sgd_privacy evaluates. */
export const DEFAULT_ORDERS: readonly number[] = [1.25, 1.5, 1.75, 2, 2.25, 2.5, 3, 3.5, 4, 4.5, ...Array.from({ length: 59 }, (_, i) => 5 + i), 128, 256, 512];

function logAdd(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  const m = Math.max(a, b);
  return m + Math.log1p(Math.exp(Math.min(a, b) - m));
}

/** log(e^a − e^b) for a ≥ b. */
function logSub(a: number, b: number): number {
  if (b === -Infinity) return a;
  if (b > a) throw new Error('internal: logSub of a larger number');
  if (a === b) return -Infinity;
  return a + Math.log(-Math.expm1(b - a));
}

/**
 * log erfc(x) accurate in the tails: the Maclaurin series of erf for |x| < 3, the Laplace continued
 * fraction erfc(x) = e^{−x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))) for x ≥ 3.
 */
export function logErfc(x: number): number {
  if (x < 0) {
    if (x < -6) return Math.log(2); // erfc(−6) = 2 − 2.2e−17
    return Math.log(2 - Math.exp(logErfc(-x)));
  }
  if (x < 3) {
    // erf(x) = 2/√π Σ (−1)^n x^{2n+1} / (n! (2n+1))
    let term = x, sum = x;
    for (let n = 1; n < 200; n++) {
      term *= -(x * x) / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return Math.log(1 - (2 / Math.sqrt(Math.PI)) * sum);
  }
  // Modified Lentz evaluation of the continued fraction K = x + a1/(x + a2/(x + …)), a_k = k/2.
  const tiny = 1e-300;
  let f = x, C = x, D = 0;
  for (let k = 1; k < 500; k++) {
    const a = k / 2;
    D = x + a * D; D = Math.abs(D) < tiny ? tiny : D; D = 1 / D;
    C = x + a / C; C = Math.abs(C) < tiny ? tiny : C;
    const delta = C * D;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return -x * x - 0.5 * Math.log(Math.PI) - Math.log(f);
}

/** log A_α for integer α ≥ 2. */
function logAInt(q: number, sigma: number, alpha: number): number {
  let logA = -Infinity, logBinom = 0;
  const lq = Math.log(q), l1q = Math.log1p(-q);
  for (let k = 0; k <= alpha; k++) {
    if (k > 0) logBinom += Math.log((alpha - k + 1) / k);
    logA = logAdd(logA, logBinom + k * lq + (alpha - k) * l1q + (k * k - k) / (2 * sigma * sigma));
  }
  return logA;
}

/** log A_α for fractional α > 1 (the two-sided series of MTZ19 §3.3). */
function logAFrac(q: number, sigma: number, alpha: number): number {
  const lq = Math.log(q), l1q = Math.log1p(-q);
  const z0 = sigma * sigma * Math.log(1 / q - 1) + 0.5;
  const s2 = Math.SQRT2 * sigma;
  let pos = -Infinity, neg = -Infinity;
  let logBinom = 0, sign = 1;
  for (let i = 0; ; i++) {
    if (i > 0) {
      const f = (alpha - i + 1) / i;
      logBinom += Math.log(Math.abs(f));
      if (f < 0) sign = -sign;
    }
    const j = alpha - i;
    const t0 = logBinom + i * lq + j * l1q + (i * i - i) / (2 * sigma * sigma) + Math.log(0.5) + logErfc((i - z0) / s2);
    const t1 = logBinom + j * lq + i * l1q + (j * j - j) / (2 * sigma * sigma) + Math.log(0.5) + logErfc((z0 - j) / s2);
    const t = logAdd(t0, t1);
    if (sign > 0) pos = logAdd(pos, t); else neg = logAdd(neg, t);
    const cur = Math.max(pos, neg);
    if ((i > alpha + 2 && t < cur - 36) || i > 100000) break;
  }
  return logSub(pos, neg);
}

function checkMechanism(q: number, sigma: number): void {
  if (!isFiniteNumber(sigma) || sigma <= 0) throw new QmlError(`noise multiplier must be > 0, got ${sigma}`, '--noise-multiplier');
  if (!isFiniteNumber(q) || q < 0 || q > 1) throw new QmlError(`sampling rate must be in [0, 1], got ${q}`, '--sampling-rate');
}

/** The RDP ε(α) of ONE step of the sampled Gaussian mechanism (sensitivity 1, noise σ, rate q). */
export function rdpSampledGaussian(q: number, sigma: number, alpha: number): number {
  checkMechanism(q, sigma);
  if (!(alpha > 1)) throw new QmlError(`RDP order must be > 1, got ${alpha}`);
  if (q === 0) return 0;
  if (q === 1) return alpha / (2 * sigma * sigma);
  if (alpha === Infinity) return Infinity;
  const logA = Number.isInteger(alpha) ? logAInt(q, sigma, alpha) : logAFrac(q, sigma, alpha);
  return logA / (alpha - 1);
}


export interface PrivacySpent { epsilon: number; optimalOrder: number }

/** (ε, δ) from RDP values at the given orders (already composed over steps). */
export function epsilonFromRdp(orders: readonly number[], rdp: readonly number[], delta: number, conversion: 'improved' | 'classic' = 'improved'): PrivacySpent {
  checkDelta(delta);
  let best = Infinity, bestOrder = NaN;
  for (let i = 0; i < orders.length; i++) {
    const a = orders[i], r = rdp[i];
    if (!(r >= 0)) continue;
    const eps = conversion === 'classic'
      ? r + Math.log(1 / delta) / (a - 1)
      : Math.max(0, r + Math.log1p(-1 / a) - (Math.log(delta) + Math.log(a)) / (a - 1));
    if (eps < best) { best = eps; bestOrder = a; }
  }
  return { epsilon: best, optimalOrder: bestOrder };
}

export function checkDelta(delta: number, where = '--delta'): void {
  if (!isFiniteNumber(delta) || delta <= 0 || delta >= 1) throw new QmlError(`delta must be in (0, 1), got ${delta}`, where);
}

export interface AccountQuery {
  noiseMultiplier: number;
  samplingRate: number;
  steps: number;
  delta: number;
  orders?: readonly number[];
  conversion?: 'improved' | 'classic';
}

/** ε after `steps` compositions of the sampled Gaussian mechanism, with the optimal order. */
export function computeEpsilon(qy: AccountQuery): PrivacySpent & { delta: number } {
  checkMechanism(qy.samplingRate, qy.noiseMultiplier);
  checkDelta(qy.delta);
  if (!Number.isInteger(qy.steps) || qy.steps < 0) throw new QmlError(`steps must be a non-negative integer, got ${qy.steps}`, '--steps');
  const orders = qy.orders ?? DEFAULT_ORDERS;
  const rdp = orders.map((a) => qy.steps * rdpSampledGaussian(qy.samplingRate, qy.noiseMultiplier, a));
  return { ...epsilonFromRdp(orders, rdp, qy.delta, qy.conversion), delta: qy.delta };
}

/**
 * A running accountant: each `step` composes one sampled Gaussian mechanism (rates and noise may
 * change between rounds, as with client sampling and adaptive clipping); `spent(δ)` gives (ε, order).
 *
 * @example
 * import { RdpAccountant } from 'qml6g';
 * const acc = new RdpAccountant();
 * for (let round = 0; round < 100; round++) acc.step(1.1, 0.1);
 * acc.spent(1e-5).epsilon; // ε after 100 rounds at q = 0.1, z = 1.1
 */
export class RdpAccountant {
  readonly orders: readonly number[];
  private readonly rdp: Float64Array;
  steps = 0;
  constructor(orders: readonly number[] = DEFAULT_ORDERS) {
    this.orders = orders;
    this.rdp = new Float64Array(orders.length);
  }
  step(noiseMultiplier: number, samplingRate: number, count = 1): void {
    for (let i = 0; i < this.orders.length; i++) this.rdp[i] += count * rdpSampledGaussian(samplingRate, noiseMultiplier, this.orders[i]);
    this.steps += count;
  }
  spent(delta: number): PrivacySpent {
    return epsilonFromRdp(this.orders, Array.from(this.rdp), delta);
  }
}
