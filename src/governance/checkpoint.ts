/**
 * Signed checkpoints (signed tree heads, RFC 9162 §4.10; the C2SP tlog-checkpoint fields): the log's
 * origin, its size and its root, with a timestamp, signed with ML-DSA-65 (FIPS 204) over the
 * canonical JSON of those fields. A checkpoint kept outside the log pins everything up to its size:
 * any later rewrite of those entries changes the root, and only the key holder can sign a new one.
 *
 * @example
 * import { generateKeyPair, signCheckpoint, verifyCheckpoint } from 'qml6g';
 * const keys = generateKeyPair();
 * const cp = signCheckpoint({ origin: 'qml6g-audit/demo', tree_size: 0, root: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' }, keys);
 * verifyCheckpoint(cp, [keys.publicKey]).ok; // true
 */
import { ml_dsa65 } from '@noble/post-quantum/ml-dsa.js';
import { QmlError } from '../core/errors.js';
import { canonicalJson, keyId, SIGNATURE_ALGORITHM, type KeyPair } from '../supply/signing.js';

export interface TreeHead { origin: string; tree_size: number; root: string }

export interface Checkpoint extends TreeHead {
  format: 'qml6g-checkpoint';
  version: 1;
  timestamp: string;
  algorithm: string;
  key_id: string;
  public_key: string;
  signature: string;
}

/** The bytes that are signed: every field but the signature and the public key, as canonical JSON. */
function signedBody(cp: Omit<Checkpoint, 'signature' | 'public_key'>): Uint8Array {
  const { format, version, origin, tree_size, root, timestamp, algorithm, key_id } = cp;
  return new TextEncoder().encode(canonicalJson({ format, version, origin, tree_size, root, timestamp, algorithm, key_id }));
}

export function signCheckpoint(head: TreeHead, keys: KeyPair, timestamp = new Date().toISOString()): Checkpoint {
  const body = { format: 'qml6g-checkpoint' as const, version: 1 as const, origin: head.origin, tree_size: head.tree_size, root: head.root, timestamp, algorithm: SIGNATURE_ALGORITHM, key_id: keyId(keys.publicKey) };
  const signature = ml_dsa65.sign(signedBody(body), keys.secretKey);
  return { ...body, public_key: Buffer.from(keys.publicKey).toString('base64'), signature: Buffer.from(signature).toString('base64') };
}

/** Checks the shape of a checkpoint read from a file or the log; malformed → QmlError naming the field. */
export function parseCheckpoint(v: unknown, where: string): Checkpoint {
  const c = v as Record<string, unknown>;
  if (!c || typeof c !== 'object' || Array.isArray(c)) throw new QmlError('not a checkpoint (a JSON object expected)', where);
  if (c.format !== 'qml6g-checkpoint' || c.version !== 1) throw new QmlError('not a qml6g checkpoint (format "qml6g-checkpoint", version 1)', where);
  if (typeof c.origin !== 'string' || !c.origin) throw new QmlError('checkpoint: "origin" must be a non-empty string', where);
  if (!Number.isSafeInteger(c.tree_size) || (c.tree_size as number) < 0) throw new QmlError('checkpoint: "tree_size" must be a non-negative integer', where);
  if (typeof c.root !== 'string' || !/^[0-9a-f]{64}$/.test(c.root)) throw new QmlError('checkpoint: "root" must be 64 lowercase hex digits', where);
  for (const k of ['timestamp', 'key_id', 'public_key', 'signature', 'algorithm']) if (typeof c[k] !== 'string') throw new QmlError(`checkpoint: "${k}" must be a string`, where);
  return c as unknown as Checkpoint;
}

export interface CheckpointCheck { ok: boolean; reason: string }

/** The signature over the checkpoint's fields, and (when `trusted` is given) whether its key is trusted. */
export function verifyCheckpoint(cp: Checkpoint, trusted?: Uint8Array[]): CheckpointCheck {
  const pub = new Uint8Array(Buffer.from(cp.public_key, 'base64'));
  if (pub.length !== 1952) return { ok: false, reason: `malformed public key (${pub.length} bytes; ML-DSA-65 keys have 1952)` };
  if (keyId(pub) !== cp.key_id) return { ok: false, reason: 'the key id does not match the public key' };
  let valid = false;
  try {
    valid = ml_dsa65.verify(new Uint8Array(Buffer.from(cp.signature, 'base64')), signedBody(cp), pub);
  } catch {
    valid = false;
  }
  if (!valid) return { ok: false, reason: 'the ML-DSA-65 signature does not verify (the checkpoint was rewritten)' };
  if (trusted && !trusted.some((k) => Buffer.compare(Buffer.from(k), Buffer.from(pub)) === 0)) return { ok: false, reason: `signed by key ${cp.key_id}, which is not trusted here` };
  return { ok: true, reason: `signed by key ${cp.key_id}` };
}
