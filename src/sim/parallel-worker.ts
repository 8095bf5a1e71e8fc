/**
 * A ThreadTeam worker: waits on the shared control block and runs its part of each gate (or its
 * rows of a batch). With the SIMD kernels it instantiates them on the shared SIMD memory at start
 * and serves commands from then on, states named by address; without them it receives each
 * shared state by message and returns to its event loop on DETACH, to receive the next one.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { CTRL, KIND, partRange, runPart } from './parallel.js';
import { runRows } from './batch-rows.js';
import type { SimdExports } from './simd.js';

interface WasmHandles { module: object; memory: { buffer: SharedArrayBuffer } }
const { ctrl, mat, job, id, wasm: handles } = workerData as { ctrl: Int32Array; mat: Float64Array; job: Float64Array; id: number; wasm: WasmHandles | null };

interface AttachMessage { state: SharedArrayBuffer; byteOffset?: number; length?: number; wasm?: WasmHandles | null }
type WasmInstance = { exports: SimdExports };
const WA = (globalThis as unknown as { WebAssembly: { Instance: new (m: object, i: object) => WasmInstance } }).WebAssembly;

/** Serves commands until DETACH; `state` is the attached state (null in direct mode: PTR names it). */
function serve(state: Float64Array | null, wasm: SimdExports | null, ptr: number, seen: number): void {
  const none = new Float64Array(0);
  for (;;) {
    let spins = 0;
    while (Atomics.load(ctrl, CTRL.SEQ) === seen) {
      if (++spins < 2000) continue;
      Atomics.wait(ctrl, CTRL.SEQ, seen, 50);
    }
    seen = Atomics.load(ctrl, CTRL.SEQ);
    const kind = ctrl[CTRL.KIND];
    if (kind === KIND.ROWS && wasm && handles) {
      const [lo, hi] = partRange(ctrl[CTRL.TOTAL_LO] + ctrl[CTRL.TOTAL_HI] * 2 ** 30, ctrl[CTRL.PARTS], id);
      // The memory may have grown since the last job: read its current buffer.
      runRows(wasm, handles.memory.buffer, job, id, lo, hi);
    } else if (kind !== KIND.DETACH) {
      const total = ctrl[CTRL.TOTAL_LO] + ctrl[CTRL.TOTAL_HI] * 2 ** 30;
      const [lo, hi] = partRange(total, ctrl[CTRL.PARTS], id);
      const at = ctrl[CTRL.PTR];
      if (at >= 0) runPart(none, kind, ctrl[CTRL.Q], ctrl[CTRL.CMASK], mat, lo, hi, wasm, at, ctrl);
      else if (state) runPart(state, kind, ctrl[CTRL.Q], ctrl[CTRL.CMASK], mat, lo, hi, wasm, ptr);
    }
    Atomics.add(ctrl, CTRL.DONE, 1);
    Atomics.notify(ctrl, CTRL.DONE);
    if (kind === KIND.DETACH) return;
  }
}

if (handles) {
  // Direct mode: the kernels on the shared SIMD memory, for good.
  const wasm = new WA.Instance(handles.module, { env: { memory: handles.memory } }).exports;
  // Read the sequence number before announcing ourselves, so no command issued after is missed.
  const seen = Atomics.load(ctrl, CTRL.SEQ);
  Atomics.add(ctrl, CTRL.ALIVE, 1);
  serve(null, wasm, -1, seen);
} else {
  parentPort!.on('message', (msg: AttachMessage) => {
    const state = new Float64Array(msg.state, msg.byteOffset ?? 0, msg.length ?? msg.state.byteLength / 8);
    const seen = Atomics.load(ctrl, CTRL.SEQ);
    parentPort!.postMessage('attached');
    serve(state, null, -1, seen);
  });
}
