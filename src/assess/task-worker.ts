/**
 * A worker of the assess pool (./pool.ts): rebuilds the task environment once, then runs the tasks
 * it is sent and adds the detectors it is sent (those trained after the pool started) to it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { QmlError } from '../core/errors.js';
import { Detector } from '../qml/detector.js';
import { runTask, type AssessTask, type TaskEnv } from './tasks.js';
import type { WorkerCommand, WorkerInit } from './pool.js';

const init = workerData as WorkerInit;
const env: TaskEnv = { ...init, detectors: new Map(init.detectors.map(([name, json]) => [name, Detector.fromJSON(json, name)])) };

parentPort!.on('message', (m: WorkerCommand) => {
  if ('detector' in m) { env.detectors.set(m.detector[0], Detector.fromJSON(m.detector[1], m.detector[0])); return; }
  const task: AssessTask = m.task;
  try {
    parentPort!.postMessage({ ok: true, value: runTask(env, task, (done, total) => parentPort!.postMessage({ progress: [done, total] })) });
  } catch (e) {
    parentPort!.postMessage({ ok: false, error: e instanceof QmlError ? { message: e.message, where: e.where, qml: true } : { message: (e as Error)?.stack ?? String(e), qml: false } });
  }
});
