import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Rng } from '../core/rng.js';
import { randomCircuit, randomVector } from '../testing/random-circuits.js';
import { simulate } from './simulate.js';
import { inverse } from './inverse.js';
import { CircuitBuilder } from './circuit.js';
import { assertClose } from '../testing/shared.js';
import type { NoiseModel } from './noise.js';

const seedArb = fc.integer({ min: 0, max: 2 ** 31 - 1 });

test('random circuits keep the statevector norm at 1', () => {
  fc.assert(fc.property(seedArb, fc.integer({ min: 1, max: 7 }), (seed, n) => {
    const rng = new Rng(seed);
    const c = randomCircuit(rng, { qubits: n, gates: 30, params: 3, inputs: 2, extraControls: 0.3, unitaries: true });
    const r = simulate(c, { params: randomVector(rng, 3), inputs: randomVector(rng, 2) });
    assertClose(r.statevector!.normSquared(), 1, 1e-10, 'norm²');
  }), { numRuns: 60 });
});

test('random noisy circuits keep the density matrix Hermitian with unit trace and purity at most 1', () => {
  fc.assert(fc.property(seedArb, fc.integer({ min: 1, max: 4 }), (seed, n) => {
    const rng = new Rng(seed);
    const c = randomCircuit(rng, { qubits: n, gates: 15, extraControls: 0.2, unitaries: true });
    const noise: NoiseModel = {
      after_1q: [{ channel: 'thermal_relaxation', t1: 50, t2: 70, time: 1 + rng.next() * 5 }, { channel: 'phase_damping', lambda: rng.next() * 0.1 }],
      after_2q: [{ channel: 'depolarizing', p: rng.next() * 0.1 }, { channel: 'bit_flip', p: 0.01 }],
    };
    const rho = simulate(c, { noise, method: 'density_matrix' }).densityMatrix!;
    assertClose(rho.trace(), 1, 1e-10, 'trace');
    assert.ok(rho.purity() <= 1 + 1e-10, 'purity ≤ 1');
    const a = rho.toArray();
    for (let i = 0; i < a.length; i++) for (let j = 0; j < a.length; j++) {
      assertClose(a[i][j][0], a[j][i][0], 1e-12, 'Hermitian (re)');
      assertClose(a[i][j][1], -a[j][i][1], 1e-12, 'Hermitian (im)');
    }
  }), { numRuns: 40 });
});

test('a circuit followed by its inverse returns |0…0⟩', () => {
  fc.assert(fc.property(seedArb, fc.integer({ min: 1, max: 6 }), (seed, n) => {
    const rng = new Rng(seed);
    const c = randomCircuit(rng, { qubits: n, gates: 25, params: 2, inputs: 2, extraControls: 0.3, unitaries: true });
    const both = new CircuitBuilder(n).append(c).append(inverse(c)).build();
    const r = simulate(both, { params: randomVector(rng, 2), inputs: randomVector(rng, 2) });
    assertClose(r.probabilities[0], 1, 1e-10, 'P(0…0)');
  }), { numRuns: 60 });
});

test('trajectories converge to the density matrix within their standard error', () => {
  const rng = new Rng(21);
  for (let t = 0; t < 3; t++) {
    const c = randomCircuit(rng, { qubits: 3, gates: 12, extraControls: 0.2 });
    const noise: NoiseModel = {
      after_1q: [{ channel: 'depolarizing', p: 0.05 }, { channel: 'amplitude_damping', gamma: 0.1 }],
      after_2q: [{ channel: 'depolarizing', p: 0.08 }, { channel: 'amplitude_damping', gamma: 0.1 }],
    };
    const exact = simulate(c, { noise, method: 'density_matrix' }).probabilities;
    const traj = simulate(c, { noise, method: 'trajectories', trajectories: 4000, seed: 5 + t });
    let worstZ = 0;
    for (let i = 0; i < exact.length; i++) {
      const se = traj.standardError![i];
      const diff = Math.abs(traj.probabilities[i] - exact[i]);
      if (se > 0) worstZ = Math.max(worstZ, diff / se);
      else assertClose(traj.probabilities[i], exact[i], 1e-12, `deterministic p[${i}]`);
    }
    // Eight outcomes, each within 4.5 standard errors (a false alarm has probability below 1e-4).
    assert.ok(worstZ < 4.5, `trajectory estimate off by ${worstZ.toFixed(2)} standard errors`);
  }
  // And the error shrinks as trajectories grow.
  const c = randomCircuit(new Rng(8), { qubits: 2, gates: 8 });
  const noise: NoiseModel = { after_1q: [{ channel: 'amplitude_damping', gamma: 0.2 }], after_2q: [{ channel: 'depolarizing', p: 0.1 }] };
  const exact = simulate(c, { noise }).probabilities;
  const err = (T: number) => {
    const p = simulate(c, { noise, method: 'trajectories', trajectories: T, seed: 1 }).probabilities;
    return Math.max(...exact.map((e, i) => Math.abs(e - p[i])));
  };
  assert.ok(err(16000) < err(100) + 1e-3, 'more trajectories, smaller error');
  assert.ok(err(16000) < 0.02, 'close at 16,000 trajectories');
});
