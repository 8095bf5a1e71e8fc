/**
 * Fragments: a cut circuit as plain `Circuit` data, one per device, plus the places ("sites")
 * where each cut's local operations go. A fragment variant (one local action chosen per site) is
 * an ordinary circuit: the measurement of a gate cut is a mid-circuit `measure` into a classical
 * bit whose ±1 value multiplies the estimate; the upstream side of a wire cut measures a Pauli on
 * the fragment's qubit for that wire (a factor of the fragment's observable).
 *
 * @example
 * import { planCuts, fragmentVariant, CircuitBuilder } from 'qml6g';
 * const c = new CircuitBuilder(4).h(0).cx(0, 1).cz(1, 2).cx(2, 3).build();
 * const plan = planCuts(c, { maxQubits: 2, kinds: 'gate' });
 * plan.fragments.length;          // 2 devices of 2 qubits
 * plan.samplingOverhead;          // 9 (one CZ cut, γ = 3)
 * fragmentVariant(plan, 0, [2]).circuit.ops.some((o) => o.kind === 'measure'); // true: the signed measurement
 */
import { QmlError } from '../../core/errors.js';
import type { Circuit, GateOp, Operation } from '../circuit.js';
import {
  constantAngle, cuttableKind, GATE_ACTIONS, gateSideOps, prepOps, WIRE_MEASURES, WIRE_PREPS,
  type CuttableGate, type WireMeasure,
} from './decompositions.js';
import { findCutsIn, type CutKinds } from './finder.js';
import { components, cutGraph, cutGamma, describeCut, opWires, packComponents, segmentOf, validateCuts, type Cut, type CutGraph } from './graph.js';

/** Where one side of one cut acts inside a fragment. */
export interface CutSite {
  /** Index into plan.cuts. */
  cut: number;
  /** 'up' / 'down': the two sides of a wire cut; 'gate': one side of a gate cut. */
  role: 'up' | 'down' | 'gate';
  /** For gate cuts: 0 for the gate's first wire, 1 for its second. */
  side: 0 | 1;
  /** The fragment's local qubit. */
  qubit: number;
  /** Actions are inserted before ops[at] of the fragment's template circuit. */
  at: number;
}

export interface Fragment {
  /** The fragment's ops on its own qubits, cut sites left empty (angles still refer to the original parameters and inputs). */
  circuit: Circuit;
  /** Local qubit → the original wire and its segment (segments are split by wire cuts). */
  qubits: Array<{ wire: number; segment: number }>;
  sites: CutSite[];
}

export interface CutPlan {
  format: 'qml6g-cut-plan';
  numQubits: number;
  maxQubits: number;
  cuts: Cut[];
  /** One readable line per cut. */
  described: string[];
  /** γ per cut (data-dependent RZZ angles at their bound, 3). */
  gammas: number[];
  /** Per cut: the cuttable gate (with its RZZ angle) for gate cuts. */
  gateKinds: Array<{ kind: CuttableGate; op: GateOp } | null>;
  fragments: Fragment[];
  /** Where each original wire ends: [fragment, local qubit]; observables are read there. */
  outputs: Array<[number, number]>;
  /** Π γ²: shots must grow by this factor to match the uncut circuit's precision. */
  samplingOverhead: number;
  method: 'exact' | 'heuristic' | 'given';
}

export interface PlanOptions {
  maxQubits: number;
  kinds?: CutKinds;
  /** Refuse plans whose sampling overhead Π γ² exceeds this (default 1e6). */
  maxOverhead?: number;
  exactLimit?: number;
  seed?: number;
  /** Use these cuts instead of searching. */
  cuts?: Cut[];
}

export const DEFAULT_MAX_OVERHEAD = 1e6;

/** Finds cuts (or takes the given ones), checks the overhead budget, and builds the fragments. */
export function planCuts(circuit: Circuit, opts: PlanOptions): CutPlan {
  const g = cutGraph(circuit);
  const budget = opts.maxOverhead ?? DEFAULT_MAX_OVERHEAD;
  if (!(budget >= 1)) throw new QmlError(`the overhead budget must be at least 1, got ${budget}`, '--max-overhead');
  let cuts: Cut[], method: CutPlan['method'];
  if (opts.cuts) {
    validateCuts(g, opts.cuts);
    cuts = opts.cuts.map((c) => ({ ...c }));
    method = 'given';
  } else {
    const found = findCutsIn(g, { maxQubits: opts.maxQubits, kinds: opts.kinds, exactLimit: opts.exactLimit, seed: opts.seed });
    cuts = found.cuts;
    method = found.method;
  }
  const gammas = cuts.map((c) => cutGamma(g, c));
  const overhead = gammas.reduce((a, x) => a * x * x, 1);
  if (overhead > budget * (1 + 1e-12)) {
    throw new QmlError(`${cuts.length} cut(s) need a sampling overhead of ${fmt(overhead)} (Π γ²), above the budget of ${fmt(budget)}; use wider devices or raise the budget`, '--max-overhead');
  }
  return buildPlan(circuit, g, cuts, gammas, overhead, opts.maxQubits, method);
}

function fmt(x: number): string {
  return x >= 1e5 ? x.toExponential(2) : String(Math.round(x * 100) / 100);
}

function buildPlan(circuit: Circuit, g: CutGraph, cuts: Cut[], gammas: number[], overhead: number, K: number, method: CutPlan['method']): CutPlan {
  const comp = components(g, cuts);
  const widest = Math.max(...comp.members.map((m) => m.length));
  if (widest > K) throw new QmlError(`after ${cuts.length} cut(s) a piece still needs ${widest} qubits, more than the ${K}-qubit device`, 'cuts');
  const bins = packComponents(comp, K);
  const n = g.numQubits;
  // segment id → [fragment, local qubit]
  const where = new Int32Array(2 * comp.segStart[n]);
  const fragments: Fragment[] = bins.map((items, f) => {
    const segs = items.flatMap((c) => comp.members[c]).sort((a, b) => a - b);
    const qubits = segs.map((s, q) => {
      where[2 * s] = f; where[2 * s + 1] = q;
      let w = 0;
      while (comp.segStart[w + 1] <= s) w++;
      return { wire: w, segment: s - comp.segStart[w] };
    });
    return {
      circuit: {
        numQubits: qubits.length, numClbits: 0, ops: [],
        ...(circuit.numParams !== undefined ? { numParams: circuit.numParams } : {}),
        ...(circuit.numInputs !== undefined ? { numInputs: circuit.numInputs } : {}),
      } as Circuit,
      qubits, sites: [],
    };
  });
  const loc = (w: number, i: number): [number, number] => {
    const s = comp.segStart[w] + segmentOf(comp.wireCuts[w], i);
    return [where[2 * s], where[2 * s + 1]];
  };
  const gateCutIndex = new Map<number, number>();
  cuts.forEach((c, k) => { if (c.kind === 'gate') gateCutIndex.set(c.op, k); });
  const gateKinds: CutPlan['gateKinds'] = cuts.map((c) => (c.kind === 'gate' ? { kind: cuttableKind(g.gates[c.op]!)!, op: g.gates[c.op]! } : null));
  g.gates.forEach((op, i) => {
    if (!op) return;
    const k = gateCutIndex.get(i);
    if (k !== undefined) {
      op.wires.forEach((w, side) => {
        const [f, q] = loc(w, i);
        fragments[f].sites.push({ cut: k, role: 'gate', side: side as 0 | 1, qubit: q, at: fragments[f].circuit.ops.length });
      });
      return;
    }
    const ws = opWires(op);
    const [f] = loc(ws[0], i);
    const map = (w: number) => {
      const [f2, q] = loc(w, i);
      if (f2 !== f) throw new QmlError(`internal: op ${i} spans two fragments without a cut`);
      return q;
    };
    const out: GateOp = { ...op, wires: op.wires.map(map) };
    if (op.controls) out.controls = op.controls.map(map);
    fragments[f].circuit.ops.push(JSON.parse(JSON.stringify(out)) as GateOp);
  });
  cuts.forEach((c, k) => {
    if (c.kind !== 'wire') return;
    const [fu, qu] = loc(c.wire, c.beforeOp - 0.5);
    const [fd, qd] = loc(c.wire, c.beforeOp);
    fragments[fu].sites.push({ cut: k, role: 'up', side: 0, qubit: qu, at: fragments[fu].circuit.ops.length });
    fragments[fd].sites.push({ cut: k, role: 'down', side: 1, qubit: qd, at: 0 });
  });
  for (const f of fragments) f.sites.sort((a, b) => a.at - b.at || a.cut - b.cut || a.side - b.side);
  const outputs: Array<[number, number]> = [];
  for (let w = 0; w < n; w++) outputs.push(loc(w, Infinity));
  return {
    format: 'qml6g-cut-plan', numQubits: n, maxQubits: K, cuts, described: cuts.map((c) => describeCut(g, c)), gammas, gateKinds,
    fragments, outputs, samplingOverhead: overhead, method,
  };
}

/** How many local actions a site can take: 4 measured Paulis (up), 6 preparations (down), 5 gate-cut actions. */
export function siteRadix(s: CutSite): number {
  return s.role === 'up' ? WIRE_MEASURES.length : s.role === 'down' ? WIRE_PREPS.length : GATE_ACTIONS.length;
}

/** A concrete fragment circuit for one choice of action per site, with the Pauli to read at the end. */
export interface FragmentVariant {
  circuit: Circuit;
  /** Pauli factors from wire cuts' upstream sides, per local qubit ('I' elsewhere); multiply into the fragment's observable. */
  paulis: WireMeasure[];
  /** Classical bits whose parity multiplies the estimate (the signed measurements of gate cuts). */
  signClbits: number[];
}

/**
 * The circuit of fragment f with `actions[i]` chosen at sites[i] (indices into WIRE_MEASURES,
 * WIRE_PREPS or GATE_ACTIONS by the site's role).
 */
export function fragmentVariant(plan: CutPlan, f: number, actions: ArrayLike<number>): FragmentVariant {
  const frag = plan.fragments[f];
  if (!frag) throw new QmlError(`fragment ${f} does not exist (the plan has ${plan.fragments.length})`);
  if (actions.length !== frag.sites.length) throw new QmlError(`fragment ${f} has ${frag.sites.length} cut site(s), got ${actions.length} action(s)`);
  const ops: Operation[] = [];
  const paulis: WireMeasure[] = Array.from({ length: frag.circuit.numQubits }, () => 'I' as const);
  const signClbits: number[] = [];
  let si = 0;
  const T = frag.circuit.ops.length;
  for (let i = 0; i <= T; i++) {
    while (si < frag.sites.length && frag.sites[si].at === i) {
      const s = frag.sites[si], a = actions[si];
      if (!Number.isInteger(a) || a < 0 || a >= siteRadix(s)) throw new QmlError(`action ${a} is out of range for a ${s.role} site`, `actions[${si}]`);
      if (s.role === 'up') paulis[s.qubit] = WIRE_MEASURES[a];
      else if (s.role === 'down') ops.push(...prepOps(WIRE_PREPS[a], s.qubit));
      else {
        const gk = plan.gateKinds[s.cut]!;
        const action = GATE_ACTIONS[a];
        const clbit = signClbits.length;
        if (action === 'measure') signClbits.push(clbit);
        ops.push(...gateSideOps(gk.kind, s.side, action, s.qubit, clbit));
      }
      si++;
    }
    if (i < T) ops.push(frag.circuit.ops[i]);
  }
  return { circuit: { ...frag.circuit, numClbits: signClbits.length, ops }, paulis, signClbits };
}

/** The RZZ angle a gate cut decomposes at the given binding (CZ, CX: −π/2). */
export function gateCutAngle(plan: CutPlan, cut: number, evalAngle: (a: NonNullable<GateOp['params']>[number]) => number): number {
  const gk = plan.gateKinds[cut];
  if (!gk) throw new QmlError(`cut ${cut} is not a gate cut`);
  if (gk.kind !== 'rzz') return -Math.PI / 2;
  const c = constantAngle(gk.op.params?.[0]);
  return c ?? evalAngle(gk.op.params![0]);
}
