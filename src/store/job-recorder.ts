/**
 * The experiment store as the job runner's recorder (core/job.ts `JobRecorder`): every run of a job
 * (assess, sweep jobs, and the commands built on the runner) is recorded as it goes: the run with its
 * configuration, seed and version when it starts, the results record as an artefact after every step,
 * metrics and files when the steps report them, and its status at the end. A resumed job continues
 * the same run. Store errors never stop the computation (its results are also in files).
 *
 * @example
 * import { runJob, storeRecorder } from 'qml6g';
 * await runJob({ command: 'demo', file: 'demo.json', config: {}, seed: 1, init: () => ({}),
 *   steps: [{ name: 'one', run: (ctx) => ctx.metric('x', 1) }], recorder: storeRecorder({ store: ':memory:' }) });
 */
import fs from 'node:fs';
import type { JobRecorder, JobStatus } from '../core/job.js';
import { QmlError } from '../core/errors.js';
import { defaultStoreFile, Store, type MetricPoint } from './store.js';
import { mediaTypeOf } from './recorder.js';

export interface StoreRecorderOptions {
  /** A store file or an open store (default {@link defaultStoreFile}). */
  store?: string | Store;
  /** Metrics read from the results record after each step and at the end (e.g. a summary per model). */
  metricsOf?: (record: unknown) => MetricPoint[];
  tags?: Record<string, string>;
}

/** Top-level scalars of a configuration as parameters (objects and lists as JSON), for comparing runs. */
export function paramsOf(config: unknown): Record<string, unknown> {
  if (!config || typeof config !== 'object' || Array.isArray(config)) return {};
  return Object.fromEntries(Object.entries(config as Record<string, unknown>).filter(([, v]) => v !== undefined));
}

export class StoreRecorder implements JobRecorder {
  readonly store: Store;
  private runId = '';
  private warned = false;
  private onExit?: () => void;

  private readonly ownsStore: boolean;

  constructor(private readonly opts: StoreRecorderOptions = {}) {
    this.ownsStore = !(opts.store instanceof Store);
    this.store = opts.store instanceof Store ? opts.store : Store.open(opts.store ?? defaultStoreFile());
  }

  get id(): string {
    return this.runId;
  }

  private guard(what: string, f: () => void): void {
    try {
      f();
    } catch (e) {
      if (!this.warned) process.stderr.write(`qml6g: warning: the experiment store could not record ${what} (${(e as Error).message}); results are still written to files\n`);
      this.warned = true;
    }
  }

  start(info: { command: string; config: unknown; seed: number; version: string; runId?: string; file: string }): string {
    const params = paramsOf(info.config);
    if (info.runId && this.store.hasRun(info.runId)) {
      this.store.reopenRun(info.runId);
      this.runId = info.runId;
    } else {
      const id = process.env.QML6G_RUN_ID;
      const run = { command: info.command, config: info.config, seed: info.seed, version: info.version, params, tags: this.opts.tags };
      try {
        this.runId = id ? this.store.startRun({ ...run, id }) : this.store.createRun(run);
      } catch (e) {
        if (e instanceof QmlError) throw e;
        throw new QmlError(`cannot record the run: ${(e as Error).message}`, this.store.file);
      }
    }
    // A process that dies between steps without the runner seeing it (an uncaught error elsewhere)
    // still ends its run; only kill -9 leaves it running, for markLost.
    this.onExit = () => this.guard('the end of the run', () => this.store.endRun(this.runId, process.exitCode ? 'failed' : 'complete'));
    process.on('exit', this.onExit);
    return this.runId;
  }

  private recordOf(record: unknown): void {
    this.guard('the results record', () => {
      this.store.putArtifact(this.runId, 'results.json', JSON.stringify(record, null, 1), 'application/json');
      const pts = this.opts.metricsOf?.(record) ?? [];
      if (pts.length) this.store.logMetrics(this.runId, pts);
    });
  }

  step(name: string, record: unknown): void {
    const done = (record as { steps_done?: unknown[] })?.steps_done;
    this.guard(`step ${name}`, () => this.store.logMetrics(this.runId, [{ key: 'steps_done', value: Array.isArray(done) ? done.length : 0 }]));
    this.recordOf(record);
  }

  metric(name: string, value: number, step?: number): void {
    this.guard(`metric ${name}`, () => this.store.logMetrics(this.runId, [{ key: name, value, step }]));
  }

  artefact(name: string, file: string): void {
    this.guard(`artefact ${name}`, () => this.store.putArtifact(this.runId, name, fs.readFileSync(file), mediaTypeOf(name)));
  }

  end(status: JobStatus, record: unknown, error?: string): void {
    this.recordOf(record);
    if (this.onExit) { process.off('exit', this.onExit); this.onExit = undefined; }
    this.guard('the end of the run', () => this.store.endRun(this.runId, status === 'running' ? 'interrupted' : status, error));
    if (this.ownsStore) this.store.close();
  }
}

/** The store recorder for a job: `runJob({ ..., recorder: storeRecorder() })`; none with QML6G_NO_STORE=1. */
export function storeRecorder(opts: StoreRecorderOptions = {}): StoreRecorder | undefined {
  const off = process.env.QML6G_NO_STORE;
  if (off && off !== '0' && opts.store === undefined) return undefined;
  return new StoreRecorder(opts);
}
