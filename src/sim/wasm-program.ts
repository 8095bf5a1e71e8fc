/**
 * A compiled program run whole inside WebAssembly (the interpreter runOps in asm/program.ts): the
 * circuit becomes a flat op list once, and each row (parameters and inputs) costs one call, with
 * angles, rotation matrices and the fusion of consecutive one-qubit gates computed in the module.
 * For small states (a batch of 8-qubit circuits: 4 KiB, in L1) the per-gate JavaScript dispatch
 * was most of the time; here it is gone.
 *
 * Fusion, as in fused.ts: an uncontrolled one-qubit gate is not applied at once but multiplied
 * into a pending 2x2 for its wire, which is applied when another gate touches the wire or at the
 * end. Exact up to the rounding of the matrix products.
 *
 * Supported: every gate of gates.ts on one or two target wires, with any controls (rotations by
 * their generator, phase, U3/U2/U, fixed gates and fixed unitaries by their matrix). Circuits with
 * three-target unitaries or mid-circuit measurement return null from `compileWasm`, and so does
 * everything when the SIMD kernels are not active (simd.ts): callers then take the TypeScript path.
 *
 * Each thread has its own module instance and memory (simd() loads per thread), so worker threads
 * running rows share nothing.
 */
import type { GateInstr, Program } from './program.js';
import { allocAmplitudes, simd, simdPointer, type SimdExports } from './simd.js';

const OP = { FILL_ROT: 1, FILL_P: 2, FILL_U3: 3, MUL1: 4, APPLY1: 5, DIAG1: 6, X: 7, APPLY2: 8, DIAG2: 9, SWAP: 10, PERM: 11 } as const;
/**
 * Up to this many qubits a run of two or more controlled-X and SWAP gates (a CNOT chain) becomes
 * one gather through a table of 2^n source offsets (16 KiB at 12 qubits) instead of one pass per
 * gate: a permutation only moves amplitudes, so the result is the same to the bit.
 */
export const PERM_MAX_QUBITS = 12;
/** Fields of each op that hold byte addresses (relative while compiling, absolute once placed). */
const ADDRESS_FIELDS: Record<number, number[]> = {
  [OP.FILL_ROT]: [1, 2, 3], [OP.FILL_P]: [1, 2], [OP.FILL_U3]: [1, 2, 3, 4], [OP.MUL1]: [1, 2, 3],
  [OP.APPLY1]: [1], [OP.DIAG1]: [1], [OP.X]: [], [OP.APPLY2]: [1], [OP.DIAG2]: [1], [OP.SWAP]: [], [OP.PERM]: [1],
};

/** A bump allocator over a growing byte image, 16-byte aligned. */
class Image {
  bytes = new Uint8Array(1024);
  size = 0;
  alloc(n: number): number {
    const at = this.size;
    this.size += Math.ceil(n / 16) * 16;
    if (this.size > this.bytes.length) {
      const b = new Uint8Array(Math.max(this.size, 2 * this.bytes.length));
      b.set(this.bytes);
      this.bytes = b;
    }
    return at;
  }
  f64(at: number, values: ArrayLike<number>): void {
    const dv = new DataView(this.bytes.buffer);
    for (let i = 0; i < values.length; i++) dv.setFloat64(at + 8 * i, values[i], true);
  }
  i32(at: number, v: number): void {
    new DataView(this.bytes.buffer).setInt32(at, v, true);
  }
  u32s(at: number, values: Uint32Array): void {
    new Uint8Array(this.bytes.buffer, at, 4 * values.length).set(new Uint8Array(values.buffer, values.byteOffset, 4 * values.length));
  }
}

export class WasmProgram {
  /** Amplitudes of the last run (a view into the module's memory; valid until the next run). */
  readonly state: Float64Array;
  private readonly params: Float64Array;
  private readonly inputs: Float64Array;

  constructor(
    readonly prog: Program,
    private readonly x: SimdExports,
    /** The whole block: ops, data, state, parameter and input rows (kept so the block stays live). */
    readonly block: Float64Array,
    private readonly opsAt: number,
    private readonly count: number,
    stateAt: number, paramsAt: number, paramSlots: number, inputsAt: number, inputSlots: number,
  ) {
    const buf = block.buffer;
    const n = prog.numQubits;
    this.state = new Float64Array(buf, stateAt, 2 << n);
    this.params = new Float64Array(buf, paramsAt, paramSlots);
    this.inputs = new Float64Array(buf, inputsAt, inputSlots);
  }

  /** Byte addresses of the op list, state, parameter and input slots (for team workers running rows on this block). */
  get pointers(): { ops: number; count: number; state: number; params: number; inputs: number } {
    return { ops: this.opsAt, count: this.count, state: this.state.byteOffset, params: this.params.byteOffset, inputs: this.inputs.byteOffset };
  }

  /** Runs the program from |0…0⟩ (or from `initial`, 2^(n+1) numbers) with these bindings; returns the state. */
  run(params: ArrayLike<number>, inputs: ArrayLike<number>, initial?: Float64Array): Float64Array {
    const P = this.prog.numParams, X = this.prog.numInputs;
    for (let i = 0; i < P; i++) this.params[i] = params[i];
    for (let i = 0; i < X; i++) this.inputs[i] = inputs[i];
    const s = this.state;
    if (initial) s.set(initial);
    else { s.fill(0); s[0] = 1; }
    this.x.runOps(this.opsAt, this.count, s.byteOffset, this.prog.numQubits, this.params.byteOffset, this.inputs.byteOffset);
    return s;
  }
}

/** Rotation generators, phase and U3-family gates have their matrices built in the module. */
function fillKind(ins: GateInstr): 'rot' | 'p' | 'u3' | 'u2' | 'identity' | null {
  const d = ins.def;
  if (d.generator) return 'rot';
  if (d.name === 'p' || d.name === 'u1') return 'p';
  if (d.name === 'u3' || d.name === 'u' || d.name === 'U') return 'u3';
  if (d.name === 'u2') return 'u2';
  if (d.name === 'u0') return 'identity';
  return null;
}

/**
 * Compiles a noiseless program without mid-circuit operations into the interpreter's op list, in
 * this thread's SIMD memory. Null when the SIMD kernels are not active or the program has a gate
 * the interpreter does not run (then use the TypeScript path).
 */
export function compileWasm(prog: Program): WasmProgram | null {
  const k = simd();
  if (!k || prog.midCircuit) return null;
  const n = prog.numQubits;
  // 2^n amplitudes of 16 bytes must stay far inside the 32-bit address space.
  if (n > 26) return null;
  const img = new Image();
  const ops: number[][] = [];
  const slot = (qubits: number) => img.alloc(16 * (1 << qubits) * (1 << qubits));
  const constSlot = (m: ArrayLike<number>, qubits: number) => { const at = slot(qubits); img.f64(at, m); return at; };
  const angleRecord = (a: GateInstr['angles'][number] | null, constant = 0) => {
    const terms = a ? a.src.length : 0;
    const at = img.alloc(16 + 24 * terms);
    img.i32(at, terms);
    img.f64(at + 8, [a ? a.offset : constant]);
    for (let t = 0; t < terms; t++) {
      const o = at + 16 + 24 * t;
      img.i32(o, a!.src[t]); img.i32(o + 4, a!.idx[t]); img.i32(o + 8, a!.times[t]);
      img.f64(o + 16, [a!.coef[t]]);
    }
    return at;
  };
  const generators = new Map<Float64Array, number>();

  // Pending fused one-qubit matrix per wire: its slot, whether every factor was diagonal, and
  // whether it is a single X (then the swap kernel applies it).
  const pending = new Int32Array(n).fill(-1);
  const pendingDiag = new Uint8Array(n), pendingX = new Uint8Array(n);
  // Pending run of permutation gates (controlled X, SWAP) and the wires it touched.
  let run: GateInstr[] = [], runMask = 0, perms = 0;
  const pushPerm = (g: GateInstr) => ops.push(g.targets.length === 1 ? [OP.X, 0, g.targets[0], g.cmask] : [OP.SWAP, 0, g.targets[0], g.targets[1], g.cmask]);
  const emitRun = () => {
    if (run.length === 1 || (run.length > 1 && n > PERM_MAX_QUBITS)) run.forEach(pushPerm);
    else if (run.length > 1) {
      // Gather table: the new amplitude j comes from src[j] = g1(g2(…gk(j))) (each gate is its own inverse).
      const N = 2 ** n, src = new Uint32Array(N);
      for (let j = 0; j < N; j++) {
        let x = j;
        for (let k = run.length - 1; k >= 0; k--) {
          const g = run[k];
          if ((x & g.cmask) !== g.cmask) continue;
          if (g.targets.length === 1) x ^= 1 << g.targets[0];
          else {
            const b0 = (x >> g.targets[0]) & 1, b1 = (x >> g.targets[1]) & 1;
            if (b0 !== b1) x ^= (1 << g.targets[0]) | (1 << g.targets[1]);
          }
        }
        src[j] = 16 * x;
      }
      const at = img.alloc(4 * N);
      img.u32s(at, src);
      ops.push([OP.PERM, at, 0]);
      perms++;
    }
    run = []; runMask = 0;
  };
  const flush = (q: number) => {
    if (pending[q] < 0) return;
    // A pending gate on a wire the run already touched came after the run's gates on it.
    if (runMask & (1 << q)) emitRun();
    const code = pendingX[q] ? OP.X : pendingDiag[q] ? OP.DIAG1 : OP.APPLY1;
    ops.push([code, code === OP.X ? 0 : pending[q], q, 0]);
    pending[q] = -1;
  };

  for (const ins of prog.instrs) {
    if (ins.kind !== 'gate') continue; // measurements at the end read the final state
    const qubits = ins.targets.length;
    if (qubits > 2) return null;
    const shape = ins.def.shape;
    if (ins.constant && ((qubits === 1 && shape === 'x' && ins.cmask !== 0) || (qubits === 2 && shape === 'swap'))) {
      for (const q of ins.targets) flush(q);
      for (const q of ins.controls) flush(q);
      run.push(ins);
      for (const q of ins.targets) runMask |= 1 << q;
      for (const q of ins.controls) runMask |= 1 << q;
      continue;
    }
    let at: number;
    if (ins.constant) at = constSlot(ins.matrix, qubits);
    else {
      const kind = fillKind(ins);
      if (!kind) return null;
      at = slot(qubits);
      if (kind === 'rot') {
        const g = ins.def.generator!;
        let gAt = generators.get(g);
        if (gAt === undefined) { gAt = constSlot(g, qubits); generators.set(g, gAt); }
        ops.push([OP.FILL_ROT, at, angleRecord(ins.angles[0]), gAt, 1 << qubits]);
      } else if (kind === 'p') ops.push([OP.FILL_P, at, angleRecord(ins.angles[0])]);
      else if (kind === 'u3') ops.push([OP.FILL_U3, at, angleRecord(ins.angles[0]), angleRecord(ins.angles[1]), angleRecord(ins.angles[2])]);
      else if (kind === 'u2') ops.push([OP.FILL_U3, at, angleRecord(null, Math.PI / 2), angleRecord(ins.angles[0]), angleRecord(ins.angles[1])]);
      else img.f64(at, [1, 0, 0, 0, 0, 0, 1, 0]);
    }
    if (qubits === 1 && ins.cmask === 0) {
      const q = ins.targets[0];
      if (pending[q] < 0) {
        pending[q] = at; pendingDiag[q] = shape === 'diag' ? 1 : 0; pendingX[q] = shape === 'x' ? 1 : 0;
      } else {
        const fused = slot(1);
        ops.push([OP.MUL1, fused, at, pending[q]]);
        pending[q] = fused;
        pendingDiag[q] &= shape === 'diag' ? 1 : 0;
        pendingX[q] = 0;
      }
      continue;
    }
    for (const q of ins.targets) flush(q);
    for (const q of ins.controls) flush(q);
    emitRun();
    if (qubits === 1) {
      const code = shape === 'x' ? OP.X : shape === 'diag' ? OP.DIAG1 : OP.APPLY1;
      ops.push([code, code === OP.X ? 0 : at, ins.targets[0], ins.cmask]);
    } else {
      const code = shape === 'swap' ? OP.SWAP : shape === 'diag' ? OP.DIAG2 : OP.APPLY2;
      ops.push([code, code === OP.SWAP ? 0 : at, ins.targets[0], ins.targets[1], ins.cmask]);
    }
  }
  for (let q = 0; q < n; q++) flush(q);
  emitRun();

  // Place everything in one block: ops, data image, state, parameters, inputs.
  const opsBytes = 32 * Math.max(1, ops.length);
  const dataAt = opsBytes, stateAt = dataAt + Math.ceil(img.size / 64) * 64;
  const paramSlots = Math.max(2, prog.numParams), inputSlots = Math.max(2, prog.numInputs);
  // The gather of a permutation run writes here, then copies back (only when the program has one).
  const scratchAt = stateAt + 16 * 2 ** n;
  const paramsAt = scratchAt + (perms ? 16 * 2 ** n : 0), inputsAt = paramsAt + 8 * Math.ceil(paramSlots / 2) * 2;
  const total = inputsAt + 8 * Math.ceil(inputSlots / 2) * 2;
  const block = allocAmplitudes(total / 8);
  const base = simdPointer(block);
  if (base < 0) return null;
  const mem = new Uint8Array(block.buffer, base, total);
  mem.set(img.bytes.subarray(0, img.size), dataAt);
  const words = new Int32Array(block.buffer, base, opsBytes / 4);
  ops.forEach((op, i) => {
    const addr = ADDRESS_FIELDS[op[0]];
    for (let f = 0; f < op.length; f++) words[8 * i + f] = addr.includes(f) ? base + dataAt + op[f] : op[f];
    if (op[0] === OP.PERM) words[8 * i + 2] = base + scratchAt;
  });
  return new WasmProgram(prog, k.exports, block, base, ops.length, base + stateAt, base + paramsAt, paramSlots, base + inputsAt, inputSlots);
}
