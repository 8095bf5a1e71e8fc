/** A QaoaTeam worker: waits on the shared control block and runs its share of each pass. */
import { parentPort, workerData } from 'node:worker_threads';
import { partRange } from '../../sim/parallel.js';
import { QCTRL, QKIND, runQaoaPart, type WasmPointers } from './team.js';
import { instantiateQaoa } from './wasm.js';

const d = workerData as { ctrl: Int32Array; params: Float64Array; id: number; state: Float64Array; index: Uint8Array | Uint16Array; cosT: Float64Array; sinT: Float64Array; wasm: { module: object; memory: object; ptrs: WasmPointers } | null };
const { ctrl, params, id, state, index, cosT, sinT } = d;
// The SIMD kernels instantiated on the same shared memory: the pointers mean the same bytes here.
const x = d.wasm ? instantiateQaoa(d.wasm.module, d.wasm.memory) : null;
const ptrs = d.wasm ? d.wasm.ptrs : null;
let seen = Atomics.load(ctrl, QCTRL.SEQ);
parentPort!.postMessage('ready');
for (;;) {
  let spins = 0;
  while (Atomics.load(ctrl, QCTRL.SEQ) === seen) {
    if (++spins < 2000) continue;
    Atomics.wait(ctrl, QCTRL.SEQ, seen, 50);
  }
  seen = Atomics.load(ctrl, QCTRL.SEQ);
  const kind = ctrl[QCTRL.KIND];
  if (kind !== QKIND.STOP) {
    const [lo, hi] = partRange(ctrl[QCTRL.TOTAL], ctrl[QCTRL.PARTS], id);
    runQaoaPart(kind, state, index, cosT, sinT, ctrl[QCTRL.Q1], ctrl[QCTRL.Q2], params[0], params[1], lo, hi, x, ptrs);
  }
  Atomics.add(ctrl, QCTRL.DONE, 1);
  Atomics.notify(ctrl, QCTRL.DONE);
  if (kind === QKIND.STOP) break;
}
