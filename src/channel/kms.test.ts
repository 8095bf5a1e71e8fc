import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QkdKeyStore } from './kms/store.js';
import { startKms } from './kms/server.js';
import { Etsi014Client, KeyRequestRefused } from './kms/client.js';
import { linkParams } from './qkd/params.js';

async function withServer(fn: (url: string, store: QkdKeyStore) => Promise<void>): Promise<void> {
  const store = new QkdKeyStore({
    links: [
      { saeA: 'alice', saeB: 'bob', link: linkParams({ distanceKm: 10 }), pulses: 1_000_000 },
      { saeA: 'carol', saeB: 'bob', link: linkParams({ distanceKm: 10 }), pulses: 300_000, eve: 'intercept:1' },
    ],
    seed: 5,
  });
  const kms = await startKms(store, { port: 0 });
  try { await fn(kms.url, store); } finally { await kms.close(); }
}

const req = async (url: string, path: string, init: RequestInit & { sae?: string } = {}) => {
  const res = await fetch(`${url}${path}`, { ...init, headers: { ...(init.sae ? { 'X-SAE-ID': init.sae } : {}), 'content-type': 'application/json', ...(init.headers ?? {}) } });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
};

test('ETSI GS QKD 014: status, enc_keys and dec_keys deliver the same keys to master and slave, each key once', async () => {
  await withServer(async (url) => {
    const st = await req(url, '/api/v1/keys/bob/status', { sae: 'alice' });
    assert.equal(st.status, 200);
    for (const k of ['source_KME_ID', 'target_KME_ID', 'master_SAE_ID', 'slave_SAE_ID', 'key_size', 'stored_key_count', 'max_key_count', 'max_key_per_request', 'max_key_size', 'min_key_size', 'max_SAE_ID_count']) assert.ok(k in st.json, `status lacks ${k}`);
    assert.equal(st.json.master_SAE_ID, 'alice');
    const enc = await req(url, '/api/v1/keys/bob/enc_keys', { sae: 'alice', method: 'POST', body: JSON.stringify({ number: 3, size: 128 }) });
    assert.equal(enc.status, 200, JSON.stringify(enc.json));
    const keys = enc.json.keys as Array<{ key_ID: string; key: string }>;
    assert.equal(keys.length, 3);
    for (const k of keys) { assert.match(k.key_ID, /^[0-9a-f-]{36}$/); assert.equal(Buffer.from(k.key, 'base64').length, 16); }
    assert.notEqual(keys[0].key, keys[1].key);
    const get = await req(url, `/api/v1/keys/bob/enc_keys?number=1&size=256`, { sae: 'alice' });
    assert.equal(get.status, 200);
    const dec = await req(url, '/api/v1/keys/alice/dec_keys', { sae: 'bob', method: 'POST', body: JSON.stringify({ key_IDs: keys.map((k) => ({ key_ID: k.key_ID })) }) });
    assert.equal(dec.status, 200);
    assert.deepEqual(dec.json.keys, keys);
    const again = await req(url, `/api/v1/keys/alice/dec_keys?key_ID=${keys[0].key_ID}`, { sae: 'bob' });
    assert.equal(again.status, 400);
    assert.match(String(again.json.message), /unknown key_ID/);
    // The client wraps the same calls.
    const c = new Etsi014Client(url);
    const [k] = await c.encKeys('alice', 'bob', 1, 256);
    assert.deepEqual(await c.decKey('bob', 'alice', k.key_ID), k.key);
    assert.equal((await c.status('alice', 'bob')).slave_SAE_ID, 'bob');
  });
});

test('ETSI GS QKD 014: malformed and unservable requests get HTTP 400 with a JSON body', async () => {
  await withServer(async (url) => {
    const cases: Array<[string, RequestInit & { sae?: string }, number, RegExp]> = [
      ['/api/v1/keys/bob/enc_keys', { sae: 'alice', method: 'POST', body: '{"number": 2, ' }, 400, /not valid JSON/],
      ['/api/v1/keys/bob/enc_keys', { sae: 'alice', method: 'POST', body: '[1,2]' }, 400, /JSON object/],
      ['/api/v1/keys/bob/enc_keys', { sae: 'alice', method: 'POST', body: '{"number": 0}' }, 400, /number/],
      ['/api/v1/keys/bob/enc_keys', { sae: 'alice', method: 'POST', body: '{"number": 1000}' }, 400, /max_key_per_request/],
      ['/api/v1/keys/bob/enc_keys', { sae: 'alice', method: 'POST', body: '{"size": 100}' }, 400, /multiple of 8/],
      ['/api/v1/keys/bob/enc_keys', { sae: 'alice', method: 'POST', body: '{"size": "big"}' }, 400, /size/],
      ['/api/v1/keys/bob/enc_keys', { sae: 'alice', method: 'POST', body: '{"colour": 1}' }, 400, /unknown field/],
      ['/api/v1/keys/bob/enc_keys', { sae: 'alice', method: 'POST', body: '{"extension_mandatory": [{"x": 1}]}' }, 400, /mandatory extension/],
      ['/api/v1/keys/bob/enc_keys?number=abc', { sae: 'alice' }, 400, /number/],
      ['/api/v1/keys/dave/enc_keys', { sae: 'alice', method: 'POST', body: '{}' }, 400, /no QKD link/],
      ['/api/v1/keys/bob/enc_keys', { sae: 'carol', method: 'POST', body: '{"number": 1}' }, 400, /not enough key material.*QBER/],
      ['/api/v1/keys/alice/dec_keys', { sae: 'bob', method: 'POST', body: '{"key_IDs": "x"}' }, 400, /key_IDs/],
      ['/api/v1/keys/alice/dec_keys', { sae: 'bob', method: 'POST', body: '{"key_IDs": [{"id": 1}]}' }, 400, /key_ID/],
      ['/api/v1/keys/alice/dec_keys', { sae: 'bob' }, 400, /key_ID is required/],
      ['/api/v1/keys/bob/status', {}, 401, /X-SAE-ID/],
      ['/api/v1/keys/bob/teleport', { sae: 'alice' }, 404, /no such endpoint/],
    ];
    for (const [path, init, status, re] of cases) {
      const r = await req(url, path, init);
      assert.equal(r.status, status, `${path} ${init.body ?? ''}: ${r.status} ${JSON.stringify(r.json)}`);
      assert.match(String(r.json.message), re, path);
    }
    const c = new Etsi014Client(url);
    assert.equal(await c.encKey('carol', 'bob', 32), null); // the tapped link cannot serve: the policy decides
    await assert.rejects(c.encKeys('alice', 'bob', 0, 256), KeyRequestRefused);
  });
  await assert.rejects(new Etsi014Client('http://127.0.0.1:1', 2000).status('a', 'b'), /cannot reach the key manager/);
});
