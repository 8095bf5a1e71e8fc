import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { generateKeyPair } from '../supply/signing.js';
import { hybridDecapsulate, hybridEncapsulate, hybridKeygen, XWING_SIZES } from './pqc/hybrid.js';
import { COMBINER_LABEL, deriveSessionKey, transcriptHash } from './pqc/combiner.js';
import { associatedData, RefusedUpdate, UpdateOpener, UpdateSealer, type SealedUpdate } from './pqc/aead.js';
import { establishSession, HandshakeRefused, QkdUnavailable } from './pqc/session.js';
import { QkdKeyStore, storeKeySource } from './kms/store.js';
import { linkParams } from './qkd/params.js';

const hex = (s: string) => Uint8Array.from(s.match(/../g)!.map((h) => parseInt(h, 16)));
const toHex = (u: Uint8Array) => Buffer.from(u).toString('hex');

test('the primitives meet their published vectors: HKDF-SHA-256 (RFC 5869 case 1), XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha A.3.1)', () => {
  assert.equal(toHex(hkdf(sha256, hex('0b'.repeat(22)), hex('000102030405060708090a0b0c'), hex('f0f1f2f3f4f5f6f7f8f9'), 42)),
    '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865');
  const pt = new TextEncoder().encode("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.");
  const ct = xchacha20poly1305(hex('808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f'), hex('404142434445464748494a4b4c4d4e4f5051525354555657'), hex('50515253c0c1c2c3c4c5c6c7')).encrypt(pt);
  assert.equal(toHex(ct.subarray(ct.length - 16)), 'c0875924c1c7987947deafd8780acf49');
  assert.equal(toHex(ct.subarray(0, 16)), 'bd6d179d3e83d43b9576579493c0e939');
});

test('X-Wing: sizes of the draft, encapsulation round trip, a corrupted cipher text gives an unrelated secret', () => {
  const kp = hybridKeygen(new Uint8Array(32).fill(9));
  assert.equal(kp.publicKey.length, XWING_SIZES.publicKey);
  assert.equal(kp.secretKey.length, XWING_SIZES.secretKey);
  const { cipherText, sharedSecret } = hybridEncapsulate(kp.publicKey, new Uint8Array(64).fill(1));
  assert.equal(cipherText.length, XWING_SIZES.cipherText);
  assert.deepEqual(hybridDecapsulate(cipherText, kp.secretKey), sharedSecret);
  const bad = Uint8Array.from(cipherText); bad[5] ^= 1;
  assert.notDeepEqual(hybridDecapsulate(bad, kp.secretKey), sharedSecret);
  // Deterministic from the seed and the randomness: reproducible runs.
  assert.deepEqual(hybridEncapsulate(hybridKeygen(new Uint8Array(32).fill(9)).publicKey, new Uint8Array(64).fill(1)).sharedSecret, sharedSecret);
  assert.throws(() => hybridEncapsulate(new Uint8Array(10)), /1216/);
});

test('X-Wing meets the published test vectors (draft-connolly-cfrg-xwing-kem-08, Appendix C, vectors 1 and 2)', () => {
  // sk (seed), the first 36 bytes of pk and ct, the 64-byte encapsulation seed, and the shared secret,
  // which depends on every byte of pk and ct.
  const vectors: Array<[string, string, string, string, string]> = [
    ['7f9c2ba4e88f827d616045507605853ed73b8093f6efbc88eb1a6eacfa66ef26', 'e2236b35a8c24b39b10aa1323a96a919a2ced88400633a7b07131713fc14b2b5b19cfc3d',
      '3cb1eea988004b93103cfb0aeefd2a686e01fa4a58e8a3639ca8a1e3f9ae57e235b8cc873c23dc62b8d260169afa2f75ab916a58d974918835d25e6a435085b2',
      'b83aa828d4d62b9a83ceffe1d3d3bb1ef31264643c070c5798927e41fb07914a273f8f96', 'd2df0522128f09dd8e2c92b1e905c793d8f57a54c3da25861f10bf4ca613e384'],
    ['badfd6dfaac359a5efbb7bcc4b59d538df9a04302e10c8bc1cbf1a0b3a5120ea', '0333285fa253661508c9fb444852caa4061636cb060e69943b431400134ae1fbc0228724',
      '17cda7cfad765f5623474d368ccca8af0007cd9f5e4c849f167a580b14aabdefaee7eef47cb0fca9767be1fda69419dfb927e9df07348b196691abaeb580b32d',
      'c93beb22326705699bbc3d1d0aa6339be7a405debe61a7c337e1a91453c097a6f77c1306', 'f2e86241c64d60f6649fbc6c5b7d17180b780a3f34355e64a85749949c45f150'],
  ];
  for (const [sk, pk36, eseed, ct36, ss] of vectors) {
    const kp = hybridKeygen(hex(sk));
    assert.equal(toHex(kp.publicKey.subarray(0, 36)), pk36);
    const e = hybridEncapsulate(kp.publicKey, hex(eseed));
    assert.equal(toHex(e.cipherText.subarray(0, 36)), ct36);
    assert.equal(toHex(e.sharedSecret), ss);
    assert.equal(toHex(hybridDecapsulate(e.cipherText, kp.secretKey)), ss);
  }
});

test('the combiner is HKDF over both secrets bound to the transcript: each input and the transcript change the key', () => {
  const t = transcriptHash([['client', 'c1'], ['round', 3]]);
  const q = new Uint8Array(32).fill(1), p = new Uint8Array(32).fill(2);
  const k = deriveSessionKey({ qkdKey: q, pqSecret: p, transcript: t });
  const ikm = new Uint8Array(64); ikm.set(q); ikm.set(p, 32);
  assert.deepEqual(k, hkdf(sha256, ikm, t, new TextEncoder().encode(`${COMBINER_LABEL}|qkd:32|pq:32`), 32));
  const q2 = Uint8Array.from(q); q2[0] ^= 1;
  const p2 = Uint8Array.from(p); p2[31] ^= 1;
  assert.notDeepEqual(deriveSessionKey({ qkdKey: q2, pqSecret: p, transcript: t }), k); // needs the QKD key
  assert.notDeepEqual(deriveSessionKey({ qkdKey: q, pqSecret: p2, transcript: t }), k); // needs the KEM secret
  assert.notDeepEqual(deriveSessionKey({ qkdKey: q, pqSecret: p, transcript: transcriptHash([['client', 'c1'], ['round', 4]]) }), k);
  assert.notDeepEqual(deriveSessionKey({ qkdKey: null, pqSecret: p, transcript: t }), k);
  // Field boundaries matter: ("ab", "c") and ("a", "bc") hash differently.
  assert.notDeepEqual(transcriptHash([['x', 'ab'], ['y', 'c']]), transcriptHash([['x', 'a'], ['y', 'bc']]));
  assert.throws(() => deriveSessionKey({ transcript: t }), /QKD key, a post-quantum secret/);
});

function channel() {
  const key = new Uint8Array(32).fill(5);
  const who = { run: 'run-1', client: 'c1', direction: 'up' as const };
  return { tx: new UpdateSealer(key, who), rx: new UpdateOpener(key, who), key };
}
const reason = (fn: () => unknown) => { try { fn(); } catch (e) { return e instanceof RefusedUpdate ? e.reason : `other: ${(e as Error).message}`; } return 'accepted'; };

test('every tampered, replayed or reordered update is refused', () => {
  const { tx, rx } = channel();
  const params = Float64Array.from({ length: 100 }, (_, i) => Math.sin(i));
  const m1 = tx.seal(params, 0);
  assert.deepEqual(rx.open(m1, 0), params);
  assert.equal(reason(() => rx.open(m1, 0)), 'replayed');
  const m2 = tx.seal(params, 1), m3 = tx.seal(params, 2);
  assert.equal(reason(() => rx.open(m3, 2)), 'reordered'); // m2 skipped
  // Every single-bit flip anywhere in the cipher text is caught by the tag.
  const ct = Buffer.from(m2.ciphertext, 'base64');
  for (let i = 0; i < ct.length; i += 97) {
    const bad = Buffer.from(ct); bad[i] ^= 0x10;
    assert.equal(reason(() => rx.open({ ...m2, ciphertext: bad.toString('base64') }, 1)), 'tampered', `byte ${i}`);
  }
  // Altered header fields: authenticated data.
  assert.equal(reason(() => rx.open({ ...m2, header: { ...m2.header, round: 7 } }, 7)), 'tampered');
  assert.equal(reason(() => rx.open({ ...m2, header: { ...m2.header, client: 'c2' } }, 1)), 'wrong-session');
  assert.equal(reason(() => rx.open({ ...m2, header: { ...m2.header, run: 'run-2' } }, 1)), 'wrong-session');
  assert.equal(reason(() => rx.open({ ...m2, nonce: m3.nonce }, 1)), 'tampered');
  assert.equal(reason(() => rx.open(m2, 5)), 'reordered'); // arrives in another round
  assert.equal(reason(() => rx.open({ nonce: 1 } as unknown as SealedUpdate, 1)), 'tampered');
  // The genuine message still opens after all the refusals; the one after it too.
  assert.deepEqual(rx.open(m2, 1), params);
  assert.deepEqual(rx.open(m3, 2), params);
  // A message sealed under another key is refused.
  const other = new UpdateSealer(new Uint8Array(32).fill(6), { run: 'run-1', client: 'c1', direction: 'up' });
  other.seal(params, 3); other.seal(params, 3); other.seal(params, 3);
  assert.equal(reason(() => rx.open(other.seal(params, 3), 3)), 'tampered');
});

test('nonces never repeat within a session, and the associated data names run, round, client and sequence', () => {
  const { tx } = channel();
  const seen = new Set<string>();
  for (let i = 0; i < 2000; i++) seen.add(tx.seal(new Float64Array(1), i).nonce);
  assert.equal(seen.size, 2000);
  const ad = new TextDecoder().decode(associatedData({ run: 'r', round: 4, client: 'c9', seq: 12, direction: 'up' }));
  assert.equal(ad, '["qml6g/update/v1","r",4,"c9",12,"up"]');
});

test('handshake: pqc and qkd+pqc sessions agree end to end; a wrong signature key is refused; a link without key material is reported', async () => {
  const client = { id: 'edge-1', signing: generateKeyPair(new Uint8Array(32).fill(1)) };
  const server = { id: 'aggregator', signing: generateKeyPair(new Uint8Array(32).fill(2)) };
  const store = new QkdKeyStore({ links: [{ saeA: 'edge-1', saeB: 'aggregator', link: linkParams({ distanceKm: 10 }), pulses: 1_000_000 }], seed: 3 });
  const qkd = storeKeySource(store);
  const u = Float64Array.from([1.5, -2, 3e-9]);
  for (const mode of ['pqc', 'qkd+pqc'] as const) {
    const s = await establishSession({ mode, run: 'r', client, server, qkd, seed: new Uint8Array([7]) });
    assert.deepEqual(s.server.up.open(s.client.up.seal(u, 0), 0), u);
    assert.deepEqual(s.client.down.open(s.server.down.seal(u, 0), 0), u);
    assert.equal(s.qkdKeyId !== null, mode === 'qkd+pqc');
    assert.ok(s.handshakeBytes > 1216 + 1120);
    // The two directions use different keys: an uplink message does not open as a downlink one.
    assert.throws(() => s.client.down.open({ ...s.client.up.seal(u, 1), header: { ...s.client.up.seal(u, 1).header, direction: 'down' } }, 1), RefusedUpdate);
  }
  const impostor = generateKeyPair(new Uint8Array(32).fill(3));
  await assert.rejects(establishSession({ mode: 'pqc', run: 'r', client, server, trustedServerKey: impostor.publicKey }), HandshakeRefused);
  await assert.rejects(establishSession({ mode: 'pqc', run: 'r', client, server, trustedClientKey: impostor.publicKey }), HandshakeRefused);
  // A tapped link aborts its BB84 runs: no QKD key, and the caller's policy decides.
  store.setEavesdropper('edge-1', 'aggregator', 'intercept:1');
  store.addLink({ saeA: 'edge-2', saeB: 'aggregator', link: linkParams({ distanceKm: 10 }), eve: 'intercept:1', pulses: 300_000 });
  await assert.rejects(establishSession({ mode: 'qkd+pqc', run: 'r', client: { ...client, id: 'edge-2' }, server, qkd }), QkdUnavailable);
});
