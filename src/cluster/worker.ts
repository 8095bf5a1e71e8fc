/**
 * `qml6g worker --nats URL`: takes sweep jobs from the JetStream work queue, one at a time. For each
 * message: if the job's KV state says it is done, ack and move on (a redelivery after the worker
 * that finished it died before acking); otherwise claim it (taking over from a worker that went
 * silent) (compare-and-set in KV), heartbeat while it runs (KV timestamp + `working()` so the
 * message is not redelivered), run it as a child process of the qml6g CLI recording into a private
 * store, put the finished run in the object store, mark the job done in KV, and ack. A worker killed
 * at any point leaves a message that is redelivered once its ack wait passes, and a stale claim that
 * the next worker takes over.
 *
 * @example
 * import { runWorker } from 'qml6g';
 * await runWorker({ url: 'nats://127.0.0.1:4222', maxJobs: 1 });
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { JsMsg } from '@nats-io/jetstream';
import { Store, type RunExport } from '../store/store.js';
import { CLI_MAIN, jobArgv } from '../store/pool.js';
import { finishFromOutput } from '../store/sweep.js';
import { connectNats } from './connect.js';
import { CONSUMER, ensureInfra, jobKey, STREAM, type JobClaim, type JobMessage } from './jobs.js';

/** Results up to this size ride in the KV entry (NATS's default message limit is 1 MiB). */
const INLINE_RESULT_BYTES = 256 * 1024;

/** Runs one job and returns its finished run. */
export type JobExecutor = (job: JobMessage, runId: string, worker: string) => Promise<RunExport>;

export interface WorkerOptions {
  url: string;
  /** Stop after this many jobs (default: run until stopped). */
  maxJobs?: number;
  /** Stop after this many milliseconds without a job (default: never). */
  idleExitMs?: number;
  log?: (s: string) => void;
  execute?: JobExecutor;
  handleSignals?: boolean;
  /** Results up to this many bytes travel in the KV entry, larger ones through the object store (default 256 KiB). */
  inlineResultBytes?: number;
}

export interface WorkerSummary { worker: string; jobs: number; done: number; failed: number; skipped: number }

/** The default executor: `qml6g COMMAND ... --json` in a child process, recording into a temporary store. */
export const executeWithCli: JobExecutor = async (job, runId, worker) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qml6g-worker-'));
  const file = path.join(dir, 'run.db');
  const store = Store.open(file);
  try {
    store.createRun({ id: runId, command: job.argv[0], config: { argv: job.argv.slice(1), sweep: job.sweep, job: job.job }, tags: { sweep: job.sweep, job: job.job, worker } });
    const argv = jobArgv({ job: job.job, index: job.index, argv: job.argv, run_id: runId, attempts: 0, status: 'running' }, path.join(dir, 'out'));
    const child = spawn(process.execPath, [CLI_MAIN, ...argv], { env: { ...process.env, QML6G_STORE: file, QML6G_RUN_ID: runId, QML6G_SWEEP: job.sweep }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    child.stdout!.on('data', (d: Buffer) => { out += d; if (out.length > 1 << 24) out = out.slice(-(1 << 23)); });
    child.stderr!.on('data', (d: Buffer) => { err += d; if (err.length > 1 << 22) err = err.slice(-(1 << 21)); });
    const [code, signal] = await new Promise<[number | null, string | null]>((resolve) => {
      child.on('close', (c, s) => resolve([c, s]));
      child.on('error', (e) => { err += e.message; resolve([127, null]); });
    });
    finishFromOutput(store, runId, code, signal, out, err);
    return store.exportRun(runId);
  } finally {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
};

export async function runWorker(opts: WorkerOptions): Promise<WorkerSummary> {
  const log = opts.log ?? (() => {});
  const execute = opts.execute ?? executeWithCli;
  const me = `${os.hostname()}:${process.pid}`;
  const nc = await connectNats(opts.url, { name: `qml6g-worker ${me}` });
  const summary: WorkerSummary = { worker: me, jobs: 0, done: 0, failed: 0, skipped: 0 };
  let stop = false;
  const onSignal = () => { if (!stop) log(`worker ${me}: stopping after the current job`); stop = true; };
  if (opts.handleSignals) { process.on('SIGINT', onSignal); process.on('SIGTERM', onSignal); }
  try {
    const { js, kv, results, ackWaitMs } = await ensureInfra(nc);
    const consumer = await js.consumers.get(STREAM, CONSUMER);
    const beatMs = Math.max(200, Math.floor(ackWaitMs / 3));
    log(`worker ${me}: waiting for jobs on ${opts.url}`);
    let idleSince = Date.now();
    while (!stop && (opts.maxJobs === undefined || summary.jobs < opts.maxJobs)) {
      const msg = await consumer.next({ expires: 1000 });
      if (!msg) {
        if (opts.idleExitMs !== undefined && Date.now() - idleSince > opts.idleExitMs) break;
        continue;
      }
      await handle(msg);
      idleSince = Date.now();
    }

    async function handle(msg: JsMsg): Promise<void> {
      let jm: JobMessage;
      try {
        jm = msg.json<JobMessage>();
        if (!jm || typeof jm.sweep !== 'string' || typeof jm.job !== 'string' || !Array.isArray(jm.argv)) throw new Error('malformed');
      } catch {
        log(`worker ${me}: dropping a malformed job message (stream sequence ${msg.seq})`);
        msg.term('malformed job message');
        return;
      }
      const key = jobKey(jm.sweep, jm.job);
      const entry = await kv.get(key);
      const prev = entry && entry.operation === 'PUT' ? entry.json<JobClaim>() : null;
      if (prev && (prev.state === 'done' || prev.state === 'failed')) {
        summary.skipped++;
        await msg.ackAck();
        return;
      }
      // A job claimed by someone else reaches us only as a redelivery, which JetStream makes only when
      // its owner has not signalled `working()` for a whole ack wait (it beats three times as often):
      // the owner is dead or stalled, and we take over. No clocks of different machines are compared;
      // a stalled owner that wakes up loses the compare-and-set and its result is dropped.
      if (prev && prev.state === 'claimed' && prev.worker !== me) log(`worker ${me}: taking over job ${jm.job} from ${prev.worker} (silent for a whole ack wait)`);
      const delivery = msg.info.deliveryCount;
      const runId = `${jm.sweep}-${jm.job}-n${delivery}`;
      let claim: JobClaim = { state: 'claimed', worker: me, heartbeat: Date.now(), delivery, run_id: runId };
      let rev: number;
      try {
        rev = entry ? await kv.update(key, JSON.stringify(claim), entry.revision) : await kv.create(key, JSON.stringify(claim));
      } catch {
        msg.nak(500); // someone else claimed it a moment ago
        return;
      }
      summary.jobs++;
      log(`worker ${me}: job ${jm.job} of sweep ${jm.sweep} started (delivery ${delivery}): ${jm.argv.join(' ')}`);
      let beating = true;
      // Beats run one after another (each waits for the previous), so the revision is always known.
      let inFlight: Promise<void> = Promise.resolve();
      const beat = setInterval(() => {
        if (!beating) return;
        msg.working();
        inFlight = inFlight.then(async () => {
          if (!beating) return;
          claim = { ...claim, heartbeat: Date.now() };
          try { rev = await kv.update(key, JSON.stringify(claim), rev); } catch { /* a missed beat; the next one retries */ }
        });
      }, beatMs);
      let exp: RunExport;
      try {
        exp = await execute(jm, runId, me);
      } finally {
        beating = false;
        clearInterval(beat);
      }
      const status = exp.run.status;
      if (status !== 'complete' && status !== 'failed') {
        // Interrupted (this worker was asked to stop): give the job back for another worker.
        await kv.update(key, JSON.stringify({ ...claim, state: 'released', heartbeat: 0 }), rev).catch(() => {});
        msg.nak();
        log(`worker ${me}: job ${jm.job} released (${status})`);
        return;
      }
      await inFlight;
      // A small run (metrics, parameters) travels inside the job's KV entry; one with model files or
      // other large artefacts goes to the object store and the entry points at it.
      const bytes = new TextEncoder().encode(JSON.stringify(exp));
      const final: JobClaim = { ...claim, state: status === 'complete' ? 'done' : 'failed', heartbeat: Date.now() };
      if (bytes.length <= (opts.inlineResultBytes ?? INLINE_RESULT_BYTES)) final.result = exp;
      else { await results.putBlob({ name: key }, bytes); final.object = key; }
      try {
        await kv.update(key, JSON.stringify(final), rev);
      } catch {
        // Our claim went stale (this worker was too slow to beat) and another worker owns the job now:
        // its result is the one that counts.
        log(`worker ${me}: job ${jm.job} finished here but another worker had taken it over; its result is kept`);
        return;
      }
      await msg.ackAck();
      if (status === 'complete') summary.done++; else summary.failed++;
      log(`worker ${me}: job ${jm.job} ${status} (run ${runId})`);
    }
  } finally {
    if (opts.handleSignals) { process.off('SIGINT', onSignal); process.off('SIGTERM', onSignal); }
    await nc.drain().catch(() => nc.close());
  }
  return summary;
}
