/**
 * Where signing and trusted keys live: $QML6G_HOME (default ~/.qml6g). `signing-key.json` holds this
 * user's ML-DSA-65 key pair (created on first use, readable by the owner only); `trusted/*.json`
 * hold public keys whose models this user accepts. The user's own key is always trusted.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { QmlError } from '../core/errors.js';
import { generateKeyPair, keyId, SIGNATURE_ALGORITHM, type KeyPair } from './signing.js';

export function qml6gHome(): string {
  return process.env.QML6G_HOME || path.join(os.homedir(), '.qml6g');
}

export interface KeyFile { algorithm: string; key_id: string; public_key: string; secret_key?: string }

export function keyFileOf(k: KeyPair, withSecret: boolean): KeyFile {
  return { algorithm: SIGNATURE_ALGORITHM, key_id: keyId(k.publicKey), public_key: Buffer.from(k.publicKey).toString('base64'), ...(withSecret ? { secret_key: Buffer.from(k.secretKey).toString('base64') } : {}) };
}

export function readKeyFile(file: string): { publicKey: Uint8Array; secretKey?: Uint8Array } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new QmlError(`cannot read key: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`, file);
  }
  return parseKeyText(text, file);
}

/** A key file's text → its keys; anything else is a QmlError naming `file`. */
export function parseKeyText(text: string, file: string): { publicKey: Uint8Array; secretKey?: Uint8Array } {
  let j: KeyFile;
  try {
    j = JSON.parse(text) as KeyFile;
  } catch (e) {
    throw new QmlError(`cannot read key: ${(e as Error).message}`, file);
  }
  if (!j || typeof j !== 'object' || typeof j.public_key !== 'string') throw new QmlError('not a qml6g key file (public_key missing)', file);
  const publicKey = new Uint8Array(Buffer.from(j.public_key, 'base64'));
  if (publicKey.length !== 1952) throw new QmlError(`malformed public key (${publicKey.length} bytes; ML-DSA-65 keys have 1952)`, file);
  if (j.secret_key !== undefined && typeof j.secret_key !== 'string') throw new QmlError('secret_key must be base64 text', file);
  return { publicKey, secretKey: j.secret_key ? new Uint8Array(Buffer.from(j.secret_key, 'base64')) : undefined };
}

/** This user's signing key, created on first use. */
export function signingKey(): KeyPair {
  const file = path.join(qml6gHome(), 'signing-key.json');
  if (fs.existsSync(file)) {
    const k = readKeyFile(file);
    if (!k.secretKey) throw new QmlError('the signing key file has no secret key', file);
    return { publicKey: k.publicKey, secretKey: k.secretKey };
  }
  const k = generateKeyPair();
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  fs.writeFileSync(file, JSON.stringify(keyFileOf(k, true)), { mode: 0o600 });
  return k;
}

/** Public keys this user trusts: their own and every file in trusted/. */
export function trustedKeys(extra: string[] = []): Uint8Array[] {
  const out = [signingKey().publicKey];
  const dir = path.join(qml6gHome(), 'trusted');
  if (fs.existsSync(dir)) for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.json'))) out.push(readKeyFile(path.join(dir, f)).publicKey);
  for (const f of extra) out.push(readKeyFile(f).publicKey);
  return out;
}
