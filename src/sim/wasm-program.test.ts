import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { Rng } from '../core/rng.js';
import { apply1Range, applyDense, applyDiag1Range, applyXRange, pairCount } from './kernels.js';
import { allocAmplitudes, simd, simdApply1Range, simdPointer } from './simd.js';
import { ApplyScratch, applyGateMatrix } from './apply.js';
import { compile } from './program.js';
import { runProgram } from './execute.js';
import { Statevector } from './statevector.js';
import { compileWasm } from './wasm-program.js';
import { batchExpectations } from './batch.js';
import { Evaluator } from './evaluator.js';
import { observable, Z } from './observable.js';
import { CircuitBuilder, input, param } from './circuit.js';
import { randomCircuit, randomVector } from '../testing/random-circuits.js';
import { assertAllClose } from '../testing/shared.js';

function randomStateInto(rng: Rng, out: Float64Array): Float64Array {
  let norm = 0;
  for (let i = 0; i < out.length; i++) { out[i] = rng.normal(); norm += out[i] * out[i]; }
  for (let i = 0; i < out.length; i++) out[i] /= Math.sqrt(norm);
  return out;
}

/** Distinct random qubits. */
function pickQubits(rng: Rng, n: number, k: number): number[] {
  const all = [...Array(n).keys()];
  for (let i = 0; i < k; i++) { const j = i + rng.int(n - i); [all[i], all[j]] = [all[j], all[i]]; }
  return all.slice(0, k);
}

test('controlled SIMD kernels equal the TypeScript range kernels on random states, controls and pair ranges', () => {
  const x = simd()!.exports, rng = new Rng(160);
  for (let t = 0; t < 150; t++) {
    const n = 2 + rng.int(10), c = 1 + rng.int(Math.min(3, n - 1));
    const [q, ...controls] = pickQubits(rng, n, c + 1);
    const cmask = controls.reduce((a, w) => a | (1 << w), 0), pairs = pairCount(n, cmask);
    const lo = rng.next() < 0.5 ? 0 : rng.int(pairs), hi = rng.next() < 0.5 ? pairs : lo + rng.int(pairs - lo + 1);
    const base = randomStateInto(rng, new Float64Array(2 << n));
    const m = Float64Array.from({ length: 8 }, () => rng.normal());
    const real = Float64Array.from(m, (v, i) => (i % 2 ? 0 : v));
    const cases: Array<[string, (p: number) => void, (s: Float64Array) => void]> = [
      ['apply1', (p) => simdApply1Range(x, p, q, m, lo, hi, cmask), (s) => apply1Range(s, q, m, cmask, lo, hi)],
      ['apply1Real', (p) => simdApply1Range(x, p, q, real, lo, hi, cmask), (s) => apply1Range(s, q, real, cmask, lo, hi)],
      ['diag1', (p) => x.diag1(p, q, cmask, lo, hi, m[0], m[1], m[6], m[7]), (s) => applyDiag1Range(s, q, m[0], m[1], m[6], m[7], cmask, lo, hi)],
      ['phase', (p) => x.diag1(p, q, cmask, lo, hi, 1, 0, m[6], m[7]), (s) => applyDiag1Range(s, q, 1, 0, m[6], m[7], cmask, lo, hi)],
      ['X', (p) => x.applyX(p, q, cmask, lo, hi), (s) => applyXRange(s, q, cmask, lo, hi)],
    ];
    for (const [name, runSimd, runTs] of cases) {
      const a = allocAmplitudes(base.length);
      a.set(base);
      runSimd(simdPointer(a));
      const ts = Float64Array.from(base);
      runTs(ts);
      assertAllClose(a, ts, 1e-12, `${name} n=${n} q=${q} cmask=${cmask} [${lo},${hi})`);
    }
  }
});

test('every one- and two-qubit gate shape, controlled or not, runs in SIMD and equals the dense oracle', () => {
  const rng = new Rng(161), scratch = new ApplyScratch();
  for (let t = 0; t < 120; t++) {
    const n = 3 + rng.int(8), k = 1 + rng.int(2), c = rng.int(Math.min(2, n - k) + 1);
    const wires = pickQubits(rng, n, k + c), targets = wires.slice(0, k), cmask = wires.slice(k).reduce((a, w) => a | (1 << w), 0);
    const D = 1 << k, m = Float64Array.from({ length: 2 * D * D }, () => rng.normal());
    const shapes = k === 1 ? ['dense', 'diag', 'x'] as const : ['dense', 'diag', 'swap'] as const;
    for (const shape of shapes) {
      const mat = new Float64Array(2 * D * D);
      if (shape === 'dense') mat.set(m);
      else if (shape === 'diag') for (let l = 0; l < D; l++) { mat[2 * (l * D + l)] = m[2 * l]; mat[2 * (l * D + l) + 1] = m[2 * l + 1]; }
      else if (shape === 'x') mat.set([0, 0, 1, 0, 1, 0, 0, 0]);
      else { mat[0] = 1; mat[2 * (1 * 4 + 2)] = 1; mat[2 * (2 * 4 + 1)] = 1; mat[30] = 1; }
      const s = randomStateInto(rng, allocAmplitudes(2 << n)), e = Float64Array.from(s);
      assert.ok(simdPointer(s) >= 0);
      applyGateMatrix(s, n, shape, targets, mat, cmask, scratch);
      applyDense(e, n, targets, mat, cmask);
      assertAllClose(s, e, 1e-12, `${shape} on [${targets}] cmask=${cmask} n=${n}`);
    }
  }
});

test('the whole-circuit interpreter gives the TypeScript kernels\' state to 1e-12 on random circuits of every gate', () => {
  const rng = new Rng(162);
  for (let t = 0; t < 60; t++) {
    const n = 1 + rng.int(9), P = 1 + rng.int(5), Xn = 1 + rng.int(4);
    const c = randomCircuit(rng, { qubits: n, gates: 5 + rng.int(40), params: P, inputs: Xn, extraControls: 0.3, unitaries: true });
    const prog = compile(c);
    const w = compileWasm(prog);
    assert.ok(w, `interpreter accepts circuit ${t}`);
    for (let r = 0; r < 3; r++) {
      const params = randomVector(rng, P), inputs = randomVector(rng, Xn);
      const plain = new Float64Array(2 << n);
      plain[0] = 1;
      runProgram(prog, new Statevector(n, plain), { params, inputs });
      assertAllClose(w.run(params, inputs), plain, 1e-12, `circuit ${t} row ${r} n=${n}`);
    }
  }
});

test('batches run in the interpreter and agree with one Evaluator call per row', () => {
  const rng = new Rng(163);
  const c = randomCircuit(rng, { qubits: 6, gates: 60, params: 5, inputs: 3, extraControls: 0.2 });
  const obs = [Z(0), observable([[0.5, 'X1 Z2'], [1, 'Y3'], [-0.25, 'Z4 Z5']])];
  const X = randomVector(rng, 20 * 3, 1), params = randomVector(rng, 5);
  const out = batchExpectations(c, obs, { inputs: X, inputCols: 3, params });
  const ev = new Evaluator(c, obs);
  for (let r = 0; r < 20; r++) assertAllClose(out.subarray(2 * r, 2 * r + 2), ev.values(params, X.subarray(3 * r, 3 * r + 3)), 1e-12, `row ${r}`);
});

test('a circuit the interpreter does not take (three-qubit unitary) is refused and batches still run', () => {
  const c = new CircuitBuilder(3).ry(0, input(0)).unitary([0, 1, 2], Array.from({ length: 8 }, (_, r) => Array.from({ length: 8 }, (_, k) => [r === k ? 1 : 0, 0] as [number, number]))).rz(1, param(0)).build();
  assert.equal(compileWasm(compile(c)), null);
  const out = batchExpectations(c, [Z(0)], { inputs: Float64Array.from([0, Math.PI]), inputCols: 1, params: [0.1] });
  assertAllClose(out, [1, -1], 1e-12, 'fallback path');
});

test('with QML6G_SIMD=0 batches take the TypeScript path and give the same numbers', () => {
  const script = `
    import { batchExpectations, CircuitBuilder, param, input, Z, simdStatus } from './dist/index.js';
    import { compileWasm } from './dist/sim/wasm-program.js';
    import { compile } from './dist/sim/program.js';
    const b = new CircuitBuilder(5);
    for (let l = 0; l < 3; l++) { for (let q = 0; q < 5; q++) { b.ry(q, input(q % 2)); b.rz(q, param(q)); } for (let q = 0; q < 4; q++) b.cx(q, q + 1); }
    const c = b.build();
    const out = batchExpectations(c, [Z(0), Z(4)], { inputs: Float64Array.from([0.1, 0.2, 0.3, 0.4]), inputCols: 2, params: [0.5, 0.6, 0.7, 0.8, 0.9] });
    console.log(JSON.stringify({ active: simdStatus().active, interpreter: compileWasm(compile(c)) !== null, out: Array.from(out) }));
  `;
  const run = (env: Record<string, string>) => JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: new URL('../..', import.meta.url), env: { ...process.env, ...env }, encoding: 'utf8',
  }).trim().split('\n').pop()!);
  const off = run({ QML6G_SIMD: '0' }), on = run({ QML6G_SIMD: '1' });
  assert.equal(off.active, false);
  assert.equal(off.interpreter, false, 'no interpreter without SIMD');
  assert.equal(on.interpreter, true);
  assertAllClose(on.out, off.out, 1e-12, 'interpreter vs TypeScript fallback');
});

test('an Evaluator on a small exact circuit runs the interpreter, and its state (read after) is the TypeScript kernels\' state', () => {
  const rng = new Rng(164);
  const c = randomCircuit(rng, { qubits: 5, gates: 50, params: 4, inputs: 2, extraControls: 0.2, unitaries: true });
  const ev = new Evaluator(c, [Z(0), observable([[0.3, 'X1 Y2']])]);
  const prog = compile(c);
  for (let r = 0; r < 4; r++) {
    const params = randomVector(rng, 4), inputs = randomVector(rng, 2);
    const v = ev.values(params, inputs);
    const plain = new Float64Array(2 << 5);
    plain[0] = 1;
    runProgram(prog, new Statevector(5, plain), { params, inputs });
    assertAllClose(ev.state!.data, plain, 1e-12, `state after row ${r}`);
    assertAllClose(v, [new Statevector(5, plain).expectation(Z(0)), new Statevector(5, plain).expectation(observable([[0.3, 'X1 Y2']]))], 1e-12, `values row ${r}`);
  }
  // An initial state (amplitude encoding) is where the interpreter starts.
  const init = randomStateInto(rng, new Float64Array(2 << 5));
  ev.setInitialState(init);
  const params = randomVector(rng, 4), inputs = randomVector(rng, 2);
  ev.values(params, inputs);
  const plain = Float64Array.from(init);
  runProgram(prog, new Statevector(5, plain), { params, inputs });
  assertAllClose(ev.state!.data, plain, 1e-12, 'from an initial state');
});

test('runs of controlled-X and SWAP gates, gathered through one permutation table, move amplitudes exactly as the gates do', () => {
  const rng = new Rng(164);
  for (let t = 0; t < 40; t++) {
    const n = 2 + rng.int(9);
    // Mostly permutation gates, so runs of two or more form, with rotations between some of them.
    const gateSet = t % 2 ? ['cx', 'swap', 'ccx', 'cswap', 'x'] : ['cx', 'cx', 'swap', 'ccx', 'ry', 'rz', 'h'];
    const c = randomCircuit(rng, { qubits: n, gates: 10 + rng.int(40), params: 2, inputs: 1, extraControls: 0.3, gateSet });
    const prog = compile(c);
    const w = compileWasm(prog);
    assert.ok(w, `interpreter accepts circuit ${t}`);
    const init = randomStateInto(rng, new Float64Array(2 << n));
    const params = randomVector(rng, 2), inputs = randomVector(rng, 1);
    const plain = Float64Array.from(init);
    runProgram(prog, new Statevector(n, plain), { params, inputs });
    const got = w.run(params, inputs, init);
    if (t % 2) assert.deepEqual(Array.from(got), Array.from(plain), `circuit ${t}: a pure permutation is exact`);
    else assertAllClose(got, plain, 1e-12, `circuit ${t} n=${n}`);
  }
});
