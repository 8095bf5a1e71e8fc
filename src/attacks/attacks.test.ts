import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { loadDataset } from '../qml/datasets.js';
import { selectRows, stratifiedSplit } from '../qml/table.js';
import { Detector } from '../qml/detector.js';
import { crossEntropy } from '../qml/model.js';
import { InputTarget, NSL_KDD_CONSTRAINTS, RawTarget } from './target.js';
import { EVASION_ATTACKS, evasionAttack } from './registry.js';
import { runAttack } from './attack.js';
import { threatModel } from './threat.js';
import { GradientMaskedModel } from './masked.js';
import { honestChecks } from './honest.js';
import { Rng } from '../core/rng.js';

const all = loadDataset('nsl-kdd', { maxRows: 1500, seed: 4 });
const s = stratifiedSplit(all.labels, 0.3, 2);
const train = selectRows(all, s.train), held = selectRows(all, s.test.slice(0, 60));
const mlp = Detector.train(train, { type: 'mlp', hidden: [16] }, { epochs: 15, seed: 1 });
const vqc = Detector.train(train, { type: 'vqc', qubits: 4, layers: 2 }, { epochs: 5, seed: 1 });
const C = NSL_KDD_CONSTRAINTS;

test('every evasion attack raises the loss and lowers the accuracy of a trained model', () => {
  for (const det of [mlp, vqc]) {
    const tgt = new RawTarget(det, held.table, C, train.table);
    const X0 = tgt.initial(), y = det.labelsFor(held);
    const lossAt = (X: Float64Array) => crossEntropy(tgt.proba(X, held.table.rows), y, 2);
    for (const name of EVASION_ATTACKS) {
      const t = threatModel({ epsilon: 1, space: 'raw', constraints: C, steps: 10, queries: 150 });
      const r = runAttack(evasionAttack(name), tgt, X0, y, held.table.rows, t, 3);
      assert.ok(r.robust_accuracy < r.clean_accuracy, `${det.model.type}/${name}: accuracy ${r.clean_accuracy} → ${r.robust_accuracy}`);
      if (!evasionAttack(name).minimal) {
        const { X } = evasionAttack(name).run({ target: tgt, X0, y, rows: held.table.rows, threat: t, rng: new Rng(3) });
        tgt.constrain(X, X0, held.table.rows, 'toward');
        assert.ok(lossAt(X) > lossAt(X0), `${det.model.type}/${name}: loss rises`);
      }
    }
  }
});

test('an attack with epsilon 0 changes nothing', () => {
  const tgt = new RawTarget(mlp, held.table, C, train.table);
  const X0 = tgt.initial(), y = mlp.labelsFor(held);
  for (const name of EVASION_ATTACKS.filter((n) => !evasionAttack(n).minimal)) {
    const r = runAttack(evasionAttack(name), tgt, X0, y, held.table.rows, threatModel({ epsilon: 0, space: 'raw', constraints: C }), 1);
    assert.equal(r.robust_accuracy, r.clean_accuracy, name);
    assert.ok(r.records.every((x) => x.linf === 0), `${name} moved a feature`);
  }
  // Minimal attacks may move rows, but none of their points counts inside ε = 0.
  const r = runAttack(evasionAttack('deepfool'), tgt, X0, y, held.table.rows, threatModel({ epsilon: 0, space: 'raw', constraints: C }), 1);
  assert.equal(r.attack_success_rate, 0);
});

test('domain constraints hold on every adversarial record (property test over seeds, ε and attacks)', () => {
  const tgt = new RawTarget(mlp, held.table, C, train.table);
  const X0 = tgt.initial(), y = mlp.labelsFor(held), rows = held.table.rows, d = tgt.dim;
  fc.assert(fc.property(fc.integer({ min: 0, max: 1e6 }), fc.double({ min: 0.01, max: 5, noNaN: true }), fc.constantFrom(...EVASION_ATTACKS), (seed, eps, name) => {
    const atk = evasionAttack(name);
    const t = threatModel({ epsilon: eps, space: 'raw', constraints: C, steps: 3, queries: 20 });
    const out = atk.run({ target: tgt, X0, y, rows, threat: t, rng: new Rng(seed) });
    const X = Float64Array.from(out.X);
    tgt.constrain(X, X0, rows, atk.minimal ? 'nearest' : 'toward');
    for (let r = 0; r < rows; r++) for (let j = 0; j < d; j++) {
      const v = X[r * d + j], col = C.mutable[j];
      assert.ok(Number.isFinite(v), 'finite');
      if (C.integer!.includes(col)) assert.equal(v, Math.round(v), `${name}: ${col} is an integer count`);
      if (C.nonNegative!.includes(col)) assert.ok(v >= 0, `${name}: ${col} ≥ 0`);
      const b = C.bounds![col];
      if (b) assert.ok(v >= b[0] && v <= b[1], `${name}: ${col} in bounds`);
      if (!atk.minimal) assert.ok(Math.abs(v - X0[r * d + j]) <= eps * tgt.scale[j] * (1 + 1e-9) + 1e-9, `${name}: ${col} inside ε`);
    }
    // Fields the attacker does not control never move: the full records differ only in mutable columns.
    const table = tgt.tableWith(X, rows);
    for (const c of table.columns) {
      if (C.mutable.includes(c.name)) continue;
      const orig = held.table.columns.find((o) => o.name === c.name)!;
      for (let r = 0; r < rows; r++) assert.equal(c.values[r], orig.values[r], `${name}: ${c.name} untouched`);
    }
  }), { numRuns: 25 });
});

test('the honest-evaluation checks flag a deliberately gradient-masked model', () => {
  // Input space of the MLP, masked by snapping inputs to a grid: gradients are zero, black-box gets through.
  const masked = new GradientMaskedModel(mlp.model, 0.5);
  const tgt = new InputTarget(masked);
  const Z = mlp.inputs(held.table), y = mlp.labelsFor(held);
  const reports = [0.5, 1.5].flatMap((eps) => ['fgsm', 'pgd', 'square'].map((a) => runAttack(evasionAttack(a), tgt, Z.data, y, Z.rows, threatModel({ epsilon: eps, steps: 10, queries: 300 }), 2)));
  const unbounded = runAttack(evasionAttack('pgd'), tgt, Z.data, y, Z.rows, threatModel({ epsilon: 1e3, steps: 10 }), 2);
  const checks = honestChecks('masked', reports, unbounded, Z.rows);
  const flagged = checks.filter((c) => !c.passed).map((c) => c.name);
  assert.ok(flagged.includes('black-box and transfer attacks are never stronger than white-box'), `flags: ${flagged.join('; ')}`);
  assert.ok(flagged.includes('an unbounded attack flips ~100% of correct rows'), `flags: ${flagged.join('; ')}`);
  // The same checks pass on the honest model.
  const honest = [0.5, 1.5].flatMap((eps) => ['fgsm', 'pgd', 'square'].map((a) => runAttack(evasionAttack(a), new InputTarget(mlp.model), Z.data, y, Z.rows, threatModel({ epsilon: eps, steps: 10, queries: 300 }), 2)));
  const hu = runAttack(evasionAttack('deepfool'), new InputTarget(mlp.model), Z.data, y, Z.rows, threatModel({ epsilon: 1e9, norm: 'l2' }), 2);
  assert.deepEqual(honestChecks('mlp', honest, hu, Z.rows).filter((c) => !c.passed).map((c) => c.detail), []);
});

test('bad threat models are refused with the key that is wrong', () => {
  assert.throws(() => threatModel({ epsilon: -0.1 }), /epsilon must be a number ≥ 0/);
  assert.throws(() => threatModel({ epsilon: 1, norm: 'l3' as never }), /norm must be linf, l2 or l0/);
  assert.throws(() => threatModel({ epsilon: 1, space: 'raw' }), /needs domain constraints/);
  assert.throws(() => evasionAttack('fgsn'), /unknown attack "fgsn"/);
  assert.throws(() => new RawTarget(mlp, held.table, { mutable: ['service'] }, train.table), /categorical fields stay fixed/);
});
