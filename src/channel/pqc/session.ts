/**
 * An authenticated hybrid handshake between a federated client and the aggregator, and the two
 * directions of AEAD it produces.
 *
 *   aggregator → client:  X-Wing public key, ML-DSA-65 signature over (run, ids, public key)
 *   client → aggregator:  X-Wing cipher text, QKD key ID (ETSI GS QKD 014), ML-DSA-65 signature
 *                         over the transcript hash
 *   both:                 session keys = HKDF(QKD key ‖ X-Wing secret; salt = transcript; per direction)
 *
 * Modes: `qkd+pqc` (both secrets: secret while either QKD or the post-quantum KEM holds), `pqc`
 * (the KEM alone: what a link falls back to when its QKD aborts), `none` (no protection: the
 * baseline). Signatures are ML-DSA-65 (FIPS 204), the keys of src/supply.
 */
import crypto from 'node:crypto';
import { ml_dsa65 } from '@noble/post-quantum/ml-dsa.js';
import { QmlError } from '../../core/errors.js';
import type { KeyPair } from '../../supply/signing.js';
import { hybridDecapsulate, hybridEncapsulate, hybridKeygen } from './hybrid.js';
import { deriveSessionKey, transcriptHash } from './combiner.js';
import { UpdateOpener, UpdateSealer } from './aead.js';

export type ChannelMode = 'qkd+pqc' | 'pqc' | 'none';
export const CHANNEL_MODES: ChannelMode[] = ['qkd+pqc', 'pqc', 'none'];

/** Where QKD keys come from: the ETSI GS QKD 014 client, or an in-process key store. */
export interface QkdKeySource {
  /** the master SAE asks for a fresh key shared with `slave`; null when the link has none to give */
  encKey(master: string, slave: string, bytes: number): Promise<{ keyId: string; key: Uint8Array } | null>;
  /** the slave SAE fetches the same key by its ID */
  decKey(slave: string, master: string, keyId: string): Promise<Uint8Array>;
}

export interface Party { id: string; signing: KeyPair }

export interface SessionPair {
  mode: ChannelMode;
  transcript: Uint8Array;
  qkdKeyId: string | null;
  /** bytes exchanged by the handshake (public keys, cipher text, signatures, key ID) */
  handshakeBytes: number;
  client: { up: UpdateSealer; down: UpdateOpener };
  server: { up: UpdateOpener; down: UpdateSealer };
}

/** Thrown when the handshake cannot authenticate a party (a wrong or untrusted signature). */
export class HandshakeRefused extends QmlError {}

/**
 * Runs the handshake between `client` and `server` and returns both ends' sessions. With mode
 * `qkd+pqc` a QKD key is required; when the source has none, the call fails with
 * `QkdUnavailable` and the caller's policy decides (fall back to `pqc`, or exclude the client).
 *
 * @example
 * import { establishSession, generateKeyPair } from 'qml6g';
 * const client = { id: 'c1', signing: generateKeyPair() }, server = { id: 'agg', signing: generateKeyPair() };
 * const s = await establishSession({ mode: 'pqc', run: 'r1', client, server });
 * const m = s.client.up.seal(new Float64Array([1, 2, 3]), 0);
 * s.server.up.open(m, 0); // Float64Array [1, 2, 3]
 */
export async function establishSession(o: {
  mode: ChannelMode; run: string; client: Party; server: Party; qkd?: QkdKeySource;
  /** what each side trusts (defaults: the other party's actual key) */
  trustedServerKey?: Uint8Array; trustedClientKey?: Uint8Array;
  /** seed bytes for reproducible KEM randomness (tests); fresh randomness otherwise */
  seed?: Uint8Array;
}): Promise<SessionPair> {
  const { mode, run, client, server } = o;
  if (mode === 'none') throw new QmlError('mode "none" has no session: updates travel in the clear');
  if (!(CHANNEL_MODES as string[]).includes(mode)) throw new QmlError(`unknown channel mode "${mode}" (known: ${CHANNEL_MODES.join(', ')})`);
  const rand = (n: number, label: string) => (o.seed ? new Uint8Array(crypto.createHash('sha512').update(o.seed).update(label).digest().subarray(0, n)) : new Uint8Array(crypto.randomBytes(n)));

  // 1. The aggregator's ephemeral KEM key, signed.
  const kem = hybridKeygen(rand(32, 'kem'));
  const offer = transcriptHash([['label', 'qml6g/handshake/v1 offer'], ['run', run], ['server', server.id], ['client', client.id], ['mode', mode], ['kem_pk', kem.publicKey]]);
  const offerSig = ml_dsa65.sign(offer, server.signing.secretKey);
  if (!ml_dsa65.verify(offerSig, offer, o.trustedServerKey ?? server.signing.publicKey)) throw new HandshakeRefused(`the aggregator's signature does not verify with the trusted key (client ${client.id})`);

  // 2. The client encapsulates, fetches a QKD key, and signs the transcript.
  const { cipherText, sharedSecret } = hybridEncapsulate(kem.publicKey, rand(64, 'encaps'));
  let qkdKey: Uint8Array | null = null, keyId: string | null = null;
  if (mode === 'qkd+pqc') {
    if (!o.qkd) throw new QmlError('mode qkd+pqc needs a QKD key source');
    const got = await o.qkd.encKey(client.id, server.id, 32);
    if (!got) throw new QkdUnavailable(client.id);
    qkdKey = got.key; keyId = got.keyId;
  }
  const fields: Array<[string, Uint8Array | string | number]> = [['offer', offer], ['kem_ct', cipherText], ['qkd_key_id', keyId ?? '']];
  const transcript = transcriptHash(fields);
  const clientSig = ml_dsa65.sign(transcript, client.signing.secretKey);

  // 3. The aggregator checks the client, decapsulates and fetches the same QKD key.
  if (!ml_dsa65.verify(clientSig, transcript, o.trustedClientKey ?? client.signing.publicKey)) throw new HandshakeRefused(`client ${client.id}'s signature does not verify with its trusted key`);
  const serverSecret = hybridDecapsulate(cipherText, kem.secretKey);
  const serverQkd = keyId && o.qkd ? await o.qkd.decKey(server.id, client.id, keyId) : null;

  const dirKey = (q: Uint8Array | null, p: Uint8Array, dir: 'up' | 'down') =>
    deriveSessionKey({ qkdKey: q, pqSecret: p, transcript: transcriptHash([['transcript', transcript], ['direction', dir]]) });
  const who = (direction: 'up' | 'down') => ({ run, client: client.id, direction });
  return {
    mode, transcript, qkdKeyId: keyId,
    handshakeBytes: kem.publicKey.length + offerSig.length + cipherText.length + clientSig.length + (keyId ? keyId.length : 0),
    client: { up: new UpdateSealer(dirKey(qkdKey, sharedSecret, 'up'), who('up')), down: new UpdateOpener(dirKey(qkdKey, sharedSecret, 'down'), who('down')) },
    server: { up: new UpdateOpener(dirKey(serverQkd, serverSecret, 'up'), who('up')), down: new UpdateSealer(dirKey(serverQkd, serverSecret, 'down'), who('down')) },
  };
}

/** The QKD link of a client has no key to give (it aborted, or the store is exhausted). */
export class QkdUnavailable extends QmlError {
  constructor(readonly client: string) { super(`no QKD key available for client ${client}`); }
}
