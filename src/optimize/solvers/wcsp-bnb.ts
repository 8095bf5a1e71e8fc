/**
 * Exact weighted-CSP solving by Specialised Russian Doll Search: Russian Doll Search (Verfaillie,
 * Lemaître & Schiex, "Russian Doll Search for solving constraint optimization problems", AAAI 1996)
 * with the suffix optima kept per value of the suffix's first variable (Meseguer & Sánchez,
 * "Specializing Russian Doll Search", CP 2001), the variant that closed the CELAR 6 sub-instances in
 * seconds. Variables get one static order v_0..v_{n−1}; R[k][a], the optimum of the suffix problem
 * {v_k..v_{n−1}} with v_k = a, is computed for k = n−1 down to 0, each by depth-first branch and bound
 * whose lower bound at a node that has assigned v_k..v_{t−1} (cost g among them, unary included) is
 *
 *   LB(b) = g + fc_t(b) + R[t+1..][v_t = b] + Σ_{s>t} min_c fc_s(c),   LB = min_b LB(b),
 *
 * with fc_s(c) the cost of v_s = c against the assigned variables (forward checking, Freuder &
 * Wallace 1992; Larrosa & Schiex's PFC bound). The three parts cover disjoint cost terms, so LB never
 * overestimates; a value b with LB(b) ≥ UB is pruned, and values are tried by increasing LB(b). Each
 * suffix search starts from the upper bound of extending the previous suffix's optimum, capped by the
 * cost of an incumbent (a heuristic's solution) when one is given: a suffix whose optimum reaches the
 * cap records the cap, still a valid lower bound, and once every value of v_0 reaches it the
 * incumbent is proven optimal. Costs must be non-negative (WCSP semantics). Tables are dense
 * Float64Arrays over domain indices; the search allocates nothing per node.
 *
 * @example
 * import { rdsSolve, randomFap } from 'qml6g';
 * const r = rdsSolve(randomFap({ links: 6, channels: 4, seed: 1 }));
 * r.cost; r.proven;   // the optimum, true
 */
import { QmlError } from '../../core/errors.js';
import { wcspCost, type WcspInstance } from '../loaders/wcsp.js';

export interface RdsResult { assignment: number[]; cost: number; lowerBound: number; proven: boolean; nodes: number; seconds: number; trace: Array<[number, number]> }

export interface RdsOptions {
  timeLimit?: number;
  log?: (m: string) => void;
  /** A known assignment; its cost caps every suffix search. */
  incumbent?: number[];
  /** An upper bound on the optimum without an assignment: suffix searches stop there too. */
  cap?: number;
  /** The static variable order (a permutation of 0..n−1); default: `connectivityOrder`. */
  order?: number[];
}

export function rdsSolve(w: WcspInstance, o: RdsOptions = {}): RdsResult {
  const t0 = performance.now();
  const deadline = o.timeLimit === undefined ? Infinity : t0 + 1000 * o.timeLimit;
  const n = w.domains.length, D = Int32Array.from(w.domains);
  for (const u of w.unary) for (const c of u) if (c < 0) throw new QmlError('Russian Doll Search needs non-negative costs');
  // Pair tables in both orientations: T[i].get(j)[a·D_j + b] = cost of (i = a, j = b), merged per pair.
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
  let order: number[];
  if (o.order) {
    if (o.order.length !== n || new Set(o.order).size !== n || o.order.some((v) => !Number.isInteger(v) || v < 0 || v >= n)) throw new QmlError('the variable order is not a permutation of the instance\'s variables');
    order = [...o.order];
  } else {
    order = connectivityOrder(n, T);
  }
  const unary = w.unary.map((u) => Float64Array.from(u));
  // Neighbours of each variable with the table oriented (v = a)-major, so that assigning v = a adds
  // the contiguous row tbl[a·D_j .. a·D_j + D_j) to fc_j.
  const nb = Array.from({ length: n }, (_, i) => Int32Array.from(T[i].keys()));
  const nbT = Array.from({ length: n }, (_, i) => [...T[i].values()]);
  const fc = Array.from({ length: n }, (_, i) => new Float64Array(D[i]));
  const assigned = new Uint8Array(n);
  const cap = Math.min(o.incumbent ? wcspCost(w, o.incumbent) : Infinity, o.cap ?? Infinity);
  if (o.incumbent && (o.incumbent.length !== n || o.incumbent.some((a, i) => !Number.isInteger(a) || a < 0 || a >= D[i]))) throw new QmlError('the incumbent is not an assignment of this instance');
  const maxD = Math.max(0, ...D);
  // R[t][b]: optimum of suffix t with order[t] = b (capped); R[n] is an empty row of zeros.
  const R: Float64Array[] = Array.from({ length: n + 1 }, (_, t) => new Float64Array(t < n ? D[order[t]] : 1));
  const rds = new Float64Array(n + 1);
  const rdsSol: Int32Array[] = Array.from({ length: n + 1 }, (_, t) => new Int32Array(n - t));
  const vals = Array.from({ length: n }, () => new Int32Array(maxD));
  const keys = Array.from({ length: n }, () => new Float64Array(maxD));
  const cur = new Int32Array(n);
  let best = new Int32Array(0);
  let nodes = 0, timedOut = false, ub = Infinity, k = n;
  const trace: Array<[number, number]> = [];

  const assign = (i: number, a: number, sign: number) => {
    assigned[i] = sign > 0 ? 1 : 0;
    const ns = nb[i], ts = nbT[i];
    for (let q = 0; q < ns.length; q++) {
      const j = ns[q];
      if (assigned[j]) continue;
      const tbl = ts[q], f = fc[j], d = f.length, off = a * d;
      if (sign > 0) for (let b = 0; b < d; b++) f[b] += tbl[off + b];
      else for (let b = 0; b < d; b++) f[b] -= tbl[off + b];
    }
  };
  // Lookahead state per search depth: live[s·maxD + c] = 0 once value c of position s is pruned (undone
  // from the trail on backtrack); mfc[t·n + s] = min over live c of fc_s(c) at depth t.
  const live = new Uint8Array(n * maxD).fill(1);
  const trail = new Int32Array(n * maxD);
  let trailTop = 0;
  const mfc = new Float64Array((n + 1) * n);
  const search = (t: number, g: number): void => {
    if ((++nodes & 4095) === 0 && performance.now() > deadline) timedOut = true;
    if (timedOut) return;
    if (t === n) { ub = g; best.set(cur.subarray(k, n)); return; }
    const mark = trailTop, mo = t * n;
    let sumMin = 0;
    for (let s = t; s < n; s++) {
      const f = fc[order[s]], lo = s * maxD;
      let m = Infinity;
      for (let c = 0; c < f.length; c++) if (live[lo + c] && f[c] < m) m = f[c];
      mfc[mo + s] = m; sumMin += m;
    }
    // Prune value c of a future position s when g + Σ_{s'≠s} min fc_{s'} + fc_s(c) + R[s][c] ≥ ub: the
    // terms cover disjoint costs (assigned part, assigned × future, suffix s.. with v_s = c). A pruned
    // value raises min fc_s, hence the other positions' bounds: repeat until nothing changes.
    let changed = true;
    while (changed) {
      changed = false;
      for (let s = t; s < n; s++) {
        const f = fc[order[s]], Rs = R[s], lo = s * maxD, lim = ub - g - sumMin + mfc[mo + s];
        let m = Infinity;
        for (let c = 0; c < f.length; c++) {
          if (!live[lo + c]) continue;
          if (f[c] + Rs[c] >= lim) { live[lo + c] = 0; trail[trailTop++] = lo + c; } else if (f[c] < m) m = f[c];
        }
        if (m === Infinity) { while (trailTop > mark) live[trail[--trailTop]] = 1; return; }
        if (m > mfc[mo + s]) { sumMin += m - mfc[mo + s]; mfc[mo + s] = m; changed = true; }
      }
    }
    const v = order[t], f = fc[v], u = unary[v], Rt = R[t], vs = vals[t], ks = keys[t], lo = t * maxD;
    // Candidate values b by increasing LB(b) (insertion sort over at most max |D| values).
    let m = 0;
    for (let b = 0; b < f.length; b++) {
      if (!live[lo + b]) continue;
      const key = f[b] + Rt[b];
      let p = m++;
      while (p > 0 && ks[p - 1] > key) { ks[p] = ks[p - 1]; vs[p] = vs[p - 1]; p--; }
      ks[p] = key; vs[p] = b;
    }
    const base = g + sumMin - mfc[mo + t];
    for (let q = 0; q < m; q++) {
      const b = vs[q];
      if (base + ks[q] >= ub) break;
      cur[t] = b;
      assign(v, b, 1);
      search(t + 1, g + f[b] + u[b]);
      assign(v, b, -1);
      if (timedOut) break;
    }
    while (trailTop > mark) live[trail[--trailTop]] = 1;
  };

  let lastDone = n;
  const ext = new Int32Array(n);
  for (k = n - 1; k >= 0; k--) {
    const vk = order[k], Rk = R[k], Dk = D[vk], next = rdsSol[k + 1];
    let bestK = Infinity;
    const solK = rdsSol[k];
    for (let a = 0; a < Dk && !timedOut; a++) {
      // Upper bound: v_k = a followed by the previous suffix's optimal assignment.
      let c = unary[vk][a] + rds[k + 1];
      for (let t = k + 1; t < n; t++) { const tbl = T[vk].get(order[t]); if (tbl) c += tbl[a * D[order[t]] + next[t - k - 1]]; }
      ext[0] = a; ext.set(next, 1);
      best = new Int32Array(n - k);
      best.set(ext.subarray(0, n - k));
      ub = Math.min(c, cap);
      cur[k] = a;
      assign(vk, a, 1);
      search(k + 1, unary[vk][a]);
      assign(vk, a, -1);
      if (timedOut) break;
      Rk[a] = ub;
      if (ub < bestK) { bestK = ub; solK.set(best); }
    }
    if (timedOut) break;
    rds[k] = bestK;
    lastDone = k;
    trace.push([(performance.now() - t0) / 1000, bestK]);
    o.log?.(`RDS: suffix ${n - k}/${n} optimum ${bestK} (${nodes} nodes)`);
    // Every completion of the whole problem costs at least rds[k]: at the cap, the incumbent is optimal.
    if (bestK >= cap) break;
  }
  const capped = rds[lastDone] >= cap;
  const proven = lastDone === 0 || (lastDone < n && capped);
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
  if (o.incumbent && (capped || wcspCost(w, assignment) >= cap)) assignment = [...o.incumbent];
  const cost = wcspCost(w, assignment);
  // Bound: the solved suffix's optimum plus the smallest unary cost of every other variable.
  let lowerBound = lastDone < n ? rds[lastDone] : 0;
  for (let t = 0; t < lastDone; t++) lowerBound += Math.min(...unary[order[t]]);
  if (proven) lowerBound = cost;
  return { assignment, cost, lowerBound: Math.min(lowerBound, cost), proven, nodes, seconds: (performance.now() - t0) / 1000, trace };
}

/**
 * The static order used by default: built from the end, the last variable is the one with most cost
 * functions, and each next one (placed before) is the variable sharing most cost functions with those
 * already placed (maximum cardinality; ties by degree, then index). Every suffix is then a connected,
 * dense sub-problem, so its optimum grows gradually and bounds the next suffix tightly (Verfaillie et
 * al. 1996 note that RDS needs orders where suffixes are strongly linked). On CELAR6-SUB0 it proves the
 * optimum where increasing or decreasing summed table cost and degree orders do not in minutes.
 */
function connectivityOrder(n: number, T: Array<Map<number, Float64Array>>): number[] {
  const placed = new Uint8Array(n), links = new Int32Array(n), rev: number[] = [];
  for (let r = 0; r < n; r++) {
    let bv = -1;
    for (let x = 0; x < n; x++) {
      if (placed[x]) continue;
      if (bv < 0 || links[x] > links[bv] || (links[x] === links[bv] && T[x].size > T[bv].size)) bv = x;
    }
    placed[bv] = 1;
    rev.push(bv);
    for (const y of T[bv].keys()) links[y]++;
  }
  return rev.reverse();
}
