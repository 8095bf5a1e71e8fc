/**
 * `qml6g verify FILE [--key PUBLIC.json] [--json]`: checks a signed detector file (hashes, ML-DSA-65
 * signature, trusted key). Exit code 0 for an intact, trusted, signed model; 1 with the reason
 * otherwise; 2 for bad usage. `qml6g keygen --out KEY.json` writes a new key pair (and, with
 * --public-out, the public half to share).
 */
import fs from 'node:fs';
import { QmlError } from '../core/errors.js';
import { generateKeyPair, verifyDetectorText } from '../supply/signing.js';
import { keyFileOf, trustedKeys } from '../supply/keys.js';
import { parseArgs, usage, type Flags } from './args.js';
import { printJson, printLine, readText, writeFileAtomic } from './io.js';

const verifyFlags: Flags = {
  key: { type: 'string', help: 'also trust this public key file' },
  json: { type: 'boolean', help: 'print one JSON object' },
  help: { type: 'boolean', help: 'show this help' },
};

export function runVerify(argv: string[]): void {
  const a = parseArgs(argv, verifyFlags, 'verify');
  if (a.flags.help) { printLine(usage('verify', 'FILE [options]', verifyFlags)); return; }
  if (a.positional.length !== 1) throw new QmlError('verify needs exactly one model file');
  const file = a.positional[0];
  const text = readText(file, 'model file');
  const v = verifyDetectorText(text, trustedKeys(a.flags.key ? [a.flags.key as string] : []));
  if (a.flags.json) printJson({ file, ok: v.ok, reason: v.reason, key_id: v.keyId ?? null, manifest: v.manifest ?? null });
  else printLine(`${file}: ${v.ok ? 'OK' : 'FAILED'}: ${v.reason}`);
  process.exitCode = v.ok ? 0 : 1;
}

const keygenFlags: Flags = {
  out: { type: 'string', help: 'key pair file to write (keep it private)' },
  'public-out': { type: 'string', help: 'also write the public key alone here (to share)' },
  help: { type: 'boolean', help: 'show this help' },
};

export function runKeygen(argv: string[]): void {
  const a = parseArgs(argv, keygenFlags, 'keygen');
  if (a.flags.help) { printLine(usage('keygen', '--out KEY.json [--public-out PUBLIC.json]', keygenFlags)); return; }
  const out = a.flags.out as string | undefined;
  if (!out) throw new QmlError('--out is required');
  if (fs.existsSync(out)) throw new QmlError('refusing to overwrite an existing key file', out);
  const k = generateKeyPair();
  writeFileAtomic(out, JSON.stringify(keyFileOf(k, true)));
  fs.chmodSync(out, 0o600);
  if (a.flags['public-out']) writeFileAtomic(a.flags['public-out'] as string, JSON.stringify(keyFileOf(k, false)));
  printLine(`wrote ${out} (key ${keyFileOf(k, false).key_id})`);
}
