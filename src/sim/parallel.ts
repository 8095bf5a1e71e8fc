/**
 * Splitting one gate between cores. A statevector on a SharedArrayBuffer can be given a
 * ThreadTeam; its one-qubit, diagonal and (multi-)controlled-X kernels then run with the pair range
 * split between this thread and the team's workers. Commands go through a small shared control
 * block with Atomics (no message passing per gate), so the per-gate overhead is a few
 * microseconds: worth it from about 2^16 amplitudes up.
 *
 * @example
 * import { ThreadTeam, Statevector } from 'qml6g';
 * const team = ThreadTeam.create();                // workers = cores − 1
 * const sv = team.statevector(22);                 // shared memory, attached to the team
 * // ... runProgram(prog, sv) now uses every core for large gates
 * team.close();
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { QmlError } from '../core/errors.js';
import { apply1Range, applyDiag1Range, applyXRange, pairCount } from './kernels.js';
import { allocAmplitudes, simd, simdApply1Range, simdPointer, type SimdExports } from './simd.js';
import { checkStateMemory } from './memory.js';
import { Statevector } from './statevector.js';

/** Control block layout (Int32Array indices). */
export const CTRL = { SEQ: 0, DONE: 1, KIND: 2, Q: 3, CMASK: 4, TOTAL_LO: 5, TOTAL_HI: 6, PARTS: 7, SIZE: 16 } as const;
export const KIND = { APPLY1: 1, DIAG1: 2, X: 3, DETACH: 9 } as const;

/** Pair range of part `id` of `parts` over `total` pairs. */
export function partRange(total: number, parts: number, id: number): [number, number] {
  const per = Math.floor(total / parts), extra = total % parts;
  const lo = id * per + Math.min(id, extra);
  return [lo, lo + per + (id < extra ? 1 : 0)];
}

/**
 * Runs pairs [lo, hi) of one gate. With `wasm` (the SIMD kernels instantiated on the memory the
 * state lives in, at byte offset `ptr`), the gate runs there, controlled or not; else in TypeScript.
 */
export function runPart(state: Float64Array, kind: number, q: number, cmask: number, m: Float64Array, lo: number, hi: number, wasm: SimdExports | null = null, ptr = -1): void {
  if (wasm && ptr >= 0) {
    if (kind === KIND.APPLY1) return simdApply1Range(wasm, ptr, q, m, lo, hi, cmask);
    if (kind === KIND.DIAG1) return wasm.diag1(ptr, q, cmask, lo, hi, m[0], m[1], m[6], m[7]);
    if (kind === KIND.X) return wasm.applyX(ptr, q, cmask, lo, hi);
  }
  if (kind === KIND.APPLY1) apply1Range(state, q, m, cmask, lo, hi);
  else if (kind === KIND.DIAG1) applyDiag1Range(state, q, m[0], m[1], m[6], m[7], cmask, lo, hi);
  else if (kind === KIND.X) applyXRange(state, q, cmask, lo, hi);
}

export class ThreadTeam {
  private readonly ctrl: Int32Array;
  private readonly mat: Float64Array;
  private workers: Worker[] = [];
  private attached: Float64Array | null = null;
  /** States with fewer qubits than this run on one thread (the split would cost more than it saves). */
  minQubits = 16;

  private constructor(readonly threads: number) {
    this.ctrl = new Int32Array(new SharedArrayBuffer(4 * CTRL.SIZE));
    this.mat = new Float64Array(new SharedArrayBuffer(8 * 8));
  }

  /** A team using `threads` cores in all (this thread plus threads − 1 workers). */
  static create(threads = os.availableParallelism?.() ?? os.cpus().length): ThreadTeam {
    if (!Number.isInteger(threads) || threads < 1) throw new QmlError(`threads must be a positive integer, got ${threads}`);
    const team = new ThreadTeam(threads);
    const url = new URL('./parallel-worker.js', import.meta.url);
    for (let id = 1; id < threads; id++) {
      const w = new Worker(url, { workerData: { ctrl: team.ctrl, mat: team.mat, id } });
      w.unref();
      team.workers.push(w);
    }
    return team;
  }

  /** A zeroed |0…0⟩ statevector in shared memory, attached to this team. */
  statevector(n: number): Statevector {
    checkStateMemory(2 ** n, `a ${n}-qubit statevector`);
    // In the SIMD kernels' (shared) memory when they run, so every thread runs the SIMD kernels.
    const inWasm = allocAmplitudes(2 * 2 ** n);
    const data = inWasm.buffer instanceof SharedArrayBuffer ? inWasm : new Float64Array(new SharedArrayBuffer(16 * 2 ** n));
    data[0] = 1;
    const sv = new Statevector(n, data);
    sv.team = this;
    return sv;
  }

  private async attach(state: Float64Array): Promise<void> {
    if (this.attached === state) return;
    await this.detach();
    await Promise.all(this.workers.map((w) => new Promise<void>((resolve, reject) => {
      w.once('message', (m) => (m === 'attached' ? resolve() : reject(new Error(String(m)))));
      // The worker instantiates the same compiled module on the same memory (once per memory).
      const k = simdPointer(state) >= 0 ? simd() : null;
      w.postMessage({ state: state.buffer, byteOffset: state.byteOffset, length: state.length, wasm: k ? { module: k.module, memory: k.memory } : null });
    })));
    this.attached = state;
  }

  private async detach(): Promise<void> {
    if (!this.attached) return;
    this.command(KIND.DETACH, 0, 0, 0);
    this.attached = null;
  }

  /** Prepares the workers for `state`; must be awaited once before synchronous gate calls. */
  async ready(sv: Statevector): Promise<void> {
    if (!(sv.data.buffer instanceof SharedArrayBuffer)) throw new QmlError('a team needs a statevector in shared memory (team.statevector(n))');
    await this.attach(sv.data);
  }

  isReadyFor(state: Float64Array): boolean {
    return this.attached === state || this.workers.length === 0;
  }

  private command(kind: number, q: number, cmask: number, total: number): void {
    const c = this.ctrl, parts = this.threads;
    c[CTRL.KIND] = kind; c[CTRL.Q] = q; c[CTRL.CMASK] = cmask;
    c[CTRL.TOTAL_LO] = total % 2 ** 30; c[CTRL.TOTAL_HI] = Math.floor(total / 2 ** 30); c[CTRL.PARTS] = parts;
    Atomics.store(c, CTRL.DONE, 0);
    Atomics.add(c, CTRL.SEQ, 1);
    Atomics.notify(c, CTRL.SEQ);
    if (kind !== KIND.DETACH && this.attached) {
      const [lo, hi] = partRange(total, parts, 0);
      const ptr = simdPointer(this.attached);
      runPart(this.attached, kind, q, cmask, this.mat, lo, hi, ptr >= 0 ? simd()!.exports : null, ptr);
    }
    const want = this.workers.length;
    let spins = 0, d: number;
    while ((d = Atomics.load(c, CTRL.DONE)) < want) {
      if (++spins < 2000) continue;
      Atomics.wait(c, CTRL.DONE, d, 10);
    }
  }

  /**
   * Applies a one-qubit kernel with the range split across the team. Returns false when the
   * state is not attached (the caller then runs the gate on one thread).
   */
  apply(state: Float64Array, n: number, kind: number, q: number, m: Float64Array | null, cmask: number): boolean {
    if (n < this.minQubits || this.attached !== state || this.workers.length === 0) return false;
    if (m) this.mat.set(m.subarray(0, 8));
    this.command(kind, q, cmask, pairCount(n, cmask));
    return true;
  }

  async close(): Promise<void> {
    await this.detach();
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers = [];
  }
}
