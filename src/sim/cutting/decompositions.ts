/**
 * Quasi-probability decompositions (QPD) of the identity channel on a wire and of two-qubit gates
 * into sums of local operations: the mathematics of circuit cutting, as pure data.
 *
 * Wire cut (Peng, Harrow, Ozols & Wu, "Simulating large quantum circuits on a small quantum
 * computer", PRL 125, 150504, 2020): ρ = ½ Σ_{P ∈ {I,X,Y,Z}} Tr(Pρ) P, with each P ≠ I written as
 * the difference of its ±1 eigenstates and I = |0⟩⟨0| + |1⟩⟨1|: eight terms of weight ±½, so
 * γ = Σ|a| = 4 and the sampling overhead is γ² = 16 per cut. The upstream side measures P (a ±1
 * factor on the wire's last qubit), the downstream side prepares an eigenstate.
 *
 * Gate cut (Mitarai & Fujii, "Constructing a virtual two-qubit gate by sampling single-qubit
 * operations", New J. Phys. 23, 023021, 2021): for U = exp(−iφ A₁⊗A₂) with A² = I,
 *   UρU† = cos²φ·ρ + sin²φ·(A₁A₂)ρ(A₁A₂) + cosφ sinφ·[M₁⊗(R₊−R₋) + (R₊−R₋)⊗M₂](ρ),
 * where M(σ) = Π₊σΠ₊ − Π₋σΠ₋ is a mid-circuit measurement of A whose outcome multiplies the
 * estimate by ±1, and R±(σ) = e^{∓iπA/4} σ e^{±iπA/4}. Six terms, γ = 1 + 2|sin 2φ|.
 * RZZ(θ) = exp(−iθ ZZ/2) is φ = θ/2, so γ = 1 + 2|sin θ|; CZ = RZ(π/2)⊗RZ(π/2)·RZZ(−π/2) up to a
 * global phase (γ = 3), and CX(c,t) = H_t·CZ·H_t (γ = 3). With A = Z, R₊ is the S gate and R₋ is S†.
 */
import { QmlError } from '../../core/errors.js';
import type { Angle, GateOp } from '../circuit.js';

/** What the upstream side of a wire cut measures: a Pauli factor on the wire's last qubit there. */
export type WireMeasure = 'I' | 'X' | 'Y' | 'Z';
/** What the downstream side of a wire cut prepares. */
export type WirePrep = '0' | '1' | '+' | '-' | '+i' | '-i';
/** What one side of a gate cut does on its qubit: nothing, a Z, a signed Z measurement, S or S†. */
export type GateAction = 'id' | 'z' | 'measure' | 's' | 'sdg';

export const WIRE_MEASURES: WireMeasure[] = ['I', 'X', 'Y', 'Z'];
export const WIRE_PREPS: WirePrep[] = ['0', '1', '+', '-', '+i', '-i'];
export const GATE_ACTIONS: GateAction[] = ['id', 'z', 'measure', 's', 'sdg'];

/** One term of a cut's decomposition: coefficient, and the local action index on each side. */
export interface QpdTerm { coef: number; a: number; b: number }

/** Peng et al.'s eight terms: a = index into WIRE_MEASURES (upstream), b = index into WIRE_PREPS (downstream). */
export const WIRE_CUT_TERMS: readonly QpdTerm[] = [
  { coef: 0.5, a: 0, b: 0 }, { coef: 0.5, a: 0, b: 1 },
  { coef: 0.5, a: 3, b: 0 }, { coef: -0.5, a: 3, b: 1 },
  { coef: 0.5, a: 1, b: 2 }, { coef: -0.5, a: 1, b: 3 },
  { coef: 0.5, a: 2, b: 4 }, { coef: -0.5, a: 2, b: 5 },
];

/** γ of one wire cut (Peng et al. 2020). */
export const WIRE_CUT_GAMMA = 4;

/** Gates a gate cut handles. */
export const CUTTABLE_GATES = ['cz', 'cx', 'rzz'] as const;
export type CuttableGate = (typeof CUTTABLE_GATES)[number];

/** The cuttable kind of an op, or null (extra controls, conditions and other gates cannot be gate-cut). */
export function cuttableKind(op: GateOp): CuttableGate | null {
  if (op.controls?.length || op.condition || op.wires.length !== 2) return null;
  return (CUTTABLE_GATES as readonly string[]).includes(op.gate) ? (op.gate as CuttableGate) : null;
}

/** The RZZ angle θ a cuttable gate reduces to (CZ and CX: −π/2 with local corrections). */
export function equivalentRzzAngle(kind: CuttableGate, angle: number): number {
  return kind === 'rzz' ? angle : -Math.PI / 2;
}

/**
 * Mitarai & Fujii's six terms for RZZ(θ) (a, b = indices into GATE_ACTIONS on the gate's first and
 * second wire). The coefficients sum to one (the channel is trace preserving).
 */
export function rzzCutTerms(theta: number): QpdTerm[] {
  const c = Math.cos(theta / 2), s = Math.sin(theta / 2), cs = c * s;
  return [
    { coef: c * c, a: 0, b: 0 },
    { coef: s * s, a: 1, b: 1 },
    { coef: cs, a: 2, b: 3 }, { coef: -cs, a: 2, b: 4 },
    { coef: cs, a: 3, b: 2 }, { coef: -cs, a: 4, b: 2 },
  ];
}

/** γ = Σ|a| of a decomposition. */
export function gammaOf(terms: readonly QpdTerm[]): number {
  let g = 0;
  for (const t of terms) g += Math.abs(t.coef);
  return g;
}

/** γ of a gate cut: 1 + 2|sin θ| for RZZ(θ), 3 for CZ and CX; `null` angle (data-dependent RZZ) gives the bound 3. */
export function gateCutGamma(kind: CuttableGate, angle: number | null): number {
  if (kind !== 'rzz') return 3;
  return angle === null ? 3 : 1 + 2 * Math.abs(Math.sin(angle));
}

/** The numeric angle of an RZZ when it does not depend on parameters or inputs. */
export function constantAngle(a: Angle | undefined): number | null {
  if (a === undefined) return null;
  if (typeof a === 'number') return a;
  return a.terms.length === 0 ? a.offset : null;
}

/** Gate ops that realise a wire-cut preparation on `q` (from |0⟩). */
export function prepOps(p: WirePrep, q: number): GateOp[] {
  const g = (gate: string): GateOp => ({ kind: 'gate', gate, wires: [q] });
  switch (p) {
    case '0': return [];
    case '1': return [g('x')];
    case '+': return [g('h')];
    case '-': return [g('x'), g('h')];
    case '+i': return [g('h'), g('s')];
    case '-i': return [g('h'), g('sdg')];
    default: throw new QmlError(`unknown preparation "${String(p)}"`);
  }
}

/**
 * Ops for one side of a gate cut on qubit q: the local frame change of the gate (CX target: H before
 * and after; CZ/CX: RZ(π/2) after) around the QPD action. A 'measure' writes clbit `clbit`.
 */
export function gateSideOps(kind: CuttableGate, side: 0 | 1, action: GateAction, q: number, clbit: number): Array<GateOp | { kind: 'measure'; wire: number; clbit: number }> {
  const g = (gate: string, params?: number[]): GateOp => (params ? { kind: 'gate', gate, wires: [q], params } : { kind: 'gate', gate, wires: [q] });
  const out: Array<GateOp | { kind: 'measure'; wire: number; clbit: number }> = [];
  const target = kind === 'cx' && side === 1;
  if (target) out.push(g('h'));
  switch (action) {
    case 'id': break;
    case 'z': out.push(g('z')); break;
    case 'measure': out.push({ kind: 'measure', wire: q, clbit }); break;
    case 's': out.push(g('s')); break;
    case 'sdg': out.push(g('sdg')); break;
    default: throw new QmlError(`unknown gate-cut action "${String(action)}"`);
  }
  if (kind !== 'rzz') out.push(g('rz', [Math.PI / 2]));
  if (target) out.push(g('h'));
  return out;
}
