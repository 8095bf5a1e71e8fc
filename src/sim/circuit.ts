/**
 * Circuits are plain, serialisable data. An angle is a number or a linear expression over
 * trainable parameters and input features (optionally with products of two features, for IQP-style
 * maps), so one circuit template serves every data row and every gradient.
 *
 * @example
 * import { CircuitBuilder, param, input } from 'qml6g';
 * const c = new CircuitBuilder(2)
 *   .ry(0, input(0, Math.PI))          // angle = π·x[0]
 *   .ry(1, input(1, Math.PI))
 *   .cx(0, 1)
 *   .rz(1, param(0))                   // angle = θ[0]
 *   .build();
 * JSON.stringify(c);                   // plain data, round-trips through JSON
 */
import { QmlError } from '../core/errors.js';

export interface AngleTerm {
  /** 'param' reads θ[index]; 'input' reads x[index] (times x[times] when `times` is set). */
  src: 'param' | 'input';
  index: number;
  coef: number;
  times?: number;
}
export interface AngleExpr {
  offset: number;
  terms: AngleTerm[];
}
export type Angle = number | AngleExpr;

export interface Condition {
  /** First classical bit of the register compared and its width, as OpenQASM's if(creg==value). */
  offset: number;
  size: number;
  value: number;
}

export interface GateOp {
  kind: 'gate';
  gate: string;
  wires: number[];
  params?: Angle[];
  /** Extra control wires (all must be |1⟩) added to any gate. */
  controls?: number[];
  /** For gate 'unitary': the 2^k x 2^k matrix as rows of [re, im] (textbook order, wires[0] most significant). */
  matrix?: [number, number][][];
  condition?: Condition;
}
export interface MeasureOp { kind: 'measure'; wire: number; clbit: number; condition?: Condition }
export interface ResetOp { kind: 'reset'; wire: number; condition?: Condition }
export interface BarrierOp { kind: 'barrier'; wires: number[] }
export type Operation = GateOp | MeasureOp | ResetOp | BarrierOp;

export interface Register { name: string; size: number; offset: number }

export interface Circuit {
  numQubits: number;
  numClbits: number;
  ops: Operation[];
  qregs?: Register[];
  cregs?: Register[];
  /** Number of trainable parameters and input features the angles refer to (at least max index + 1). */
  numParams?: number;
  numInputs?: number;
}

/** θ[index] · coef. */
export function param(index: number, coef = 1): AngleExpr {
  return { offset: 0, terms: [{ src: 'param', index, coef }] };
}
/** x[index] · scale + offset. */
export function input(index: number, scale = 1, offset = 0): AngleExpr {
  return { offset, terms: [{ src: 'input', index, coef: scale }] };
}
/** x[i] · x[j] · coef, for second-order feature maps. */
export function inputProduct(i: number, j: number, coef = 1): AngleExpr {
  return { offset: 0, terms: [{ src: 'input', index: i, coef, times: j }] };
}
/** The sum of angles: sum(input(3), param(3)) adds a data angle to a trained angle. */
export function sum(...angles: Angle[]): AngleExpr {
  const out: AngleExpr = { offset: 0, terms: [] };
  for (const a of angles) {
    if (typeof a === 'number') out.offset += a;
    else { out.offset += a.offset; out.terms.push(...a.terms.map((t) => ({ ...t }))); }
  }
  return out;
}
/** The angle scaled by k. */
export function scale(a: Angle, k: number): Angle {
  if (typeof a === 'number') return a * k;
  return { offset: a.offset * k, terms: a.terms.map((t) => ({ ...t, coef: t.coef * k })) };
}

/** Evaluates an angle for given parameter and input vectors. */
export function evalAngle(a: Angle, params: ArrayLike<number>, inputs: ArrayLike<number>): number {
  if (typeof a === 'number') return a;
  let v = a.offset;
  for (const t of a.terms) {
    if (t.src === 'param') v += t.coef * params[t.index];
    else v += t.times === undefined ? t.coef * inputs[t.index] : t.coef * inputs[t.index] * inputs[t.times];
  }
  return v;
}

/** Parameter and input counts that a circuit's angles need. */
export function angleArity(c: Circuit): { params: number; inputs: number } {
  let params = c.numParams ?? 0, inputs = c.numInputs ?? 0;
  for (const op of c.ops) {
    if (op.kind !== 'gate' || !op.params) continue;
    for (const a of op.params) {
      if (typeof a === 'number') continue;
      for (const t of a.terms) {
        if (t.src === 'param') params = Math.max(params, t.index + 1);
        else inputs = Math.max(inputs, t.index + 1, (t.times ?? -1) + 1);
      }
    }
  }
  return { params, inputs };
}

/**
 * A fluent builder over the same plain data. Every method returns the builder; `build()` returns
 * a deep copy, so a builder can keep growing after a circuit was taken from it.
 */
export class CircuitBuilder {
  private readonly c: Circuit;
  constructor(numQubits: number, numClbits = 0) {
    this.c = { numQubits, numClbits, ops: [] };
  }
  gate(gate: string, wires: number[], params: Angle[] = [], opts: { controls?: number[]; condition?: Condition } = {}): this {
    const op: GateOp = { kind: 'gate', gate, wires: [...wires] };
    if (params.length) op.params = params;
    if (opts.controls?.length) op.controls = [...opts.controls];
    if (opts.condition) op.condition = { ...opts.condition };
    this.c.ops.push(op);
    return this;
  }
  /** Any gate with extra controls: controlled('rz', [c1, c2], [t], [θ]). */
  controlled(gate: string, controls: number[], wires: number[], params: Angle[] = []): this {
    return this.gate(gate, wires, params, { controls });
  }
  unitary(wires: number[], matrix: [number, number][][]): this {
    this.c.ops.push({ kind: 'gate', gate: 'unitary', wires: [...wires], matrix: matrix.map((r) => r.map((e) => [e[0], e[1]] as [number, number])) });
    return this;
  }
  h(q: number): this { return this.gate('h', [q]); }
  x(q: number): this { return this.gate('x', [q]); }
  y(q: number): this { return this.gate('y', [q]); }
  z(q: number): this { return this.gate('z', [q]); }
  s(q: number): this { return this.gate('s', [q]); }
  t(q: number): this { return this.gate('t', [q]); }
  rx(q: number, a: Angle): this { return this.gate('rx', [q], [a]); }
  ry(q: number, a: Angle): this { return this.gate('ry', [q], [a]); }
  rz(q: number, a: Angle): this { return this.gate('rz', [q], [a]); }
  p(q: number, a: Angle): this { return this.gate('p', [q], [a]); }
  u3(q: number, t: Angle, f: Angle, l: Angle): this { return this.gate('u3', [q], [t, f, l]); }
  cx(c: number, t: number): this { return this.gate('cx', [c, t]); }
  cz(c: number, t: number): this { return this.gate('cz', [c, t]); }
  crx(c: number, t: number, a: Angle): this { return this.gate('crx', [c, t], [a]); }
  cry(c: number, t: number, a: Angle): this { return this.gate('cry', [c, t], [a]); }
  crz(c: number, t: number, a: Angle): this { return this.gate('crz', [c, t], [a]); }
  swap(a: number, b: number): this { return this.gate('swap', [a, b]); }
  ccx(a: number, b: number, t: number): this { return this.gate('ccx', [a, b, t]); }
  rzz(a: number, b: number, th: Angle): this { return this.gate('rzz', [a, b], [th]); }
  rxx(a: number, b: number, th: Angle): this { return this.gate('rxx', [a, b], [th]); }
  ryy(a: number, b: number, th: Angle): this { return this.gate('ryy', [a, b], [th]); }
  measure(wire: number, clbit: number): this {
    this.c.numClbits = Math.max(this.c.numClbits, clbit + 1);
    this.c.ops.push({ kind: 'measure', wire, clbit });
    return this;
  }
  measureAll(): this {
    for (let q = 0; q < this.c.numQubits; q++) this.measure(q, q);
    return this;
  }
  reset(wire: number): this { this.c.ops.push({ kind: 'reset', wire }); return this; }
  barrier(...wires: number[]): this {
    this.c.ops.push({ kind: 'barrier', wires: wires.length ? wires : [...Array(this.c.numQubits).keys()] });
    return this;
  }
  append(other: Circuit, wireMap?: number[]): this {
    const map = (w: number) => (wireMap ? wireMap[w] : w);
    for (const op of cloneCircuit(other).ops) {
      if (op.kind === 'gate') { op.wires = op.wires.map(map); if (op.controls) op.controls = op.controls.map(map); }
      else if (op.kind === 'barrier') op.wires = op.wires.map(map);
      else op.wire = map(op.wire);
      this.c.ops.push(op);
    }
    this.c.numClbits = Math.max(this.c.numClbits, other.numClbits);
    return this;
  }
  build(): Circuit {
    return cloneCircuit(this.c);
  }
}

export function cloneCircuit(c: Circuit): Circuit {
  return JSON.parse(JSON.stringify(c)) as Circuit;
}

/** True when no measure, reset or condition occurs before the last gate: the state before read-out is well defined. */
export function measuresOnlyAtEnd(c: Circuit): boolean {
  const measured = new Set<number>();
  for (const op of c.ops) {
    if (op.kind === 'reset') return false;
    if (op.kind === 'measure') { if (op.condition) return false; measured.add(op.wire); continue; }
    if (op.kind === 'gate') {
      if (op.condition) return false;
      for (const w of op.wires) if (measured.has(w)) return false;
      for (const w of op.controls ?? []) if (measured.has(w)) return false;
    }
  }
  return true;
}

export { QmlError };
