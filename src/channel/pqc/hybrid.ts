/**
 * Hybrid key encapsulation: X-Wing (ML-KEM-768 + X25519, draft-connolly-cfrg-xwing-kem), exported
 * by @noble/post-quantum as `ml_kem768_x25519`. Its shared secret stays secret while either ML-KEM
 * (FIPS 203) or X25519 (RFC 7748) holds. Sizes (X-Wing draft §5): public key 1216 bytes, cipher
 * text 1120, shared secret 32, secret key 32 (a seed).
 */
import { ml_kem768_x25519 } from '@noble/post-quantum/hybrid.js';
import { QmlError } from '../../core/errors.js';

export const HYBRID_KEM = 'X-Wing (ML-KEM-768 + X25519)';
export const XWING_SIZES = { publicKey: 1216, secretKey: 32, cipherText: 1120, sharedSecret: 32 } as const;

export interface KemKeyPair { publicKey: Uint8Array; secretKey: Uint8Array }

/** A fresh X-Wing key pair (from a 32-byte seed when given, for reproducible runs). */
export function hybridKeygen(seed?: Uint8Array): KemKeyPair {
  if (seed !== undefined && seed.length !== 32) throw new QmlError(`an X-Wing seed has 32 bytes, got ${seed.length}`);
  const { publicKey, secretKey } = ml_kem768_x25519.keygen(seed);
  return { publicKey, secretKey };
}

/** Encapsulates a fresh shared secret to a public key (randomness from 64 bytes when given). */
export function hybridEncapsulate(publicKey: Uint8Array, randomness?: Uint8Array): { cipherText: Uint8Array; sharedSecret: Uint8Array } {
  if (publicKey.length !== XWING_SIZES.publicKey) throw new QmlError(`an X-Wing public key has ${XWING_SIZES.publicKey} bytes, got ${publicKey.length}`);
  if (randomness !== undefined && randomness.length !== 64) throw new QmlError(`X-Wing encapsulation takes 64 random bytes, got ${randomness.length}`);
  const { cipherText, sharedSecret } = ml_kem768_x25519.encapsulate(publicKey, randomness);
  return { cipherText, sharedSecret };
}

/** Recovers the shared secret; a corrupted cipher text yields an unrelated secret (implicit rejection). */
export function hybridDecapsulate(cipherText: Uint8Array, secretKey: Uint8Array): Uint8Array {
  if (cipherText.length !== XWING_SIZES.cipherText) throw new QmlError(`an X-Wing cipher text has ${XWING_SIZES.cipherText} bytes, got ${cipherText.length}`);
  return ml_kem768_x25519.decapsulate(cipherText, secretKey);
}
