/**
 * Packed bit strings: bit i lives in word i >>> 5 at position i & 31 of a Uint32Array, so a million
 * key bits take 125 kB and parities and hashes work 32 bits at a time.
 */
export function words(nBits: number): number {
  return (nBits + 31) >>> 5;
}

export function getBit(a: Uint32Array, i: number): number {
  return (a[i >>> 5] >>> (i & 31)) & 1;
}

export function setBit(a: Uint32Array, i: number, v: number): void {
  const w = i >>> 5, m = 1 << (i & 31);
  if (v) a[w] |= m; else a[w] &= ~m;
}

/** Number of set bits in a 32-bit word (SWAR popcount). */
export function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** Parity (XOR of all bits) of a 32-bit word. */
export function parity32(x: number): number {
  x ^= x >>> 16;
  x ^= x >>> 8;
  x ^= x >>> 4;
  return (0x6996 >>> (x & 0xf)) & 1;
}

/** Packs 0/1 bytes into words. */
export function pack(bits: ArrayLike<number>): Uint32Array {
  const out = new Uint32Array(words(bits.length));
  for (let i = 0; i < bits.length; i++) if (bits[i]) out[i >>> 5] |= 1 << (i & 31);
  return out;
}

/** Unpacks the first n bits into 0/1 bytes. */
export function unpack(a: Uint32Array, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (a[i >>> 5] >>> (i & 31)) & 1;
  return out;
}

/** Hamming distance between the first n bits of two packed strings. */
export function hammingDistance(a: Uint32Array, b: Uint32Array, n: number): number {
  let d = 0;
  const full = n >>> 5;
  for (let w = 0; w < full; w++) d += popcount32(a[w] ^ b[w]);
  if (n & 31) d += popcount32((a[full] ^ b[full]) & ((1 << (n & 31)) - 1));
  return d;
}

/** The first n bits as bytes (little-endian within each byte), e.g. to use a key with a cipher. */
export function toBytes(a: Uint32Array, n: number): Uint8Array {
  const out = new Uint8Array((n + 7) >>> 3);
  for (let i = 0; i < n; i++) if ((a[i >>> 5] >>> (i & 31)) & 1) out[i >>> 3] |= 1 << (i & 7);
  return out;
}
