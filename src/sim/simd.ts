/**
 * WebAssembly SIMD kernels: loader, state memory and dispatch.
 *
 * The kernels (asm/kernels.ts, AssemblyScript compiled with `--enable simd` by `npm run build:wasm`,
 * part of `npm run build`/`prepare`/`test`/`bench`) work on one shared `WebAssembly.Memory`. A
 * state can only be handed to them if its amplitudes live in that memory, so statevectors are
 * allocated there (`allocAmplitudes`) whenever the module loads; their `data` stays an ordinary
 * Float64Array view, so every TypeScript kernel (the reference, and the path for controlled and
 * multi-qubit gates) reads and writes the same numbers.
 *
 * Fallback, stated once: when WebAssembly SIMD is unavailable (the engine rejects the module), the
 * module was not built, or `QML6G_SIMD=0` is set, `simd()` is null, states are plain Float64Arrays
 * and the TypeScript kernels run everything; `simdStatus()` says which and why, and the bench
 * prints it.
 *
 * Memory: blocks are power-of-two sized (every state is 2^n amplitudes), recycled through free
 * lists when their Float64Array view is garbage-collected (FinalizationRegistry). The memory is
 * shared (a SharedArrayBuffer underneath), so growing it never detaches existing views.
 *
 * @example
 * import { simdStatus, Statevector } from 'qml6g';
 * console.log(simdStatus().active);        // true where WebAssembly SIMD runs
 * const sv = Statevector.zero(20);         // amplitudes in the SIMD kernels' memory when active
 */
import fs from 'node:fs';

/**
 * The exports of asm/kernels.ts; `ptr` is a byte offset, `cmask` the control bits (the gate acts
 * where all are 1), [lo, hi) a range of pair (one-qubit) or quad (two-qubit) indices of the
 * control subspace, as the TypeScript range kernels number them.
 */
export interface SimdExports {
  apply1(ptr: number, q: number, cmask: number, lo: number, hi: number, m00r: number, m00i: number, m01r: number, m01i: number, m10r: number, m10i: number, m11r: number, m11i: number): void;
  apply1Real(ptr: number, q: number, cmask: number, lo: number, hi: number, m00: number, m01: number, m10: number, m11: number): void;
  diag1(ptr: number, q: number, cmask: number, lo: number, hi: number, d0r: number, d0i: number, d1r: number, d1i: number): void;
  applyX(ptr: number, q: number, cmask: number, lo: number, hi: number): void;
  /** 4x4 matrix at byte address m (in this memory) on wires (q0, q1), q0 most significant. */
  apply2(ptr: number, q0: number, q1: number, cmask: number, lo: number, hi: number, m: number): void;
  diag2(ptr: number, q0: number, q1: number, cmask: number, lo: number, hi: number, m: number): void;
  swap2(ptr: number, q0: number, q1: number, cmask: number, lo: number, hi: number): void;
  /** apply2 for a real matrix (imaginary parts at m ignored): a quarter of the multiplies. */
  apply2Real(ptr: number, q0: number, q1: number, cmask: number, lo: number, hi: number, m: number): void;
  /** One-qubit superoperator on (qr, qc) through its Pauli transfer matrix (asm/density.ts): K = R/2, 16 f64 at m. */
  applyPtm(ptr: number, qr: number, qc: number, lo: number, hi: number, m: number): void;
  /** Cache-blocked 2x2 matrices on k wires below B, blocks of 2^B amplitudes [lo, hi) (asm/kernels.ts). */
  apply1Blocked(ptr: number, B: number, lo: number, hi: number, k: number, mats: number, wires: number): void;
  /** Joint depolarising on a vectorised density matrix (asm/density.ts): blocks [lo, hi), D² u32 byte offsets at offs. */
  depolarize(ptr: number, mask: number, lo: number, hi: number, offs: number, D: number, p: number): void;
  /** Fused adjoint step for a rotation with the constant gates after it folded in (asm/kernels.ts); mats at a byte address. */
  adjointRotation(psi: number, lam: number, q: number, pairs: number, mats: number, flags: number): number;
  /** Re⟨a|b⟩ over `amps` amplitudes at byte addresses a and b. */
  dotRe(a: number, b: number, amps: number): number;
  /** Runs a compiled op list (src/sim/wasm-program.ts) on one state. */
  runOps(ops: number, count: number, state: number, n: number, params: number, inputs: number): void;
  adjoint1(psi: number, lam: number, q: number, pairs: number, ...uAndD: number[]): number;
  adjoint1Real(psi: number, lam: number, q: number, pairs: number, u00: number, u01: number, u10: number, u11: number, d00: number, d01: number, d10: number, d11: number): number;
}

export interface SimdKernels {
  readonly exports: SimdExports;
  /** The compiled module and the shared memory, for worker threads that instantiate their own copy. */
  readonly module: object;
  readonly memory: WasmMemory;
}

export interface SimdStatus {
  active: boolean;
  /** Why the TypeScript kernels run instead, when they do. */
  reason: string | null;
}

/** The part of the WebAssembly JS API used here (the project's lib settings carry no DOM/wasm types). */
interface WasmMemory { readonly buffer: SharedArrayBuffer; grow(pages: number): number }
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (desc: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
}
const WA = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

const PAGE = 65536;
/** 65,536 pages = 4 GiB, the wasm32 limit: reserved address space, committed only as it grows. */
const MAX_PAGES = 65536;
/** Blocks start above the first page (the module has no data, but keep address 0 unused). */
const HEAP_START = PAGE;
const MIN_BLOCK = 64;

let loaded: SimdKernels | null | undefined;
let status: SimdStatus = { active: false, reason: 'not loaded yet' };

/** The compiled module's bytes, or null (with the reason recorded) when it is missing. */
function readModule(): Uint8Array | null {
  const url = new URL('../wasm/kernels.wasm', import.meta.url);
  try {
    return fs.readFileSync(url);
  } catch {
    status = { active: false, reason: 'dist/wasm/kernels.wasm is missing (run npm run build)' };
    return null;
  }
}

/** Loads the SIMD kernels once, synchronously; null when they cannot run here. */
export function simd(): SimdKernels | null {
  if (loaded !== undefined) return loaded;
  loaded = null;
  if (process.env.QML6G_SIMD === '0') {
    status = { active: false, reason: 'disabled by QML6G_SIMD=0' };
    return null;
  }
  const bytes = readModule();
  if (!bytes) return null;
  if (!WA) {
    status = { active: false, reason: 'this engine has no WebAssembly' };
    return null;
  }
  try {
    if (!WA.validate(bytes)) {
      status = { active: false, reason: 'this engine rejects the module (no WebAssembly SIMD or threads)' };
      return null;
    }
    const module = new WA.Module(bytes);
    const memory = new WA.Memory({ initial: 2, maximum: MAX_PAGES, shared: true });
    const instance = new WA.Instance(module, { env: { memory } });
    loaded = { exports: instance.exports as unknown as SimdExports, module, memory };
    ours.add(memory.buffer);
    top = HEAP_START;
    status = { active: true, reason: null };
  } catch (e) {
    status = { active: false, reason: `WebAssembly SIMD unavailable: ${(e as Error).message}` };
  }
  return loaded;
}

/** Whether the SIMD kernels run, and if not why. */
export function simdStatus(): SimdStatus {
  simd();
  return { ...status };
}

// ---- memory: power-of-two blocks in the shared memory --------------------------------------

/** Every SharedArrayBuffer the memory has exposed (a new one after each grow). */
const ours = new WeakSet<ArrayBufferLike>();
let top = HEAP_START;
/** free[c] holds offsets of free blocks of 2^c bytes. */
const free: number[][] = Array.from({ length: 33 }, () => []);
const registry = new FinalizationRegistry<number>((packed) => {
  // packed = offset · 64 + class (offsets are multiples of 64).
  free[packed & 63].push(Math.floor(packed / 64));
});

function blockClass(bytes: number): number {
  let c = Math.log2(MIN_BLOCK);
  while (2 ** c < bytes) c++;
  return c;
}

function takeBlock(k: SimdKernels, c: number): number | null {
  const list = free[c];
  if (list.length > 0) return list.pop()!;
  const size = 2 ** c;
  // Align to the block size (up to 64 KiB): keeps large states on page boundaries.
  const align = Math.min(size, PAGE);
  const off = Math.ceil(top / align) * align;
  const end = off + size;
  const have = k.memory.buffer.byteLength;
  if (end > have) {
    const pages = Math.ceil((end - have) / PAGE);
    if (have / PAGE + pages > MAX_PAGES) return null;
    try {
      k.memory.grow(pages);
    } catch {
      return null;
    }
    ours.add(k.memory.buffer);
  }
  top = end;
  return off;
}

/**
 * A zeroed Float64Array of `doubles` numbers, inside the SIMD kernels' memory when they are
 * active (and it fits), else an ordinary one. Either way callers treat it as a plain array.
 */
export function allocAmplitudes(doubles: number): Float64Array {
  const k = simd();
  if (!k) return new Float64Array(doubles);
  const c = blockClass(8 * doubles);
  const off = takeBlock(k, c);
  if (off === null) return new Float64Array(doubles);
  const buf = k.memory.buffer;
  ours.add(buf);
  const view = new Float64Array(buf, off, doubles);
  view.fill(0);
  registry.register(view, off * 64 + c);
  return view;
}

/** Byte offset of `s` in the SIMD memory, or −1 when it lives elsewhere (then use the TS kernels). */
export function simdPointer(s: Float64Array): number {
  return loaded && ours.has(s.buffer) ? s.byteOffset : -1;
}

// ---- dispatch: true when the SIMD kernel ran ---------------------------------------------------

/** Pairs of a one-qubit gate under cmask (as pairCount in kernels.ts). */
function pairsOf(n: number, cmask: number): number {
  let c = 0;
  for (let m = cmask; m !== 0; m &= m - 1) c++;
  return 2 ** (n - 1 - c);
}

/** General 2x2 on qubit q under cmask (real matrices take the cheaper real kernel). */
export function simdApply1(s: Float64Array, n: number, q: number, m: Float64Array, cmask = 0): boolean {
  const ptr = simdPointer(s);
  if (ptr < 0) return false;
  simdApply1Range(loaded!.exports, ptr, q, m, 0, pairsOf(n, cmask), cmask);
  return true;
}

export function simdApply1Range(x: SimdExports, ptr: number, q: number, m: Float64Array, lo: number, hi: number, cmask = 0): void {
  if (m[1] === 0 && m[3] === 0 && m[5] === 0 && m[7] === 0) x.apply1Real(ptr, q, cmask, lo, hi, m[0], m[2], m[4], m[6]);
  else x.apply1(ptr, q, cmask, lo, hi, m[0], m[1], m[2], m[3], m[4], m[5], m[6], m[7]);
}

/** Diagonal (d0, d1) on qubit q under cmask. */
export function simdDiag1(s: Float64Array, n: number, q: number, d0r: number, d0i: number, d1r: number, d1i: number, cmask = 0): boolean {
  const ptr = simdPointer(s);
  if (ptr < 0) return false;
  loaded!.exports.diag1(ptr, q, cmask, 0, pairsOf(n, cmask), d0r, d0i, d1r, d1i);
  return true;
}

/** Pauli X on qubit q under cmask (CNOT, Toffoli, ...). */
export function simdX(s: Float64Array, n: number, q: number, cmask = 0): boolean {
  const ptr = simdPointer(s);
  if (ptr < 0) return false;
  loaded!.exports.applyX(ptr, q, cmask, 0, pairsOf(n, cmask));
  return true;
}

/** A 64-byte-aligned scratch block in the SIMD memory for one 4x4 matrix (two-qubit kernels read it there). */
let mat4: Float64Array | null = null;

/** Two-qubit gate (dense, diagonal or swap) on wires (q0, q1) under cmask; q0 is the most significant. */
export function simdApply2(s: Float64Array, n: number, shape: string, q0: number, q1: number, m: Float64Array, cmask = 0): boolean {
  const ptr = simdPointer(s);
  if (ptr < 0) return false;
  const x = loaded!.exports, quads = pairsOf(n, cmask) / 2;
  if (shape === 'swap') { x.swap2(ptr, q0, q1, cmask, 0, quads); return true; }
  if (!mat4 || simdPointer(mat4) < 0) mat4 = allocAmplitudes(32);
  mat4.set(m.subarray(0, 32));
  if (shape === 'diag') x.diag2(ptr, q0, q1, cmask, 0, quads, mat4.byteOffset);
  else if (isReal(m, 32)) x.apply2Real(ptr, q0, q1, cmask, 0, quads, mat4.byteOffset);
  else x.apply2(ptr, q0, q1, cmask, 0, quads, mat4.byteOffset);
  return true;
}

function isReal(m: Float64Array, len: number): boolean {
  for (let i = 1; i < len; i += 2) if (m[i] !== 0) return false;
  return true;
}

let ptm: Float64Array | null = null;

/**
 * A one-qubit superoperator given by K = R/2 (R its real Pauli transfer matrix, rows and columns
 * I, X, Y, Z) on wires (q, q + n) of an n-qubit density matrix stored vectorised in s. False when
 * s is outside the SIMD memory.
 */
export function simdApplyPtm(s: Float64Array, n: number, q: number, K: Float64Array): boolean {
  const ptr = simdPointer(s);
  if (ptr < 0) return false;
  if (!ptm || simdPointer(ptm) < 0) ptm = allocAmplitudes(16);
  ptm.set(K.subarray(0, 16));
  loaded!.exports.applyPtm(ptr, q, q + n, 0, 4 ** n / 4, ptm.byteOffset);
  return true;
}

/** Byte offsets of a depolarising block (diagonal first) in the SIMD memory, keyed by wires. */
const depTables = new Map<string, { block: Float64Array; view: Uint32Array; mask: number; D: number }>();

/**
 * Joint depolarising with probability p on `wires` of an n-qubit density matrix stored vectorised
 * in `s` (2n qubits, row wire w and column wire w + n): ρ → (1−p)ρ + p·I/D ⊗ Tr_S ρ in one pass.
 * False when s is outside the SIMD memory.
 */
export function simdDepolarize(s: Float64Array, n: number, wires: number[], p: number): boolean {
  const ptr = simdPointer(s);
  if (ptr < 0) return false;
  const key = `${n}|${wires.join(',')}`;
  let t = depTables.get(key);
  if (!t) {
    const k = wires.length, D = 1 << k, N = 2 ** n;
    const row = new Array<number>(D).fill(0);
    let mask = 0;
    for (const w of wires) mask += 2 ** w + 2 ** (w + n);
    for (let l = 0; l < D; l++) for (let j = 0; j < k; j++) if (l & (1 << j)) row[l] += 2 ** wires[j];
    const order: number[] = [];
    for (let i = 0; i < D; i++) order.push(16 * (row[i] + row[i] * N));
    for (let i = 0; i < D; i++) for (let j = 0; j < D; j++) if (i !== j) order.push(16 * (row[i] + row[j] * N));
    // The Float64Array is kept with the table: its collection would recycle the block.
    const block = allocAmplitudes(Math.ceil(D * D / 2));
    if (simdPointer(block) < 0) return false;
    const view = new Uint32Array(block.buffer, block.byteOffset, D * D);
    view.set(order);
    t = { block, view, mask, D };
    depTables.set(key, t);
  }
  loaded!.exports.depolarize(ptr, t.mask, 0, 4 ** (n - wires.length), t.view.byteOffset, t.D, p);
  return true;
}

/**
 * One fused adjoint step (ψ ← U†ψ, Re⟨λ|D|ψ⟩, λ ← U†λ) for an uncontrolled one-qubit gate with
 * one derivative; writes the real part into acc[0] (acc[1] = 0) as adjointStep1 does for real
 * gates. False (nothing done) when either state is outside the SIMD memory.
 */
export function simdAdjoint1(psi: Float64Array, lam: Float64Array, n: number, q: number, u: Float64Array, d: Float64Array, acc: Float64Array): boolean {
  const pp = simdPointer(psi), pl = simdPointer(lam);
  if (pp < 0 || pl < 0) return false;
  const x = loaded!.exports, pairs = 2 ** (n - 1);
  const real = u[1] === 0 && u[3] === 0 && u[5] === 0 && u[7] === 0 && d[1] === 0 && d[3] === 0 && d[5] === 0 && d[7] === 0;
  acc[0] = real
    ? x.adjoint1Real(pp, pl, q, pairs, u[0], u[2], u[4], u[6], d[0], d[2], d[4], d[6])
    : x.adjoint1(pp, pl, q, pairs, u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]);
  acc[1] = 0;
  return true;
}

/** Block size (log2 amplitudes) of the cache-blocked one-qubit pass: 2^10 amplitudes = 16 KiB, inside L1. */
export const BLOCK_QUBITS = 10;
let blockMats: Float64Array | null = null;
let blockWires: Uint32Array | null = null;
let blockWiresOwner: Float64Array | null = null;

/**
 * 2x2 matrices (8 f64 each, in `mats` at 8·i) on wires[i] < BLOCK_QUBITS, applied in order, in one
 * cache-blocked pass over an n-qubit state (n > BLOCK_QUBITS). False when s is outside the SIMD memory.
 */
export function simdApply1Blocked(s: Float64Array, n: number, wires: ArrayLike<number>, k: number, mats: Float64Array): boolean {
  const ptr = simdPointer(s);
  if (ptr < 0 || n <= BLOCK_QUBITS) return false;
  const at = simdBlockedArgs(wires, k, mats);
  loaded!.exports.apply1Blocked(ptr, BLOCK_QUBITS, 0, 2 ** (n - BLOCK_QUBITS), k, at.mats, at.wires);
  return true;
}

/** Copies the matrices and wires of a blocked pass into the SIMD memory; their byte addresses (for apply1Blocked on any thread). */
export function simdBlockedArgs(wires: ArrayLike<number>, k: number, mats: Float64Array): { mats: number; wires: number } {
  if (!blockMats || simdPointer(blockMats) < 0) {
    blockMats = allocAmplitudes(8 * BLOCK_QUBITS);
    // The Float64Array owns the block (its collection would recycle it); the u32 view reads it.
    blockWiresOwner = allocAmplitudes(BLOCK_QUBITS);
    blockWires = new Uint32Array(blockWiresOwner.buffer, blockWiresOwner.byteOffset, BLOCK_QUBITS);
  }
  blockMats.set(mats.subarray(0, 8 * k));
  for (let i = 0; i < k; i++) blockWires![i] = wires[i];
  return { mats: blockMats.byteOffset, wires: blockWiresOwner!.byteOffset };
}
