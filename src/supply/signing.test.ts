import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadDataset } from '../qml/datasets.js';
import { Detector } from '../qml/detector.js';
import { Rng } from '../core/rng.js';
import { canonicalJson, generateKeyPair, signDetectorJSON, signedFileText, verifyDetectorJSON, verifyDetectorText } from './signing.js';
import { repoRoot } from '../testing/shared.js';

const det = Detector.train(loadDataset('iris'), { type: 'vqc', qubits: 4, layers: 1 }, { epochs: 2, seed: 1 });
const keys = generateKeyPair(new Uint8Array(32).fill(3));
const other = generateKeyPair(new Uint8Array(32).fill(4));
const signed = signDetectorJSON(det.toJSON(), keys);
const text = signedFileText(signed);

test('a signed model verifies across save and load, against its trusted key', () => {
  const v = verifyDetectorText(text, [keys.publicKey]);
  assert.ok(v.ok, v.reason);
  assert.match(v.reason, /intact, signed by key [0-9a-f]{16} \(trusted\)/);
  assert.equal(v.manifest!.training_data, det.meta.data_fingerprint);
  assert.ok(/^[0-9a-f]{64}$/.test(det.meta.data_fingerprint!));
  // The loaded detector predicts as before.
  const back = Detector.fromJSON(JSON.parse(text));
  assert.deepEqual(Array.from(back.predictProba(loadDataset('iris').table)), Array.from(det.predictProba(loadDataset('iris').table)));
  assert.equal(canonicalJson({ b: 1, a: [2, { d: 3, c: 4 }] }), '{"a":[2,{"c":4,"d":3}],"b":1}');
});

test('every single flipped bit of a signed model file is detected', () => {
  const bytes = Buffer.from(text);
  const rng = new Rng(11);
  // Random positions across the whole file, and every bit of the signature's first bytes and of a parameter.
  const positions = Array.from({ length: 400 }, () => rng.int(bytes.length));
  const p = text.indexOf('"params":[') + 12;
  for (let i = 0; i < 8; i++) positions.push(p + i, text.indexOf('"signature":"') + 14 + i);
  for (const pos of positions) for (const bit of [0, 3, 6]) {
    const b = Buffer.from(bytes);
    b[pos] ^= 1 << bit;
    let ok = false;
    ok = verifyDetectorText(b.toString('utf8'), [keys.publicKey]).ok;
    assert.equal(ok, false, `flip of bit ${bit} at byte ${pos} (${JSON.stringify(text.slice(Math.max(0, pos - 10), pos + 10))}) went unnoticed`);
  }
});

test('unsigned, malformed, re-signed and untrusted models are refused with the reason', () => {
  const plain = det.toJSON();
  assert.match(verifyDetectorJSON(plain, [keys.publicKey]).reason, /unsigned/);
  assert.match(verifyDetectorJSON({ ...signed, signature: 'not base64!' }, [keys.publicKey]).reason, /malformed signature/);
  assert.match(verifyDetectorJSON({ ...signed, manifest: { format: 'x' } }, [keys.publicKey]).reason, /malformed manifest/);
  const tamperedParams = JSON.parse(text);
  tamperedParams.model.params[0] += 1e-9;
  assert.match(verifyDetectorJSON(tamperedParams, [keys.publicKey]).reason, /tampered: the content hash/);
  // An attacker who re-signs the tampered model with their own key is stopped by the trust check.
  const resigned = signDetectorJSON(tamperedParams, other);
  assert.ok(verifyDetectorJSON(resigned).ok, 'self-consistent');
  assert.match(verifyDetectorJSON(resigned, [keys.publicKey]).reason, /not trusted/);
});

test('qml6g verify exits 0 for an intact signed model and 1 with the reason otherwise; evaluate refuses unsigned models', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'qml6g-verify-'));
  const env = { ...process.env, QML6G_HOME: path.join(tmp, 'home') };
  const cli = path.join(repoRoot, 'dist', 'cli', 'main.js');
  const run = (args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env });
  const model = path.join(tmp, 'm.json');
  assert.equal(run(['train', '--data', 'iris', '--model', 'logreg', '--epochs', '3', '--out', model]).status, 0);
  const ok = run(['verify', model]);
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /OK: intact, signed by key [0-9a-f]{16} \(trusted\)/);
  const t = fs.readFileSync(model, 'utf8');
  const i = t.indexOf('"params":[') + 11;
  fs.writeFileSync(path.join(tmp, 'bad.json'), t.slice(0, i) + (t[i] === '1' ? '2' : '1') + t.slice(i + 1));
  const bad = run(['verify', path.join(tmp, 'bad.json')]);
  assert.equal(bad.status, 1);
  assert.match(bad.stdout, /FAILED: tampered/);
  const refused = run(['evaluate', '--model', path.join(tmp, 'bad.json'), '--data', 'iris']);
  assert.equal(refused.status, 2);
  assert.match(refused.stderr, /refusing to load: tampered/);
  fs.writeFileSync(path.join(tmp, 'unsigned.json'), JSON.stringify(Detector.fromJSON(JSON.parse(t)).toJSON()));
  assert.match(run(['evaluate', '--model', path.join(tmp, 'unsigned.json'), '--data', 'iris']).stderr, /refusing to load: unsigned/);
  assert.equal(run(['evaluate', '--model', path.join(tmp, 'unsigned.json'), '--data', 'iris', '--allow-unsigned']).status, 0);
  // A model signed elsewhere is refused until its public key is trusted.
  const elsewhere = { ...env, QML6G_HOME: path.join(tmp, 'other-home') };
  const theirs = path.join(tmp, 'theirs.json');
  assert.equal(spawnSync(process.execPath, [cli, 'train', '--data', 'iris', '--model', 'logreg', '--epochs', '3', '--out', theirs], { env: elsewhere }).status, 0);
  assert.equal(run(['verify', theirs]).status, 1);
  const pub = path.join(tmp, 'their-key.json');
  const key = JSON.parse(fs.readFileSync(path.join(tmp, 'other-home', 'signing-key.json'), 'utf8'));
  fs.writeFileSync(pub, JSON.stringify({ algorithm: key.algorithm, key_id: key.key_id, public_key: key.public_key }));
  assert.equal(run(['verify', theirs, '--key', pub]).status, 0);
  assert.equal(run(['keygen', '--out', path.join(tmp, 'k.json')]).status, 0);
  assert.equal(run(['keygen', '--out', path.join(tmp, 'k.json')]).status, 2, 'never overwrites a key');
});
