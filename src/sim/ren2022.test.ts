import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Evaluator } from './evaluator.js';
import { Z } from './observable.js';
import { parseQasm } from './qasm.js';
import { simulate } from './simulate.js';
import { assertClose } from '../testing/shared.js';
import { renCircuit, renModel } from '../testing/ren2022.js';

const model = renModel();

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
