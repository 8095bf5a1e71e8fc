/**
 * Exact weighted-CSP solving by Russian Doll Search (Verfaillie, Lemaître & Schiex, "Russian Doll
 * Search for solving constraint optimization problems", AAAI 1996), the method that first closed the
 * CELAR 6 sub-instances. Variables get a static order v_0..v_{n−1}; the suffix problems
 * {v_k..v_{n−1}} are solved to optimality from the smallest up, and the optimum rds[t] of the
 * unassigned suffix bounds the search of the larger ones:
 *
 *   LB = g + Σ_{i unassigned} min_a fc_i(a) + rds[t],
 *
 * with g the cost among assigned variables (unary included) and fc_i(a) the cost of a with the
 * assigned variables (forward checking; Freuder & Wallace 1992). The two sums cover disjoint cost
 * terms, so LB never overestimates. Each suffix starts from the upper bound given by extending the
 * previous suffix's optimum with the best value of the new variable, capped by the cost of an
 * incumbent (a heuristic's solution) when one is given. Costs must be non-negative (WCSP semantics).
 *
 * @example
 * import { rdsSolve, randomFap } from 'qml6g';
 * const r = rdsSolve(randomFap({ links: 6, channels: 4, seed: 1 }));
 * r.cost; r.proven;   // the optimum, true
 */
import { QmlError } from '../../core/errors.js';
import { wcspCost, type WcspInstance } from '../loaders/wcsp.js';

export interface RdsResult { assignment: number[]; cost: number; lowerBound: number; proven: boolean; nodes: number; seconds: number; trace: Array<[number, number]> }

export function rdsSolve(w: WcspInstance, o: { timeLimit?: number; log?: (m: string) => void; incumbent?: number[] } = {}): RdsResult {
  const t0 = performance.now();
  const deadline = o.timeLimit === undefined ? Infinity : t0 + 1000 * o.timeLimit;
  const n = w.domains.length, D = w.domains;
  for (const u of w.unary) for (const c of u) if (c < 0) throw new QmlError('Russian Doll Search needs non-negative costs');
  // Pair tables in both orientations: T[i][j][a·D_j + b] = cost of (i = a, j = b).
  const T: Array<Map<number, Float64Array>> = Array.from({ length: n }, () => new Map());
  for (const t of w.binary) {
    if (t.cost.some((c) => c < 0)) throw new QmlError('Russian Doll Search needs non-negative costs');
    const ij = Float64Array.from(t.cost), ji = new Float64Array(ij.length);
    for (let a = 0; a < D[t.i]; a++) for (let b = 0; b < D[t.j]; b++) ji[b * D[t.i] + a] = ij[a * D[t.j] + b];
    const add = (x: number, y: number, tbl: Float64Array) => {
      const old = T[x].get(y);
      if (old) for (let k = 0; k < tbl.length; k++) old[k] += tbl[k]; else T[x].set(y, tbl);
    };
    add(t.i, t.j, ij); add(t.j, t.i, ji);
  }
  // Static order: least constrained (by summed table cost) first, so the small suffixes, solved
  // first, hold the most constrained variables and give strong bounds early.
  const weight = Array.from({ length: n }, (_, i) => { let s = 0; for (const tbl of T[i].values()) for (const c of tbl) s += c; return s; });
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => weight[a] - weight[b]);
  const unary = w.unary.map((u) => Float64Array.from(u));
  const fc = D.map((d) => new Float64Array(d));
  const val = new Int32Array(n).fill(-1);
  const rds = new Float64Array(n + 1);
  const rdsSol: number[][] = new Array(n + 1);
  rdsSol[n] = [];
  let nodes = 0, timedOut = false;
  const trace: Array<[number, number]> = [];
  const nbrList = T.map((m) => [...m.keys()]);

  const assign = (i: number, a: number) => {
    val[i] = a;
    for (const j of nbrList[i]) {
      if (val[j] >= 0) continue;
      const tbl = T[j].get(i)!, d = D[i], f = fc[j];
      for (let b = 0; b < f.length; b++) f[b] += tbl[b * d + a];
    }
  };
  const unassign = (i: number) => {
    const a = val[i];
    val[i] = -1;
    for (const j of nbrList[i]) {
      if (val[j] >= 0) continue;
      const tbl = T[j].get(i)!, d = D[i], f = fc[j];
      for (let b = 0; b < f.length; b++) f[b] -= tbl[b * d + a];
    }
  };

  // Directional arc counts (Wallace 1995; Larrosa & Meseguer 1996): for order position t and value a,
  // dac[t][a] = unary + Σ_{s>t} min_b C(a, b) over the later variables, a second lower bound on the
  // suffix that knows the value chosen: LB2 = g + Σ_{s≥t} min_a (fc + dac).
  const pos = new Int32Array(n);
  order.forEach((v, t) => { pos[v] = t; });
  const dac: Float64Array[] = order.map((v, t) => {
    const d = Float64Array.from(unary[v]);
    for (const [j, tbl] of T[v]) {
      if (pos[j] <= t) continue;
      for (let a = 0; a < D[v]; a++) { let m = Infinity; for (let b = 0; b < D[j]; b++) m = Math.min(m, tbl[a * D[j] + b]); d[a] += m; }
    }
    return d;
  });
  const cap = o.incumbent ? wcspCost(w, o.incumbent) : Infinity;
  if (o.incumbent && (o.incumbent.length !== n || o.incumbent.some((a, i) => !Number.isInteger(a) || a < 0 || a >= D[i]))) throw new QmlError('the incumbent is not an assignment of this instance');
  let lastDone = n;
  const cur = new Int32Array(n);
  for (let k = n - 1; k >= 0; k--) {
    // Suffix problem {order[k..n−1]}: upper bound from the previous optimum plus the best value of order[k].
    const vk = order[k];
    let bestA = 0, bestC = Infinity;
    for (let a = 0; a < D[vk]; a++) {
      let c = unary[vk][a];
      for (let t = k + 1; t < n; t++) { const tbl = T[vk].get(order[t]); if (tbl) c += tbl[a * D[order[t]] + rdsSol[k + 1][t - k - 1]]; }
      if (c < bestC) { bestC = c; bestA = a; }
    }
    let ub = rds[k + 1] + bestC;
    let best: number[] = [bestA, ...rdsSol[k + 1]];
    // With an incumbent of cost U for the whole problem, no suffix needs solving beyond U: a suffix
    // whose optimum is ≥ U gets the valid lower bound U, and any full solution below U must beat it.
    if (ub > cap) ub = cap;
    const search = (t: number, g: number): void => {
      if ((++nodes & 4095) === 0 && performance.now() > deadline) timedOut = true;
      if (timedOut) return;
      if (t === n) { if (g < ub) { ub = g; best = Array.from(cur.subarray(k, n)); } return; }
      // Lower bound over the unassigned suffix order[t..n−1].
      let lbFc = 0, lbDac = 0;
      for (let s2 = t + 1; s2 < n; s2++) {
        const f = fc[order[s2]], dc = dac[s2];
        let m = Infinity, m2 = Infinity;
        for (let a = 0; a < f.length; a++) { if (f[a] < m) m = f[a]; if (f[a] + dc[a] < m2) m2 = f[a] + dc[a]; }
        lbFc += m; lbDac += m2;
      }
      { const f = fc[order[t]]; let m = Infinity; for (let a = 0; a < f.length; a++) if (f[a] < m) m = f[a]; lbFc += m; }
      if (g + lbFc + rds[t] >= ub) return;
      const v = order[t], f = fc[v], u = unary[v];
      let minF = Infinity;
      for (let a = 0; a < f.length; a++) if (f[a] < minF) minF = f[a];
      const rest = lbFc - minF;
      const vals = Array.from({ length: D[v] }, (_, a) => a).sort((a, b) => f[a] + u[a] - (f[b] + u[b]));
      const dt = dac[t];
      for (const a of vals) {
        // The value's cost with the past plus either bound on everything after it.
        if (g + f[a] + u[a] + rest + rds[t + 1] >= ub) continue;
        if (g + f[a] + dt[a] + lbDac >= ub) continue;
        cur[t] = a;
        assign(v, a);
        search(t + 1, g + f[a] + u[a]);
        unassign(v);
        if (timedOut) return;
      }
    };
    search(k, 0);
    if (timedOut) break;
    rds[k] = ub;
    rdsSol[k] = best;
    lastDone = k;
    trace.push([(performance.now() - t0) / 1000, ub]);
    o.log?.(`RDS: suffix ${n - k}/${n} optimum ${ub} (${nodes} nodes)`);
  }
  const proven = lastDone === 0;
  // Full assignment: the last solved suffix's optimum, extended greedily when the time ran out.
  let assignment = new Array<number>(n).fill(0);
  const sol = rdsSol[lastDone];
  for (let t = lastDone; t < n; t++) assignment[order[t]] = sol[t - lastDone];
  for (let t = lastDone - 1; t >= 0; t--) {
    const v = order[t];
    let bestA = 0, bestC = Infinity;
    for (let a = 0; a < D[v]; a++) {
      let c = unary[v][a];
      for (let s = t + 1; s < n; s++) { const tbl = T[v].get(order[s]); if (tbl) c += tbl[a * D[order[s]] + assignment[order[s]]]; }
      if (c < bestC) { bestC = c; bestA = a; }
    }
    assignment[v] = bestA;
  }
  if (o.incumbent && wcspCost(w, assignment) >= cap) assignment = [...o.incumbent];
  const cost = wcspCost(w, assignment);
  // Bound: the solved suffix's optimum plus the smallest unary cost of every other variable.
  let lowerBound = rds[lastDone];
  for (let t = 0; t < lastDone; t++) lowerBound += Math.min(...unary[order[t]]);
  if (proven) lowerBound = cost;
  return { assignment, cost, lowerBound, proven, nodes, seconds: (performance.now() - t0) / 1000, trace };
}
