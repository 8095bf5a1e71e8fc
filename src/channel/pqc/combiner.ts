/**
 * The session-key combiner: each session key is HKDF-SHA-256 (RFC 5869) over the concatenation of
 * the QKD key and the post-quantum shared secret, salted with the hash of the handshake transcript.
 * Concatenating the secrets before a PRF-based KDF is the hybrid combiner of the IETF hybrid
 * key-exchange designs (draft-ietf-tls-hybrid-design, §3.3; Bindel et al., "Hybrid key
 * encapsulation mechanisms and authenticated key exchange", PQCrypto 2019): the output is
 * pseudorandom if either input is secret. Binding the transcript (identities, KEM public key and
 * cipher text, QKD key IDs, run) means a key derived for one session cannot be replayed into
 * another.
 */
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { QmlError } from '../../core/errors.js';

const enc = new TextEncoder();
export const COMBINER_LABEL = 'qml6g/channel/v1 session key';

/** Length-prefixed, labelled fields hashed with SHA-256: an unambiguous transcript digest. */
export function transcriptHash(fields: Array<[string, Uint8Array | string | number]>): Uint8Array {
  const parts: Uint8Array[] = [];
  const u32 = (n: number) => Uint8Array.of(n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255);
  for (const [name, v] of fields) {
    const b = typeof v === 'string' ? enc.encode(v) : typeof v === 'number' ? enc.encode(String(v)) : v;
    const nb = enc.encode(name);
    parts.push(u32(nb.length), nb, u32(b.length), b);
  }
  const total = parts.reduce((s, p) => s + p.length, 0);
  const all = new Uint8Array(total);
  let o = 0;
  for (const p of parts) { all.set(p, o); o += p.length; }
  return sha256(all);
}

/**
 * Derives a 32-byte session key from whichever secrets the channel mode provides (at least one).
 *
 * @example
 * import { deriveSessionKey, transcriptHash } from 'qml6g';
 * const t = transcriptHash([['client', 'c1'], ['round', 3]]);
 * const k = deriveSessionKey({ qkdKey: new Uint8Array(32).fill(1), pqSecret: new Uint8Array(32).fill(2), transcript: t });
 * k.length; // 32
 */
export function deriveSessionKey(o: { qkdKey?: Uint8Array | null; pqSecret?: Uint8Array | null; transcript: Uint8Array; length?: number }): Uint8Array {
  const q = o.qkdKey ?? new Uint8Array(0), p = o.pqSecret ?? new Uint8Array(0);
  if (q.length === 0 && p.length === 0) throw new QmlError('a session key needs a QKD key, a post-quantum secret, or both');
  if (q.length > 0 && q.length < 16) throw new QmlError(`a QKD key of ${q.length} bytes is too short (at least 16)`);
  if (o.transcript.length !== 32) throw new QmlError('the transcript must be a 32-byte hash');
  // Lengths go into the info string so that (q, p) cannot be re-split differently.
  const ikm = new Uint8Array(q.length + p.length);
  ikm.set(q, 0); ikm.set(p, q.length);
  const info = enc.encode(`${COMBINER_LABEL}|qkd:${q.length}|pq:${p.length}`);
  return hkdf(sha256, ikm, o.transcript, info, o.length ?? 32);
}
