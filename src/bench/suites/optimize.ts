/**
 * `npm run bench -- optimize` / `qml6g bench optimize [--json]`:
 * - one QAOA layer (the cache-blocked pass: phase and the low qubits' mixer; then the high qubits in
 *   pairs) at n = 20, 22, 24, 26 (quick: 20, 22) against the memory-bandwidth floor of the passes it
 *   makes, the bandwidth measured next to each n (src/bench/bandwidth.ts): one thread against the
 *   one-core floor (wall and CPU time), every core against the all-core floor, the best of both
 *   against the one-core floor (the sim bench's yardstick) and against a single pass, and the thread
 *   count QaoaTeam.auto picks;
 * - exact and heuristic solvers on the benchmark instances (myciel3, myciel4, queen5_5, CELAR6-SUB0,
 *   a 3-regular MaxCut): objective, proof or gap, seconds;
 * - QAOA against simulated annealing and the exact solver at equal wall time on QAOA-sized instances.
 * The last line of --json is {"qaoa": [...], "solvers": [...], ...}.
 */
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { version } from '../../core/version.js';
import { info, printJson, printLine } from '../../cli/io.js';
import { measureBandwidth } from '../bandwidth.js';
import type { SuiteOptions } from '../suite.js';
import { cycleGraph, randomRegularGraph, mycielGraph, queenGraph } from '../../optimize/graph.js';
import { maxcutProblem } from '../../optimize/builders/maxcut.js';
import { coloringProblem } from '../../optimize/builders/coloring.js';
import { fapProblem, randomFap } from '../../optimize/builders/fap.js';
import { tasksProblem, randomFleet } from '../../optimize/builders/tasks.js';
import { penalized, type Problem } from '../../optimize/problem.js';
import { loadWcsp } from '../../optimize/loaders/wcsp.js';
import { costTable } from '../../optimize/qaoa/cost.js';
import { FastQaoa, layerPlan } from '../../optimize/qaoa/fast.js';
import { QaoaTeam } from '../../optimize/qaoa/team.js';
import { dsaturColoring } from '../../optimize/solvers/coloring.js';
import { solverByName } from '../../optimize/solvers/registry.js';
import type { Solution, SolveOptions } from '../../optimize/solvers/solver.js';

export const help = 'QAOA layer against the bandwidth floor (n = 20..26), exact and heuristic solvers on benchmark instances, QAOA vs SA vs exact at equal wall time';

const here = path.dirname(fileURLToPath(import.meta.url));
const dataDir = path.resolve(here, '..', '..', '..', 'data');

/** QOKit's published CPU figures, for context only (different machine, language and precision). */
const QOKIT = {
  source: 'D. Lykov, R. Shaydulin, Y. Sun, Y. Alexeev, M. Pistoia, "Fast Simulation of High-Depth QAOA Circuits", SC-W 2023 (arXiv:2309.04841)',
  note: 'the paper reports its CPU and GPU timings as plots (time against n and p), not as a table; no per-layer CPU number could be transcribed here without a plot digitiser, so none is quoted',
  seconds_per_layer: null,
};

function best(f: () => void, reps: number): number {
  let b = Infinity;
  for (let r = 0; r < reps; r++) { const t0 = performance.now(); f(); b = Math.min(b, performance.now() - t0); }
  return b / 1000;
}

interface LayerRow {
  n: number; seconds_per_layer: number; floor_seconds: number; ratio_to_floor: number; threads: number; passes: number;
  seconds_per_layer_one_thread: number; floor_seconds_one_thread: number; ratio_to_floor_one_thread: number;
  /** CPU seconds of the one-thread layer (robust when other processes share the cores) and its ratio to the one-core floor. */
  cpu_seconds_one_thread: number; cpu_ratio_to_floor_one_thread: number;
  /** Bytes the passes move: each pass reads and writes the state, the first also reads the level index. */
  bytes_moved: number; block_qubits: number | null;
  /** Bandwidths measured just before this n (same run), one core and all cores. */
  bandwidth_one_core: number; bandwidth_all_cores: number | null;
  /** QaoaTeam.auto's choice: the thread count that was faster here, now. */
  threads_chosen: number; seconds_per_layer_chosen: number; ratio_to_floor_chosen: number;
  /**
   * The best of one and two threads against the one-core floor of the same passes: the yardstick
   * of the sim bench's per-gate figures (`npm run bench -- sim`), for comparison with them.
   */
  seconds_per_layer_best: number; ratio_best_to_one_core_floor: number;
  /**
   * For context: the best layer against one pass over the state (read and write once, plus the
   * index) on one core. Fewer passes lower the floor the ratios above use; this one does not move.
   */
  one_pass_floor_seconds: number; ratio_best_to_one_pass_floor: number;
}

export async function layerBench(sizes: number[], threads: number): Promise<LayerRow[]> {
  const rows: LayerRow[] = [];
  for (const n of sizes) {
    info(`QAOA layer at n = ${n} ...`);
    const q = penalized(maxcutProblem(randomRegularGraph(3, n, n))).qubo;
    const cost = costTable(q, { shared: true });
    // The state where the SIMD kernels run (FastQaoa's default allocation); shared either way.
    const sim = new FastQaoa({ qubo: q }, { cost });
    sim.reset();
    const idxBytes = cost.kind === 'levels' ? cost.index.BYTES_PER_ELEMENT : 8;
    // SIMD path: the cache-blocked pass (phase, low qubits; reads the index too) and the high qubits
    // in pairs (layerPlan); TypeScript path: the phase pass and ⌈n/2⌉ mixer passes.
    const passes = sim.passCount();
    const bytes = 2 ** n * (32 * passes + idxBytes);
    // The floor's bandwidth measured now, next to the layer, so both see the same machine load.
    const bw = measureBandwidth();
    const layer = () => sim.layer(0.4, 0.3);
    const reps = n >= 26 ? 2 : 4;
    layer();
    const one = best(layer, reps);
    let cpu = Infinity;
    for (let r = 0; r < reps; r++) { const c0 = process.cpuUsage(); layer(); const c = process.cpuUsage(c0); cpu = Math.min(cpu, (c.user + c.system) / 1e6); }
    const team = await QaoaTeam.attach(sim, threads);
    let multi: number;
    try { layer(); multi = best(layer, reps); } finally { await team.close(); }
    const chosen = await QaoaTeam.auto(sim, threads);
    const threadsChosen = chosen.team ? threads : 1;
    if (chosen.team) await chosen.team.close();
    const floorOne = bytes / bw.oneCore, floorAll = bytes / (bw.allCores ?? bw.oneCore);
    const secChosen = chosen.team ? chosen.many : chosen.one, floorChosen = chosen.team ? floorAll : floorOne;
    const bestSec = Math.min(one, multi), onePass = 2 ** n * (32 + idxBytes) / bw.oneCore;
    rows.push({
      n, seconds_per_layer: multi, floor_seconds: floorAll, ratio_to_floor: multi / floorAll, threads, passes,
      seconds_per_layer_one_thread: one, floor_seconds_one_thread: floorOne, ratio_to_floor_one_thread: one / floorOne,
      cpu_seconds_one_thread: cpu, cpu_ratio_to_floor_one_thread: cpu / floorOne, bytes_moved: bytes,
      block_qubits: sim.wasmLayout() ? layerPlan(n).b : null, bandwidth_one_core: bw.oneCore, bandwidth_all_cores: bw.allCores,
      threads_chosen: threadsChosen, seconds_per_layer_chosen: secChosen, ratio_to_floor_chosen: secChosen / floorChosen,
      seconds_per_layer_best: bestSec, ratio_best_to_one_core_floor: bestSec / floorOne,
      one_pass_floor_seconds: onePass, ratio_best_to_one_pass_floor: bestSec / onePass,
    });
    info(`  ${passes} passes; one thread ${one.toFixed(3)} s (${(one / floorOne).toFixed(2)}x the one-core floor; CPU ${cpu.toFixed(3)} s, ${(cpu / floorOne).toFixed(2)}x), ${threads} threads ${multi.toFixed(3)} s (${(multi / floorAll).toFixed(2)}x the ${threads}-core floor, ${(multi / floorOne).toFixed(2)}x the one-core floor); chosen: ${threadsChosen}; best against one pass: ${(bestSec / onePass).toFixed(2)}x`);
  }
  return rows;
}

interface SolverRow { instance: string; solver: string; objective: number; feasible: boolean; optimum: number | null; optimum_source: string; proven: boolean; gap_to_optimum: number | null; bound: number | null; seconds: number; seconds_to_best: number | null; evaluations: number }

async function solve(p: Problem, name: string, o: SolveOptions, optimum: number | null, source: string): Promise<SolverRow> {
  info(`  ${p.name}: ${name} ...`);
  const s: Solution = await solverByName(name).solve(p, o);
  const gap = optimum === null || !s.feasible ? null : Math.abs(s.objective - optimum) / Math.max(1, Math.abs(optimum));
  return { instance: p.name, solver: name, objective: s.objective, feasible: s.feasible, optimum, optimum_source: source, proven: s.proven, gap_to_optimum: gap, bound: s.bound, seconds: s.seconds, seconds_to_best: s.trace.length ? s.trace[s.trace.length - 1][0] : null, evaluations: s.evaluations };
}

async function solverBench(quick: boolean): Promise<SolverRow[]> {
  const rows: SolverRow[] = [];
  const chi: Array<[ReturnType<typeof mycielGraph>, number]> = [[mycielGraph(3), 4], [mycielGraph(4), 5], [queenGraph(5, 5), 5]];
  for (const [g, x] of chi) {
    const p = coloringProblem(g, dsaturColoring(g).used, 'chromatic');
    for (const s of ['exact', 'dsatur', 'greedy', 'sa', 'tabu']) rows.push(await solve(p, s, { seed: 1, timeLimit: quick ? 10 : 60 }, x, 'chromatic number (literature)'));
  }
  const celar = fapProblem(loadWcsp(path.join(dataDir, 'fap', 'CELAR6-SUB0.wcsp.gz')));
  for (const s of ['sa', 'tabu']) rows.push(await solve(celar, s, { seed: 1, timeLimit: quick ? 5 : 20 }, 159, 'published optimum (Cabon et al. 1999)'));
  rows.push(await solve(celar, 'exact', { seed: 1, timeLimit: quick ? 20 : 300 }, 159, 'published optimum (Cabon et al. 1999)'));
  const mc = maxcutProblem(randomRegularGraph(3, 20, 1));
  const ex = await solverByName('exact').solve(mc, {});
  for (const s of ['exact', 'sa', 'tabu', 'greedy']) rows.push(await solve(mc, s, { seed: 1 }, ex.objective, 'HiGHS (proven)'));
  rows.push(await solve(mc, 'qaoa', { seed: 1, p: 3, angles: 'fixed', shots: 1024 }, ex.objective, 'HiGHS (proven)'));
  return rows;
}

interface EqualTimeRow { instance: string; qubits: number; optimum: number; qaoa: { objective: number; expectation: number; probability_optimal: number; seconds: number; p: number }; sa: { objective: number; seconds: number }; exact: { objective: number; proven: boolean; seconds: number } }

/** QAOA first; then SA and the exact solver get exactly QAOA's wall time. */
async function equalTime(quick: boolean): Promise<EqualTimeRow[]> {
  const cases: Array<[Problem, SolveOptions]> = [
    [maxcutProblem(randomRegularGraph(3, quick ? 14 : 18, 2)), { p: 3, angles: 'fixed' }],
    [coloringProblem(cycleGraph(5), 3), { p: 1, mixer: 'xy-ring', angles: 'interp' }],
    [fapProblem(randomFap({ links: 4, channels: 3, seed: 4 })), { p: 2, mixer: 'xy-ring', angles: 'interp' }],
    [tasksProblem(randomFleet({ agents: 2, tasks: 4, seed: 5 })), { p: 2, angles: 'interp' }],
  ];
  const rows: EqualTimeRow[] = [];
  for (const [p, o] of cases) {
    info(`  equal time: ${p.name} ...`);
    const opt = await solverByName('exact').solve(p, {});
    const q = await solverByName('qaoa').solve(p, { ...o, seed: 1, shots: 1024 });
    const T = Math.max(q.seconds, 0.01);
    const sa = await solverByName('sa').solve(p, { seed: 1, timeLimit: T });
    const ex = await solverByName('exact').solve(p, { timeLimit: T });
    rows.push({
      instance: p.name, qubits: q.details.qubits as number, optimum: opt.objective,
      qaoa: { objective: q.objective, expectation: q.details.expectation as number, probability_optimal: q.details.probability_optimal as number, seconds: q.seconds, p: q.details.p as number },
      sa: { objective: sa.objective, seconds: sa.seconds }, exact: { objective: ex.objective, proven: ex.proven, seconds: ex.seconds },
    });
  }
  return rows;
}

export async function run({ quick, json }: SuiteOptions): Promise<void> {
  const t0 = performance.now();
  const threads = os.availableParallelism?.() ?? os.cpus().length;
  info('measuring memory bandwidth ...');
  const bw = measureBandwidth();
  info(`  one core ${(bw.oneCore / 1e9).toFixed(1)} GB/s (${bw.source})${bw.allCores ? `, all cores ${(bw.allCores / 1e9).toFixed(1)} GB/s` : ''}`);
  const qaoa = await layerBench(quick ? [20, 22] : [20, 22, 24, 26], threads);
  info('solvers on benchmark instances ...');
  const solvers = await solverBench(quick);
  info('QAOA, SA and exact at equal wall time ...');
  const equal_time = await equalTime(quick);
  const result = {
    bench: 'optimize', version: version(), machine: { cpus: threads, model: os.cpus()[0]?.model ?? 'unknown', node: process.version },
    bandwidth_bytes_per_second: bw.oneCore, bandwidth_all_cores_bytes_per_second: bw.allCores, bandwidth_source: bw.source,
    qaoa, qokit_published: QOKIT, solvers, equal_time, seconds: (performance.now() - t0) / 1000,
  };
  if (json) { printJson(result); return; }
  const lines = [`QAOA layer (phase + X mixer), ${threads} threads; floor = bytes moved / measured bandwidth`];
  for (const r of qaoa) lines.push(`  n=${r.n}, ${r.passes} passes: ${r.seconds_per_layer.toFixed(4)} s/layer (${r.ratio_to_floor.toFixed(2)}x the all-core floor ${r.floor_seconds.toFixed(4)} s); one thread ${r.seconds_per_layer_one_thread.toFixed(4)} s (${r.ratio_to_floor_one_thread.toFixed(2)}x the one-core floor); best against the one-core floor ${r.ratio_best_to_one_core_floor.toFixed(2)}x, against one pass ${r.ratio_best_to_one_pass_floor.toFixed(2)}x`);
  lines.push(`QOKit: ${QOKIT.note}`);
  lines.push('solvers:');
  for (const s of solvers) lines.push(`  ${s.instance.padEnd(22)} ${s.solver.padEnd(7)} ${String(s.objective).padStart(6)} ${s.feasible ? '' : '(infeasible) '}${s.proven ? 'proven' : `gap ${s.gap_to_optimum === null ? '-' : (100 * s.gap_to_optimum).toFixed(1) + '%'}`} ${s.seconds.toFixed(2)} s`);
  lines.push('equal wall time (SA and exact get the seconds QAOA took):');
  for (const e of equal_time) lines.push(`  ${e.instance.padEnd(26)} ${e.qubits} qubits, optimum ${e.optimum}: QAOA ${e.qaoa.objective} (⟨⟩ ${e.qaoa.expectation.toFixed(2)}, P(opt) ${e.qaoa.probability_optimal.toFixed(3)}) in ${e.qaoa.seconds.toFixed(2)} s | SA ${e.sa.objective} | exact ${e.exact.objective}${e.exact.proven ? ' (proven)' : ''}`);
  printLine(lines.join('\n'));
}
