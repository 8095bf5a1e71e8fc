/**
 * Sweeps: a spec `{command, options, grid, seeds}` (YAML or JSON) expands into one job per grid
 * combination (× seed); each job is a `qml6g COMMAND --flag value ...` command line with a
 * deterministic id (a hash of its command line), so the same spec always yields the same jobs and a
 * second run of it resumes instead of starting over. A job's outcome is the status of the run it
 * points at in the experiment store; see ./pool.ts (local worker pool) and ../cluster (NATS).
 *
 * @example
 * import { parseSweepSpec, expandJobs } from 'qml6g';
 * const spec = parseSweepSpec('{"command":"train","options":{"data":"iris"},"grid":{"model":["logreg","mlp"]},"seeds":[1,2]}', 'spec.json');
 * expandJobs(spec).length; // 4
 */
import crypto from 'node:crypto';
import YAML from 'yaml';
import { QmlError } from '../core/errors.js';
import type { Store } from './store.js';

/** The commands a sweep may run (the issue's contract). */
export const SWEEP_COMMANDS = ['train', 'assess', 'federate', 'optimize', 'qkd', 'scenario', 'poison'] as const;
export type SweepCommand = (typeof SWEEP_COMMANDS)[number];
const SPEC_KEYS = ['command', 'options', 'grid', 'seeds'];
/** Flags a sweep sets itself. */
const RESERVED = ['json', 'help', 'resume'];

export type OptionValue = string | number | boolean | null;

export interface SweepSpec {
  command: SweepCommand;
  options: Record<string, OptionValue | OptionValue[]>;
  grid: Record<string, OptionValue[]>;
  /** Every grid combination runs once per seed (`--seed S`); none: the command's own default seed. */
  seeds?: number[];
}

export interface SweepJob {
  /** Deterministic: a hash of the command line. */
  job: string;
  index: number;
  command: SweepCommand;
  /** Arguments after the command name (without --json). */
  argv: string[];
  /** The grid values (and seed) of this job. */
  point: Record<string, OptionValue>;
}

const FLAG_RE = /^[a-z][a-z0-9-]*$/;

function isScalar(v: unknown): v is OptionValue {
  return v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
}

/** Reads and checks a sweep spec; every problem is a QmlError naming the file and the key. */
export function parseSweepSpec(text: string, file: string): SweepSpec {
  let v: unknown;
  try {
    v = /^\s*[{[]/.test(text) ? JSON.parse(text) : YAML.parse(text);
  } catch (e) {
    throw new QmlError(`not valid YAML or JSON: ${(e as Error).message.split('\n')[0]}`, file);
  }
  return checkSweepSpec(v, file);
}

export function checkSweepSpec(v: unknown, file = 'sweep spec'): SweepSpec {
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new QmlError('a sweep spec is an object {command, options, grid}', file);
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!SPEC_KEYS.includes(k)) throw new QmlError(`unknown key "${k}" (a sweep spec has ${SPEC_KEYS.join(', ')})`, file);
  if (typeof o.command !== 'string' || !(SWEEP_COMMANDS as readonly string[]).includes(o.command)) {
    throw new QmlError(`command must be one of ${SWEEP_COMMANDS.join(', ')}${o.command === undefined ? '' : `, got ${JSON.stringify(o.command)}`}`, `${file}: command`);
  }
  const options = (o.options ?? {}) as Record<string, unknown>;
  const grid = (o.grid ?? {}) as Record<string, unknown>;
  for (const [name, obj] of [['options', options], ['grid', grid]] as const) {
    if (!obj || typeof obj !== 'object' || Array.isArray(obj)) throw new QmlError(`${name} must be an object of flag → value`, `${file}: ${name}`);
  }
  for (const [k, val] of Object.entries(options)) {
    if (!FLAG_RE.test(k)) throw new QmlError(`"${k}" is not a flag name (lower case, digits and '-', without the leading --)`, `${file}: options`);
    if (RESERVED.includes(k)) throw new QmlError(`--${k} is set by the sweep itself`, `${file}: options.${k}`);
    if (!(isScalar(val) || (Array.isArray(val) && val.every(isScalar)))) throw new QmlError('a value is a string, number, boolean or a list of them', `${file}: options.${k}`);
  }
  for (const [k, val] of Object.entries(grid)) {
    if (!FLAG_RE.test(k)) throw new QmlError(`"${k}" is not a flag name (lower case, digits and '-', without the leading --)`, `${file}: grid`);
    if (RESERVED.includes(k)) throw new QmlError(`--${k} is set by the sweep itself`, `${file}: grid.${k}`);
    if (k in options) throw new QmlError(`--${k} is both an option and a grid axis`, `${file}: grid.${k}`);
    if (!Array.isArray(val) || !val.length || !val.every(isScalar)) throw new QmlError('a grid axis is a non-empty list of values', `${file}: grid.${k}`);
  }
  let seeds: number[] | undefined;
  if (o.seeds !== undefined) {
    if (!Array.isArray(o.seeds) || !o.seeds.length || !o.seeds.every((s) => Number.isInteger(s))) throw new QmlError('seeds is a non-empty list of integers', `${file}: seeds`);
    if ('seed' in grid || 'seed' in options) throw new QmlError('give the seed either in seeds or as an option/grid axis, not both', `${file}: seeds`);
    seeds = o.seeds as number[];
  }
  return { command: o.command as SweepCommand, options: options as SweepSpec['options'], grid: grid as SweepSpec['grid'], ...(seeds ? { seeds } : {}) };
}

function flagArgs(name: string, v: OptionValue | OptionValue[]): string[] {
  if (v === false || v === null) return [];
  if (v === true) return [`--${name}`];
  return [`--${name}`, Array.isArray(v) ? v.map((x) => String(x)).join(',') : String(v)];
}

/** Every grid combination × seed as a job, in a fixed order (the grid's keys in the spec's order). */
export function expandJobs(spec: SweepSpec): SweepJob[] {
  const axes = Object.entries(spec.grid);
  if (spec.seeds) axes.push(['seed', spec.seeds]);
  const points: Array<Record<string, OptionValue>> = [{}];
  for (const [k, values] of axes) {
    const next: Array<Record<string, OptionValue>> = [];
    for (const p of points) for (const val of values) next.push({ ...p, [k]: val });
    points.splice(0, points.length, ...next);
  }
  const seen = new Set<string>();
  return points.map((point, index) => {
    // Flags in name order: the command line (and so the job id) does not depend on the spec's key order.
    const flags = { ...spec.options, ...point };
    const argv = Object.keys(flags).sort().flatMap((k) => flagArgs(k, flags[k]));
    const job = `j${crypto.createHash('sha256').update(JSON.stringify([spec.command, argv])).digest('hex').slice(0, 11)}`;
    if (seen.has(job)) throw new QmlError(`two grid points give the same command line (${argv.join(' ')}): a grid axis repeats a value`);
    seen.add(job);
    return { job, index, command: spec.command, argv, point };
  });
}

/** A sweep's id: the hash of its jobs, so the same spec (in any key order or format) resumes. */
export function sweepIdOf(jobs: SweepJob[]): string {
  return `s${crypto.createHash('sha256').update(JSON.stringify(jobs.map((j) => [j.command, j.argv]))).digest('hex').slice(0, 11)}`;
}

export type JobStatus = 'pending' | 'running' | 'complete' | 'failed' | 'interrupted';

export interface JobState { job: string; index: number; argv: string[]; run_id: string | null; attempts: number; status: JobStatus }

export interface SweepResult {
  sweep: string;
  jobs: number;
  completed: number;
  failed: number;
  results: Array<{ job: string; run_id: string | null; status: JobStatus; args: string[] }>;
}

/** The sweep's rows in the store (created once; a second run of the same spec finds them). */
export function ensureSweep(store: Store, id: string, spec: SweepSpec, jobs: SweepJob[]): void {
  store.db.transaction(() => {
    store.db.prepare('INSERT INTO sweeps (id, spec, created) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING').run(id, JSON.stringify(spec), new Date().toISOString());
    const ins = store.db.prepare('INSERT INTO sweep_jobs (sweep_id, job, idx, argv) VALUES (?, ?, ?, ?) ON CONFLICT (sweep_id, job) DO NOTHING');
    for (const j of jobs) ins.run(id, j.job, j.index, JSON.stringify([j.command, ...j.argv]));
  }).immediate();
}

/** Each job with the status of the run it points at (pending: none yet). */
export function sweepState(store: Store, id: string): JobState[] {
  const rows = store.db.prepare('SELECT j.job, j.idx, j.argv, j.run_id, j.attempts, r.status FROM sweep_jobs j LEFT JOIN runs r ON r.id = j.run_id WHERE j.sweep_id = ? ORDER BY j.idx').all(id) as Array<{ job: string; idx: number; argv: string; run_id: string | null; attempts: number; status: string | null }>;
  return rows.map((r) => ({ job: r.job, index: r.idx, argv: JSON.parse(r.argv) as string[], run_id: r.run_id, attempts: r.attempts, status: (r.run_id ? (r.status ?? 'pending') : 'pending') as JobStatus }));
}

/**
 * Points a job at a new run (created now, "running", owned by `pid` until the job's process takes it
 * over) in one transaction. The run id names the sweep, job and attempt.
 */
export function assignRun(store: Store, sweepId: string, job: SweepJob | JobState, command: string, pid: number, host?: string): string {
  let runId = '';
  store.db.transaction(() => {
    const attempts = (store.db.prepare('SELECT attempts FROM sweep_jobs WHERE sweep_id = ? AND job = ?').pluck().get(sweepId, job.job) as number) + 1;
    runId = `${sweepId}-${job.job}-${attempts}`;
    const argv = 'point' in job ? job.argv : job.argv.slice(1);
    store.createRun({ id: runId, command, config: { argv, sweep: sweepId, job: job.job }, pid, host, tags: { sweep: sweepId, job: job.job } });
    store.db.prepare('UPDATE sweep_jobs SET run_id = ?, attempts = ? WHERE sweep_id = ? AND job = ?').run(runId, attempts, sweepId, job.job);
  }).immediate();
  return runId;
}

export function summariseSweep(id: string, state: JobState[]): SweepResult {
  return {
    sweep: id,
    jobs: state.length,
    completed: state.filter((s) => s.status === 'complete').length,
    failed: state.filter((s) => s.status === 'failed').length,
    results: state.map((s) => ({ job: s.job, run_id: s.run_id, status: s.status, args: s.argv })),
  };
}

/**
 * What a finished child process leaves when its command does not record itself: the run is ended
 * from the exit code, the last JSON line of its output becomes `result.json` and its top-level
 * numbers become metrics. A run the command ended itself keeps its own ending.
 */
export function finishFromOutput(store: Store, runId: string, code: number | null, signal: string | null, stdout: string, stderr: string): void {
  const lastJson = stdout.trim().split('\n').reverse().find((l) => l.startsWith('{'));
  let result: Record<string, unknown> | null = null;
  if (lastJson) { try { result = JSON.parse(lastJson) as Record<string, unknown>; } catch { result = null; } }
  store.db.transaction(() => {
    if (store.status(runId) === 'running') {
      if (result) {
        const pts = Object.entries(result).filter(([, v]) => typeof v === 'number' && Number.isFinite(v)).map(([key, value]) => ({ key, value: value as number, step: 0 }));
        if (pts.length) store.logMetrics(runId, pts);
      }
      const status = signal ? 'interrupted' : code === 0 ? 'complete' : code === 130 ? 'interrupted' : 'failed';
      store.endRun(runId, status, signal ? `killed by ${signal}` : code ? `exit code ${code}: ${stderr.trim().split('\n').pop() ?? ''}`.slice(0, 500) : undefined);
    }
    if (result) store.putArtifact(runId, 'result.json', JSON.stringify(result, null, 1), 'application/json');
    const log = `${stderr}`.slice(-1 << 20);
    if (log) store.putArtifact(runId, 'stderr.txt', log, 'text/plain; charset=utf-8');
  }).immediate();
}
