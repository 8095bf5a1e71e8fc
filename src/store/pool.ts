/**
 * The local worker pool of `qml6g sweep`: up to N child processes of the qml6g command line at once,
 * each running one job with its run named beforehand ($QML6G_RUN_ID) in the same store
 * ($QML6G_STORE). Kill -9 at any moment loses no finished job and reruns none:
 * - a job is finished exactly when its run is ended "complete" or "failed", which the job's own
 *   process commits (or the pool, for a command that does not record itself);
 * - a second run of the same spec skips finished jobs, waits for jobs whose process survived the
 *   killed pool, and reruns only jobs whose process is gone (their unfinished run is ended
 *   "interrupted"; a straggler cannot take it over again, see Store.startRun).
 * SIGINT/SIGTERM stop starting jobs, pass the signal on (the jobs save resumable state) and end
 * with exit code 130.
 *
 * @example
 * import { Store, parseSweepSpec, runSweepLocal } from 'qml6g';
 * const spec = parseSweepSpec('{"command":"train","options":{"data":"iris","epochs":2},"grid":{"model":["logreg"]}}', 'spec.json');
 * const res = await runSweepLocal(spec, { store: Store.open('runs.db'), workers: 2 });
 * res.completed; // 1
 */
import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { QmlError } from '../core/errors.js';
import { processAlive, type Store } from './store.js';
import { assignRun, ensureSweep, expandJobs, finishFromOutput, summariseSweep, sweepIdOf, sweepState, type JobState, type SweepResult, type SweepSpec } from './sweep.js';

/** The qml6g command line (dist/cli/main.js beside this layer). */
export const CLI_MAIN = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'cli', 'main.js');

/** Commands whose results go to a folder (--out, default ./qml6g-report): each job gets its own. */
const OUT_DIR_COMMANDS = new Set(['assess', 'poison']);

export interface PoolOptions {
  store: Store;
  workers?: number;
  /** Where jobs' output folders go (default: sweeps/SWEEP beside the store file). */
  dir?: string;
  log?: (s: string) => void;
  /** Attempts per job within one call when its process is killed from outside (default 2). */
  attempts?: number;
  /** Poll interval while waiting for jobs of a killed pool that are still running (ms). */
  pollMs?: number;
  handleSignals?: boolean;
  env?: NodeJS.ProcessEnv;
}

/** The command line of a job: `{job}` in a value becomes the job id; output-folder commands get their own folder. */
export function jobArgv(state: JobState, dir: string): string[] {
  const [command, ...argv] = state.argv;
  const args = argv.map((a) => a.replaceAll('{job}', state.job));
  if (OUT_DIR_COMMANDS.has(command) && !args.includes('--out')) args.push('--out', path.join(dir, state.job));
  return [command, ...args, '--json'];
}

export function defaultWorkers(): number {
  return Math.max(1, Math.min(4, os.availableParallelism?.() ?? os.cpus().length));
}

export async function runSweepLocal(spec: SweepSpec, opts: PoolOptions): Promise<SweepResult> {
  const { store } = opts;
  const workers = opts.workers ?? defaultWorkers();
  if (!Number.isInteger(workers) || workers < 1) throw new QmlError(`--workers must be a positive integer, got ${workers}`);
  const log = opts.log ?? (() => {});
  const jobs = expandJobs(spec);
  const id = sweepIdOf(jobs);
  const dir = opts.dir ?? path.join(path.dirname(path.resolve(store.file === ':memory:' ? os.tmpdir() : store.file)), 'sweeps', id);
  ensureSweep(store, id, spec, jobs);
  const maxAttempts = opts.attempts ?? 2;
  const tried = new Map<string, number>();
  const running = new Map<string, ChildProcess>();
  const host = os.hostname();
  let stop = false;
  const onSignal = (sig: NodeJS.Signals) => {
    if (!stop) log(`${sig}: no new jobs; waiting for ${running.size} running job(s) to save their state`);
    stop = true;
    for (const c of running.values()) c.kill(sig);
  };
  if (opts.handleSignals) { process.on('SIGINT', onSignal); process.on('SIGTERM', onSignal); }

  const initial = sweepState(store, id);
  const already = initial.filter((s) => s.status === 'complete' || s.status === 'failed').length;
  log(`sweep ${id}: ${jobs.length} job(s) of qml6g ${spec.command}${already ? `, ${already} finished before (resuming)` : ''}; ${workers} worker(s)`);
  let wake: () => void = () => {};
  let finishedNow = 0;

  const start = (s: JobState) => {
    const runId = assignRun(store, id, s, s.argv[0], process.pid, host);
    tried.set(s.job, (tried.get(s.job) ?? 0) + 1);
    const argv = jobArgv(s, dir);
    const child = spawn(process.execPath, [CLI_MAIN, ...argv], {
      env: { ...process.env, ...opts.env, QML6G_STORE: path.resolve(store.file), QML6G_RUN_ID: runId, QML6G_SWEEP: id },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.set(s.job, child);
    let out = '', err = '';
    child.stdout!.on('data', (d: Buffer) => { out += d; if (out.length > 1 << 24) out = out.slice(-(1 << 23)); });
    child.stderr!.on('data', (d: Buffer) => { err += d; if (err.length > 1 << 22) err = err.slice(-(1 << 21)); });
    child.on('close', (code, signal) => {
      running.delete(s.job);
      try {
        finishFromOutput(store, runId, code, signal, out, err);
      } catch (e) {
        log(`job ${s.job}: could not record its end (${(e as Error).message})`);
      }
      if (!store.db.open) return;
      const st = store.status(runId);
      if (st === 'complete' || st === 'failed') finishedNow++;
      log(`job ${s.index + 1}/${jobs.length} ${s.job} ${st}${st === 'failed' ? `: ${err.trim().split('\n').pop() ?? ''}` : ''} (run ${runId}; ${already + finishedNow}/${jobs.length} finished)`);
      wake();
    });
    child.on('error', (e) => log(`job ${s.job}: cannot start: ${e.message}`));
  };

  try {
    for (;;) {
      const state = sweepState(store, id);
      const todo: JobState[] = [];
      let waiting = 0;
      for (const s of state) {
        if (s.status === 'complete' || s.status === 'failed' || running.has(s.job)) continue;
        if (s.status === 'running') {
          const r = store.getRun(s.run_id!);
          if (r.host === host && r.pid !== process.pid && processAlive(r.pid)) { waiting++; continue; }
          store.endRun(s.run_id!, 'interrupted', 'its process is gone (the sweep was killed)');
          s.status = 'interrupted';
        }
        if ((tried.get(s.job) ?? 0) < maxAttempts) todo.push(s);
      }
      if (!stop) while (running.size < workers && todo.length) start(todo.shift()!);
      if (!running.size && (!waiting || stop)) break;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, opts.pollMs ?? 500);
        wake = () => { clearTimeout(t); resolve(); };
      });
    }
  } catch (e) {
    // A failure of the pool itself (the store unwritable): stop the jobs cleanly before saying so.
    stop = true;
    for (const c of running.values()) c.kill('SIGTERM');
    while (running.size) await new Promise<void>((resolve) => { const t = setTimeout(resolve, 200); wake = () => { clearTimeout(t); resolve(); }; });
    throw e;
  } finally {
    if (opts.handleSignals) { process.off('SIGINT', onSignal); process.off('SIGTERM', onSignal); }
  }
  const res = summariseSweep(id, sweepState(store, id));
  if (stop) {
    const e = new QmlError(`sweep ${id} interrupted: ${res.completed + res.failed} of ${res.jobs} jobs finished; run the same command again to resume`);
    e.exitCode = 130;
    throw e;
  }
  return res;
}
