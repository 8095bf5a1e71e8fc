/**
 * The one runner of every long command (assess, poison, federate, optimize and qkd sweeps,
 * scenario, sweep jobs). A job is a list of named steps over one results record:
 * - the record is written (atomically: temp file + rename, so a kill -9 leaves the last complete
 *   version) after every step and whenever a step calls `checkpoint()`;
 * - an interrupted run resumes with the same configuration: finished steps that can `restore`
 *   their outputs from the saved record are not run again, the others run again and may reuse
 *   finished pieces of the saved record (`ctx.previous`) at a finer grain;
 * - SIGINT / SIGTERM become a saved, resumable state (a second Ctrl-C quits at once);
 * - progress goes to stderr through the hooks; an optional `JobRecorder` (the experiment store
 *   implements it) records the run, its metrics and artefacts as they come.
 *
 * @example
 * import { runJob } from 'qml6g';
 * const rec = await runJob({
 *   command: 'demo', file: 'demo-results.json', config: { n: 3 }, seed: 1,
 *   init: () => ({ squares: [] as number[] }),
 *   steps: [{ name: 'squares', run: async (ctx) => {
 *     for (let i = ctx.record.squares.length; i < 3; i++) { ctx.record.squares.push(i * i); await ctx.checkpoint(); }
 *   } }],
 * });
 * rec.status; // 'complete'
 */
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { QmlError } from './errors.js';
import { version } from './version.js';

export type JobStatus = 'running' | 'complete' | 'interrupted' | 'failed';

/** The fields the runner keeps in every results record. */
export interface JobFields {
  status: JobStatus;
  /** Wall-clock seconds over every session of the run (resumes add up). */
  seconds: number;
  steps_done: string[];
  config_hash: string;
  seed: number;
  version: string;
  /** The experiment store's id for this run, when a recorder is attached. */
  run_id?: string;
}

export type JobRecord<R> = R & JobFields;

/** What the experiment store (or any other sink) implements to follow a run as it goes. */
export interface JobRecorder {
  /** A run starts (or resumes: `runId` is then the id the record already carries); returns its id. */
  start(info: { command: string; config: unknown; seed: number; version: string; runId?: string; file: string }): string;
  /** A step finished; the record as saved. */
  step(name: string, record: unknown): void;
  metric(name: string, value: number, step?: number): void;
  /** A file the run wrote (a model, a report, a table). */
  artefact(name: string, file: string): void;
  end(status: JobStatus, record: unknown, error?: string): void;
}

export interface JobHooks {
  log: (s: string) => void;
  progress: (label: string, done: number, total: number) => void;
}

export interface JobContext<R, S> {
  /** The results record, persisted. */
  record: JobRecord<R>;
  /** In-memory working state shared by the steps (models, data); rebuilt on resume. */
  state: S;
  /** The saved record of the run being resumed, or null. */
  previous: JobRecord<R> | null;
  seed: number;
  log: (s: string) => void;
  progress: (label: string, done: number, total: number) => void;
  /** Writes the record now. */
  save(): void;
  /** Writes the record, lets signals in, and stops the run (saved, resumable) if one arrived. */
  checkpoint(): Promise<void>;
  interrupted(): boolean;
  metric(name: string, value: number, step?: number): void;
  artefact(name: string, file: string): void;
}

export interface JobStep<R, S> {
  name: string;
  run(ctx: JobContext<R, S>): void | Promise<void>;
  /**
   * When the step finished in the run being resumed: copy its outputs from `ctx.previous` into
   * `ctx.record` instead of running again. Steps without it always run (and may reuse pieces of
   * `ctx.previous` themselves), e.g. those that build in-memory state later steps need.
   */
  restore?(ctx: JobContext<R, S>): void;
  /** Skip this step (recorded as skipped in the log, not in steps_done). */
  skip?(ctx: JobContext<R, S>): boolean;
}

export interface JobSpec<R, S = Record<string, never>> {
  command: string;
  /** Where the record lives (results.json). */
  file: string;
  /** The configuration; its hash (without `ignoreKeys`) must match to resume. */
  config: unknown;
  seed: number;
  init: () => R;
  steps: Array<JobStep<R, S>>;
  state?: S;
  resume?: boolean;
  hooks?: Partial<JobHooks>;
  recorder?: JobRecorder;
  /** Configuration keys that do not change results (output folder, verbosity). */
  ignoreKeys?: string[];
  /** Install SIGINT/SIGTERM handlers (default true; tests and nested jobs turn it off). */
  handleSignals?: boolean;
  /** Polled at checkpoints in addition to signals (tests, embedding). */
  shouldStop?: () => boolean;
}

/** Canonical JSON (sorted keys) so that a hash does not depend on key order. */
function canonical(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o).filter((k) => o[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(',')}}`;
}

export function configHashOf(config: unknown, ignoreKeys: string[] = []): string {
  let c = config;
  if (c && typeof c === 'object' && !Array.isArray(c) && ignoreKeys.length) {
    c = Object.fromEntries(Object.entries(c as Record<string, unknown>).filter(([k]) => !ignoreKeys.includes(k)));
  }
  return crypto.createHash('sha256').update(canonical(c)).digest('hex').slice(0, 16);
}

/**
 * Atomic write (a temporary file renamed over the target): a reader, or a run after kill -9, sees
 * the old file or the new one, never half of one, and a failed write never destroys the old one.
 */
export function writeFileAtomic(file: string, text: string | Uint8Array): void {
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, file);
  } catch (e) {
    try { fs.unlinkSync(tmp); } catch { /* nothing to clean */ }
    throw new QmlError(`cannot write: ${(e as Error).message}`, file);
  }
}

export function writeJsonAtomic(file: string, value: unknown): void {
  writeFileAtomic(file, JSON.stringify(value, null, 1));
}

export function readJobRecord<R>(file: string): JobRecord<R> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new QmlError(`cannot read the saved results: ${(e as Error).message}`, file);
  }
  try {
    const v = JSON.parse(text) as JobRecord<R>;
    if (!v || typeof v !== 'object') throw new Error('not an object');
    return v;
  } catch {
    throw new QmlError('cannot resume: the saved results are not valid JSON', file);
  }
}

/** Raised (after saving) when a run stops on a signal; the CLI exits with code 130. */
export class Interrupted extends QmlError {
  constructor(file: string) {
    super(`interrupted; the results so far are in ${file}. Resume with the same options and --resume`);
    this.exitCode = 130;
  }
}

export async function runJob<R extends object, S = Record<string, never>>(spec: JobSpec<R, S>): Promise<JobRecord<R>> {
  const t0 = performance.now();
  const log = spec.hooks?.log ?? (() => {});
  const progress = spec.hooks?.progress ?? (() => {});
  const hash = configHashOf(spec.config, spec.ignoreKeys);
  fs.mkdirSync(path.dirname(path.resolve(spec.file)), { recursive: true });

  let previous: JobRecord<R> | null = null;
  if (spec.resume && fs.existsSync(spec.file)) {
    previous = readJobRecord<R>(spec.file);
    if (previous.config_hash !== hash) throw new QmlError('cannot resume: the options differ from the interrupted run (use the same options, or drop --resume)', spec.file);
    if (!Array.isArray(previous.steps_done)) previous.steps_done = [];
    log(`resuming ${spec.command}: ${previous.steps_done.length} finished step(s)${previous.steps_done.length ? ` (${previous.steps_done.join(', ')})` : ''}`);
  }
  const record = Object.assign(spec.init(), {
    status: 'running' as JobStatus, seconds: 0, steps_done: [] as string[], config_hash: hash, seed: spec.seed, version: version(),
  }) as JobRecord<R>;
  const before = previous?.seconds ?? 0;

  let stop = false;
  const onSignal = (sig: NodeJS.Signals) => {
    if (stop && sig === 'SIGINT') process.exit(130);
    stop = true;
    log(`\n${sig === 'SIGINT' ? 'interrupt' : sig}: finishing the current piece of work, then saving${sig === 'SIGINT' ? ' (press Ctrl-C again to quit now)' : ''}`);
  };
  const handle = spec.handleSignals ?? true;
  if (handle) { process.on('SIGINT', onSignal); process.on('SIGTERM', onSignal); }

  const recorder = spec.recorder;
  const save = () => {
    record.seconds = before + (performance.now() - t0) / 1000;
    writeJsonAtomic(spec.file, record);
  };
  const interrupted = () => stop || (spec.shouldStop?.() ?? false);
  const ctx: JobContext<R, S> = {
    record, state: (spec.state ?? {}) as S, previous, seed: spec.seed, log, progress, save, interrupted,
    checkpoint: async () => {
      save();
      await new Promise<void>((r) => setImmediate(r));
      if (interrupted()) {
        record.status = 'interrupted';
        save();
        recorder?.end('interrupted', record);
        throw new Interrupted(spec.file);
      }
    },
    metric: (name, value, step) => recorder?.metric(name, value, step),
    artefact: (name, file) => recorder?.artefact(name, file),
  };
  try {
    if (recorder) record.run_id = recorder.start({ command: spec.command, config: spec.config, seed: spec.seed, version: record.version, runId: previous?.run_id, file: spec.file });
    save();
    for (const step of spec.steps) {
      if (step.skip?.(ctx)) continue;
      if (previous?.steps_done.includes(step.name) && step.restore) {
        step.restore(ctx);
      } else {
        await step.run(ctx);
      }
      record.steps_done.push(step.name);
      save();
      recorder?.step(step.name, record);
      await ctx.checkpoint();
    }
    record.status = 'complete';
    save();
    recorder?.end('complete', record);
    return record;
  } catch (e) {
    if (!(e instanceof Interrupted)) {
      record.status = 'failed';
      try { save(); } catch { /* the original error matters more */ }
      recorder?.end('failed', record, e instanceof QmlError ? e.oneLine() : (e as Error)?.message);
    }
    throw e;
  } finally {
    if (handle) { process.off('SIGINT', onSignal); process.off('SIGTERM', onSignal); }
  }
}
