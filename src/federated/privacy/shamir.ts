/**
 * Shamir t-of-n secret sharing (Shamir 1979, "How to share a secret", CACM 22(11)) over the prime
 * field GF(p), p = 2^255 − 19 (the Curve25519 prime, Bernstein 2006). Any 32-byte value below p is a
 * field element, so X25519 secret keys and 32-byte mask seeds drawn below p are shared as they are.
 * A secret s is the constant term of a random polynomial f of degree t − 1; holder j gets (x_j, f(x_j)),
 * x_j ≠ 0; any t shares give s = Σ λ_j f(x_j) with Lagrange weights λ_j = Π_{m≠j} x_m / (x_m − x_j) at 0;
 * fewer than t shares reveal nothing about s.
 *
 * @example
 * import { splitSecret, combineShares, SecureRandom } from 'qml6g';
 * const shares = splitSecret(123456789n, 3, [1, 2, 3, 4, 5], new SecureRandom(1));
 * combineShares([shares[0], shares[2], shares[4]]); // 123456789n
 */
import { QmlError } from '../../core/errors.js';
import type { SecureRandom } from './random.js';

export const FIELD_PRIME = (1n << 255n) - 19n;

export interface Share { x: number; y: bigint }

const mod = (a: bigint): bigint => { const r = a % FIELD_PRIME; return r < 0n ? r + FIELD_PRIME : r; };

/** The inverse of a ≠ 0 mod p by the extended Euclidean algorithm. */
export function invMod(a: bigint): bigint {
  let [r0, r1] = [mod(a), FIELD_PRIME];
  if (r0 === 0n) throw new QmlError('zero has no inverse in the field');
  let [s0, s1] = [1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return mod(s0);
}

/** A uniform field element (rejection sampling of 255-bit strings). */
export function randomFieldElement(rnd: SecureRandom): bigint {
  for (;;) {
    const b = rnd.bytes(32);
    b[31] &= 0x7f;
    const v = bytesToField(b);
    if (v < FIELD_PRIME) return v;
  }
}

/** Little-endian 32 bytes → integer (the X25519 byte order, RFC 7748 §5). */
export function bytesToField(b: Uint8Array): bigint {
  let v = 0n;
  for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
  return v;
}

export function fieldToBytes(v: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) { out[i] = Number(v & 0xffn); v >>= 8n; }
  return out;
}

/** Shares of `secret` for the holders at abscissae `xs` (distinct, non-zero), threshold `t`. */
export function splitSecret(secret: bigint, t: number, xs: number[], rnd: SecureRandom): Share[] {
  if (!Number.isInteger(t) || t < 1) throw new QmlError(`threshold must be an integer ≥ 1, got ${t}`);
  if (t > xs.length) throw new QmlError(`threshold ${t} exceeds the ${xs.length} share holders`);
  if (secret < 0n || secret >= FIELD_PRIME) throw new QmlError('secret is not a field element');
  const coef: bigint[] = [secret];
  for (let i = 1; i < t; i++) coef.push(randomFieldElement(rnd));
  const shares: Share[] = new Array(xs.length);
  for (let j = 0; j < xs.length; j++) {
    const x = BigInt(xs[j]);
    if (xs[j] <= 0) throw new QmlError(`share abscissa must be positive, got ${xs[j]}`);
    let y = 0n;
    for (let i = t - 1; i >= 0; i--) y = (y * x + coef[i]) % FIELD_PRIME; // Horner
    shares[j] = { x: xs[j], y };
  }
  return shares;
}

const lagrangeCache = new Map<string, bigint[]>();

/** Lagrange weights at 0 for the abscissae `xs` (cached: a round reuses the same holder sets). */
export function lagrangeAtZero(xs: number[]): bigint[] {
  const key = xs.join(',');
  const hit = lagrangeCache.get(key);
  if (hit) return hit;
  const w = xs.map((xj, j) => {
    let num = 1n, den = 1n;
    for (let m = 0; m < xs.length; m++) {
      if (m === j) continue;
      num = (num * BigInt(xs[m])) % FIELD_PRIME;
      den = mod(den * BigInt(xs[m] - xj));
    }
    return (num * invMod(den)) % FIELD_PRIME;
  });
  if (lagrangeCache.size > 4096) lagrangeCache.clear();
  lagrangeCache.set(key, w);
  return w;
}

/** The secret from exactly the given shares (pass t of them; more are fine, duplicates are not). */
export function combineShares(shares: Share[]): bigint {
  const xs = shares.map((s) => s.x);
  if (new Set(xs).size !== xs.length) throw new QmlError('duplicate share abscissae');
  const w = lagrangeAtZero(xs);
  let s = 0n;
  for (let j = 0; j < shares.length; j++) s = (s + w[j] * shares[j].y) % FIELD_PRIME;
  return s;
}
