/**
 * QAOA passes split across threads: the state, the cost index and the phase tables live in
 * SharedArrayBuffers; each pass (the phase lookup, a two-qubit X-mixer pass) is one command in a
 * shared control block (Atomics, the protocol of src/sim/parallel.ts, whose `partRange` splits the
 * index range), this thread runs its share and waits for the workers. No message per pass, so a
 * pass costs a few microseconds of coordination: worth it from about 2^16 amplitudes.
 *
 * @example
 * import { QaoaTeam, FastQaoa, costTable, maxcutProblem, penalized, randomRegularGraph } from 'qml6g';
 * const q = penalized(maxcutProblem(randomRegularGraph(3, 22, 1))).qubo;
 * const cost = costTable(q, { shared: true });
 * const sim = new FastQaoa({ qubo: q }, { cost, state: new Float64Array(new SharedArrayBuffer(16 * 2 ** 22)) });
 * const team = await QaoaTeam.attach(sim, 2);   // this thread + 1 worker
 * sim.run([0.6], [0.4]);                        // every pass split in two
 * await team.close();
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { QmlError } from '../../core/errors.js';
import { partRange } from '../../sim/parallel.js';
import type { FastQaoa, PassRunner } from './fast.js';
import { mixX, mixX2, phaseLevels } from './kernels.js';
import { qaoaWasm, type QaoaWasmExports } from './wasm.js';

export const QCTRL = { SEQ: 0, DONE: 1, KIND: 2, Q1: 3, Q2: 4, TOTAL: 5, PARTS: 6, SIZE: 8 } as const;
export const QKIND = { PHASE: 1, MIX2: 2, MIX1: 3, BLOCKT: 4, MIX2T: 5, MIX1T: 6, STOP: 9 } as const;

/** Byte offsets for the SIMD kernels (the same in every thread: one shared memory). */
export interface WasmPointers { state: number; index: number; cos: number; sin: number; table: number; wide: boolean }

/** Runs part [lo, hi) of a command: the SIMD kernels when `x` is given, else the TypeScript ones. */
export function runQaoaPart(kind: number, st: Float64Array, idx: Uint8Array | Uint16Array, cosT: Float64Array, sinT: Float64Array, q1: number, q2: number, c: number, s: number, lo: number, hi: number, x: QaoaWasmExports | null, w: WasmPointers | null): void {
  if (x && w) {
    if (kind === QKIND.BLOCKT) { if (w.wide) x.blockT16(w.state, w.index, w.table, c, q1, lo, hi); else x.blockT8(w.state, w.index, w.table, c, q1, lo, hi); }
    else if (kind === QKIND.MIX2T) x.mix2t(w.state, q1, q2, c, lo, hi);
    else if (kind === QKIND.MIX1T) x.mix1t(w.state, q1, c, lo, hi);
    else if (kind === QKIND.PHASE) { if (w.wide) x.phase16(w.state, w.index, w.cos, w.sin, lo, hi); else x.phase8(w.state, w.index, w.cos, w.sin, lo, hi); }
    else if (kind === QKIND.MIX2) x.mix2(w.state, q1, q2, c, s, lo, hi);
    else if (kind === QKIND.MIX1) x.mix1(w.state, q1, c, s, lo, hi);
    return;
  }
  if (kind === QKIND.PHASE) phaseLevels(st, idx, cosT, sinT, lo, hi);
  else if (kind === QKIND.MIX2) mixX2(st, q1, q2, c, s, lo, hi);
  else if (kind === QKIND.MIX1) mixX(st, q1, c, s, lo, hi);
  else throw new Error('the factored and blocked passes run on the SIMD kernels only');
}

export class QaoaTeam implements PassRunner {
  private readonly ctrl = new Int32Array(new SharedArrayBuffer(4 * QCTRL.SIZE));
  private readonly params = new Float64Array(new SharedArrayBuffer(16));
  private workers: Worker[] = [];
  private ptrs: WasmPointers | null = null;
  private x: QaoaWasmExports | null = null;
  private constructor(private readonly sim: FastQaoa, readonly threads: number) {}

  /** Attaches a team to a simulator whose state and level index are in shared memory (x mixer). */
  static async attach(sim: FastQaoa, threads = os.availableParallelism?.() ?? os.cpus().length): Promise<QaoaTeam> {
    if (!Number.isInteger(threads) || threads < 1) throw new QmlError(`threads must be a positive integer, got ${threads}`);
    if (sim.mixer !== 'x') throw new QmlError('the QAOA thread team runs the x mixer');
    if (sim.cost.kind !== 'levels' || !(sim.cost.index.buffer instanceof SharedArrayBuffer)) throw new QmlError('the QAOA thread team needs a level cost table in shared memory (costTable(q, { shared: true }))');
    if (!(sim.state.buffer instanceof SharedArrayBuffer)) throw new QmlError('the QAOA thread team needs the state in shared memory');
    const team = new QaoaTeam(sim, threads);
    const url = new URL('./team-worker.js', import.meta.url);
    const idx = sim.cost.index;
    const L = sim.wasmLayout(), wasm = L ? qaoaWasm() : null;
    team.ptrs = L ? { state: L.state, index: L.index, cos: L.cos, sin: L.sin, table: L.table, wide: L.wide } : null;
    team.x = L ? L.x : null;
    await Promise.all(Array.from({ length: threads - 1 }, (_, k) => new Promise<void>((resolve, reject) => {
      const w = new Worker(url, { workerData: { ctrl: team.ctrl, params: team.params, id: k + 1, state: sim.state, index: idx, wide: idx instanceof Uint16Array, cosT: sim.cosT, sinT: sim.sinT, wasm: wasm && team.ptrs ? { module: wasm.module, memory: wasm.memory, ptrs: team.ptrs } : null } });
      w.unref();
      w.once('message', (m) => (m === 'ready' ? resolve() : reject(new Error(String(m)))));
      w.once('error', reject);
      team.workers.push(w);
    })));
    sim.runner = team;
    return team;
  }

  /**
   * A team only where it wins, measured on this simulator now: the best of `reps` layers on this
   * thread against the same with `threads` threads (wall time, since the point is the other core:
   * when it is busy the team loses and is closed). Returns the team, or null for one thread. The
   * probe layers change the state: reset or run afterwards.
   */
  static async auto(sim: FastQaoa, threads = os.availableParallelism?.() ?? os.cpus().length, reps = 2): Promise<{ team: QaoaTeam | null; one: number; many: number }> {
    const time = () => { let b = Infinity; for (let r = 0; r < reps; r++) { const t0 = performance.now(); sim.layer(0.4, 0.3); b = Math.min(b, performance.now() - t0); } return b / 1000; };
    sim.layer(0.4, 0.3);
    const one = time();
    if (threads < 2) return { team: null, one, many: one };
    const team = await QaoaTeam.attach(sim, threads);
    sim.layer(0.4, 0.3);
    const many = time();
    if (many < one) return { team, one, many };
    await team.close();
    return { team: null, one, many };
  }

  private command(kind: number, q1: number, q2: number, c: number, s: number, total: number): void {
    const ctl = this.ctrl, parts = this.threads;
    ctl[QCTRL.KIND] = kind; ctl[QCTRL.Q1] = q1; ctl[QCTRL.Q2] = q2; ctl[QCTRL.TOTAL] = total; ctl[QCTRL.PARTS] = parts;
    this.params[0] = c; this.params[1] = s;
    Atomics.store(ctl, QCTRL.DONE, 0);
    Atomics.add(ctl, QCTRL.SEQ, 1);
    Atomics.notify(ctl, QCTRL.SEQ);
    if (kind !== QKIND.STOP) {
      const [lo, hi] = partRange(total, parts, 0);
      const t = this.sim.cost as Extract<FastQaoa['cost'], { kind: 'levels' }>;
      runQaoaPart(kind, this.sim.state, t.index, this.sim.cosT, this.sim.sinT, q1, q2, c, s, lo, hi, this.x, this.ptrs);
    }
    const want = this.workers.length;
    let spins = 0, d: number;
    while ((d = Atomics.load(ctl, QCTRL.DONE)) < want) {
      if (++spins < 2000) continue;
      Atomics.wait(ctl, QCTRL.DONE, d, 10);
    }
  }

  phase(gamma: number): void {
    this.sim.preparePhase(gamma);
    this.command(QKIND.PHASE, 0, 0, 0, 0, this.sim.N);
  }

  /** The blocked pass; the caller (FastQaoa.layer) has filled the scaled table. t rides in the c slot. */
  blockT(t: number, b: number): void {
    this.command(QKIND.BLOCKT, b, 0, t, 0, this.sim.N / 2 ** b);
  }

  mixT(q1: number, q2: number, t: number): void {
    if (q2 < 0) this.command(QKIND.MIX1T, q1, 0, t, 0, this.sim.N / 2);
    else this.command(QKIND.MIX2T, q1, q2, t, 0, this.sim.N / 4);
  }

  mixX(q1: number, q2: number, c: number, s: number): void {
    if (q2 < 0) this.command(QKIND.MIX1, q1, 0, c, s, this.sim.N / 2);
    else this.command(QKIND.MIX2, q1, q2, c, s, this.sim.N / 4);
  }

  async close(): Promise<void> {
    if (this.workers.length) this.command(QKIND.STOP, 0, 0, 0, 0, 0);
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers = [];
    if (this.sim.runner === (this as PassRunner)) this.sim.runner = null;
  }
}
