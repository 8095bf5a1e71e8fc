import { test } from 'node:test';
import assert from 'node:assert/strict';
import { channelKraus, CompiledNoise, type NoiseModel } from './noise.js';
import { simulate } from './simulate.js';
import { CircuitBuilder } from './circuit.js';
import { parseQasm } from './qasm.js';
import { Evaluator } from './evaluator.js';
import { Z, pauli } from './observable.js';
import { assertClose } from '../testing/shared.js';

const one = (ops: (b: CircuitBuilder) => CircuitBuilder) => ops(new CircuitBuilder(1)).build();

test('depolarizing(p) maps ⟨Z⟩ of |0⟩ to 1 − p (the I/d convention) and pauli_depolarizing(p) to 1 − 4p/3', () => {
  const c = one((b) => b.gate('id', [0]));
  const p = 0.1;
  const a = simulate(c, { noise: { after_1q: [{ channel: 'depolarizing', p }] } }).densityMatrix!.expectation(Z(0));
  const b = simulate(c, { noise: { after_1q: [{ channel: 'pauli_depolarizing', p }] } }).densityMatrix!.expectation(Z(0));
  assertClose(a, 1 - p, 1e-12, 'I/d convention');
  assertClose(b, 1 - (4 * p) / 3, 1e-12, 'Pauli convention');
});

test('two-qubit depolarizing acts jointly: ⟨Z⊗Z⟩ of |00⟩ becomes 1 − p', () => {
  const c = new CircuitBuilder(2).cx(0, 1).build();
  const r = simulate(c, { noise: { after_2q: [{ channel: 'depolarizing', p: 0.2 }] } });
  assertClose(r.densityMatrix!.expectation(pauli('Z0 Z1')), 0.8, 1e-12, '⟨ZZ⟩');
  assertClose(r.densityMatrix!.expectation(Z(0)), 0.8, 1e-12, '⟨Z0⟩');
});

test('amplitude damping decays |1⟩ to |0⟩ with probability γ', () => {
  const r = simulate(one((b) => b.x(0)), { noise: { after_1q: [{ channel: 'amplitude_damping', gamma: 0.3 }] } });
  assertClose(r.probabilities[0], 0.3, 1e-12, 'P(0)');
});

test('thermal relaxation gives e^{−t/T1} population decay and e^{−t/T2} coherence decay', () => {
  const t1 = 40, t2 = 30, time = 7;
  const noise: NoiseModel = { after_1q: [{ channel: 'thermal_relaxation', t1, t2, time }] };
  const pop = simulate(one((b) => b.x(0)), { noise }).probabilities[1];
  assertClose(pop, Math.exp(-time / t1), 1e-12, 'excited population');
  // |+⟩ then an idle: ⟨X⟩ = e^{−t/T2}. The h gate itself is followed by the channel once.
  const rho = simulate(one((b) => b.h(0)), { noise }).densityMatrix!;
  assertClose(rho.expectation(pauli('X0')), Math.exp(-time / t2), 1e-12, 'coherence');
  assert.throws(() => channelKraus({ channel: 'thermal_relaxation', t1: 10, t2: 30, time: 1 }), /t2.*2·t1/);
});

test('phase damping shrinks coherences by √(1−λ) and leaves populations alone', () => {
  const r = simulate(one((b) => b.h(0)), { noise: { after_1q: [{ channel: 'phase_damping', lambda: 0.36 }] } });
  assertClose(r.densityMatrix!.expectation(pauli('X0')), 0.8, 1e-12, '⟨X⟩');
  assertClose(r.probabilities[0], 0.5, 1e-12, 'P(0)');
});

test('a user Kraus set must be trace preserving', () => {
  assert.throws(() => channelKraus({ channel: 'kraus', operators: [[[[1, 0], [0, 0]], [[0, 0], [0.5, 0]]]] }), /not trace preserving/);
  const ok = channelKraus({ channel: 'kraus', operators: [[[[Math.SQRT1_2, 0], [0, 0]], [[0, 0], [Math.SQRT1_2, 0]]], [[[0, 0], [Math.SQRT1_2, 0]], [[Math.SQRT1_2, 0], [0, 0]]]] });
  assert.equal(ok.ops.length, 2);
});

test('read-out error biases measured probabilities and counts, not the state', () => {
  const noise: NoiseModel = { readout: { p1_given_0: 0.1, p0_given_1: 0.2 } };
  const r = simulate(one((b) => b.x(0).measure(0, 0)), { noise, shots: 20000, seed: 4 });
  assertClose(r.probabilities[1], 1, 1e-12, 'state untouched');
  assertClose(r.measuredProbabilities[0], 0.2, 1e-12, 'P(read 0 | 1)');
  assertClose(r.counts!['0'] / 20000, 0.2, 0.015, 'sampled');
  // The evaluator's measured ⟨Z⟩ for |1⟩ is −(1 − 2·0.2) = −0.6.
  const ev = new Evaluator(one((b) => b.x(0)), [Z(0)], { noise, shots: 50000, seed: 2 });
  assertClose(ev.values([], [])[0], -0.6, 0.02, 'measured ⟨Z⟩');
});

test('the most specific noise entry wins: a qubit rule over a gate entry over the defaults', () => {
  const model: NoiseModel = {
    after_1q: [{ channel: 'bit_flip', p: 0.1 }],
    gates: { h: [{ channel: 'phase_flip', p: 0.2 }] },
    rules: [{ gates: ['h'], qubits: [1], channels: [{ channel: 'amplitude_damping', gamma: 0.3 }] }],
  };
  const n = new CompiledNoise(model, 2);
  assert.match(n.after('x', [0])[0].kraus.label, /bit_flip/);
  assert.match(n.after('h', [0])[0].kraus.label, /phase_flip/);
  assert.match(n.after('h', [1])[0].kraus.label, /amplitude_damping/);
  assert.throws(() => new CompiledNoise({ after_1q: [{ channel: 'depolarising' } as never] }, 1), /unknown channel "depolarising"/);
  assert.throws(() => new CompiledNoise({ afterall: [] } as never, 1), /unknown key "afterall"/);
});

test('mid-circuit measurement, reset and classical conditions are simulated exactly by branching', () => {
  // Teleport |1⟩-ish state: q0 = RY(θ)|0⟩, Bell pair on q1,q2, corrections conditioned on the record.
  const theta = 1.1;
  const c = parseQasm(`OPENQASM 2.0; include "qelib1.inc";
    qreg q[3]; creg a[1]; creg b[1];
    ry(${theta}) q[0]; h q[1]; cx q[1],q[2];
    cx q[0],q[1]; h q[0]; measure q[0] -> a[0]; measure q[1] -> b[0];
    if(b==1) x q[2]; if(a==1) z q[2];`);
  const r = simulate(c, { shots: 4000, seed: 1 });
  assert.equal(r.branches, 4);
  let p1 = 0;
  for (let i = 0; i < 8; i++) if (i & 4) p1 += r.probabilities[i];
  assertClose(p1, Math.sin(theta / 2) ** 2, 1e-12, 'teleported P(1)');
  const total = Object.values(r.counts!).reduce((a, b) => a + b, 0);
  assert.equal(total, 4000);
  // reset returns a qubit to |0⟩ whatever it held, also under noise.
  const rc = parseQasm('OPENQASM 2.0; include "qelib1.inc"; qreg q[1]; h q[0]; reset q[0];');
  assertClose(simulate(rc).probabilities[0], 1, 1e-12, 'reset (statevector)');
  assertClose(simulate(rc, { noise: { after_1q: [{ channel: 'depolarizing', p: 0.1 }] } }).probabilities[0], 1, 1e-12, 'reset (density matrix)');
});

test('marginals sum the probabilities of the other qubits, wires[0] least significant', () => {
  // |ψ⟩ = RY(θ) on q0, X on q2: P(q0 = 1) = sin²(θ/2), q2 always 1.
  const theta = 0.9;
  const r = simulate(new CircuitBuilder(3).ry(0, theta).x(2).build());
  const m = r.statevector!.marginal([2, 0]);
  assertClose(m[1], Math.cos(theta / 2) ** 2, 1e-12, 'q2=1, q0=0');
  assertClose(m[3], Math.sin(theta / 2) ** 2, 1e-12, 'q2=1, q0=1');
  assertClose(m[0] + m[2], 0, 1e-12, 'q2=0 never');
  const noisy = simulate(new CircuitBuilder(3).ry(0, theta).x(2).build(), { noise: { after_1q: [{ channel: 'bit_flip', p: 0.1 }] } });
  const md = noisy.densityMatrix!.marginal([0]);
  assertClose(md[0] + md[1], 1, 1e-12, 'normalised');
  assert.throws(() => r.statevector!.marginal([3]), /out of range/);
});

test('the one-pass depolarising kernel equals the Kraus superoperator on random noisy states', async () => {
  const { DensityMatrix } = await import('./density.js');
  const { ApplyScratch } = await import('./apply.js');
  const { randomCircuit } = await import('../testing/random-circuits.js');
  const { Rng } = await import('../core/rng.js');
  const rng = new Rng(12);
  for (const wires of [[1], [0, 2], [3, 1, 0]]) {
    const c = randomCircuit(rng, { qubits: 4, gates: 12 });
    const base = simulate(c, { noise: { after_1q: [{ channel: 'amplitude_damping', gamma: 0.2 }] }, method: 'density_matrix' }).densityMatrix!;
    const a = base.clone(), b = base.clone();
    const k = channelKraus({ channel: 'depolarizing', p: 0.37 }, wires.length);
    a.depolarize(wires, 0.37);
    b.applyNoise({ kraus: { ...k, depolarizing: undefined }, wires }, new ApplyScratch());
    for (let i = 0; i < a.data.length; i++) assertClose(a.data[i], b.data[i], 1e-14, `entry ${i}`);
    assert.ok(a instanceof DensityMatrix);
  }
});
