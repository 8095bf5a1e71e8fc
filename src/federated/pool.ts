/**
 * Trains clients in parallel on worker threads. Results come back in task order and each task is
 * a pure function of its data (its own seed), so a run gives the same bits with 1 thread (no
 * workers: everything in this thread) or several. Tasks are handed out one at a time to whichever
 * worker is free, so uneven clients balance out.
 *
 * @example
 * import { ClientPool } from 'qml6g';
 * const pool = ClientPool.create(2);
 * // const results = await pool.run(tasks); // LocalResult | LocalFailure per task, in order
 * await pool.close();
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { QmlError } from '../core/errors.js';
import { trainLocal, type LocalResult, type LocalTask } from './client.js';

/** A client whose training raised an expected error (a QmlError): a failure, not a crash. */
export interface LocalFailure { client: number; error: string }

type Pending = { resolve: (v: LocalResult | LocalFailure) => void; reject: (e: Error) => void };

export class ClientPool {
  private workers: Worker[] = [];
  private pending = new Map<number, Pending>();
  private nextId = 0;
  private constructor(readonly threads: number) {}

  static create(threads = Math.max(1, os.availableParallelism?.() ?? os.cpus().length)): ClientPool {
    if (!Number.isInteger(threads) || threads < 1) throw new QmlError(`threads must be a positive integer, got ${threads}`, '--threads');
    const pool = new ClientPool(threads);
    if (threads > 1) {
      for (let i = 0; i < threads; i++) {
        const w = new Worker(new URL('./client-worker.js', import.meta.url));
        w.unref();
        w.on('message', (m: { id: number; ok: boolean; value?: LocalResult; error?: { message: string; where?: string; expected: boolean } }) => {
          const p = pool.pending.get(m.id);
          if (!p) return;
          pool.pending.delete(m.id);
          if (m.ok) p.resolve(m.value!);
          else if (m.error!.expected) p.resolve({ client: -1, error: m.error!.where ? `${m.error!.where}: ${m.error!.message}` : m.error!.message });
          else p.reject(new Error(m.error!.message));
        });
        w.on('error', (e) => { for (const p of pool.pending.values()) p.reject(e); pool.pending.clear(); });
        pool.workers.push(w);
      }
    }
    return pool;
  }

  private send(w: Worker, task: LocalTask): Promise<LocalResult | LocalFailure> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: (v) => resolve('error' in v ? { ...v, client: task.client } : v), reject });
      w.postMessage({ id, task });
    });
  }

  async run(tasks: readonly LocalTask[]): Promise<Array<LocalResult | LocalFailure>> {
    if (this.threads === 1 || tasks.length <= 1) {
      return tasks.map((t) => {
        try { return trainLocal(t); } catch (e) {
          if (e instanceof QmlError) return { client: t.client, error: e.oneLine() };
          throw e;
        }
      });
    }
    const out = new Array<LocalResult | LocalFailure>(tasks.length);
    let next = 0;
    const loop = async (w: Worker): Promise<void> => {
      while (next < tasks.length) {
        const i = next++;
        out[i] = await this.send(w, tasks[i]);
      }
    };
    for (const w of this.workers) w.ref();
    try {
      await Promise.all(this.workers.map(loop));
    } finally {
      for (const w of this.workers) w.unref();
    }
    return out;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers = [];
  }
}
