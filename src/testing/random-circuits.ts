/**
 * Seeded random circuits for property tests: every gate of the table, extra controls, fixed
 * unitaries, and angles that mix trainable parameters, input features and feature products.
 */
import { Rng } from '../core/rng.js';
import type { Angle, AngleExpr, Circuit, GateOp } from '../sim/circuit.js';
import { resolveGate } from '../sim/gates.js';

export const ALL_GATES = [
  'id', 'x', 'y', 'z', 'h', 's', 'sdg', 't', 'tdg', 'sx', 'sxdg', 'rx', 'ry', 'rz', 'p', 'u1', 'u2', 'u3', 'u',
  'cx', 'cy', 'cz', 'ch', 'crx', 'cry', 'crz', 'cp', 'cu1', 'cu3', 'swap', 'iswap', 'ccx', 'cswap', 'rxx', 'ryy', 'rzz', 'rzx', 'csx', 'ccz',
];

/** A Haar-ish random unitary from the QR decomposition (Gram-Schmidt) of a complex Gaussian matrix. */
export function randomUnitary(k: number, rng: Rng): [number, number][][] {
  const D = 1 << k;
  const cols: number[][] = [];
  for (let c = 0; c < D; c++) {
    const v = Array.from({ length: 2 * D }, () => rng.normal());
    for (const u of cols) {
      // v -= <u, v> u
      let re = 0, im = 0;
      for (let i = 0; i < D; i++) { re += u[2 * i] * v[2 * i] + u[2 * i + 1] * v[2 * i + 1]; im += u[2 * i] * v[2 * i + 1] - u[2 * i + 1] * v[2 * i]; }
      for (let i = 0; i < D; i++) {
        v[2 * i] -= re * u[2 * i] - im * u[2 * i + 1];
        v[2 * i + 1] -= re * u[2 * i + 1] + im * u[2 * i];
      }
    }
    const norm = Math.sqrt(v.reduce((a, x) => a + x * x, 0));
    cols.push(v.map((x) => x / norm));
  }
  return Array.from({ length: D }, (_, r) => Array.from({ length: D }, (_, c) => [cols[c][2 * r], cols[c][2 * r + 1]] as [number, number]));
}

export interface RandomCircuitOptions {
  qubits: number;
  gates: number;
  params?: number;
  inputs?: number;
  /** Probability that a gate gets an extra control. */
  extraControls?: number;
  unitaries?: boolean;
  gateSet?: string[];
}

function randomAngle(rng: Rng, P: number, X: number): Angle {
  const u = rng.next();
  if ((P === 0 && X === 0) || u < 0.25) return (rng.next() * 4 - 2) * Math.PI;
  const a: AngleExpr = { offset: rng.next() - 0.5, terms: [] };
  if (P > 0 && rng.next() < 0.8) a.terms.push({ src: 'param', index: rng.int(P), coef: 0.5 + rng.next() });
  if (X > 0 && rng.next() < 0.6) a.terms.push({ src: 'input', index: rng.int(X), coef: rng.next() * 2 - 1 });
  if (X > 1 && rng.next() < 0.2) a.terms.push({ src: 'input', index: rng.int(X), coef: 0.7, times: rng.int(X) });
  return a;
}

export function randomCircuit(rng: Rng, o: RandomCircuitOptions): Circuit {
  const n = o.qubits, P = o.params ?? 0, X = o.inputs ?? 0;
  const set = (o.gateSet ?? ALL_GATES).filter((g) => { const r = resolveGate(g)!; return r.def.qubits + r.aliasControls <= n; });
  const ops: GateOp[] = [];
  for (let i = 0; i < o.gates; i++) {
    if (o.unitaries && n >= 2 && rng.next() < 0.08) {
      const k = 1 + rng.int(2);
      const wires = pick(rng, n, k);
      ops.push({ kind: 'gate', gate: 'unitary', wires, matrix: randomUnitary(k, rng) });
      continue;
    }
    const g = set[rng.int(set.length)];
    const r = resolveGate(g)!;
    const arity = r.def.qubits + r.aliasControls;
    const extra = o.extraControls && n > arity && rng.next() < o.extraControls ? 1 : 0;
    const wires = pick(rng, n, arity + extra);
    const op: GateOp = { kind: 'gate', gate: g, wires: wires.slice(extra) };
    if (extra) op.controls = wires.slice(0, extra);
    if (r.def.params) op.params = Array.from({ length: r.def.params }, () => randomAngle(rng, P, X));
    ops.push(op);
  }
  return { numQubits: n, numClbits: 0, ops, numParams: P, numInputs: X };
}

function pick(rng: Rng, n: number, k: number): number[] {
  const all = Array.from({ length: n }, (_, i) => i);
  rng.shuffle(all);
  return all.slice(0, k);
}

export function randomVector(rng: Rng, len: number, scale = Math.PI): Float64Array {
  return Float64Array.from({ length: len }, () => (rng.next() * 2 - 1) * scale);
}
