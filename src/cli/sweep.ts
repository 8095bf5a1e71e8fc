/**
 * `qml6g sweep SPEC.yaml [--workers N] [--nats URL] [--store FILE] [--json]`: every combination of the
 * spec's grid (× seeds) is one job of `qml6g COMMAND`; jobs run on a local worker pool (or, with
 * --nats, on `qml6g worker` processes anywhere), every run is recorded in the store, and running the
 * same command again resumes: finished jobs are kept, never rerun. Exit code 0 when every job
 * completed, 1 when some failed, 2 for a bad spec, 130 when interrupted.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { QmlError } from '../core/errors.js';
import { defaultStoreFile, Store } from '../store/store.js';
import { parseSweepSpec } from '../store/sweep.js';
import { defaultWorkers, runSweepLocal } from '../store/pool.js';
import { parseArgs, usage, type Flags } from './args.js';
import { info, printJson, printLine, readText } from './io.js';

const flags: Flags = {
  workers: { type: 'int', help: 'local worker processes', default: defaultWorkers() },
  nats: { type: 'string', help: 'run the jobs on qml6g worker processes anywhere, through NATS JetStream at this URL (nats://HOST:PORT)' },
  timeout: { type: 'number', help: 'with --nats: stop waiting after this many seconds (the jobs go on; run again to collect them)' },
  'ack-wait': { type: 'number', help: 'with --nats: seconds after which the job of a silent worker is given to another', default: 30 },
  store: { type: 'string', help: 'the store file (default $QML6G_STORE, else $QML6G_HOME/runs.db)' },
  dir: { type: 'string', help: 'folder for the jobs\' output folders (default: sweeps/ID beside the store)' },
  json: { type: 'boolean', help: 'print {"jobs", "completed", "failed", "results"} as the last line' },
  help: { type: 'boolean', help: 'show this help' },
};

export async function runSweep(argv: string[]): Promise<void> {
  const a = parseArgs(argv, flags, 'sweep');
  if (a.flags.help) { printLine(usage('sweep', 'SPEC.yaml|SPEC.json [options]', flags)); return; }
  if (a.flags.nats !== undefined && a.flags.dir !== undefined) throw new QmlError('--dir applies to local sweeps; with --nats each worker keeps job outputs in its own temporary folder');
  if (a.positional.length !== 1) throw new QmlError(a.positional.length ? `unexpected argument "${a.positional[1]}"` : 'sweep needs a spec file: qml6g sweep SPEC.yaml');
  const file = a.positional[0];
  const spec = parseSweepSpec(readText(file, 'sweep spec'), file);
  // A command of the contract that this build does not have yet fails here, not in every job.
  if (!fs.existsSync(path.join(path.dirname(fileURLToPath(import.meta.url)), 'commands', `${spec.command}.js`))) {
    throw new QmlError(`qml6g ${spec.command} is not part of this version of qml6g`, `${file}: command`);
  }
  const workers = a.flags.workers as number;
  if (workers < 1) throw new QmlError(`--workers must be at least 1, got ${workers}`);
  const store = Store.open((a.flags.store as string | undefined) ?? defaultStoreFile());
  try {
    let res;
    if (a.flags.nats !== undefined) {
      const ackWait = a.flags['ack-wait'] as number;
      if (!(ackWait >= 0.5 && ackWait <= 3600)) throw new QmlError(`--ack-wait must be between 0.5 and 3600 seconds, got ${ackWait}`);
      const timeout = a.flags.timeout as number | undefined;
      if (timeout !== undefined && !(timeout > 0)) throw new QmlError(`--timeout must be positive, got ${timeout}`);
      const { runSweepNats } = await import('../cluster/submit.js');
      res = await runSweepNats(spec, { store, url: a.flags.nats as string, log: info, ackWaitMs: Math.round(1000 * ackWait), timeoutMs: timeout === undefined ? undefined : Math.round(1000 * timeout) });
    } else {
      res = await runSweepLocal(spec, { store, workers, dir: a.flags.dir as string | undefined, log: info, handleSignals: true });
    }
    if (res.failed) process.exitCode = 1;
    if (a.flags.json) { printJson(res); return; }
    printLine(`sweep ${res.sweep}: ${res.completed} of ${res.jobs} job(s) complete, ${res.failed} failed`);
    for (const r of res.results) printLine(`  ${r.job}  ${r.status.padEnd(11)} ${r.run_id ?? '–'}  ${r.args.join(' ')}`);
  } finally {
    store.close();
  }
}
