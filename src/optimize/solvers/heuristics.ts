/**
 * Local-search heuristics over the penalised QUBO (automatic weight unless overridden), all on
 * `LocalState` moves (single flips for free variables, in-group swaps for one-hot groups):
 *
 * - simulated annealing (Kirkpatrick, Gelatt & Vecchi 1983): Metropolis moves under a geometric
 *   temperature schedule from T0 (so that a typical uphill move is accepted with probability 1/2
 *   at the start) to T0/1000, restarted from random states until the budget is spent;
 * - tabu search (Glover 1989; the one-flip QUBO form of Glover, Kochenberger & Alidaee 1998): the
 *   best non-tabu move each step, a move becoming tabu for `tenure` steps, aspiration when it gives
 *   a new best;
 * - greedy: a constructive start (each group's cheapest member, free variables 0) then steepest
 *   descent to a local minimum.
 *
 * The best assignment kept is the best feasible one by objective when any was met, else the lowest
 * penalised energy.
 */
import { Rng } from '../../core/rng.js';
import { QmlError } from '../../core/errors.js';
import { penalized, evaluateAssignment, type Problem } from '../problem.js';
import { LocalState } from './local.js';
import { better, solutionRecord, type Solution, type SolveOptions, type Solver } from './solver.js';

/** Tracks the incumbent: best feasible by objective, else best penalised energy. */
class Incumbent {
  bestX: Uint8Array;
  bestObj = NaN;
  feasible = false;
  bestEnergy = Infinity;
  evaluations = 0;
  readonly trace: Array<[number, number]> = [];
  constructor(private readonly p: Problem, private readonly start: number, N: number) { this.bestX = new Uint8Array(N); }
  offer(s: LocalState): void {
    const ev = evaluateAssignment(this.p, s.x);
    this.evaluations++;
    if (ev.feasible && (!this.feasible || better(this.p, ev.objective, this.bestObj))) {
      this.feasible = true; this.bestObj = ev.objective; this.bestX.set(s.x);
      this.trace.push([(performance.now() - this.start) / 1000, ev.objective]);
    } else if (!this.feasible && s.energy < this.bestEnergy) this.bestX.set(s.x);
    if (s.energy < this.bestEnergy) this.bestEnergy = s.energy;
  }
}

interface Budget { deadline: number; maxRestarts: number }

function budget(o: SolveOptions, defaultRestarts: number): Budget {
  const t = o.timeLimit;
  if (t !== undefined && !(t > 0)) throw new QmlError(`time limit must be positive, got ${t}`);
  return { deadline: t === undefined ? Infinity : performance.now() + 1000 * t, maxRestarts: t === undefined ? defaultRestarts : Infinity };
}

/** One Metropolis move; returns whether it was taken. */
function metropolis(s: LocalState, rng: Rng, T: number): boolean {
  const nf = s.free.length, ng = s.groups.length;
  const r = rng.int(nf + ng);
  if (r < nf) {
    const i = s.free[r], d = s.flipGain(i);
    if (d <= 0 || rng.next() < Math.exp(-d / T)) { s.flip(i); return true; }
    return false;
  }
  const g = r - nf, b = rng.int(s.groups[g].length);
  if (b === s.on[g]) return false;
  const d = s.swapGain(g, b);
  if (d <= 0 || rng.next() < Math.exp(-d / T)) { s.swap(g, b); return true; }
  return false;
}

/** Median of the positive move gains from a random state: the scale of T0. */
function initialTemperature(s: LocalState, rng: Rng): number {
  const ups: number[] = [];
  for (let k = 0; k < 200; k++) {
    const nf = s.free.length, r = rng.int(nf + s.groups.length);
    const d = r < nf ? s.flipGain(s.free[r]) : s.swapGain(r - nf, rng.int(s.groups[r - nf].length));
    if (d > 0) ups.push(d);
  }
  ups.sort((a, b) => a - b);
  return ups.length ? ups[ups.length >> 1] / Math.LN2 : 1;
}

export async function simulatedAnnealing(p: Problem, o: SolveOptions & { sweeps?: number; restarts?: number } = {}): Promise<Solution> {
  const start = performance.now(), seed = o.seed ?? 0, rng = new Rng(seed);
  const pq = penalized(p, o.penalty === undefined ? {} : { penalty: o.penalty });
  const s = new LocalState(pq.qubo, p);
  const inc = new Incumbent(p, start, s.N);
  const sweeps = o.sweeps ?? 1000, b = budget(o, o.restarts ?? 4);
  const moves = Math.max(1, s.free.length + s.groups.length);
  let restarts = 0;
  do {
    s.randomize(rng);
    const T0 = initialTemperature(s, rng), T1 = T0 / 1000;
    const steps = sweeps * moves, ratio = Math.pow(T1 / T0, 1 / steps);
    let T = T0, bestHere = Infinity;
    for (let k = 0; k < steps; k++) {
      if (metropolis(s, rng, T) && s.energy < bestHere - 1e-12) { bestHere = s.energy; inc.offer(s); }
      T *= ratio;
      if ((k & 4095) === 0 && performance.now() > b.deadline) break;
    }
    inc.evaluations += steps;
    restarts++;
  } while (restarts < b.maxRestarts && performance.now() < b.deadline);
  return solutionRecord(p, 'sa', inc.bestX, { start, evaluations: inc.evaluations, trace: inc.trace, seed, details: { restarts, sweeps, penalty: pq.penalty } });
}

export async function tabuSearch(p: Problem, o: SolveOptions & { iterations?: number; tenure?: number; restarts?: number } = {}): Promise<Solution> {
  const start = performance.now(), seed = o.seed ?? 0, rng = new Rng(seed);
  const pq = penalized(p, o.penalty === undefined ? {} : { penalty: o.penalty });
  const s = new LocalState(pq.qubo, p);
  const inc = new Incumbent(p, start, s.N);
  const b = budget(o, o.restarts ?? 4);
  const iterations = o.iterations ?? Math.max(2000, 50 * s.N);
  const tenure = o.tenure ?? Math.max(3, Math.min(20, Math.floor(s.N / 8)));
  const tabuUntil = new Int32Array(s.N);
  let restarts = 0;
  do {
    s.randomize(rng);
    tabuUntil.fill(0);
    let bestHere = s.energy;
    inc.offer(s);
    for (let it = 1; it <= iterations; it++) {
      let bestD = Infinity, kind = -1, arg = -1, arg2 = -1, ties = 0;
      for (let f = 0; f < s.free.length; f++) {
        const i = s.free[f], d = s.flipGain(i);
        const allowed = tabuUntil[i] < it || s.energy + d < bestHere - 1e-12;
        if (!allowed) continue;
        if (d < bestD - 1e-12) { bestD = d; kind = 0; arg = i; ties = 1; }
        else if (Math.abs(d - bestD) <= 1e-12 && rng.int(++ties) === 0) { kind = 0; arg = i; }
      }
      for (let g = 0; g < s.groups.length; g++) {
        const grp = s.groups[g];
        for (let m = 0; m < grp.length; m++) {
          if (m === s.on[g]) continue;
          const d = s.swapGain(g, m);
          const allowed = tabuUntil[grp[m]] < it || s.energy + d < bestHere - 1e-12;
          if (!allowed) continue;
          if (d < bestD - 1e-12) { bestD = d; kind = 1; arg = g; arg2 = m; ties = 1; }
          else if (Math.abs(d - bestD) <= 1e-12 && rng.int(++ties) === 0) { kind = 1; arg = g; arg2 = m; }
        }
      }
      if (kind < 0) break;
      if (kind === 0) { s.flip(arg); tabuUntil[arg] = it + tenure + rng.int(3); }
      else { const old = s.groups[arg][s.on[arg]]; s.swap(arg, arg2); tabuUntil[old] = it + tenure + rng.int(3); }
      inc.evaluations++;
      if (s.energy < bestHere - 1e-12) { bestHere = s.energy; inc.offer(s); }
      if ((it & 255) === 0 && performance.now() > b.deadline) break;
    }
    restarts++;
  } while (restarts < b.maxRestarts && performance.now() < b.deadline);
  return solutionRecord(p, 'tabu', inc.bestX, { start, evaluations: inc.evaluations, trace: inc.trace, seed, details: { restarts, iterations, tenure, penalty: pq.penalty } });
}

/** Steepest descent from the constructive start; deterministic. */
export async function greedyDescent(p: Problem, o: SolveOptions = {}): Promise<Solution> {
  const start = performance.now();
  const pq = penalized(p, o.penalty === undefined ? {} : { penalty: o.penalty });
  const s = new LocalState(pq.qubo, p);
  const x = new Uint8Array(s.N);
  for (const g of s.groups) {
    let best = g[0];
    for (const v of g) if (pq.qubo.linear[v] < pq.qubo.linear[best]) best = v;
    x[best] = 1;
  }
  s.set(x);
  const inc = new Incumbent(p, start, s.N);
  inc.offer(s);
  for (;;) {
    let bestD = -1e-12, kind = -1, arg = -1, arg2 = -1;
    for (const i of s.free) { const d = s.flipGain(i); if (d < bestD) { bestD = d; kind = 0; arg = i; } }
    for (let g = 0; g < s.groups.length; g++) for (let m = 0; m < s.groups[g].length; m++) {
      const d = s.swapGain(g, m);
      if (d < bestD) { bestD = d; kind = 1; arg = g; arg2 = m; }
    }
    if (kind < 0) break;
    if (kind === 0) s.flip(arg); else s.swap(arg, arg2);
    inc.evaluations++;
    inc.offer(s);
  }
  return solutionRecord(p, 'greedy', inc.bestX, { start, evaluations: inc.evaluations, trace: inc.trace, details: { penalty: pq.penalty } });
}

export const sa: Solver = {
  name: 'sa',
  description: 'simulated annealing on the penalised QUBO (one-hot groups moved by swaps)',
  supports: () => null,
  solve: (p, o) => simulatedAnnealing(p, o),
};

export const tabu: Solver = {
  name: 'tabu',
  description: 'tabu search (best non-tabu flip or swap, aspiration)',
  supports: () => null,
  solve: (p, o) => tabuSearch(p, o),
};
