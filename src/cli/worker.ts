/**
 * `qml6g worker --nats URL [--max-jobs N] [--idle-exit S]`: runs sweep jobs from NATS JetStream on
 * this machine until stopped (SIGINT/SIGTERM: after the current job), N jobs are done, or no job came
 * for S seconds. Results go back through JetStream to the store of the sweep that submitted them.
 */
import { QmlError } from '../core/errors.js';
import { runWorker } from '../cluster/worker.js';
import { parseArgs, usage, type Flags } from './args.js';
import { info, printJson, printLine } from './io.js';

const flags: Flags = {
  nats: { type: 'string', help: 'the NATS server (nats://HOST:PORT)' },
  'max-jobs': { type: 'int', help: 'stop after this many jobs' },
  'idle-exit': { type: 'number', help: 'stop after this many seconds without a job' },
  json: { type: 'boolean', help: 'print {"worker", "jobs", "done", "failed", "skipped"} when stopping' },
  help: { type: 'boolean', help: 'show this help' },
};

export async function runWorkerCommand(argv: string[]): Promise<void> {
  const a = parseArgs(argv, flags, 'worker');
  if (a.flags.help) { printLine(usage('worker', '--nats URL [--max-jobs N]', flags)); return; }
  if (a.positional.length) throw new QmlError(`unexpected argument "${a.positional[0]}"`);
  if (a.flags.nats === undefined) throw new QmlError('worker needs --nats URL (the NATS server the sweep submits to)');
  const maxJobs = a.flags['max-jobs'] as number | undefined;
  if (maxJobs !== undefined && maxJobs < 1) throw new QmlError(`--max-jobs must be at least 1, got ${maxJobs}`);
  const idle = a.flags['idle-exit'] as number | undefined;
  if (idle !== undefined && !(idle > 0)) throw new QmlError(`--idle-exit must be positive, got ${idle}`);
  const s = await runWorker({ url: a.flags.nats as string, maxJobs, idleExitMs: idle === undefined ? undefined : 1000 * idle, log: info, handleSignals: true });
  if (a.flags.json) printJson(s);
  else info(`worker ${s.worker}: ${s.jobs} job(s): ${s.done} complete, ${s.failed} failed, ${s.skipped} already finished elsewhere`);
}
