/**
 * `qml6g sweep SPEC.yaml [--workers N] [--nats URL] [--store FILE] [--json]`: every combination of the
 * spec's grid (× seeds) is one job of `qml6g COMMAND`; jobs run on a local worker pool (or, with
 * --nats, on `qml6g worker` processes anywhere), every run is recorded in the store, and running the
 * same command again resumes: finished jobs are kept, never rerun. Exit code 0 when every job
 * completed, 1 when some failed, 2 for a bad spec, 130 when interrupted.
 */
import { QmlError } from '../core/errors.js';
import { defaultStoreFile, Store } from '../store/store.js';
import { parseSweepSpec } from '../store/sweep.js';
import { defaultWorkers, runSweepLocal } from '../store/pool.js';
import { parseArgs, usage, type Flags } from './args.js';
import { info, printJson, printLine, readText } from './io.js';

const flags: Flags = {
  workers: { type: 'int', help: 'local worker processes', default: defaultWorkers() },
  store: { type: 'string', help: 'the store file (default $QML6G_STORE, else $QML6G_HOME/runs.db)' },
  dir: { type: 'string', help: 'folder for the jobs\' output folders (default: sweeps/ID beside the store)' },
  json: { type: 'boolean', help: 'print {"jobs", "completed", "failed", "results"} as the last line' },
  help: { type: 'boolean', help: 'show this help' },
};

export async function runSweep(argv: string[]): Promise<void> {
  const a = parseArgs(argv, flags, 'sweep');
  if (a.flags.help) { printLine(usage('sweep', 'SPEC.yaml|SPEC.json [options]', flags)); return; }
  if (a.positional.length !== 1) throw new QmlError(a.positional.length ? `unexpected argument "${a.positional[1]}"` : 'sweep needs a spec file: qml6g sweep SPEC.yaml');
  const file = a.positional[0];
  const spec = parseSweepSpec(readText(file, 'sweep spec'), file);
  const workers = a.flags.workers as number;
  if (workers < 1) throw new QmlError(`--workers must be at least 1, got ${workers}`);
  const store = Store.open((a.flags.store as string | undefined) ?? defaultStoreFile());
  try {
    const res = await runSweepLocal(spec, { store, workers, dir: a.flags.dir as string | undefined, log: info, handleSignals: true });
    if (res.failed) process.exitCode = 1;
    if (a.flags.json) { printJson(res); return; }
    printLine(`sweep ${res.sweep}: ${res.completed} of ${res.jobs} job(s) complete, ${res.failed} failed`);
    for (const r of res.results) printLine(`  ${r.job}  ${r.status.padEnd(11)} ${r.run_id ?? '–'}  ${r.args.join(' ')}`);
  } finally {
    store.close();
  }
}
