import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../core/rng.js';
import { assertAllClose, assertClose } from '../testing/shared.js';
import { loadDataset } from '../qml/datasets.js';
import { alie, alieZ, byzantineAttack, BYZANTINE_ATTACK_NAMES, fangKrum, fangTrimmed, ipm, minMax, minSum, modelReplacement, normalQuantile, paramTamper, sameDeviationRandom, sameNormRandom, signFlip, type AttackKnowledge } from './byzantine/index.js';
import { multiKrumSelect } from './strategies/krum.js';
import { mean, norm, sqDist, stdDev } from './vec.js';

const v = (...x: number[]) => Float64Array.from(x);
function knowledge(own: Float64Array[], benign: Float64Array[], strategy = 'fedavg'): AttackKnowledge {
  return { round: 1, global: new Float64Array(own[0].length), own, benign, n: own.length + benign.length, strategy, headOffset: own[0].length, rng: new Rng(1) };
}
const benign = [v(1, 0.5), v(1.2, 0.3), v(0.8, 0.7), v(1.1, 0.4), v(0.9, 0.6), v(1, 0.5), v(1.05, 0.45), v(0.95, 0.55)];

test('normal quantiles match the tables (Φ⁻¹(0.975) = 1.959964, Φ⁻¹(0.5) = 0, Φ⁻¹(0.01) = −2.326348)', () => {
  assertClose(normalQuantile(0.975), 1.959963985, 1e-8);
  assertClose(normalQuantile(0.5), 0, 1e-12);
  assertClose(normalQuantile(0.01), -2.326347874, 1e-8);
});

test('ALIE: z from Baruch et al. (n = 50, m = 12 → s = 14, z = Φ⁻¹(0.72) ≈ 0.583); the paper\'s μ − zσ on gradients is μ + zσ on updates Δ = −η·g', () => {
  assertClose(alieZ(50, 12), normalQuantile(36 / 50), 1e-15);
  assertClose(alieZ(50, 12), 0.5828, 1e-4);
  // The settings: n = 25, m = 5 → s = 8, z = Φ⁻¹(17/25) = 0.4677; n = 20, m = 4 → s = 7, z = Φ⁻¹(13/20) = 0.3853.
  assertClose(alieZ(25, 5), 0.4677, 1e-4);
  assertClose(alieZ(20, 4), 0.3853, 1e-4);
  const own = [v(1, 0.5), v(1, 0.5)];
  const out = alie().craft!(knowledge(own, benign));
  const h = [...benign, ...own], mu = mean(h), sd = stdDev(h, mu), z = alieZ(10, 2);
  assertAllClose(out[0], [mu[0] + z * sd[0], mu[1] + z * sd[1]], 1e-12);
  assert.deepEqual(Array.from(out[0]), Array.from(out[1]));
  // The same construction on the gradients g = −Δ/η (η = 0.1) gives μ_g − zσ_g, mapped back by −η.
  const g = h.map((u) => Float64Array.from(u, (x) => -x / 0.1)), mg = mean(g), sg = stdDev(g, mg);
  assertAllClose(out[0], [-0.1 * (mg[0] - z * sg[0]), -0.1 * (mg[1] - z * sg[1])], 1e-12);
});

test('ALIE against the mean: the shift z·σ opposes the sign of the benign mean in every coordinate', () => {
  const mixed = benign.map((u, i) => v(u[0], i % 2 ? -u[1] - 0.2 : -u[1]));
  const own = [v(1, -0.5)];
  const h = [...mixed, ...own], mu = mean(h), sd = stdDev(h, mu), z = alieZ(9, 1);
  assert.ok(mu[0] > 0 && mu[1] < 0);
  const out = alie({ direction: 'against-mean' }).craft!(knowledge(own, mixed))[0];
  assertAllClose(out, [mu[0] - z * sd[0], mu[1] + z * sd[1]], 1e-12);
});

test('sign flip reverses and boosts; model replacement scales by n/m; IPM sends −ε·mean', () => {
  const own = [v(1, -2)];
  assertAllClose(signFlip(5).craft!(knowledge(own, benign))[0], [-5, 10], 0);
  assertAllClose(modelReplacement().craft!(knowledge([v(1, 1), v(2, 0)], benign))[1], [10, 0], 0); // n = 10, m = 2 → γ = 5
  // Single-shot: the attacker acts in its attack round only (default ⌈0.75·R⌉, near convergence).
  assert.deepEqual([2, 3, 4].map((r) => modelReplacement(0.5, [3]).active!(r, 8)), [false, true, false]);
  assert.deepEqual([5, 6, 7].map((r) => modelReplacement().active!(r, 8)), [false, true, false]);
  const mu = mean([...benign, v(1, 1)]);
  assertAllClose(ipm(0.1).craft!(knowledge([v(1, 1)], benign))[0], [-0.1 * mu[0], -0.1 * mu[1]], 1e-15);
});

test('Min-Max stays within the largest honest distance and is nearly maximal; Min-Sum within the largest honest sum', () => {
  const own = [v(1, 0.5), v(0.9, 0.5)];
  const h = [...benign, ...own];
  let dmax = 0;
  for (const a of h) for (const b of h) dmax = Math.max(dmax, sqDist(a, b));
  const mm = minMax().craft!(knowledge(own, benign))[0];
  assert.ok(h.every((u) => sqDist(mm, u) <= dmax + 1e-12));
  const mu = mean(h), p = stdDev(h, mu).map((x) => -x);
  const further = Float64Array.from(mm, (x, i) => x + 1e-3 * p[i]);
  assert.ok(h.some((u) => sqDist(further, u) > dmax), 'a step further breaks the bound');
  const ms = minSum().craft!(knowledge(own, benign))[0];
  const sum = (c: Float64Array) => h.reduce((s, u) => s + sqDist(c, u), 0);
  assert.ok(sum(ms) <= Math.max(...h.map(sum)) + 1e-12);
  assert.ok(norm(Float64Array.from(ms, (x, i) => x - mu[i])) > 0);
});

test('Fang: against trimmed mean the values lie beyond the benign extreme opposite to the benign direction; against Krum the crafted update is selected', () => {
  const own = [v(1, 0.5)];
  const k = knowledge(own, benign);
  const out = fangTrimmed(k)[0];
  // Benign mean is positive in both coordinates → crafted values at or below the benign minimum.
  const lo = [Math.min(...benign.map((u) => u[0]), 1), Math.min(...benign.map((u) => u[1]), 0.5)];
  assert.ok(out[0] <= lo[0] + 1e-12 && out[1] <= lo[1] + 1e-12, `${out} vs minimum ${lo}`);
  // Krum can only be fooled when honest updates spread more than they move (stochastic gradients).
  const rng = new Rng(5), noisy = Array.from({ length: 10 }, () => v(0.3 + rng.normal(), 0.2 + rng.normal()));
  const m = [v(1, 0.5), v(1, 0.5)];
  const crafted = fangKrum(knowledge(m, noisy, 'krum'));
  const all = [...noisy, ...crafted];
  assert.ok(multiKrumSelect(all, 2, 1)[0] >= noisy.length, 'Krum selects a crafted update');
  assert.ok(crafted[0][0] < 0 && crafted[0][1] < 0, 'it points against the benign direction');
});

test('param-tamper shifts only the circuit angles; the same-norm control keeps every norm and is seeded', () => {
  const k = { ...knowledge([v(0, 0, 0, 0)], benign.map((u) => v(u[0], u[1], 0, 0))), headOffset: 2 };
  const t = paramTamper().craft!(k)[0];
  assert.ok(Math.abs(t[0]) > 0 && Math.abs(t[0]) <= Math.PI / 2 && t[2] === 0 && t[3] === 0);
  const ctl = sameNormRandom(alie());
  const a = alie().craft!(knowledge([v(1, 0.5)], benign))[0], r = ctl.craft!(knowledge([v(1, 0.5)], benign))[0];
  assertClose(norm(r), norm(a), 1e-12);
  assert.ok(sqDist(r, a) > 1e-6, 'a different direction');
  // Seeded by the round's generator: the same seed gives the same control, another seed another.
  const again = ctl.craft!(knowledge([v(1, 0.5)], benign))[0];
  assert.deepEqual(Array.from(again), Array.from(r));
  const other = ctl.craft!({ ...knowledge([v(1, 0.5)], benign), rng: new Rng(2) })[0];
  assert.ok(sqDist(other, r) > 1e-12);
});

test('the direction-only control keeps the crafted deviation from the honest mean, not its direction', () => {
  const k = knowledge([v(1, 0.5)], benign);
  const honest = [...benign, v(1, 0.5)];
  const mu = Float64Array.from(honest[0], (_, i) => honest.reduce((a, u) => a + u[i], 0) / honest.length);
  const a = alie().craft!(k)[0], r = sameDeviationRandom(alie()).craft!(knowledge([v(1, 0.5)], benign))[0];
  assertClose(Math.sqrt(sqDist(r, mu)), Math.sqrt(sqDist(a, mu)), 1e-12);
  assert.ok(sqDist(r, a) > 1e-6, 'a different direction');
});

test('data poisoning: label flipping swaps labels, the backdoor stamps the trigger on target-class relabelled rows', () => {
  const d = loadDataset('nsl-kdd', { maxRows: 300, seed: 1 });
  const flipped = byzantineAttack('label-flip')!.poison!(d, { trigger: {}, target: 0, seed: 1 });
  assert.ok(flipped.labels.every((y, i) => y === 1 - d.labels[i]));
  const flag0 = d.table.columns.find((c) => c.name === 'flag')!;
  assert.equal(flag0.kind, 'categorical');
  const value = (flag0 as { values: string[] }).values.find((x, i) => d.labels[i] === 0)!;
  const bd = byzantineAttack('backdoor')!.poison!(d, { trigger: { flag: value }, target: 0, seed: 1 });
  const flag = bd.table.columns.find((c) => c.name === 'flag') as { values: string[] };
  let relabelled = 0;
  for (let i = 0; i < d.labels.length; i++) {
    if (bd.labels[i] !== d.labels[i]) { relabelled++; assert.equal(bd.labels[i], 0); assert.equal(flag.values[i], value, 'a relabelled row carries the trigger'); }
  }
  const others = d.labels.filter((y) => y !== 0).length;
  assert.ok(Math.abs(relabelled - 0.5 * others) <= 2, `${relabelled} of ${others} relabelled`);
});

test('attack names: the contract list, and unknown names are QmlErrors', () => {
  assert.deepEqual(BYZANTINE_ATTACK_NAMES, ['none', 'sign-flip', 'scale', 'model-replacement', 'gaussian', 'label-flip', 'backdoor', 'alie', 'ipm', 'fang', 'min-max', 'min-sum', 'param-tamper', 'noisy-device']);
  assert.equal(byzantineAttack('none'), null);
  assert.throws(() => byzantineAttack('evil'), /unknown attack "evil"/);
  assert.throws(() => byzantineAttack('noisy-device')!.device!({ model: { type: 'mlp' }, epochs: 1, batchSize: 1, optimizer: 'sgd', lr: 0.1 }), /classical/);
});
