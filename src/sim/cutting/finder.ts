/**
 * The cut finder: the fewest cuts (then the lowest sampling overhead) after which every connected
 * piece of the circuit fits a device of K qubits.
 *
 * Small circuits get an exact search: every set of k candidate cuts for k = 0, 1, 2, … until one
 * fits (so the first k found is the minimum), the lowest Π γ² among those of that size winning.
 * Beyond `exactLimit` evaluated sets, a heuristic in the spirit of CutQC's partitioning (Tang et
 * al., ASPLOS 2021) takes over: the qubits are split into groups of at most K by a Kernighan–Lin
 * style local search on the interaction graph, every gate between groups is gate-cut (CZ/CX/RZZ)
 * or moved into one group with wire cuts around it, and cuts that turn out unnecessary are dropped.
 * When no grouping works, time slicing (every candidate cut, then pruning) always fits a circuit
 * whose gates each fit the device.
 *
 * @example
 * import { findCuts, CircuitBuilder } from 'qml6g';
 * const c = new CircuitBuilder(4).h(0).cx(0, 1).cx(1, 2).cx(2, 3).build();
 * const r = findCuts(c, { maxQubits: 2 });
 * r.cuts;    // one cut between q1 and q2, e.g. [{ kind: 'gate', op: 2 }]
 * r.method;  // 'exact'
 */
import { QmlError } from '../../core/errors.js';
import { Rng } from '../../core/rng.js';
import type { Circuit } from '../circuit.js';
import { components, cutGamma, cutGraph, maxWidth, packComponents, type Cut, type CutGraph } from './graph.js';

export type CutKinds = 'wire' | 'gate' | 'both';

export interface FindCutsOptions {
  /** Device width K: every fragment must fit K qubits. */
  maxQubits: number;
  /** Which cuts may be used (default both). */
  kinds?: CutKinds;
  /** Exact search evaluates at most this many cut sets before handing over to the heuristic (default 200 000). */
  exactLimit?: number;
  /** Seed of the heuristic's random restarts. */
  seed?: number;
}

export interface FoundCuts {
  cuts: Cut[];
  method: 'exact' | 'heuristic';
  /** Π γ² of the cuts (data-dependent RZZ angles at their bound). */
  samplingOverhead: number;
  /** Number of devices the pieces pack into. */
  fragments: number;
}

function overheadOf(g: CutGraph, cuts: Cut[]): number {
  let o = 1;
  for (const c of cuts) o *= cutGamma(g, c) ** 2;
  return o;
}

function fits(g: CutGraph, cuts: Cut[], K: number): boolean {
  return maxWidth(components(g, cuts)) <= K;
}

/** Checks that some cut set can exist: every gate that cannot be gate-cut must fit the device. */
export function checkDeviceWidth(g: CutGraph, K: number, kinds: CutKinds): void {
  if (!Number.isInteger(K) || K < 1) throw new QmlError(`the device width must be a positive integer, got ${K}`, '--max-qubits');
  g.gates.forEach((op, i) => {
    if (!op) return;
    const w = (op.controls?.length ?? 0) + op.wires.length;
    if (w <= K) return;
    const m = g.multi.find((x) => x.op === i);
    if (m?.cuttable && kinds !== 'wire') return;
    throw new QmlError(`a ${K}-qubit device cannot hold gate "${op.gate}" on ${w} qubits (op ${i})${m?.cuttable ? '; allow gate cuts' : ''}`, '--max-qubits');
  });
}

function choose(n: number, k: number): number {
  let r = 1;
  for (let i = 0; i < k; i++) r = (r * (n - i)) / (i + 1);
  return r;
}

/** Iterative deepening over cut sets; null when the limit is reached first. */
function exactSearch(g: CutGraph, cands: Cut[], K: number, limit: number): Cut[] | null {
  let evaluated = 0;
  for (let k = 0; k <= cands.length; k++) {
    if (evaluated + choose(cands.length, k) > limit) return null;
    let best: Cut[] | null = null, bestO = Infinity, bestF = Infinity;
    const idx = Array.from({ length: k }, (_, i) => i);
    for (;;) {
      evaluated++;
      const set = idx.map((i) => cands[i]);
      const comp = components(g, set);
      if (maxWidth(comp) <= K) {
        const o = overheadOf(g, set);
        const f = o < bestO || o === bestO ? packComponents(comp, K).length : Infinity;
        if (o < bestO || (o === bestO && f < bestF)) { best = set; bestO = o; bestF = f; }
      }
      // next combination in lexicographic order
      let j = k - 1;
      while (j >= 0 && idx[j] === cands.length - k + j) j--;
      if (j < 0) break;
      idx[j]++;
      for (let t = j + 1; t < k; t++) idx[t] = idx[t - 1] + 1;
    }
    if (best) return best;
  }
  return null;
}

/** Cost of a qubit grouping: a crossing cuttable gate costs one cut, a crossing other gate two wire cuts per foreign wire. */
function groupingCost(g: CutGraph, group: Int32Array, kinds: CutKinds): number {
  let cost = 0;
  for (const m of g.multi) {
    const g0 = group[m.wires[0]];
    let crossing = 0;
    for (const w of m.wires) if (group[w] !== g0) crossing++;
    if (!crossing) continue;
    cost += m.cuttable && kinds !== 'wire' ? 1 : 2 * Math.min(crossing, m.wires.length - crossing) + 0.5;
  }
  return cost;
}

/** Kernighan–Lin style refinement: swap or move single qubits between groups while the cost falls. */
function refine(g: CutGraph, group: Int32Array, F: number, K: number, kinds: CutKinds): void {
  const n = g.numQubits;
  const size = new Int32Array(F);
  for (let q = 0; q < n; q++) size[group[q]]++;
  let cost = groupingCost(g, group, kinds);
  for (let pass = 0; pass < 50; pass++) {
    let improved = false;
    for (let a = 0; a < n; a++) {
      for (let t = 0; t < F; t++) {
        if (t === group[a]) continue;
        if (size[t] < K) {
          const from = group[a];
          group[a] = t;
          const c = groupingCost(g, group, kinds);
          if (c < cost - 1e-9) { cost = c; size[from]--; size[t]++; improved = true; continue; }
          group[a] = from;
        }
        for (let b = 0; b < n; b++) {
          if (group[b] !== t) continue;
          const ga = group[a];
          group[a] = t; group[b] = ga;
          const c = groupingCost(g, group, kinds);
          if (c < cost - 1e-9) { cost = c; improved = true; break; }
          group[a] = ga; group[b] = t;
        }
      }
    }
    if (!improved) break;
  }
}

/** The cuts a qubit grouping implies, or null when a crossing gate cannot be handled with the allowed kinds. */
function cutsFromGrouping(g: CutGraph, group: Int32Array, kinds: CutKinds): Cut[] | null {
  const cuts: Cut[] = [];
  const seen = new Set<string>();
  const add = (c: Cut) => { const k = JSON.stringify(c); if (!seen.has(k)) { seen.add(k); cuts.push(c); } };
  for (const m of g.multi) {
    const groups = m.wires.map((w) => group[w]);
    if (groups.every((x) => x === groups[0])) continue;
    if (m.cuttable && kinds !== 'wire') { add({ kind: 'gate', op: m.op }); continue; }
    if (kinds === 'gate') return null;
    // Host the op in the group holding most of its wires; visiting wires are cut in and back out.
    const count = new Map<number, number>();
    for (const x of groups) count.set(x, (count.get(x) ?? 0) + 1);
    let host = groups[0];
    for (const [x, c] of count) if (c > count.get(host)!) host = x;
    for (const w of m.wires) {
      if (group[w] === host) continue;
      const ops = g.wireOps[w], j = ops.indexOf(m.op);
      if (j > 0) add({ kind: 'wire', wire: w, beforeOp: m.op });
      if (j + 1 < ops.length) add({ kind: 'wire', wire: w, beforeOp: ops[j + 1] });
    }
  }
  return cuts;
}

/** Drops cuts (most expensive first) whose removal keeps every piece within K. */
function prune(g: CutGraph, cuts: Cut[], K: number): Cut[] {
  let cur = [...cuts].sort((a, b) => cutGamma(g, b) - cutGamma(g, a));
  let changed = true;
  while (changed) {
    changed = false;
    for (let i = 0; i < cur.length; i++) {
      const trial = cur.filter((_, j) => j !== i);
      if (fits(g, trial, K)) { cur = trial; changed = true; break; }
    }
  }
  return cur;
}

function heuristic(g: CutGraph, K: number, kinds: CutKinds, seed: number): Cut[] | null {
  const n = g.numQubits;
  const rng = new Rng(seed);
  let best: Cut[] | null = null, bestKey = [Infinity, Infinity];
  for (let F = Math.ceil(n / K); F <= n; F++) {
    for (let restart = 0; restart < 4; restart++) {
      const order = Array.from({ length: n }, (_, i) => i);
      if (restart > 0) rng.shuffle(order);
      // Balanced blocks of consecutive qubits (in `order`), each at most K.
      const group = new Int32Array(n);
      const base = Math.floor(n / F), extra = n % F;
      let q = 0;
      for (let f = 0; f < F; f++) for (let k = 0; k < base + (f < extra ? 1 : 0); k++) group[order[q++]] = f;
      refine(g, group, F, K, kinds);
      const cuts = cutsFromGrouping(g, group, kinds);
      if (!cuts || !fits(g, cuts, K)) continue;
      const pruned = prune(g, cuts, K);
      const key = [pruned.length, overheadOf(g, pruned)];
      if (key[0] < bestKey[0] || (key[0] === bestKey[0] && key[1] < bestKey[1])) { best = pruned; bestKey = key; }
    }
    if (best) return best;
  }
  if (kinds !== 'gate') {
    // Time slicing: every wire cut between consecutive multi-qubit ops leaves one op per piece,
    // which always fits when each gate does; pruning then keeps only the cuts that are needed.
    const all = g.candidates.filter((c) => kinds === 'both' || c.kind === 'wire');
    if (fits(g, all, K)) return prune(g, all, K);
  }
  if (kinds !== 'gate') {
    // Time slicing: every wire cut between consecutive multi-qubit ops leaves one op per piece,
    // which always fits when each gate does; pruning then keeps only the cuts that are needed.
    const all = g.candidates.filter((c) => kinds === 'both' || c.kind === 'wire');
    if (fits(g, all, K)) return prune(g, all, K);
  }
  return null;
}

export function findCuts(circuit: Circuit, opts: FindCutsOptions): FoundCuts {
  const g = cutGraph(circuit);
  return findCutsIn(g, opts);
}

export function findCutsIn(g: CutGraph, opts: FindCutsOptions): FoundCuts {
  const K = opts.maxQubits, kinds = opts.kinds ?? 'both';
  if (!['wire', 'gate', 'both'].includes(kinds)) throw new QmlError(`cut kinds must be wire, gate or both, got "${kinds}"`, 'kinds');
  checkDeviceWidth(g, K, kinds);
  const cands = g.candidates.filter((c) => kinds === 'both' || c.kind === kinds);
  const limit = opts.exactLimit ?? 200_000;
  let cuts = exactSearch(g, cands, K, limit);
  let method: FoundCuts['method'] = 'exact';
  if (!cuts) {
    cuts = heuristic(g, K, kinds, opts.seed ?? 0);
    method = 'heuristic';
  }
  if (!cuts) throw new QmlError(`no set of ${kinds === 'both' ? 'wire and gate' : kinds} cuts fits this circuit onto ${K}-qubit devices`, '--max-qubits');
  const key = (c: Cut) => (c.kind === 'wire' ? [0, c.beforeOp, c.wire] : [1, c.op, 0]);
  cuts = [...cuts].sort((a, b) => { const x = key(a), y = key(b); return x[0] - y[0] || x[1] - y[1] || x[2] - y[2]; });
  return { cuts, method, samplingOverhead: overheadOf(g, cuts), fragments: packComponents(components(g, cuts), K).length };
}
