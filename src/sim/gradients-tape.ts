/**
 * Adjoint differentiation (Jones & Gacon 2020) on the fused forward pass, with checkpoints.
 *
 * The forward pass runs the program as fused.ts does (consecutive uncontrolled one-qubit gates on a
 * wire multiplied into one 2x2, the pending wires below BLOCK_QUBITS flushed together in one
 * cache-blocked pass) and records that sequence of operations. The backward pass walks the
 * operations, not the gates:
 *
 * - A parameter inside a fused product M = g_m…g_j…g_1 on wire q: with B = g_m…g_{j+1} and
 *   E = (∂g_j)·g_j†, ∂M = (B E B†)·M, so its derivative is 2 Re⟨λ|E'|ψ⟩ with E' = B E B† on q and
 *   λ, ψ both taken AFTER the operation. Gates on other wires in the same blocked operation commute
 *   with E'. ⟨λ|E'|ψ⟩ = Σ_ab E'_ab R_ab with R_ab = Σ conj(λ[·a·]) ψ[·b·] (bit q = a, b), so one
 *   read-only sweep per wire gives every parameter fused on it (asm/adjoint.ts wireInner).
 * - A parametric multi-qubit or controlled gate U: 2 Re⟨λ|(∂U)U†|ψ⟩ on its control subspace,
 *   again with the states after it.
 *
 * ψ after each parametric operation is copied aside during the forward pass (checkpoints, up to
 * `checkpointBytes`, earliest first), so the backward pass moves only λ. Past the budget the
 * backward pass uncomputes ψ from the final state (op† per operation) until it reaches the
 * checkpointed part: memory is bounded and the result is the same either way.
 */
import { adjointInto, applyGateMatrix, type ApplyScratch } from './apply.js';
import { apply1, applyDiag1, derivativeInner } from './kernels.js';
import { prepareGate, type GateInstr, type Program } from './program.js';
import { BLOCK_QUBITS, allocAmplitudes, simd, simdApply1, simdApply1Blocked, simdDiag1, simdPointer } from './simd.js';
import type { Statevector } from './statevector.js';

/** Default checkpoint budget: 64 MiB of saved states per workspace. */
export const DEFAULT_CHECKPOINT_BYTES = 64 * 2 ** 20;

/** Fused one-qubit products on distinct wires (LOW: the first op.k of them in one blocked pass); one other gate. */
const WIRE = 0, LOW = 1, GATE = 2;

interface Member {
  /** Instruction index, angle slot, and position of its wire in op.wires (−1 for a GATE op). */
  k: number; slot: number; wi: number;
  /** E' = B·(∂g)g†·B† (2x2, re/im interleaved), or (∂U)U† (D×D) for a GATE op. */
  e: Float64Array;
}

interface Op {
  kind: number;
  wires: number[];
  /** Per wire: the instruction indices fused on it, in forward order (WIRE and LOW ops). */
  groups: number[][];
  /** The instruction of a GATE op; for a LOW op the number of leading wires (all below BLOCK_QUBITS) applied in one blocked pass. */
  k: number;
  members: Member[];
  /** Per wire: the fused product M and M† (8 f64 each). */
  mats: Float64Array;
  adj: Float64Array;
  /** Per wire: views of its 8 entries in mats and adj (made once: no array per pass). */
  matViews: Float64Array[];
  adjViews: Float64Array[];
  /** Checkpoint slot holding ψ after this op, −1 when none. */
  ck: number;
  /** Per wire: whether any parameter is fused on it. */
  has: Uint8Array;
  /** Per wire, set by prepareOp: 0 = some E' not anti-Hermitian (full sweep), 1 = anti-Hermitian without diagonal, 2 = with. */
  anti: Uint8Array;
}

interface WireInnerExport {
  wireInner(psi: number, lam: number, q: number, lo: number, hi: number, out: number): void;
  wireInnerAnti(psi: number, lam: number, q: number, lo: number, hi: number, out: number, diag: boolean): void;
}

interface ForwardBlockedExport {
  forwardBlocked(psi: number, dst: number, B: number, lo: number, hi: number, k: number, mats: number, wires: number): void;
}

interface BlockedExport {
  adjointBlocked(psi: number, lam: number, B: number, lo: number, hi: number, k: number, mats: number, wires: number, kinds: number, out: number, reduce: boolean, undo: boolean): void;
}

/** Re⟨λ|E'|ψ⟩ from a wire's sums at R[o..]: the full R (kind 0) or the anti-Hermitian (Re S, Im S, Im R00, Im R11). */
function memberRe(e: Float64Array, R: Float64Array, o: number, kind: number): number {
  if (kind > 0) return e[2] * R[o] - e[3] * R[o + 1] - (kind === 2 ? e[1] * R[o + 2] + e[7] * R[o + 3] : 0);
  let re = 0;
  for (let t = 0; t < 8; t += 2) re += e[t] * R[o + t] - e[t + 1] * R[o + t + 1];
  return re;
}

/** 1 when e (2x2) is anti-Hermitian with a zero diagonal, 2 with a diagonal, 0 when not anti-Hermitian (to rounding). */
function antiKind(e: Float64Array): number {
  let s = 0;
  for (let i = 0; i < 8; i++) s = Math.max(s, Math.abs(e[i]));
  const tol = 1e-13 * s;
  if (Math.abs(e[0]) > tol || Math.abs(e[6]) > tol || Math.abs(e[4] + e[2]) > tol || Math.abs(e[5] - e[3]) > tol) return 0;
  return e[1] === 0 && e[7] === 0 ? 1 : 2;
}

function mul2(a: ArrayLike<number>, b: ArrayLike<number>, out: Float64Array): void {
  for (let r = 0; r < 2; r++) for (let c = 0; c < 2; c++) {
    let re = 0, im = 0;
    for (let k = 0; k < 2; k++) {
      const xr = a[4 * r + 2 * k], xi = a[4 * r + 2 * k + 1], yr = b[4 * k + 2 * c], yi = b[4 * k + 2 * c + 1];
      re += xr * yr - xi * yi; im += xr * yi + xi * yr;
    }
    out[4 * r + 2 * c] = re; out[4 * r + 2 * c + 1] = im;
  }
}

/** B ← B·u for 2x2 complex matrices, written out. */
function rightMultiply(B: Float64Array, u: Float64Array): void {
  const b0 = B[0], b1 = B[1], b2 = B[2], b3 = B[3], b4 = B[4], b5 = B[5], b6 = B[6], b7 = B[7];
  const u0 = u[0], u1 = u[1], u2 = u[2], u3 = u[3], u4 = u[4], u5 = u[5], u6 = u[6], u7 = u[7];
  B[0] = b0 * u0 - b1 * u1 + b2 * u4 - b3 * u5; B[1] = b0 * u1 + b1 * u0 + b2 * u5 + b3 * u4;
  B[2] = b0 * u2 - b1 * u3 + b2 * u6 - b3 * u7; B[3] = b0 * u3 + b1 * u2 + b2 * u7 + b3 * u6;
  B[4] = b4 * u0 - b5 * u1 + b6 * u4 - b7 * u5; B[5] = b4 * u1 + b5 * u0 + b6 * u5 + b7 * u4;
  B[6] = b4 * u2 - b5 * u3 + b6 * u6 - b7 * u7; B[7] = b4 * u3 + b5 * u2 + b6 * u7 + b7 * u6;
}

/** out = B·E·B† for 2x2 complex matrices (re/im interleaved, row-major), written out: it runs once per parameter per pass. */
function conjugate(B: Float64Array, E: Float64Array, out: Float64Array): void {
  const b0 = B[0], b1 = B[1], b2 = B[2], b3 = B[3], b4 = B[4], b5 = B[5], b6 = B[6], b7 = B[7];
  const e0 = E[0], e1 = E[1], e2 = E[2], e3 = E[3], e4 = E[4], e5 = E[5], e6 = E[6], e7 = E[7];
  // T = B·E
  const t0 = b0 * e0 - b1 * e1 + b2 * e4 - b3 * e5, t1 = b0 * e1 + b1 * e0 + b2 * e5 + b3 * e4;
  const t2 = b0 * e2 - b1 * e3 + b2 * e6 - b3 * e7, t3 = b0 * e3 + b1 * e2 + b2 * e7 + b3 * e6;
  const t4 = b4 * e0 - b5 * e1 + b6 * e4 - b7 * e5, t5 = b4 * e1 + b5 * e0 + b6 * e5 + b7 * e4;
  const t6 = b4 * e2 - b5 * e3 + b6 * e6 - b7 * e7, t7 = b4 * e3 + b5 * e2 + b6 * e7 + b7 * e6;
  // out_rc = Σ_k T_rk · conj(B_ck)
  out[0] = t0 * b0 + t1 * b1 + t2 * b2 + t3 * b3; out[1] = t1 * b0 - t0 * b1 + t3 * b2 - t2 * b3;
  out[2] = t0 * b4 + t1 * b5 + t2 * b6 + t3 * b7; out[3] = t1 * b4 - t0 * b5 + t3 * b6 - t2 * b7;
  out[4] = t4 * b0 + t5 * b1 + t6 * b2 + t7 * b3; out[5] = t5 * b0 - t4 * b1 + t7 * b2 - t6 * b3;
  out[6] = t4 * b4 + t5 * b5 + t6 * b6 + t7 * b7; out[7] = t5 * b4 - t4 * b5 + t7 * b6 - t6 * b7;
}

/** D×D complex product out = a·b (out distinct from a and b). */
function mulD(a: Float64Array, b: Float64Array, D: number, out: Float64Array): void {
  for (let r = 0; r < D; r++) for (let c = 0; c < D; c++) {
    let re = 0, im = 0;
    for (let k = 0; k < D; k++) {
      const xr = a[2 * (r * D + k)], xi = a[2 * (r * D + k) + 1], yr = b[2 * (k * D + c)], yi = b[2 * (k * D + c) + 1];
      re += xr * yr - xi * yi; im += xr * yi + xi * yr;
    }
    out[2 * (r * D + c)] = re; out[2 * (r * D + c) + 1] = im;
  }
}

/**
 * out[2l], out[2l+1] = Σ conj(λ_i) ψ_i over the indices i whose bits on `wires` spell l (wires[0]
 * most significant, as localOffsets) and whose control bits are all set. False for more than 4 wires.
 */
function diagonalSums(lam: Float64Array, psi: Float64Array, n: number, wires: ArrayLike<number>, cmask: number, out: Float64Array): boolean {
  const k = wires.length;
  if (k > 4 || n > 30) return false;
  out.fill(0, 0, 2 << k);
  const N = 2 ** n;
  for (let i = 0; i < N; i++) {
    if ((i & cmask) !== cmask) continue;
    let l = 0;
    for (let j = 0; j < k; j++) l = (l << 1) | ((i >>> wires[j]) & 1);
    const a = 2 * i, lr = lam[a], li = lam[a + 1], pr = psi[a], pi = psi[a + 1];
    out[2 * l] += lr * pr + li * pi;
    out[2 * l + 1] += lr * pi - li * pr;
  }
  return true;
}

/** TypeScript reference of asm wireInner: R (8 f64) for wire q of an n-qubit pair (λ, ψ). */
export function wireInnerTs(psi: Float64Array, lam: Float64Array, n: number, q: number, out: Float64Array): void {
  const N = 2 ** n, b = 2 ** q;
  let r00 = 0, i00 = 0, r01 = 0, i01 = 0, r10 = 0, i10 = 0, r11 = 0, i11 = 0;
  for (let i = 0; i < N; i++) {
    if (Math.floor(i / b) % 2 === 1) continue;
    const x = 2 * i, y = 2 * (i + b);
    const xr = psi[x], xi = psi[x + 1], yr = psi[y], yi = psi[y + 1];
    const ar = lam[x], ai = lam[x + 1], br = lam[y], bi = lam[y + 1];
    r00 += ar * xr + ai * xi; i00 += ar * xi - ai * xr;
    r01 += ar * yr + ai * yi; i01 += ar * yi - ai * yr;
    r10 += br * xr + bi * xi; i10 += br * xi - bi * xr;
    r11 += br * yr + bi * yi; i11 += br * yi - bi * yr;
  }
  out[0] = r00; out[1] = i00; out[2] = r01; out[3] = i01; out[4] = r10; out[5] = i10; out[6] = r11; out[7] = i11;
}

/** The fused operation sequence of one program, with its checkpoints and scratch. */
export class AdjointTape {
  readonly ops: Op[] = [];
  /** Saved states (in the SIMD memory when active), allocated as first needed. */
  private ckpts: Float64Array[] = [];
  private slots: number;
  /** Operation boundary ψ sits at after the backward pass (ops.length = the final state). */
  psiAt = 0;
  /** Whether the last forward pass left some parametric op without a checkpoint (the backward pass then moves ψ). */
  uncomputes = false;
  private readonly R: Float64Array;
  private readonly t1 = new Float64Array(8);
  private readonly B = new Float64Array(8);
  private readonly g = new Float64Array(8);
  private readonly dU: Float64Array;
  private readonly ud: Float64Array;
  private readonly dk: Float64Array;
  private readonly blocking: boolean;
  private readonly dsum = new Float64Array(32);
  /** The first operation with a derivative (ops.length when none). */
  private firstParam = 0;
  /** Off to take the TypeScript reference sweep for the inner products (tests). */
  useSimd = true;
  /** The blocked steps' operands in the SIMD memory: products (adjoint ones backward), wires (u32), kinds (u8), sums. */
  private readonly adjMats = allocAmplitudes(8 * BLOCK_QUBITS);
  private readonly acc = allocAmplitudes(8 * BLOCK_QUBITS);
  private readonly wiresOwner = allocAmplitudes(BLOCK_QUBITS);
  private readonly wiresU32 = new Uint32Array(this.wiresOwner.buffer, this.wiresOwner.byteOffset, BLOCK_QUBITS);
  private readonly kindsOwner = allocAmplitudes(BLOCK_QUBITS);
  private readonly kinds = new Uint8Array(this.kindsOwner.buffer, this.kindsOwner.byteOffset, BLOCK_QUBITS);

  constructor(readonly prog: Program, checkpointBytes = DEFAULT_CHECKPOINT_BYTES, blocking = true) {
    const n = prog.numQubits;
    this.slots = Math.max(0, Math.floor(checkpointBytes / (16 * 2 ** n)));
    this.R = allocAmplitudes(8);
    let maxD = 2;
    for (const ins of prog.instrs) if (ins.kind === 'gate') maxD = Math.max(maxD, 1 << ins.targets.length);
    this.dU = new Float64Array(2 * maxD * maxD);
    this.ud = new Float64Array(2 * maxD * maxD);
    this.dk = new Float64Array(2 * maxD * maxD);
    this.blocking = blocking && n > BLOCK_QUBITS && simd() !== null;
    this.plan();
  }

  /** The fusion plan: the same flush decisions as FusedRunner (fused.ts), fixed by the program's structure. */
  private plan(): void {
    const n = this.prog.numQubits, instrs = this.prog.instrs;
    const open: (number[] | null)[] = new Array(n).fill(null);
    const newOp = (kind: number, wires: number[], groups: number[][], k: number): Op => {
      const mats = new Float64Array(8 * wires.length), adj = new Float64Array(8 * wires.length);
      const matViews = wires.map((_, wi) => mats.subarray(8 * wi, 8 * wi + 8)), adjViews = wires.map((_, wi) => adj.subarray(8 * wi, 8 * wi + 8));
      const op: Op = { kind, wires, groups, k, members: [], mats, adj, matViews, adjViews, ck: -1, anti: new Uint8Array(wires.length), has: new Uint8Array(wires.length) };
      if (kind === GATE) {
        const ins = instrs[k] as GateInstr, D = 1 << ins.targets.length;
        for (let s = 0; s < ins.angles.length; s++) if (ins.angles[s].src.length > 0) op.members.push({ k, slot: s, wi: -1, e: new Float64Array(2 * D * D) });
      } else {
        groups.forEach((g, wi) => {
          for (const gk of g) {
            const ins = instrs[gk] as GateInstr;
            for (let s = 0; s < ins.angles.length; s++) if (ins.angles[s].src.length > 0) { op.members.push({ k: gk, slot: s, wi, e: new Float64Array(8) }); op.has[wi] = 1; }
          }
        });
      }
      return op;
    };
    // Every open wire is flushed when a multi-qubit gate needs one of them (flushing early is exact:
    // the products commute with the gates on other wires). The fused wires then form ONE operation,
    // so one checkpoint and one λ boundary serve a whole layer; its wires below BLOCK_QUBITS share
    // one cache-blocked pass as in FusedRunner.
    const closeAll = () => {
      const ws: number[] = [];
      for (let q = 0; q < n; q++) if (open[q]) ws.push(q);
      if (ws.length === 0) return;
      let low = 0;
      if (this.blocking) while (low < ws.length && ws[low] < BLOCK_QUBITS) low++;
      this.ops.push(newOp(low >= 2 ? LOW : WIRE, ws, ws.map((q) => open[q]!), low >= 2 ? low : 0));
      for (const q of ws) open[q] = null;
    };
    for (let k = 0; k < instrs.length; k++) {
      const ins = instrs[k];
      if (ins.kind !== 'gate') continue;
      if (ins.targets.length === 1 && ins.cmask === 0) { (open[ins.targets[0]] ??= []).push(k); continue; }
      let touched = false;
      for (const w of ins.targets) if (open[w]) touched = true;
      for (const w of ins.controls) if (open[w]) touched = true;
      if (touched) closeAll();
      this.ops.push(newOp(GATE, [...ins.targets], [], k));
    }
    closeAll();
    this.firstParam = this.ops.findIndex((op) => op.members.length > 0);
    if (this.firstParam < 0) this.firstParam = this.ops.length;
  }

  /** Per fused wire: M = g_m…g_1 and M†, and every member's E' = B E B† (one sweep from the last gate back). */
  private prepareOp(op: Op): void {
    const instrs = this.prog.instrs, B = this.B, t1 = this.t1, g = this.g;
    if (op.kind === GATE) {
      const ins = instrs[op.k] as GateInstr, D = 1 << ins.targets.length;
      if (op.members.length === 0) return;
      adjointInto(ins.matrix, D, this.ud);
      for (const m of op.members) { ins.def.dfill(ins.values, m.slot, this.dU); mulD(this.dU, this.ud, D, m.e); }
      return;
    }
    let mi = op.members.length - 1;
    for (let wi = op.groups.length - 1; wi >= 0; wi--) {
      const grp = op.groups[wi];
      let anti = 1;
      B[0] = 1; B[1] = 0; B[2] = 0; B[3] = 0; B[4] = 0; B[5] = 0; B[6] = 1; B[7] = 0;
      for (let j = grp.length - 1; j >= 0; j--) {
        const ins = instrs[grp[j]] as GateInstr, u = ins.matrix;
        // g = u† (2x2).
        g[0] = u[0]; g[1] = -u[1]; g[2] = u[4]; g[3] = -u[5]; g[4] = u[2]; g[5] = -u[3]; g[6] = u[6]; g[7] = -u[7];
        for (let s = ins.angles.length - 1; s >= 0; s--) {
          if (ins.angles[s].src.length === 0) continue;
          const m = op.members[mi--];
          const gen = ins.def.generator;
          if (gen && ins.angles.length === 1) {
            // exp(−iθG/2): E = ∂u·u† = −(i/2)·G, entry (gr + i·gi) ↦ gi/2 − i·gr/2.
            for (let e = 0; e < 4; e++) { t1[2 * e] = gen[2 * e + 1] / 2; t1[2 * e + 1] = -gen[2 * e] / 2; }
          } else {
            ins.def.dfill(ins.values, s, this.dU);
            mul2(this.dU, g, t1); // E = ∂u·u†
          }
          conjugate(B, t1, m.e);
          const a = antiKind(m.e);
          anti = a === 0 || anti === 0 ? 0 : Math.max(anti, a);
        }
        rightMultiply(B, u);
      }
      op.anti[wi] = anti;
      // M = B (the whole product), M† its adjoint.
      const o = 8 * wi, M = op.mats, A = op.adj;
      for (let i = 0; i < 8; i++) M[o + i] = B[i];
      A[o] = B[0]; A[o + 1] = -B[1]; A[o + 2] = B[4]; A[o + 3] = -B[5]; A[o + 4] = B[2]; A[o + 5] = -B[3]; A[o + 6] = B[6]; A[o + 7] = -B[7];
    }
  }

  /** Whether every parametric wire of a LOW op's blocked part has anti-Hermitian E' (the blocked backward kernel's condition). */
  private blockable(op: Op): boolean {
    for (let w = 0; w < op.k; w++) if (op.has[w] && op.anti[w] === 0) return false;
    return true;
  }

  /** One 2x2 (8 f64) on wire q of s: diagonal or dense, SIMD when s is in its memory. */
  private apply1(s: Float64Array, n: number, q: number, v: Float64Array): void {
    if (v[2] === 0 && v[3] === 0 && v[4] === 0 && v[5] === 0) {
      if (!simdDiag1(s, n, q, v[0], v[1], v[6], v[7])) applyDiag1(s, n, q, v[0], v[1], v[6], v[7], 0);
    } else if (!simdApply1(s, n, q, v)) apply1(s, n, q, v, 0);
  }

  /** Applies op (adjoint = false) or op† to the state s. */
  private applyOp(op: Op, s: Float64Array, n: number, adjoint: boolean, scratch: ApplyScratch): void {
    if (op.kind === GATE) {
      const ins = this.prog.instrs[op.k] as GateInstr, D = 1 << ins.targets.length;
      const shape = ins.constant ? ins.def.shape : ins.def.shape === 'x' ? 'x' : ins.def.shape === 'swap' ? 'swap' : 'dense';
      const m = adjoint ? adjointInto(ins.matrix, D, this.ud) : ins.matrix;
      applyGateMatrix(s, n, shape, ins.targets, m, ins.cmask, scratch);
      return;
    }
    const mats = adjoint ? op.adj : op.mats, views = adjoint ? op.adjViews : op.matViews;
    let wi = 0;
    if (op.kind === LOW && simdApply1Blocked(s, n, op.wires, op.k, mats)) wi = op.k;
    for (; wi < op.wires.length; wi++) this.apply1(s, n, op.wires[wi], views[wi]);
  }

  /**
   * A LOW op in the forward pass with its checkpoint: the wires above the block first (they commute
   * with the blocked ones), then the blocked pass copying each block to ck while it is in L1
   * (asm/adjoint.ts forwardBlocked). False when the SIMD kernels cannot take it.
   */
  private applyBlockedWithCopy(op: Op, s: Float64Array, ck: Float64Array, n: number): boolean {
    const x = simd()?.exports as unknown as ForwardBlockedExport | undefined;
    const ps = simdPointer(s), pc = simdPointer(ck);
    if (op.kind !== LOW || !x || ps < 0 || pc < 0) return false;
    for (let w = op.k; w < op.wires.length; w++) this.apply1(s, n, op.wires[w], op.matViews[w]);
    this.adjMats.set(op.mats.subarray(0, 8 * op.k));
    for (let w = 0; w < op.k; w++) this.wiresU32[w] = op.wires[w];
    x.forwardBlocked(ps, pc, BLOCK_QUBITS, 0, 2 ** (n - BLOCK_QUBITS), op.k, simdPointer(this.adjMats), simdPointer(this.wiresOwner));
    return true;
  }

  /** Forward pass on sv (already holding the initial state), recording products and checkpoints. */
  forward(sv: Statevector, params: ArrayLike<number>, inputs: ArrayLike<number>, scratch: ApplyScratch): void {
    const instrs = this.prog.instrs, n = sv.n, s = sv.data;
    for (const ins of instrs) if (ins.kind === 'gate') prepareGate(ins, params, inputs);
    let used = 0;
    this.uncomputes = false;
    const last = this.ops.length - 1;
    for (let i = 0; i <= last; i++) {
      const op = this.ops[i];
      this.prepareOp(op);
      op.ck = -1;
      const keep = op.members.length > 0 && i < last;
      if (keep && used < this.slots) {
        if (used === this.ckpts.length) this.ckpts.push(allocAmplitudes(s.length));
        const ck = this.ckpts[used];
        op.ck = used++;
        if (!this.applyBlockedWithCopy(op, s, ck, n)) { this.applyOp(op, s, n, false, scratch); ck.set(s); }
        continue;
      }
      if (keep) this.uncomputes = true;
      this.applyOp(op, s, n, false, scratch);
    }
    this.psiAt = this.ops.length;
  }

  /**
   * Backward pass: psi = the final state, lam = O|ψ⟩. Accumulates 2 Re⟨λ|∂U|·⟩ through the chain
   * rule into dparams/dinputs and leaves lam = U†O|ψ⟩; psi ends at operation boundary psiAt
   * (the final state when every parametric op had a checkpoint).
   */
  backward(psi: Float64Array, lam: Float64Array, n: number, inputs: ArrayLike<number>, dparams: Float64Array, dinputs: Float64Array, scratch: ApplyScratch,
    chain: (ins: GateInstr, slot: number, g: number, inputs: ArrayLike<number>, dp: Float64Array, dx: Float64Array) => void, fullLambda = true): void {
    const instrs = this.prog.instrs, R = this.R;
    const x = simd()?.exports as unknown as WireInnerExport | undefined;
    const pl = simdPointer(lam), pR = simdPointer(R), pairs = 2 ** (n - 1);
    let at = this.ops.length;
    for (let i = this.ops.length - 1; i >= 0; i--) {
      const op = this.ops[i];
      if (op.members.length > 0) {
        let src: Float64Array;
        if (at === i + 1) src = psi;
        else if (op.ck >= 0) src = this.ckpts[op.ck];
        else {
          while (at > i + 1) this.applyOp(this.ops[--at], psi, n, true, scratch);
          src = psi;
        }
        if (op.kind === GATE) {
          const ins = instrs[op.k] as GateInstr, sc = scratch.forQubits(ins.targets.length);
          // Diagonal gates (RZZ, CP, CRZ, ...): (∂U)U† is diagonal, so one sweep of per-pattern sums serves every slot.
          const diag = ins.def.shape === 'diag' && diagonalSums(lam, src, n, ins.targets, ins.cmask, this.dsum);
          for (const m of op.members) {
            let re: number;
            if (diag) {
              const D = 1 << ins.targets.length, S = this.dsum;
              re = 0;
              for (let l = 0; l < D; l++) re += m.e[2 * (l * D + l)] * S[2 * l] - m.e[2 * (l * D + l) + 1] * S[2 * l + 1];
            } else re = derivativeInner(lam, src, n, ins.targets, m.e, ins.cmask, sc)[0];
            chain(ins, m.slot, 2 * re, inputs, dparams, dinputs);
          }
        } else {
          const ps = this.useSimd && x && pl >= 0 && pR >= 0 ? simdPointer(src) : -1;
          // The wires of a blocked operation: their sums and λ's step back in one cache-blocked pass
          // (asm/adjoint.ts adjointBlocked), when every E' there is anti-Hermitian. Every sum must
          // see λ after the operation, so the other wires' sweeps run first.
          const blocked = ps >= 0 && op.kind === LOW && this.blockable(op) ? op.k : 0;
          let wi = -1, kind = 0;
          for (const m of op.members) {
            if (m.wi < blocked) continue;
            if (m.wi !== wi) {
              wi = m.wi;
              const q = op.wires[wi];
              kind = ps >= 0 ? op.anti[wi] : 0;
              if (kind > 0) x!.wireInnerAnti(ps, pl, q, 0, pairs, pR, kind === 2);
              else if (ps >= 0) x!.wireInner(ps, pl, q, 0, pairs, pR);
              else wireInnerTs(src, lam, n, q, R);
            }
            chain(instrs[m.k] as GateInstr, m.slot, 2 * memberRe(m.e, R, 0, kind), inputs, dparams, dinputs);
          }
          if (blocked > 0) {
            const A = this.acc, K = this.kinds, W = this.wiresU32;
            A.fill(0);
            this.adjMats.set(op.adj.subarray(0, 8 * blocked));
            for (let w = 0; w < blocked; w++) { W[w] = op.wires[w]; K[w] = op.has[w] ? op.anti[w] : 0; }
            (x as unknown as BlockedExport).adjointBlocked(ps, pl, BLOCK_QUBITS, 0, 2 ** (n - BLOCK_QUBITS), blocked,
              simdPointer(this.adjMats), simdPointer(this.wiresOwner), simdPointer(this.kindsOwner), simdPointer(A), true, fullLambda || i > this.firstParam);
            for (const m of op.members) {
              if (m.wi >= blocked) continue;
              chain(instrs[m.k] as GateInstr, m.slot, 2 * memberRe(m.e, A, 8 * m.wi, op.anti[m.wi]), inputs, dparams, dinputs);
            }
            if (!fullLambda && i <= this.firstParam) break;
            for (let w = blocked; w < op.wires.length; w++) this.apply1(lam, n, op.wires[w], op.adjViews[w]);
            continue;
          }
        }
      }
      // λ is needed before the first parametric op only when the caller reads U†O|ψ⟩.
      if (!fullLambda && i <= this.firstParam) break;
      this.applyOp(op, lam, n, true, scratch);
    }
    this.psiAt = at;
  }
}
