/**
 * Compiling a circuit: validate it once (names, wires, parameter counts, finite angles, unitarity)
 * and turn it into a flat list of instructions with preallocated matrix buffers, so executing it for
 * many data rows allocates nothing.
 */
import { QmlError } from '../core/errors.js';
import type { Angle, Circuit, Condition, GateOp, Operation } from './circuit.js';
import { baseGate, resolveGate, unitaryGate, type GateDef } from './gates.js';

export interface CompiledAngle {
  offset: number;
  /** Parallel arrays of terms: source (0 param, 1 input), index, coefficient, second input index or -1. */
  src: Uint8Array;
  idx: Int32Array;
  coef: Float64Array;
  times: Int32Array;
}

export interface GateInstr {
  kind: 'gate';
  def: GateDef;
  /** The op's name as written (cx, ccx, ...), which noise models key on. */
  name: string;
  targets: number[];
  controls: number[];
  cmask: number;
  angles: CompiledAngle[];
  /** True when no angle depends on parameters or inputs: `matrix` is filled once at compile time. */
  constant: boolean;
  matrix: Float64Array;
  /** Scratch for the current angle values. */
  values: Float64Array;
  condition?: Condition;
  /** Index of the source op in circuit.ops (macros expand to several instructions with one index). */
  opIndex: number;
}
export interface MeasureInstr { kind: 'measure'; wire: number; clbit: number; condition?: Condition; opIndex: number }
export interface ResetInstr { kind: 'reset'; wire: number; condition?: Condition; opIndex: number }
export type Instr = GateInstr | MeasureInstr | ResetInstr;

export interface Program {
  numQubits: number;
  numClbits: number;
  numParams: number;
  numInputs: number;
  instrs: Instr[];
  /** Whether any measure/reset/condition occurs before the end (needs branching execution). */
  midCircuit: boolean;
}

/** Multi-qubit gates of qelib1 that are defined by their decomposition, not a controlled base gate. */
type Macro = (w: number[]) => Array<[string, number[], number[]]>;
const Q = Math.PI / 4;
const macros: Record<string, { qubits: number; expand: Macro }> = {
  // Relative-phase Toffoli and its 3-control sibling: exactly their qelib1 bodies.
  rccx: {
    qubits: 3,
    expand: ([a, b, c]) => [
      ['u2', [c], [0, Math.PI]], ['u1', [c], [Q]], ['cx', [b, c], []], ['u1', [c], [-Q]], ['cx', [a, c], []],
      ['u1', [c], [Q]], ['cx', [b, c], []], ['u1', [c], [-Q]], ['u2', [c], [0, Math.PI]],
    ],
  },
  rc3x: {
    qubits: 4,
    expand: ([a, b, c, d]) => [
      ['u2', [d], [0, Math.PI]], ['u1', [d], [Q]], ['cx', [c, d], []], ['u1', [d], [-Q]], ['u2', [d], [0, Math.PI]],
      ['cx', [a, d], []], ['u1', [d], [Q]], ['cx', [b, d], []], ['u1', [d], [-Q]], ['cx', [a, d], []],
      ['u1', [d], [Q]], ['cx', [b, d], []], ['u1', [d], [-Q]], ['u2', [d], [0, Math.PI]], ['u1', [d], [Q]],
      ['cx', [c, d], []], ['u1', [d], [-Q]], ['u2', [d], [0, Math.PI]],
    ],
  },
};

export function macroNames(): string[] {
  return Object.keys(macros);
}

function where(i: number): string {
  return `circuit.ops[${i}]`;
}

function compileAngle(a: Angle, at: string, arity: { params: number; inputs: number }): CompiledAngle {
  if (typeof a === 'number') {
    if (!Number.isFinite(a)) throw new QmlError(`angle ${a} is not a finite number`, at);
    return { offset: a, src: new Uint8Array(0), idx: new Int32Array(0), coef: new Float64Array(0), times: new Int32Array(0) };
  }
  if (!a || typeof a !== 'object' || !Array.isArray(a.terms)) throw new QmlError('an angle must be a number or {offset, terms}', at);
  const off = a.offset ?? 0;
  if (!Number.isFinite(off)) throw new QmlError(`angle offset ${off} is not finite`, at);
  const k = a.terms.length;
  const out: CompiledAngle = { offset: off, src: new Uint8Array(k), idx: new Int32Array(k), coef: new Float64Array(k), times: new Int32Array(k) };
  a.terms.forEach((t, j) => {
    if (t.src !== 'param' && t.src !== 'input') throw new QmlError(`angle term source "${String(t.src)}" is not 'param' or 'input'`, at);
    if (!Number.isInteger(t.index) || t.index < 0) throw new QmlError(`angle term index ${t.index} is not a non-negative integer`, at);
    if (!Number.isFinite(t.coef)) throw new QmlError(`angle term coefficient ${t.coef} is not finite`, at);
    out.src[j] = t.src === 'param' ? 0 : 1;
    out.idx[j] = t.index;
    out.coef[j] = t.coef;
    out.times[j] = t.times ?? -1;
    if (t.src === 'param') arity.params = Math.max(arity.params, t.index + 1);
    else {
      arity.inputs = Math.max(arity.inputs, t.index + 1);
      if (t.times !== undefined) {
        if (!Number.isInteger(t.times) || t.times < 0) throw new QmlError(`angle term 'times' ${t.times} is not a non-negative integer`, at);
        arity.inputs = Math.max(arity.inputs, t.times + 1);
      }
    }
  });
  return out;
}

export function angleValue(a: CompiledAngle, params: ArrayLike<number>, inputs: ArrayLike<number>): number {
  let v = a.offset;
  for (let j = 0; j < a.src.length; j++) {
    const x = a.src[j] === 0 ? params[a.idx[j]] : inputs[a.idx[j]];
    v += a.coef[j] * (a.times[j] >= 0 ? x * inputs[a.times[j]] : x);
  }
  return v;
}

function checkWire(w: unknown, n: number, at: string): number {
  if (!Number.isInteger(w) || (w as number) < 0 || (w as number) >= n) {
    throw new QmlError(`qubit ${String(w)} is out of range for a ${n}-qubit circuit`, at);
  }
  return w as number;
}

function matrixFromRows(rows: unknown, qubits: number, at: string): Float64Array {
  const D = 1 << qubits;
  if (!Array.isArray(rows) || rows.length !== D) throw new QmlError(`a ${qubits}-qubit unitary needs a ${D}x${D} matrix`, at);
  const m = new Float64Array(2 * D * D);
  rows.forEach((row: unknown, r: number) => {
    if (!Array.isArray(row) || row.length !== D) throw new QmlError(`matrix row ${r} must have ${D} entries`, at);
    row.forEach((e: unknown, c: number) => {
      const [re, im] = Array.isArray(e) ? e : [e, 0];
      if (!Number.isFinite(re) || !Number.isFinite(im)) throw new QmlError(`matrix entry [${r}][${c}] is not a finite complex number`, at);
      m[2 * (r * D + c)] = re as number;
      m[2 * (r * D + c) + 1] = im as number;
    });
  });
  const err = unitarityError(m, D);
  if (err > 1e-8) throw new QmlError(`matrix is not unitary (max |U·U† − I| = ${err.toExponential(2)})`, at);
  return m;
}

/** max |(U U†)_{ij} − δ_ij|. */
export function unitarityError(m: Float64Array, D: number): number {
  let worst = 0;
  for (let i = 0; i < D; i++) for (let j = 0; j < D; j++) {
    let re = 0, im = 0;
    for (let k = 0; k < D; k++) {
      const ar = m[2 * (i * D + k)], ai = m[2 * (i * D + k) + 1];
      const br = m[2 * (j * D + k)], bi = -m[2 * (j * D + k) + 1];
      re += ar * br - ai * bi;
      im += ar * bi + ai * br;
    }
    worst = Math.max(worst, Math.abs(re - (i === j ? 1 : 0)), Math.abs(im));
  }
  return worst;
}

function checkCondition(c: Condition | undefined, numClbits: number, at: string): void {
  if (!c) return;
  if (!Number.isInteger(c.offset) || !Number.isInteger(c.size) || c.offset < 0 || c.size < 1 || c.offset + c.size > numClbits) {
    throw new QmlError('condition refers to classical bits outside the circuit', at);
  }
  if (!Number.isInteger(c.value) || c.value < 0) throw new QmlError(`condition value ${c.value} is not a non-negative integer`, at);
}

function gateInstr(
  name: string, wires: number[], params: Angle[], extraControls: number[], op: GateOp | undefined,
  circuit: Circuit, opIndex: number, arity: { params: number; inputs: number },
): GateInstr {
  const at = where(opIndex);
  const n = circuit.numQubits;
  let def: GateDef;
  let aliasControls = 0;
  if (name === 'unitary') {
    const rows = op?.matrix;
    if (!rows) throw new QmlError('gate "unitary" needs a matrix', at);
    const k = wires.length;
    if (k < 1 || k > 12) throw new QmlError(`a unitary acts on 1 to 12 qubits, not ${k}`, at);
    def = unitaryGate(k, matrixFromRows(rows, k, at));
  } else {
    const r = resolveGate(name);
    if (!r) throw new QmlError(`unknown gate "${name}"`, at);
    def = r.def;
    aliasControls = r.aliasControls;
  }
  const expectWires = def.qubits + aliasControls;
  if (!Array.isArray(wires) || wires.length !== expectWires) {
    throw new QmlError(`gate "${name}" acts on ${expectWires} qubit(s), got ${Array.isArray(wires) ? wires.length : 'none'}`, at);
  }
  if (params.length !== def.params) throw new QmlError(`gate "${name}" takes ${def.params} parameter(s), got ${params.length}`, at);
  const all = [...extraControls, ...wires].map((w) => checkWire(w, n, at));
  if (new Set(all).size !== all.length) throw new QmlError(`gate "${name}" uses a qubit twice (${all.join(', ')})`, at);
  const controls = [...extraControls, ...wires.slice(0, aliasControls)];
  const targets = wires.slice(aliasControls);
  const angles = params.map((p, j) => compileAngle(p, `${at}.params[${j}]`, arity));
  const D = 1 << def.qubits;
  const ins: GateInstr = {
    kind: 'gate', def, name, targets, controls,
    cmask: controls.reduce((m, c) => m + 2 ** c, 0),
    angles, constant: angles.every((a) => a.src.length === 0),
    matrix: new Float64Array(2 * D * D), values: new Float64Array(def.params), opIndex,
  };
  if (ins.constant) {
    for (let j = 0; j < angles.length; j++) ins.values[j] = angles[j].offset;
    def.fill(ins.values, ins.matrix);
  }
  return ins;
}

/**
 * Validates and compiles a circuit. Every error names the op (`circuit.ops[i]`) and what is wrong.
 *
 * @example
 * import { CircuitBuilder, compile } from 'qml6g';
 * const prog = compile(new CircuitBuilder(2).h(0).cx(0, 1).build());
 * prog.instrs.length; // 2
 */
export function compile(circuit: Circuit): Program {
  if (!circuit || typeof circuit !== 'object') throw new QmlError('a circuit must be an object');
  const n = circuit.numQubits;
  if (!Number.isInteger(n) || n < 1) throw new QmlError(`numQubits must be a positive integer, got ${String(n)}`, 'circuit.numQubits');
  const numClbits = circuit.numClbits ?? 0;
  if (!Number.isInteger(numClbits) || numClbits < 0) throw new QmlError('numClbits must be a non-negative integer', 'circuit.numClbits');
  if (!Array.isArray(circuit.ops)) throw new QmlError('ops must be a list', 'circuit.ops');
  const arity = { params: circuit.numParams ?? 0, inputs: circuit.numInputs ?? 0 };
  const instrs: Instr[] = [];
  circuit.ops.forEach((op: Operation, i) => {
    const at = where(i);
    if (!op || typeof op !== 'object') throw new QmlError('an operation must be an object', at);
    const kind = (op as { kind?: string }).kind ?? 'gate';
    if (kind === 'barrier') return;
    if (kind === 'measure' || kind === 'reset') {
      const m = op as { wire: number; clbit?: number; condition?: Condition };
      checkWire(m.wire, n, at);
      checkCondition(m.condition, numClbits, at);
      if (kind === 'measure') {
        if (!Number.isInteger(m.clbit) || m.clbit! < 0 || m.clbit! >= Math.max(numClbits, 1) || numClbits === 0) {
          throw new QmlError(`classical bit ${String(m.clbit)} is out of range (${numClbits} classical bits)`, at);
        }
        instrs.push({ kind: 'measure', wire: m.wire, clbit: m.clbit!, condition: m.condition, opIndex: i });
      } else instrs.push({ kind: 'reset', wire: m.wire, condition: m.condition, opIndex: i });
      return;
    }
    if (kind !== 'gate') throw new QmlError(`unknown operation kind "${kind}"`, at);
    const g = op as GateOp;
    if (typeof g.gate !== 'string') throw new QmlError('a gate op needs a gate name', at);
    checkCondition(g.condition, numClbits, at);
    const params = g.params ?? [];
    if (!Array.isArray(params)) throw new QmlError('params must be a list', at);
    const extra = g.controls ?? [];
    if (!Array.isArray(extra)) throw new QmlError('controls must be a list of qubits', at);
    if (!Array.isArray(g.wires)) throw new QmlError('wires must be a list of qubits', at);
    const macro = macros[g.gate];
    if (macro) {
      if (g.wires.length !== macro.qubits) throw new QmlError(`gate "${g.gate}" acts on ${macro.qubits} qubit(s), got ${g.wires.length}`, at);
      if (params.length) throw new QmlError(`gate "${g.gate}" takes 0 parameter(s), got ${params.length}`, at);
      g.wires.forEach((w) => checkWire(w, n, at));
      if (new Set(g.wires).size !== g.wires.length) throw new QmlError(`gate "${g.gate}" uses a qubit twice`, at);
      for (const [name, w, p] of macro.expand(g.wires)) {
        const ins = gateInstr(name, w, p, extra, undefined, circuit, i, arity);
        ins.condition = g.condition;
        instrs.push(ins);
      }
      return;
    }
    const ins = gateInstr(g.gate, g.wires, params, extra, g, circuit, i, arity);
    ins.condition = g.condition;
    instrs.push(ins);
  });
  return {
    numQubits: n, numClbits, numParams: arity.params, numInputs: arity.inputs, instrs,
    midCircuit: hasMidCircuit(instrs),
  };
}

function hasMidCircuit(instrs: Instr[]): boolean {
  const measured = new Set<number>();
  for (const ins of instrs) {
    if (ins.kind === 'reset' || ins.condition) return true;
    if (ins.kind === 'measure') { measured.add(ins.wire); continue; }
    for (const w of ins.targets) if (measured.has(w)) return true;
    for (const w of ins.controls) if (measured.has(w)) return true;
  }
  return false;
}

/** Shift applied to one gate angle, for parameter-shift rules. */
export interface AngleShift { instr: number; slot: number; delta: number }

/**
 * Fills a gate instruction's matrix for the given parameters and inputs (plus an optional shift of
 * one angle). Constant gates keep the matrix compiled once.
 */
export function prepareGate(ins: GateInstr, params: ArrayLike<number>, inputs: ArrayLike<number>, shiftDelta = 0, shiftSlot = -1): void {
  if (ins.constant && shiftSlot < 0) return;
  for (let j = 0; j < ins.angles.length; j++) {
    let v = angleValue(ins.angles[j], params, inputs);
    if (j === shiftSlot) v += shiftDelta;
    if (!Number.isFinite(v)) {
      throw new QmlError(`gate "${ins.name}" angle ${j} evaluated to ${v} (check parameters and inputs for NaN/Infinity)`, where(ins.opIndex));
    }
    ins.values[j] = v;
  }
  ins.def.fill(ins.values, ins.matrix);
}

/** Checks that parameter and input vectors are long enough and finite. */
export function checkBindings(prog: Program, params: ArrayLike<number> | undefined, inputs: ArrayLike<number> | undefined): void {
  if (prog.numParams > 0) {
    if (!params || params.length < prog.numParams) throw new QmlError(`the circuit needs ${prog.numParams} parameter(s), got ${params?.length ?? 0}`, 'params');
    for (let i = 0; i < prog.numParams; i++) if (!Number.isFinite(params[i])) throw new QmlError(`parameter ${i} is ${params[i]}`, `params[${i}]`);
  }
  if (prog.numInputs > 0) {
    if (!inputs || inputs.length < prog.numInputs) throw new QmlError(`the circuit needs ${prog.numInputs} input feature(s), got ${inputs?.length ?? 0}`, 'inputs');
    for (let i = 0; i < prog.numInputs; i++) if (!Number.isFinite(inputs[i])) throw new QmlError(`input feature ${i} is ${inputs[i]}`, `inputs[${i}]`);
  }
}

export { baseGate };

/**
 * Every wire a gate touches, controls first (what noise rules match on). Cached per instruction:
 * the simulators ask for it at every gate of every evaluation.
 */
const gateWiresCache = new WeakMap<GateInstr, number[]>();
export function gateWires(ins: GateInstr): number[] {
  if (!ins.controls.length) return ins.targets;
  let w = gateWiresCache.get(ins);
  if (!w) { w = [...ins.controls, ...ins.targets]; gateWiresCache.set(ins, w); }
  return w;
}
