/**
 * The inverse (adjoint) of a circuit: operations reversed, each gate inverted. Angles stay
 * symbolic where a named inverse exists (rotations negate, u3(θ,φ,λ)† = u3(−θ,−λ,−φ)); other
 * fixed gates become their adjoint matrix.
 *
 * @example
 * import { CircuitBuilder, inverse, simulate } from 'qml6g';
 * const c = new CircuitBuilder(2).h(0).cx(0, 1).rz(1, 0.3).build();
 * const both = new CircuitBuilder(2).append(c).append(inverse(c)).build();
 * simulate(both).probabilities[0]; // 1
 */
import { QmlError } from '../core/errors.js';
import { adjointInto } from './apply.js';
import { scale, type Angle, type Circuit, type GateOp, type Operation } from './circuit.js';
import { compile, type GateInstr } from './program.js';

const SELF_INVERSE = new Set(['id', 'x', 'y', 'z', 'h', 'cx', 'CX', 'cy', 'cz', 'ch', 'swap', 'ccx', 'cswap', 'c3x', 'c4x', 'ccz']);
const PAIRS: Record<string, string> = { s: 'sdg', sdg: 's', t: 'tdg', tdg: 't', sx: 'sxdg', sxdg: 'sx' };
const NEGATE = new Set(['rx', 'ry', 'rz', 'p', 'u1', 'rxx', 'ryy', 'rzz', 'rzx', 'crx', 'cry', 'crz', 'cp', 'cu1']);

function invertGate(op: GateOp): GateOp[] {
  const base = { kind: 'gate' as const, wires: [...op.wires], ...(op.controls ? { controls: [...op.controls] } : {}), ...(op.condition ? { condition: { ...op.condition } } : {}) };
  const p = op.params ?? [];
  if (SELF_INVERSE.has(op.gate)) return [{ ...base, gate: op.gate }];
  if (PAIRS[op.gate]) return [{ ...base, gate: PAIRS[op.gate] }];
  if (NEGATE.has(op.gate)) return [{ ...base, gate: op.gate, params: [scale(p[0], -1)] }];
  if (op.gate === 'u0') return [{ ...base, gate: 'u0', params: [p[0]] }];
  if (op.gate === 'u3' || op.gate === 'u' || op.gate === 'U' || op.gate === 'cu3') {
    return [{ ...base, gate: op.gate, params: [scale(p[0], -1), scale(p[2], -1), scale(p[1], -1)] as Angle[] }];
  }
  if (op.gate === 'u2') return [{ ...base, gate: 'u3', params: [-Math.PI / 2, scale(p[1], -1), scale(p[0], -1)] }];
  // Everything else is a fixed gate (or a macro of fixed gates): invert its compiled matrices.
  const n = Math.max(...op.wires, ...(op.controls ?? []), 0) + 1;
  const prog = compile({ numQubits: n, numClbits: op.condition ? op.condition.offset + op.condition.size : 0, ops: [op] });
  return (prog.instrs as GateInstr[]).reverse().map((ins) => {
    if (!ins.constant) throw new QmlError(`cannot invert "${op.gate}" with symbolic angles`);
    const D = 1 << ins.targets.length;
    const m = adjointInto(ins.matrix, D, new Float64Array(ins.matrix.length));
    const rows: [number, number][][] = [];
    for (let r = 0; r < D; r++) rows.push(Array.from({ length: D }, (_, c) => [m[2 * (r * D + c)], m[2 * (r * D + c) + 1]] as [number, number]));
    const g: GateOp = { kind: 'gate', gate: 'unitary', wires: [...ins.targets], matrix: rows };
    if (ins.controls.length) g.controls = [...ins.controls];
    if (op.condition) g.condition = { ...op.condition };
    return g;
  });
}

export function inverse(c: Circuit): Circuit {
  const ops: Operation[] = [];
  for (let i = c.ops.length - 1; i >= 0; i--) {
    const op = c.ops[i];
    if (op.kind === 'barrier') { ops.push({ kind: 'barrier', wires: [...op.wires] }); continue; }
    if (op.kind !== 'gate') throw new QmlError('a circuit with measurement or reset has no inverse', `circuit.ops[${i}]`);
    ops.push(...invertGate(op));
  }
  return { ...c, ops };
}
