import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QmlError } from '../../core/errors.js';
import { computeEpsilon, epsilonFromRdp, logErfc, rdpSampledGaussian, RdpAccountant, DEFAULT_ORDERS } from './rdp.js';

/**
 * Published values: TensorFlow Privacy, tensorflow_privacy/privacy/analysis/compute_dp_sgd_privacy_test.py
 * (n, batch, noise multiplier, epochs, δ) → (ε, optimal order), with q = batch/n and
 * steps = ⌈epochs·n/batch⌉ as compute_dp_sgd_privacy defines them.
 */
const PUBLISHED: [number, number, number, number, number, number, number][] = [
  [60000, 150, 1.3, 15, 1e-5, 0.7242234026109595, 19],
  [100000, 100, 1.0, 30, 1e-7, 1.4154988495444845, 13],
  [100000000, 1024, 0.1, 10, 1e-7, 5907982.31138195, 1.25],
];

test('the accountant agrees within 1% with TensorFlow Privacy\'s published (q, σ, steps, δ) → ε', () => {
  for (const [n, b, z, epochs, delta, eps, order] of PUBLISHED) {
    const r = computeEpsilon({ noiseMultiplier: z, samplingRate: b / n, steps: Math.ceil((epochs * n) / b), delta });
    assert.ok(Math.abs(r.epsilon / eps - 1) < 0.01, `n=${n}: ε ${r.epsilon} vs published ${eps}`);
    assert.equal(r.optimalOrder, order);
  }
});

/**
 * The second method: A_α = ∫ μ0(z) (1 − q + q·exp((2z − 1)/(2σ²)))^α dz by the composite Simpson rule
 * on a fine grid (in log space, scaled by the largest term), independent of the series expansions.
 */
function rdpByQuadrature(q: number, sigma: number, alpha: number, N = 200000): number {
  const lo = -12 * sigma, hi = 12 * sigma + alpha + 2 * sigma * sigma * Math.log(1 / q) + 5;
  const h = (hi - lo) / N;
  const logF = (z: number): number => -z * z / (2 * sigma * sigma) - Math.log(sigma * Math.sqrt(2 * Math.PI))
    + alpha * Math.log1p(q * Math.expm1((2 * z - 1) / (2 * sigma * sigma)));
  let m = -Infinity;
  for (let i = 0; i <= N; i++) m = Math.max(m, logF(lo + i * h));
  let s = 0;
  for (let i = 0; i <= N; i++) s += (i === 0 || i === N ? 1 : i % 2 ? 4 : 2) * Math.exp(logF(lo + i * h) - m);
  return (m + Math.log((s * h) / 3)) / (alpha - 1);
}

test('integer- and fractional-order RDP agree with direct numerical integration of the mixture', () => {
  for (const [q, sigma] of [[0.0025, 1.3], [0.01, 0.8], [0.1, 2], [0.3, 1.1]]) {
    for (const alpha of [1.25, 1.75, 2, 3.5, 7, 12.3, 19, 32]) {
      const series = rdpSampledGaussian(q, sigma, alpha), quad = rdpByQuadrature(q, sigma, alpha);
      assert.ok(Math.abs(series / quad - 1) < 1e-6, `q=${q} σ=${sigma} α=${alpha}: series ${series} vs quadrature ${quad}`);
    }
  }
});

test('ε of the published cases from the quadrature RDP matches the accountant within 1%', () => {
  for (const [n, b, z, epochs, delta] of PUBLISHED.slice(0, 2)) {
    const q = b / n, steps = Math.ceil((epochs * n) / b);
    const orders = DEFAULT_ORDERS.filter((a) => a <= 64);
    const viaQuad = epsilonFromRdp(orders, orders.map((a) => steps * rdpByQuadrature(q, z, a, 20000)), delta).epsilon;
    const viaSeries = computeEpsilon({ noiseMultiplier: z, samplingRate: q, steps, delta }).epsilon;
    assert.ok(Math.abs(viaQuad / viaSeries - 1) < 0.01, `${viaQuad} vs ${viaSeries}`);
  }
});

test('without sampling the RDP is the Gaussian mechanism\'s α/(2σ²) (Mironov 2017, Prop. 7)', () => {
  for (const a of [1.5, 2, 10]) assert.ok(Math.abs(rdpSampledGaussian(1, 0.7, a) - a / (2 * 0.49)) < 1e-12);
  assert.equal(rdpSampledGaussian(0, 0.7, 3), 0);
});

test('log erfc is accurate in both tails', () => {
  // erfc(0.5) = 0.4795001221869535, erfc(5) = 1.5374597944280349e-12, erfc(-1) = 1.8427007929497148
  assert.ok(Math.abs(Math.exp(logErfc(0.5)) / 0.4795001221869535 - 1) < 1e-12);
  assert.ok(Math.abs(Math.exp(logErfc(5)) / 1.5374597944280349e-12 - 1) < 1e-12);
  assert.ok(Math.abs(Math.exp(logErfc(-1)) / 1.8427007929497148 - 1) < 1e-12);
  assert.ok(Math.abs(logErfc(30) - (-900 - Math.log(30 * Math.sqrt(Math.PI)) + Math.log1p(-1 / 1800))) < 1e-6);
});

test('the running accountant equals one composed query, and ε grows with rounds', () => {
  const acc = new RdpAccountant();
  let last = 0;
  for (let t = 1; t <= 50; t++) {
    acc.step(1.1, 0.05);
    const e = acc.spent(1e-5).epsilon;
    assert.ok(e > last);
    last = e;
  }
  const once = computeEpsilon({ noiseMultiplier: 1.1, samplingRate: 0.05, steps: 50, delta: 1e-5 });
  assert.ok(Math.abs(once.epsilon - last) < 1e-9);
});

test('bad accountant inputs are QmlErrors', () => {
  const base = { noiseMultiplier: 1, samplingRate: 0.01, steps: 10, delta: 1e-5 };
  const err = (f: () => unknown, re: RegExp): void => assert.throws(f, (e: unknown) => e instanceof QmlError && re.test(e.message));
  err(() => computeEpsilon({ ...base, noiseMultiplier: 0 }), /noise multiplier must be > 0/);
  err(() => computeEpsilon({ ...base, noiseMultiplier: -1 }), /noise multiplier must be > 0/);
  err(() => computeEpsilon({ ...base, delta: 0 }), /delta must be in \(0, 1\)/);
  err(() => computeEpsilon({ ...base, delta: 1 }), /delta must be in \(0, 1\)/);
  err(() => computeEpsilon({ ...base, samplingRate: 1.5 }), /sampling rate/);
  err(() => computeEpsilon({ ...base, steps: 2.5 }), /steps/);
});
