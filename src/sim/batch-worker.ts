/** A BatchPool worker: runs the chunks it is sent and answers with the result or the error. */
import { parentPort } from 'node:worker_threads';
import { QmlError } from '../core/errors.js';
import { runBatchTask, type BatchTask } from './batch-pool.js';

parentPort!.on('message', ({ id, task }: { id: number; task: BatchTask }) => {
  try {
    parentPort!.postMessage({ id, ok: true, value: runBatchTask(task) });
  } catch (e) {
    const err = e as Error;
    parentPort!.postMessage({ id, ok: false, error: { message: err.message, where: e instanceof QmlError ? e.where : undefined } });
  }
});
