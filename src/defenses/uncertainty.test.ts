import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadDataset } from '../qml/datasets.js';
import { selectRows, stratifiedSplit } from '../qml/table.js';
import { Detector } from '../qml/detector.js';
import { modelFromJSON } from '../qml/models/registry.js';
import { LogisticRegression } from '../qml/models/logreg.js';
import { RawTarget, NSL_KDD_CONSTRAINTS } from '../attacks/target.js';
import { evasionAttack } from '../attacks/registry.js';
import { threatModel } from '../attacks/threat.js';
import { Rng } from '../core/rng.js';
import { detectionAuroc, disagreement, ensembleUncertainty, EnsembleModel, entropyRows, LaplaceLogReg, trainEnsemble } from './uncertainty.js';
import { assertClose } from '../testing/shared.js';
import './inference.js';

const all = loadDataset('nsl-kdd', { maxRows: 1500, seed: 8 });
const s = stratifiedSplit(all.labels, 0.3, 1);
const tr = selectRows(all, s.train), te = selectRows(all, s.test.slice(0, 120));

test('entropy and mutual information: hand-computed values', () => {
  const a = Float64Array.from([0.9, 0.1, 0.5, 0.5]), b = Float64Array.from([0.1, 0.9, 0.5, 0.5]);
  const u = ensembleUncertainty([a, b], 2, 2);
  assertClose(u.mean[0], 0.5, 1e-15, 'mean');
  assertClose(u.entropy[0], Math.log(2), 1e-15, 'H(mean)');
  const hm = -(0.9 * Math.log(0.9) + 0.1 * Math.log(0.1));
  assertClose(u.mutualInformation[0], Math.log(2) - hm, 1e-15, 'MI row 0: the members disagree');
  assertClose(u.mutualInformation[1], 0, 1e-15, 'MI row 1: they agree');
  assertClose(entropyRows(Float64Array.from([1, 0]), 1, 2)[0], 0, 0, 'certain');
});

test('a deep ensemble of quantum models predicts, differentiates and round-trips; its disagreement is a detection signal', () => {
  const det = Detector.train(tr, { type: 'vqc', qubits: 4, layers: 1 }, { epochs: 3, seed: 1 });
  const X = det.inputs(tr.table), y = det.labelsFor(tr);
  const ens = trainEnsemble(det.model, X, y, 3, 5, { epochs: 3 });
  const Xt = det.inputs(te.table), yt = det.labelsFor(te);
  const p = ens.predictProba(Xt);
  let acc = 0;
  for (let r = 0; r < Xt.rows; r++) if ((p[2 * r + 1] > p[2 * r] ? 1 : 0) === yt[r]) acc++;
  assert.ok(acc / Xt.rows > 0.8, `ensemble accuracy ${acc / Xt.rows}`);
  const back = modelFromJSON(JSON.parse(JSON.stringify(ens.toJSON()))) as EnsembleModel;
  assert.deepEqual(Array.from(back.predictProba(Xt)), Array.from(p));
  // Input gradient of the ensemble loss against finite differences.
  const g = ens.lossGrad(Xt, yt, { wrtInputs: true }).dinputs!;
  const one = (v: number) => { const Z = { data: Float64Array.from(Xt.data.subarray(0, Xt.cols)), rows: 1, cols: Xt.cols }; Z.data[2] = v; return ens.lossGrad(Z, yt.subarray(0, 1)).loss; };
  const x = Xt.data[2];
  assertClose(g[2], (one(x + 1e-6) - one(x - 1e-6)) / 2e-6, 1e-6, 'd/dx');
});

test('the quantum/classical disagreement detector and the Laplace head flag adversarial records better than chance', () => {
  const q = Detector.train(tr, { type: 'vqc', qubits: 6, layers: 2 }, { epochs: 6, seed: 2 });
  const c = Detector.train(tr, { type: 'logreg' }, { epochs: 30, seed: 2 });
  // Records made adversarial against the classical model (white-box PGD in raw features).
  const tgt = new RawTarget(c, te.table, NSL_KDD_CONSTRAINTS, tr.table);
  const X0 = tgt.initial(), yc = c.labelsFor(te);
  const adv = evasionAttack('pgd').run({ target: tgt, X0, y: yc, rows: te.table.rows, threat: threatModel({ epsilon: 1, space: 'raw', constraints: NSL_KDD_CONSTRAINTS, steps: 10 }), rng: new Rng(1) }).X;
  tgt.constrain(adv, X0, te.table.rows, 'toward');
  const advTable = tgt.tableWith(adv, te.table.rows);
  const score = (t: typeof te.table) => disagreement(q.predictProba(t), c.predictProba(t), t.rows, 2);
  const auc = detectionAuroc(score(te.table), score(advTable));
  assert.ok(auc > 0.6, `disagreement detector AUROC ${auc.toFixed(3)}`);
  const lap = LaplaceLogReg.fit(c.model as LogisticRegression, c.inputs(tr.table), 1, 64, 3);
  const mi = (t: typeof te.table) => ensembleUncertainty(lap.sampleProba(c.inputs(t)), t.rows, 2).entropy;
  const aucL = detectionAuroc(mi(te.table), mi(advTable));
  assert.ok(aucL > 0.6, `Laplace predictive-entropy AUROC ${aucL.toFixed(3)}`);
  const back = modelFromJSON(JSON.parse(JSON.stringify(lap.toJSON())));
  assert.deepEqual(Array.from(back.predictProba(c.inputs(te.table))), Array.from(lap.predictProba(c.inputs(te.table))));
  assert.throws(() => LaplaceLogReg.fit(c.model as LogisticRegression, c.inputs(tr.table), 0), /prior precision must be > 0/);
});
