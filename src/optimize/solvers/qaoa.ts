/**
 * QAOA as a `Solver`: the penalised QUBO (one-hot constraints left to the mixer when it is an XY
 * mixer) on the fast path, angles from the fixed-angle table (MaxCut on d-regular graphs), INTERP,
 * or an optimisation from a ramp, then `shots` measurements; the solution is the best feasible
 * sample. The record's details carry what a QAOA user asks for: ⟨objective⟩, the probability that
 * one measurement is optimal or feasible, p, the angles and the optimiser's convergence.
 *
 * @example
 * import { qaoaSolve, maxcutProblem, randomRegularGraph } from 'qml6g';
 * const s = await qaoaSolve(maxcutProblem(randomRegularGraph(3, 10, 1)), { p: 2, angles: 'fixed', shots: 256, seed: 1 });
 * s.details.expectation;          // ⟨cut⟩
 * s.details.probability_optimal;  // chance that one shot is a maximum cut
 */
import { QmlError } from '../../core/errors.js';
import { Rng } from '../../core/rng.js';
import { checkStateMemory, formatBytes } from '../../sim/memory.js';
import { evaluateAssignment, penalized, type Problem } from '../problem.js';
import { adjacency } from '../graph.js';
import { FastQaoa, type MixerName } from '../qaoa/fast.js';
import { fixedAngles } from '../qaoa/angles.js';
import { interpSchedule, optimizeAngles, rampSchedule, type TrainResult } from '../qaoa/train.js';
import { costAt } from '../qaoa/cost.js';
import { better, solutionRecord, type Solution, type SolveOptions, type Solver } from './solver.js';

/** Largest QAOA this process will attempt (the state and, for gradients, its costate). */
export function checkQaoaSize(qubits: number, gradients = true): void {
  if (qubits > 30) throw new QmlError(`QAOA on ${qubits} qubits needs ${formatBytes(16 * 2 ** qubits * (gradients ? 2 : 1))} of statevector memory; the limit here is 30 qubits (use --solvers sa,tabu,exact for this instance)`);
  checkStateMemory(2 ** qubits, `QAOA on ${qubits} qubits`, gradients ? 2 : 1);
}

/** The degree when the problem is MaxCut on a regular graph, else null. */
export function regularDegree(p: Problem): number | null {
  if (p.data.kind !== 'maxcut') return null;
  const g = p.data.graph;
  if (g.weights && g.weights.some((w) => w !== 1)) return null;
  const deg = adjacency(g).map((a) => a.length);
  return deg.every((d) => d === deg[0]) ? deg[0] : null;
}

export async function qaoaSolve(p: Problem, o: SolveOptions = {}): Promise<Solution> {
  const start = performance.now();
  const depth = o.p ?? 1;
  if (!Number.isInteger(depth) || depth < 1) throw new QmlError(`QAOA depth p must be a positive integer, got ${depth}`);
  const mixer: MixerName = o.mixer ?? 'x';
  const xy = mixer === 'xy-ring' || mixer === 'xy-complete';
  if (xy && !p.oneHot.length) throw new QmlError(`the ${mixer} mixer needs one-hot groups; ${p.kind} has none (use --mixer x)`);
  const pq = penalized(p, { ...(o.penalty === undefined ? {} : { penalty: o.penalty }), skipOneHot: xy });
  checkQaoaSize(pq.qubo.n, mixer !== 'warm');
  const seed = o.seed ?? 0, rng = new Rng(seed);
  let warm: number[] | undefined;
  if (mixer === 'warm') {
    // Egger et al. warm-start from a classical solution: simulated annealing, regularised by ε.
    const { simulatedAnnealing } = await import('./heuristics.js');
    const base = await simulatedAnnealing(p, { seed, restarts: 1, sweeps: 200, penalty: o.penalty });
    const { completeSlack } = await import('../problem.js');
    warm = Array.from(completeSlack(p, pq, base.x));
  }
  const sim = new FastQaoa({ qubo: pq.qubo, mixer, groups: xy ? p.oneHot : undefined, warm });
  const sign = p.sense === 'max' ? -1 : 1;
  const strategy = o.angles ?? (regularDegree(p) !== null ? 'fixed' : 'interp');
  let tr: TrainResult;
  if (strategy === 'fixed') {
    const d = regularDegree(p);
    if (d === null || mixer !== 'x') throw new QmlError('fixed angles exist for MaxCut on unweighted regular graphs with the x mixer (Wurtz & Lykov 2021); use --angles interp or optimize');
    const a = fixedAngles(d, depth);
    sim.run(a.gamma, a.beta);
    tr = { gamma: a.gamma, beta: a.beta, value: sim.expectation(), history: [], evaluations: 1 };
  } else if (strategy === 'interp') tr = interpSchedule(sim, depth, { cvar: o.cvar });
  else if (strategy === 'optimize') {
    tr = rampSchedule(sim, depth, { cvar: o.cvar });
    // A second start from random angles guards against a poor ramp basin.
    const alt = optimizeAngles(sim, { gamma: Array.from({ length: depth }, () => rng.next()), beta: Array.from({ length: depth }, () => rng.next() * 0.8) }, { cvar: o.cvar });
    if (alt.value < tr.value) tr = { ...alt, history: [...tr.history, ...alt.history], evaluations: tr.evaluations + alt.evaluations };
    else { tr = { ...tr, evaluations: tr.evaluations + alt.evaluations }; sim.run(tr.gamma, tr.beta); }
  } else throw new QmlError(`unknown angle strategy "${strategy}" (fixed, interp, optimize)`);
  sim.run(tr.gamma, tr.beta);

  // The optimum of f over the states the mixer can reach: with the automatic penalty it is the
  // problem's optimum, so P(f ≤ f*) is the probability that one shot is optimal.
  const fStar = xy ? minOverGroups(sim, p.oneHot) : sim.cost.min;
  const pOpt = sim.probabilityBelow(fStar + 1e-9 * Math.max(1, Math.abs(fStar)));
  const pFeasible = p.constraints.length && pq.qubo.n <= 22 ? feasibleProbability(sim, p) : p.constraints.length ? null : 1;
  const shots = o.shots ?? 1024;
  const samples = sim.sample(shots, rng);
  let bestX: number[] | null = null, bestObj = NaN, feasibleShots = 0;
  const xb = new Uint8Array(p.n);
  for (const s of samples) {
    for (let i = 0; i < p.n; i++) xb[i] = (s >>> i) & 1;
    const ev = evaluateAssignment(p, xb);
    if (!ev.feasible) continue;
    feasibleShots++;
    if (bestX === null || better(p, ev.objective, bestObj)) { bestObj = ev.objective; bestX = Array.from(xb); }
  }
  if (bestX === null) {
    // No feasible sample: report the lowest-energy sample, marked infeasible.
    let bi = samples[0];
    for (const s of samples) if (costAt(sim.cost, s) < costAt(sim.cost, bi)) bi = s;
    bestX = Array.from({ length: p.n }, (_, i) => (bi >>> i) & 1);
  }
  return solutionRecord(p, 'qaoa', bestX, {
    start, evaluations: tr.evaluations, seed,
    trace: [[(performance.now() - start) / 1000, evaluateAssignment(p, bestX).objective]],
    details: {
      p: depth, mixer, angles: strategy, gamma: tr.gamma, beta: tr.beta, qubits: pq.qubo.n, penalty: pq.penalty,
      expectation: sign * sim.expectation(),
      probability_optimal: pOpt, probability_feasible: pFeasible, shots, feasible_shots: feasibleShots,
      convergence: tr.history.map((v) => sign * v),
    },
  });
}

/** Minimum of f over the states with exactly one 1 in every group (a scan of the cost table). */
function minOverGroups(sim: FastQaoa, groups: number[][]): number {
  const masks = groups.map((g) => g.reduce((m, v) => m + 2 ** v, 0));
  let best = Infinity;
  for (let x = 0; x < sim.N; x++) {
    let ok = true;
    for (let k = 0; k < masks.length && ok; k++) { const b = (x & masks[k]) >>> 0; ok = b !== 0 && (b & (b - 1)) === 0; }
    if (ok) { const v = costAt(sim.cost, x); if (v < best) best = v; }
  }
  return best;
}

/** Probability that one measurement satisfies every constraint of the problem. */
function feasibleProbability(sim: FastQaoa, p: Problem): number {
  const probs = sim.probabilities(), xb = new Uint8Array(p.n);
  let acc = 0;
  for (let x = 0; x < sim.N; x++) {
    if (probs[x] < 1e-15) continue;
    for (let i = 0; i < p.n; i++) xb[i] = (x >>> i) & 1;
    if (evaluateAssignment(p, xb).feasible) acc += probs[x];
  }
  return acc;
}

export const qaoa: Solver = {
  name: 'qaoa',
  description: 'QAOA on the fast statevector path (fixed, INTERP or optimised angles; x, xy-ring, xy-complete or warm-start mixer)',
  supports: (p) => {
    try { checkQaoaSize(penalized(p).qubo.n); return null; } catch (e) { return (e as Error).message; }
  },
  solve: (p, o) => qaoaSolve(p, o),
};

/** Recursive QAOA (Bravyi et al. 2020) on the penalised QUBO, the last `cutoff` variables solved exactly. */
export const rqaoaSolver: Solver = {
  name: 'rqaoa',
  description: 'recursive QAOA (p = 1 correlations, one variable eliminated per round, exact remainder)',
  supports: (p) => {
    try { checkQaoaSize(penalized(p).qubo.n); return null; } catch (e) { return (e as Error).message; }
  },
  solve: async (p, o = {}) => {
    const start = performance.now();
    const { rqaoa } = await import('../qaoa/rqaoa.js');
    const pq = penalized(p, o.penalty === undefined ? {} : { penalty: o.penalty });
    checkQaoaSize(pq.qubo.n);
    const r = rqaoa(pq.qubo, { cutoff: Math.min(8, pq.qubo.n) });
    return solutionRecord(p, 'rqaoa', r.x.slice(0, p.n), { start, evaluations: r.evaluations, seed: o.seed ?? 0, details: { eliminations: r.eliminations.length, qubits: pq.qubo.n } });
  },
};
