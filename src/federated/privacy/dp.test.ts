import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { QmlError } from '../../core/errors.js';
import { Rng } from '../../core/rng.js';
import { adaptClip, addDistributedNoise, clipToNorm, dpAggregate, poissonSample, updateNoiseMultiplier } from './dp.js';
import { membershipInference } from './membership.js';

const norm = (v: Float64Array): number => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

test('clipping bounds the L2 norm by S, keeps the direction, and leaves short updates alone', () => {
  fc.assert(fc.property(fc.array(fc.double({ min: -100, max: 100, noNaN: true }), { minLength: 1, maxLength: 20 }), fc.double({ min: 0.01, max: 10, noNaN: true }), (xs, S) => {
    const u = Float64Array.from(xs);
    const c = clipToNorm(u, S);
    assert.ok(norm(c.update) <= S * (1 + 1e-12));
    if (norm(u) <= S) assert.deepEqual(c.update, u);
    else for (let i = 0; i < u.length; i++) assert.ok(Math.abs(c.update[i] - (u[i] * S) / norm(u)) < 1e-9);
  }));
});

test('central noise on the mean has standard deviation zS/(qN)', () => {
  const d = 40000, z = 1.3, S = 0.5, qN = 8;
  const r = dpAggregate([new Float64Array(d)], { clip: S, noiseMultiplier: z, expectedClients: qN, rng: new Rng(3) });
  const sd = norm(r.update) / Math.sqrt(d);
  assert.ok(Math.abs(sd / ((z * S) / qN) - 1) < 0.02, `empirical ${sd}`);
  assert.equal(r.noiseStd, (z * S) / qN);
});

test('distributed noise from t clients sums to the central noise (zS)²', () => {
  const d = 20000, t = 5, z = 0.9, S = 2, rng = new Rng(5);
  const sum = new Float64Array(d);
  for (let k = 0; k < t; k++) addDistributedNoise(new Float64Array(d), S, z, t, rng).forEach((v, i) => { sum[i] += v; });
  const sd = norm(sum) / Math.sqrt(d);
  assert.ok(Math.abs(sd / (z * S) - 1) < 0.02, `empirical ${sd}`);
});

test('adaptive clipping tracks the target quantile of the update norms (Andrew et al. 2021)', () => {
  const rng = new Rng(8);
  const state = { clip: 0.05, targetQuantile: 0.5, learningRate: 0.2, countNoise: 50 / 20 };
  for (let round = 0; round < 300; round++) {
    const norms = Array.from({ length: 50 }, () => 2 * rng.next()); // median 1
    adaptClip(state, norms, 50, rng);
  }
  assert.ok(Math.abs(state.clip - 1) < 0.2, `clip ${state.clip}`);
});

test('the update noise multiplier with adaptive clipping composes back to z', () => {
  const z = 1.1, sb = 2.5;
  const zd = updateNoiseMultiplier(z, sb);
  assert.ok(Math.abs(zd ** -2 + (2 * sb) ** -2 - z ** -2) < 1e-12);
  assert.ok(zd > z);
  assert.throws(() => updateNoiseMultiplier(1, 0.4), QmlError);
});

test('Poisson client sampling picks about qN clients', () => {
  const rng = new Rng(2);
  let total = 0;
  for (let i = 0; i < 200; i++) total += poissonSample(100, 0.1, rng).length;
  assert.ok(Math.abs(total / 200 - 10) < 0.6);
  assert.throws(() => poissonSample(10, 0, rng), QmlError);
});

test('membership AUC equals the brute-force pair count, ties counted half', () => {
  fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 15 }), fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 15 }), (a, b) => {
    let pairs = 0;
    for (const x of a) for (const y of b) pairs += x < y ? 1 : x === y ? 0.5 : 0;
    const r = membershipInference(a, b);
    assert.ok(Math.abs(r.auc - pairs / (a.length * b.length)) < 1e-12);
    assert.ok(r.maxAdvantage >= r.advantage - 1e-12);
  }));
  assert.equal(membershipInference([0.1, 0.2, 0.3], [0.25, 0.5, 0.9]).auc, 8 / 9);
});

test('membership AUC is 0.5 when members and non-members have the same loss distribution', () => {
  const rng = new Rng(1);
  const a = Array.from({ length: 4000 }, () => rng.next()), b = Array.from({ length: 4000 }, () => rng.next());
  assert.ok(Math.abs(membershipInference(a, b).auc - 0.5) < 0.02);
  assert.throws(() => membershipInference([], [1]), QmlError);
  assert.throws(() => membershipInference([NaN], [1]), QmlError);
});
