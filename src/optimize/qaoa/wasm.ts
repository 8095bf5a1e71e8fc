/**
 * The WebAssembly SIMD kernels of the QAOA fast path (asm/qaoa.ts, built by `npm run build:wasm`
 * into dist/wasm/qaoa.wasm), instantiated on the simulator's shared memory (src/sim/simd.ts) so a
 * state allocated by `allocAmplitudes` can be handed to them by its byte offset. When the simulator's
 * SIMD kernels are off (engine, build, or QML6G_SIMD=0) or this module is missing, `qaoaWasm()` is
 * null and the TypeScript kernels (kernels.ts) run: same arithmetic, same results to rounding.
 *
 * @example
 * import { qaoaWasm } from 'qml6g';
 * qaoaWasm() !== null;   // true where WebAssembly SIMD runs
 */
import fs from 'node:fs';
import { allocAmplitudes, simd, simdPointer } from '../../sim/simd.js';

export interface QaoaWasmExports {
  phase8(ptr: number, idx: number, cosT: number, sinT: number, lo: number, hi: number): void;
  phase16(ptr: number, idx: number, cosT: number, sinT: number, lo: number, hi: number): void;
  mix1(ptr: number, q: number, c: number, s: number, lo: number, hi: number): void;
  mix2(ptr: number, q1: number, q2: number, c: number, s: number, lo: number, hi: number): void;
  mix1t(ptr: number, q: number, t: number, lo: number, hi: number): void;
  mix2t(ptr: number, q1: number, q2: number, t: number, lo: number, hi: number): void;
  blockT8(ptr: number, idx: number, tab: number, t: number, b: number, lo: number, hi: number): void;
  blockT16(ptr: number, idx: number, tab: number, t: number, b: number, lo: number, hi: number): void;
}

interface WasmApi { Module: new (bytes: Uint8Array) => object; Instance: new (m: object, imports: object) => { exports: Record<string, unknown> } }
const WA = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

let loaded: { exports: QaoaWasmExports; module: object; memory: object } | null | undefined;

/** Instantiates a compiled module on a memory (also used by the team's worker threads). */
export function instantiateQaoa(module: object, memory: object): QaoaWasmExports {
  return new WA!.Instance(module, { env: { memory } }).exports as unknown as QaoaWasmExports;
}

/** The kernels on the simulator's memory, or null (then the TypeScript kernels run). */
export function qaoaWasm(): { exports: QaoaWasmExports; module: object; memory: object } | null {
  if (loaded !== undefined) return loaded;
  loaded = null;
  const k = simd();
  if (!k || !WA) return null;
  try {
    const bytes = fs.readFileSync(new URL('../../wasm/qaoa.wasm', import.meta.url));
    const module = new WA.Module(bytes);
    loaded = { exports: instantiateQaoa(module, k.memory), module, memory: k.memory };
  } catch {
    loaded = null;
  }
  return loaded;
}

/** Byte offset of a typed array inside the kernels' memory, or −1. */
export function wasmOffset(a: ArrayBufferView): number {
  return qaoaWasm() ? simdPointer(a as unknown as Float64Array) : -1;
}

/**
 * A zeroed level index of `count` one- or two-byte entries in the kernels' memory when they run (else
 * in a SharedArrayBuffer, so a thread team can still share it). The block is recycled once the index
 * is garbage-collected: the view holds the allocator's Float64Array.
 */
export function wasmIndex(count: number, wide: boolean): Uint8Array | Uint16Array {
  const bytes = count * (wide ? 2 : 1);
  if (qaoaWasm()) {
    const owner = allocAmplitudes(Math.max(2, Math.ceil(bytes / 8)));
    const view = wide ? new Uint16Array(owner.buffer, owner.byteOffset, count) : new Uint8Array(owner.buffer, owner.byteOffset, count);
    Object.defineProperty(view, 'owner', { value: owner, enumerable: false });
    return view;
  }
  const buf = new SharedArrayBuffer(bytes);
  return wide ? new Uint16Array(buf) : new Uint8Array(buf);
}

/** A Float64Array of `doubles` numbers where the kernels can reach it (state vectors, tables). */
export function wasmDoubles(doubles: number): Float64Array {
  if (qaoaWasm()) return allocAmplitudes(doubles);
  return new Float64Array(new SharedArrayBuffer(8 * doubles));
}
