import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { loadDataset } from '../qml/datasets.js';
import { selectRows, stratifiedSplit } from '../qml/table.js';
import { Detector } from '../qml/detector.js';
import { predict } from '../qml/model.js';
import { modelFromJSON } from '../qml/models/registry.js';
import { stateInterception } from '../attacks/quantum/quantum-attacks.js';
import { certifiedAccuracyCurve, topTwo, weberFidelityBound } from './certify.js';
import { assertClose } from '../testing/shared.js';

const d = loadDataset('breast-cancer');
const s = stratifiedSplit(d.labels, 0.3, 2);
const det = Detector.train(selectRows(d, s.train), { type: 'vqc', qubits: 4, layers: 3, readout: 'born' }, { epochs: 30, lr: 0.05, seed: 1 });
const held = selectRows(d, s.test.slice(0, 40));
const X = det.inputs(held.table), y = det.labelsFor(held);

test('a Born-rule VQC learns, differentiates correctly and round-trips', () => {
  const acc = predict(det.model, X).reduce((a, v, i) => a + (v === y[i] ? 1 : 0), 0) / y.length;
  assert.ok(acc >= 0.75, `accuracy ${acc} (majority class: 0.63)`);
  assert.equal(det.model.params.length, (det.model as unknown as { layer: { numParams: number } }).layer.numParams, 'no head parameters');
  const g = det.model.lossGrad(X, y, { wrtInputs: true });
  const h = 1e-6, k = 3, v = det.model.params[k];
  det.model.params[k] = v + h; const lp = det.model.lossGrad(X, y).loss;
  det.model.params[k] = v - h; const lm = det.model.lossGrad(X, y).loss;
  det.model.params[k] = v;
  assertClose(g.dparams[k], (lp - lm) / (2 * h), 1e-6, 'dθ');
  const back = modelFromJSON(JSON.parse(JSON.stringify(det.model.toJSON())));
  assert.deepEqual(Array.from(back.predictProba(X)), Array.from(det.model.predictProba(X)));
});

test('no interception inside a row\'s certified fidelity ball flips its prediction (attack suite, property over rows and seeds)', () => {
  const p = det.model.predictProba(X), tt = topTwo(p, X.rows, 2);
  fc.assert(fc.property(fc.integer({ min: 0, max: X.rows - 1 }), fc.integer({ min: 0, max: 1e5 }), (r, seed) => {
    const Fstar = weberFidelityBound(tt[r].pA, tt[r].pB);
    if (Fstar >= 0.9999) return; // nothing certified for this row
    const one = { data: X.data.slice(r * X.cols, (r + 1) * X.cols), rows: 1, cols: X.cols };
    // The attack aims at flipping the model's own prediction, inside fidelity ≥ F* + 1e-3 for every state.
    const res = stateInterception(det.model, one, Int32Array.of(tt[r].cls), Math.min(1, Fstar + 1e-3), seed, 25);
    assert.ok((res.details.guaranteed_min_fidelity as number) >= Fstar, 'the attack stayed in the ball');
    assert.equal(res.robust_accuracy, 1, `row ${r}: certified at F* = ${Fstar.toFixed(4)} but flipped`);
  }), { numRuns: 25 });
});

test('certified accuracy grows with the fidelity the attacker must keep', () => {
  const curve = certifiedAccuracyCurve(det.model.predictProba(X), y, 2, [0.5, 0.9, 0.99, 0.999, 1]);
  for (let i = 1; i < curve.length; i++) assert.ok(curve[i].certified_accuracy >= curve[i - 1].certified_accuracy);
  assert.ok(curve[curve.length - 1].certified_accuracy > 0.5);
});

test('the input-space radius of the angle encoding: no PGD step inside it flips a certified row', async () => {
  const { angleEncodingLinfRadius } = await import('./certify.js');
  const { InputTarget } = await import('../attacks/target.js');
  const { evasionAttack } = await import('../attacks/registry.js');
  const { threatModel } = await import('../attacks/threat.js');
  const { runAttack } = await import('../attacks/attack.js');
  const p = det.model.predictProba(X), tt = topTwo(p, X.rows, 2);
  let checked = 0;
  for (let r = 0; r < X.rows; r++) {
    if (tt[r].cls !== y[r]) continue;
    const rad = angleEncodingLinfRadius(weberFidelityBound(tt[r].pA, tt[r].pB), X.cols);
    if (!(rad > 1e-6)) continue;
    const one = X.data.slice(r * X.cols, (r + 1) * X.cols);
    const rep = runAttack(evasionAttack('pgd'), new InputTarget(det.model), one, y.subarray(r, r + 1), 1, threatModel({ epsilon: rad * 0.999, steps: 20, restarts: 2 }), r);
    assert.equal(rep.robust_accuracy, 1, `row ${r}: flipped inside its certified L∞ radius ${rad}`);
    checked++;
  }
  assert.ok(checked >= 5, `${checked} certified rows checked`);
  // Fidelity of product encodings: Π cos²(δ/2) at δ = radius equals F* exactly.
  assertClose(Math.cos(angleEncodingLinfRadius(0.8, 3) / 2) ** 6, 0.8, 1e-12, 'radius ↔ F*');
});
