/**
 * What the steps of `qml6g assess` share: the results record (persisted by the job runner) and the
 * in-memory state (data splits, trained detectors, attack points) that later steps read.
 */
import type { LabeledData } from '../qml/table.js';
import type { Detector } from '../qml/detector.js';
import type { DomainConstraints } from '../attacks/threat.js';
import type { JobContext, JobStep } from '../core/job.js';
import type { AssessConfig } from './config.js';
import type { AssessResults, AttackEntry } from './run.js';
import { assessThreads, InlineRunner, WorkerPool, type TaskRunner } from './pool.js';
import { taskName, type AssessTask, type TaskResult } from './tasks.js';

export interface AssessState {
  cfg: AssessConfig;
  train: LabeledData;
  test: LabeledData;
  attack: LabeledData;
  bbRows: number;
  constraints: DomainConstraints;
  detectors: Map<string, Detector>;
  /** PGD points at the transfer ε, per source model (evasion → transfer). */
  pgdPoints: Map<string, Float64Array>;
  /** The ε at which transfer and the summary compare models (the middle positive ε). */
  epsT: number;
  /** Runs the independent tasks (on worker threads when there is more than one core); made on first use. */
  runner?: TaskRunner;
  /** Tasks started early (by the evasion step) whose results later steps place: key → result. */
  pending?: Map<string, Promise<TaskResult>>;
}

/** The run's task runner: a worker pool with the trained detectors, or this thread. */
export function runnerOf(ctx: AssessContext): TaskRunner {
  const s = ctx.state;
  if (s.runner) return s.runner;
  const threads = assessThreads(s.cfg.threads);
  s.runner = threads > 1
    ? new WorkerPool(threads, { cfg: s.cfg, train: s.train, attack: s.attack, constraints: s.constraints, bbRows: s.bbRows, epsT: s.epsT, detectors: [...s.detectors].map(([n, d]) => [n, d.toJSON()]) })
    : new InlineRunner(s);
  ctx.record.threads = threads;
  return s.runner;
}

/** The result of a task started early under `key`, or the task run now. */
export function taskResult(ctx: AssessContext, key: string, task: AssessTask): Promise<TaskResult> {
  const p = ctx.state.pending?.get(key);
  if (p) { ctx.state.pending!.delete(key); return p; }
  return runnerOf(ctx).run(task);
}

/** Starts a task now (when the runner has threads to spare), for a later step to collect under `key`. */
export function startEarly(ctx: AssessContext, key: string, task: AssessTask): void {
  const runner = runnerOf(ctx);
  if (runner.threads <= 1) return;
  const p = runner.run(task);
  // Collected (and its error raised) by the step that needs it; never an unhandled rejection meanwhile.
  p.catch(() => {});
  (ctx.state.pending ??= new Map()).set(key, p);
}

export type AssessContext = JobContext<AssessResults, AssessState>;
export type AssessStep = JobStep<AssessResults, AssessState>;

/** A finished attack of the interrupted run, reused on resume. */
export function reuse(ctx: AssessContext, model: string, name: string, eps: number): AttackEntry | undefined {
  return ctx.previous?.models.find((m) => m.name === model)?.attacks.find((a) => a.name === name && a.epsilon === eps);
}

/** With --threats training alone the evasion, quantum-specific and noise steps are skipped. */
export function evasionOn(cfg: AssessConfig): boolean {
  return cfg.threats.includes('evasion');
}

/** Records a finished task's wall and CPU time in the results (the per-task timing table). */
export function timeTask(ctx: AssessContext, task: AssessTask, r: TaskResult): void {
  (ctx.record.task_timing ??= []).push({ task: taskName(task), seconds: r.seconds, cpu_seconds: r.cpu_seconds });
}
