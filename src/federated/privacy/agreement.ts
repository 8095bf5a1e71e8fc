/**
 * Key agreement for secure aggregation (Bonawitz et al. 2017, §3 "KA"): X25519 (RFC 7748) followed by
 * HKDF-SHA256 (RFC 5869) with a domain-separated `info`, so one Diffie–Hellman secret never keys two
 * different things. Two key pairs per client and round: `c` keys the channel that carries Shamir shares
 * through the server (ChaCha20-Poly1305, RFC 8439), `s` keys the pairwise masks.
 *
 * The scalar multiplication is Node's (OpenSSL) X25519: it is ~25× faster than @noble/curves' pure-JS
 * one, which matters with 100 clients × 99 peers × 2 agreements per round; the tests check both give
 * the same shared secrets and the RFC 7748 §6.1 vector. Secret keys are 32 bytes below 2^255 − 19, so
 * they are Shamir-shared as field elements (shamir.ts) and rebuilt bytes-exact by the server.
 *
 * @example
 * import { generateX25519KeyPair, agree, SecureRandom } from 'qml6g';
 * const r = new SecureRandom(1);
 * const a = generateX25519KeyPair(r), b = generateX25519KeyPair(r);
 * agree(a.secretKey, b.publicKey, 'mask', 0, 1, 7); // 32 bytes, equal to agree(b.secretKey, a.publicKey, 'mask', 0, 1, 7)
 */
import crypto from 'node:crypto';
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { QmlError } from '../../core/errors.js';
import { fieldToBytes, randomFieldElement } from './shamir.js';
import type { SecureRandom } from './random.js';

export interface X25519KeyPair { secretKey: Uint8Array; publicKey: Uint8Array }

// DER prefix of PKCS#8 for X25519 (RFC 8410): the fallback import of a raw 32-byte secret key.
const PKCS8 = Buffer.from('302e020100300506032b656e04220420', 'hex');
const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64url');

// OpenSSL's DER decoder costs ~1.4 ms per key and its JWK path ~0.1 ms, so key objects are cached by
// the identity of the byte arrays (a round reuses each key against up to n − 1 peers).
const privCache = new WeakMap<Uint8Array, crypto.KeyObject>();
const pubCache = new WeakMap<Uint8Array, crypto.KeyObject>();

/**
 * The key object of a raw secret key. The JWK form wants the public coordinate x; OpenSSL derives it
 * from d itself, so a known x is passed when there is one (the server rebuilding a key has the
 * advertised public key) and an all-zero x otherwise (which OpenSSL replaces with the value it
 * derives), with the DER import as the fallback.
 */
function privObj(sk: Uint8Array, pk?: Uint8Array): crypto.KeyObject {
  let k = privCache.get(sk);
  if (k) return k;
  try {
    k = crypto.createPrivateKey({ key: { kty: 'OKP', crv: 'X25519', d: b64(sk), x: b64(pk ?? new Uint8Array(32)) }, format: 'jwk' });
  } catch {
    k = crypto.createPrivateKey({ key: Buffer.concat([PKCS8, sk]), format: 'der', type: 'pkcs8' });
  }
  privCache.set(sk, k);
  return k;
}

function pubObj(pk: Uint8Array): crypto.KeyObject {
  let k = pubCache.get(pk);
  if (!k) {
    try {
      k = crypto.createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: b64(pk) }, format: 'jwk' });
    } catch (e) {
      throw new QmlError(`invalid X25519 public key: ${(e as Error).message}`);
    }
    pubCache.set(pk, k);
  }
  return k;
}

/** The X25519 public key of a 32-byte secret key (RFC 7748 §6.1: X25519(k, 9)). */
export function publicKeyOf(secretKey: Uint8Array): Uint8Array {
  const jwk = crypto.createPublicKey(privObj(secretKey)).export({ format: 'jwk' });
  return new Uint8Array(Buffer.from(jwk.x as string, 'base64url'));
}

/** A key pair whose secret key is a uniform field element below 2^255 − 19 (so it can be Shamir-shared). */
export function generateX25519KeyPair(rnd: SecureRandom): X25519KeyPair {
  const secretKey = fieldToBytes(randomFieldElement(rnd));
  return { secretKey, publicKey: publicKeyOf(secretKey) };
}

/** Raw X25519(sk, pk); throws on the all-zero output of a small-order point (RFC 7748 §6.1). */
export function x25519Raw(secretKey: Uint8Array, publicKey: Uint8Array, ownPublicKey?: Uint8Array): Uint8Array {
  try {
    return new Uint8Array(crypto.diffieHellman({ privateKey: privObj(secretKey, ownPublicKey), publicKey: pubObj(publicKey) }));
  } catch (e) {
    throw new QmlError(`X25519 key agreement failed: ${(e as Error).message}`);
  }
}

export type Purpose = 'channel' | 'mask';

/**
 * The key two clients u ≠ v agree on for `purpose` in `round`: HKDF-SHA256(X25519(sk_u, pk_v), salt =
 * "qml6g/secagg/v1", info = purpose ‖ round ‖ min(u,v) ‖ max(u,v)). Symmetric in (u, v).
 */
export function agree(secretKey: Uint8Array, peerPublicKey: Uint8Array, purpose: Purpose, u: number, v: number, round: number, ownPublicKey?: Uint8Array): Uint8Array {
  const shared = x25519Raw(secretKey, peerPublicKey, ownPublicKey);
  return hkdf32(shared, 'qml6g/secagg/v1', `${purpose}/${round}/${Math.min(u, v)}/${Math.max(u, v)}`);
}

/**
 * HKDF-SHA256 (RFC 5869) for a 32-byte output: PRK = HMAC(salt, IKM), OKM = T(1) = HMAC(PRK, info ‖ 0x01).
 * Written out with two HMACs because Node's hkdfSync costs ~25 µs a call and a round makes ~10⁴ of them;
 * the tests check it against hkdfSync.
 */
export function hkdf32(ikm: Uint8Array, salt: string, info: string): Uint8Array {
  const prk = crypto.createHmac('sha256', salt).update(ikm).digest();
  return new Uint8Array(crypto.createHmac('sha256', prk).update(info).update(ONE).digest());
}
const ONE = Uint8Array.of(1);

/** The nonce of the one message u sends v under their channel key (each direction used once per round). */
function nonce(from: number, to: number): Uint8Array {
  const n = new Uint8Array(12);
  const dv = new DataView(n.buffer);
  dv.setUint32(0, from >>> 0, true);
  dv.setUint32(4, to >>> 0, true);
  return n;
}

/** ChaCha20-Poly1305 encryption of a share message from `from` to `to` (RFC 8439). */
export function sealShare(key: Uint8Array, from: number, to: number, plaintext: Uint8Array): Uint8Array {
  return chacha20poly1305(key, nonce(from, to)).encrypt(plaintext);
}

/** Decrypts and authenticates a share message; a forged or misrouted one is a QmlError. */
export function openShare(key: Uint8Array, from: number, to: number, ciphertext: Uint8Array): Uint8Array {
  try {
    return chacha20poly1305(key, nonce(from, to)).decrypt(ciphertext);
  } catch {
    throw new QmlError(`share ciphertext from client ${from} to client ${to} fails authentication`);
  }
}
