import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../core/rng.js';
import { getBit, pack } from './qkd/bits.js';
import { toeplitzHash, toeplitzSeed, verificationBits } from './qkd/toeplitz.js';

/** The plain dense product: T[i][j] = s[i − j + n − 1], y_i = ⊕_j T[i][j] x_j. */
function dense(x: Uint8Array, l: number, seed: Uint32Array): Uint8Array {
  const n = x.length, y = new Uint8Array(l);
  for (let i = 0; i < l; i++) { let acc = 0; for (let j = 0; j < n; j++) acc ^= getBit(seed, i - j + n - 1) & x[j]; y[i] = acc; }
  return y;
}

test('Toeplitz hashing equals the dense matrix-vector product over GF(2)', () => {
  const rng = new Rng(5);
  for (const [n, l] of [[1, 1], [31, 7], [32, 32], [33, 40], [100, 63], [257, 65]]) {
    const x = Uint8Array.from({ length: n }, () => rng.nextU32() & 1);
    const seed = toeplitzSeed(n, l, rng);
    const fast = toeplitzHash(pack(x), n, l, seed);
    const ref = dense(x, l, seed);
    for (let i = 0; i < l; i++) assert.equal(getBit(fast, i), ref[i], `n = ${n}, ℓ = ${l}, bit ${i}`);
  }
});

test('Toeplitz hashing is linear: T(x ⊕ y) = Tx ⊕ Ty', () => {
  const rng = new Rng(6);
  const n = 1000, l = 300;
  const seed = toeplitzSeed(n, l, rng);
  for (let t = 0; t < 5; t++) {
    const x = new Uint32Array(32).map(() => rng.nextU32()), y = new Uint32Array(32).map(() => rng.nextU32());
    const xy = x.map((w, i) => w ^ y[i]);
    const hx = toeplitzHash(x, n, l, seed), hy = toeplitzHash(y, n, l, seed), hxy = toeplitzHash(xy, n, l, seed);
    assert.deepEqual(hxy, hx.map((w, i) => w ^ hy[i]));
  }
});

test('two different inputs collide at the rate 2^−ℓ over random seeds (universal₂)', () => {
  const rng = new Rng(7);
  const n = 200;
  const x = new Uint32Array(7).map(() => rng.nextU32());
  const y = Uint32Array.from(x); y[3] ^= 1 << 9; y[5] ^= 1 << 2;
  for (const l of [1, 3, 5]) {
    const trials = 16000;
    let coll = 0;
    for (let t = 0; t < trials; t++) {
      const seed = toeplitzSeed(n, l, rng);
      if (toeplitzHash(x, n, l, seed)[0] === toeplitzHash(y, n, l, seed)[0]) coll++;
    }
    const p = 2 ** -l, se = Math.sqrt((p * (1 - p)) / trials);
    assert.ok(Math.abs(coll / trials - p) < 4 * se, `ℓ = ${l}: collision rate ${coll / trials}, want ${p}`);
  }
  assert.equal(verificationBits(1e-15), 50);
  assert.throws(() => verificationBits(0), /ε_cor/);
});

test('block-wise privacy amplification: exactly ℓ bits, linear, equal keys give equal outputs and one flipped bit changes them', async () => {
  const { privacyAmplify, PA_BLOCK_BITS } = await import('./qkd/protocol.js');
  const rng = new Rng(8);
  const n = PA_BLOCK_BITS + 40_000, l = 9_001;
  const x = new Uint32Array(Math.ceil(n / 32)).map(() => rng.nextU32()), y = new Uint32Array(Math.ceil(n / 32)).map(() => rng.nextU32());
  const xy = x.map((w, i) => w ^ y[i]);
  const p1 = privacyAmplify(x, y, n, l, new Rng(1)), p2 = privacyAmplify(xy, x, n, l, new Rng(1));
  assert.equal(p1.blocks, 2);
  assert.equal(p1.a.length, Math.ceil(l / 32));
  assert.deepEqual(p2.a, p1.a.map((w, i) => w ^ p1.b[i])); // T(x ⊕ y) = Tx ⊕ Ty, block by block
  const z = Uint32Array.from(x); z[5000] ^= 1;
  const p3 = privacyAmplify(x, z, n, l, new Rng(2));
  assert.notDeepEqual(p3.a, p3.b);
  assert.equal(getBit(p3.a, l), 0); // nothing beyond ℓ bits
});
