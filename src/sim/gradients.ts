/**
 * Gradients of expectation values with respect to trainable parameters AND input features.
 * Every method returns the derivative of each gate angle's value and maps it through the angle
 * expressions (chain rule): ∂angle/∂θ_i = coef, ∂angle/∂x_j = coef (times x_k for products).
 *
 * - adjoint (Jones & Gacon 2020): one forward and one backward pass on the statevector, all
 *   parameters at once; exact, so it ignores shots (the result says so in `note`).
 * - parameter-shift (Mitarai et al. 2018; Schuld et al. 2019): two terms with shifts ±π/2 for
 *   generators with two eigenvalues; four terms (shifts ±π/2, ±3π/2, coefficients
 *   (√2 ± 1)/(4√2), Anselmetti et al. 2021) for controlled rotations, whose generator has
 *   eigenvalues {0, ±1/2}. Works with shots and noise.
 * - finite-diff: central differences on the parameter and input vectors.
 * - spsa (Spall 1992): simultaneous ±1 perturbations, averaged over `spsaSamples` draws; seeded.
 *
 * @example
 * import { gradient, CircuitBuilder, Z, param, input } from 'qml6g';
 * const c = new CircuitBuilder(1).ry(0, input(0)).rx(0, param(0)).build();
 * const g = gradient(c, Z(0), { params: [0.3], inputs: [0.5], method: 'adjoint' });
 * g.dparams[0]; // ∂⟨Z⟩/∂θ0
 * g.dinputs[0]; // ∂⟨Z⟩/∂x0
 */
import { QmlError } from '../core/errors.js';
import { Rng } from '../core/rng.js';
import { ApplyScratch, adjointInto, applyGateMatrix } from './apply.js';
import type { Circuit } from './circuit.js';
import { Evaluator, type EvalOptions } from './evaluator.js';
import { runProgram } from './execute.js';
import { adjointStep1, derivativeInner } from './kernels.js';
import { applyObservableSV, compileObservable, expectationSV, type CompiledTerm, type Observable } from './observable.js';
import { checkBindings, compile, type GateInstr, type Program } from './program.js';
import { Statevector } from './statevector.js';
import { allocAmplitudes, simd, simdAdjoint1, simdPointer } from './simd.js';
import { FusedRunner } from './fused.js';
import { AdjointTape, DEFAULT_CHECKPOINT_BYTES } from './gradients-tape.js';

export type GradientMethod = 'adjoint' | 'parameter-shift' | 'finite-diff' | 'spsa';

export interface GradientOptions extends Omit<EvalOptions, 'method'> {
  /** Simulation backend for the circuit evaluations of parameter-shift, finite-diff and spsa. */
  backend?: EvalOptions['method'];
  params?: ArrayLike<number>;
  inputs?: ArrayLike<number>;
  method?: GradientMethod;
  /** Which derivatives finite-diff and spsa compute (adjoint and parameter-shift always give both). */
  wrt?: 'params' | 'inputs' | 'both';
  /** Finite-difference step (default 1e-5). */
  h?: number;
  /** SPSA perturbation size (default 1e-2) and number of averaged draws (default 1). */
  spsaC?: number;
  spsaSamples?: number;
}

export interface JacobianResult {
  /** One value per observable. */
  values: Float64Array;
  /** dparams[o][i] = ∂⟨O_o⟩/∂θ_i. */
  dparams: Float64Array[];
  /** dinputs[o][j] = ∂⟨O_o⟩/∂x_j. */
  dinputs: Float64Array[];
  method: GradientMethod;
  /** False for estimates (shots, SPSA, trajectories). */
  exact: boolean;
  /** Circuit executions used. */
  evaluations: number;
  note?: string;
}

export interface GradientResult {
  value: number;
  dparams: Float64Array;
  dinputs: Float64Array;
  method: GradientMethod;
  exact: boolean;
  evaluations: number;
  note?: string;
}

/** Gradient of one observable. */
export function gradient(circuit: Circuit | Program, obs: Observable, opts: GradientOptions = {}): GradientResult {
  const j = jacobian(circuit, [obs], opts);
  return { value: j.values[0], dparams: j.dparams[0], dinputs: j.dinputs[0], method: j.method, exact: j.exact, evaluations: j.evaluations, note: j.note };
}

/** Values and Jacobian of several observables with respect to parameters and inputs. */
export function jacobian(circuit: Circuit | Program, observables: Observable[], opts: GradientOptions = {}): JacobianResult {
  const prog = 'instrs' in circuit ? circuit : compile(circuit);
  const params = opts.params ?? [], inputs = opts.inputs ?? [];
  checkBindings(prog, params, inputs);
  const method = opts.method ?? 'adjoint';
  switch (method) {
    case 'adjoint': return adjointJacobian(prog, observables, params, inputs, opts);
    case 'parameter-shift': return shiftJacobian(prog, observables, params, inputs, opts);
    case 'finite-diff': return finiteDiffJacobian(prog, observables, params, inputs, opts);
    case 'spsa': return spsaJacobian(prog, observables, params, inputs, opts);
    default: throw new QmlError(`unknown gradient method "${String(method)}" (adjoint, parameter-shift, finite-diff, spsa)`, 'method');
  }
}

function evalOptions(o: GradientOptions): EvalOptions {
  return { noise: o.noise, shots: o.shots, seed: o.seed, method: o.backend, trajectories: o.trajectories };
}

function zeros(rows: number, cols: number): Float64Array[] {
  return Array.from({ length: rows }, () => new Float64Array(cols));
}

/** Adds g·∂angle/∂(θ, x) of gate `ins` slot `slot` into the gradient vectors. */
function chainRule(ins: GateInstr, slot: number, g: number, inputs: ArrayLike<number>, dp: Float64Array, dx: Float64Array): void {
  const a = ins.angles[slot];
  for (let t = 0; t < a.src.length; t++) {
    const c = a.coef[t] * g, idx = a.idx[t], times = a.times[t];
    if (a.src[t] === 0) dp[idx] += c;
    else if (times < 0) dx[idx] += c;
    else { dx[idx] += c * inputs[times]; dx[times] += c * inputs[idx]; }
  }
}

function isTrainable(ins: GateInstr, slot: number): boolean {
  return ins.angles[slot].src.length > 0;
}

export interface AdjointWorkspaceOptions {
  /**
   * 'tape' (default): the fused forward pass recorded, derivatives taken per fused operation, ψ
   * checkpointed (gradients-tape.ts). 'gates': gate by gate backward, ψ uncomputed (the former path,
   * kept as a second method for the tests).
   */
  backward?: 'tape' | 'gates';
  /** Checkpoint budget of the tape in bytes (default 64 MiB); 0 uncomputes ψ everywhere. */
  checkpointBytes?: number;
  /** Cache-blocked low wires in the tape (default true; false for the tests). */
  blocking?: boolean;
}

/** Reusable buffers for adjoint passes over one program. */
export class AdjointWorkspace {
  readonly psi: Statevector;
  readonly lam: Float64Array;
  readonly phi: Float64Array;
  readonly saved: Float64Array;
  readonly scratch = new ApplyScratch();
  readonly ud = new Float64Array(2 << 8);
  readonly ds: Float64Array[] = [new Float64Array(8), new Float64Array(8), new Float64Array(8)];
  readonly dk = new Float64Array(2 << 8);
  readonly acc = new Float64Array(6);
  /** Forward pass with one-qubit gate fusion (the backward pass needs only the final state). */
  readonly forward: FusedRunner | null;
  /** Per wire: the product of adjoints of constant one-qubit gates not yet applied in the backward pass. */
  readonly pending: Float64Array;
  readonly pendingState: Uint8Array;
  /** C†, U†, E for the fused SIMD rotation step, in the SIMD memory. */
  readonly mats: Float64Array;
  readonly tmp = new Float64Array(8);
  /** The fused operation tape (null for mid-circuit programs or the 'gates' backward pass). */
  readonly tape: AdjointTape | null;
  constructor(readonly prog: Program, opts: AdjointWorkspaceOptions = {}) {
    const n = prog.numQubits;
    this.tape = prog.midCircuit || opts.backward === 'gates' ? null : new AdjointTape(prog, opts.checkpointBytes ?? DEFAULT_CHECKPOINT_BYTES, opts.blocking ?? true);
    this.forward = prog.midCircuit || this.tape ? null : new FusedRunner(prog);
    this.pending = new Float64Array(8 * n);
    this.pendingState = new Uint8Array(n);
    this.mats = allocAmplitudes(24);
    this.psi = Statevector.zero(n);
    // In the SIMD memory when active, so the non-parametric gates of the backward pass run there too.
    this.lam = allocAmplitudes(2 * 2 ** n);
    this.phi = allocAmplitudes(2 * 2 ** n);
    this.saved = allocAmplitudes(2 * 2 ** n);
  }
}

/** Forward pass of adjoint differentiation: ws.psi ← the final state (from |0…0⟩ or from `initial`). */
export function adjointForward(ws: AdjointWorkspace, params: ArrayLike<number>, inputs: ArrayLike<number>, initial?: Float64Array): void {
  if (initial) ws.psi.data.set(initial); else ws.psi.reset();
  if (ws.tape) { ws.tape.forward(ws.psi, params, inputs, ws.scratch); return; }
  // The fused runner prepares every gate's matrix (prepareGate), which the backward pass reads.
  if (ws.forward) ws.forward.run(ws.psi, params, inputs);
  else runProgram(ws.prog, ws.psi, { params, inputs, scratch: ws.scratch, trusted: true });
}

/** pending[q] ← m† · pending[q] (or m† when none), tracking whether the product stays diagonal. */
function pushPending(ws: AdjointWorkspace, q: number, m: Float64Array, diag: boolean): void {
  const P = ws.pending, o = 8 * q, t = ws.tmp;
  // m† entries: (m†)_{rc} = conj(m_{cr}).
  const a00r = m[0], a00i = -m[1], a01r = m[4], a01i = -m[5], a10r = m[2], a10i = -m[3], a11r = m[6], a11i = -m[7];
  if (ws.pendingState[q] === 0) {
    P[o] = a00r; P[o + 1] = a00i; P[o + 2] = a01r; P[o + 3] = a01i; P[o + 4] = a10r; P[o + 5] = a10i; P[o + 6] = a11r; P[o + 7] = a11i;
    ws.pendingState[q] = diag ? 2 : 1;
    return;
  }
  const A = [a00r, a00i, a01r, a01i, a10r, a10i, a11r, a11i];
  for (let r = 0; r < 2; r++) for (let c = 0; c < 2; c++) {
    let re = 0, im = 0;
    for (let k = 0; k < 2; k++) {
      const xr = A[4 * r + 2 * k], xi = A[4 * r + 2 * k + 1], yr = P[o + 4 * k + 2 * c], yi = P[o + 4 * k + 2 * c + 1];
      re += xr * yr - xi * yi; im += xr * yi + xi * yr;
    }
    t[4 * r + 2 * c] = re; t[4 * r + 2 * c + 1] = im;
  }
  for (let i = 0; i < 8; i++) P[o + i] = t[i];
  if (!diag) ws.pendingState[q] = 1;
}

/** Applies the pending product on wire q to ψ and λ. */
function flushPending(ws: AdjointWorkspace, n: number, q: number): void {
  const st = ws.pendingState[q];
  if (st === 0) return;
  ws.pendingState[q] = 0;
  const m = ws.pending.subarray(8 * q, 8 * q + 8), shape = st === 2 ? 'diag' : 'dense';
  applyGateMatrix(ws.psi.data, n, shape, [q], m, 0, ws.scratch);
  applyGateMatrix(ws.lam, n, shape, [q], m, 0, ws.scratch);
}

/**
 * The SIMD backward step for an uncontrolled rotation exp(−iθG/2) on q (asm/kernels.ts
 * adjointRotation), folding in the wire's pending constant gates. Returns Re⟨λ|∂U|ψ⟩.
 */
function rotationStep(ws: AdjointWorkspace, n: number, q: number, ins: GateInstr): number {
  const M = ws.mats, st = ws.pendingState[q], g = ins.def.generator!, u = ins.matrix;
  let flags = 0;
  if (st !== 0) { M.set(ws.pending.subarray(8 * q, 8 * q + 8)); flags |= st === 2 ? 3 : 1; }
  ws.pendingState[q] = 0;
  // U† and E = −(i/2)·G: entry (gr + i·gi) ↦ (gi/2) − i·(gr/2).
  M[8] = u[0]; M[9] = -u[1]; M[10] = u[4]; M[11] = -u[5]; M[12] = u[2]; M[13] = -u[3]; M[14] = u[6]; M[15] = -u[7];
  for (let e = 0; e < 4; e++) { M[16 + 2 * e] = g[2 * e + 1] / 2; M[17 + 2 * e] = -g[2 * e] / 2; }
  if (M[9] === 0 && M[11] === 0 && M[13] === 0 && M[15] === 0) flags |= 4;
  if (M[17] === 0 && M[19] === 0 && M[21] === 0 && M[23] === 0) flags |= 8;
  return simd()!.exports.adjointRotation(simdPointer(ws.psi.data), simdPointer(ws.lam), q, 2 ** (n - 1), simdPointer(M), flags);
}

/**
 * Backward pass: expects ws.psi = the final state and ws.lam = O|ψ⟩ for the (any Hermitian)
 * observable O; walks the gates back carrying λ = U_{k+1}†…U_N† O|ψ⟩ and accumulates
 * ∂⟨O⟩/∂angle_k = 2 Re⟨λ_k| ∂U_k |ψ_{k−1}⟩ into dparams and dinputs through the chain rule.
 * Leaves ws.lam = U†O|ψ⟩, so a caller that prepared the initial state from inputs can differentiate
 * that too (∂⟨O⟩/∂ψ0 = 2 Re⟨λ|·⟩). ws.psi is left unspecified (the final state where the tape's
 * checkpoints covered the pass, partly uncomputed elsewhere).
 */
export function adjointBackward(ws: AdjointWorkspace, inputs: ArrayLike<number>, dparams: Float64Array, dinputs: Float64Array, fullLambda = true): void {
  const n = ws.prog.numQubits, psi = ws.psi, lam = ws.lam;
  if (ws.tape) { ws.tape.backward(psi.data, lam, n, inputs, dparams, dinputs, ws.scratch, chainRule, fullLambda); return; }
  const gates = ws.prog.instrs as GateInstr[];
  // With ψ and λ in the SIMD memory, constant one-qubit gates wait per wire and are folded into
  // the next rotation's fused step (or applied together when another gate needs the wire).
  const fuse = simdPointer(psi.data) >= 0 && simdPointer(lam) >= 0 && simdPointer(ws.mats) >= 0;
  ws.pendingState.fill(0);
  for (let k = gates.length - 1; k >= 0; k--) {
    const ins = gates[k];
    if (ins.kind !== 'gate') continue;
    if (fuse) {
      const q = ins.targets.length === 1 && ins.cmask === 0 ? ins.targets[0] : -1;
      if (q >= 0 && ins.constant) { pushPending(ws, q, ins.matrix, ins.def.shape === 'diag'); continue; }
      if (q >= 0 && ins.def.generator && ins.angles.length === 1) {
        chainRule(ins, 0, 2 * rotationStep(ws, n, q, ins), inputs, dparams, dinputs);
        continue;
      }
      for (const w of ins.targets) flushPending(ws, n, w);
      for (const w of ins.controls) flushPending(ws, n, w);
    }
    const D = 1 << ins.targets.length;
    adjointInto(ins.matrix, D, ws.ud);
    if (ins.constant) {
      // Fixed gates only move ψ and λ back: the gate's own (diagonal, swap or X) kernel is cheapest.
      applyGateMatrix(psi.data, n, ins.def.shape, ins.targets, ws.ud, ins.cmask, ws.scratch);
      applyGateMatrix(lam, n, ins.def.shape, ins.targets, ws.ud, ins.cmask, ws.scratch);
      continue;
    }
    const slots = ins.angles.length;
    if (ins.targets.length === 1 && ins.def.shape !== 'x') {
      let nd = 0;
      for (let j = 0; j < slots; j++) if (isTrainable(ins, j)) ins.def.dfill(ins.values, j, ws.ds[nd++]);
      // One derivative on an uncontrolled gate (RX/RY/RZ/P, the common case) runs in SIMD.
      if (!(nd === 1 && ins.cmask === 0 && simdAdjoint1(psi.data, lam, n, ins.targets[0], ws.ud, ws.ds[0], ws.acc))) {
        adjointStep1(psi.data, lam, n, ins.targets[0], ws.ud, ws.ds, nd, ws.acc, ins.cmask);
      }
      nd = 0;
      for (let j = 0; j < slots; j++) {
        if (!isTrainable(ins, j)) continue;
        chainRule(ins, j, 2 * ws.acc[2 * nd++], inputs, dparams, dinputs);
      }
      continue;
    }
    const shape = ins.def.shape === 'x' ? 'x' : ins.def.shape === 'swap' ? 'swap' : 'dense';
    applyGateMatrix(psi.data, n, shape, ins.targets, ws.ud, ins.cmask, ws.scratch);
    for (let j = 0; j < slots; j++) {
      if (!isTrainable(ins, j)) continue;
      ins.def.dfill(ins.values, j, ws.dk);
      const [re] = derivativeInner(lam, psi.data, n, ins.targets, ws.dk, ins.cmask, ws.scratch.forQubits(ins.targets.length));
      chainRule(ins, j, 2 * re, inputs, dparams, dinputs);
    }
    applyGateMatrix(lam, n, shape, ins.targets, ws.ud, ins.cmask, ws.scratch);
  }
  if (fuse) for (let q = 0; q < n; q++) flushPending(ws, n, q);
}

/**
 * λ ← c·P|ψ⟩ for one Pauli term with the SIMD kernels: a copy, then Z (phase −1 on the |1⟩ half)
 * and X (swap) per wire, Y = i·X·Z, and the factor c·i^nY. False when ψ or λ is outside the SIMD memory.
 */
function applyPauliSimd(ws: AdjointWorkspace, n: number, t: CompiledTerm): boolean {
  const pp = simdPointer(ws.psi.data), pl = simdPointer(ws.lam);
  if (pp < 0 || pl < 0) return false;
  const x = simd()!.exports, pairs = 2 ** (n - 1);
  ws.lam.set(ws.psi.data);
  for (let q = 0; q < n; q++) {
    const b = 2 ** q;
    if (t.zmask & b) x.diag1(pl, q, 0, 0, pairs, 1, 0, -1, 0);
    if (t.xmask & b) x.applyX(pl, q, 0, 0, pairs);
  }
  const k = t.nY & 3, fr = k === 0 ? t.coeff : k === 2 ? -t.coeff : 0, fi = k === 1 ? t.coeff : k === 3 ? -t.coeff : 0;
  if (fr !== 1 || fi !== 0) x.diag1(pl, 0, 0, 0, pairs, fr, fi, fr, fi);
  return true;
}

/**
 * Adjoint differentiation of several Pauli-sum observables: one forward pass, one backward pass
 * per observable. Writes values and accumulates into dparams/dinputs (which must start at zero).
 */
export function adjointPass(
  ws: AdjointWorkspace, termsList: ReturnType<typeof compileObservable>[], params: ArrayLike<number>, inputs: ArrayLike<number>,
  values: Float64Array, dparams: Float64Array[], dinputs: Float64Array[],
): void {
  const n = ws.prog.numQubits, psi = ws.psi;
  adjointForward(ws, params, inputs);
  // The backward pass may move ψ (uncomputing past the checkpoints): keep a copy only when another observable needs it.
  const keep = termsList.length > 1 && (!ws.tape || ws.tape.uncomputes);
  if (keep) ws.saved.set(psi.data);
  for (let o = 0; o < termsList.length; o++) {
    if (o > 0 && keep) psi.data.set(ws.saved);
    if (termsList[o].length === 1 && applyPauliSimd(ws, n, termsList[o][0])) {
      // λ = c·P|ψ⟩ in SIMD, and ⟨O⟩ = Re⟨ψ|λ⟩ from it: no separate expectation pass.
      values[o] = simd()!.exports.dotRe(simdPointer(psi.data), simdPointer(ws.lam), 2 ** n);
    } else {
      values[o] = expectationSV(psi.data, n, termsList[o]);
      applyObservableSV(ws.lam, psi.data, n, termsList[o]);
    }
    // Only the derivatives are wanted here: λ stops at the first parametric operation.
    adjointBackward(ws, inputs, dparams[o], dinputs[o], false);
  }
}

function adjointJacobian(prog: Program, observables: Observable[], params: ArrayLike<number>, inputs: ArrayLike<number>, opts: GradientOptions): JacobianResult {
  if (opts.noise) throw new QmlError('adjoint differentiation needs a noiseless statevector; use method "parameter-shift" under noise', 'method');
  if (prog.midCircuit) throw new QmlError('adjoint differentiation needs a circuit without mid-circuit measurement, reset or conditions', 'method');
  const terms = observables.map((o, i) => compileObservable(o, prog.numQubits, `observables[${i}]`));
  const ws = new AdjointWorkspace(prog);
  const values = new Float64Array(observables.length);
  const dparams = zeros(observables.length, prog.numParams), dinputs = zeros(observables.length, prog.numInputs);
  adjointPass(ws, terms, params, inputs, values, dparams, dinputs);
  return {
    values, dparams, dinputs, method: 'adjoint', exact: true, evaluations: 1,
    note: opts.shots ? `adjoint differentiation is exact: shots=${opts.shots} was ignored (use parameter-shift for shot-based gradients)` : undefined,
  };
}

const C_PLUS = (Math.SQRT2 + 1) / (4 * Math.SQRT2);
const C_MINUS = (Math.SQRT2 - 1) / (4 * Math.SQRT2);

function shiftJacobian(prog: Program, observables: Observable[], params: ArrayLike<number>, inputs: ArrayLike<number>, opts: GradientOptions): JacobianResult {
  const ev = new Evaluator(prog, observables, evalOptions(opts));
  const m = observables.length;
  const values = ev.values(params, inputs);
  const dparams = zeros(m, prog.numParams), dinputs = zeros(m, prog.numInputs);
  const plus = new Float64Array(m), minus = new Float64Array(m), plus3 = new Float64Array(m), minus3 = new Float64Array(m);
  prog.instrs.forEach((ins, k) => {
    if (ins.kind !== 'gate') return;
    for (let j = 0; j < ins.angles.length; j++) {
      if (!isTrainable(ins, j)) continue;
      const four = ins.def.spectrum[j] === 'half' && ins.controls.length > 0;
      ev.values(params, inputs, plus, { instr: k, slot: j, delta: Math.PI / 2 });
      ev.values(params, inputs, minus, { instr: k, slot: j, delta: -Math.PI / 2 });
      if (four) {
        ev.values(params, inputs, plus3, { instr: k, slot: j, delta: (3 * Math.PI) / 2 });
        ev.values(params, inputs, minus3, { instr: k, slot: j, delta: (-3 * Math.PI) / 2 });
      }
      for (let o = 0; o < m; o++) {
        const g = four
          ? C_PLUS * (plus[o] - minus[o]) - C_MINUS * (plus3[o] - minus3[o])
          : (plus[o] - minus[o]) / 2;
        chainRule(ins, j, g, inputs, dparams[o], dinputs[o]);
      }
    }
  });
  return { values, dparams, dinputs, method: 'parameter-shift', exact: !opts.shots && ev.method !== 'trajectories', evaluations: ev.evaluations };
}

function finiteDiffJacobian(prog: Program, observables: Observable[], params: ArrayLike<number>, inputs: ArrayLike<number>, opts: GradientOptions): JacobianResult {
  const h = opts.h ?? 1e-5;
  if (!(h > 0)) throw new QmlError(`finite-difference step must be positive, got ${h}`, 'h');
  const ev = new Evaluator(prog, observables, evalOptions(opts));
  const m = observables.length;
  const values = ev.values(params, inputs);
  const dparams = zeros(m, prog.numParams), dinputs = zeros(m, prog.numInputs);
  const p = Float64Array.from(params), x = Float64Array.from(inputs);
  const plus = new Float64Array(m), minus = new Float64Array(m);
  const wrt = opts.wrt ?? 'both';
  const sweep = (vec: Float64Array, out: Float64Array[]) => {
    for (let i = 0; i < vec.length; i++) {
      const v = vec[i];
      vec[i] = v + h; ev.values(p, x, plus);
      vec[i] = v - h; ev.values(p, x, minus);
      vec[i] = v;
      for (let o = 0; o < m; o++) out[o][i] = (plus[o] - minus[o]) / (2 * h);
    }
  };
  if (wrt !== 'inputs') sweep(p, dparams);
  if (wrt !== 'params') sweep(x, dinputs);
  return { values, dparams, dinputs, method: 'finite-diff', exact: false, evaluations: ev.evaluations };
}

function spsaJacobian(prog: Program, observables: Observable[], params: ArrayLike<number>, inputs: ArrayLike<number>, opts: GradientOptions): JacobianResult {
  const c = opts.spsaC ?? 1e-2, samples = opts.spsaSamples ?? 1;
  if (!(c > 0)) throw new QmlError(`SPSA perturbation must be positive, got ${c}`, 'spsaC');
  if (!Number.isInteger(samples) || samples < 1) throw new QmlError(`spsaSamples must be a positive integer, got ${samples}`, 'spsaSamples');
  const ev = new Evaluator(prog, observables, evalOptions(opts));
  const rng = new Rng((opts.seed ?? 0) ^ 0x5a5a5a5a);
  const m = observables.length, wrt = opts.wrt ?? 'both';
  const values = ev.values(params, inputs);
  const dparams = zeros(m, prog.numParams), dinputs = zeros(m, prog.numInputs);
  const P = prog.numParams, X = prog.numInputs;
  const dp = new Float64Array(P), dx = new Float64Array(X);
  const pp = new Float64Array(P), pm = new Float64Array(P), xp = new Float64Array(X), xm = new Float64Array(X);
  const plus = new Float64Array(m), minus = new Float64Array(m);
  for (let s = 0; s < samples; s++) {
    for (let i = 0; i < P; i++) dp[i] = wrt === 'inputs' ? 0 : rng.sign();
    for (let i = 0; i < X; i++) dx[i] = wrt === 'params' ? 0 : rng.sign();
    for (let i = 0; i < P; i++) { pp[i] = params[i] + c * dp[i]; pm[i] = params[i] - c * dp[i]; }
    for (let i = 0; i < X; i++) { xp[i] = inputs[i] + c * dx[i]; xm[i] = inputs[i] - c * dx[i]; }
    ev.values(pp, xp, plus);
    ev.values(pm, xm, minus);
    for (let o = 0; o < m; o++) {
      const g = (plus[o] - minus[o]) / (2 * c);
      // 1/Δ_i = Δ_i for Δ_i = ±1.
      for (let i = 0; i < P; i++) dparams[o][i] += (g * dp[i]) / samples;
      for (let i = 0; i < X; i++) dinputs[o][i] += (g * dx[i]) / samples;
    }
  }
  return { values, dparams, dinputs, method: 'spsa', exact: false, evaluations: ev.evaluations };
}

export { checkBindings };
