/**
 * One call that runs a circuit on the right backend and reports what a user asks of it:
 * probabilities over all qubits (the state just before end-of-circuit read-out), the statevector
 * or density matrix, and seeded shot counts with read-out error.
 *
 * @example
 * import { simulate, parseQasm } from 'qml6g';
 * const c = parseQasm('OPENQASM 2.0; include "qelib1.inc"; qreg q[2]; h q[0]; cx q[0],q[1];');
 * const r = simulate(c, { shots: 1000, seed: 7 });
 * r.probabilities;   // Float64Array [0.5, 0, 0, 0.5]
 * r.counts;          // e.g. { "00": 497, "11": 503 }
 */
import { QmlError } from '../core/errors.js';
import { Rng } from '../core/rng.js';
import { ApplyScratch } from './apply.js';
import type { Circuit } from './circuit.js';
import { DensityMatrix } from './density.js';
import { runBranches, runProgram, type Branch } from './execute.js';
import { applyReadoutError, CompiledNoise, type NoiseModel } from './noise.js';
import { compile, type Program } from './program.js';
import { withAutoTeam } from './parallel.js';
import { Statevector } from './statevector.js';

export type SimulationMethod = 'auto' | 'statevector' | 'density_matrix' | 'trajectories';

export interface SimulateOptions {
  params?: ArrayLike<number>;
  inputs?: ArrayLike<number>;
  noise?: NoiseModel;
  shots?: number;
  seed?: number;
  method?: SimulationMethod;
  /** Number of trajectories for method 'trajectories' (default 1000). */
  trajectories?: number;
}

export interface SimulationResult {
  numQubits: number;
  method: Exclude<SimulationMethod, 'auto'>;
  seed: number;
  /** Probability of each basis state over all qubits (index: q[0] least significant). */
  probabilities: Float64Array;
  /** With read-out error applied (equal to `probabilities` without it). */
  measuredProbabilities: Float64Array;
  /** Noiseless circuits with one classical branch only. */
  statevector: Statevector | null;
  /** Exact under noise (density_matrix method), or the trajectory average for small circuits. */
  densityMatrix: DensityMatrix | null;
  /** Keys are bitstrings of the classical register (clbit 0 rightmost), or of all qubits when nothing is measured. */
  counts: Record<string, number> | null;
  /** For trajectories: the standard error of each probability. */
  standardError: Float64Array | null;
  branches: number;
}

/** Density matrices up to this many qubits are the default for noisy circuits (4^12 x 16 B = 256 MiB). */
export const DM_AUTO_MAX_QUBITS = 12;

export function chooseMethod(n: number, noisy: boolean, method: SimulationMethod = 'auto'): Exclude<SimulationMethod, 'auto'> {
  if (method !== 'auto') return method;
  if (!noisy) return 'statevector';
  return n <= DM_AUTO_MAX_QUBITS ? 'density_matrix' : 'trajectories';
}

export function simulate(circuit: Circuit | Program, opts: SimulateOptions = {}): SimulationResult {
  const prog = 'instrs' in circuit ? circuit : compile(circuit);
  const n = prog.numQubits;
  const seed = opts.seed ?? 0;
  if (!Number.isInteger(seed)) throw new QmlError(`seed must be an integer, got ${seed}`, 'seed');
  if (opts.shots !== undefined && (!Number.isInteger(opts.shots) || opts.shots < 1)) throw new QmlError(`shots must be a positive integer, got ${opts.shots}`, 'shots');
  const noise = opts.noise ? new CompiledNoise(opts.noise, n) : undefined;
  const gateNoise = noise && (noise.model.after_1q?.length || noise.model.after_2q?.length || noise.model.gates || noise.model.rules) ? noise : undefined;
  const method = chooseMethod(n, !!gateNoise, opts.method);
  const rng = new Rng(seed);
  const scratch = new ApplyScratch();
  const base = { params: opts.params, inputs: opts.inputs, scratch };
  let probabilities: Float64Array;
  let statevector: Statevector | null = null;
  let densityMatrix: DensityMatrix | null = null;
  let standardError: Float64Array | null = null;
  let branches: Branch<{ clone(): unknown }>[];

  if (method === 'statevector') {
    if (gateNoise) throw new QmlError('the statevector method is noiseless; use density_matrix or trajectories for a noisy circuit');
    const bs = runBranches(prog, withAutoTeam(Statevector.zero(n)), base);
    probabilities = new Float64Array(2 ** n);
    const tmp = new Float64Array(2 ** n);
    for (const b of bs) {
      b.state.probabilities(tmp);
      for (let i = 0; i < tmp.length; i++) probabilities[i] += b.weight * tmp[i];
    }
    if (bs.length === 1) statevector = bs[0].state;
    else if (n <= 10) {
      densityMatrix = new DensityMatrix(n, new Float64Array(2 * 4 ** n));
      for (const b of bs) densityMatrix.addPure(b.state, b.weight);
    }
    branches = bs;
  } else if (method === 'density_matrix') {
    const bs = runBranches(prog, DensityMatrix.zero(n), { ...base, noise: gateNoise });
    densityMatrix = bs[0].state;
    for (let i = 1; i < bs.length; i++) {
      if (i === 1) densityMatrix.scale(bs[0].weight);
      densityMatrix.addScaled(bs[i].state, bs[i].weight);
    }
    probabilities = densityMatrix.probabilities();
    branches = bs;
  } else {
    const T = opts.trajectories ?? 1000;
    if (!Number.isInteger(T) || T < 1) throw new QmlError(`trajectories must be a positive integer, got ${T}`, 'trajectories');
    const sv = withAutoTeam(Statevector.zero(n));
    const N = 2 ** n, sum = new Float64Array(N), sumSq = new Float64Array(N), p = new Float64Array(N);
    const records: Branch<{ clone(): unknown }>[] = [];
    if (n <= 10) densityMatrix = new DensityMatrix(n, new Float64Array(2 * 4 ** n));
    for (let t = 0; t < T; t++) {
      sv.reset();
      const clbits = runProgram(prog, sv, { ...base, noise: gateNoise, rng, trusted: t > 0 });
      sv.probabilities(p);
      for (let i = 0; i < N; i++) { sum[i] += p[i]; sumSq[i] += p[i] * p[i]; }
      densityMatrix?.addPure(sv, 1 / T);
      records.push({ state: { clone: () => null }, clbits, weight: 1 / T });
    }
    probabilities = sum.map((s) => s / T);
    standardError = sum.map((s, i) => {
      const m = s / T;
      return T > 1 ? Math.sqrt(Math.max(0, sumSq[i] / T - m * m) / (T - 1)) : 0;
    });
    branches = records;
  }

  const measuredProbabilities = Float64Array.from(probabilities);
  if (noise?.hasReadout) applyReadoutError(measuredProbabilities, n, noise.readout);
  const counts = opts.shots ? sampleCounts(prog, branches, probabilities, measuredProbabilities, opts.shots, rng, noise) : null;
  return { numQubits: n, method, seed, probabilities, measuredProbabilities, statevector, densityMatrix, counts, standardError, branches: branches.length };
}

/** Cumulative distribution for inverse-CDF sampling. */
export function cumulative(p: ArrayLike<number>): Float64Array {
  const c = new Float64Array(p.length);
  let acc = 0;
  for (let i = 0; i < p.length; i++) { acc += Math.max(0, p[i]); c[i] = acc; }
  return c;
}

/** Index i with cdf[i-1] ≤ u·total < cdf[i]. */
export function sampleIndex(cdf: Float64Array, u: number): number {
  const target = u * cdf[cdf.length - 1];
  let lo = 0, hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cdf[mid] > target) hi = mid; else lo = mid + 1;
  }
  return lo;
}

export function bitstring(value: number, width: number): string {
  let s = '';
  for (let b = width - 1; b >= 0; b--) s += Math.floor(value / 2 ** b) % 2 ? '1' : '0';
  return s;
}

function sampleCounts(
  prog: Program, branches: Branch<unknown>[], _p: Float64Array, measured: Float64Array, shots: number, rng: Rng, noise?: CompiledNoise,
): Record<string, number> {
  const n = prog.numQubits;
  const measures = prog.instrs.filter((i) => i.kind === 'measure') as Array<{ wire: number; clbit: number }>;
  const counts = new Map<number, number>();
  if (!prog.midCircuit) {
    const cdf = cumulative(measured);
    // clbit ← qubit, the last measurement into a clbit wins.
    const map = new Map<number, number>();
    for (const m of measures) map.set(m.clbit, m.wire);
    for (let s = 0; s < shots; s++) {
      const x = sampleIndex(cdf, rng.next());
      let key = x;
      if (measures.length) {
        key = 0;
        for (const [c, w] of map) if (Math.floor(x / 2 ** w) % 2) key += 2 ** c;
      }
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    const width = measures.length ? prog.numClbits : n;
    return toRecord(counts, width);
  }
  // Branching circuits: every measured bit is already in a branch's record.
  const cdf = cumulative(branches.map((b) => b.weight));
  const lastWire = new Map<number, number>();
  for (const m of measures) lastWire.set(m.clbit, m.wire);
  for (let s = 0; s < shots; s++) {
    let key = branches[sampleIndex(cdf, rng.next())].clbits;
    if (noise?.hasReadout) {
      for (const [c, w] of lastWire) {
        const e = noise.readout[w];
        if (!e) continue;
        const bit = Math.floor(key / 2 ** c) % 2;
        if (rng.next() < (bit ? e.p0_given_1 : e.p1_given_0)) key += bit ? -(2 ** c) : 2 ** c;
      }
    }
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return toRecord(counts, prog.numClbits);
}

function toRecord(counts: Map<number, number>, width: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of [...counts.keys()].sort((a, b) => a - b)) out[bitstring(k, width)] = counts.get(k)!;
  return out;
}
