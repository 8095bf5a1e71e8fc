import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { runJob, Interrupted } from '../core/job.js';
import { Store } from './store.js';
import { StoreRecorder } from './job-recorder.js';
import { repoRoot } from '../testing/shared.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'qml6g-jobrec-'));
const cli = path.join(repoRoot, 'dist', 'cli', 'main.js');

test('a job records its run, metrics, artefacts and results record; a resumed job continues the same run', async () => {
  const store = Store.open(path.join(tmp, 'a.db'));
  const file = path.join(tmp, 'job.json');
  const art = path.join(tmp, 'model.txt');
  fs.writeFileSync(art, 'weights');
  let stopAfter = 2;
  const spec = (resume: boolean) => ({
    command: 'demo', file, config: { n: 4, out: 'x' }, seed: 3, resume, handleSignals: false,
    init: () => ({ squares: [] as number[] }),
    shouldStop: () => stopAfter-- <= 0,
    recorder: new StoreRecorder({ store, metricsOf: (r: unknown) => (r as { squares: number[] }).squares.map((v, i) => ({ key: 'square', value: v, step: i })) }),
    steps: ['a', 'b', 'c', 'd'].map((name, i) => ({
      name,
      run: (ctx: { record: { squares: number[] }; metric: (n: string, v: number, s?: number) => void; artefact: (n: string, f: string) => void }) => {
        ctx.record.squares.push(i * i); ctx.metric('i', i, i); if (i === 0) ctx.artefact('model.txt', art);
      },
      restore: (ctx: { record: { squares: number[] }; previous: { squares: number[] } | null }) => { ctx.record.squares.push(ctx.previous!.squares[i]); },
    })),
  });
  await assert.rejects(runJob(spec(false)), Interrupted);
  const first = store.listRuns().runs;
  assert.equal(first.length, 1);
  const id = first[0].id;
  assert.equal(first[0].status, 'interrupted');
  stopAfter = 100;
  const done = await runJob(spec(true));
  assert.equal(done.run_id, id, 'the resumed run keeps its id');
  assert.equal(store.listRuns().total, 1);
  const r = store.getRun(id);
  assert.equal(r.status, 'complete');
  assert.equal(r.seed, 3);
  assert.equal(r.params.n, '4');
  assert.deepEqual(store.metricHistory(id, 'square').map((p) => p.value), [0, 1, 4, 9]);
  assert.deepEqual(store.metricHistory(id, 'i').map((p) => p.step), [0, 1, 2, 3]);
  assert.equal(store.artifact(id, 'model.txt')!.data.toString(), 'weights');
  assert.equal(JSON.parse(store.artifact(id, 'results.json')!.data.toString()).status, 'complete');
  // The replaced versions of results.json did not pile up.
  assert.equal(store.db.prepare('SELECT COUNT(*) FROM blobs').pluck().get(), 2);
  store.close();
});

test('kill -9 during assess loses no recorded metric; the store opens cleanly and --resume finishes the same run', async () => {
  const dbFile = path.join(tmp, 'assess.db');
  const out = path.join(tmp, 'assess-out');
  const cfg = path.join(tmp, 'assess.json');
  fs.writeFileSync(cfg, JSON.stringify({ models: ['logreg', 'mlp'], attacks: ['fgsm'], eps: [0, 0.5], angleEps: [0], noise: [0], trainRows: 200, attackRows: 8, blackBoxRows: 4, queries: 10, steps: 2, epochs: 2, qubits: 2, layers: 1, kernelRows: 50 }));
  const env = { ...process.env, QML6G_STORE: dbFile };
  const child = spawn(process.execPath, [cli, 'assess', '--config', cfg, '--out', out], { env, stdio: 'ignore' });
  // Kill as soon as the store holds the first model's accuracy (a metric the train step records).
  await new Promise<void>((resolve, reject) => {
    const t = setInterval(() => {
      if (!fs.existsSync(dbFile)) return;
      try {
        const s = Store.open(dbFile, { readonly: true });
        const n = s.db.prepare("SELECT COUNT(*) FROM metrics WHERE key LIKE 'accuracy/%'").pluck().get() as number;
        s.close();
        if (n >= 1) { clearInterval(t); child.kill('SIGKILL'); resolve(); }
      } catch { /* not created yet */ }
    }, 20);
    child.on('exit', (c) => { clearInterval(t); if (c !== null) reject(new Error(`assess finished (${c}) before it could be killed`)); });
  });
  await new Promise((r) => child.on('close', r));
  const s = Store.open(dbFile);
  const [run] = s.listRuns().runs;
  assert.equal(run.command, 'assess');
  assert.equal(run.status, 'running', 'killed: nobody ended it');
  assert.ok((run.metrics['accuracy/logreg'] ?? 0) > 0.5, JSON.stringify(run.metrics));
  assert.equal(s.markLost(), 1);
  s.close();
  const r = spawnSync(process.execPath, [cli, 'assess', '--config', cfg, '--out', out, '--resume', '--json'], { env, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const s2 = Store.open(dbFile);
  const runs = s2.listRuns().runs;
  assert.equal(runs.length, 1, 'resumed into the same run');
  assert.equal(runs[0].status, 'complete');
  assert.equal(JSON.parse(r.stdout.trim().split('\n').pop()!).run_id, runs[0].id);
  assert.ok(runs[0].metrics['robust_accuracy/mlp'] !== undefined);
  assert.ok(s2.artifact(runs[0].id, 'report.html'));
  s2.close();
});
