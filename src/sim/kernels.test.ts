import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../core/rng.js';
import { apply1, apply2, applyDense, applyDiag1, applyDiagK, applySwap, applyX } from './kernels.js';
import { ApplyScratch, applyGateMatrix } from './apply.js';
import { baseGate, gateNames, resolveGate } from './gates.js';
import { unitarityError } from './program.js';
import { assertAllClose } from '../testing/shared.js';

/** The plain full-size product: builds the 2^n x 2^n operator and multiplies. The oracle of the oracle. */
function fullProduct(state: Float64Array, n: number, wires: number[], m: Float64Array, controls: number[]): Float64Array {
  const N = 2 ** n, k = wires.length, D = 1 << k, out = new Float64Array(2 * N);
  for (let col = 0; col < N; col++) {
    const ctrlOk = controls.every((c) => (col >> c) & 1);
    let lc = 0;
    for (let j = 0; j < k; j++) lc = (lc << 1) | ((col >> wires[j]) & 1);
    for (let lr = 0; lr < D; lr++) {
      let row = col;
      for (let j = 0; j < k; j++) {
        const b = (lr >> (k - 1 - j)) & 1;
        row = (row & ~(1 << wires[j])) | (b << wires[j]);
      }
      const mr = ctrlOk ? m[2 * (lr * D + lc)] : lr === lc ? 1 : 0;
      const mi = ctrlOk ? m[2 * (lr * D + lc) + 1] : 0;
      if (!ctrlOk && row !== col) continue;
      out[2 * row] += mr * state[2 * col] - mi * state[2 * col + 1];
      out[2 * row + 1] += mr * state[2 * col + 1] + mi * state[2 * col];
    }
  }
  return out;
}

function randomState(rng: Rng, n: number): Float64Array {
  const s = Float64Array.from({ length: 2 * 2 ** n }, () => rng.normal());
  const norm = Math.sqrt(s.reduce((a, x) => a + x * x, 0));
  return s.map((x) => x / norm);
}

function randomMatrix(rng: Rng, k: number): Float64Array {
  return Float64Array.from({ length: 2 * 4 ** k }, () => rng.normal());
}

test('applyDense equals the full-size matrix product on any wires with controls', () => {
  const rng = new Rng(1);
  for (let t = 0; t < 40; t++) {
    const n = 3 + rng.int(3), k = 1 + rng.int(3);
    const order = rng.shuffle(Array.from({ length: n }, (_, i) => i)) as number[];
    const wires = order.slice(0, k), controls = order.slice(k, k + rng.int(2));
    const s = randomState(rng, n), m = randomMatrix(rng, k);
    const expected = fullProduct(s, n, wires, m, controls);
    applyDense(s, n, wires, m, controls.reduce((a, c) => a | (1 << c), 0));
    assertAllClose(s, expected, 1e-12, `dense n=${n} wires=${wires} controls=${controls}`);
  }
});

test('every specialised kernel equals applyDense', () => {
  const rng = new Rng(2);
  for (let t = 0; t < 60; t++) {
    const n = 2 + rng.int(5);
    const order = rng.shuffle(Array.from({ length: n }, (_, i) => i)) as number[];
    const cm = n > 2 && rng.next() < 0.5 ? 1 << order[2] : 0;
    const q = order[0], q1 = order[1];
    const base = randomState(rng, n);
    const check = (name: string, wires: number[], m: Float64Array, run: (s: Float64Array) => void) => {
      const a = Float64Array.from(base), b = Float64Array.from(base);
      run(a);
      applyDense(b, n, wires, m, cm);
      assertAllClose(a, b, 1e-12, name);
    };
    const m1 = randomMatrix(rng, 1), m2 = randomMatrix(rng, 2);
    check('apply1', [q], m1, (s) => apply1(s, n, q, m1, cm));
    check('apply2', [q, q1], m2, (s) => apply2(s, n, q, q1, m2, cm));
    const d = Float64Array.from([rng.normal(), rng.normal(), rng.normal(), rng.normal()]);
    const dm = Float64Array.from([d[0], d[1], 0, 0, 0, 0, d[2], d[3]]);
    check('applyDiag1', [q], dm, (s) => applyDiag1(s, n, q, d[0], d[1], d[2], d[3], cm));
    const ph = Float64Array.from([1, 0, 0, 0, 0, 0, d[2], d[3]]);
    check('applyDiag1 (phase fast path)', [q], ph, (s) => applyDiag1(s, n, q, 1, 0, d[2], d[3], cm));
    const d4 = Float64Array.from({ length: 8 }, () => rng.normal());
    const dm4 = new Float64Array(32);
    for (let l = 0; l < 4; l++) { dm4[2 * (l * 4 + l)] = d4[2 * l]; dm4[2 * (l * 4 + l) + 1] = d4[2 * l + 1]; }
    check('applyDiagK', [q, q1], dm4, (s) => applyDiagK(s, n, [q, q1], d4, cm));
    check('applyX', [q], Float64Array.from([0, 0, 1, 0, 1, 0, 0, 0]), (s) => applyX(s, n, q, cm));
    const sw = new Float64Array(32);
    sw[0] = 1; sw[2 * (1 * 4 + 2)] = 1; sw[2 * (2 * 4 + 1)] = 1; sw[30] = 1;
    check('applySwap', [q, q1], sw, (s) => applySwap(s, n, q, q1, cm));
  }
});

test('every gate in the table is unitary at random angles, and its dispatch matches the dense product', () => {
  const rng = new Rng(3);
  const scratch = new ApplyScratch();
  for (const name of gateNames()) {
    const r = resolveGate(name)!;
    const g = r.def, D = 1 << g.qubits;
    for (let t = 0; t < 3; t++) {
      const p = Float64Array.from({ length: g.params }, () => (rng.next() * 4 - 2) * Math.PI);
      const m = new Float64Array(2 * D * D);
      g.fill(p, m);
      assert.ok(unitarityError(m, D) < 1e-12, `${name} is unitary`);
      const n = 4, wires = [3, 1].slice(0, g.qubits);
      const s = randomState(rng, n), e = Float64Array.from(s);
      applyGateMatrix(s, n, g.shape, wires, m, 1 << 0, scratch);
      applyDense(e, n, wires, m, 1 << 0);
      assertAllClose(s, e, 1e-12, `${name} dispatch`);
    }
  }
});

test('each gate derivative matrix matches a central difference of the gate matrix', () => {
  const rng = new Rng(4);
  for (const name of gateNames()) {
    const g = baseGate(name);
    if (!g || g.params === 0) continue;
    const D = 1 << g.qubits;
    const p = Float64Array.from({ length: g.params }, () => rng.next() * 6 - 3);
    for (let j = 0; j < g.params; j++) {
      const d = new Float64Array(2 * D * D), a = new Float64Array(2 * D * D), b = new Float64Array(2 * D * D);
      g.dfill(p, j, d);
      const h = 1e-6, pp = Float64Array.from(p), pm = Float64Array.from(p);
      pp[j] += h; pm[j] -= h;
      g.fill(pp, a); g.fill(pm, b);
      assertAllClose(d, a.map((v, i) => (v - b[i]) / (2 * h)), 1e-8, `${name} d/dp${j}`);
    }
  }
});
