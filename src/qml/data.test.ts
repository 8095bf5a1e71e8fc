import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { loadDataset } from './datasets.js';
import { parseCsv, tableFromCsv, stratifiedSplit } from './table.js';
import { QmlError } from '../core/errors.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'qml6g-data-'));
const file = (name: string, text: string) => { const f = path.join(tmp, name); fs.writeFileSync(f, text); return f; };
const errorOf = (f: () => unknown): string => {
  try { f(); } catch (e) { assert.ok(e instanceof QmlError, String(e)); return e.oneLine(); }
  assert.fail('expected an error');
};

test('named loaders read the shipped data with the documented row counts and class order', () => {
  const cases: Array<[string, number, string[]]> = [
    ['nsl-kdd', 25192, ['normal', 'attack']], ['nsl-kdd-test', 22544, ['normal', 'attack']],
    ['nsl-kdd-5', 25192, ['normal', 'DoS', 'Probe', 'R2L', 'U2R']], ['5g-jamming', 21798, ['normal', 'jamming']],
    ['5g-core', 15144, ['normal', 'attack']], ['5g-core-test', 3787, ['normal', 'attack']],
    ['iris', 150, ['setosa', 'versicolor', 'virginica']], ['breast-cancer', 569, ['benign', 'malignant']], ['digits', 1797, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']],
    ['wine', 178, ['class_0', 'class_1', 'class_2']], ['cicids2017', 3451, []],
  ];
  for (const [name, rows, classes] of cases) {
    const d = loadDataset(name);
    assert.equal(d.table.rows, rows, name);
    if (classes.length) assert.deepEqual(d.classes, classes, name);
  }
  // NSL-KDD: 13,449 normal and 11,743 attack rows in KDDTrain+_20Percent (its SOURCE.md).
  const n = loadDataset('nsl-kdd');
  assert.equal(n.labels.filter((v) => v === 0).length, 13449);
  assert.equal(n.table.columns.length, 41);
  assert.deepEqual(n.table.columns.filter((c) => c.kind === 'categorical').map((c) => c.name), ['protocol_type', 'service', 'flag']);
  assert.equal(loadDataset('cicids2017').classes[0], 'BENIGN');
});

test('leaking columns are dropped and said so', () => {
  const core = loadDataset('5g-core');
  assert.ok(!core.table.columns.some((c) => c.name.startsWith('gtp.')), 'no gtp.* column');
  assert.ok(core.notes.some((s) => /gtp/.test(s)));
  const jam = loadDataset('5g-jamming');
  assert.ok(!jam.table.columns.some((c) => /^Jammer_/.test(c.name)));
  const cic = loadDataset('cicids2017');
  assert.ok(!cic.table.columns.some((c) => ['Src IP', 'Dst IP', 'Timestamp', 'Flow ID'].includes(c.name)));
  const leaky = loadDataset('5g-core', { keepLeaky: true });
  assert.ok(leaky.notes.some((s) => /WARNING/.test(s)));
});

test('a stratified cap and split keep every class share', () => {
  const d = loadDataset('nsl-kdd-5', { maxRows: 2000, seed: 3 });
  assert.ok(Math.abs(d.table.rows - 2000) <= 5);
  assert.ok(d.classes.includes('U2R'), 'rare classes keep at least one row');
  const { train, test } = stratifiedSplit(d.labels, 0.3, 1);
  assert.equal(train.length + test.length, d.table.rows);
  const share = (idx: number[]) => idx.filter((i) => d.labels[i] === 0).length / idx.length;
  assert.ok(Math.abs(share(train) - share(test)) < 0.02);
});

test('a generic CSV: categorical detection, missing values reported, gzip read', () => {
  const text = 'a,b,c,label\n1,x,,yes\n2,y,3,no\n?,x,4,yes\n5,z,6,no\n';
  const d = loadDataset(file('ok.csv', text), { label: 'label' });
  assert.deepEqual(d.table.columns.map((c) => c.kind), ['numeric', 'categorical', 'numeric']);
  assert.ok(d.notes.some((s) => /"a": 1 missing/.test(s)) && d.notes.some((s) => /"c": 1 missing/.test(s)));
  const gz = path.join(tmp, 'ok.csv.gz');
  fs.writeFileSync(gz, zlib.gzipSync(text));
  assert.equal(loadDataset(gz, { label: 'label' }).table.rows, 4);
});

test('bad CSV input gets one clear error naming the file, row or column', () => {
  assert.equal(errorOf(() => loadDataset(file('nolabel.csv', 'a,b\n1,2\n3,4\n'), { label: 'target' })), 'nolabel.csv: label column "target" not found (columns: a, b)');
  assert.equal(errorOf(() => loadDataset(file('ragged.csv', 'a,b,y\n1,2,0\n3,1\n'), {})), 'ragged.csv:3: row has 2 fields, the header has 3');
  assert.equal(errorOf(() => loadDataset(file('nan.csv', 'a,b,y\n1,2,0\nNaN,1,1\n'), {})), 'nan.csv:3: column "a" holds NaN: not a finite number');
  assert.equal(errorOf(() => loadDataset(file('inf.csv', 'a,b,y\n1,inf,0\n2,1,1\n'), {})), 'inf.csv:2: column "b" holds inf: not a finite number');
  assert.equal(errorOf(() => loadDataset(file('one.csv', 'a,y\n1,0\n2,0\n'), {})), 'one.csv: the label column "y" has a single class ("0"): nothing to learn');
  assert.equal(errorOf(() => loadDataset(path.join(tmp, 'missing.csv'))), `${path.join(tmp, 'missing.csv')}: cannot read data file: no such file`);
  assert.equal(errorOf(() => loadDataset(file('empty.csv', 'a,b\n'))), 'empty.csv: the file has a header but no data rows');
  const bad = path.join(tmp, 'bad.csv.gz');
  fs.writeFileSync(bad, Buffer.from([0x1f, 0x8b, 1, 2, 3]));
  assert.match(errorOf(() => loadDataset(bad)), /bad\.csv\.gz: corrupt gzip data/);
  assert.match(errorOf(() => tableFromCsv(parseCsv('a,y\n1,\n2,1\n', 'x.csv'), {})), /x\.csv:2: missing label/);
});

test('a byte-order mark in the header is not part of the first column name', () => {
  const d = loadDataset(file('bom.csv', '\uFEFFa,b,label\n1,2,x\n3,4,y\n5,6,x\n'), { label: 'label', drop: ['a'] });
  assert.deepEqual(d.table.columns.map((c) => c.name), ['b']);
});

test('a column that predicts the label almost perfectly is reported as a possible second label', () => {
  const lines = ['f,cat,noise,label'];
  for (let i = 0; i < 200; i++) {
    const attack = i % 3 === 0;
    lines.push(`${i % 7},${attack ? ['dos', 'probe'][i % 2] : 'none'},${['a', 'b', 'c'][i % 3 === 1 ? 0 : (i * 7) % 3]},${attack ? 'attack' : 'normal'}`);
  }
  const d = loadDataset(file('leak.csv', lines.join('\n')), { label: 'label' });
  const warnings = d.notes.filter((n) => n.startsWith('warning'));
  assert.equal(warnings.length, 1, warnings.join('\n'));
  assert.match(warnings[0], /column "cat" predicts the label on 100\.0% of rows .*--drop cat/);
  // Dropped, it is no longer reported.
  assert.equal(loadDataset(file('leak.csv', lines.join('\n')), { label: 'label', drop: ['cat'] }).notes.filter((n) => n.startsWith('warning')).length, 0);
});
