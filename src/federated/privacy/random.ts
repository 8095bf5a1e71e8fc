/**
 * Randomness for the cryptographic parts of secure aggregation. Secrets (key pairs, self-mask seeds,
 * Shamir coefficients) must be unpredictable to the server, so they never come from the statistical
 * `Rng` (xoshiro). A `SecureRandom` is an AES-256-CTR keystream (NIST SP 800-38A) keyed by
 * SHA-256(domain ‖ seed): given a seed, a simulated round is reproducible bit for bit; without one, the
 * key comes from the operating system (`crypto.randomBytes`), as a deployment needs.
 *
 * @example
 * import { SecureRandom } from 'qml6g';
 * const r = new SecureRandom(7, 'client 3');
 * r.bytes(32).length; // 32
 */
import crypto from 'node:crypto';

export class SecureRandom {
  private readonly cipher: crypto.Cipher;
  private static readonly ZERO = Buffer.alloc(4096);
  constructor(seed?: number, domain = '') {
    const key = seed === undefined
      ? crypto.randomBytes(32)
      : crypto.createHash('sha256').update(`qml6g/secure-random/v1/${domain}/${seed >>> 0}`).digest();
    this.cipher = crypto.createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
  }
  /** `n` fresh pseudo-random bytes. */
  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let off = 0; off < n; off += SecureRandom.ZERO.length) {
      const len = Math.min(SecureRandom.ZERO.length, n - off);
      out.set(this.cipher.update(SecureRandom.ZERO.subarray(0, len)), off);
    }
    return out;
  }
  /** A uniform integer in [0, 2^53) (for choices such as sampling, not for secrets). */
  uint53(): number {
    const b = this.bytes(8);
    return ((b[0] | (b[1] << 8) | ((b[2] & 0x1f) << 16)) >>> 0) * 2 ** 32 + ((b[3] | (b[4] << 8) | (b[5] << 16) | (b[6] << 24)) >>> 0);
  }
}
