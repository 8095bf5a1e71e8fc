/**
 * A signed model supply chain: a detector file carries a manifest (hashes of its circuit and model
 * structure, parameters, preprocessing pipeline, classes, training-data fingerprint, the whole
 * content, and the qml6g version) signed with ML-DSA-65 (FIPS 204, via @noble/post-quantum).
 * Verification recomputes every hash from the file, checks the signature, and checks that the
 * signing key is trusted; any changed byte fails one of the three.
 *
 * @example
 * import { generateKeyPair, signDetectorJSON, verifyDetectorJSON } from 'qml6g';
 * const keys = generateKeyPair();
 * // const signed = signDetectorJSON(detector.toJSON(), keys);
 * // verifyDetectorJSON(signed, [keys.publicKey]).ok === true
 */
import crypto from 'node:crypto';
import { ml_dsa65 } from '@noble/post-quantum/ml-dsa.js';
import { QmlError } from '../core/errors.js';
import { version } from '../core/version.js';

export const SIGNATURE_ALGORITHM = 'ML-DSA-65 (FIPS 204)';

export interface KeyPair { publicKey: Uint8Array; secretKey: Uint8Array }

export interface Manifest {
  format: 'qml6g-manifest';
  version: 1;
  algorithm: string;
  qml6g_version: string;
  created: string;
  key_id: string;
  public_key: string;
  training_data: string | null;
  hashes: { content: string; model_structure: string; parameters: string; pipeline: string; classes: string };
}

/** JSON with object keys sorted at every level: one byte string per value. */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map((x) => canonicalJson(x === undefined ? null : x)).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o).filter((k) => o[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
}

const sha256 = (s: string | Uint8Array) => crypto.createHash('sha256').update(s).digest('hex');

export function keyId(publicKey: Uint8Array): string {
  return sha256(publicKey).slice(0, 16);
}

/** A new ML-DSA-65 key pair (from 32 seed bytes, random unless given). */
export function generateKeyPair(seed?: Uint8Array): KeyPair {
  const s = seed ?? crypto.randomBytes(32);
  if (s.length !== 32) throw new QmlError(`a key seed has 32 bytes, got ${s.length}`);
  const { publicKey, secretKey } = ml_dsa65.keygen(s);
  return { publicKey, secretKey };
}

// The training-data fingerprint lives beside the Table (qml/table.ts): a detector records it when it
// is trained, below the supply layer; the manifest carries it from there.
export { dataFingerprint } from '../qml/table.js';

function contentOf(detector: Record<string, unknown>): Record<string, unknown> {
  const { manifest: _m, signature: _s, ...content } = detector;
  void _m; void _s;
  return content;
}

function hashesOf(detector: Record<string, unknown>): Manifest['hashes'] {
  const model = (detector.model ?? {}) as Record<string, unknown>;
  const { params, ...structure } = model;
  return {
    content: sha256(canonicalJson(contentOf(detector))),
    model_structure: sha256(canonicalJson(structure)),
    parameters: sha256(canonicalJson(params ?? null)),
    pipeline: sha256(canonicalJson(detector.pipeline ?? null)),
    classes: sha256(canonicalJson(detector.classes ?? null)),
  };
}

/** Returns the detector JSON with `manifest` and `signature` added. */
export function signDetectorJSON(detector: Record<string, unknown>, keys: KeyPair): Record<string, unknown> {
  const meta = (detector.meta ?? {}) as { data_fingerprint?: string };
  const manifest: Manifest = {
    format: 'qml6g-manifest', version: 1, algorithm: SIGNATURE_ALGORITHM, qml6g_version: version(), created: new Date().toISOString(),
    key_id: keyId(keys.publicKey), public_key: Buffer.from(keys.publicKey).toString('base64'),
    training_data: meta.data_fingerprint ?? null, hashes: hashesOf(detector),
  };
  const signature = ml_dsa65.sign(new TextEncoder().encode(canonicalJson(manifest)), keys.secretKey);
  return { ...contentOf(detector), manifest, signature: Buffer.from(signature).toString('base64') };
}

export interface Verification { ok: boolean; reason: string; keyId?: string; trusted?: boolean; manifest?: Manifest }

/**
 * Checks a signed detector: every hash recomputed, the ML-DSA signature over the manifest, and the
 * signing key against `trusted` public keys (when given).
 */
export function verifyDetectorJSON(detector: unknown, trusted?: Uint8Array[]): Verification {
  if (!detector || typeof detector !== 'object' || Array.isArray(detector)) return { ok: false, reason: 'not a JSON object' };
  const d = detector as Record<string, unknown>;
  const m = d.manifest as Manifest | undefined, sig = d.signature;
  if (m === undefined && sig === undefined) return { ok: false, reason: 'unsigned: the file has no manifest and no signature' };
  if (!m || typeof m !== 'object' || m.format !== 'qml6g-manifest' || m.version !== 1) return { ok: false, reason: 'malformed manifest (format "qml6g-manifest", version 1 expected)' };
  if (typeof sig !== 'string' || !/^[A-Za-z0-9+/]+=*$/.test(sig)) return { ok: false, reason: 'missing or malformed signature (base64 expected)' };
  if (typeof m.public_key !== 'string' || !m.hashes || typeof m.hashes !== 'object') return { ok: false, reason: 'malformed manifest: public key or hashes missing' };
  const pub = new Uint8Array(Buffer.from(m.public_key, 'base64'));
  if (pub.length !== 1952) return { ok: false, reason: `malformed public key (${pub.length} bytes; ML-DSA-65 keys have 1952)` };
  if (keyId(pub) !== m.key_id) return { ok: false, reason: 'the manifest\'s key id does not match its public key' };
  const now = hashesOf(d);
  for (const k of Object.keys(now) as Array<keyof Manifest['hashes']>) {
    if (m.hashes[k] !== now[k]) return { ok: false, reason: `tampered: the ${k.replace('_', ' ')} hash does not match the manifest`, keyId: m.key_id, manifest: m };
  }
  let valid = false;
  try {
    valid = ml_dsa65.verify(new Uint8Array(Buffer.from(sig, 'base64')), new TextEncoder().encode(canonicalJson(m)), pub);
  } catch {
    valid = false;
  }
  if (!valid) return { ok: false, reason: 'tampered: the ML-DSA signature does not verify against the manifest', keyId: m.key_id, manifest: m };
  const isTrusted = trusted === undefined ? undefined : trusted.some((k) => k.length === pub.length && Buffer.compare(Buffer.from(k), Buffer.from(pub)) === 0);
  if (isTrusted === false) return { ok: false, reason: `signed by key ${m.key_id}, which is not trusted here`, keyId: m.key_id, trusted: false, manifest: m };
  return { ok: true, reason: `intact, signed by key ${m.key_id}${isTrusted ? ' (trusted)' : ''}`, keyId: m.key_id, trusted: isTrusted, manifest: m };
}

/**
 * The text of a signed file: canonical JSON, so that the bytes themselves are covered — a flipped
 * bit that still parses to the same numbers changes the text away from its canonical form.
 */
export function signedFileText(signed: Record<string, unknown>): string {
  return canonicalJson(signed);
}

/** Verifies a signed file from its exact text: canonical form, hashes, signature, trust. */
export function verifyDetectorText(text: string, trusted?: Uint8Array[]): Verification {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { ok: false, reason: `not valid JSON (the file is damaged): ${(e as Error).message}` };
  }
  const v = verifyDetectorJSON(json, trusted);
  if (!v.ok) return v;
  if (canonicalJson(json) !== text.replace(/\n$/, '')) return { ok: false, reason: 'tampered: the file\'s bytes differ from the signed canonical form (edited after signing)', keyId: v.keyId, manifest: v.manifest };
  return v;
}
