import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { repoRoot } from '../testing/shared.js';

const cli = path.join(repoRoot, 'dist', 'cli', 'main.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'qml6g-runs-cli-'));
const db = path.join(tmp, 'runs.db');
const run = (...args: string[]) => {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env: { ...process.env, QML6G_STORE: db } });
  return { code: r.status, out: r.stdout, err: r.stderr, json: () => JSON.parse(r.stdout.trim().split('\n').pop()!) };
};

test('qml6g runs: train records itself; list, show, compare and rm keep the JSON contract', () => {
  const a = run('train', '--data', 'iris', '--model', 'logreg', '--epochs', '3', '--seed', '1', '--json');
  assert.equal(a.code, 0, a.err);
  const b = run('train', '--data', 'iris', '--model', 'logreg', '--epochs', '3', '--seed', '2', '--json');
  const ida = a.json().run_id, idb = b.json().run_id;
  const list = run('runs', 'list', '--command', 'train', '--limit', '10', '--json').json();
  assert.equal(list.total, 2);
  assert.deepEqual(Object.keys(list.runs[0]).slice(0, 6), ['id', 'command', 'status', 'started', 'ended', 'metrics']);
  assert.equal(list.runs[0].metrics.accuracy, b.json().accuracy, 'the latest accuracy is the one train printed');
  const show = run('runs', 'show', ida.slice(0, 6), '--json').json();
  assert.equal(show.id, ida);
  assert.equal(show.seed, 1);
  assert.equal(show.status, 'complete');
  assert.ok(show.history_lengths.loss >= 3, 'one loss per epoch');
  const cmp = run('runs', 'compare', ida, idb, '--json').json();
  assert.deepEqual(cmp.runs.map((r: { id: string }) => r.id), [ida, idb]);
  assert.ok(cmp.metric_keys.includes('accuracy'));
  assert.match(run('runs', 'list').out, /2 of 2 runs/);
  assert.deepEqual(run('runs', 'rm', idb, '--json').json(), { deleted: [idb] });
  assert.equal(run('runs', 'list', '--json').json().total, 1);
});

test('qml6g runs: an unknown id, an unknown subcommand and a corrupt store are one line and exit code 2; the file is untouched', () => {
  for (const args of [['runs', 'show', 'nosuchrun'], ['runs', 'rm', 'nosuchrun'], ['runs', 'dance'], ['runs', 'compare', 'x']]) {
    const r = run(...args);
    assert.equal(r.code, 2, args.join(' '));
    assert.equal(r.err.trim().split('\n').length, 1, r.err);
  }
  assert.match(run('runs', 'show', 'nosuchrun').err, /no run with id "nosuchrun"/);
  const bad = path.join(tmp, 'corrupt.db');
  const bytes = Buffer.from('SQLite format 2\0 but not really; a damaged header '.repeat(40));
  fs.writeFileSync(bad, bytes);
  const r = spawnSync(process.execPath, [cli, 'runs', 'list', '--store', bad], { encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.equal(r.stderr.trim().split('\n').length, 1);
  assert.ok(r.stderr.includes(bad));
  assert.deepEqual(fs.readFileSync(bad), bytes);
  const t = spawnSync(process.execPath, [cli, 'train', '--data', 'iris', '--model', 'logreg', '--epochs', '1'], { encoding: 'utf8', env: { ...process.env, QML6G_STORE: bad } });
  assert.equal(t.status, 2, 'a command refuses to start on a corrupt store rather than lose its run');
  assert.ok(t.stderr.includes(bad));
  assert.deepEqual(fs.readFileSync(bad), bytes);
});
