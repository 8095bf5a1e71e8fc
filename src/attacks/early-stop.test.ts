import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadDataset } from '../qml/datasets.js';
import { selectRows, stratifiedSplit } from '../qml/table.js';
import { Detector } from '../qml/detector.js';
import { NSL_KDD_CONSTRAINTS, RawTarget } from './target.js';
import { evasionAttack } from './registry.js';
import { runAttack } from './attack.js';
import { threatModel } from './threat.js';
import { PGD } from './evasion/pgd.js';

const all = loadDataset('nsl-kdd', { maxRows: 1500, seed: 5 });
const s = stratifiedSplit(all.labels, 0.3, 3);
const train = selectRows(all, s.train), held = selectRows(all, s.test.slice(0, 60));
const mlp = Detector.train(train, { type: 'mlp', hidden: [16] }, { epochs: 12, seed: 2 });
const C = NSL_KDD_CONSTRAINTS;
const rows = held.table.rows;

function flippedRows(r: ReturnType<typeof runAttack>): number[] {
  return r.records.flatMap((x, i) => (x.success ? [i] : []));
}

test('early stop drops settled rows without losing a success: PGD flips the same rows (rows are independent), APGD at least the same, both with fewer queries', () => {
  for (const eps of [0.25, 1]) {
    for (const [name, atk] of [['pgd', new PGD('pgd')], ['mim', evasionAttack('mim')], ['apgd-ce', evasionAttack('apgd-ce')], ['apgd-dlr', evasionAttack('apgd-dlr')]] as const) {
      const run = (earlyStop: boolean) => {
        const tgt = new RawTarget(mlp, held.table, C, train.table);
        const r = runAttack(atk, tgt, tgt.initial(), mlp.labelsFor(held), rows, threatModel({ epsilon: eps, space: 'raw', constraints: C, steps: 10, earlyStop }), 4);
        return { r, queries: tgt.queries };
      };
      const full = run(false), early = run(true);
      const a = flippedRows(full.r), b = flippedRows(early.r);
      if (name === 'pgd' || name === 'mim') assert.deepEqual(b, a, `${name} ε=${eps}: the flipped rows differ`);
      else for (const r of a) assert.ok(b.includes(r), `${name} ε=${eps}: row ${r} flipped without early stop but not with it`);
      if (a.length) assert.ok(early.queries < full.queries, `${name} ε=${eps}: ${early.queries} queries with early stop, ${full.queries} without`);
    }
  }
});
