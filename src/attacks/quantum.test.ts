import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadDataset } from '../qml/datasets.js';
import { selectRows, stratifiedSplit } from '../qml/table.js';
import { Detector } from '../qml/detector.js';
import { CircuitClassifier } from '../qml/models/circuit-classifier.js';
import { VariationalClassifier } from '../qml/models/vqc.js';
import { insertAfterEncoding } from '../qml/circuits.js';
import { InputTarget } from './target.js';
import { AdamAttack } from './evasion/adam.js';
import { threatModel } from './threat.js';
import { Rng } from '../core/rng.js';
import { noiseInjection, parameterTampering, readoutManipulation, stateInterception, projectL1 } from './quantum/quantum-attacks.js';
import { assertClose } from '../testing/shared.js';
import { renCircuit, renModel } from '../testing/ren2022.js';
import type { RowMatrix } from '../sim/batch.js';

const d = loadDataset('breast-cancer');
const s = stratifiedSplit(d.labels, 0.3, 1);
const det = Detector.train(selectRows(d, s.train), { type: 'vqc', qubits: 4, layers: 2 }, { epochs: 20, seed: 2 });
const held = selectRows(d, s.test.slice(0, 50));
const X = det.inputs(held.table), y = det.labelsFor(held);

test('parameter tampering: the worst case is worse than random, both within the budget', () => {
  const worst = parameterTampering(det.model, X, y, 0.3, 'worst', 1);
  const rand = parameterTampering(det.model, X, y, 0.3, 'random', 1);
  assert.ok(worst.robust_accuracy < worst.clean_accuracy, `worst ${worst.robust_accuracy} < clean ${worst.clean_accuracy}`);
  assert.ok(worst.robust_accuracy <= rand.robust_accuracy, `worst ${worst.robust_accuracy} ≤ random ${rand.robust_accuracy}`);
  assert.ok((worst.details.loss_tampered as number) > (worst.details.loss_clean as number));
  assert.equal(parameterTampering(det.model, X, y, 0, 'worst', 1).robust_accuracy, worst.clean_accuracy, 'budget 0 changes nothing');
});

test('read-out manipulation lowers accuracy and a zero budget changes nothing', () => {
  const r = readoutManipulation(det.model, X, y, 0.3);
  assert.ok(r.robust_accuracy < r.clean_accuracy);
  assert.equal(readoutManipulation(det.model, X, y, 0).robust_accuracy, r.clean_accuracy);
});

test('state interception stays inside its fidelity guarantee and lowers accuracy', () => {
  const r = stateInterception(det.model, X, y, 0.7, 3, 15);
  assert.ok(r.robust_accuracy < r.clean_accuracy, `${r.robust_accuracy} < ${r.clean_accuracy}`);
  assert.ok((r.details.min_fidelity as number) >= 0.7 - 1e-9, `measured min fidelity ${r.details.min_fidelity} ≥ 0.7`);
  assert.ok((r.details.guaranteed_min_fidelity as number) >= 0.7 - 1e-9);
  const v = Float64Array.from([3, -1, 0.5]);
  projectL1(v, 2);
  assertClose(v.reduce((a, x) => a + Math.abs(x), 0), 2, 1e-12, 'L1 projection');
});

test('noise injection by Pauli expansion equals the density-matrix simulation', () => {
  const m = det.model as VariationalClassifier;
  const r = noiseInjection(m, X, y, 0.4, 2);
  assert.ok(r.robust_accuracy <= r.clean_accuracy);
  const strengths = r.details.depolarizing_per_qubit as number[];
  // The same channels as a noise model on identity gates placed after the encoding, simulated exactly.
  const withId = new VariationalClassifier(m.arch, m.numFeatures, m.numClasses, m.params, {
    noise: { rules: strengths.map((p, k) => ({ gates: ['id'], qubits: [k], channels: [{ channel: 'depolarizing' as const, p }] })) },
  }, (b) => insertAfterEncoding(b, () => ({ ops: strengths.map((_, k) => ({ kind: 'gate' as const, gate: 'id', wires: [k] })), params: 0 })));
  const p = withId.predictProba(X);
  let acc = 0;
  for (let i = 0; i < y.length; i++) if ((p[2 * i + 1] > p[2 * i] ? 1 : 0) === y[i]) acc++;
  assertClose(acc / y.length, r.robust_accuracy, 1e-12, 'accuracy under the injected noise');
});


test('Ren et al. 2022: Adam (lr 0.01) on the foreground input angles flips sample 50 within 10 steps; the adversarially trained angles classify it correctly', () => {
  const ren = renModel();
  const circuit = renCircuit();
  const trained = new CircuitClassifier(circuit, 4, 260, Float64Array.from(ren.theta_trained));
  const x50 = Float64Array.from(ren.x_train[50] as number[]);
  const y50 = Int32Array.of(ren.y_train[50][0] === 1 ? 0 : 1);
  const one: RowMatrix = { data: x50, rows: 1, cols: 260 };
  assertClose(trained.predictProba(one)[0], 0.7085782964, 1e-9, 'P0 before');
  const fg = (_r: number, j: number) => x50[j] > Math.PI + 0.05;
  const atk = new AdamAttack(0.01, fg, true);
  const out = atk.run({ target: new InputTarget(trained), X0: x50, y: y50, rows: 1, threat: threatModel({ epsilon: Infinity, steps: 10 }), rng: new Rng(0) });
  const p0 = trained.predictProba({ data: out.X, rows: 1, cols: 260 })[0];
  assert.ok(p0 < 0.5, `P0 after ${out.steps![0]} steps: ${p0}`);
  assert.ok(out.steps![0] <= 10);
  for (let j = 0; j < 260; j++) if (!fg(0, j)) assert.equal(out.X[j], x50[j], 'background pixels untouched');
  const robust = new CircuitClassifier(circuit, 4, 260, Float64Array.from(ren.theta_adversarially_trained));
  assert.ok(robust.predictProba({ data: out.X, rows: 1, cols: 260 })[0] > 0.5, 'adversarially trained angles: still hand');
});
