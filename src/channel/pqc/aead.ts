/**
 * Model updates under AEAD: XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha; @noble/ciphers) with the
 * run, round, client id, direction and sequence number in the associated data. Nonces are never
 * reused: each session key belongs to one sender, and the 24-byte nonce is the direction byte
 * followed by the sender's message counter (a key is retired long before 2^64 messages). The
 * receiver accepts only the next sequence number of its session, so a replayed, reordered or
 * dropped-and-resent message, one from another round, run or client, and any altered byte are
 * refused.
 */
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { QmlError } from '../../core/errors.js';

export const AEAD_NAME = 'XChaCha20-Poly1305';

/** Who sent what, authenticated but not encrypted. */
export interface UpdateHeader { run: string; round: number; client: string; seq: number; direction: 'up' | 'down' }

/** A sealed model update, plain data (JSON-able with base64 fields). */
export interface SealedUpdate { header: UpdateHeader; nonce: string; ciphertext: string }

const enc = new TextEncoder();
const b64 = (u: Uint8Array) => Buffer.from(u).toString('base64');
const unb64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));

/** The associated data: a canonical encoding of the header. */
export function associatedData(h: UpdateHeader): Uint8Array {
  return enc.encode(JSON.stringify(['qml6g/update/v1', h.run, h.round, h.client, h.seq, h.direction]));
}

function nonceFor(direction: 'up' | 'down', seq: number): Uint8Array {
  const n = new Uint8Array(24);
  n[0] = direction === 'up' ? 0x75 : 0x64;
  let x = BigInt(seq);
  for (let i = 23; i >= 16; i--) { n[i] = Number(x & 255n); x >>= 8n; }
  return n;
}

/** Float64 parameters as little-endian bytes (and back). */
export function encodeParams(p: Float64Array): Uint8Array {
  const out = new Uint8Array(p.length * 8);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < p.length; i++) dv.setFloat64(8 * i, p[i], true);
  return out;
}

export function decodeParams(b: Uint8Array): Float64Array {
  if (b.length % 8 !== 0) throw new QmlError(`an update of ${b.length} bytes is not a whole number of float64s`);
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out = new Float64Array(b.length / 8);
  for (let i = 0; i < out.length; i++) out[i] = dv.getFloat64(8 * i, true);
  return out;
}

/**
 * One direction of a session: seals with a fresh nonce per message.
 *
 * @example
 * import { UpdateSealer, UpdateOpener } from 'qml6g';
 * const key = new Uint8Array(32).fill(7);
 * const tx = new UpdateSealer(key, { run: 'r1', client: 'c1', direction: 'up' });
 * const rx = new UpdateOpener(key, { run: 'r1', client: 'c1', direction: 'up' });
 * const m = tx.seal(new Float64Array([0.1, 0.2]), 1);
 * rx.open(m, 1);        // Float64Array [0.1, 0.2]
 * // rx.open(m, 1) again throws: replayed
 */
export class UpdateSealer {
  private seq = 0;
  private readonly aead: (nonce: Uint8Array, ad: Uint8Array) => { encrypt(p: Uint8Array): Uint8Array };
  constructor(key: Uint8Array, readonly who: { run: string; client: string; direction: 'up' | 'down' }) {
    if (key.length !== 32) throw new QmlError(`an XChaCha20-Poly1305 key has 32 bytes, got ${key.length}`);
    const k = Uint8Array.from(key);
    this.aead = (nonce, ad) => xchacha20poly1305(k, nonce, ad);
  }
  /** Messages sealed so far (the next sequence number is this plus one). */
  get sent(): number { return this.seq; }
  seal(params: Float64Array, round: number): SealedUpdate {
    if (!Number.isInteger(round) || round < 0) throw new QmlError(`round must be a non-negative integer, got ${round}`);
    const header: UpdateHeader = { run: this.who.run, round, client: this.who.client, seq: ++this.seq, direction: this.who.direction };
    const nonce = nonceFor(header.direction, header.seq);
    const ct = this.aead(nonce, associatedData(header)).encrypt(encodeParams(params));
    return { header, nonce: b64(nonce), ciphertext: b64(ct) };
  }
}

export type RefusalReason = 'tampered' | 'replayed' | 'reordered' | 'wrong-session';

/** Refused messages carry why, so the caller can count failures by kind. */
export class RefusedUpdate extends QmlError {
  constructor(readonly reason: RefusalReason, message: string) { super(`update refused (${reason}): ${message}`); }
}

export class UpdateOpener {
  private last = 0;
  private readonly aead: (nonce: Uint8Array, ad: Uint8Array) => { decrypt(c: Uint8Array): Uint8Array };
  constructor(key: Uint8Array, readonly who: { run: string; client: string; direction: 'up' | 'down' }) {
    if (key.length !== 32) throw new QmlError(`an XChaCha20-Poly1305 key has 32 bytes, got ${key.length}`);
    const k = Uint8Array.from(key);
    this.aead = (nonce, ad) => xchacha20poly1305(k, nonce, ad);
  }
  /** Opens the next message of the session for the expected round; anything else is refused. */
  open(m: SealedUpdate, expectedRound: number): Float64Array {
    const h = m?.header;
    if (!h || typeof h.seq !== 'number' || typeof m.nonce !== 'string' || typeof m.ciphertext !== 'string') throw new RefusedUpdate('tampered', 'malformed message');
    if (h.run !== this.who.run || h.client !== this.who.client || h.direction !== this.who.direction) throw new RefusedUpdate('wrong-session', `from ${h.client}/${h.run}/${h.direction}, expected ${this.who.client}/${this.who.run}/${this.who.direction}`);
    if (h.seq <= this.last) throw new RefusedUpdate('replayed', `sequence ${h.seq} already seen (last ${this.last})`);
    if (h.seq !== this.last + 1) throw new RefusedUpdate('reordered', `sequence ${h.seq}, expected ${this.last + 1}`);
    if (h.round !== expectedRound) throw new RefusedUpdate('reordered', `round ${h.round}, expected ${expectedRound}`);
    const nonce = unb64(m.nonce);
    const want = nonceFor(h.direction, h.seq);
    if (nonce.length !== 24 || nonce.some((b, i) => b !== want[i])) throw new RefusedUpdate('tampered', 'nonce does not match the sequence number');
    let pt: Uint8Array;
    try { pt = this.aead(nonce, associatedData(h)).decrypt(unb64(m.ciphertext)); }
    catch { throw new RefusedUpdate('tampered', 'authentication failed'); }
    this.last = h.seq;
    return decodeParams(pt);
  }
}
