/**
 * Memory limits: a state is allocated only after checking that it fits, so a circuit that is too
 * large fails with the number of bytes it would need instead of an engine crash.
 */
import os from 'node:os';
import { QmlError } from '../core/errors.js';

/** V8 refuses typed arrays above this many bytes on 64-bit Node 20 (about 4 GiB of doubles is accepted). */
const MAX_TYPED_ARRAY_BYTES = 2 ** 32;

export function formatBytes(b: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let u = 0;
  while (b >= 1024 && u < units.length - 1) { b /= 1024; u++; }
  return `${b.toFixed(b >= 100 || u === 0 ? 0 : 1)} ${units[u]}`;
}

/** Throws a clear error unless `amplitudes` complex doubles (16 bytes each) can be allocated. */
export function checkStateMemory(amplitudes: number, what: string, copies = 1): void {
  const bytes = amplitudes * 16;
  const total = bytes * copies;
  const free = os.totalmem();
  if (bytes > MAX_TYPED_ARRAY_BYTES || total > free * 0.9) {
    const limit = Math.min(MAX_TYPED_ARRAY_BYTES, free * 0.9 / copies);
    throw new QmlError(
      `${what} needs ${formatBytes(total)} (${copies > 1 ? `${copies} x ` : ''}${formatBytes(bytes)}), more than this machine allows `
      + `(${formatBytes(limit)} per state: ${formatBytes(free)} of memory, typed arrays up to ${formatBytes(MAX_TYPED_ARRAY_BYTES)})`,
    );
  }
}

/** Largest qubit count whose statevector fits. */
export function maxStatevectorQubits(copies = 1): number {
  let n = 1;
  while (n < 60) {
    try { checkStateMemory(2 ** (n + 1), '', copies); } catch { break; }
    n++;
  }
  return n;
}
