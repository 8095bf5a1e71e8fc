import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fc from 'fast-check';
import { x25519 } from '@noble/curves/ed25519.js';
import { QmlError } from '../../core/errors.js';
import { Rng } from '../../core/rng.js';
import { SecureRandom } from './random.js';
import { FIELD_PRIME, combineShares, splitSecret } from './shamir.js';
import { agree, generateX25519KeyPair, hkdf32, publicKeyOf, x25519Raw } from './agreement.js';
import { addMask, expandMask } from './prg.js';
import { quantizer } from './quantize.js';
import { completeGraph, harary } from './graph.js';
import { SECAGG_STAGES, SecAggClient, secureAggregate, type SecAggStage } from './secagg.js';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'));

test('any t of n Shamir shares rebuild the secret, t − 1 do not', () => {
  fc.assert(fc.property(fc.bigInt({ min: 0n, max: FIELD_PRIME - 1n }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 0, max: 1e6 }), (s, t, seed) => {
    const n = t + 3;
    const shares = splitSecret(s, t, Array.from({ length: n }, (_, i) => i + 1), new SecureRandom(seed));
    const pick = new Rng(seed).shuffle(shares.slice()) as typeof shares;
    assert.equal(combineShares(pick.slice(0, t)), s);
    if (t > 1) assert.notEqual(combineShares(pick.slice(0, t - 1)), s);
  }), { numRuns: 60 });
});

test('X25519 matches the RFC 7748 §6.1 vector and @noble/curves', () => {
  const aSk = hex('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a');
  const bSk = hex('5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb');
  assert.equal(Buffer.from(publicKeyOf(aSk)).toString('hex'), '8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a');
  const bPk = publicKeyOf(bSk);
  assert.equal(Buffer.from(bPk).toString('hex'), 'de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f');
  assert.equal(Buffer.from(x25519Raw(aSk, bPk)).toString('hex'), '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742');
  const r = new SecureRandom(3);
  for (let i = 0; i < 5; i++) {
    const a = generateX25519KeyPair(r), b = generateX25519KeyPair(r);
    assert.deepEqual(a.publicKey, x25519.getPublicKey(a.secretKey));
    assert.deepEqual(x25519Raw(a.secretKey, b.publicKey), x25519.getSharedSecret(a.secretKey, b.publicKey));
    assert.deepEqual(agree(a.secretKey, b.publicKey, 'mask', 4, 9, 2), agree(b.secretKey, a.publicKey, 'mask', 9, 4, 2));
    assert.notDeepEqual(agree(a.secretKey, b.publicKey, 'mask', 4, 9, 2), agree(a.secretKey, b.publicKey, 'channel', 4, 9, 2));
  }
});

test('the two-HMAC HKDF equals RFC 5869 HKDF-SHA256 (node hkdfSync)', () => {
  const ikm = crypto.randomBytes(32);
  assert.deepEqual(hkdf32(ikm, 'salt', 'info/1'), new Uint8Array(crypto.hkdfSync('sha256', ikm, 'salt', 'info/1', 32)));
});

test('masks are deterministic per (seed, label) and the labels give different streams', () => {
  const seed = new SecureRandom(5).bytes(32);
  assert.deepEqual(expandMask(seed, 'self', 64), expandMask(seed, 'self', 64));
  assert.notDeepEqual(expandMask(seed, 'self', 64), expandMask(seed, 'pair', 64));
  assert.deepEqual(expandMask(seed, 'pair', 1000).subarray(0, 64), expandMask(seed, 'pair', 64));
});

test('quantised sums of n clients at the clip bound do not wrap modulo 2^32', () => {
  const n = 100, qz = quantizer(2, n);
  const top = qz.encode(Float64Array.of(5, 2, -7));
  const sum = new Uint32Array(3);
  for (let u = 0; u < n; u++) addMask(sum, top, 1);
  assert.deepEqual(Array.from(qz.decodeSum(sum, n), (v) => Math.round(v)), [200, 200, -200]);
  assert.ok(n * qz.levels <= 2 ** 32 - 1);
});

/** The plain quantised sum of the contributors, in exact integer arithmetic (no modulus). */
function plainQuantisedSum(inputs: Float64Array[], who: number[], clip: number): number[] {
  const qz = quantizer(clip, inputs.length);
  const s = new Array<number>(inputs[0].length).fill(0);
  for (const u of who) qz.encode(inputs[u]).forEach((q, i) => { s[i] += q; });
  return s;
}

const dropsArb = (n: number) => fc.array(fc.option(fc.constantFrom(...SECAGG_STAGES), { freq: 2 }), { minLength: n, maxLength: n });

test('SecAgg: the secure sum equals the plain quantised sum for 0..n−t dropouts at every stage', () => {
  const n = 7, t = 4, d = 5;
  fc.assert(fc.property(dropsArb(n), fc.integer({ min: 0, max: 1e6 }), (raw, seed) => {
    const rng = new Rng(seed);
    const inputs = Array.from({ length: n }, () => Float64Array.from({ length: d }, () => rng.normal()));
    // Keep at most n − t dropouts.
    const drops = raw.map((s) => s ?? null) as (SecAggStage | null)[];
    let count = drops.filter((s) => s !== null).length;
    for (let u = 0; u < n && count > n - t; u++) if (drops[u] !== null) { drops[u] = null; count--; }
    const r = secureAggregate(inputs, { clip: 3, threshold: t, seed }, drops);
    assert.equal(r.aborted, false, r.abortReason);
    const expectU3 = drops.map((s, u) => (s === null || SECAGG_STAGES.indexOf(s) > SECAGG_STAGES.indexOf('masked') ? u : -1)).filter((u) => u >= 0);
    assert.deepEqual(r.contributors, expectU3);
    assert.deepEqual(Array.from(r.quantizedSum!), plainQuantisedSum(inputs, expectU3, 3));
    // The server never rebuilds both secrets of one client.
    const both = r.revealedSelfSeeds.filter((u) => r.revealedPairwiseKeys.includes(u));
    assert.deepEqual(both, []);
  }), { numRuns: 25 });
});

test('SecAgg: n − t + 1 dropouts at any stage abort the round, recorded, without a crash', () => {
  const n = 6, t = 4;
  const inputs = Array.from({ length: n }, (_, u) => Float64Array.of(u / 10, -u / 10));
  for (const stage of SECAGG_STAGES) {
    const drops = Array.from({ length: n }, (_, u) => (u < n - t + 1 ? stage : null));
    const r = secureAggregate(inputs, { clip: 1, threshold: t, seed: 1 }, drops);
    assert.equal(r.aborted, true, stage);
    assert.equal(r.abortStage, stage);
    assert.match(r.abortReason!, /fewer than t = 4/);
    assert.equal(r.sum, undefined);
  }
});

test('SecAgg+: on a random k-regular graph the sum is exact or the round aborts for lack of shares', () => {
  const n = 24, d = 4;
  let exact = 0;
  fc.assert(fc.property(fc.array(fc.oneof({ arbitrary: fc.constant(null), weight: 9 }, { arbitrary: fc.constantFrom(...SECAGG_STAGES), weight: 1 }), { minLength: n, maxLength: n }), fc.integer({ min: 0, max: 1e6 }), (raw, seed) => {
    const rng = new Rng(seed);
    const inputs = Array.from({ length: n }, () => Float64Array.from({ length: d }, () => rng.normal()));
    const drops = raw.map((s) => s ?? null) as (SecAggStage | null)[];
    const r = secureAggregate(inputs, { clip: 3, variant: 'secagg+', seed }, drops);
    assert.equal(r.degree, 10);
    if (r.aborted) { assert.match(r.abortReason!, /fewer than t/); return; }
    exact++;
    assert.deepEqual(Array.from(r.quantizedSum!), plainQuantisedSum(inputs, r.contributors, 3));
    assert.deepEqual(r.revealedSelfSeeds.filter((u) => r.revealedPairwiseKeys.includes(u)), []);
  }), { numRuns: 20 });
  assert.ok(exact >= 15, `only ${exact}/20 SecAgg+ rounds completed`);
});

test('a random Harary graph is k-regular and symmetric', () => {
  const g = harary(31, 8, new SecureRandom(2));
  for (const [u, nb] of g.entries()) {
    assert.equal(nb.length, 8);
    for (const v of nb) assert.ok(g[v].includes(u));
  }
});

/** χ² statistic of the top byte of 32-bit words against the uniform distribution. */
function chiSquareTopByte(y: Uint32Array): number {
  const bins = new Float64Array(256);
  for (const v of y) bins[v >>> 24]++;
  const e = y.length / 256;
  let chi = 0;
  for (const o of bins) chi += (o - e) ** 2 / e;
  return chi;
}
// The 1e-6 upper quantile of χ²(255) (Wilson–Hilferty, z = 4.75): ≈ 376.
const CHI_CRIT = 255 * (1 - 2 / (9 * 255) + 4.75 * Math.sqrt(2 / (9 * 255))) ** 3;

test('what the server sees of one client is uniform on Z_R, and would not be with a mask removed', () => {
  const d = 8192, n = 3, rng = new Rng(4);
  const x = Float64Array.from({ length: d }, () => 0.3 * rng.normal());
  const q = quantizer(1, n).encode(x);
  assert.ok(chiSquareTopByte(q) > 10 * CHI_CRIT, 'the raw encoding is far from uniform');
  // A real masked input from the protocol's client code.
  const round = 0;
  const cs = [0, 1, 2].map((u) => new SecAggClient(u, completeGraph(n)[u], 2, round, new SecureRandom(9, `c${u}`)));
  const adverts = cs.map((c) => c.advertise());
  const sealed = cs.map((c) => c.shareKeys(adverts)!).flat();
  const y = cs[0].maskedInput(sealed.filter((m) => m.to === 0), q)!;
  assert.ok(chiSquareTopByte(y) < CHI_CRIT, `masked input: χ² = ${chiSquareTopByte(y)}`);
  // Pure-function views: the same input under each subset of masks.
  const self = expandMask(new SecureRandom(1).bytes(32), 'self', d);
  const pair = expandMask(new SecureRandom(2).bytes(32), 'pair', d);
  const view = (useSelf: boolean, usePair: boolean): number => {
    const v = Uint32Array.from(q);
    if (useSelf) addMask(v, self, 1);
    if (usePair) addMask(v, pair, -1);
    return chiSquareTopByte(v);
  };
  assert.ok(view(true, true) < CHI_CRIT);
  // After unmasking the server knows b_u of a survivor: the pairwise masks still hide x_u ...
  assert.ok(view(false, true) < CHI_CRIT);
  // ... and for a late client wrongly declared dropped it knows the pairwise keys: the self mask hides x_u.
  assert.ok(view(true, false) < CHI_CRIT);
  assert.ok(view(false, false) > 10 * CHI_CRIT, 'without masks the statistic must expose the input');
});

test('a client never reveals both the self-mask share and the key share of the same peer', () => {
  const n = 3, g = completeGraph(n);
  const cs = [0, 1, 2].map((u) => new SecAggClient(u, g[u], 2, 0, new SecureRandom(11, `c${u}`)));
  const adverts = cs.map((c) => c.advertise());
  const sealed = cs.map((c) => c.shareKeys(adverts)!).flat();
  for (const c of cs) c.maskedInput(sealed.filter((m) => m.to === c.id), new Uint32Array(4));
  assert.ok(cs[0].consistency([0, 1, 2]));
  const first = cs[0].unmask([0, 1, 2]);
  assert.equal(first.self.size, 3);
  // A lying server now claims client 2 dropped, to get its key share too.
  cs[0].reacknowledge([0, 1]);
  assert.throws(() => cs[0].unmask([0, 1]), (e: unknown) => e instanceof QmlError && /already revealed its self share/.test(e.message));
});

test('bad thresholds, shapes and options are QmlErrors', () => {
  const inputs = Array.from({ length: 6 }, () => new Float64Array(3));
  const err = (f: () => unknown, re: RegExp): void => assert.throws(f, (e: unknown) => e instanceof QmlError && re.test(e.message));
  err(() => secureAggregate(inputs, { clip: 1, threshold: 7 }), /exceeds the 6 share holders/);
  err(() => secureAggregate(inputs, { clip: 1, threshold: 3 }), /needs t > 6\/2 \(t ≥ 4\)/);
  err(() => secureAggregate(inputs, { clip: 0 }), /clip must be > 0/);
  err(() => secureAggregate([...inputs, new Float64Array(2)], { clip: 1 }), /client 6 update has 2 coordinates/);
  err(() => secureAggregate(inputs, { clip: 1, variant: 'secagg+', degree: 3 }), /even degree/);
  err(() => secureAggregate(inputs, { clip: 1, variant: 'bogus' as never }), /unknown secure aggregation "bogus"/);
  err(() => secureAggregate([Float64Array.of(NaN), Float64Array.of(0), Float64Array.of(0)], { clip: 1 }), /NaN/);
});
