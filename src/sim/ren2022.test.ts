import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { CircuitBuilder, input, param, sum, type Circuit } from './circuit.js';
import { Evaluator } from './evaluator.js';
import { Z } from './observable.js';
import { parseQasm } from './qasm.js';
import { simulate } from './simulate.js';
import { sharedPath, assertClose } from '../testing/shared.js';

interface RenModel {
  theta_trained: number[]; theta_adversarially_trained: number[];
  x_train: number[][]; y_train: number[][];
  expected: Record<string, number>;
  example_qasm_train_index_50_trained: string;
}
const model = JSON.parse(fs.readFileSync(sharedPath('reference', 'ren2022', 'model.json'), 'utf8')) as RenModel;

/** The published layout: 4 blocks of rx/rz layers (8, 6, 6, 6), each closed by a brick of CNOTs; angle k = x[k] + θ[k]. */
function renCircuit(): Circuit {
  const b = new CircuitBuilder(10);
  let k = 0;
  for (const layers of [8, 6, 6, 6]) {
    for (let l = 0; l < layers; l++) {
      for (let q = 0; q < 10; q++) { b.gate(l % 2 === 0 ? 'rx' : 'rz', [q], [sum(input(k), param(k))]); k++; }
    }
    for (const [c, t] of [[0, 1], [2, 3], [4, 5], [6, 7], [8, 9], [1, 2], [3, 4], [5, 6], [7, 8]]) b.cx(c, t);
  }
  assert.equal(k, 260);
  return b.build();
}

test('Ren et al. 2022: the published classifier reproduces its P0 values and training accuracies exactly', () => {
  const ev = new Evaluator(renCircuit(), [Z(4)]);
  const p0 = (theta: number[], i: number) => (1 + ev.values(theta, model.x_train[i])[0]) / 2;
  assertClose(p0(model.theta_trained, 50), model.expected.P0_trained_train_index_50, 1e-9, 'P0 sample 50');
  assertClose(p0(model.theta_trained, 231), model.expected.P0_trained_train_index_231, 1e-9, 'P0 sample 231');
  for (const [theta, key] of [[model.theta_trained, 'train_accuracy_trained'], [model.theta_adversarially_trained, 'train_accuracy_adversarially_trained']] as const) {
    let correct = 0;
    model.x_train.forEach((_, i) => {
      const hand = p0(theta, i) > 0.5;
      if (hand === (model.y_train[i][0] === 1)) correct++;
    });
    assert.equal(correct / model.x_train.length, model.expected[key], key);
  }
});

test('Ren et al. 2022: the example QASM file gives the same P0 as the circuit template', () => {
  const r = simulate(parseQasm(model.example_qasm_train_index_50_trained, { file: 'ren2022 example' }));
  let p0 = 0;
  for (let i = 0; i < 1024; i++) if (!(i & 16)) p0 += r.probabilities[i];
  assertClose(p0, model.expected.P0_trained_train_index_50, 1e-9, 'P0 from QASM');
});
