import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeParams, encodeParams } from './pqc/aead.js';
import { defaultChannelLink, parseTaps, SecureChannelTransport } from './secure-transport.js';

const params = Float64Array.from({ length: 50 }, (_, i) => i / 7);

async function round(t: SecureChannelTransport, r: number, clients: number[]) {
  const out: Record<number, { down: Awaited<ReturnType<SecureChannelTransport['send']>>; up?: Awaited<ReturnType<SecureChannelTransport['send']>> }> = {};
  for (const c of clients) {
    const down = await t.send({ direction: 'down', client: c, round: r, payload: encodeParams(params) });
    out[c] = { down };
    if (!down.refused) out[c].up = await t.send({ direction: 'up', client: c, round: r, payload: encodeParams(params.map((x) => x + c)) });
  }
  return out;
}

test('secure channel (qkd+pqc): honest links deliver intact updates; a tapped QKD link falls back to the post-quantum key; a tampered upload is refused', async () => {
  const t = await SecureChannelTransport.create({ mode: 'qkd+pqc', policy: 'fallback', link: defaultChannelLink(15), pulses: 600_000, taps: parseTaps('1:intercept:0.5,2:tamper', 3), seed: 4 }, 'run-a', 3);
  try {
    assert.match(t.kmsUrl!, /^http:\/\/127\.0\.0\.1:\d+$/);
    for (const r of [1, 2]) {
      const o = await round(t, r, [0, 1, 2]);
      assert.deepEqual(decodeParams(o[0].down.delivered), params);
      assert.deepEqual(decodeParams(o[0].up!.delivered), params.map((x) => x + 0));
      assert.deepEqual(decodeParams(o[1].up!.delivered), params.map((x) => x + 1)); // fallback still delivers
      assert.match(o[2].up!.refused!, /tampered/);
      assert.equal(o[2].up!.delivered.length, 0);
      assert.ok(o[0].up!.wireBytes > 400 + 16 + 24);
    }
    const byClient = (c: number) => t.log.filter((x) => x.client === c);
    assert.ok(byClient(0).every((x) => x.mode === 'qkd+pqc' && !x.qkd_aborted && x.qkd_key_id && x.qber! < 0.06));
    assert.ok(byClient(1).every((x) => x.mode === 'pqc' && x.qkd_aborted && /QBER/.test(x.abort_reason ?? '') && x.qber! > 0.1));
    assert.ok(byClient(2).every((x) => x.refused === 1));
    const s = t.summary();
    assert.equal(s[1].fallbacks, 2);
    assert.equal(s[2].refused, 2);
  } finally { await t.close(); }
});

test('secure channel: the exclude policy leaves an aborted link out; without a channel a tampered update goes through unnoticed', async () => {
  const t = await SecureChannelTransport.create({ mode: 'qkd+pqc', policy: 'exclude', link: defaultChannelLink(15), pulses: 300_000, taps: parseTaps('0:intercept:1', 2), seed: 5 }, 'run-b', 2);
  try {
    const o = await round(t, 1, [0]);
    assert.match(o[0].down.refused!, /excluded/);
    assert.equal(t.log[0].mode, 'excluded');
  } finally { await t.close(); }
  const clear = await SecureChannelTransport.create({ mode: 'none', policy: 'fallback', link: defaultChannelLink(15), pulses: 300_000, taps: parseTaps('0:tamper', 1), seed: 5 }, 'run-c', 1);
  const o = await round(clear, 1, [0]);
  assert.equal(o[0].up!.refused, undefined);
  assert.deepEqual(decodeParams(o[0].up!.delivered), params.map((x) => -x)); // altered, and nobody can tell
  await clear.close();
  assert.throws(() => parseTaps('7:pns', 3), /client in 0\.\.2/);
  assert.throws(() => parseTaps('1:sniff', 3), /unknown eavesdropper/);
});
