import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../core/rng.js';
import { batchAdjoint, batchExpectations } from './batch.js';
import { BatchPool } from './batch-pool.js';
import { ThreadTeam } from './parallel.js';
import { jacobian } from './gradients.js';
import { compile } from './program.js';
import { runProgram } from './execute.js';
import { Statevector } from './statevector.js';
import { FusedRunner } from './fused.js';
import { observable, Z } from './observable.js';
import { CircuitBuilder, param } from './circuit.js';
import { randomCircuit, randomVector } from '../testing/random-circuits.js';
import { assertAllClose } from '../testing/shared.js';

const rng = new Rng(99);
const circuit = randomCircuit(rng, { qubits: 4, gates: 30, params: 6, inputs: 3, extraControls: 0.2 });
const obs = [Z(0), observable([[0.5, 'X1 Z2'], [1, 'Y3']])];
const rows = 37;
const X = randomVector(rng, rows * 3, 1);
const params = randomVector(rng, 6);

test('a batch gives, row by row, what one evaluation per row gives', () => {
  const out = batchExpectations(circuit, obs, { inputs: X, inputCols: 3, params });
  for (let r = 0; r < rows; r++) {
    const j = jacobian(circuit, obs, { params, inputs: X.subarray(3 * r, 3 * r + 3), method: 'adjoint' });
    assertAllClose(out.subarray(2 * r, 2 * r + 2), j.values, 1e-12, `row ${r}`);
  }
});

test('batched adjoint Jacobians equal per-row Jacobians for parameters and inputs', () => {
  const b = batchAdjoint(circuit, obs, { inputs: X, inputCols: 3, params });
  for (let r = 0; r < rows; r += 6) {
    const j = jacobian(circuit, obs, { params, inputs: X.subarray(3 * r, 3 * r + 3), method: 'finite-diff' });
    for (let o = 0; o < 2; o++) {
      assertAllClose(b.dparams.subarray((r * 2 + o) * 6, (r * 2 + o + 1) * 6), j.dparams[o], 1e-6, `row ${r} dθ`);
      assertAllClose(b.dinputs.subarray((r * 2 + o) * 3, (r * 2 + o + 1) * 3), j.dinputs[o], 1e-6, `row ${r} dx`);
    }
  }
});

test('per-row parameters: each row runs with its own parameter vector', () => {
  const P = randomVector(rng, rows * 6);
  const out = batchExpectations(circuit, obs, { inputs: X, inputCols: 3, paramRows: P, paramCols: 6 });
  const r = 11;
  const j = jacobian(circuit, obs, { params: P.subarray(66, 72), inputs: X.subarray(33, 36) });
  assertAllClose(out.subarray(2 * r, 2 * r + 2), j.values, 1e-12, 'row 11');
});

test('a batch split across worker threads gives the same numbers as one thread', async () => {
  const pool = BatchPool.create(3);
  try {
    const one = batchExpectations(circuit, obs, { inputs: X, inputCols: 3, params });
    const many = await pool.expectations(circuit, obs, { inputs: X, inputCols: 3, params });
    assertAllClose(many, one, 0, 'expectations');
    const a1 = batchAdjoint(circuit, obs, { inputs: X, inputCols: 3, params });
    const a2 = await pool.adjoint(circuit, obs, { inputs: X, inputCols: 3, params });
    assertAllClose(a2.dinputs, a1.dinputs, 0, 'adjoint');
    await assert.rejects(pool.expectations(circuit, obs, { inputs: X.subarray(0, 6), inputCols: 2, params }), /reads 3 input feature/);
  } finally {
    await pool.close();
  }
});

test('gates split across a thread team leave exactly the state one thread leaves', async () => {
  const r2 = new Rng(5);
  const big = randomCircuit(r2, { qubits: 17, gates: 60, extraControls: 0.3 });
  const prog = compile(big);
  const team = ThreadTeam.create(2);
  try {
    const shared = team.statevector(17);
    await team.ready(shared);
    runProgram(prog, shared);
    const plain = Statevector.zero(17);
    runProgram(prog, plain);
    assertAllClose(shared.data, plain.data, 1e-13, 'state');
    shared.reset();
    new FusedRunner(prog).run(shared, [], []);
    assertAllClose(shared.data, plain.data, 1e-12, 'fused state');
  } finally {
    await team.close();
  }
});

test('a circuit edited in place after a batch gives the edited circuit\'s values in the next batch', () => {
  const c = new CircuitBuilder(2).ry(0, param(0)).cx(0, 1).build();
  const before = batchExpectations(c, [Z(1)], { params: [Math.PI] });
  assertAllClose(before, [-1], 1e-12, 'before');
  (c.ops[0] as { gate: string }).gate = 'rz';
  const after = batchExpectations(c, [Z(1)], { params: [Math.PI] });
  assertAllClose(after, [1], 1e-12, 'after the edit');
});

test('a batch reading one qubit (gates outside its light cone skipped) gives what the whole circuit gives, row by row', () => {
  const rng = new Rng(101);
  const b = new CircuitBuilder(6);
  let k = 0;
  for (let l = 0; l < 5; l++) {
    for (let q = 0; q < 6; q++) { b.ry(q, param(k++)); b.rz(q, param(k++)); }
    for (let q = 0; q < 5; q++) b.cx(q, q + 1);
    b.cz(5, 0);
  }
  const c = b.build();
  const rowsP = randomVector(rng, 12 * k);
  for (const obs of [[Z(0)], [Z(2)], [observable([[0.5, 'X1 Y2'], [0.25, 'Z0']])]]) {
    const out = batchExpectations(c, obs, { paramRows: rowsP, paramCols: k });
    for (let r = 0; r < 12; r++) {
      const j = jacobian(c, obs, { params: rowsP.subarray(r * k, (r + 1) * k), method: 'adjoint' });
      assertAllClose(out.subarray(r, r + 1), j.values, 1e-12, `row ${r}`);
    }
  }
});
