import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../core/rng.js';
import { CircuitBuilder, param } from './circuit.js';
import { compile } from './program.js';
import { runProgram } from './execute.js';
import { FusedRunner } from './fused.js';
import { Statevector } from './statevector.js';
import { apply1 } from './kernels.js';
import { allocAmplitudes, BLOCK_QUBITS, simdApply1Blocked } from './simd.js';
import { assertAllClose } from '../testing/shared.js';

test('the cache-blocked pass equals applying each wire\'s 2x2 matrix in turn (TypeScript kernel) to 1e-12', () => {
  const rng = new Rng(31);
  for (let t = 0; t < 20; t++) {
    const n = BLOCK_QUBITS + 1 + rng.int(3), k = 1 + rng.int(BLOCK_QUBITS);
    const wires: number[] = [];
    while (wires.length < k) { const q = rng.int(BLOCK_QUBITS); if (!wires.includes(q)) wires.push(q); }
    // Random unitaries (U3) on a random normalised state, so 1e-12 is an absolute bound.
    const mats = new Float64Array(8 * k);
    for (let i = 0; i < k; i++) {
      const th = rng.next() * 6, ph = rng.next() * 6, la = rng.next() * 6, c = Math.cos(th / 2), sn = Math.sin(th / 2);
      mats.set([c, 0, -Math.cos(la) * sn, -Math.sin(la) * sn, Math.cos(ph) * sn, Math.sin(ph) * sn, Math.cos(ph + la) * c, Math.sin(ph + la) * c], 8 * i);
    }
    const s = allocAmplitudes(2 << n);
    let norm = 0;
    for (let i = 0; i < s.length; i++) { s[i] = rng.normal(); norm += s[i] * s[i]; }
    for (let i = 0; i < s.length; i++) s[i] /= Math.sqrt(norm);
    const ref = Float64Array.from(s);
    assert.ok(simdApply1Blocked(s, n, wires, k, mats));
    wires.forEach((q, i) => apply1(ref, n, q, mats.subarray(8 * i, 8 * i + 8), 0));
    assertAllClose(s, ref, 1e-12, `n=${n} wires=${wires}`);
  }
});

test('a fused run with cache blocking equals the unblocked fused run and gate-by-gate TypeScript', () => {
  const rng = new Rng(32);
  for (let t = 0; t < 6; t++) {
    const n = BLOCK_QUBITS + 1 + rng.int(3), b = new CircuitBuilder(n);
    let k = 0;
    for (let l = 0; l < 3; l++) {
      for (let q = 0; q < n; q++) { b.ry(q, param(k++)); if (rng.next() < 0.7) b.rz(q, param(k++)); if (rng.next() < 0.3) b.h(q); }
      for (let i = 0; i < 4; i++) { const c = rng.int(n); b.cx(c, (c + 1 + rng.int(n - 1)) % n); }
      b.crz(rng.int(BLOCK_QUBITS), BLOCK_QUBITS, param(k++));
    }
    const prog = compile(b.build()), params = Float64Array.from({ length: k }, () => rng.next() * 6);
    const fr = new FusedRunner(prog), blocked = Statevector.zero(n), plain = Statevector.zero(n);
    fr.run(blocked, params, []);
    fr.blocked = false;
    fr.run(plain, params, []);
    assertAllClose(blocked.data, plain.data, 1e-12, `case ${t}: blocked vs one pass per wire`);
    const tsData = new Float64Array(2 << n);
    tsData[0] = 1;
    runProgram(prog, new Statevector(n, tsData), { params });
    assertAllClose(blocked.data, tsData, 1e-12, `case ${t}: blocked vs gate-by-gate TypeScript`);
  }
});
