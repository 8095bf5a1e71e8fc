import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runJob, Interrupted, configHashOf, type JobRecorder } from './job.js';
import { QmlError } from './errors.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'qml6g-job-'));

interface Rec { items: number[]; restored?: boolean; total?: number }

function spec(file: string, opts: { stopAfter?: number; resume?: boolean; seed?: number; calls?: string[] } = {}) {
  const calls = opts.calls ?? [];
  return {
    command: 'test', file, config: { n: 5, out: 'ignored' }, ignoreKeys: ['out'], seed: opts.seed ?? 1, resume: opts.resume, handleSignals: false,
    init: (): Rec => ({ items: [] }),
    shouldStop: () => opts.stopAfter !== undefined && calls.filter((c) => c === 'item').length >= opts.stopAfter,
    steps: [
      { name: 'first', run: () => { calls.push('first'); }, restore: () => { calls.push('restore-first'); } },
      {
        name: 'items',
        run: async (ctx: { record: Rec; previous: Rec | null; checkpoint(): Promise<void> }) => {
          // Fine-grained reuse: finished items of the interrupted run are not recomputed.
          ctx.record.items = [...(ctx.previous?.items ?? [])];
          for (let i = ctx.record.items.length; i < 5; i++) { calls.push('item'); ctx.record.items.push(i * i); await ctx.checkpoint(); }
        },
      },
      { name: 'sum', run: (ctx: { record: Rec }) => { calls.push('sum'); ctx.record.total = ctx.record.items.reduce((a, b) => a + b, 0); } },
    ],
  };
}

test('a job runs its steps in order and records status, steps, seed, version and config hash', async () => {
  const file = path.join(tmp, 'a.json');
  const calls: string[] = [];
  const r = await runJob(spec(file, { calls }));
  assert.deepEqual(calls, ['first', 'item', 'item', 'item', 'item', 'item', 'sum']);
  assert.equal(r.status, 'complete');
  assert.equal(r.total, 0 + 1 + 4 + 9 + 16);
  assert.deepEqual(r.steps_done, ['first', 'items', 'sum']);
  const saved = JSON.parse(fs.readFileSync(file, 'utf8'));
  assert.equal(saved.status, 'complete');
  assert.equal(saved.config_hash, configHashOf({ n: 5 }));
  assert.ok(typeof saved.version === 'string' && saved.seed === 1);
});

test('an interrupted job saves a resumable state, and resuming restores finished steps and reuses finished items', async () => {
  const file = path.join(tmp, 'b.json');
  const calls: string[] = [];
  await assert.rejects(runJob(spec(file, { calls, stopAfter: 2 })), (e: unknown) => e instanceof Interrupted && (e as QmlError).exitCode === 130);
  const partial = JSON.parse(fs.readFileSync(file, 'utf8'));
  assert.equal(partial.status, 'interrupted');
  assert.deepEqual(partial.items, [0, 1]);
  assert.deepEqual(partial.steps_done, ['first']);
  const again: string[] = [];
  const r = await runJob(spec(file, { calls: again, resume: true }));
  assert.deepEqual(again, ['restore-first', 'item', 'item', 'item', 'sum']);
  assert.deepEqual(r.items, [0, 1, 4, 9, 16]);
  assert.equal(r.status, 'complete');
});

test('resuming with different options is refused; options that do not change results are ignored', async () => {
  const file = path.join(tmp, 'c.json');
  await runJob(spec(file));
  await assert.rejects(runJob({ ...spec(file, { resume: true }), config: { n: 6 } }), /cannot resume: the options differ/);
  await runJob({ ...spec(file, { resume: true }), config: { n: 5, out: 'elsewhere' } });
  fs.writeFileSync(file, '{"status": "runn');
  await assert.rejects(runJob(spec(file, { resume: true })), /not valid JSON/);
});

test('a recorder sees the run start, each step, metrics and the end', async () => {
  const events: string[] = [];
  const recorder: JobRecorder = {
    start: (i) => { events.push(`start:${i.command}`); return 'run-1'; },
    step: (n) => events.push(`step:${n}`),
    metric: (n, v) => events.push(`metric:${n}=${v}`),
    artefact: (n) => events.push(`artefact:${n}`),
    end: (s) => events.push(`end:${s}`),
  };
  const r = await runJob({
    command: 'rec', file: path.join(tmp, 'd.json'), config: {}, seed: 2, recorder, handleSignals: false, init: () => ({}),
    steps: [{ name: 's', run: (ctx) => { ctx.metric('acc', 0.5); ctx.artefact('x', 'x.json'); } }],
  });
  assert.equal(r.run_id, 'run-1');
  assert.deepEqual(events, ['start:rec', 'metric:acc=0.5', 'artefact:x', 'step:s', 'end:complete']);
  await assert.rejects(runJob({
    command: 'rec', file: path.join(tmp, 'e.json'), config: {}, seed: 2, recorder, handleSignals: false, init: () => ({}),
    steps: [{ name: 'bad', run: () => { throw new QmlError('broken input'); } }],
  }), /broken input/);
  assert.equal(events.at(-1), 'end:failed');
  assert.equal(JSON.parse(fs.readFileSync(path.join(tmp, 'e.json'), 'utf8')).status, 'failed');
});

test('kill -9 in the middle of writing leaves the last complete record, never half of one', async () => {
  const file = path.join(tmp, 'f.json');
  const job = fileURLToPath(new URL('./job.js', import.meta.url));
  const script = `import { runJob } from ${JSON.stringify(job)};
    await runJob({ command: 'k', file: ${JSON.stringify(file)}, config: {}, seed: 1, handleSignals: false, init: () => ({ n: 0, pad: 'x'.repeat(200000) }),
      steps: [{ name: 'loop', run: async (ctx) => { for (;;) { ctx.record.n++; await ctx.checkpoint(); } } }] });`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: 'ignore' });
  await new Promise<void>((resolve) => {
    const t = setInterval(() => {
      try { if (JSON.parse(fs.readFileSync(file, 'utf8')).n > 20) { clearInterval(t); resolve(); } } catch { /* not yet */ }
    }, 20);
  });
  child.kill('SIGKILL');
  await new Promise((r) => child.on('close', r));
  const rec = JSON.parse(fs.readFileSync(file, 'utf8'));
  assert.ok(rec.n > 20 && rec.status === 'running');
});
