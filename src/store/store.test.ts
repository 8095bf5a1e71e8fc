import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { migrationsFrom } from '../core/sqlite.js';
import { QmlError } from '../core/errors.js';
import { Store } from './store.js';
import { recordRun } from './recorder.js';
import { STORE_MIGRATIONS } from './migrations.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'qml6g-store-'));

test('migrations are numbered 1, 2, 3, ... and read back the same from numbered .sql files', () => {
  assert.deepEqual(STORE_MIGRATIONS.map((m) => m.version), STORE_MIGRATIONS.map((_, i) => i + 1));
  const dir = tmp();
  for (const m of STORE_MIGRATIONS) fs.writeFileSync(path.join(dir, `${m.name}.sql`), m.sql);
  fs.writeFileSync(path.join(dir, 'notes.txt'), 'not a migration');
  const files = migrationsFrom(dir);
  assert.deepEqual(files.map((m) => [m.version, m.name, m.sql]), STORE_MIGRATIONS.map((m) => [m.version, m.name, m.sql]));
});

test('a run keeps its configuration, parameters, metric history, latest values, tags and status', () => {
  const s = Store.open(':memory:');
  const id = s.createRun({ command: 'assess', config: { models: ['vqc'], eps: [0.1] }, seed: 7, params: { lr: 0.05, name: 'x' }, tags: { suite: 'a' } });
  s.logMetrics(id, [{ key: 'loss', value: 1 }, { key: 'loss', value: 0.5 }, { key: 'acc', value: 0.8, step: 3 }, { key: 'acc', value: 0.7, step: 1 }]);
  s.logMetric(id, 'loss', 0.25);
  s.logMetric(id, 'nan', Number.NaN);
  const r = s.getRun(id);
  assert.equal(r.status, 'running');
  assert.deepEqual(r.config, { models: ['vqc'], eps: [0.1] });
  assert.equal(r.seed, 7);
  assert.deepEqual(r.params, { lr: '0.05', name: 'x' });
  assert.deepEqual(r.tags, { suite: 'a' });
  // Latest is the highest step, not the last written (acc step 1 came after step 3).
  assert.deepEqual(r.metrics, { acc: 0.8, loss: 0.25, nan: null });
  assert.deepEqual(s.metricHistory(id, 'loss').map((p) => [p.step, p.value]), [[0, 1], [1, 0.5], [2, 0.25]]);
  assert.deepEqual(s.metricHistory(id, 'acc').map((p) => p.step), [1, 3]);
  assert.ok(s.endRun(id, 'complete'));
  assert.equal(s.endRun(id, 'failed'), false, 'a run ends once');
  assert.equal(s.getRun(id).status, 'complete');
  assert.ok(s.getRun(id).ended);
});

test('artefacts are stored once by SHA-256 and deleted with the last run naming them', () => {
  const s = Store.open(':memory:');
  const a = s.createRun({ command: 'x', config: {} });
  const b = s.createRun({ command: 'x', config: {} });
  const text = 'model bytes';
  const h = s.putArtifact(a, 'model.json', text, 'application/json');
  assert.equal(h, crypto.createHash('sha256').update(text).digest('hex'));
  s.putArtifact(b, 'copy.json', Buffer.from(text));
  assert.equal(s.db.prepare('SELECT COUNT(*) FROM blobs').pluck().get(), 1);
  assert.equal(s.artifact(b, 'copy.json')!.data.toString(), text);
  s.deleteRun(a);
  assert.equal(s.db.prepare('SELECT COUNT(*) FROM blobs').pluck().get(), 1, 'still named by b');
  s.deleteRun(b);
  assert.equal(s.db.prepare('SELECT COUNT(*) FROM blobs').pluck().get(), 0);
  assert.throws(() => s.putArtifact(a, '../x', 'y'), QmlError);
});

test('listing filters by command, status and tag, paginates newest first and counts every match', () => {
  const s = Store.open(':memory:');
  const ids: string[] = [];
  for (let i = 0; i < 25; i++) {
    const id = s.createRun({ command: i % 2 ? 'poison' : 'assess', config: { i }, started: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(), tags: i % 5 === 0 ? { fifth: String(i) } : {} });
    s.logMetric(id, 'i', i);
    if (i % 3 === 0) s.endRun(id, 'complete');
    ids.push(id);
  }
  const all = s.listRuns({ limit: 10 });
  assert.equal(all.total, 25);
  assert.deepEqual(all.runs.map((r) => r.metrics.i), [24, 23, 22, 21, 20, 19, 18, 17, 16, 15]);
  assert.deepEqual(s.listRuns({ limit: 10, offset: 20 }).runs.map((r) => r.metrics.i), [4, 3, 2, 1, 0]);
  assert.equal(s.listRuns({ command: 'poison' }).total, 12);
  assert.equal(s.listRuns({ status: 'complete' }).total, 9);
  assert.deepEqual(s.listRuns({ tag: 'fifth' }).runs.map((r) => r.metrics.i), [20, 15, 10, 5, 0]);
  assert.deepEqual(s.listRuns({ tag: 'fifth=10' }).runs.map((r) => r.id), [ids[10]]);
  assert.throws(() => s.listRuns({ status: 'done' }), /unknown run status/);
});

test('run ids resolve from a unique prefix; an unknown or ambiguous id is a QmlError', () => {
  const s = Store.open(':memory:');
  s.createRun({ command: 'x', config: {}, id: 'abcd1234' });
  s.createRun({ command: 'x', config: {}, id: 'abcd9999' });
  assert.equal(s.resolveId('abcd12'), 'abcd1234');
  assert.throws(() => s.resolveId('abcd'), /ambiguous/);
  assert.throws(() => s.resolveId('ffff'), /no run with id "ffff"/);
  assert.throws(() => s.createRun({ command: 'x', config: {}, id: 'abcd1234' }), /already exists/);
});

test('compare lists the metric keys of all runs and only the parameters that differ', () => {
  const s = Store.open(':memory:');
  const a = s.createRun({ command: 'x', config: {}, params: { lr: 0.1, model: 'vqc' } });
  const b = s.createRun({ command: 'x', config: {}, params: { lr: 0.2, model: 'vqc' } });
  s.logMetric(a, 'acc', 0.9); s.logMetric(b, 'loss', 0.1);
  const c = s.compare([a, b]);
  assert.deepEqual(c.metric_keys, ['acc', 'loss']);
  assert.deepEqual(c.differing_params, ['lr']);
});

test('a corrupt store file is named in the error and left byte for byte as it was', () => {
  const dir = tmp();
  const file = path.join(dir, 'runs.db');
  const junk = Buffer.from('this is not a database, but someone\'s notes\n'.repeat(50));
  fs.writeFileSync(file, junk);
  assert.throws(() => Store.open(file), (e: unknown) => e instanceof QmlError && e.oneLine().includes(file) && /not a SQLite database/.test(e.message));
  assert.deepEqual(fs.readFileSync(file), junk);
});

test('a sweep-named run is taken over while running and never restarted once ended', () => {
  const s = Store.open(':memory:');
  s.createRun({ command: 'poison', config: { planned: true }, id: 'job1' });
  s.startRun({ id: 'job1', command: 'poison', config: { real: 1 }, seed: 3 });
  assert.deepEqual(s.getRun('job1').config, { real: 1 });
  s.endRun('job1', 'complete');
  assert.throws(() => s.startRun({ id: 'job1', command: 'poison', config: {} }), /already ended/);
});

test('markLost ends the runs of processes that died, and only those', () => {
  const s = Store.open(':memory:');
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  const dead = s.createRun({ command: 'x', config: {}, pid: Number(child.stdout) });
  const alive = s.createRun({ command: 'x', config: {} });
  assert.equal(s.markLost(), 1);
  assert.equal(s.getRun(dead).status, 'interrupted');
  assert.equal(s.getRun(alive).status, 'running');
});

test('recordRun ends the run from the exit code; kill -9 loses no committed metric and the store opens cleanly', async () => {
  const dir = tmp();
  const file = path.join(dir, 'runs.db');
  const rec = path.join(here, 'recorder.js');
  const script = (extra: string) => `import { recordRun } from ${JSON.stringify(rec)};
const r = recordRun('probe', { a: 1 }, 5, { store: ${JSON.stringify(file)} });
process.stdout.write(r.id + '\\n');
${extra}`;
  const ok = spawnSync(process.execPath, ['--input-type=module', '-e', script("r.metric('m', 1); process.exitCode = 0;")], { encoding: 'utf8' });
  const bad = spawnSync(process.execPath, ['--input-type=module', '-e', script("r.metric('m', 1); process.exitCode = 2;")], { encoding: 'utf8' });
  // The victim records one metric point per millisecond or so until it is killed.
  const victim = spawn(process.execPath, ['--input-type=module', '-e', script("let i = 0; const t = setInterval(() => { r.metrics([{ key: 'k', value: i, step: i }]); process.stdout.write('step ' + i++ + '\\n'); }, 1);")], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  await new Promise<void>((resolve) => victim.stdout.on('data', (d: Buffer) => { out += d; if (/step 40\n/.test(out)) resolve(); }));
  victim.kill('SIGKILL');
  await new Promise((r) => victim.on('exit', r));
  const lines = out.trim().split('\n');
  const lastReported = Number(lines.filter((l) => l.startsWith('step ')).pop()!.slice(5));
  const s = Store.open(file);
  assert.equal(s.getRun(ok.stdout.trim()).status, 'complete');
  assert.equal(s.getRun(bad.stdout.trim()).status, 'failed');
  const vid = lines[0];
  assert.equal(s.getRun(vid).status, 'running');
  const hist = s.metricHistory(vid, 'k');
  // Every point the victim reported as written is there, in order, without gaps.
  assert.ok(hist.length >= lastReported + 1, `${hist.length} points, ${lastReported + 1} reported`);
  assert.deepEqual(hist.map((p) => p.step), hist.map((_, i) => i));
  assert.equal(s.markLost(), 1);
  assert.equal(s.getRun(vid).status, 'interrupted');
  s.close();
});

test('an exported run imports into another store with everything it recorded, and only once', () => {
  const a = Store.open(':memory:');
  const id = a.createRun({ command: 'train', config: { lr: 0.1 }, seed: 4, params: { lr: 0.1 }, tags: { job: 'j1' } });
  a.logMetrics(id, [{ key: 'loss', value: 1 }, { key: 'loss', value: 0.5 }, { key: 'acc', value: Number.NaN }]);
  a.putArtifact(id, 'model.json', '{"w":[1,2]}', 'application/json');
  a.endRun(id, 'complete');
  const exp = JSON.parse(JSON.stringify(a.exportRun(id)));
  const b = Store.open(':memory:');
  assert.equal(b.importRun(exp), true);
  assert.equal(b.importRun(exp), false, 'a second import changes nothing');
  const r = b.getRun(id);
  assert.deepEqual({ ...r, history_lengths: undefined }, { ...a.getRun(id), history_lengths: undefined });
  assert.deepEqual(b.metricHistory(id, 'loss'), a.metricHistory(id, 'loss'));
  assert.equal(b.artifact(id, 'model.json')!.data.toString(), '{"w":[1,2]}');
  assert.throws(() => b.importRun({ format: 'other' } as never), /not an exported qml6g run/);
});
