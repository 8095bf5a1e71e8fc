/**
 * Sweeps across processes on a real nats-server (started on a free port with JetStream in a
 * temporary folder); skipped, saying why, when the nats-server binary is missing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { Store } from '../store/store.js';
import { expandJobs, parseSweepSpec } from '../store/sweep.js';
import { natsSkipReason, startNatsServer } from '../testing/nats.js';
import { repoRoot } from '../testing/shared.js';

const cli = path.join(repoRoot, 'dist', 'cli', 'main.js');
const skip = natsSkipReason();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'qml6g-cluster-'));

test('an unreachable NATS URL is one line naming the URL after a bounded retry, exit code 2', () => {
  const spec = path.join(tmp, 'one.yaml');
  fs.writeFileSync(spec, 'command: train\noptions: {data: iris, model: logreg, epochs: 1}\n');
  for (const args of [['sweep', spec, '--nats', 'nats://127.0.0.1:1', '--store', path.join(tmp, 'u.db')], ['worker', '--nats', 'nats://127.0.0.1:1']]) {
    const t0 = Date.now();
    const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.status, 2, r.stderr);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /nats:\/\/127\.0\.0\.1:1: cannot reach the NATS server after 3 attempts/);
    assert.ok(Date.now() - t0 < 20_000, 'bounded');
  }
  const bad = spawnSync(process.execPath, [cli, 'worker', '--nats', 'http://x'], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /not a NATS URL/);
});

test('a 30-job sweep over NATS with 3 workers, one killed with SIGKILL mid-job: every job recorded exactly once', { skip, timeout: 180_000 }, async () => {
  const server = await startNatsServer();
  const workers: ChildProcess[] = [];
  try {
    const db = path.join(tmp, 'nats.db');
    const spec = path.join(tmp, 'thirty.yaml');
    fs.writeFileSync(spec, `command: train\noptions: {data: iris, model: logreg, epochs: 1}\nseeds: [${Array.from({ length: 30 }, (_, i) => i + 1).join(', ')}]\n`);
    const jobs = expandJobs(parseSweepSpec(fs.readFileSync(spec, 'utf8'), spec));
    const logs = ['', '', ''];
    for (let i = 0; i < 3; i++) {
      const w = spawn(process.execPath, [cli, 'worker', '--nats', server.url], { stdio: ['ignore', 'ignore', 'pipe'] });
      w.stderr!.on('data', (d: Buffer) => { logs[i] += d; });
      workers.push(w);
    }
    // Kill the first worker that starts a job, at once (its child process is then mid-job).
    let victimWorker = -1;
    const killed = new Promise<string>((resolve) => {
      const t = setInterval(() => {
        for (let i = 0; i < 3; i++) {
          const m = /job (j[0-9a-f]+) of sweep \S+ started/.exec(logs[i]);
          if (m) { clearInterval(t); workers[i].kill('SIGKILL'); victimWorker = i; resolve(m[1]); return; }
        }
      }, 5);
    });
    const sweep = spawn(process.execPath, [cli, 'sweep', spec, '--nats', server.url, '--ack-wait', '2', '--store', db, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    sweep.stdout!.on('data', (d: Buffer) => { out += d; });
    sweep.stderr!.on('data', (d: Buffer) => { err += d; });
    const code = await new Promise<number | null>((resolve) => sweep.on('close', resolve));
    const victimJob = await killed;
    assert.equal(code, 0, err);
    const res = JSON.parse(out.trim().split('\n').pop()!);
    assert.equal(res.jobs, 30);
    assert.equal(res.completed, 30);
    assert.equal(res.failed, 0);
    const s = Store.open(db);
    const rows = s.db.prepare("SELECT t.value AS job, r.id, r.status FROM runs r JOIN tags t ON t.run_id = r.id AND t.key = 'job'").all() as Array<{ job: string; id: string; status: string }>;
    assert.equal(rows.length, 30, 'one run per job, none twice');
    assert.deepEqual(new Set(rows.map((r) => r.job)), new Set(jobs.map((j) => j.job)));
    assert.ok(rows.every((r) => r.status === 'complete'));
    // The killed worker's job was redelivered and finished by another worker.
    const victim = rows.find((r) => r.job === victimJob)!;
    assert.match(victim.id, /-n([2-9]|\d\d+)$/, `redelivered: ${victim.id}`);
    assert.ok(!logs[victimWorker].includes(`${victimJob} complete`), 'the killed worker never finished its job');
    // Every run carries the metrics its worker recorded.
    assert.ok(s.listRuns({ limit: 30 }).runs.every((r) => typeof r.metrics.accuracy === 'number'));
    // Submitting the same sweep again finds everything finished: nothing is run or recorded twice.
    const again = spawnSync(process.execPath, [cli, 'sweep', spec, '--nats', server.url, '--store', db, '--json'], { encoding: 'utf8' });
    assert.equal(again.status, 0, again.stderr);
    assert.equal(JSON.parse(again.stdout.trim().split('\n').pop()!).completed, 30);
    assert.equal(s.listRuns().total, 30);
    s.close();
  } finally {
    for (const w of workers) if (w.exitCode === null && w.signalCode === null) w.kill('SIGKILL');
    await server.stop();
  }
});

test('a run with large artefacts comes back through the object store; small ones in the KV entry', { skip, timeout: 60_000 }, async () => {
  const { runWorker } = await import('./worker.js');
  const { runSweepNats } = await import('./submit.js');
  const server = await startNatsServer();
  try {
    const store = Store.open(path.join(tmp, 'obj.db'));
    const big = Buffer.alloc(300 * 1024);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7919) & 255;
    const spec = parseSweepSpec('{"command":"train","options":{"data":"iris"},"seeds":[1,2]}', 'obj.json');
    const worker = runWorker({
      url: server.url, idleExitMs: 2000, inlineResultBytes: 100 * 1024,
      execute: async (job, runId) => {
        const s = Store.open(':memory:');
        s.createRun({ id: runId, command: 'train', config: { argv: job.argv }, tags: { job: job.job } });
        s.putArtifact(runId, 'model.bin', job.argv.includes('1') ? big : Buffer.from('small'));
        s.logMetric(runId, 'accuracy', 0.5);
        s.endRun(runId, 'complete');
        const e = s.exportRun(runId);
        s.close();
        return e;
      },
    });
    const res = await runSweepNats(spec, { store, url: server.url });
    await worker;
    assert.equal(res.completed, 2);
    const sizes = res.results.map((r) => store.artifact(r.run_id!, 'model.bin')!.data.length).sort((a, b) => a - b);
    assert.deepEqual(sizes, [5, big.length]);
    const bigRun = res.results.find((r) => store.artifact(r.run_id!, 'model.bin')!.data.length === big.length)!;
    assert.ok(store.artifact(bigRun.run_id!, 'model.bin')!.data.equals(big));
    store.close();
  } finally {
    await server.stop();
  }
});
