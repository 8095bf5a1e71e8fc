import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../core/rng.js';
import { h2 } from './qkd/entropy.js';
import { cascade, cascadeMonteCarlo, cascadeSchedule } from './qkd/cascade.js';

function noisyPair(n: number, errors: number, seed: number) {
  const rng = new Rng(seed);
  const a = Uint8Array.from({ length: n }, () => rng.nextU32() & 1);
  const b = Uint8Array.from(a);
  const idx = rng.shuffle(Int32Array.from({ length: n }, (_, i) => i)) as Int32Array;
  for (let i = 0; i < errors; i++) b[idx[i]] ^= 1;
  return { a, b };
}

test('Cascade (original schedule, n = 10⁴) reproduces the published efficiencies within 0.03, with the frame error rate', () => {
  // Martinez-Mateo et al. 2015 (original Brassard–Salvail schedule): about 1.14, 1.16, 1.19, 1.21 at Q = 1, 2, 5, 10%.
  // The 1,000-run measurement is `npm run bench -- channel`; 40 runs here keep the test short.
  const published: Array<[number, number]> = [[0.01, 1.14], [0.02, 1.16], [0.05, 1.19], [0.1, 1.21]];
  for (const [q, f] of published) {
    const r = cascadeMonteCarlo({ qber: q, bits: 10_000, runs: 40, schedule: 'original', seed: 7 });
    assert.ok(Math.abs(r.efficiency_mean - f) < 0.03, `Q = ${q}: efficiency ${r.efficiency_mean} vs ${f}`);
    assert.ok(r.frame_error_rate <= 0.1, `frame error rate ${r.frame_error_rate}`);
    assert.ok(r.ask_parity_messages_mean > 4);
  }
});

test('Cascade never beats the Shannon limit and corrects every error of a typical frame', () => {
  for (const [n, q, schedule] of [[2000, 0.03, 'original'], [4000, 0.08, 'yanetal'], [777, 0.05, 'original']] as const) {
    for (let s = 0; s < 5; s++) {
      const { a, b } = noisyPair(n, Math.round(q * n), 100 * s + n);
      const r = cascade(a, b, q, schedule, s + 1);
      assert.ok(r.disclosedBits >= n * h2(r.initialErrors / n), `disclosed ${r.disclosedBits} < n·h(Q)`);
      assert.equal(r.initialErrors, Math.round(q * n));
      assert.ok(r.residualErrors <= 2);
      assert.ok(r.efficiency >= 1);
    }
  }
});

test('disclosed bits are the block parities plus one per BINARY step', () => {
  const n = 1024;
  // No error: one parity per block and pass, nothing else.
  const { a } = noisyPair(n, 0, 1);
  const sizes = cascadeSchedule('original', 0.05, n);
  const r0 = cascade(a, Uint8Array.from(a), 0.05, 'original', 1);
  assert.equal(r0.disclosedBits, sizes.reduce((s, k) => s + Math.ceil(n / k), 0));
  assert.equal(r0.askParityMessages, sizes.length);
  // One error in pass 1's first block: log2(k1) more parities (k1 = 16 at Q = 0.05 → 4).
  const b = Uint8Array.from(a); b[3] ^= 1;
  const r1 = cascade(a, b, 0.05, 'original', 1);
  assert.equal(sizes[0], 15); // ⌈0.73/0.05⌉
  assert.equal(r1.residualErrors, 0);
  // BINARY over [0, 15): halves [0, 7) → [3, 7) → [3, 5) → [3, 4): four asked parities, and pass 1
  // corrects the bit before any later pass sees it.
  assert.equal(r1.disclosedBits - r0.disclosedBits, 4);
});

test('the optimised schedule of Yan et al. leaks less than the original at Q = 5%', () => {
  const o = cascadeMonteCarlo({ qber: 0.05, bits: 10_000, runs: 15, schedule: 'original', seed: 3 });
  const y = cascadeMonteCarlo({ qber: 0.05, bits: 10_000, runs: 15, schedule: 'yanetal', seed: 3 });
  assert.ok(y.efficiency_mean < o.efficiency_mean - 0.03, `yanetal ${y.efficiency_mean} vs original ${o.efficiency_mean}`);
  assert.throws(() => cascadeMonteCarlo({ qber: 0.6, bits: 100, runs: 1, schedule: 'original', seed: 1 }), /qber/);
  assert.throws(() => cascadeMonteCarlo({ qber: 0.1, bits: 100, runs: 1, schedule: 'turbo' as never, seed: 1 }), /unknown Cascade schedule/);
});
