/**
 * A ThreadTeam worker: waits on the shared control block and runs its part of each gate. It returns
 * to its event loop on DETACH, to receive the next shared state.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { CTRL, KIND, partRange, runPart } from './parallel.js';
import type { SimdExports } from './simd.js';

const { ctrl, mat, id } = workerData as { ctrl: Int32Array; mat: Float64Array; id: number };

interface AttachMessage { state: SharedArrayBuffer; byteOffset?: number; length?: number; wasm?: { module: object; memory: object } | null }
type WasmInstance = { exports: SimdExports };
const WA = (globalThis as unknown as { WebAssembly: { Instance: new (m: object, i: object) => WasmInstance } }).WebAssembly;

parentPort!.on('message', (msg: AttachMessage) => {
  const state = new Float64Array(msg.state, msg.byteOffset ?? 0, msg.length ?? msg.state.byteLength / 8);
  let wasm: SimdExports | null = null;
  if (msg.wasm) {
    // A state in the SIMD memory: this thread runs the same kernels on the same memory (one
    // instance per attach; the module is already compiled and has no state of its own).
    wasm = new WA.Instance(msg.wasm.module, { env: { memory: msg.wasm.memory } }).exports;
  }
  const ptr = wasm ? state.byteOffset : -1;
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
      runPart(state, kind, ctrl[CTRL.Q], ctrl[CTRL.CMASK], mat, lo, hi, wasm, ptr);
    }
    Atomics.add(ctrl, CTRL.DONE, 1);
    Atomics.notify(ctrl, CTRL.DONE);
    if (kind === KIND.DETACH) return;
  }
});
