/**
 * Toeplitz hashing over GF(2): an ℓ×n Toeplitz matrix T, fixed by n + ℓ − 1 seed bits
 * (T[i][j] = s[i − j + n − 1]), maps x ∈ {0,1}^n to Tx. The family is universal₂ (Carter & Wegman
 * 1979; Krawczyk 1994): for x ≠ y, Pr_s[Tx = Ty] = 2^−ℓ. It is used twice: for privacy amplification
 * (the leftover hash lemma, Impagliazzo, Levin & Luby 1989) and, with ℓ = ⌈log2(1/ε_cor)⌉, for
 * error verification after Cascade.
 *
 * Row i of T against x is the parity of (s[i .. i+n−1] AND reverse(x)), so each output bit is n/32
 * word operations on packed bits.
 */
import { QmlError } from '../../core/errors.js';
import { Rng } from '../../core/rng.js';
import { parity32, words } from './bits.js';

/** Random seed bits for an ℓ×n Toeplitz matrix (packed, n + ℓ − 1 bits). */
export function toeplitzSeed(n: number, l: number, rng: Rng): Uint32Array {
  const s = new Uint32Array(words(n + l - 1) + 1);
  for (let w = 0; w < s.length; w++) s[w] = rng.nextU32();
  return s;
}

/**
 * y = T·x for the packed n-bit string x; returns ℓ packed bits. The seed must hold n + ℓ − 1 bits.
 */
export function toeplitzHash(x: Uint32Array, n: number, l: number, seed: Uint32Array): Uint32Array {
  if (!Number.isInteger(n) || n < 1 || !Number.isInteger(l) || l < 0) throw new QmlError(`Toeplitz hashing needs n ≥ 1 and ℓ ≥ 0, got n = ${n}, ℓ = ${l}`);
  if (x.length < words(n)) throw new QmlError(`the input holds fewer than ${n} bits`);
  if (seed.length * 32 < n + l - 1 + 32) throw new QmlError(`a Toeplitz seed for ${l}×${n} needs ${n + l - 1} bits`);
  // rev[j'] = x[n − 1 − j'], so y_i = ⊕_j' s[i + j'] · rev[j'].
  const W = words(n);
  const rev = new Uint32Array(W);
  for (let j = 0; j < n; j++) if ((x[j >>> 5] >>> (j & 31)) & 1) { const r = n - 1 - j; rev[r >>> 5] |= 1 << (r & 31); }
  const out = new Uint32Array(words(l));
  for (let i = 0; i < l; i++) {
    const w0 = i >>> 5, sh = i & 31;
    let acc = 0;
    if (sh === 0) for (let w = 0; w < W; w++) acc ^= seed[w0 + w] & rev[w];
    else for (let w = 0; w < W; w++) acc ^= ((seed[w0 + w] >>> sh) | (seed[w0 + w + 1] << (32 - sh))) & rev[w];
    if (parity32(acc)) out[i >>> 5] |= 1 << (i & 31);
  }
  return out;
}

/** Verification tag length for a correctness bound ε_cor: ⌈log2(1/ε_cor)⌉ bits. */
export function verificationBits(epsCor: number): number {
  if (!(epsCor > 0 && epsCor < 1)) throw new QmlError(`ε_cor must be in (0, 1), got ${epsCor}`, 'eps-cor');
  return Math.ceil(Math.log2(1 / epsCor));
}
