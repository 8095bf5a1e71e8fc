/**
 * Recursive QAOA (Bravyi, Kliesch, Koenig & Tang, "Obstacles to variational quantum optimization
 * from symmetry protection", PRL 125, 260505, 2020): run p = 1 QAOA on the Ising form, take the
 * correlation ⟨Z_i Z_j⟩ (or magnetisation ⟨Z_i⟩) of largest magnitude, impose s_j = sign·s_i (or
 * s_i = sign), substitute, and repeat on one variable fewer until n_c remain, which are solved
 * exactly. Spins s_i = 1 − 2x_i, so ⟨Z_i⟩ is the spin's mean.
 *
 * @example
 * import { rqaoa, maxcutProblem, penalized, randomRegularGraph } from 'qml6g';
 * const q = penalized(maxcutProblem(randomRegularGraph(3, 12, 1))).qubo;
 * const r = rqaoa(q, { cutoff: 6 });
 * r.value;   // the QUBO value of the assignment found (−cut)
 */
import { QmlError } from '../../core/errors.js';
import { isingToQubo, quboToIsing, quboValue, quboValues, type Ising, type Qubo } from '../qubo.js';
import { FastQaoa } from './fast.js';
import { interpSchedule } from './train.js';

/** How each original spin is determined: free (index into the reduced model), fixed, or tied to another spin. */
type Rule = { kind: 'free'; at: number } | { kind: 'fixed'; sign: number } | { kind: 'tied'; to: number; sign: number };

export interface RqaoaResult { x: number[]; value: number; eliminations: Array<{ variables: number[]; sign: number; correlation: number }>; evaluations: number }

export function rqaoa(q: Qubo, o: { cutoff?: number } = {}): RqaoaResult {
  const cutoff = o.cutoff ?? Math.min(8, q.n);
  if (!Number.isInteger(cutoff) || cutoff < 1) throw new QmlError(`RQAOA cutoff must be a positive integer, got ${cutoff}`);
  let model: Ising = quboToIsing(q);
  // Reduced index → original variable.
  let alive = Array.from({ length: q.n }, (_, i) => i);
  const rules: Rule[] = Array.from({ length: q.n }, (_, i) => ({ kind: 'free', at: i }));
  const eliminations: RqaoaResult['eliminations'] = [];
  let evaluations = 0;
  while (alive.length > cutoff) {
    const sim = new FastQaoa({ qubo: isingToQubo(model) });
    const tr = interpSchedule(sim, 1, { grid: 6, steps: 40 });
    evaluations += tr.evaluations;
    const probs = sim.probabilities();
    const spinMean = (mask: number) => { let m = 0; for (let x = 0; x < probs.length; x++) { let par = 0; for (let b = mask & x; b; b &= b - 1) par ^= 1; m += par ? -probs[x] : probs[x]; } return m; };
    let best = { i: -1, j: -1, m: 0 };
    for (const [i, j] of model.J) { const m = spinMean(2 ** i + 2 ** j); if (Math.abs(m) > Math.abs(best.m)) best = { i, j, m }; }
    model.h.forEach((h, i) => { if (h !== 0) { const m = spinMean(2 ** i); if (Math.abs(m) > Math.abs(best.m)) best = { i, j: -1, m }; } });
    if (best.i < 0) { best = { i: 0, j: -1, m: 1 }; }
    const sign = best.m >= 0 ? 1 : -1;
    eliminations.push({ variables: best.j < 0 ? [alive[best.i]] : [alive[best.i], alive[best.j]], sign, correlation: best.m });
    // Remove spin `gone`, expressed as sign·s_keep (pair) or sign (single).
    const gone = best.j < 0 ? best.i : best.j, keep = best.j < 0 ? -1 : best.i;
    rules[alive[gone]] = keep < 0 ? { kind: 'fixed', sign } : { kind: 'tied', to: alive[keep], sign };
    model = substitute(model, gone, keep, sign);
    alive = alive.filter((_, k) => k !== gone);
    alive.forEach((v, k) => { rules[v] = { kind: 'free', at: k }; });
  }
  // Exact solution of the remainder.
  const vals = quboValues(isingToQubo(model));
  let bi = 0;
  for (let s = 1; s < vals.length; s++) if (vals[s] < vals[bi]) bi = s;
  const spin = new Array<number>(q.n).fill(0);
  const resolve = (v: number): number => {
    if (spin[v] !== 0) return spin[v];
    const r = rules[v];
    spin[v] = r.kind === 'free' ? ((bi >>> r.at) & 1 ? -1 : 1) : r.kind === 'fixed' ? r.sign : r.sign * resolve(r.to);
    return spin[v];
  };
  for (let v = 0; v < q.n; v++) resolve(v);
  const x = spin.map((s) => (s === 1 ? 0 : 1));
  return { x, value: quboValue(q, x), eliminations, evaluations };
}

/** The Ising model with spin `gone` replaced by sign·s_keep (keep ≥ 0) or by the constant sign. */
function substitute(m: Ising, gone: number, keep: number, sign: number): Ising {
  const idx = (i: number) => (i > gone ? i - 1 : i);
  const n = m.n - 1, h = new Array<number>(n).fill(0);
  let offset = m.offset;
  const J = new Map<number, number>();
  const addJ = (a: number, b: number, w: number) => {
    if (a === b) { offset += w; return; }
    const u = Math.min(a, b), v = Math.max(a, b), k = u * n + v;
    J.set(k, (J.get(k) ?? 0) + w);
  };
  m.h.forEach((c, i) => {
    if (i !== gone) { h[idx(i)] += c; return; }
    if (keep < 0) offset += c * sign; else h[idx(keep)] += c * sign;
  });
  for (const [i, j, w] of m.J) {
    if (i !== gone && j !== gone) { addJ(idx(i), idx(j), w); continue; }
    const other = i === gone ? j : i;
    if (keep < 0) h[idx(other)] += w * sign;
    else addJ(idx(keep), idx(other), w * sign);
  }
  const Jl: Array<[number, number, number]> = [];
  for (const [k, w] of J) if (w !== 0) Jl.push([Math.floor(k / n), k % n, w]);
  return { n, offset, h, J: Jl };
}
