/**
 * The structure a cut finder searches: a circuit's multi-qubit operations along each wire, the
 * places a cut may go, and — for a given set of cuts — the connected pieces ("components") and
 * how many qubits each needs.
 *
 * A wire cut splits a wire into segments; every segment is one qubit of whichever fragment holds
 * it. A multi-qubit op joins the segments it touches, unless it is gate-cut. Components are the
 * connected sets of segments; a component's width is its number of segments.
 */
import { QmlError } from '../../core/errors.js';
import { measuresOnlyAtEnd, type Circuit, type GateOp } from '../circuit.js';
import { constantAngle, cuttableKind, gateCutGamma, WIRE_CUT_GAMMA, type CuttableGate } from './decompositions.js';

/** A wire cut just before op `beforeOp` on `wire` (single-qubit gates before it stay upstream). */
export interface WireCut { kind: 'wire'; wire: number; beforeOp: number }
/** A gate cut of the two-qubit op at index `op` (CZ, CX or RZZ). */
export interface GateCut { kind: 'gate'; op: number }
export type Cut = WireCut | GateCut;

export interface MultiOp { op: number; wires: number[]; cuttable: CuttableGate | null; gamma: number }

export interface CutGraph {
  numQubits: number;
  /** The circuit's gate ops by index (barriers and final measurements dropped, indices kept). */
  gates: Array<GateOp | null>;
  multi: MultiOp[];
  /** Per wire, the indices of the multi-qubit ops touching it, in circuit order. */
  wireOps: number[][];
  /** Every useful cut: between consecutive multi-qubit ops of a wire, and every cuttable gate. */
  candidates: Cut[];
  /** The widest gate (wires + controls). */
  maxGateWidth: number;
}

export function opWires(op: GateOp): number[] {
  return op.controls?.length ? [...op.controls, ...op.wires] : op.wires;
}

/** Checks the circuit can be cut (unitary up to final read-out) and indexes its structure. */
export function cutGraph(c: Circuit): CutGraph {
  if (!c || !Number.isInteger(c.numQubits) || c.numQubits < 1 || !Array.isArray(c.ops)) throw new QmlError('not a circuit (numQubits and ops are needed)', 'circuit');
  if (!measuresOnlyAtEnd(c)) throw new QmlError('circuit cutting needs a unitary circuit: mid-circuit measurement, reset and classical conditions cannot be cut', 'circuit');
  const n = c.numQubits;
  const gates: Array<GateOp | null> = c.ops.map((op) => (op.kind === 'gate' ? op : null));
  const multi: MultiOp[] = [];
  const wireOps: number[][] = Array.from({ length: n }, () => []);
  let maxGateWidth = 0;
  gates.forEach((op, i) => {
    if (!op) return;
    const ws = opWires(op);
    for (const w of ws) if (!Number.isInteger(w) || w < 0 || w >= n) throw new QmlError(`wire ${w} is out of range for ${n} qubits`, `circuit.ops[${i}]`);
    maxGateWidth = Math.max(maxGateWidth, ws.length);
    if (ws.length < 2) return;
    const k = cuttableKind(op);
    multi.push({ op: i, wires: ws, cuttable: k, gamma: k ? gateCutGamma(k, k === 'rzz' ? constantAngle(op.params?.[0]) : null) : Infinity });
    for (const w of ws) wireOps[w].push(i);
  });
  const candidates: Cut[] = [];
  for (let w = 0; w < n; w++) for (let j = 1; j < wireOps[w].length; j++) candidates.push({ kind: 'wire', wire: w, beforeOp: wireOps[w][j] });
  for (const m of multi) if (m.cuttable) candidates.push({ kind: 'gate', op: m.op });
  return { numQubits: n, gates, multi, wireOps, candidates, maxGateWidth };
}

/** γ of one cut (a data-dependent RZZ angle counts at its bound, 3). */
export function cutGamma(g: CutGraph, cut: Cut): number {
  if (cut.kind === 'wire') return WIRE_CUT_GAMMA;
  const m = g.multi.find((x) => x.op === cut.op);
  if (!m?.cuttable) throw new QmlError(`op ${cut.op} is not a CZ, CX or RZZ and cannot be gate-cut`, 'cuts');
  return m.gamma;
}

/** Π γ² over the cuts: the factor by which shots must grow to keep the uncut circuit's precision. */
export function samplingOverhead(g: CutGraph, cuts: Cut[]): number {
  let o = 1;
  for (const c of cuts) o *= cutGamma(g, c) ** 2;
  return o;
}

export interface Segment { wire: number; segment: number }

export interface Components {
  /** Segment id → component id. */
  component: Int32Array;
  /** Per component, its segment ids (ascending). */
  members: number[][];
  /** Segment ids: wire w's segments are segStart[w] .. segStart[w+1]−1. */
  segStart: Int32Array;
  /** Per wire, the sorted op indices before which it is cut. */
  wireCuts: number[][];
}

/** The segment of wire w that holds op index i (a cut "before i" puts i in the next segment). */
export function segmentOf(wireCuts: number[], i: number): number {
  let s = 0;
  while (s < wireCuts.length && wireCuts[s] <= i) s++;
  return s;
}

/** Components (connected pieces) of the circuit after the given cuts. */
export function components(g: CutGraph, cuts: readonly Cut[]): Components {
  const n = g.numQubits;
  const wireCuts: number[][] = Array.from({ length: n }, () => []);
  const gateCut = new Set<number>();
  for (const c of cuts) {
    if (c.kind === 'wire') wireCuts[c.wire].push(c.beforeOp);
    else gateCut.add(c.op);
  }
  const segStart = new Int32Array(n + 1);
  for (let w = 0; w < n; w++) {
    wireCuts[w].sort((a, b) => a - b);
    segStart[w + 1] = segStart[w] + wireCuts[w].length + 1;
  }
  const S = segStart[n];
  const parent = Int32Array.from({ length: S }, (_, i) => i);
  const find = (x: number): number => {
    while (parent[x] !== x) { parent[x] = parent[parent[x]]; x = parent[x]; }
    return x;
  };
  for (const m of g.multi) {
    if (gateCut.has(m.op)) continue;
    const r0 = find(segStart[m.wires[0]] + segmentOf(wireCuts[m.wires[0]], m.op));
    for (let k = 1; k < m.wires.length; k++) {
      const r = find(segStart[m.wires[k]] + segmentOf(wireCuts[m.wires[k]], m.op));
      if (r !== r0) parent[r] = r0;
    }
  }
  const id = new Map<number, number>();
  const component = new Int32Array(S);
  const members: number[][] = [];
  for (let s = 0; s < S; s++) {
    const r = find(s);
    let c = id.get(r);
    if (c === undefined) { c = members.length; id.set(r, c); members.push([]); }
    component[s] = c;
    members[c].push(s);
  }
  return { component, members, segStart, wireCuts };
}

/** The widest component after the cuts. */
export function maxWidth(comp: Components): number {
  let w = 0;
  for (const m of comp.members) w = Math.max(w, m.length);
  return w;
}

/** Σ max(0, width − K) over components: how far a cut set is from fitting. */
export function excess(comp: Components, K: number): number {
  let e = 0;
  for (const m of comp.members) e += Math.max(0, m.length - K);
  return e;
}

/**
 * Components packed into devices of K qubits (first-fit decreasing): independent pieces share a
 * device, so a circuit needs as few devices as the bins allow. Returns component ids per bin.
 */
export function packComponents(comp: Components, K: number): number[][] {
  const order = comp.members.map((m, i) => [i, m.length] as const).sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  const bins: { load: number; items: number[] }[] = [];
  for (const [c, w] of order) {
    if (w > K) throw new QmlError(`a piece of ${w} qubits does not fit a ${K}-qubit device`, 'cuts');
    const b = bins.find((x) => x.load + w <= K);
    if (b) { b.load += w; b.items.push(c); } else bins.push({ load: w, items: [c] });
  }
  return bins.map((b) => b.items.sort((x, y) => comp.members[x][0] - comp.members[y][0]));
}

/** The cuts as one readable line each: "wire q3 before op 17", "gate cx op 9 (q2, q5)". */
export function describeCut(g: CutGraph, c: Cut): string {
  if (c.kind === 'wire') return `wire q${c.wire} before op ${c.beforeOp}`;
  const op = g.gates[c.op]!;
  return `gate ${op.gate} op ${c.op} (q${op.wires[0]}, q${op.wires[1]})`;
}

/** Checks a user-given cut list against the circuit. */
export function validateCuts(g: CutGraph, cuts: readonly Cut[]): void {
  if (!Array.isArray(cuts)) throw new QmlError('cuts must be a list', 'cuts');
  const seen = new Set<string>();
  cuts.forEach((c, i) => {
    const at = `cuts[${i}]`;
    const key = JSON.stringify(c);
    if (seen.has(key)) throw new QmlError('the same cut appears twice', at);
    seen.add(key);
    if (c?.kind === 'wire') {
      if (!Number.isInteger(c.wire) || c.wire < 0 || c.wire >= g.numQubits) throw new QmlError(`wire ${c.wire} is out of range`, at);
      if (!g.wireOps[c.wire].includes(c.beforeOp) || g.wireOps[c.wire][0] === c.beforeOp) {
        throw new QmlError(`a wire cut on q${c.wire} must sit before a multi-qubit op on that wire that is not its first (op ${c.beforeOp} is not one)`, at);
      }
    } else if (c?.kind === 'gate') {
      const m = g.multi.find((x) => x.op === c.op);
      if (!m?.cuttable) throw new QmlError(`op ${c.op} is not a CZ, CX or RZZ without extra controls and cannot be gate-cut`, at);
    } else throw new QmlError('a cut is {kind: "wire", wire, beforeOp} or {kind: "gate", op}', at);
  });
}
