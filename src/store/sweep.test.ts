import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { QmlError } from '../core/errors.js';
import { Store } from './store.js';
import { expandJobs, parseSweepSpec, sweepIdOf } from './sweep.js';
import { repoRoot } from '../testing/shared.js';

const cli = path.join(repoRoot, 'dist', 'cli', 'main.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'qml6g-sweep-'));

test('a grid expands into every combination × seed, with ids that depend only on the command lines', () => {
  const yaml = 'command: train\noptions:\n  data: iris\n  quiet: false\n  rates: [0.1, 0.2]\ngrid:\n  model: [logreg, mlp, vqc]\n  lr: [0.1, 0.01]\nseeds: [1, 2]\n';
  const json = JSON.stringify({ seeds: [1, 2], grid: { model: ['logreg', 'mlp', 'vqc'], lr: [0.1, 0.01] }, options: { rates: [0.1, 0.2], quiet: false, data: 'iris' }, command: 'train' });
  const a = expandJobs(parseSweepSpec(yaml, 'a.yaml'));
  const b = expandJobs(parseSweepSpec(json, 'b.json'));
  assert.equal(a.length, 12);
  assert.equal(new Set(a.map((j) => j.job)).size, 12);
  assert.deepEqual(a[0].argv, ['--data', 'iris', '--lr', '0.1', '--model', 'logreg', '--rates', '0.1,0.2', '--seed', '1']);
  assert.deepEqual(new Set(a.map((j) => j.job)), new Set(b.map((j) => j.job)), 'same jobs whatever the format or key order');
  assert.equal(sweepIdOf(a), sweepIdOf(expandJobs(parseSweepSpec(yaml, 'again.yaml'))));
  assert.deepEqual(a.map((j) => j.point.seed), [1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2]);
});

test('a wrong key, an unknown command, a bad axis or a reserved flag is a QmlError that names the file and key', () => {
  const bad = (s: string, re: RegExp) => assert.throws(() => parseSweepSpec(s, 'spec.yaml'), (e: unknown) => e instanceof QmlError && e.oneLine().startsWith('spec.yaml') && re.test(e.message), s);
  bad('command: train\ngrdi: {model: [mlp]}\n', /unknown key "grdi"/);
  bad('command: dance\n', /command must be one of train, assess, federate, optimize, qkd, scenario, poison/);
  bad('command: train\ngrid: {model: mlp}\n', /non-empty list/);
  bad('command: train\ngrid: {model: []}\n', /non-empty list/);
  bad('command: train\noptions: {json: true}\n', /set by the sweep/);
  bad('command: train\noptions: {Model: x}\n', /not a flag name/);
  bad('command: train\noptions: {seed: 1}\nseeds: [1]\n', /not both/);
  bad('command: train\noptions: {data: iris}\ngrid: {data: [a]}\n', /both an option and a grid axis/);
  bad('command: [oops\n', /not valid YAML or JSON/);
  const f = path.join(tmp, 'wrong.yaml');
  fs.writeFileSync(f, 'command: train\ngird: {model: [mlp]}\n');
  const r = spawnSync(process.execPath, [cli, 'sweep', f, '--store', path.join(tmp, 'w.db')], { encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.equal(r.stderr.trim().split('\n').length, 1);
  assert.match(r.stderr, /wrong\.yaml: unknown key "gird"/);
});

test('kill -9 of a local sweep loses no finished job and reruns none; the rerun resumes', async () => {
  const db = path.join(tmp, 'kill.db');
  const spec = path.join(tmp, 'kill.yaml');
  fs.writeFileSync(spec, 'command: train\noptions: {data: iris, model: mlp, epochs: 40}\ngrid:\n  lr: [0.01, 0.02, 0.03, 0.05]\nseeds: [1, 2]\n');
  const jobs = expandJobs(parseSweepSpec(fs.readFileSync(spec, 'utf8'), spec));
  const completeRuns = () => {
    const s = Store.open(db, { readonly: true });
    const rows = s.db.prepare("SELECT r.id, t.value AS job FROM runs r JOIN tags t ON t.run_id = r.id AND t.key = 'job' WHERE r.status = 'complete'").all() as Array<{ id: string; job: string }>;
    s.close();
    return rows;
  };
  const child = spawn(process.execPath, [cli, 'sweep', spec, '--store', db, '--workers', '2', '--json'], { stdio: 'ignore' });
  let before: Array<{ id: string; job: string }> = [];
  await new Promise<void>((resolve, reject) => {
    const t = setInterval(() => {
      try { before = fs.existsSync(db) ? completeRuns() : []; } catch { return; }
      if (before.length >= 2) { clearInterval(t); child.kill('SIGKILL'); resolve(); }
    }, 10);
    child.on('exit', (c) => { clearInterval(t); if (c !== null) reject(new Error(`the sweep finished (${c}) before it was killed`)); });
  });
  assert.ok(before.length < jobs.length, 'killed mid-way');
  const r = spawnSync(process.execPath, [cli, 'sweep', spec, '--store', db, '--workers', '2', '--json'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /finished before \(resuming\)/);
  const res = JSON.parse(r.stdout.trim().split('\n').pop()!);
  assert.equal(res.jobs, jobs.length);
  assert.equal(res.completed, jobs.length);
  assert.equal(res.failed, 0);
  const after = completeRuns();
  // Exactly one complete run per job ...
  assert.equal(after.length, jobs.length);
  assert.deepEqual(new Set(after.map((x) => x.job)), new Set(jobs.map((j) => j.job)));
  // ... and the runs finished before the kill are the ones that count (none was run again).
  for (const b of before) assert.equal(res.results.find((x: { job: string }) => x.job === b.job).run_id, b.id);
  const s = Store.open(db);
  assert.equal(s.db.pragma('integrity_check', { simple: true }), 'ok');
  s.close();
});
