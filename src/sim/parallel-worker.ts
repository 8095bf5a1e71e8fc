/**
 * A ThreadTeam worker: waits on the shared control block and runs its part of each gate. It returns
 * to its event loop on DETACH, to receive the next shared state.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { CTRL, KIND, partRange, runPart } from './parallel.js';

const { ctrl, mat, id } = workerData as { ctrl: Int32Array; mat: Float64Array; id: number };

parentPort!.on('message', (msg: { state: SharedArrayBuffer }) => {
  const state = new Float64Array(msg.state);
  let seen = Atomics.load(ctrl, CTRL.SEQ);
  parentPort!.postMessage('attached');
  for (;;) {
    let spins = 0;
    while (Atomics.load(ctrl, CTRL.SEQ) === seen) {
      if (++spins < 2000) continue;
      Atomics.wait(ctrl, CTRL.SEQ, seen, 50);
    }
    seen = Atomics.load(ctrl, CTRL.SEQ);
    const kind = ctrl[CTRL.KIND];
    if (kind !== KIND.DETACH) {
      const total = ctrl[CTRL.TOTAL_LO] + ctrl[CTRL.TOTAL_HI] * 2 ** 30;
      const [lo, hi] = partRange(total, ctrl[CTRL.PARTS], id);
      runPart(state, kind, ctrl[CTRL.Q], ctrl[CTRL.CMASK], mat, lo, hi);
    }
    Atomics.add(ctrl, CTRL.DONE, 1);
    Atomics.notify(ctrl, CTRL.DONE);
    if (kind === KIND.DETACH) return;
  }
});
