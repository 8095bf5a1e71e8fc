/**
 * The pseudo-random generator that expands a 32-byte seed into a mask in Z_R^d, R = 2^32 (Bonawitz et
 * al. 2017, §3 "PRG"): the AES-256-CTR keystream (NIST SP 800-38A) under key = seed, with the initial
 * counter block = label tag (8 bytes) ‖ 0 (8-byte block counter). Tags separate domains: "self" (a
 * client's self mask, seeded by b_u) and "pair" (a pairwise mask, seeded by the agreed s_{u,v}); two
 * labels never share a counter block (a mask would need 2^64 blocks to run into the other tag), so one
 * seed never yields the stream of another domain. The keystream is read as little-endian 32-bit words,
 * uniform on Z_{2^32}.
 *
 * @example
 * import { expandMask } from 'qml6g';
 * const m = expandMask(new Uint8Array(32), 'self', 4); // Uint32Array(4), deterministic in (seed, label)
 */
import crypto from 'node:crypto';
import os from 'node:os';

export type MaskLabel = 'self' | 'pair';

const IV: Record<MaskLabel, Buffer> = {
  self: Buffer.concat([Buffer.from('qsecself', 'latin1'), Buffer.alloc(8)]),
  pair: Buffer.concat([Buffer.from('qsecpair', 'latin1'), Buffer.alloc(8)]),
};
const LITTLE = os.endianness() === 'LE';
let zeros = Buffer.alloc(0);

export function expandMask(seed: Uint8Array, label: MaskLabel, d: number): Uint32Array {
  if (zeros.length < 4 * d) zeros = Buffer.alloc(4 * d);
  const c = crypto.createCipheriv('aes-256-ctr', seed, IV[label]);
  const out = c.update(zeros.subarray(0, 4 * d));
  // Zero-copy view when the keystream buffer is word-aligned (large buffers are), else a copy.
  if (LITTLE && out.byteOffset % 4 === 0 && out.length === 4 * d) return new Uint32Array(out.buffer, out.byteOffset, d);
  const words = new Uint32Array(d);
  if (LITTLE) new Uint8Array(words.buffer).set(out);
  else {
    const dv = new DataView(out.buffer, out.byteOffset, out.byteLength);
    for (let i = 0; i < d; i++) words[i] = dv.getUint32(4 * i, true);
  }
  return words;
}

/** acc ← acc + sign · mask (mod 2^32), in place. */
export function addMask(acc: Uint32Array, mask: Uint32Array, sign: 1 | -1): void {
  if (sign === 1) for (let i = 0; i < acc.length; i++) acc[i] = (acc[i] + mask[i]) >>> 0;
  else for (let i = 0; i < acc.length; i++) acc[i] = (acc[i] - mask[i]) >>> 0;
}
