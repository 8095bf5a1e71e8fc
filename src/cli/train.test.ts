import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../testing/shared.js';

const cli = path.join(repoRoot, 'dist', 'cli', 'main.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'qml6g-train-'));
const run = (args: string[]) => {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
};
const write = (name: string, text: string) => { const f = path.join(tmp, name); fs.writeFileSync(f, text); return f; };

test('train --json prints the metrics contract; evaluate scores the saved detector the same', () => {
  const out = path.join(tmp, 'iris.json');
  const r = run(['train', '--data', 'iris', '--model', 'vqc', '--qubits', '4', '--layers', '2', '--epochs', '20', '--seed', '3', '--out', out, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout.trim().split('\n').pop()!);
  for (const k of ['accuracy', 'balanced_accuracy', 'f1', 'false_positive_rate', 'roc_auc', 'ece', 'n_test', 'model', 'seed', 'seconds']) assert.ok(k in j, k);
  assert.equal(j.model, 'vqc');
  assert.equal(j.seed, 3);
  assert.ok(j.accuracy > 0.8, `accuracy ${j.accuracy}`);
  const again = JSON.parse(run(['train', '--data', 'iris', '--model', 'vqc', '--qubits', '4', '--layers', '2', '--epochs', '20', '--seed', '3', '--json']).stdout);
  assert.equal(again.accuracy, j.accuracy, 'same seed, same result');
  const e = run(['evaluate', '--model', out, '--data', 'iris', '--json']);
  assert.equal(e.code, 0, e.stderr);
  assert.ok(JSON.parse(e.stdout).accuracy > 0.8);
});

test('train on a CSV file with --label, --drop and --test', () => {
  const rows = ['f1,f2,junk,kind'];
  for (let i = 0; i < 120; i++) rows.push(`${(i % 2) * 3 + Math.sin(i)},${i % 7},${i},${i % 2 ? 'attack' : 'normal'}`);
  const f = write('flows.csv', rows.join('\n'));
  const r = run(['train', '--data', f, '--label', 'kind', '--drop', 'junk', '--model', 'logreg', '--epochs', '30', '--test', f, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.equal(j.features, 2);
  assert.ok(j.accuracy > 0.9);
});

const bad: Array<[string, () => string[], RegExp]> = [
  ['a missing label column', () => ['train', '--data', write('a.csv', 'x,y\n1,0\n2,1\n'), '--label', 'class'], /a\.csv: label column "class" not found/],
  ['ragged rows', () => ['train', '--data', write('b.csv', 'x,y\n1,0\n2\n')], /b\.csv:3: row has 1 fields, the header has 2/],
  ['NaN in a feature', () => ['train', '--data', write('c.csv', 'x,y\n1,0\nNaN,1\n')], /c\.csv:3: column "x" holds NaN/],
  ['a single class', () => ['train', '--data', write('d.csv', 'x,y\n1,0\n2,0\n')], /has a single class/],
  ['more features than the encoding takes', () => ['train', '--data', 'iris', '--model', 'vqc', '--qubits', '2', '--features', '4'], /4 features do not fit the angle-y encoding on 2 qubits \(at most 2\)/],
  ['an unknown model', () => ['train', '--data', 'iris', '--model', 'forest'], /unknown model "forest"/],
  ['a corrupt model file', () => ['evaluate', '--model', write('m.json', '{"format":"qml6g-detector","version":1,"classes":["a"'), '--data', 'iris'], /m\.json: invalid JSON/],
  ['a model file of another kind', () => ['evaluate', '--model', write('n.json', '{"hello":1}'), '--data', 'iris'], /n\.json: not a qml6g detector/],
  ['an unknown data set name or missing file', () => ['train', '--data', 'no-such-set'], /no-such-set: cannot read data file: no such file/],
];

for (const [what, args, msg] of bad) {
  test(`train/evaluate bad input: ${what} → one line, exit code 2`, () => {
    const r = run(args());
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr.trim().split('\n').pop()!, msg);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });
}

test('a failed run leaves a previously saved model intact', () => {
  const out = path.join(tmp, 'keep.json');
  assert.equal(run(['train', '--data', 'iris', '--model', 'logreg', '--epochs', '5', '--out', out]).code, 0);
  const before = fs.readFileSync(out, 'utf8');
  const r = run(['train', '--data', write('e.csv', 'x,y\n1,0\n2\n'), '--model', 'logreg', '--out', out]);
  assert.equal(r.code, 2);
  assert.equal(fs.readFileSync(out, 'utf8'), before);
});

test('a data file that does not match the detector pipeline is refused', () => {
  const out = path.join(tmp, 'iris2.json');
  assert.equal(run(['train', '--data', 'iris', '--model', 'logreg', '--epochs', '3', '--out', out]).code, 0);
  const r = run(['evaluate', '--model', out, '--data', write('f.csv', 'a,b,label\n1,2,setosa\n3,4,virginica\n')]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /column "x0" that the pipeline was fitted on is missing from the data/);
});
