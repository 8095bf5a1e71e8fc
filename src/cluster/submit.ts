/**
 * `qml6g sweep SPEC --nats URL`: puts the sweep's unfinished jobs on the JetStream work queue
 * (message id SWEEP.JOB: submitting again never duplicates a job), then follows the jobs' states in
 * the KV bucket and brings every finished run (from the object store) into the local store, each
 * exactly once (Store.importRun). Running the same command again resumes: jobs finished meanwhile
 * are imported, the others are waited for.
 *
 * @example
 * import { Store, parseSweepSpec, runSweepNats } from 'qml6g';
 * const spec = parseSweepSpec('{"command":"train","options":{"data":"iris"},"grid":{"model":["logreg"]}}', 'spec.json');
 * const res = await runSweepNats(spec, { store: Store.open('runs.db'), url: 'nats://127.0.0.1:4222' });
 */
import { QmlError } from '../core/errors.js';
import type { RunExport, Store } from '../store/store.js';
import { ensureSweep, expandJobs, summariseSweep, sweepIdOf, sweepState, type SweepResult, type SweepSpec } from '../store/sweep.js';
import { connectNats } from './connect.js';
import { ensureInfra, jobKey, SUBJECT_PREFIX, type JobClaim, type JobMessage } from './jobs.js';

export interface NatsSweepOptions {
  store: Store;
  url: string;
  log?: (s: string) => void;
  /** Stop waiting after this many milliseconds (the jobs go on; run again to collect them). */
  timeoutMs?: number;
  /** Redelivery delay for a job whose worker went silent (default 30 s). */
  ackWaitMs?: number;
}

export async function runSweepNats(spec: SweepSpec, opts: NatsSweepOptions): Promise<SweepResult> {
  const { store } = opts;
  const log = opts.log ?? (() => {});
  const jobs = expandJobs(spec);
  const id = sweepIdOf(jobs);
  ensureSweep(store, id, spec, jobs);
  const nc = await connectNats(opts.url, { name: `qml6g-sweep ${id}` });
  try {
    const { js, kv, results } = await ensureInfra(nc, { ackWaitMs: opts.ackWaitMs });
    const finished = (s: { status: string }) => s.status === 'complete' || s.status === 'failed';
    const state = sweepState(store, id);
    const open = new Set(state.filter((s) => !finished(s)).map((s) => s.job));
    const before = jobs.length - open.size;
    const t0 = performance.now();
    for (const j of jobs) {
      if (!open.has(j.job)) continue;
      const m: JobMessage = { sweep: id, job: j.job, index: j.index, argv: [j.command, ...j.argv] };
      await js.publish(`${SUBJECT_PREFIX}.${id}`, JSON.stringify(m), { msgID: jobKey(id, j.job) });
    }
    log(`sweep ${id}: ${open.size} job(s) of qml6g ${spec.command} on ${opts.url}${before ? ` (${before} finished before)` : ''}; start workers with: qml6g worker --nats ${opts.url}`);
    if (open.size) {
      const watcher = await kv.watch({ key: `${id}.*` });
      const timer = opts.timeoutMs !== undefined ? setTimeout(() => { log(`sweep ${id}: stopped waiting after ${opts.timeoutMs} ms; ${open.size} job(s) still open (run again to collect them)`); watcher.stop(); }, opts.timeoutMs) : undefined;
      try {
        for await (const e of watcher) {
          if (e.operation !== 'PUT') continue;
          const job = e.key.slice(id.length + 1);
          if (!open.has(job)) continue;
          const claim = e.json<JobClaim>();
          if (claim.state !== 'done' && claim.state !== 'failed') continue;
          let exp = claim.result;
          if (!exp) {
            const blob = await results.getBlob(claim.object ?? e.key);
            if (!blob) throw new QmlError(`job ${job} is marked ${claim.state} but its result is missing from the object store`, opts.url);
            exp = JSON.parse(new TextDecoder().decode(blob)) as RunExport;
          }
          store.importRun(exp, { sweepId: id, job });
          open.delete(job);
          log(`job ${job} ${exp.run.status} on ${claim.worker} (run ${exp.run.id}; ${jobs.length - open.size}/${jobs.length} finished, ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
          if (!open.size) break;
        }
      } finally {
        if (timer) clearTimeout(timer);
        watcher.stop();
      }
    }
  } finally {
    await nc.drain().catch(() => nc.close());
  }
  return summariseSweep(id, sweepState(store, id));
}
