/**
 * Splitting one gate between cores. A statevector on a SharedArrayBuffer can be given a
 * ThreadTeam; its one-qubit, diagonal and (multi-)controlled-X kernels then run with the pair range
 * split between this thread and the team's workers. Commands go through a small shared control
 * block with Atomics (no message passing per gate), so the per-gate overhead is a few
 * microseconds.
 *
 * When the SIMD kernels run, every worker instantiates them on the one shared SIMD memory at
 * start-up and waits on the control block from then on: a state anywhere in that memory is
 * handed over by its address in the control block, synchronously, with no `ready()` round trip.
 * That is what lets the simulator use a team on its own (`autoTeam`): a process-wide team taken
 * for states and batches above the size where it beats one thread, measured once per process
 * (`teamGateCrossover`, and batch.ts for batches; `npm run bench -- sim` prints both). A gate's pairs, or a batch's
 * rows, are computed by the same kernels whichever thread runs them, so the numbers are the same
 * to the bit with and without the team.
 *
 * @example
 * import { ThreadTeam, Statevector } from 'qml6g';
 * const team = ThreadTeam.create();                // workers = cores − 1
 * const sv = team.statevector(22);                 // shared memory, attached to the team
 * // ... runProgram(prog, sv) now uses every core for large gates
 * team.close();
 */
import os from 'node:os';
import { isMainThread, Worker } from 'node:worker_threads';
import { QmlError } from '../core/errors.js';
import { apply1Range, applyDiag1Range, applyXRange, pairCount } from './kernels.js';
import { allocAmplitudes, BLOCK_QUBITS, simd, simdApply1Range, simdBlockedArgs, simdPointer, type SimdExports } from './simd.js';
import { JOB, runRows } from './batch-rows.js';
import { CircuitBuilder } from './circuit.js';
import { compile } from './program.js';
import { FusedRunner } from './fused.js';
import { checkStateMemory } from './memory.js';
import { Statevector } from './statevector.js';

/** Control block layout (Int32Array indices). */
export const CTRL = { SEQ: 0, DONE: 1, KIND: 2, Q: 3, CMASK: 4, TOTAL_LO: 5, TOTAL_HI: 6, PARTS: 7, PTR: 8, ALIVE: 9, MATS: 10, WIRES: 11, SIZE: 16 } as const;
export const KIND = { APPLY1: 1, DIAG1: 2, X: 3, ROWS: 4, BLOCKED: 5, DETACH: 9 } as const;

/**
 * Sizes (qubits) at which the automatic team is calibrated against one thread; below the first it
 * is never used. The list reaches 20 qubits, past the last-level cache: on an idle 2-core machine
 * the team tied one thread at 18 qubits and won clearly from 20 (`npm run bench -- sim`: 0.80 vs
 * 0.82 and 0.61 vs 1.00 of the floor), so a list that stopped in cache could conclude "never".
 */
export const TEAM_CALIBRATION_QUBITS = [12, 14, 16, 18, 20] as const;
/**
 * Smallest batch the automatic team is tried on, in amplitude-operations (rows × interpreter
 * ops × 2^n, about a nanosecond each): below it the hand-over (tens of microseconds) cannot pay.
 */
export const TEAM_MIN_BATCH_WORK = 2 ** 20;

let shared: ThreadTeam | null | undefined;

/** What the calibration found (or the environment fixed): null = the team never won. */
export interface TeamCrossover { qubits: number | null; seconds: Array<{ n: number; one: number; team: number }>; source: 'measured' | 'environment' }
let gateCrossover: TeamCrossover | undefined;

/**
 * Where the automatic team beats one thread on statevector gates, measured once per process on
 * this machine as it is loaded now (a layer of RY·RZ on every wire and a CNOT chain, the
 * simulator's fused path, at TEAM_CALIBRATION_QUBITS, alternating one thread and the team, best
 * of three; about 0.1 s, most of it at 20 qubits): the smallest size from which the team wins at every larger size
 * measured. QML6G_TEAM_MIN_QUBITS fixes it instead. Undefined until the team's workers are up.
 */
export function teamGateCrossover(): TeamCrossover | undefined {
  if (gateCrossover) return gateCrossover;
  const env = process.env.QML6G_TEAM_MIN_QUBITS;
  const team = autoTeam();
  if (env !== undefined && env !== '') {
    gateCrossover = { qubits: Number(env), seconds: [], source: 'environment' };
    if (team) team.minQubits = Number(env);
    return gateCrossover;
  }
  if (!team || !team.alive) return undefined;
  const saved = team.minQubits;
  team.minQubits = 1;
  const seconds: TeamCrossover['seconds'] = [];
  for (const n of TEAM_CALIBRATION_QUBITS) {
    const b = new CircuitBuilder(n);
    for (let q = 0; q < n; q++) { b.ry(q, 0.1 + 0.2 * q); b.rz(q, 0.3 + 0.1 * q); }
    for (let q = 0; q + 1 < n; q++) b.cx(q, q + 1);
    const fused = new FusedRunner(compile(b.build())), sv = new Statevector(n, allocAmplitudes(2 << n));
    const inner = Math.max(1, 2 ** (16 - n));
    let one = Infinity, many = Infinity;
    for (let r = 0; r < 3; r++) {
      for (const t of [null, team]) {
        sv.team = t;
        const s = performance.now();
        for (let i = 0; i < inner; i++) { sv.reset(); fused.run(sv, [], []); }
        const dt = (performance.now() - s) / inner;
        if (t) many = Math.min(many, dt); else one = Math.min(one, dt);
      }
    }
    seconds.push({ n, one: one / 1000, team: many / 1000 });
  }
  team.minQubits = saved;
  let k = seconds.length;
  while (k > 0 && seconds[k - 1].team < seconds[k - 1].one) k--;
  gateCrossover = { qubits: k < seconds.length ? seconds[k].n : null, seconds, source: 'measured' };
  if (gateCrossover.qubits !== null) team.minQubits = gateCrossover.qubits;
  return gateCrossover;
}

/**
 * Gives `sv` the automatic team when it is at least as large as the measured crossover; returns
 * sv. The first large state of a process starts the team's workers and runs on one thread (the
 * workers take some tens of milliseconds to come up); the calibration runs at the next.
 */
export function withAutoTeam(sv: Statevector): Statevector {
  if (sv.team || sv.n < TEAM_CALIBRATION_QUBITS[0] || simdPointer(sv.data) < 0) return sv;
  const c = teamGateCrossover();
  if (c && c.qubits !== null && sv.n >= c.qubits) sv.team = autoTeam();
  return sv;
}

export function autoTeam(): ThreadTeam | null {
  if (shared !== undefined) return shared;
  const cores = Number(process.env.QML6G_THREADS) || (os.availableParallelism?.() ?? os.cpus().length);
  shared = cores >= 2 && simd() ? ThreadTeam.create(cores) : null;
  return shared;
}

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
export function runPart(state: Float64Array, kind: number, q: number, cmask: number, m: Float64Array, lo: number, hi: number, wasm: SimdExports | null = null, ptr = -1, ctrl: Int32Array | null = null): void {
  if (wasm && ptr >= 0) {
    // Blocked pass: q is the block size in qubits, cmask the wire count, [lo, hi) blocks.
    if (kind === KIND.BLOCKED) return wasm.apply1Blocked(ptr, q, lo, hi, cmask, ctrl![CTRL.MATS], ctrl![CTRL.WIRES]);
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
  /** Whether the workers run the SIMD kernels on the shared SIMD memory (states handed over by address). */
  private readonly direct: boolean;
  /** The batch job description (batch-rows.ts), shared with the workers. */
  readonly job: Float64Array;
  /** States with fewer qubits than this run on one thread (the split would cost more than it saves). */
  minQubits = 16;
  /** Commands split across the team so far: one-qubit gates, blocked passes, batch jobs. */
  readonly stats = { gates: 0, blocked: 0, batches: 0 };

  private constructor(readonly threads: number, direct: boolean) {
    this.ctrl = new Int32Array(new SharedArrayBuffer(4 * CTRL.SIZE));
    this.mat = new Float64Array(new SharedArrayBuffer(8 * 8));
    this.job = new Float64Array(new SharedArrayBuffer(8 * JOB.SIZE));
    this.direct = direct;
  }

  /** A team using `threads` cores in all (this thread plus threads − 1 workers). */
  static create(threads = os.availableParallelism?.() ?? os.cpus().length): ThreadTeam {
    if (!Number.isInteger(threads) || threads < 1) throw new QmlError(`threads must be a positive integer, got ${threads}`);
    const k = simd();
    const team = new ThreadTeam(threads, !!k);
    const url = new URL('./parallel-worker.js', import.meta.url);
    for (let id = 1; id < threads; id++) {
      // --input-type (a parent run with -e) is refused by workers, which load a file.
      const execArgv = process.execArgv.filter((a) => !a.startsWith('--input-type'));
      const w = new Worker(url, { execArgv, workerData: { ctrl: team.ctrl, mat: team.mat, job: team.job, id, wasm: k ? { module: k.module, memory: k.memory } : null } });
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

  /** Whether every worker is up and waiting (direct mode); until then gates run on this thread. */
  get alive(): boolean {
    return Atomics.load(this.ctrl, CTRL.ALIVE) >= this.workers.length;
  }

  private async attach(state: Float64Array): Promise<void> {
    if (this.direct) {
      // Direct mode: nothing to hand over (a state outside the SIMD memory runs on this thread);
      // wait until the workers are up.
      while (!this.alive) await new Promise((r) => setTimeout(r, 1));
      return;
    }
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

  /** Whether gates on `state` can be split now without a `ready()` call. */
  private directFor(state: Float64Array): boolean {
    return this.direct && this.workers.length > 0 && simdPointer(state) >= 0 && this.alive;
  }

  /** Prepares the workers for `state`; must be awaited once before synchronous gate calls. */
  async ready(sv: Statevector): Promise<void> {
    if (!(sv.data.buffer instanceof SharedArrayBuffer)) throw new QmlError('a team needs a statevector in shared memory (team.statevector(n))');
    await this.attach(sv.data);
  }

  isReadyFor(state: Float64Array): boolean {
    return this.attached === state || this.workers.length === 0 || this.directFor(state);
  }

  private command(kind: number, q: number, cmask: number, total: number, state: Float64Array | null = this.attached): void {
    const c = this.ctrl, parts = this.threads;
    const direct = kind === KIND.ROWS || (state !== null && state !== this.attached);
    c[CTRL.KIND] = kind; c[CTRL.Q] = q; c[CTRL.CMASK] = cmask; c[CTRL.PTR] = direct && state ? simdPointer(state) : -1;
    c[CTRL.TOTAL_LO] = total % 2 ** 30; c[CTRL.TOTAL_HI] = Math.floor(total / 2 ** 30); c[CTRL.PARTS] = parts;
    Atomics.store(c, CTRL.DONE, 0);
    Atomics.add(c, CTRL.SEQ, 1);
    Atomics.notify(c, CTRL.SEQ);
    if (kind === KIND.ROWS) {
      const [lo, hi] = partRange(total, parts, 0), k = simd()!;
      runRows(k.exports, k.memory.buffer, this.job, 0, lo, hi);
    } else if (kind !== KIND.DETACH && state) {
      const [lo, hi] = partRange(total, parts, 0);
      const ptr = simdPointer(state);
      runPart(state, kind, q, cmask, this.mat, lo, hi, ptr >= 0 ? simd()!.exports : null, ptr, c);
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
    if (n < this.minQubits || this.workers.length === 0) return false;
    if (this.attached !== state && !this.directFor(state)) return false;
    if (m) this.mat.set(m.subarray(0, 8));
    this.command(kind, q, cmask, pairCount(n, cmask), state);
    this.stats.gates++;
    return true;
  }

  /**
   * The cache-blocked pass of pending one-qubit matrices on the wires below BLOCK_QUBITS (fused.ts),
   * its blocks split across the team. False when it cannot (the caller runs it on one thread).
   */
  applyBlocked(state: Float64Array, n: number, wires: ArrayLike<number>, k: number, mats: Float64Array): boolean {
    if (n < this.minQubits || n <= BLOCK_QUBITS || !this.directFor(state)) return false;
    const at = simdBlockedArgs(wires, k, mats);
    this.ctrl[CTRL.MATS] = at.mats; this.ctrl[CTRL.WIRES] = at.wires;
    this.command(KIND.BLOCKED, BLOCK_QUBITS, k, 2 ** (n - BLOCK_QUBITS), state);
    this.stats.blocked++;
    return true;
  }

  /**
   * Runs rows [0, rows) of the batch job described in `job` (batch-rows.ts), split across the
   * team. False when the workers are not up (the caller then runs the rows itself).
   */
  runRows(rows: number): boolean {
    if (!this.direct || this.workers.length === 0 || !this.alive) return false;
    this.command(KIND.ROWS, 0, 0, rows, null);
    this.stats.batches++;
    return true;
  }

  async close(): Promise<void> {
    await this.detach();
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers = [];
    if (shared === this) shared = undefined;
  }
}
