/**
 * Choosing QAOA angles: Adam (Kingma & Ba 2015) on exact adjoint gradients of ⟨f⟩, or Nelder–Mead
 * (Nelder & Mead 1965, with the standard reflection/expansion/contraction/shrink coefficients) when
 * the objective has no gradient here (CVaR, the warm-start mixer); a p = 1 grid for the landscape;
 * the INTERP schedule of Zhou et al. 2020 from depth 1 up.
 *
 * @example
 * import { FastQaoa, optimizeAngles, interpSchedule, maxcutProblem, penalized, cycleGraph } from 'qml6g';
 * const sim = new FastQaoa({ qubo: penalized(maxcutProblem(cycleGraph(8))).qubo });
 * const r = interpSchedule(sim, 3);       // optimised angles for p = 1, 2, 3
 * r.value;                                 // ⟨f⟩ at p = 3 (−⟨cut⟩)
 */
import { QmlError } from '../../core/errors.js';
import type { FastQaoa } from './fast.js';
import { interpAngles, rampAngles, type AngleSchedule } from './angles.js';

export interface TrainResult extends AngleSchedule { value: number; history: number[]; evaluations: number }
export interface TrainOptions { steps?: number; lr?: number; cvar?: number; method?: 'adam' | 'nelder-mead' }

function objective(sim: FastQaoa, gamma: number[], beta: number[], cvar?: number): number {
  sim.run(gamma, beta);
  return cvar !== undefined && cvar < 1 ? sim.cvar(cvar) : sim.expectation();
}

export function optimizeAngles(sim: FastQaoa, init: AngleSchedule, o: TrainOptions = {}): TrainResult {
  const p = init.gamma.length;
  const useNm = o.method === 'nelder-mead' || sim.mixer === 'warm' || (o.cvar !== undefined && o.cvar < 1);
  if (!useNm) {
    const steps = o.steps ?? 80, lr = o.lr ?? 0.05;
    const th = [...init.gamma, ...init.beta], m = new Float64Array(2 * p), v = new Float64Array(2 * p);
    const history: number[] = [];
    let best = Infinity, bestTh = [...th];
    for (let t = 1; t <= steps; t++) {
      const g = sim.gradient(th.slice(0, p), th.slice(p));
      history.push(g.value);
      // Converged: the last 10 steps moved ⟨f⟩ by less than 1e-7 of its scale.
      if (t > 10 && Math.abs(history[t - 11] - g.value) < 1e-7 * Math.max(1, Math.abs(g.value))) { if (g.value < best) { best = g.value; bestTh = [...th]; } break; }
      if (g.value < best) { best = g.value; bestTh = [...th]; }
      const grad = [...g.dgamma, ...g.dbeta];
      for (let k = 0; k < 2 * p; k++) {
        m[k] = 0.9 * m[k] + 0.1 * grad[k];
        v[k] = 0.999 * v[k] + 0.001 * grad[k] * grad[k];
        th[k] -= (lr * (m[k] / (1 - 0.9 ** t))) / (Math.sqrt(v[k] / (1 - 0.999 ** t)) + 1e-8);
      }
    }
    const last = objective(sim, th.slice(0, p), th.slice(p));
    if (last < best) { best = last; bestTh = th; }
    history.push(last);
    sim.run(bestTh.slice(0, p), bestTh.slice(p));
    return { gamma: bestTh.slice(0, p), beta: bestTh.slice(p), value: best, history, evaluations: history.length };
  }
  return nelderMead(sim, init, o);
}

function nelderMead(sim: FastQaoa, init: AngleSchedule, o: TrainOptions): TrainResult {
  const p = init.gamma.length, d = 2 * p, maxEval = o.steps ?? 60 * d;
  const f = (th: number[]) => objective(sim, th.slice(0, p), th.slice(p), o.cvar);
  const x0 = [...init.gamma, ...init.beta];
  const simplex: number[][] = [x0];
  for (let k = 0; k < d; k++) { const x = [...x0]; x[k] += 0.1; simplex.push(x); }
  let fx = simplex.map(f), evals = d + 1;
  const history: number[] = [Math.min(...fx)];
  while (evals < maxEval) {
    const idx = fx.map((_, i) => i).sort((a, b) => fx[a] - fx[b]);
    const S = idx.map((i) => simplex[i]), F = idx.map((i) => fx[i]);
    const c = new Array<number>(d).fill(0);
    for (let i = 0; i < d; i++) for (let k = 0; k < d; k++) c[k] += S[i][k] / d;
    const along = (t: number) => c.map((ck, k) => ck + t * (S[d][k] - ck));
    const xr = along(-1), fr = f(xr); evals++;
    if (fr < F[0]) {
      const xe = along(-2), fe = f(xe); evals++;
      if (fe < fr) { S[d] = xe; F[d] = fe; } else { S[d] = xr; F[d] = fr; }
    } else if (fr < F[d - 1]) { S[d] = xr; F[d] = fr; }
    else {
      const xc = fr < F[d] ? along(-0.5) : along(0.5), fcv = f(xc); evals++;
      if (fcv < Math.min(fr, F[d])) { S[d] = xc; F[d] = fcv; }
      else {
        for (let i = 1; i <= d; i++) { S[i] = S[i].map((v, k) => S[0][k] + 0.5 * (v - S[0][k])); F[i] = f(S[i]); evals++; }
      }
    }
    simplex.splice(0, simplex.length, ...S);
    fx = F;
    history.push(Math.min(...fx));
    if (Math.max(...fx) - Math.min(...fx) < 1e-10) break;
  }
  const bi = fx.indexOf(Math.min(...fx)), th = simplex[bi];
  sim.run(th.slice(0, p), th.slice(p));
  return { gamma: th.slice(0, p), beta: th.slice(p), value: fx[bi], history, evaluations: evals };
}

/** ⟨f⟩ on a grid of p = 1 angles: rows γ, columns β. */
export function landscape(sim: FastQaoa, gammas: number[], betas: number[]): number[][] {
  return gammas.map((g) => betas.map((b) => { sim.run([g], [b]); return sim.expectation(); }));
}

/**
 * INTERP (Zhou et al. 2020): the best point of a p = 1 grid, optimised, then for each depth the
 * interpolated previous optimum, optimised again.
 */
export function interpSchedule(sim: FastQaoa, p: number, o: TrainOptions & { grid?: number } = {}): TrainResult & { perDepth: number[] } {
  if (!Number.isInteger(p) || p < 1) throw new QmlError(`QAOA depth p must be a positive integer, got ${p}`);
  const G = o.grid ?? 8;
  let best = { g: 0, b: 0, v: Infinity };
  for (let i = 0; i < G; i++) for (let j = 0; j < G; j++) {
    const g = ((i + 0.5) / G) * Math.PI * 0.5, b = ((j + 0.5) / G) * Math.PI * 0.5;
    const v = objective(sim, [g], [b], o.cvar);
    if (v < best.v) best = { g, b, v };
  }
  let cur = optimizeAngles(sim, { gamma: [best.g], beta: [best.b] }, o);
  const perDepth = [cur.value];
  const history = [...cur.history];
  let evaluations = G * G + cur.evaluations;
  for (let q = 2; q <= p; q++) {
    cur = optimizeAngles(sim, interpAngles(cur.gamma, cur.beta), o);
    perDepth.push(cur.value);
    history.push(...cur.history);
    evaluations += cur.evaluations;
  }
  return { ...cur, history, evaluations, perDepth };
}

/** Optimisation at depth p from a linear-ramp start (a discretised annealing path). */
export function rampSchedule(sim: FastQaoa, p: number, o: TrainOptions = {}): TrainResult {
  return optimizeAngles(sim, rampAngles(p), o);
}
