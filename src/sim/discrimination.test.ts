import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../core/rng.js';
import { assertClose } from '../testing/shared.js';
import { randomCircuit } from '../testing/random-circuits.js';
import { CircuitBuilder, type Circuit } from './circuit.js';
import { simulate } from './simulate.js';
import { unitaryOf } from './qasm.js';
import { helstrom, prettyGoodMeasurement, traceNorm } from './discrimination.js';
import type { NoiseModel } from './noise.js';

const dm = (c: Circuit, noise?: NoiseModel) => simulate(c, { method: 'density_matrix', noise }).densityMatrix!.data;

/** A random mixed state: a random circuit under random depolarising and damping noise. */
function randomState(rng: Rng, n: number): Float64Array {
  const c = randomCircuit(rng, { qubits: n, gates: 8, gateSet: ['h', 'rx', 'ry', 'rz', 'u3', 's', 't', ...(n > 1 ? ['cx', 'cz', 'rzz'] : [])] });
  return dm(c, { after_1q: [{ channel: 'depolarizing', p: 0.3 * rng.next() }, { channel: 'amplitude_damping', gamma: 0.3 * rng.next() }] });
}

/**
 * The best two-outcome measurement found by direct search: {E, I − E} with E = U diag(d) U†, U a
 * parametrised unitary (any one-qubit unitary; the 15-parameter two-qubit KAK circuit), d ∈ {0,1}
 * chosen per eigenvector. Success = p₁ + Σ_i max(0, ⟨u_i|p₀ρ₀ − p₁ρ₁|u_i⟩). Pattern search with restarts.
 */
function optimisedMeasurement(r0: Float64Array, r1: Float64Array, n: number, p0: number, rng: Rng): number {
  const N = 2 ** n, p1 = 1 - p0;
  const delta = r0.map((v, i) => p0 * v - p1 * r1[i]);
  const P = n === 1 ? 3 : 15;
  const circuit = (): Circuit => {
    const b = new CircuitBuilder(n);
    let k = 0;
    const u3 = (q: number) => b.gate('u3', [q], [{ offset: 0, terms: [{ src: 'param', index: k++, coef: 1 }] }, { offset: 0, terms: [{ src: 'param', index: k++, coef: 1 }] }, { offset: 0, terms: [{ src: 'param', index: k++, coef: 1 }] }]);
    if (n === 1) { u3(0); return { ...b.build(), numParams: P }; }
    u3(0); u3(1); b.cx(0, 1);
    b.gate('ry', [0], [{ offset: 0, terms: [{ src: 'param', index: k++, coef: 1 }] }]); b.gate('rz', [1], [{ offset: 0, terms: [{ src: 'param', index: k++, coef: 1 }] }]);
    b.cx(1, 0);
    b.gate('ry', [0], [{ offset: 0, terms: [{ src: 'param', index: k++, coef: 1 }] }]);
    b.cx(0, 1); u3(0); u3(1);
    return { ...b.build(), numParams: P };
  };
  const c = circuit();
  const score = (th: Float64Array): number => {
    const U = unitaryOf(c, th);
    let s = p1;
    for (let col = 0; col < N; col++) {
      // ⟨u|Δ|u⟩ for column u of U; Δ stored as delta[row + c·N]
      let re = 0;
      for (let a = 0; a < N; a++) for (let bb = 0; bb < N; bb++) {
        const ur = U[2 * (a * N + col)], ui = U[2 * (a * N + col) + 1];
        const vr = U[2 * (bb * N + col)], vi = U[2 * (bb * N + col) + 1];
        const dr = delta[2 * (a + bb * N)], di = delta[2 * (a + bb * N) + 1];
        // conj(u_a) Δ_ab v_b
        const xr = ur * dr + ui * di, xi = ur * di - ui * dr;
        re += xr * vr - xi * vi;
      }
      s += Math.max(0, re);
    }
    return s;
  };
  let best = 0;
  for (let restart = 0; restart < 12; restart++) {
    const th = Float64Array.from({ length: P }, () => (rng.next() * 2 - 1) * Math.PI);
    let cur = score(th);
    for (let step = 1; step > 1e-7; step /= 2) {
      let improved = true;
      while (improved) {
        improved = false;
        for (let i = 0; i < P; i++) for (const sgn of [1, -1]) {
          th[i] += sgn * step;
          const s = score(th);
          if (s > cur + 1e-15) { cur = s; improved = true; } else th[i] -= sgn * step;
        }
      }
    }
    best = Math.max(best, cur);
  }
  return best;
}

test('Helstrom is 1/2 for identical states and 1 for orthogonal ones', () => {
  const rng = new Rng(4);
  const r = randomState(rng, 2);
  assertClose(helstrom(r, r, 2).success, 0.5, 1e-12, 'identical');
  const a = dm(new CircuitBuilder(2).build()), b = dm(new CircuitBuilder(2).x(0).h(1).build());
  assertClose(helstrom(a, b, 2).success, 1, 1e-12, 'orthogonal');
  // unequal priors and identical states: guess the likelier class
  assertClose(helstrom(r, r, 2, [0.7, 0.3]).success, 0.7, 1e-12, 'priors');
});

test('Helstrom equals the best explicitly optimised two-outcome measurement (1 and 2 qubits, mixed states, priors)', () => {
  const rng = new Rng(11);
  for (const n of [1, 1, 2, 2]) {
    const r0 = randomState(rng, n), r1 = randomState(rng, n);
    const p0 = 0.3 + 0.4 * rng.next();
    const h = helstrom(r0, r1, n, [p0, 1 - p0]).success;
    const opt = optimisedMeasurement(r0, r1, n, p0, rng);
    assert.ok(opt <= h + 1e-9, `no measurement beats Helstrom: ${opt} > ${h}`);
    assertClose(opt, h, 1e-6, `${n} qubit(s)`);
  }
});

test('trace norm of a difference of pure states is 2√(1 − |⟨ψ|φ⟩|²)', () => {
  const a = dm(new CircuitBuilder(1).ry(0, 0.0).build()), b = dm(new CircuitBuilder(1).ry(0, 1.1).build());
  const d = a.map((v, i) => v - b[i]);
  assertClose(traceNorm(d, 1), 2 * Math.sin(1.1 / 2), 1e-12, '‖ρ−σ‖₁');
});

test('the pretty-good measurement: optimal for trine states (2/3), 1 for orthogonal, 1/k for identical, within Barnum–Knill of Helstrom', () => {
  const trine = [0, 1, 2].map((k) => dm(new CircuitBuilder(1).ry(0, (4 * Math.PI * k) / 3).build()));
  assertClose(prettyGoodMeasurement(trine, 1).success, 2 / 3, 1e-12, 'trine');
  const basis = [0, 1, 2, 3].map((k) => { const b = new CircuitBuilder(2); if (k & 1) b.x(0); if (k & 2) b.x(1); return dm(b.build()); });
  assertClose(prettyGoodMeasurement(basis, 2).success, 1, 1e-12, 'orthogonal');
  const rng = new Rng(5);
  const r = randomState(rng, 2);
  assertClose(prettyGoodMeasurement([r, r, r], 2).success, 1 / 3, 1e-12, 'identical');
  // two pure states with equal priors: the PGM is Helstrom's measurement
  const u = dm(new CircuitBuilder(1).ry(0, 0.3).build()), v = dm(new CircuitBuilder(1).rx(0, 1.2).build());
  assertClose(prettyGoodMeasurement([u, v], 1).success, helstrom(u, v, 1).success, 1e-12, 'pure pair');
  for (let i = 0; i < 5; i++) {
    const a = randomState(rng, 2), b = randomState(rng, 2);
    const h = helstrom(a, b, 2).success, p = prettyGoodMeasurement([a, b], 2).success;
    assert.ok(p <= h + 1e-12 && h * h <= p + 1e-12, `P_opt² ≤ P_pgm ≤ P_opt: ${h}, ${p}`);
  }
});
