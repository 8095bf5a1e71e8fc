import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadDataset } from '../qml/datasets.js';
import { selectRows, stratifiedSplit } from '../qml/table.js';
import { Detector } from '../qml/detector.js';
import { modelFromJSON } from '../qml/models/registry.js';
import { InputTarget } from '../attacks/target.js';
import { evasionAttack } from '../attacks/registry.js';
import { runAttack } from '../attacks/attack.js';
import { threatModel } from '../attacks/threat.js';
import { honestChecks } from '../attacks/honest.js';
import { RobustTraining } from './adversarial-training.js';
import { Distillation } from './distillation.js';
import { RandomizedEncodingModel, SqueezedModel } from './inference.js';
import type { Model } from '../qml/model.js';

const all = loadDataset('nsl-kdd', { maxRows: 1500, seed: 3 });
const s = stratifiedSplit(all.labels, 0.3, 1);
const tr = selectRows(all, s.train), te = selectRows(all, s.test.slice(0, 120));
const t0 = performance.now();
const det = Detector.train(tr, { type: 'mlp', hidden: [16] }, { epochs: 10, seed: 1 });
const baseSeconds = (performance.now() - t0) / 1000;
const X = det.inputs(tr.table), y = det.labelsFor(tr), Xt = det.inputs(te.table), yt = det.labelsFor(te);
const eps = 0.3;
const pgdRobust = (m: Model, eot = 1) => runAttack(evasionAttack('pgd'), new InputTarget(m), Xt.data, yt, Xt.rows, threatModel({ epsilon: eps, steps: 10, eot }), 1);

test('PGD adversarial training and TRADES raise robust accuracy at the training ε, at small clean cost', () => {
  const none = pgdRobust(det.model);
  const ctx = { X, y, seed: 1, base: det.model, baseSeconds };
  for (const d of [new RobustTraining({ method: 'pgd-at', epsilon: eps, steps: 5, train: { epochs: 10 } }), new RobustTraining({ method: 'trades', epsilon: eps, steps: 5, train: { epochs: 10 } })]) {
    const r = d.apply(ctx);
    const def = pgdRobust(r.model);
    assert.ok(def.robust_accuracy >= none.robust_accuracy + 0.3, `${d.name}: PGD robust accuracy ${none.robust_accuracy.toFixed(3)} → ${def.robust_accuracy.toFixed(3)}`);
    assert.ok(def.clean_accuracy >= none.clean_accuracy - 0.05, `${d.name}: clean ${none.clean_accuracy} → ${def.clean_accuracy}`);
    assert.ok(r.trainTimeMultiple > 1, `${d.name} costs more training time (x${r.trainTimeMultiple.toFixed(2)})`);
    // The robust model round-trips through save/load like any model.
    const back = modelFromJSON(JSON.parse(JSON.stringify(r.model.toJSON())));
    assert.deepEqual(Array.from(back.predictProba(Xt)), Array.from(r.model.predictProba(Xt)));
  }
});

test('feature squeezing only masks gradients, and the honest-evaluation checks say so', () => {
  const sq = SqueezedModel.fit(det.model, X, 4);
  const tgt = new InputTarget(sq);
  const reps = [0.15, 0.3].flatMap((e) => ['fgsm', 'pgd', 'square'].map((a) => runAttack(evasionAttack(a), tgt, Xt.data, yt, Xt.rows, threatModel({ epsilon: e, steps: 10, queries: 200 }), 1)));
  const unbounded = runAttack(evasionAttack('pgd'), tgt, Xt.data, yt, Xt.rows, threatModel({ epsilon: 100, steps: 10 }), 1);
  const flagged = honestChecks('squeezed', reps, unbounded, Xt.rows).filter((c) => !c.passed).map((c) => c.name);
  assert.ok(flagged.includes('an unbounded attack flips ~100% of correct rows'), flagged.join('; '));
  const back = modelFromJSON(JSON.parse(JSON.stringify(sq.toJSON())));
  assert.deepEqual(Array.from(back.predictProba(Xt)), Array.from(sq.predictProba(Xt)));
});

test('randomised encoding is attacked with expectation over transformation, and round-trips through save/load', () => {
  const rnd = new RandomizedEncodingModel(det.model, 0.2, 4, 7);
  const eot = pgdRobust(rnd, 4);
  assert.ok(eot.robust_accuracy < eot.clean_accuracy - 0.2, `EOT-PGD gets through: ${eot.clean_accuracy} → ${eot.robust_accuracy}`);
  const back = modelFromJSON(JSON.parse(JSON.stringify(rnd.toJSON()))) as RandomizedEncodingModel;
  assert.equal(back.sigma, 0.2);
  assert.equal(back.samples, 4);
  assert.equal(back.inner.type, 'mlp');
});

test('defensive distillation trains a student on the teacher at temperature T; bad parameters are refused', () => {
  const r = new Distillation(10, { epochs: 6 }).apply({ X, y, seed: 2, base: det.model, baseSeconds });
  const acc = pgdRobust(r.model).clean_accuracy;
  assert.ok(acc > 0.9, `student clean accuracy ${acc}`);
  assert.throws(() => new Distillation(0), /temperature must be > 0/);
  assert.throws(() => new Distillation(-3), /temperature must be > 0/);
  assert.throws(() => new RobustTraining({ method: 'pgd-at', epsilon: -1 }), /epsilon must be ≥ 0/);
  assert.throws(() => new RobustTraining({ method: 'pgd-at', mix: 2 }), /mix must be in \(0, 1\]/);
  assert.throws(() => new RandomizedEncodingModel(det.model, -0.1), /sigma must be ≥ 0/);
  assert.throws(() => SqueezedModel.fit(det.model, X, 1), /levels must be an integer ≥ 2/);
});

test('distillation and randomised encoding never pass as robust: the honest checks flag them or the attacks beat them', async () => {
  const { honestChecks } = await import('../attacks/honest.js');
  const verdict = (m: Model, eot: number) => {
    const tgt = new InputTarget(m);
    const reps = [0.25, 0.5].flatMap((e) => ['fgsm', 'pgd', 'square'].map((a) => runAttack(evasionAttack(a), tgt, Xt.data, yt, Xt.rows, threatModel({ epsilon: e, steps: 10, queries: 300, eot }), 1)));
    const unb = runAttack(evasionAttack('deepfool'), tgt, Xt.data, yt, Xt.rows, threatModel({ epsilon: 1e9, norm: 'l2', eot }), 1);
    const flagged = honestChecks('d', reps, unb, Xt.rows).some((c) => !c.passed);
    const worst = Math.min(...reps.filter((r) => r.epsilon === 0.5).map((r) => r.robust_accuracy));
    return { flagged, worst };
  };
  for (const T of [20, 100]) {
    const student = new Distillation(T, { epochs: 6 }).apply({ X, y, seed: 2, base: det.model, baseSeconds }).model;
    const v = verdict(student, 1);
    assert.ok(v.flagged || v.worst < 0.2, `distillation T=${T}: not flagged yet robust (${v.worst})`);
    const back = modelFromJSON(JSON.parse(JSON.stringify(student.toJSON())));
    assert.deepEqual(Array.from(back.predictProba(Xt)), Array.from(student.predictProba(Xt)));
  }
  // Randomised encoding attacked without expectation over transformation is flagged.
  assert.ok(verdict(new RandomizedEncodingModel(det.model, 0.5, 1, 3), 1).flagged, 'randomised encoding without EOT');
});

test('PGD adversarial training in raw traffic features under the domain constraints raises raw-space robustness', async () => {
  const { RawTarget, NSL_KDD_CONSTRAINTS } = await import('../attacks/target.js');
  const { Detector: D } = await import('../qml/detector.js');
  const C = NSL_KDD_CONSTRAINTS, e = 2;
  const rawRobust = (m: Model) => {
    const d2 = new D(det.pipeline, m, det.classes, det.meta);
    const tgt = new RawTarget(d2, te.table, C, tr.table);
    return runAttack(evasionAttack('pgd'), tgt, tgt.initial(), yt, te.table.rows, threatModel({ epsilon: e, space: 'raw', constraints: C, steps: 10 }), 1);
  };
  const before = rawRobust(det.model);
  const r = new RobustTraining({ method: 'pgd-at', epsilon: e, steps: 3, mix: 0.5, train: { epochs: 10 }, raw: { pipeline: det.pipeline, table: tr.table, classes: det.classes, constraints: C, reference: tr.table } })
    .apply({ X, y, seed: 1, base: det.model, baseSeconds });
  const after = rawRobust(r.model);
  assert.ok(after.robust_accuracy >= before.robust_accuracy + 0.1, `raw-space PGD accuracy ${before.robust_accuracy.toFixed(3)} → ${after.robust_accuracy.toFixed(3)}`);
  assert.ok(after.clean_accuracy >= before.clean_accuracy - 0.05, `clean ${before.clean_accuracy} → ${after.clean_accuracy}`);
});

test('noise-aware and parameter-robust VQCs round-trip through save/load with their execution', async () => {
  const { NoiseAwareTraining } = await import('./adversarial-training.js');
  const q = Detector.train(tr, { type: 'vqc', qubits: 4, layers: 1 }, { epochs: 2, seed: 1 });
  const Xq = q.inputs(tr.table), yq = q.labelsFor(tr);
  const small = { data: Xq.data.slice(0, 60 * Xq.cols), rows: 60, cols: Xq.cols };
  const ctx = { X: small, y: yq.subarray(0, 60), seed: 1, base: q.model, baseSeconds: 1 };
  const na = new NoiseAwareTraining({ readout: { p1_given_0: 0.02, p0_given_1: 0.02 } }, 128, { epochs: 1 }).apply(ctx).model;
  const pr = new RobustTraining({ method: 'param-robust', budget: 0.1, train: { epochs: 1 } }).apply(ctx).model;
  const Xs = { data: small.data.slice(0, 10 * small.cols), rows: 10, cols: small.cols };
  for (const m of [na, pr]) {
    const back = modelFromJSON(JSON.parse(JSON.stringify(m.toJSON())));
    assert.equal(JSON.stringify(back.toJSON()), JSON.stringify(m.toJSON()));
    if (m === pr) assert.deepEqual(Array.from(back.predictProba(Xs)), Array.from(m.predictProba(Xs)));
  }
  assert.equal((na.toJSON() as unknown as { execution: { shots: number } }).execution.shots, 128);
  assert.throws(() => new NoiseAwareTraining(undefined, undefined), /needs a noise model, shots, or both/);
});
