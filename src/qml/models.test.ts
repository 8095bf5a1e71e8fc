import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadDataset } from './datasets.js';
import { selectRows, stratifiedSplit, type LabeledData } from './table.js';
import { Detector } from './detector.js';
import { createModel, modelFromJSON, type ModelSpec } from './models/registry.js';
import { CircuitClassifier } from './models/circuit-classifier.js';
import { predict } from './model.js';
import { Rng } from '../core/rng.js';
import type { QmlError } from '../core/errors.js';
import { assertClose } from '../testing/shared.js';
import { renCircuit, renModel } from '../testing/ren2022.js';
import type { RowMatrix } from '../sim/batch.js';

function split(d: LabeledData, seed: number): { train: LabeledData; test: LabeledData } {
  const s = stratifiedSplit(d.labels, 0.3, seed);
  return { train: selectRows(d, s.train), test: selectRows(d, s.test) };
}

function majority(d: LabeledData): number {
  const c = new Array(d.classes.length).fill(0);
  for (const v of d.labels) c[v]++;
  return Math.max(...c) / d.labels.length;
}

const specs: ModelSpec[] = [
  { type: 'vqc', qubits: 4, layers: 2 },
  { type: 'reupload', qubits: 4, layers: 2 },
  { type: 'hybrid', qubits: 3, layers: 2 },
  { type: 'qsvm', qubits: 4 },
  { type: 'qsvm', qubits: 4, kernel: 'projected' },
  { type: 'logreg' },
  { type: 'mlp', hidden: [16] },
  { type: 'svm' },
];

for (const [name, rows, epochs] of [['iris', undefined, 40], ['breast-cancer', undefined, 15], ['nsl-kdd', 1200, 8]] as const) {
  test(`every model learns ${name} well above the majority class, seeded`, () => {
    const d = loadDataset(name, { maxRows: rows, seed: 5 });
    const { train, test: held } = split(d, 1);
    const base = majority(held);
    for (const spec of specs) {
      const det = Detector.train(train, spec, { epochs, seed: 2, lr: 0.05, validation: 0 });
      const acc = det.evaluate(held).accuracy;
      assert.ok(acc > base + 0.6 * (1 - base), `${spec.type}${spec.kernel ? `/${spec.kernel}` : ''} on ${name}: accuracy ${acc.toFixed(3)}, majority ${base.toFixed(3)}`);
    }
  });
}

test('save → load gives identical predictions for every model type', () => {
  const d = loadDataset('iris');
  const { train, test: held } = split(d, 3);
  for (const spec of [...specs, { type: 'vqc', qubits: 2, layers: 1, encoding: 'amplitude' } as ModelSpec, { type: 'vqc', qubits: 4, layers: 1, ansatz: 'qcnn' } as ModelSpec]) {
    const det = Detector.train(train, spec, { epochs: 3, seed: 4, validation: 0 });
    const back = Detector.fromJSON(JSON.parse(JSON.stringify(det)));
    assert.deepEqual(Array.from(back.predictProba(held.table)), Array.from(det.predictProba(held.table)), spec.type);
  }
});

test('gradients w.r.t. parameters and inputs match finite differences for every model', () => {
  const rng = new Rng(8);
  const X: RowMatrix = { data: Float64Array.from({ length: 5 * 4 }, () => rng.next() * 3), rows: 5, cols: 4 };
  const y = Int32Array.from([0, 1, 2, 1, 0]);
  const fit = loadDataset('iris');
  // The kernel models also at a bandwidth other than 1 (the kernel sees s·x: the chain rule's factor s).
  const bandwidths = [{ type: 'qsvm', qubits: 4, svm: { bandwidth: 0.4 } }, { type: 'qsvm', qubits: 4, kernel: 'projected', svm: { bandwidth: 2 } }, { type: 'svm', svm: { bandwidth: 0.3 } }] as ModelSpec[];
  for (const spec of [...specs, ...bandwidths, { type: 'vqc', qubits: 2, layers: 2, encoding: 'amplitude' } as ModelSpec, { type: 'vqc', qubits: 2, layers: 2, encoding: 'dense', ansatz: 'strongly-entangling' } as ModelSpec, { type: 'vqc', qubits: 4, layers: 1, encoding: 'zz', ansatz: 'ttn' } as ModelSpec]) {
    const m = createModel(spec, 4, 3, 9);
    if (m.fit) {
      const det = Detector.train(fit, spec, { seed: 1 });
      Object.assign(m, det.model);
      if (det.model.numFeatures !== 4) continue;
    }
    const model = m.fit ? modelFromJSON(JSON.parse(JSON.stringify(m.toJSON()))) : m;
    const g = model.lossGrad(X, y, { wrtInputs: true });
    const lossAt = () => model.lossGrad(X, y).loss;
    const h = 1e-6;
    for (let i = 0; i < Math.min(model.params.length, 12); i++) {
      const k = (i * 7) % model.params.length, v = model.params[k];
      model.params[k] = v + h; const lp = lossAt();
      model.params[k] = v - h; const lm = lossAt();
      model.params[k] = v;
      assertClose(g.dparams[k], (lp - lm) / (2 * h), 1e-6, `${spec.type} dθ[${k}]`);
    }
    for (const r of [0, 3]) for (let j = 0; j < 4; j++) {
      const v = X.data[r * 4 + j];
      const one = (x: number) => { const Xr = { data: Float64Array.from(X.data.subarray(r * 4, r * 4 + 4)), rows: 1, cols: 4 }; Xr.data[j] = x; return model.lossGrad(Xr, y.subarray(r, r + 1)).loss; };
      assertClose(g.dinputs![r * 4 + j], (one(v + h) - one(v - h)) / (2 * h), 1e-6, `${spec.type}${spec.kernel ? `/${spec.kernel}` : ''} dx[${r},${j}]`);
    }
  }
});

test('the input gradient through the whole detector (pipeline included) matches finite differences on raw features', () => {
  const d = loadDataset('nsl-kdd', { maxRows: 600, seed: 1 });
  for (const spec of [{ type: 'vqc', qubits: 4, layers: 1 }, { type: 'mlp', hidden: [8] }, { type: 'qsvm', qubits: 4 }] as ModelSpec[]) {
    const det = Detector.train(d, spec, { epochs: 2, seed: 3 });
    const rows = selectRows(d, [5, 400]);
    const { columns, grad } = det.rawGradient(rows);
    const lossOf = (name: string, r: number, v: number) => {
      const one = selectRows(rows, [r]);
      const col = one.table.columns.find((c) => c.name === name) as { values: Float64Array };
      col.values[0] = v;
      return det.model.lossGrad(det.inputs(one.table), det.labelsFor(one)).loss;
    };
    for (const name of ['src_bytes', 'count', 'same_srv_rate']) {
      const j = columns.indexOf(name);
      for (const r of [0, 1]) {
        const x = (rows.table.columns.find((c) => c.name === name) as { values: Float64Array }).values[r];
        const h = 1e-5 * Math.max(1, Math.abs(x));
        const fd = (lossOf(name, r, x + h) - lossOf(name, r, x - h)) / (2 * h);
        assertClose(grad.data[r * columns.length + j], fd, 1e-6 * Math.max(1, Math.abs(fd)), `${spec.type} ∂ℓ/∂${name} row ${r}`);
      }
    }
  }
});

test('Ren et al. 2022 as a model: data angle + trained angle, Born-rule read-out, published P0 and accuracies', () => {
  const ren = renModel();
  const X: RowMatrix = { data: Float64Array.from(ren.x_train.flat()), rows: ren.x_train.length, cols: 260 };
  const y = Int32Array.from(ren.y_train as number[][], (v) => (v[0] === 1 ? 0 : 1));
  const m = new CircuitClassifier(renCircuit(), 4, 260, Float64Array.from(ren.theta_trained));
  const p = m.predictProba(X);
  assertClose(p[2 * 50], ren.expected.P0_trained_train_index_50, 1e-9, 'P0 sample 50');
  assertClose(p[2 * 231], ren.expected.P0_trained_train_index_231, 1e-9, 'P0 sample 231');
  const acc = (mm: CircuitClassifier) => predict(mm, X).reduce((a, v, i) => a + (v === y[i] ? 1 : 0), 0) / y.length;
  assert.equal(acc(m), ren.expected.train_accuracy_trained);
  const adv = modelFromJSON({ ...m.toJSON(), params: ren.theta_adversarially_trained }) as CircuitClassifier;
  assert.equal(acc(adv), ren.expected.train_accuracy_adversarially_trained);
});

test('a corrupt or mismatched model file is refused with a clear error', () => {
  const d = loadDataset('iris');
  const det = Detector.train(d, { type: 'logreg' }, { epochs: 2, seed: 1 });
  const j = JSON.parse(JSON.stringify(det));
  const line = (f: () => unknown) => { try { f(); } catch (e) { return (e as QmlError).oneLine(); } return ''; };
  assert.equal(line(() => Detector.fromJSON({ ...j, model: { ...j.model, params: [1, 'x'] } }, 'm.json')), 'm.json: model.params: "params" must be a list of finite numbers (corrupt model file?)');
  assert.throws(() => Detector.fromJSON({ ...j, model: { ...j.model, type: 'forest' } }, 'm.json'), /unknown model type "forest"/);
  assert.throws(() => Detector.fromJSON({ format: 'other' }, 'm.json'), /not a qml6g detector/);
  assert.throws(() => Detector.fromJSON({ ...j, classes: ['a', 'b'] }, 'm.json'), /the model has 3 classes, the detector names 2/);
  assert.throws(() => createModel({ type: 'vqc', qubits: 2, encoding: 'angle-y' }, 5, 2, 0), /5 features do not fit the angle-y encoding on 2 qubits/);
});

test('every quantum model runs exact, shot-based and under a noise model; noise costs accuracy, shots add spread', () => {
  const d = loadDataset('iris');
  const { train, test: held } = split(d, 6);
  const noise = { after_1q: [{ channel: 'depolarizing' as const, p: 0.05 }], after_2q: [{ channel: 'depolarizing' as const, p: 0.1 }] };
  for (const base of [{ type: 'vqc', qubits: 4, layers: 2 }, { type: 'hybrid', qubits: 3, layers: 1 }, { type: 'qsvm', qubits: 4 }, { type: 'qsvm', qubits: 4, kernel: 'projected' }] as ModelSpec[]) {
    const exact = Detector.train(train, base, { epochs: 25, seed: 2, validation: 0 });
    const accExact = exact.evaluate(held).accuracy;
    const json = JSON.parse(JSON.stringify(exact));
    const noisy = Detector.fromJSON(base.type === 'qsvm'
      ? { ...json, model: { ...json.model, options: { ...json.model.options, execution: { noise } } } }
      : { ...json, model: { ...json.model, execution: { noise } } });
    const shot = Detector.fromJSON(base.type === 'qsvm'
      ? { ...json, model: { ...json.model, options: { ...json.model.options, execution: { shots: 512, seed: 1 } } } }
      : { ...json, model: { ...json.model, execution: { shots: 512, seed: 1 } } });
    const pe = exact.predictProba(held.table), pn = noisy.predictProba(held.table), ps = shot.predictProba(held.table);
    const diff = (a: Float64Array, b: Float64Array) => a.reduce((s, v, i) => s + Math.abs(v - b[i]), 0) / a.length;
    assert.ok(diff(pe, pn) > 1e-4, `${base.type}${base.kernel ?? ''}: noise changes the outputs`);
    assert.ok(diff(pe, ps) > 1e-4, `${base.type}${base.kernel ?? ''}: shots change the outputs`);
    assert.ok(diff(pe, ps) < 0.2, `${base.type}${base.kernel ?? ''}: 512 shots stay near the exact outputs`);
    assert.ok(accExact > 0.8, `${base.type}: exact accuracy ${accExact}`);
    // Input gradients exist under noise too (what EOT attacks use), and they point the same way.
    const g1 = exact.rawGradient(held).grad.data, g2 = noisy.rawGradient(held).grad.data;
    let dot = 0, n1 = 0, n2 = 0;
    for (let i = 0; i < g1.length; i++) { dot += g1[i] * g2[i]; n1 += g1[i] ** 2; n2 += g2[i] ** 2; }
    assert.ok(dot / Math.sqrt(n1 * n2) > 0.5, `${base.type}${base.kernel ?? ''}: noisy gradient aligned with the exact one (${(dot / Math.sqrt(n1 * n2)).toFixed(2)})`);
  }
});
