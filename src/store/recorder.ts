/**
 * Recording a command's run in the experiment store, in one line:
 *
 *   const rec = recordRun('federate', config, config.seed);
 *   rec.metrics([{ key: 'accuracy', value: acc, step: round }]);   // as it goes
 *
 * The run is created at once (status "running") and ended when the process exits: "complete" on exit
 * code 0, "interrupted" on 130 (SIGINT saved state), "failed" otherwise, unless the command ended it
 * itself. A kill -9 leaves it "running" until `Store.markLost` sees its process gone. Writes go to
 * the store immediately (each call is one committed transaction), so nothing recorded is lost.
 *
 * The store is `$QML6G_STORE`, else `$QML6G_HOME/runs.db`. A sweep names the run beforehand through
 * `$QML6G_RUN_ID`; `QML6G_NO_STORE=1` turns recording off (the recorder then keeps nothing).
 *
 * @example
 * import { recordRun } from 'qml6g';
 * const rec = recordRun('demo', { lr: 0.1 }, 1, { store: ':memory:' });
 * rec.metric('loss', 0.25);
 * rec.end('complete');
 */
import fs from 'node:fs';
import path from 'node:path';
import { QmlError } from '../core/errors.js';
import { defaultStoreFile, Store, type MetricPoint, type RunStatus } from './store.js';

export interface RecordOptions {
  /** A store file or an open store (default {@link defaultStoreFile}). */
  store?: string | Store;
  params?: Record<string, unknown>;
  tags?: Record<string, string>;
  /** Run id (default: $QML6G_RUN_ID, else a new random id). */
  id?: string;
  /** End the run when the process exits (default true). */
  endOnExit?: boolean;
}

const MEDIA: Record<string, string> = {
  '.json': 'application/json', '.html': 'text/html; charset=utf-8', '.csv': 'text/csv; charset=utf-8', '.svg': 'image/svg+xml',
  '.txt': 'text/plain; charset=utf-8', '.png': 'image/png', '.qasm': 'text/plain; charset=utf-8',
};

export function mediaTypeOf(name: string): string {
  return MEDIA[path.extname(name).toLowerCase()] ?? 'application/octet-stream';
}

export class RunRecorder {
  private ended = false;
  private warned = false;
  private onExit?: (code: number) => void;

  /** Close the store when the run ends (the recorder opened it). */
  ownsStore = false;

  constructor(readonly store: Store | null, readonly id: string, endOnExit = true) {
    if (store && endOnExit) {
      this.onExit = (code: number) => { if (!this.ended) this.end(code === 0 ? 'complete' : code === 130 ? 'interrupted' : 'failed', code === 0 ? undefined : `exit code ${code}`); };
      process.on('exit', this.onExit);
    }
  }

  /** Whether runs are recorded at all (false with QML6G_NO_STORE=1). */
  get enabled(): boolean {
    return this.store !== null;
  }

  // A failing write (disk full, a locked file) must not stop the computation whose results are also
  // written to files; it is said once on stderr.
  private guard(what: string, f: () => void): void {
    if (!this.store) return;
    try {
      f();
    } catch (e) {
      if (!this.warned) process.stderr.write(`qml6g: warning: the experiment store could not record ${what} (${(e as Error).message}); results are still written to files\n`);
      this.warned = true;
    }
  }

  param(key: string, value: unknown): void { this.params({ [key]: value }); }
  params(p: Record<string, unknown>): void { this.guard('parameters', () => this.store!.logParams(this.id, p)); }
  tag(key: string, value = ''): void { this.guard('a tag', () => this.store!.setTag(this.id, key, value)); }
  metric(key: string, value: number, step?: number): void { this.metrics([{ key, value, step }]); }
  /** Several points in one transaction. */
  metrics(points: MetricPoint[]): void { if (points.length) this.guard('metrics', () => this.store!.logMetrics(this.id, points)); }
  artifact(name: string, data: Uint8Array | string, mediaType = mediaTypeOf(name)): void { this.guard(`artefact ${name}`, () => this.store!.putArtifact(this.id, name, data, mediaType)); }
  /** Stores a file's bytes as an artefact (under its base name unless named); a missing file is skipped. */
  artifactFile(file: string, name = path.basename(file)): void {
    if (!this.store || !fs.existsSync(file)) return;
    this.guard(`artefact ${name}`, () => this.store!.putArtifact(this.id, name, fs.readFileSync(file), mediaTypeOf(name)));
  }

  end(status: Exclude<RunStatus, 'running'>, note?: string): void {
    if (this.ended) return;
    this.ended = true;
    if (this.onExit) process.off('exit', this.onExit);
    this.guard('the end of the run', () => this.store!.endRun(this.id, status, note));
    if (this.ownsStore) this.store?.close();
  }
}

function storeDisabled(): boolean {
  const v = process.env.QML6G_NO_STORE;
  return v !== undefined && v !== '' && v !== '0';
}

/**
 * Starts recording a run of `command` and returns its recorder. A store that cannot be opened (a
 * corrupt file) is a QmlError naming it, raised before any work starts.
 */
export function recordRun(command: string, config: unknown, seed?: number | null, opts: RecordOptions = {}): RunRecorder {
  if (storeDisabled() && opts.store === undefined) return new RunRecorder(null, opts.id ?? process.env.QML6G_RUN_ID ?? 'unrecorded', false);
  const store = opts.store instanceof Store ? opts.store : Store.open(opts.store ?? defaultStoreFile());
  const id = opts.id ?? process.env.QML6G_RUN_ID;
  let runId: string;
  try {
    runId = id ? store.startRun({ id, command, config, seed, params: opts.params, tags: opts.tags }) : store.createRun({ command, config, seed, params: opts.params, tags: opts.tags });
  } catch (e) {
    if (!(opts.store instanceof Store)) store.close();
    if (e instanceof QmlError) throw e;
    throw new QmlError(`cannot record the run: ${(e as Error).message}`, store.file);
  }
  const rec = new RunRecorder(store, runId, opts.endOnExit ?? true);
  rec.ownsStore = !(opts.store instanceof Store);
  return rec;
}
