import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadDataset } from '../qml/datasets.js';
import { selectRows, stratifiedSplit } from '../qml/table.js';
import { Detector } from '../qml/detector.js';
import { NSL_KDD_CONSTRAINTS, RawTarget } from './target.js';
import { evasionAttack } from './registry.js';
import { argmaxRows, runAttack, scoreAdversarial } from './attack.js';
import { threatModel, type DomainConstraints } from './threat.js';
import { exactLinearAttack, reachability } from './reach.js';
import { fooled, repairRows } from './constrained.js';
import { Rng } from '../core/rng.js';

const all = loadDataset('nsl-kdd', { maxRows: 2000, seed: 4 });
const s = stratifiedSplit(all.labels, 0.3, 2);
const train = selectRows(all, s.train), held = selectRows(all, s.test.slice(0, 80));
const logreg = Detector.train(train, { type: 'logreg' }, { epochs: 24, seed: 1 });
const mlp = Detector.train(train, { type: 'mlp', hidden: [16] }, { epochs: 15, seed: 1 });
const C = NSL_KDD_CONSTRAINTS;
const rows = held.table.rows;

test('on logistic regression every constrained white-box attack reaches the exact optimum and is at least as strong as Square at every ε', () => {
  const tgt = new RawTarget(logreg, held.table, C, train.table);
  const X0 = tgt.initial(), y = logreg.labelsFor(held);
  for (const eps of [0.1, 0.25, 1]) {
    const t = threatModel({ epsilon: eps, space: 'raw', constraints: C, steps: 10, queries: 200 });
    const exact = scoreAdversarial({ name: 'exact', knowledge: 'white-box' }, tgt, X0, exactLinearAttack(tgt, X0, y, rows, eps).X, y, rows, t, 0).robust_accuracy;
    const square = runAttack(evasionAttack('square'), tgt, X0, y, rows, t, 3).robust_accuracy;
    assert.ok(exact <= square + 1e-12, `ε=${eps}: exact ${exact} vs square ${square}`);
    for (const name of ['fgsm', 'pgd', 'apgd-ce', 'deepfool']) {
      const r = runAttack(evasionAttack(name), tgt, X0, y, rows, t, 3).robust_accuracy;
      assert.ok(r <= square + 1e-12, `ε=${eps}: ${name} leaves ${r}, square ${square}`);
      assert.ok(r <= exact + 1 / rows + 1e-12, `ε=${eps}: ${name} leaves ${r}, the exact optimum ${exact}`);
    }
  }
  // C&W minimises the L2 norm, so under an L∞ budget it is not expected to find the optimal vertex;
  // scored from its per-row minimal norms it still lowers accuracy more as ε grows.
  const cw = [0.1, 1, 4].map((eps) => runAttack(evasionAttack('cw'), tgt, X0, y, rows, threatModel({ epsilon: eps, space: 'raw', constraints: C }), 3).robust_accuracy);
  assert.ok(cw[0] >= cw[1] && cw[1] >= cw[2] && cw[2] < cw[0], `cw: ${cw.join(', ')}`);
});

test('the exact vertex is never beaten by random valid records inside the ε-box (brute force on whole-number fields)', () => {
  const tgt = new RawTarget(logreg, held.table, C, train.table);
  const X0 = tgt.initial(), y = logreg.labelsFor(held), d = tgt.dim, dom = tgt.domain();
  const eps = 0.5, ex = exactLinearAttack(tgt, X0, y, rows, eps);
  const robust = Array.from({ length: rows }, (_, r) => r).filter((r) => !ex.flipped[r]).slice(0, 10);
  const rng = new Rng(7);
  const n = 400;
  for (const r of robust) {
    const V = new Float64Array(n * d);
    for (let k = 0; k < n; k++) for (let j = 0; j < d; j++) {
      const x0 = X0[r * d + j], w = eps * tgt.scale[j];
      const lo = Math.ceil(Math.max(dom.lo[j], x0 - w)), hi = Math.floor(Math.min(dom.hi[j], x0 + w));
      // Random vertices and interior points of the integer box.
      V[k * d + j] = hi < lo ? x0 : k % 2 ? (rng.next() < 0.5 ? lo : hi) : lo + rng.int(hi - lo + 1);
    }
    const pred = argmaxRows(tgt.proba(V, n, new Array(n).fill(r)), n, 2);
    assert.ok(pred.every((p) => p === y[r]), `row ${r}: a valid record inside ε flips a row the exact solution calls robust`);
  }
});

test('an unbounded constrained DeepFool flips every reachable row of logistic regression', () => {
  const tgt = new RawTarget(logreg, held.table, C, train.table);
  const X0 = tgt.initial(), y = logreg.labelsFor(held);
  const reach = reachability(tgt, X0, y, rows);
  assert.ok(reach.exact);
  const df = runAttack(evasionAttack('deepfool'), tgt, X0, y, rows, threatModel({ epsilon: Infinity, space: 'raw', constraints: C, norm: 'l2' }), 1);
  const flipped = df.records.filter((x) => x.success).length;
  assert.equal(flipped, reach.reachable, `DeepFool flipped ${flipped} of ${reach.reachable} reachable rows`);
});

test('rows no valid change can flip are counted out of reach, exactly for logistic regression and by search for the MLP', () => {
  // Only one field may move, and its bounds pin it to zero: nothing can change.
  const pinned: DomainConstraints = { mutable: ['urgent'], integer: ['urgent'], nonNegative: ['urgent'], bounds: { urgent: [0, 0] }, le: [] };
  for (const det of [logreg, mlp]) {
    const tgt = new RawTarget(det, held.table, pinned, train.table);
    const X0 = tgt.initial(), y = det.labelsFor(held);
    const r = reachability(tgt, X0, y, rows, { steps: 5, random: 2 });
    assert.equal(r.exact, det === logreg);
    assert.equal(r.reachable, 0);
    assert.equal(r.outOfReach, r.correct);
  }
  // With the default fields every correct row of the MLP is reachable, each by a valid witness record.
  const tgt = new RawTarget(mlp, held.table, C, train.table);
  const X0 = tgt.initial(), y = mlp.labelsFor(held);
  const r = reachability(tgt, X0, y, rows, { steps: 10 });
  assert.equal(r.outOfReach, 0, `methods: ${r.methods.join('; ')}`);
  const W = Float64Array.from(r.X);
  tgt.constrain(W, X0, rows, 'nearest');
  assert.deepEqual(Array.from(W), Array.from(r.X), 'witnesses are valid records');
});

test('the rounding search keeps a record adversarial where rounding toward the clean value would undo the attack', () => {
  const tgt = new RawTarget(logreg, held.table, C, train.table);
  const X0 = tgt.initial(), y = logreg.labelsFor(held), d = tgt.dim;
  // Continuous iterates just past the boundary: the smallest fraction t of the exact attack's change
  // (found by bisection without rounding) that still flips the row.
  const eps = 1;
  const ex = exactLinearAttack(tgt, X0, y, rows, eps);
  const lo = new Float64Array(rows), hi = new Float64Array(rows).fill(1);
  const at = (t: Float64Array) => Float64Array.from(ex.X, (v, i) => X0[i] + t[Math.floor(i / d)] * (v - X0[i]));
  for (let it = 0; it < 30; it++) {
    const mid = Float64Array.from(lo, (l, r) => (l + hi[r]) / 2);
    const f = fooled(tgt, at(mid), rows, y);
    for (let r = 0; r < rows; r++) if (f[r]) hi[r] = mid[r]; else lo[r] = mid[r];
  }
  const Xc = at(hi);
  const fC = fooled(tgt, Xc, rows, y);
  const toward = Float64Array.from(Xc);
  tgt.constrain(toward, X0, rows, 'toward');
  const repaired = repairRows(tgt, Xc, X0, rows, y, { norm: 'linf', epsilon: eps });
  const fT = fooled(tgt, toward, rows, y), fR = fooled(tgt, repaired, rows, y);
  let lostByToward = 0, kept = 0;
  for (let r = 0; r < rows; r++) {
    assert.ok(fR[r] >= fT[r], `row ${r} lost`);
    if (fC[r] && !fT[r]) { lostByToward++; kept += fR[r]; }
  }
  for (let i = 0; i < repaired.length; i++) {
    assert.equal(repaired[i], Math.round(repaired[i]));
    assert.ok(Math.abs(repaired[i] - X0[i]) <= eps * tgt.scale[i % d] * (1 + 1e-9) + 1e-9);
  }
  assert.ok(lostByToward >= 5, `the setup must lose rows to plain rounding (lost ${lostByToward})`);
  assert.equal(kept, lostByToward, `the search kept ${kept} of ${lostByToward} rows adversarial`);
});
