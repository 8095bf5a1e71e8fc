import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../core/rng.js';
import { gradient, jacobian, type GradientMethod } from './gradients.js';
import { observable, Z, type Observable } from './observable.js';
import { CircuitBuilder, input, param } from './circuit.js';
import { randomCircuit, randomVector } from '../testing/random-circuits.js';
import { assertAllClose, assertClose } from '../testing/shared.js';

const obsFor = (n: number): Observable[] => [
  Z(0),
  observable([[0.7, `X0 Y${n - 1}`], [-0.4, 'Z1'], [0.25, `Y${Math.min(2, n - 1)}`]]),
];

for (const method of ['adjoint', 'parameter-shift'] as GradientMethod[]) {
  test(`${method} gradients agree with central finite differences to 1e-6 for parameters and input features`, () => {
    const rng = new Rng(1234);
    for (let trial = 0; trial < 12; trial++) {
      const n = 2 + (trial % 3);
      const c = randomCircuit(rng, { qubits: n, gates: 18, params: 5, inputs: 3, extraControls: 0.25, unitaries: true });
      const params = randomVector(rng, 5), inputs = randomVector(rng, 3, 1);
      const exact = jacobian(c, obsFor(n), { params, inputs, method });
      const fd = jacobian(c, obsFor(n), { params, inputs, method: 'finite-diff', h: 1e-5 });
      for (let o = 0; o < 2; o++) {
        assertClose(exact.values[o], fd.values[o], 1e-12, `value ${o}`);
        assertAllClose(exact.dparams[o], fd.dparams[o], 1e-6, `trial ${trial} d/dθ obs ${o}`);
        assertAllClose(exact.dinputs[o], fd.dinputs[o], 1e-6, `trial ${trial} d/dx obs ${o}`);
      }
    }
  });
}

test('the four-term shift rule is needed for controlled rotations: the two-term rule would be wrong there', () => {
  const c = new CircuitBuilder(2).h(0).ry(1, 0.4).crx(0, 1, param(0)).build();
  const ps = gradient(c, Z(1), { params: [0.9], method: 'parameter-shift' });
  const fd = gradient(c, Z(1), { params: [0.9], method: 'finite-diff' });
  assertClose(ps.dparams[0], fd.dparams[0], 1e-9, 'four-term');
  // Independent check: ⟨Z1⟩ for this circuit is cos(0.4)·(1 + cos θ)/2 ... differentiate analytically.
  const expected = -Math.cos(0.4) * Math.sin(0.9) / 2;
  assertClose(fd.dparams[0], expected, 1e-8, 'analytic');
});

test('gradient of an analytic one-qubit circuit: d/dx cos(a·x + θ) through a scaled input', () => {
  // ⟨Z⟩ after RY(2x + θ) on |0⟩ is cos(2x + θ).
  const c = new CircuitBuilder(1).ry(0, { offset: 0, terms: [{ src: 'input', index: 0, coef: 2 }, { src: 'param', index: 0, coef: 1 }] }).build();
  for (const method of ['adjoint', 'parameter-shift', 'finite-diff'] as GradientMethod[]) {
    const g = gradient(c, Z(0), { params: [0.3], inputs: [0.2], method });
    assertClose(g.value, Math.cos(0.7), 1e-12, `${method} value`);
    assertClose(g.dparams[0], -Math.sin(0.7), 1e-8, `${method} dθ`);
    assertClose(g.dinputs[0], -2 * Math.sin(0.7), 1e-8, `${method} dx`);
  }
});

test('product feature terms (IQP maps) differentiate with the product rule', () => {
  const c = new CircuitBuilder(2).h(0).h(1).rzz(0, 1, { offset: 0, terms: [{ src: 'input', index: 0, coef: 1.5, times: 1 }] }).ry(0, input(0)).build();
  const a = gradient(c, observable([[1, 'X0 X1'], [0.5, 'Z0']]), { inputs: [0.4, -0.8], method: 'adjoint' });
  const f = gradient(c, observable([[1, 'X0 X1'], [0.5, 'Z0']]), { inputs: [0.4, -0.8], method: 'finite-diff' });
  assertAllClose(a.dinputs, f.dinputs, 1e-7, 'd/dx');
});

test('SPSA with one parameter is the central difference with step c', () => {
  const c = new CircuitBuilder(1).rx(0, param(0)).build();
  const s = gradient(c, Z(0), { params: [0.7], method: 'spsa', spsaC: 1e-5, seed: 3 });
  assertClose(s.dparams[0], -Math.sin(0.7), 1e-6, 'spsa');
});

test('SPSA averaged over many draws is an unbiased estimate of the gradient', () => {
  const rng = new Rng(5);
  const c = randomCircuit(rng, { qubits: 3, gates: 12, params: 4 });
  const params = randomVector(rng, 4);
  const exact = gradient(c, Z(0), { params, method: 'adjoint' });
  const s = gradient(c, Z(0), { params, method: 'spsa', spsaC: 1e-4, spsaSamples: 4000, seed: 9, wrt: 'params' });
  const sumSq = exact.dparams.reduce((a, g) => a + g * g, 0);
  // Each draw's error on component i has variance Σ_{j≠i} g_j²; the mean of 4000 draws shrinks it by 4000.
  for (let i = 0; i < 4; i++) assertClose(s.dparams[i], exact.dparams[i], 5 * Math.sqrt(sumSq / 4000) + 1e-6, `spsa[${i}]`);
});

test('adjoint with shots says it is exact and ignores the shots', () => {
  const c = new CircuitBuilder(1).rx(0, param(0)).build();
  const g = gradient(c, Z(0), { params: [0.7], method: 'adjoint', shots: 100 });
  assert.equal(g.exact, true);
  assert.match(g.note ?? '', /exact.*shots=100.*ignored/);
  assertClose(g.value, Math.cos(0.7), 1e-12, 'exact value');
});

test('parameter-shift with shots is an unbiased estimate within its standard error', () => {
  const c = new CircuitBuilder(1).rx(0, param(0)).build();
  const g = gradient(c, Z(0), { params: [0.7], method: 'parameter-shift', shots: 20000, seed: 11 });
  assert.equal(g.exact, false);
  // Each shifted term has variance (1 − ⟨Z⟩²)/shots ≤ 1/shots; the rule halves the difference.
  assertClose(g.dparams[0], -Math.sin(0.7), 5 * Math.sqrt(0.5 / 20000), 'shot gradient');
});

test('parameter-shift works under noise and matches finite differences of the density matrix', () => {
  const rng = new Rng(77);
  const c = randomCircuit(rng, { qubits: 3, gates: 10, params: 3, inputs: 2, extraControls: 0.2 });
  const noise = { after_1q: [{ channel: 'depolarizing' as const, p: 0.02 }, { channel: 'amplitude_damping' as const, gamma: 0.03 }], after_2q: [{ channel: 'depolarizing' as const, p: 0.04 }] };
  const params = randomVector(rng, 3), inputs = randomVector(rng, 2, 1);
  const ps = gradient(c, Z(0), { params, inputs, method: 'parameter-shift', noise });
  const fd = gradient(c, Z(0), { params, inputs, method: 'finite-diff', noise });
  assertAllClose(ps.dparams, fd.dparams, 1e-6, 'noisy dθ');
  assertAllClose(ps.dinputs, fd.dinputs, 1e-6, 'noisy dx');
  assert.throws(() => gradient(c, Z(0), { params, inputs, method: 'adjoint', noise }), /adjoint.*noiseless/);
});

test('the fused SIMD backward pass (constant gates folded into rotations, single-term observables) agrees with parameter-shift to 1e-10', () => {
  const rng = new Rng(4321);
  const gateSet = ['rx', 'ry', 'rz', 'h', 's', 't', 'x', 'z', 'sx', 'cx', 'cz', 'crx', 'p', 'u3', 'rzz', 'swap'];
  for (let trial = 0; trial < 10; trial++) {
    const n = 2 + (trial % 4);
    const c = randomCircuit(rng, { qubits: n, gates: 40, params: 6, inputs: 2, extraControls: 0.1, gateSet });
    const params = randomVector(rng, 6), inputs = randomVector(rng, 2);
    const obs: Observable[] = [{ terms: [{ coeff: -1.3, paulis: 'YZ'.slice(0, Math.min(2, n)), wires: [n - 1, 0].slice(0, Math.min(2, n)) }] }, Z(n - 1), { terms: [{ coeff: 0.5, paulis: 'X', wires: [0] }] }];
    for (const o of obs) {
      const a = gradient(c, o, { params, inputs, method: 'adjoint' });
      const s = gradient(c, o, { params, inputs, method: 'parameter-shift' });
      assertClose(a.value, s.value, 1e-10, `value, trial ${trial}`);
      assertAllClose(a.dparams, s.dparams, 1e-10, `dθ, trial ${trial}`);
      assertAllClose(a.dinputs, s.dinputs, 1e-10, `dx, trial ${trial}`);
    }
  }
});
