import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CircuitBuilder, type Circuit } from '../sim/circuit.js';
import { simulate } from '../sim/simulate.js';
import { Evaluator } from '../sim/evaluator.js';
import { Z, observable } from '../sim/observable.js';
import { applyReadoutError } from '../sim/noise.js';
import { Rng } from '../core/rng.js';
import { randomCircuit } from '../testing/random-circuits.js';
import { extrapolate, foldGlobal, foldLocal, mitigateReadout, pec, richardsonWeights, zne } from './mitigation.js';
import { duTraceDistanceRadius, weberFidelityBound } from './certify.js';
import { unitaryOf, equalUpToPhase } from '../sim/qasm.js';
import { assertClose } from '../testing/shared.js';
import type { NoiseModel } from '../sim/noise.js';

test('Weber et al. 2021: F* = 0.8 for pA = 0.9, pB = 0.1 and 0.97671 for pA = 0.6, pB = 0.3', () => {
  assertClose(weberFidelityBound(0.9, 0.1), 0.8, 1e-12, 'F*(0.9, 0.1)');
  assertClose(weberFidelityBound(0.6, 0.3), 0.97671, 5e-6, 'F*(0.6, 0.3)');
  assert.equal(weberFidelityBound(0.5, 0.5), 1, 'a tie certifies nothing');
  assert.throws(() => weberFidelityBound(0.8, 0.3), /pA \+ pB must be at most 1/);
  // Du et al. 2021: τ* = p(√(y1/y2) − 1)/(d(1 − p)).
  assertClose(duTraceDistanceRadius(0.1, 2, 0.64, 0.36), (0.1 * (Math.sqrt(0.64 / 0.36) - 1)) / (2 * 0.9), 1e-15, 'τ*');
  assert.throws(() => duTraceDistanceRadius(0, 2, 0.6, 0.4), /depolarising strength must be in \(0, 1\)/);
});

test('no state inside the certified fidelity ball flips a certified Born-rule prediction, and the bound is tight', () => {
  // Binary Born classifier: predict 0 when P(q0 = 0) > 1/2 after a fixed random circuit W.
  fc.assert(fc.property(fc.integer({ min: 0, max: 1e6 }), (seed) => {
    const rng = new Rng(seed);
    const W = randomCircuit(rng, { qubits: 3, gates: 12 });
    const U = unitaryOf(W);
    const N = 8;
    // A random input state ψ, then the classifier's view of it: a = W ψ split by the measured bit.
    const psi = Float64Array.from({ length: 2 * N }, () => rng.normal());
    const nrm = Math.hypot(...psi);
    for (let i = 0; i < psi.length; i++) psi[i] /= nrm;
    const a = new Float64Array(2 * N);
    for (let r = 0; r < N; r++) for (let c = 0; c < N; c++) {
      a[2 * r] += U[2 * (r * N + c)] * psi[2 * c] - U[2 * (r * N + c) + 1] * psi[2 * c + 1];
      a[2 * r + 1] += U[2 * (r * N + c)] * psi[2 * c + 1] + U[2 * (r * N + c) + 1] * psi[2 * c];
    }
    let p0 = 0;
    for (let i = 0; i < N; i++) if (!(i & 1)) p0 += a[2 * i] ** 2 + a[2 * i + 1] ** 2;
    const pA = Math.max(p0, 1 - p0), pB = 1 - pA, accept = p0 >= 0.5 ? 0 : 1;
    const Fstar = weberFidelityBound(pA, pB);
    // Worst case (in the classifier's frame): rotate probability from the predicted part to the other one.
    const attacked = (fid: number) => {
      // φ = cos t·â + sin t·b̂ with â, b̂ the normalised projections; |⟨a|φ⟩|² = (√pA cos t + √pB sin t)².
      let lo = 0, hi = Math.PI / 2;
      for (let k = 0; k < 80; k++) { const t = (lo + hi) / 2; if ((Math.sqrt(pA) * Math.cos(t) + Math.sqrt(pB) * Math.sin(t)) ** 2 >= fid) lo = t; else hi = t; }
      return Math.cos(lo) ** 2; // probability left on the predicted side
    };
    if (pA - pB > 1e-6) {
      assert.ok(attacked(Math.min(1, Fstar + 1e-6)) > 0.5 - 1e-9, `inside the ball (F > F* = ${Fstar}) the prediction holds`);
      assert.ok(attacked(Fstar - 1e-4) < 0.5, 'just outside the ball the worst case flips it: the bound is tight');
    }
    // Random perturbations inside the ball never flip it either.
    for (let k = 0; k < 20; k++) {
      const chi = Float64Array.from({ length: 2 * N }, () => rng.normal());
      let re = 0, im = 0;
      for (let i = 0; i < 2 * N; i += 2) { re += a[i] * chi[i] + a[i + 1] * chi[i + 1]; im += a[i] * chi[i + 1] - a[i + 1] * chi[i]; }
      for (let i = 0; i < 2 * N; i += 2) { chi[i] -= re * a[i] - im * a[i + 1]; chi[i + 1] -= re * a[i + 1] + im * a[i]; }
      const cn = Math.hypot(...chi);
      const t = Math.acos(Math.sqrt(Math.min(1, Fstar + 1e-6)));
      let q0 = 0;
      for (let i = 0; i < N; i++) {
        const vr = Math.cos(t) * a[2 * i] + (Math.sin(t) * chi[2 * i]) / cn, vi = Math.cos(t) * a[2 * i + 1] + (Math.sin(t) * chi[2 * i + 1]) / cn;
        if (!(i & 1)) q0 += vr * vr + vi * vi;
      }
      assert.equal(q0 >= 0.5 ? 0 : 1, accept, 'random direction inside the ball');
    }
  }), { numRuns: 40 });
});

function tenGateIdentity(): Circuit {
  const b = new CircuitBuilder(1);
  for (let k = 0; k < 5; k++) b.rx(0, 0.3 + k).rx(0, -0.3 - k);
  return b.build();
}

const ev = (noise: NoiseModel) => (c: Circuit) => new Evaluator(c, [Z(0)], { noise }).values([], [])[0];

test('ZNE reproduces the published numbers: <Z> 0.904382 → 0.999126 (I/d convention) and 0.874389 → 0.998018 (Pauli convention)', () => {
  const c = tenGateIdentity();
  for (const [noise, before, after] of [
    [{ after_1q: [{ channel: 'depolarizing', p: 0.01 }] }, 0.904382, 0.999126],
    [{ after_1q: [{ channel: 'pauli_depolarizing', p: 0.01 }] }, 0.874389, 0.998018],
  ] as const) {
    const r = zne(ev(noise as unknown as NoiseModel), c, { scales: [1, 2, 3], method: { kind: 'richardson' }, folding: 'global' });
    assert.deepEqual(r.scales, [1, 2, 3]);
    assertClose(r.values[0], before, 5e-7, 'unmitigated');
    assertClose(r.value, after, 5e-6, 'mitigated');
  }
  assert.deepEqual(richardsonWeights([1, 2, 3]), [3, -3, 1]);
});

test('folding keeps the circuit unitary and hits the requested scale', () => {
  const rng = new Rng(3);
  const c = randomCircuit(rng, { qubits: 3, gates: 10 });
  for (const s of [1, 1.6, 2, 3, 4.4]) {
    for (const f of [foldGlobal(c, s), foldLocal(c, s), foldLocal(c, s, { order: 'random', seed: 2 })]) {
      assert.ok(equalUpToPhase(unitaryOf(f.circuit), unitaryOf(c), 1e-10), `scale ${s} keeps the unitary`);
      assert.ok(Math.abs(f.scale - s) <= 0.1 + 1e-12, `scale ${f.scale} ≈ ${s}`);
      assertClose(f.circuit.ops.length / c.ops.length, f.scale, 1e-12, 'gate count');
    }
  }
  assert.throws(() => foldGlobal(c, 0.5), /scale factor must be a number ≥ 1/);
});

test('extrapolation methods recover the zero-noise value of an exact model and refuse too few points', () => {
  const f = (l: number) => 0.2 + 0.7 * Math.exp(-0.3 * l);
  const s = [1, 2, 3, 4];
  assertClose(extrapolate(s, s.map(f), { kind: 'exponential', asymptote: 0.2 }), f(0), 1e-12, 'exponential');
  const lin = (l: number) => 0.9 - 0.05 * l;
  assertClose(extrapolate(s, s.map(lin), { kind: 'linear' }), 0.9, 1e-12, 'linear');
  const quad = (l: number) => 1 - 0.1 * l + 0.01 * l * l;
  assertClose(extrapolate(s, s.map(quad), { kind: 'polynomial', order: 2 }), 1, 1e-10, 'polynomial');
  assert.throws(() => extrapolate([1, 2], [0.9, 0.8], { kind: 'polynomial', order: 2 }), /order 2 needs at least 3 scale factors/);
  assert.throws(() => extrapolate([1, 1], [0.9, 0.8], { kind: 'richardson' }), /distinct/);
});

test('read-out mitigation inverts the tensored confusion and refuses a non-invertible one', () => {
  const rng = new Rng(5);
  const c = randomCircuit(rng, { qubits: 3, gates: 15 });
  const p = simulate(c).probabilities;
  const readout = [{ p1_given_0: 0.05, p0_given_1: 0.1 }, { p1_given_0: 0.02, p0_given_1: 0.03 }, null];
  const measured = Float64Array.from(p);
  applyReadoutError(measured, 3, readout);
  const fixed = mitigateReadout(measured, 3, readout);
  for (let i = 0; i < 8; i++) assertClose(fixed[i], p[i], 1e-12, `p[${i}]`);
  // Sampled counts give negative quasi-probabilities: the projection keeps a valid distribution.
  const noisy = Float64Array.from(measured, (v, i) => Math.max(0, v + (i % 2 ? 0.01 : -0.01)));
  const proj = mitigateReadout(noisy, 3, readout);
  assert.ok(proj.every((v) => v >= 0));
  assertClose(proj.reduce((a, v) => a + v, 0), 1, 1e-12, 'sums to 1');
  assert.throws(() => mitigateReadout(measured, 3, [{ p1_given_0: 0.5, p0_given_1: 0.5 }]), /not invertible/);
});

test('probabilistic error cancellation is unbiased: its estimate matches the noiseless value within its standard error', () => {
  const c = new CircuitBuilder(2).ry(0, 0.7).cx(0, 1).rx(1, 0.4).cx(1, 0).build();
  const obs = observable([[1, 'Z0 Z1'], [0.5, 'X1']]);
  const noise: NoiseModel = { after_1q: [{ channel: 'depolarizing', p: 0.05 }], after_2q: [{ channel: 'depolarizing', p: 0.08 }] };
  const ideal = new Evaluator(c, [obs]).values([], [])[0];
  const noisy = new Evaluator(c, [obs], { noise }).values([], [])[0];
  const r = pec((x) => new Evaluator(x, [obs], { noise }).values([], [])[0], c, noise, { samples: 4000, seed: 3 });
  assert.ok(Math.abs(r.value - ideal) < 4 * r.standardError + 1e-9, `PEC ${r.value} ± ${r.standardError} vs ideal ${ideal} (noisy ${noisy})`);
  assert.ok(Math.abs(noisy - ideal) > 4 * r.standardError, 'and the noise was large enough to matter');
  assert.throws(() => pec(ev(noise), c, { after_1q: [{ channel: 'amplitude_damping', gamma: 0.1 }] }), /depolarizing channels/);
});

test('ZNE + read-out mitigation of a classifier under the default NISQ noise cut the read-out error at least 2x', async () => {
  const { nisqNoise } = await import('../assess/run.js');
  const { VariationalClassifier } = await import('../qml/models/vqc.js');
  const { mitigatedExpectations } = await import('./mitigated-layer.js');
  const m = VariationalClassifier.create({ qubits: 4, layers: 2, encoding: 'angle-y', ansatz: 'hea-ring' }, 4, 2, { seed: 3 });
  const rng = new Rng(4);
  const X = { data: Float64Array.from({ length: 12 * 4 }, () => rng.next() * Math.PI), rows: 12, cols: 4 };
  const P = m.layer.numParams, params = m.params.subarray(0, P);
  const circuit = m.layer.built.circuit, obs = m.layer.built.observables;
  const ideal = m.layer.forward(params, X);
  const noise = nisqNoise(1);
  const noisy = new VariationalClassifier(m.arch, 4, 2, m.params, { noise }).layer.forward(params, X);
  const mitigated = mitigatedExpectations(circuit, obs, params, X, noise, { method: { kind: 'richardson' } });
  const err = (a: Float64Array) => a.reduce((s, v, i) => s + Math.abs(v - ideal[i]), 0) / a.length;
  assert.ok(err(mitigated) * 2 <= err(noisy), `mean |error|: noisy ${err(noisy).toExponential(3)}, mitigated ${err(mitigated).toExponential(3)}`);
});
