/**
 * `npm run bench -- sim` / `qml6g bench sim [--json]`: simulator speed as ratios, never as
 * pass/fail timings. Per-gate times against the memory-bandwidth floor of this machine measured in
 * the same run; a batch of small circuits; adjoint gradients against one forward pass; the npm
 * peers on the same circuits.
 */
import os from 'node:os';
import { version } from '../core/version.js';
import { Rng } from '../core/rng.js';
import { CircuitBuilder, param, type Circuit } from '../sim/circuit.js';
import { compile } from '../sim/program.js';
import { runBranches, runProgram } from '../sim/execute.js';
import { DensityMatrix } from '../sim/density.js';
import { CompiledNoise } from '../sim/noise.js';
import { FusedRunner } from '../sim/fused.js';
import { Statevector } from '../sim/statevector.js';
import { autoTeam, teamGateCrossover, ThreadTeam } from '../sim/parallel.js';
import { batchExpectations, teamBatchCalibration } from '../sim/batch.js';
import { BatchPool } from '../sim/batch-pool.js';
import { AdjointWorkspace, adjointPass } from '../sim/gradients.js';
import { compileObservable, observable, Z } from '../sim/observable.js';
import { measureBandwidth } from './bandwidth.js';
import { simdStatus, type SimdStatus } from '../sim/simd.js';
import { compileWasm } from '../sim/wasm-program.js';
import type { HistoryEntry } from './history.js';
import { layeredSteps, runPeers, type PeerResult } from './peers.js';

export interface SizeResult {
  n: number;
  seconds_per_1q_gate: number;
  seconds_per_cnot: number;
  seconds_per_1q_gate_one_thread: number;
  seconds_per_cnot_one_thread: number;
  /** One thread, TypeScript kernels on an ordinary array (the reference and fallback path). */
  seconds_per_1q_gate_typescript: number;
  /** One thread, WebAssembly SIMD kernels (null when they are not active). */
  seconds_per_1q_gate_simd: number | null;
  /** TypeScript time / SIMD time, one thread each. */
  simd_speedup: number | null;
  floor_seconds: number;
  ratio_to_floor: number;
  cnot_ratio_to_floor: number;
  threads: number;
}

export interface SimBenchResult {
  bench: 'sim';
  version: string;
  machine: { cpus: number; model: string; node: string };
  bandwidth_bytes_per_second: number;
  bandwidth_source: 'c' | 'js';
  bandwidth_all_cores_bytes_per_second: number | null;
  bandwidth_js_bytes_per_second: number;
  /** Whether the WebAssembly SIMD kernels ran, and why not when they did not. */
  simd: SimdStatus;
  sizes: SizeResult[];
  batch: {
    circuits: number; qubits: number; layers: number; circuits_per_second: number; circuits_per_second_one_thread: number; microseconds_per_circuit: number;
    /** CPU time of every thread of the pooled run per circuit, divided by the threads: the wall time on cores of our own. */
    microseconds_per_circuit_cpu: number;
    /** CPU time per circuit on one thread. */
    microseconds_per_circuit_one_thread_cpu: number;
    threads: number;
    /** 'simd-interpreter' when rows run whole in WebAssembly (wasm-program.ts), else 'typescript'. */
    path: 'simd-interpreter' | 'typescript';
    /** batchExpectations as called (rows split across the automatic team): wall and process CPU per circuit. */
    microseconds_per_circuit_auto: number;
    microseconds_per_circuit_auto_cpu: number;
    /** BatchPool (message-passing workers) on the same rows: wall per circuit. */
    microseconds_per_circuit_pool: number;
    /** CPU per circuit on one thread with an observable on every wire (no light-cone pruning). */
    microseconds_per_circuit_one_thread_cpu_whole_circuit: number;
  };
  /**
   * Where the automatic team starts to win, measured in this run: the smallest statevector (a
   * layer of RY·RZ and a CNOT chain) and the smallest batch (rows of the 8-qubit circuit) for
   * which the team beats one thread, with the constants the simulator uses (parallel.ts).
   */
  crossover: {
    gate_qubits: number | null;
    gate_seconds: Array<{ n: number; one: number; team: number }>;
    batch_rows: number | null; batch_work: number | null;
    batch_seconds: Array<{ rows: number; one: number; team: number }>;
    /** What the simulator's own once-per-process calibration chose in this process (parallel.ts, batch.ts): null = one thread. */
    calibrated_gate_qubits: number | null; calibrated_batch_work: number | null;
  };
  /** Ratios in CPU time of this thread (best of several), so other processes on the machine do not enter them. */
  adjoint: Array<{ parameters: number; qubits: number; ratio_to_forward: number; ratio_to_fused_forward: number; seconds: number }>;
  /**
   * One layer of RY·RZ on every qubit (fused per wire: n one-qubit passes), CPU time in units of
   * the one-pass floor: with cache blocking (the wires below 10 share one pass) and without.
   */
  layer: Array<{ n: number; passes_blocked: number; passes_unblocked: number }>;
  /**
   * One noisy evaluation of an 8-qubit, 3-layer VQC-shaped circuit on the density matrix (the
   * assess noise sweep's workload), CPU time: fused (composed one-qubit superoperators) with the
   * active kernels, fused on TypeScript kernels, and gate by gate on TypeScript kernels (the former
   * path). `passes_per_gate` = fused time / (gates × one in-place pass over ρ at the floor).
   */
  density: { qubits: number; gates: number; seconds_fused: number; seconds_fused_typescript: number; seconds_gate_by_gate_typescript: number; speedup: number; pass_floor_seconds: number; passes_per_gate: number };
  peers: Array<PeerResult & { qml6g_seconds_per_1q_gate: number; qml6g_circuits_per_second: number; gate_speedup: number | null; batch_speedup: number | null }>;
  seconds: number;
}

/** Best-of CPU time of f (all threads of the process), in seconds. */
function bestCpu(f: () => void, reps: number): number {
  let b = Infinity;
  for (let r = 0; r < reps; r++) {
    const c = process.cpuUsage();
    f();
    const u = process.cpuUsage(c);
    b = Math.min(b, u.user + u.system);
  }
  return b / 1e6;
}

/** Best-of timing of f, in seconds. */
function best(f: () => void, reps: number): number {
  let b = Infinity;
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    f();
    b = Math.min(b, performance.now() - t0);
  }
  return b / 1000;
}

/** Batch benchmark circuit: 10 layers of RY and RZ on every qubit with a CNOT chain, all angles trainable. */
export function layeredCircuit(qubits: number, layers: number): Circuit {
  const b = new CircuitBuilder(qubits);
  let k = 0;
  for (const [g, a, c] of layeredSteps(qubits, layers, () => 0)) {
    if (g === 'cx') b.cx(a, c);
    else b.gate(g, [a], [param(k++)]);
  }
  return b.build();
}

/** A circuit with exactly P trainable RY angles on n qubits, a CNOT chain after every full layer. */
function adjointCircuit(n: number, P: number): Circuit {
  const b = new CircuitBuilder(n);
  for (let k = 0; k < P; k++) {
    b.ry(k % n, param(k));
    b.rz(k % n, 0.3);
    if (k % n === n - 1) for (let q = 0; q + 1 < n; q++) b.cx(q, q + 1);
  }
  return b.build();
}

function gateTimes(sv: Statevector, n: number, reps: number): { g1: number; cx: number } {
  const rng = new Rng(n);
  const mats = ['rx', 'ry', 'rz'].map((g) => compile(new CircuitBuilder(n).gate(g, [0], [rng.next() * 3]).build()).instrs[0]);
  const per = Math.max(n, Math.round(2 ** 21 / 2 ** n) * n);
  // Rotate over every target qubit and the three rotation axes.
  const g1 = best(() => {
    for (let k = 0; k < per; k++) {
      const ins = mats[k % 3];
      if (ins.kind !== 'gate') continue;
      ins.targets[0] = k % n;
      sv.applyGate(ins, scratch);
    }
  }, reps) / per;
  const cx = compile(new CircuitBuilder(n).cx(1, 0).build()).instrs[0];
  const tcx = best(() => {
    for (let k = 0; k < per; k++) {
      if (cx.kind !== 'gate') continue;
      cx.targets[0] = k % n;
      cx.controls[0] = (k + 1) % n;
      cx.cmask = 2 ** ((k + 1) % n);
      sv.applyGate(cx, scratch);
    }
  }, reps) / per;
  return { g1, cx: tcx };
}
import { ApplyScratch } from '../sim/apply.js';
const scratch = new ApplyScratch();

/** The assess noise sweep's circuit: angle encoding, then layers of RY, RZ on every qubit and a CNOT ring. */
function noisyVqcCircuit(n: number, layers: number): Circuit {
  const b = new CircuitBuilder(n);
  let k = 0;
  for (let q = 0; q < n; q++) b.ry(q, param(k++));
  for (let l = 0; l < layers; l++) {
    for (let q = 0; q < n; q++) { b.ry(q, param(k++)); b.rz(q, param(k++)); }
    for (let q = 0; q < n; q++) b.cx(q, (q + 1) % n);
  }
  return b.build();
}

function benchDensity(bandwidth: number, reps: number): SimBenchResult['density'] {
  const n = 8, prog = compile(noisyVqcCircuit(n, 3));
  // Typical superconducting-device magnitudes (the assess sweep's strength 1).
  const noise = new CompiledNoise({
    after_1q: [{ channel: 'depolarizing', p: 0.001 }, { channel: 'amplitude_damping', gamma: 0.002 }],
    after_2q: [{ channel: 'depolarizing', p: 0.01 }],
  }, n);
  const params = Float64Array.from({ length: prog.numParams }, (_, i) => 0.1 + 0.37 * i);
  const reset = (r: DensityMatrix) => { r.data.fill(0); r.data[0] = 1; };
  const rho = DensityMatrix.zero(n);
  const plain = new DensityMatrix(n, new Float64Array(2 * 4 ** n));
  const fused = bestCpu(() => { reset(rho); runBranches(prog, rho, { params, noise, trusted: true, scratch }); }, reps);
  const fusedTs = bestCpu(() => { reset(plain); runBranches(prog, plain, { params, noise, trusted: true, scratch }); }, reps);
  const gateByGate = bestCpu(() => { reset(plain); plain.runGateByGate(prog, params, [], noise, scratch); }, Math.min(reps, 3));
  const gates = prog.instrs.filter((i) => i.kind === 'gate').length, pass = (4 ** n * 32) / bandwidth;
  return {
    qubits: n, gates, seconds_fused: fused, seconds_fused_typescript: fusedTs, seconds_gate_by_gate_typescript: gateByGate,
    speedup: gateByGate / fused, pass_floor_seconds: pass, passes_per_gate: fused / (gates * pass),
  };
}

/**
 * One thread against the team (wall time, best of several, alternated so load hits both alike):
 * a layer of RY·RZ on every qubit and a CNOT chain at n = 10…20, and batches of the 8-qubit
 * circuit of 2…512 rows. The crossover is the smallest size from which the team wins at every
 * larger size measured.
 */
function measureCrossover(team: ThreadTeam | null, layered: Circuit, P: number, quick: boolean): SimBenchResult['crossover'] {
  const out: SimBenchResult['crossover'] = { gate_qubits: null, gate_seconds: [], batch_rows: null, batch_work: null, batch_seconds: [], calibrated_gate_qubits: null, calibrated_batch_work: null };
  if (!team) return out;
  out.calibrated_gate_qubits = teamGateCrossover()?.qubits ?? null;
  out.calibrated_batch_work = teamBatchCalibration().wonAt;
  const from = (xs: Array<{ one: number; team: number }>) => {
    let k = xs.length;
    while (k > 0 && xs[k - 1].team < xs[k - 1].one) k--;
    return k < xs.length ? k : -1;
  };
  const saved = team.minQubits;
  team.minQubits = 1;
  for (const n of quick ? [10, 14, 18] : [10, 12, 14, 16, 18, 20]) {
    const b = new CircuitBuilder(n);
    for (let q = 0; q < n; q++) { b.ry(q, 0.1 + 0.2 * q); b.rz(q, 0.3 + 0.1 * q); }
    for (let q = 0; q + 1 < n; q++) b.cx(q, q + 1);
    const prog = compile(b.build()), fused = new FusedRunner(prog), sv = Statevector.zero(n);
    const reps = n >= 18 ? 5 : 15, inner = Math.max(1, 2 ** (16 - n));
    let one = Infinity, withTeam = Infinity;
    for (let r = 0; r < reps; r++) {
      for (const t of [null, team]) {
        sv.team = t;
        const s = performance.now();
        for (let i = 0; i < inner; i++) { sv.reset(); fused.run(sv, [], []); }
        const dt = (performance.now() - s) / 1000 / inner;
        if (t) withTeam = Math.min(withTeam, dt); else one = Math.min(one, dt);
      }
    }
    out.gate_seconds.push({ n, one, team: withTeam });
  }
  team.minQubits = saved;
  const k = from(out.gate_seconds);
  out.gate_qubits = k >= 0 ? out.gate_seconds[k].n : null;
  const rng = new Rng(3), ops = compileWasm(compile(layered))?.pointers.count ?? 0;
  for (const rows of [2, 8, 32, 128, 512]) {
    const args = { paramRows: Float64Array.from({ length: rows * P }, () => rng.next() * 6), paramCols: P };
    const inner = Math.max(1, Math.round(256 / rows));
    let one = Infinity, withTeam = Infinity;
    for (let r = 0; r < 7; r++) {
      for (const mode of ['one', 'team'] as const) {
        const s = performance.now();
        for (let i = 0; i < inner; i++) batchExpectations(layered, [Z(0)], args, {}, mode);
        const dt = (performance.now() - s) / 1000 / inner;
        if (mode === 'team') withTeam = Math.min(withTeam, dt); else one = Math.min(one, dt);
      }
    }
    out.batch_seconds.push({ rows, one, team: withTeam });
  }
  const j = from(out.batch_seconds);
  out.batch_rows = j >= 0 ? out.batch_seconds[j].rows : null;
  out.batch_work = out.batch_rows === null ? null : out.batch_rows * ops * 2 ** 8;
  return out;
}

export async function benchSim(opts: { quick?: boolean; log?: (s: string) => void } = {}): Promise<SimBenchResult> {
  const log = opts.log ?? (() => {});
  const t0 = performance.now();
  const threads = os.availableParallelism?.() ?? os.cpus().length;
  const simd = simdStatus();
  log(simd.active ? 'kernels: WebAssembly SIMD (TypeScript kernels measured beside them)' : `kernels: TypeScript only (${simd.reason})`);
  log('measuring memory bandwidth ...');
  const bw = measureBandwidth();
  log(`  one core ${(bw.oneCore / 1e9).toFixed(1)} GB/s (${bw.source})${bw.allCores ? `, all cores ${(bw.allCores / 1e9).toFixed(1)} GB/s` : ''}, JavaScript loop ${(bw.js / 1e9).toFixed(1)} GB/s`);

  const team = ThreadTeam.create(threads);
  const sizes: SizeResult[] = [];
  const ns = opts.quick ? [10, 14, 18, 20] : [10, 14, 18, 20, 22, 24];
  for (const n of ns) {
    const reps = n >= 22 ? 4 : 8;
    // Statevector.zero allocates in the SIMD memory when the kernels are active.
    const plain = Statevector.zero(n);
    plain.data.fill(1 / Math.sqrt(2 ** (n + 1)));
    const one = gateTimes(plain, n, reps);
    const tsState = new Statevector(n, new Float64Array(2 << n).fill(1 / Math.sqrt(2 ** (n + 1))));
    const ts = simd.active ? gateTimes(tsState, n, reps) : one;
    let shared = one;
    if (threads > 1 && n >= team.minQubits) {
      const sv = team.statevector(n);
      sv.data.set(plain.data);
      await team.ready(sv);
      shared = gateTimes(sv, n, reps);
    }
    const g1 = Math.min(one.g1, shared.g1), cx = Math.min(one.cx, shared.cx);
    const floor = (2 ** n * 32) / bw.oneCore;
    sizes.push({
      n, seconds_per_1q_gate: g1, seconds_per_cnot: cx, seconds_per_1q_gate_one_thread: one.g1, seconds_per_cnot_one_thread: one.cx,
      seconds_per_1q_gate_typescript: ts.g1, seconds_per_1q_gate_simd: simd.active ? one.g1 : null, simd_speedup: simd.active ? ts.g1 / one.g1 : null,
      floor_seconds: floor, ratio_to_floor: g1 / floor, cnot_ratio_to_floor: cx / floor, threads: shared === one ? 1 : threads,
    });
    log(`  n=${n}: rotation ${(g1 * 1e3).toFixed(3)} ms (${(g1 / floor).toFixed(2)}x floor; one thread: SIMD ${simd.active ? `${(one.g1 / floor).toFixed(2)}x` : 'n/a'}, TypeScript ${(ts.g1 / floor).toFixed(2)}x), CNOT ${(cx * 1e3).toFixed(3)} ms (${(cx / floor).toFixed(2)}x)`);
  }
  await team.close();

  log('batch of 8-qubit, 10-layer circuits ...');
  const circuits = opts.quick ? 300 : 1000;
  const layered = layeredCircuit(8, 10);
  const P = compile(layered).numParams;
  const rng = new Rng(1);
  const paramRows = Float64Array.from({ length: circuits * P }, () => rng.next() * 6);
  const batchArgs = { paramRows, paramCols: P };
  batchExpectations(layered, [Z(0)], batchArgs);
  const tOne = best(() => batchExpectations(layered, [Z(0)], batchArgs, {}, 'one'), 5);
  const cpuOne = bestCpu(() => batchExpectations(layered, [Z(0)], batchArgs, {}, 'one'), 5);
  // Z(0) lets the batch skip the gates outside its light cone (batch.ts); an observable on every
  // wire keeps the whole circuit: the figure without that help.
  const everyWire = observable([[1, Array.from({ length: 8 }, (_, q) => `Z${q}`).join(' ')]]);
  const cpuOneFull = bestCpu(() => batchExpectations(layered, [everyWire], batchArgs, {}, 'one'), 5);
  // The automatic path: batchExpectations as a caller calls it (rows on the process-wide team).
  const shared = autoTeam();
  if (shared) while (!shared.alive) await new Promise((r) => setTimeout(r, 2));
  batchExpectations(layered, [Z(0)], batchArgs);
  let tAuto = Infinity, cpuAuto = Infinity;
  for (let r = 0; r < 5; r++) {
    const s = performance.now(), c = process.cpuUsage();
    batchExpectations(layered, [Z(0)], batchArgs);
    const u = process.cpuUsage(c);
    tAuto = Math.min(tAuto, (performance.now() - s) / 1000);
    // CPU time of the main thread and the workers (process-wide), shared over the threads.
    cpuAuto = Math.min(cpuAuto, (u.user + u.system) / 1e6 / threads);
  }
  const pool = BatchPool.create(threads);
  await pool.expectations(layered, [Z(0)], batchArgs);
  let tPool = Infinity;
  for (let r = 0; r < 5; r++) {
    const s = performance.now();
    await pool.expectations(layered, [Z(0)], batchArgs);
    tPool = Math.min(tPool, (performance.now() - s) / 1000);
  }
  await pool.close();
  const tBatch = Math.min(tOne, tAuto);
  const cpuPool = tAuto <= tOne ? cpuAuto : cpuOne;
  const batchPath = compileWasm(compile(layered)) ? 'simd-interpreter' as const : 'typescript' as const;
  const us = (t: number) => ((t / circuits) * 1e6).toFixed(1);
  log(`  ${(circuits / tBatch).toFixed(0)} circuits/s: ${us(tAuto)} µs per circuit as called (${threads} threads), one thread ${us(tOne)} µs, BatchPool ${us(tPool)} µs (wall); CPU time: ${us(cpuAuto)} µs per circuit per thread on ${threads} threads, ${us(cpuOne)} µs on one (${batchPath}; Z(0) skips the gates outside its light cone; with an observable on every wire ${us(cpuOneFull)} µs on one)`);

  log('thread crossover ...');
  const crossover = measureCrossover(shared, layered, P, opts.quick ?? false);
  const pow = (w: number | null) => (w === null ? 'never (one thread)' : `2^${Math.log2(w).toFixed(1)}`);
  log(`  statevector gates: the team wins from n = ${crossover.gate_qubits ?? 'never (measured up to 20)'} (one thread / team: ${crossover.gate_seconds.map((g) => `n=${g.n}: ${(g.one / g.team).toFixed(2)}x`).join(', ')}); this process's calibration chose n = ${crossover.calibrated_gate_qubits ?? 'never (one thread)'}`);
  log(`  batches of the 8-qubit circuit: the team wins from ${crossover.batch_rows ?? 'never'} rows = ${pow(crossover.batch_work)} amplitude-ops (one thread / team: ${crossover.batch_seconds.map((g) => `${g.rows}: ${(g.one / g.team).toFixed(2)}x`).join(', ')}); this process's calibration: team from ${pow(crossover.calibrated_batch_work)}`);

  log('adjoint gradients ...');
  const adjoint: SimBenchResult['adjoint'] = [];
  const an = 12;
  for (const Pn of [10, 100, 1000]) {
    const prog = compile(adjointCircuit(an, Pn));
    const params = Float64Array.from({ length: Pn }, (_, i) => 0.1 * i);
    const sv = Statevector.zero(an);
    // CPU time, repeated so one sample is at least a few milliseconds.
    const inner = Math.max(1, Math.round(2000 / Pn)), reps = 7;
    const fwd = bestCpu(() => { for (let i = 0; i < inner; i++) { sv.reset(); runProgram(prog, sv, { params, trusted: true, scratch }); } }, reps) / inner;
    const fused = new FusedRunner(prog);
    const fwdFused = bestCpu(() => { for (let i = 0; i < inner; i++) { sv.reset(); fused.run(sv, params, []); } }, reps) / inner;
    const ws = new AdjointWorkspace(prog);
    const terms = [compileObservable(Z(0), an)];
    const vals = new Float64Array(1), dp = [new Float64Array(Pn)], dx = [new Float64Array(0)];
    const tAdj = bestCpu(() => { for (let i = 0; i < inner; i++) { dp[0].fill(0); adjointPass(ws, terms, params, [], vals, dp, dx); } }, reps) / inner;
    adjoint.push({ parameters: Pn, qubits: an, ratio_to_forward: tAdj / fwd, ratio_to_fused_forward: tAdj / fwdFused, seconds: tAdj });
    log(`  P=${Pn}: adjoint = ${(tAdj / fwd).toFixed(2)}x one forward pass (${(tAdj / fwdFused).toFixed(2)}x the fused forward pass; CPU time)`);
  }

  log('a layer of RY·RZ on every qubit, cache-blocked and not ...');
  const layer: SimBenchResult['layer'] = [];
  for (const n of opts.quick ? [20] : [20, 22]) {
    const b = new CircuitBuilder(n);
    let k = 0;
    for (let q = 0; q < n; q++) { b.ry(q, param(k++)); b.rz(q, param(k++)); }
    const fr = new FusedRunner(compile(b.build())), sv = Statevector.zero(n);
    const params = Float64Array.from({ length: k }, (_, i) => 0.1 + 0.3 * i);
    const floor = (2 ** n * 32) / bw.oneCore;
    const t = (blocked: boolean) => { fr.blocked = blocked; return bestCpu(() => fr.run(sv, params, []), n >= 22 ? 3 : 5); };
    const tb = t(true), tu = t(false);
    layer.push({ n, passes_blocked: tb / floor, passes_unblocked: tu / floor });
    log(`  n=${n}: ${(tb / floor).toFixed(1)} floor passes blocked, ${(tu / floor).toFixed(1)} one pass per wire (${n} gates)`);
  }

  log('density matrix: noisy 8-qubit VQC circuit ...');
  const density = benchDensity(bw.oneCore, opts.quick ? 3 : 5);
  log(`  ${(density.seconds_fused * 1e3).toFixed(2)} ms per evaluation fused (${density.passes_per_gate.toFixed(2)} floor passes over ρ per gate); TypeScript fused ${(density.seconds_fused_typescript * 1e3).toFixed(2)} ms, gate by gate ${(density.seconds_gate_by_gate_typescript * 1e3).toFixed(2)} ms: ${density.speedup.toFixed(1)}x (CPU time)`);

  log('npm peers on the same circuits ...');
  const peerN = 14, peerLayers = opts.quick ? 2 : 4, peerCircuits = 20;
  // qml6g on the same layered circuit, gate by gate (no fusion), for a like-for-like gate time.
  const peerProg = compile(layeredCircuit(peerN, peerLayers));
  const peerParams = Float64Array.from({ length: peerProg.numParams }, (_, k) => 0.01 * k);
  const psv = Statevector.zero(peerN);
  const ourGate = best(() => { psv.reset(); runProgram(peerProg, psv, { params: peerParams, trusted: true, scratch }); }, 10) / peerProg.instrs.length;
  const peers = (await runPeers(peerN, peerLayers, peerCircuits)).map((p) => ({
    ...p,
    qml6g_seconds_per_1q_gate: ourGate,
    qml6g_circuits_per_second: circuits / tBatch,
    gate_speedup: p.seconds_per_1q_gate ? p.seconds_per_1q_gate / ourGate : null,
    batch_speedup: p.circuits_per_second ? circuits / tBatch / p.circuits_per_second : null,
  }));
  for (const p of peers) {
    log(p.error ? `  ${p.name}: not measured (${p.error})` : `  ${p.name}: qml6g is ${p.gate_speedup!.toFixed(0)}x faster per gate at n=${peerN}, ${p.batch_speedup!.toFixed(0)}x on the 8-qubit circuit`);
  }
  return {
    bench: 'sim', version: version(),
    machine: { cpus: threads, model: os.cpus()[0]?.model ?? 'unknown', node: process.version },
    bandwidth_bytes_per_second: bw.oneCore, bandwidth_source: bw.source, bandwidth_all_cores_bytes_per_second: bw.allCores, bandwidth_js_bytes_per_second: bw.js,
    simd, sizes,
    batch: {
      circuits, qubits: 8, layers: 10, circuits_per_second: circuits / tBatch, circuits_per_second_one_thread: circuits / tOne, microseconds_per_circuit: (tBatch / circuits) * 1e6,
      microseconds_per_circuit_cpu: (cpuPool / circuits) * 1e6, microseconds_per_circuit_one_thread_cpu: (cpuOne / circuits) * 1e6, threads, path: batchPath,
      microseconds_per_circuit_auto: (tAuto / circuits) * 1e6, microseconds_per_circuit_auto_cpu: (cpuAuto / circuits) * 1e6, microseconds_per_circuit_pool: (tPool / circuits) * 1e6,
      microseconds_per_circuit_one_thread_cpu_whole_circuit: (cpuOneFull / circuits) * 1e6,
    },
    crossover,
    adjoint, layer, density, peers,
    seconds: (performance.now() - t0) / 1000,
  };
}

export function formatSimBench(r: SimBenchResult): string {
  const lines = [
    `qml6g ${r.version} simulator benchmark (${r.machine.cpus} cores, ${r.machine.model}, Node ${r.machine.node})`,
    `memory bandwidth (in place, one core, ${r.bandwidth_source}): ${(r.bandwidth_bytes_per_second / 1e9).toFixed(1)} GB/s`,
    `kernels: ${r.simd.active ? 'WebAssembly SIMD' : `TypeScript only — WebAssembly SIMD not active (${r.simd.reason})`}`,
    '',
    '  n   1q gate (s)   CNOT (s)     floor (s)    1q/floor  CNOT/floor  threads   1 thread: SIMD/floor  TS/floor  TS/SIMD',
    ...r.sizes.map((s) => `${String(s.n).padStart(3)}   ${s.seconds_per_1q_gate.toExponential(3)}     ${s.seconds_per_cnot.toExponential(3)}    ${s.floor_seconds.toExponential(3)}    ${s.ratio_to_floor.toFixed(2).padStart(6)}    ${s.cnot_ratio_to_floor.toFixed(2).padStart(6)}     ${s.threads}         ${s.seconds_per_1q_gate_simd === null ? '   n/a' : (s.seconds_per_1q_gate_simd / s.floor_seconds).toFixed(2).padStart(6)}       ${(s.seconds_per_1q_gate_typescript / s.floor_seconds).toFixed(2).padStart(6)}   ${s.simd_speedup === null ? ' n/a' : s.simd_speedup.toFixed(2).padStart(5)}`),
    '',
    `batch: ${r.batch.circuits} circuits of ${r.batch.qubits} qubits x ${r.batch.layers} layers (${r.batch.path}): ${r.batch.circuits_per_second.toFixed(0)} circuits/s (${r.batch.microseconds_per_circuit.toFixed(1)} µs each, wall; as called ${r.batch.microseconds_per_circuit_auto.toFixed(1)} µs on ${r.batch.threads} threads, BatchPool ${r.batch.microseconds_per_circuit_pool.toFixed(1)} µs); CPU time ${r.batch.microseconds_per_circuit_cpu.toFixed(1)} µs per circuit per thread on ${r.batch.threads} threads, ${r.batch.microseconds_per_circuit_one_thread_cpu.toFixed(1)} µs on one (observable Z(0), light cone; on every wire ${r.batch.microseconds_per_circuit_one_thread_cpu_whole_circuit.toFixed(1)} µs on one)`,
    `thread crossover (team beats one thread): statevector gates from n = ${r.crossover.gate_qubits ?? 'never'} (calibrated: ${r.crossover.calibrated_gate_qubits ?? 'never'}); batches from ${r.crossover.batch_rows ?? 'never'} rows of the 8-qubit circuit = ${r.crossover.batch_work === null ? '-' : `2^${Math.log2(r.crossover.batch_work).toFixed(1)}`} amplitude-ops (calibrated: ${r.crossover.calibrated_batch_work === null ? 'never' : `2^${Math.log2(r.crossover.calibrated_batch_work).toFixed(1)}`})`,
    `adjoint gradient / one forward pass (CPU time): ${r.adjoint.map((a) => `P=${a.parameters}: ${a.ratio_to_forward.toFixed(2)}x (fused forward ${a.ratio_to_fused_forward.toFixed(2)}x)`).join(', ')}`,
    `layer of RY·RZ on every qubit, floor passes (CPU time): ${r.layer.map((l) => `n=${l.n}: ${l.passes_blocked.toFixed(1)} cache-blocked, ${l.passes_unblocked.toFixed(1)} one pass per wire`).join('; ')}`,
    `density matrix, noisy ${r.density.qubits}-qubit VQC circuit (${r.density.gates} gates, CPU time): ${(r.density.seconds_fused * 1e3).toFixed(2)} ms fused = ${r.density.passes_per_gate.toFixed(2)} floor passes over ρ per gate; TypeScript fused ${(r.density.seconds_fused_typescript * 1e3).toFixed(2)} ms, gate by gate ${(r.density.seconds_gate_by_gate_typescript * 1e3).toFixed(2)} ms (${r.density.speedup.toFixed(1)}x)`,
    ...r.peers.map((p) => (p.error ? `peer ${p.name}: not measured (${p.error})` : `peer ${p.name}: ${p.gate_speedup!.toFixed(0)}x slower per gate (n=${p.n}), ${p.batch_speedup!.toFixed(0)}x slower per 8-qubit circuit`)),
  ];
  return lines.join('\n');
}

/** The ratios of one run as a history line (lower is better for each). */
export function simHistoryEntry(r: SimBenchResult, quick: boolean, load: number): HistoryEntry {
  const ratios: Record<string, number> = {};
  for (const s of r.sizes) {
    ratios[`rotation_n${s.n}_floor`] = s.ratio_to_floor;
    ratios[`cnot_n${s.n}_floor`] = s.cnot_ratio_to_floor;
    ratios[`rotation_n${s.n}_typescript_floor`] = s.seconds_per_1q_gate_typescript / s.floor_seconds;
    if (s.seconds_per_1q_gate_simd !== null) ratios[`rotation_n${s.n}_simd_floor`] = s.seconds_per_1q_gate_simd / s.floor_seconds;
  }
  ratios.batch_us_per_circuit = r.batch.microseconds_per_circuit;
  ratios.batch_us_per_circuit_cpu = r.batch.microseconds_per_circuit_cpu;
  for (const a of r.adjoint) {
    ratios[`adjoint_P${a.parameters}_forward`] = a.ratio_to_forward;
    ratios[`adjoint_P${a.parameters}_fused_forward`] = a.ratio_to_fused_forward;
  }
  ratios.density_passes_per_gate = r.density.passes_per_gate;
  for (const l of r.layer) ratios[`layer_n${l.n}_floor_passes`] = l.passes_blocked;
  for (const p of r.peers) if (p.gate_speedup) ratios[`peer_${p.name}_inverse_speedup`] = 1 / p.gate_speedup;
  return { suite: 'sim', ratios, version: r.version, quick, load_per_core: load, simd: r.simd.active };
}

/**
 * The figures of one run as a markdown table against the issue's targets, for the README's
 * benchmark section (`npm run bench -- sim --markdown`).
 */
export function formatSimMarkdown(r: SimBenchResult, load: number): string {
  const f = (x: number, d = 2) => x.toFixed(d);
  const at = (ns: number[], g: (s: SizeResult) => number) => ns.map((n) => r.sizes.find((s) => s.n === n)).filter((s): s is SizeResult => !!s).map((s) => f(g(s))).join(', ');
  const big = [20, 22, 24];
  const peers = r.peers.filter((p) => !p.error);
  const rows: Array<[string, string, string]> = [
    ['1q rotation / floor, n = 20, 22, 24 (best of one and two threads)', at(big, (s) => s.ratio_to_floor), '≤ 1.2'],
    ['  one thread: SIMD / floor; TypeScript / floor', `${at(big, (s) => (s.seconds_per_1q_gate_simd ?? NaN) / s.floor_seconds)}; ${at(big, (s) => s.seconds_per_1q_gate_typescript / s.floor_seconds)}`, ''],
    ['CNOT / floor, n = 20, 22, 24', at(big, (s) => s.cnot_ratio_to_floor), '≤ 1.0'],
    [`${r.batch.qubits}-qubit ${r.batch.layers}-layer batch, Z(0), µs per circuit: CPU per thread on ${r.batch.threads} threads (one thread); wall`, `${f(r.batch.microseconds_per_circuit_cpu, 1)} (${f(r.batch.microseconds_per_circuit_one_thread_cpu, 1)}); ${f(r.batch.microseconds_per_circuit, 1)}`, '≤ 25'],
    ['  one thread, observable on every wire (whole circuit, no light-cone pruning): CPU µs per circuit', f(r.batch.microseconds_per_circuit_one_thread_cpu_whole_circuit, 1), ''],
    ['thread crossover, team beats one thread: statevector gates from n (calibrated in-process); batch rows of the 8-qubit circuit (amplitude-ops)', `${r.crossover.gate_qubits ?? 'never'} (${r.crossover.calibrated_gate_qubits ?? 'never'}); ${r.crossover.batch_rows ?? 'never'} (${r.crossover.batch_work === null ? '-' : `2^${Math.log2(r.crossover.batch_work).toFixed(1)}`})`, ''],
    ['adjoint / forward pass (CPU time), P = ' + r.adjoint.map((a) => a.parameters).join(', '), r.adjoint.map((a) => f(a.ratio_to_forward)).join(', '), '≤ 3'],
    ['  against the fused forward pass (the one the product runs)', r.adjoint.map((a) => f(a.ratio_to_fused_forward)).join(', '), '≤ 3'],
    [`layer of RY·RZ on every qubit, floor passes, n = ${r.layer.map((l) => l.n).join(', ')}: cache-blocked (one pass per wire)`, r.layer.map((l) => `${f(l.passes_blocked, 1)} (${f(l.passes_unblocked, 1)})`).join(', '), ''],
    [`density matrix, noisy ${r.density.qubits}-qubit VQC: ms per evaluation (floor passes over ρ per gate); gate by gate in TypeScript`, `${f(r.density.seconds_fused * 1e3)} (${f(r.density.passes_per_gate)}); ${f(r.density.seconds_gate_by_gate_typescript * 1e3)} (${f(r.density.speedup, 1)}x)`, ''],
    [`npm peers per gate at n = ${peers[0]?.n ?? 14} (${peers.map((p) => p.name).join(', ')})`, peers.map((p) => `${f(p.gate_speedup!, 0)}x`).join(', '), '≥ 10x'],
  ];
  return [
    `Measured with \`npm run bench -- sim --markdown\` (qml6g ${r.version}, ${r.machine.cpus} cores, ${r.machine.model}, Node ${r.machine.node}; kernels: ${r.simd.active ? 'WebAssembly SIMD' : `TypeScript only (${r.simd.reason})`}; one-core floor ${f(r.bandwidth_bytes_per_second / 1e9, 1)} GB/s (${r.bandwidth_source}); load ${f(load)} per core at the start):`,
    '',
    '| figure | measured | target |',
    '|---|---|---|',
    ...rows.map(([a, b, c]) => `| ${a} | ${b} | ${c} |`),
  ].join('\n');
}
