/**
 * Batches across cores: rows are split into one chunk per thread; this thread computes the first
 * chunk while workers compute the others. Circuits and observables are plain data, so they cross
 * to the workers as they are.
 *
 * @example
 * import { BatchPool, CircuitBuilder, input, Z } from 'qml6g';
 * const pool = BatchPool.create();
 * const c = new CircuitBuilder(1).ry(0, input(0)).build();
 * const v = await pool.expectations(c, [Z(0)], { inputs: Float64Array.from([0, 1, 2, 3]), inputCols: 1 });
 * await pool.close();
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { QmlError } from '../core/errors.js';
import type { Circuit } from './circuit.js';
import type { EvalOptions } from './evaluator.js';
import type { Observable } from './observable.js';
import { batchAdjoint, batchExpectations, toRowMatrix, type BatchInput, type BatchJacobian, type RowMatrix } from './batch.js';

export interface BatchTask {
  kind: 'expectations' | 'adjoint';
  circuit: Circuit;
  observables: Observable[];
  batch: BatchInput;
  opts: EvalOptions;
}

/** Runs one task on this thread (also what a worker runs). */
export function runBatchTask(t: BatchTask): Float64Array | BatchJacobian {
  // The pool is the split: each chunk stays on its thread (no automatic team on top).
  return t.kind === 'expectations' ? batchExpectations(t.circuit, t.observables, t.batch, t.opts, 'one') : batchAdjoint(t.circuit, t.observables, t.batch);
}

function sliceRows(m: RowMatrix | null, lo: number, hi: number): Float64Array | undefined {
  return m ? m.data.slice(lo * m.cols, hi * m.cols) : undefined;
}

export class BatchPool {
  private workers: Worker[] = [];
  private nextId = 0;
  private pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  private constructor(readonly threads: number) {}

  static create(threads = os.availableParallelism?.() ?? os.cpus().length): BatchPool {
    if (!Number.isInteger(threads) || threads < 1) throw new QmlError(`threads must be a positive integer, got ${threads}`);
    const pool = new BatchPool(threads);
    for (let i = 1; i < threads; i++) {
      const w = new Worker(new URL('./batch-worker.js', import.meta.url));
      w.unref();
      w.on('message', (m: { id: number; ok: boolean; value?: unknown; error?: { message: string; where?: string } }) => {
        const p = pool.pending.get(m.id);
        if (!p) return;
        pool.pending.delete(m.id);
        if (m.ok) p.resolve(m.value);
        else p.reject(new QmlError(m.error!.message, m.error!.where));
      });
      pool.workers.push(w);
    }
    return pool;
  }

  private send(w: Worker, task: BatchTask): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      w.ref();
      w.postMessage({ id, task });
    }).finally(() => { if (![...this.pending.keys()].length) for (const x of this.workers) x.unref(); });
  }

  private async split(kind: BatchTask['kind'], circuit: Circuit, observables: Observable[], b: BatchInput, opts: EvalOptions): Promise<Array<Float64Array | BatchJacobian>> {
    const X = b.inputs ? toRowMatrix(b.inputs, b.inputCols, 'inputs') : null;
    const P = b.paramRows ? toRowMatrix(b.paramRows, b.paramCols, 'paramRows') : null;
    const rows = X?.rows ?? P?.rows ?? b.rows ?? 1;
    const parts = Math.max(1, Math.min(this.threads, rows));
    const chunk = (k: number): BatchTask => {
      const lo = Math.floor((k * rows) / parts), hi = Math.floor(((k + 1) * rows) / parts);
      const sub: BatchInput = { params: b.params ? Array.from(b.params) : undefined, rows: hi - lo };
      if (X) { sub.inputs = sliceRows(X, lo, hi); sub.inputCols = X.cols; }
      if (P) { sub.paramRows = sliceRows(P, lo, hi); sub.paramCols = P.cols; }
      // Each chunk draws its own shot noise: offset the seed so chunks are independent but reproducible.
      return { kind, circuit, observables, batch: sub, opts: { ...opts, seed: (opts.seed ?? 0) + k } };
    };
    const remote = Array.from({ length: parts - 1 }, (_, k) => this.send(this.workers[k], chunk(k + 1)));
    let local: Float64Array | BatchJacobian;
    try {
      local = runBatchTask(chunk(0));
    } catch (e) {
      // Wait for the workers' answers (they fail the same way) so no rejection goes unhandled.
      await Promise.allSettled(remote);
      throw e;
    }
    return [local, ...((await Promise.all(remote)) as Array<Float64Array | BatchJacobian>)];
  }

  /** Like batchExpectations, split across threads. */
  async expectations(circuit: Circuit, observables: Observable[], b: BatchInput, opts: EvalOptions = {}): Promise<Float64Array> {
    const parts = (await this.split('expectations', circuit, observables, b, opts)) as Float64Array[];
    const out = new Float64Array(parts.reduce((a, p) => a + p.length, 0));
    let o = 0;
    for (const p of parts) { out.set(p, o); o += p.length; }
    return out;
  }

  /** Like batchAdjoint, split across threads. */
  async adjoint(circuit: Circuit, observables: Observable[], b: BatchInput): Promise<BatchJacobian> {
    const parts = (await this.split('adjoint', circuit, observables, b, {})) as BatchJacobian[];
    const cat = (key: keyof BatchJacobian) => {
      const out = new Float64Array(parts.reduce((a, p) => a + p[key].length, 0));
      let o = 0;
      for (const p of parts) { out.set(p[key], o); o += p[key].length; }
      return out;
    };
    return { values: cat('values'), dparams: cat('dparams'), dinputs: cat('dinputs') };
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers = [];
  }
}
