/** Worker thread of the client pool: runs `trainLocal` on each task it is sent. */
import { parentPort } from 'node:worker_threads';
import { QmlError } from '../core/errors.js';
import { trainLocal, type LocalTask } from './client.js';

parentPort!.on('message', (m: { id: number; task: LocalTask }) => {
  try {
    const r = trainLocal(m.task);
    parentPort!.postMessage({ id: m.id, ok: true, value: r }, [r.update.buffer as ArrayBuffer]);
  } catch (e) {
    const q = e instanceof QmlError;
    parentPort!.postMessage({ id: m.id, ok: false, error: { message: (e as Error).message, where: q ? e.where : undefined, expected: q } });
  }
});
