/**
 * Runs the independent tasks of `qml6g assess` (./tasks.ts) on worker threads, one per core: each
 * worker receives the data splits and the trained detectors once (as their JSON, the form a resumed
 * run also reloads them from), then takes the next queued task whenever it is free. Results come
 * back as plain data; the steps place them in a fixed order, so the record does not depend on which
 * worker finished first. With one thread the tasks run on this thread, one at a time.
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { QmlError } from '../core/errors.js';
import type { Detector } from '../qml/detector.js';
import { runTask, type AssessTask, type TaskEnv, type TaskResult } from './tasks.js';

/** What a worker needs to rebuild the task environment: the same, with the detectors as their saved JSON. */
export type WorkerInit = Omit<TaskEnv, 'detectors'> & { detectors: Array<[string, Record<string, unknown>]> };

export interface TaskRunner {
  readonly threads: number;
  /** `progress`: called with (done, total) as a long task (training) advances. */
  run(task: AssessTask, progress?: (done: number, total: number) => void): Promise<TaskResult>;
  /** A detector trained (or reloaded) after the runner started: the tasks sent after this see it. */
  addDetector(name: string, det: Detector): void;
  close(): Promise<void>;
}

/** What a worker thread sends back: a task's progress, its result, or its error. */
type WorkerMessage =
  | { progress: [number, number] }
  | { ok: boolean; value?: TaskResult; error?: { message: string; where?: string; qml: boolean } };

/** What a worker thread receives: a task to run, or a detector to add to its environment. */
export type WorkerCommand = { task: AssessTask } | { detector: [string, Record<string, unknown>] };

/** Threads to use: the configured number, or one per core. */
export function assessThreads(configured: number | undefined): number {
  return configured && configured > 0 ? configured : Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
}

/** Runs every task on this thread when it is awaited's turn (no parallelism, no copies). */
export class InlineRunner implements TaskRunner {
  readonly threads = 1;
  constructor(private readonly env: TaskEnv) {}
  async run(task: AssessTask, progress?: (done: number, total: number) => void): Promise<TaskResult> {
    return runTask(this.env, task, progress);
  }
  addDetector(): void { /* the environment is the run's own state, which holds every detector */ }
  async close(): Promise<void> { /* nothing to stop */ }
}

interface Pending { task: AssessTask; resolve: (r: TaskResult) => void; reject: (e: Error) => void; progress?: (done: number, total: number) => void }

export class WorkerPool implements TaskRunner {
  private readonly idle: Worker[] = [];
  private readonly all: Worker[] = [];
  private readonly queue: Pending[] = [];
  private readonly busy = new Map<Worker, Pending>();
  private closed = false;

  constructor(readonly threads: number, init: WorkerInit) {
    for (let i = 0; i < threads; i++) {
      const w = new Worker(new URL('./task-worker.js', import.meta.url), { workerData: init });
      w.on('message', (m: WorkerMessage) => {
        if ('progress' in m) { this.busy.get(w)?.progress?.(...m.progress); return; }
        const p = this.busy.get(w);
        this.busy.delete(w);
        this.idle.push(w);
        if (p) {
          if (m.ok) p.resolve(m.value!);
          else p.reject(m.error!.qml ? new QmlError(m.error!.message, m.error!.where) : new Error(m.error!.message));
        }
        this.pump();
      });
      w.on('error', (e) => {
        const p = this.busy.get(w);
        this.busy.delete(w);
        p?.reject(e instanceof Error ? e : new Error(String(e)));
      });
      this.all.push(w);
      this.idle.push(w);
    }
  }

  run(task: AssessTask, progress?: (done: number, total: number) => void): Promise<TaskResult> {
    if (this.closed) return Promise.reject(new QmlError('the assess worker pool is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ task, resolve, reject, progress });
      this.pump();
    });
  }

  addDetector(name: string, det: Detector): void {
    // Messages to a worker arrive in order: every task sent after this one sees the detector.
    const json = det.toJSON();
    for (const w of this.all) w.postMessage({ detector: [name, json] } satisfies WorkerCommand);
  }

  private pump(): void {
    while (this.idle.length && this.queue.length) {
      const w = this.idle.shift()!, p = this.queue.shift()!;
      this.busy.set(w, p);
      w.postMessage({ task: p.task } satisfies WorkerCommand);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.queue.splice(0)) p.reject(new QmlError('the assess worker pool was closed'));
    await Promise.all(this.all.map((w) => w.terminate()));
  }
}
