/** The quantum kernel's bandwidth (Shaydulin & Wild 2022) chosen on validation folds of the training rows. */
import test from 'node:test';
import assert from 'node:assert/strict';
import { loadDataset } from './datasets.js';
import { Detector } from './detector.js';
import { selectRows, stratifiedSplit } from './table.js';
import { KernelSVM, stratifiedFolds } from './models/kernel-svm.js';

test('stratified folds partition the rows, each fold keeping every class', () => {
  const y = Int32Array.from({ length: 90 }, (_, i) => (i < 60 ? 0 : i < 81 ? 1 : 2));
  const folds = stratifiedFolds(y, 3, 4);
  const seen = new Int32Array(y.length);
  for (const f of folds) {
    assert.equal(f.tr.length + f.val.length, y.length);
    for (const i of f.val) seen[i]++;
    for (const c of [0, 1, 2]) assert.ok(f.val.some((i) => y[i] === c), `fold lacks class ${c}`);
  }
  assert.ok(seen.every((v) => v === 1), 'every row validates exactly once');
});

test('on angles spread over [0, 4π] the untuned fidelity kernel is nearly diagonal; the bandwidth chosen on validation folds recovers held-out accuracy', () => {
  const d = loadDataset('wine');
  const sp = stratifiedSplit(d.labels, 0.3, 1);
  const train = selectRows(d, sp.train), held = selectRows(d, sp.test);
  const pipeline = { range: [0, 4 * Math.PI] as [number, number] };
  const fixed = Detector.train(train, { type: 'qsvm', qubits: 8, svm: { bandwidth: 1 } }, { seed: 1, pipeline });
  const tuned = Detector.train(train, { type: 'qsvm', qubits: 8 }, { seed: 1, pipeline });
  const a1 = fixed.evaluate(held).accuracy, a2 = tuned.evaluate(held).accuracy;
  const s = (tuned.model as KernelSVM).bandwidth;
  assert.ok(s < 1, `chosen bandwidth ${s}`);
  assert.ok(a2 >= a1 + 0.15, `tuned ${a2.toFixed(3)} (s = ${s}) against untuned ${a1.toFixed(3)}`);
  // The chosen bandwidth is saved with the model and used after loading.
  const back = Detector.fromJSON(JSON.parse(JSON.stringify(tuned.toJSON())));
  assert.equal((back.model as KernelSVM).bandwidth, s);
  assert.deepEqual(Array.from(back.predictProba(held.table)), Array.from(tuned.predictProba(held.table)));
});
