import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../core/rng.js';
import { QmlError } from '../core/errors.js';
import { h2, shorPreskillRate } from './qkd/entropy.js';
import { linkParams, transmittance } from './qkd/params.js';
import { analyticRate, analyticRateSigned, expectedGain, expectedQber, maxDistance, optimiseMu, singlePhoton, vacuumWeakBounds } from './qkd/analytic.js';
import { simulatePulses } from './qkd/simulate.js';
import { sift } from './qkd/sift.js';
import { getBit, hammingDistance, pack, toBytes, unpack } from './qkd/bits.js';
import { parseEavesdropper } from './qkd/eve/registry.js';
import { pnsMatchDistance, pnsPlan } from './qkd/eve/pns.js';
import { NMAX, poisson } from './qkd/eve/eavesdropper.js';
import { runBB84, BB84_DEFAULTS } from './qkd/protocol.js';
import { simulatedPoints, simulatedPointsAt } from './qkd/sweep.js';

/** |observed − expected| within `z` standard errors of a binomial proportion over n trials. */
function withinBinomial(obs: number, p: number, n: number, z = 4, what = 'rate'): void {
  const se = Math.sqrt((p * (1 - p)) / n);
  assert.ok(Math.abs(obs - p) <= z * se, `${what}: observed ${obs}, expected ${p} ± ${z}×${se.toExponential(2)} (n = ${n})`);
}

function siftedQber(s: ReturnType<typeof sift>): { q: number; n: number } {
  let e = 0;
  for (let i = 0; i < s.length; i++) e += s.alice[i] ^ s.bob[i];
  return { q: e / s.length, n: s.length };
}

test('1 − 2h(Q) reaches zero at Q ≈ 11.0% (Shor–Preskill)', () => {
  let lo = 0.05, hi = 0.2;
  for (let i = 0; i < 60; i++) { const m = (lo + hi) / 2; if (shorPreskillRate(m) > 0) lo = m; else hi = m; }
  assert.ok(Math.abs(lo - 0.110) < 0.0005, `zero at ${lo}`);
  assert.equal(h2(0.5), 1);
  assert.equal(h2(0), 0);
});

test('GYS parameters: the key rate reaches zero near 142 km (infinite decoys), 141 km (vacuum + weak, ν = 0.05) and 40 km (GLLP, no decoys)', () => {
  const l = linkParams({ distanceKm: 0 });
  const inf = maxDistance(l, 'infinite'), vw = maxDistance(l, 'vacuum+weak'), none = maxDistance(l, 'none');
  // Ma, Qi, Zhao & Lo, PRA 72, 012326 (2005): 142 km, 141 km; GLLP without decoys ≈ 40 km.
  assert.ok(Math.abs(inf - 142) < 1.5, `infinite decoys: ${inf} km`);
  assert.ok(Math.abs(vw - 141) < 1.5, `vacuum + weak: ${vw} km`);
  assert.ok(Math.abs(none - 40) < 3, `GLLP: ${none} km`);
  assert.ok(inf > vw && vw > none);
});

test('vacuum + weak decoy bounds are valid bounds and become tight as ν → 0', () => {
  const l = linkParams({ distanceKm: 50 });
  const { y1, e1 } = singlePhoton(l);
  for (const nu of [0.2, 0.05, 1e-3]) {
    const b = vacuumWeakBounds({ qMu: expectedGain(l, l.mu), qNu: expectedGain(l, nu), eNu: expectedQber(l, nu), y0: l.y0, mu: l.mu, nu });
    assert.ok(b.y1Lower <= y1 * (1 + 1e-9), `Y1 lower ${b.y1Lower} > Y1 ${y1} at ν = ${nu}`);
    assert.ok(b.e1Upper >= e1 * (1 - 1e-9), `e1 upper ${b.e1Upper} < e1 ${e1} at ν = ${nu}`);
    if (nu === 1e-3) { assert.ok(b.y1Lower > 0.99 * y1); assert.ok(b.e1Upper < 1.01 * e1); }
  }
});

test('the optimised μ beats every μ on a grid', () => {
  for (const m of ['none', 'infinite', 'vacuum+weak'] as const) {
    const l = linkParams({ distanceKm: 20 });
    const best = optimiseMu(l, m);
    for (let mu = 0.06; mu < 1.2; mu += 0.05) assert.ok(analyticRate({ ...l, mu }, m) <= best.rate * (1 + 1e-6), `${m}: μ = ${mu} beats μ_opt ${best.mu}`);
  }
});

test('intercept-resend gives QBER 25% at p = 1 and 12.5% at p = 0.5 over more than 10⁵ sifted bits', () => {
  const l = linkParams({ distanceKm: 0, etaBob: 1, y0: 0, eDetector: 0, decoy: 'none', mu: 1 });
  for (const [p, want] of [[1, 0.25], [0.5, 0.125], [0, 0]] as const) {
    const s = sift(simulatePulses(l, 400_000, 11, parseEavesdropper(`intercept:${p}`)));
    const { q, n } = siftedQber(s);
    assert.ok(n >= 1e5, `only ${n} sifted bits`);
    if (want === 0) assert.equal(q, 0); else withinBinomial(q, want, n, 4, `QBER at p = ${p}`);
  }
});

test('honest channel: gains per intensity, QBER and single-photon yield match the Ma et al. model', () => {
  const l = linkParams({ distanceKm: 20, pDecoy: 0.3, pVacuum: 0.2, y0: 1e-3 });
  const s = sift(simulatePulses(l, 1_000_000, 5));
  withinBinomial(s.clicks[0] / s.sent[0], expectedGain(l, l.mu), s.sent[0], 4, 'signal gain');
  withinBinomial(s.clicks[1] / s.sent[1], expectedGain(l, l.nu), s.sent[1], 4, 'decoy gain');
  withinBinomial(s.clicks[2] / s.sent[2], l.y0, s.sent[2], 4, 'vacuum gain');
  withinBinomial(s.clicksByPhotons[1] / s.sentByPhotons[1], singlePhoton(l).y1, s.sentByPhotons[1], 4, 'Y1');
  let e = 0, m = 0;
  for (let i = 0; i < s.length; i++) if (s.intensity[i] === 0) { m++; e += s.alice[i] ^ s.bob[i]; }
  // Model: E·Q = Y0/2 + e_d(1 − e^(−ημ)) up to O(Y0·η) double clicks.
  withinBinomial(e / m, expectedQber(l, l.mu), m, 4, 'signal QBER');
  // About half of the detections survive sifting with pZ = 1/2.
  withinBinomial(s.length / (s.clicks[0] + s.clicks[1] + s.clicks[2]), 0.5, s.clicks[0] + s.clicks[1] + s.clicks[2], 4, 'sifting');
});

test('packed pulse records agree with a bit-by-bit sifting of the same pulses; the same seed gives the same pulses', () => {
  const l = linkParams({ distanceKm: 5, pZ: 0.8 });
  const r = simulatePulses(l, 5_003, 9);
  const s = sift(r);
  let c = 0, z = 0;
  for (let i = 0; i < r.pulses; i++) {
    if (!getBit(r.click, i) || getBit(r.aliceBasis, i) !== getBit(r.bobBasis, i)) continue;
    assert.equal(s.alice[c], getBit(r.aliceBit, i));
    assert.equal(s.bob[c], getBit(r.bobBit, i));
    z += 1 - s.basis[c];
    c++;
  }
  assert.equal(c, s.length);
  assert.ok(z / c > 0.8, 'biased basis choice: most sifted bits are in Z'); // pZ² / (pZ² + pX²) ≈ 0.94
  assert.deepEqual(simulatePulses(l, 5_003, 9).bobBit, r.bobBit);
  assert.notDeepEqual(simulatePulses(l, 5_003, 10).aliceBit, r.aliceBit);
  const rng = new Rng(3);
  const bits = Uint8Array.from({ length: 77 }, () => rng.nextU32() & 1);
  assert.deepEqual(unpack(pack(bits), 77), bits);
  assert.equal(hammingDistance(pack(bits), pack(bits.map((b, i) => (i % 7 === 0 ? 1 - b : b))), 77), 11);
  assert.equal(toBytes(pack([1, 0, 0, 0, 0, 0, 0, 0, 1]), 9).length, 2);
});

test('photon-number splitting: Eve keeps Bob\'s expected gain; beyond the matching distance she knows every bit unnoticed without decoys, and decoys abort the run', () => {
  const base = linkParams({ distanceKm: 0, decoy: 'none', mu: 0.5 });
  const dMatch = pnsMatchDistance(base);
  assert.ok(dMatch > 20 && dMatch < 60, `match distance ${dMatch} km`);
  // Eve's plan reproduces the honest signal gain (dark counts aside) at every distance it can.
  for (const km of [10, dMatch + 5, 80]) {
    const eta = transmittance({ ...base, distanceKm: km });
    const plan = pnsPlan(base.mu, base.etaBob, eta);
    const P = poisson(base.mu);
    let honest = 0, eve = 0;
    for (let n = 1; n <= NMAX; n++) {
      honest += P[n] * (1 - Math.pow(1 - eta, n));
      eve += P[n] * (n === 1 ? plan.forwardSingles * base.etaBob : plan.forwardMulti * (1 - Math.pow(1 - base.etaBob, n - 1)));
    }
    assert.ok(Math.abs(eve - honest) < 1e-12, `gain ${eve} vs ${honest} at ${km} km`);
    assert.equal(plan.knowsEverything, km > dMatch);
  }
  const km = dMatch + 15;
  const run = (decoy: 'none' | 'vacuum+weak') => runBB84({ ...BB84_DEFAULTS, link: { ...base, distanceKm: km, decoy, pDecoy: 0.25, pVacuum: 0.15 }, pulses: 2_000_000, seed: 4, eve: 'pns' }).result;
  const plain = run('none');
  assert.ok(Math.abs(plain.observed.gain_signal_z) < 4, `gain deviates by ${plain.observed.gain_signal_z} σ`);
  assert.ok(Math.abs(plain.observed.qber_z) < 4, `QBER deviates by ${plain.observed.qber_z} σ`);
  assert.ok(plain.eve!.known_fraction_of_key > 0.98, `Eve knows ${plain.eve!.known_fraction_of_key}`);
  assert.doesNotMatch(plain.abort_reason ?? '', /QBER|decoy/); // nothing Alice and Bob measure gives Eve away
  const decoyed = run('vacuum+weak');
  assert.ok(decoyed.aborted);
  assert.match(decoyed.abort_reason!, /decoy|single-photon/);
  assert.ok(decoyed.observed.gain_decoy_z! < -4, `decoy gain deficit only ${decoyed.observed.gain_decoy_z} σ`);
});

test('detector blinding leaves QBER and gains at baseline while Eve knows every sifted bit; denial of service aborts on the QBER', () => {
  const link = linkParams({ distanceKm: 15 });
  const blind = runBB84({ ...BB84_DEFAULTS, link, pulses: 1_000_000, seed: 2, eve: 'blinding' }).result;
  assert.equal(blind.aborted, false, blind.abort_reason ?? '');
  assert.ok(Math.abs(blind.observed.qber_z) < 4 && Math.abs(blind.observed.gain_signal_z) < 4 && Math.abs(blind.observed.gain_decoy_z!) < 4);
  assert.ok(blind.eve!.known_fraction_of_key > 0.999);
  assert.match(blind.eve!.detection, /watchdog/);
  const dos = runBB84({ ...BB84_DEFAULTS, link, pulses: 500_000, seed: 2, eve: 'dos' }).result;
  assert.ok(dos.aborted);
  assert.match(dos.abort_reason!, /QBER/);
  assert.equal(dos.eve!.known_fraction_of_key, 0);
  const ir = runBB84({ ...BB84_DEFAULTS, link, pulses: 500_000, seed: 2, eve: 'intercept:1' }).result;
  assert.ok(ir.aborted && ir.qber > 0.2);
});

test('an honest run ends with identical secret keys for Alice and Bob, and the rate sits near the analytic one', () => {
  const link = linkParams({ distanceKm: 10 });
  const { result, key } = runBB84({ ...BB84_DEFAULTS, link, pulses: 2_000_000, seed: 8 });
  assert.equal(result.aborted, false, result.abort_reason ?? '');
  assert.ok(result.final_key_bits > 1000);
  assert.equal(key!.length, Math.ceil(result.final_key_bits / 8));
  assert.equal(result.cascade.residual_errors, 0);
  assert.equal(result.verification.passed, true);
  assert.ok(result.cascade.efficiency! > 1 && result.cascade.efficiency! < 1.6);
  assert.ok(result.final_key_bits / result.key_bits_before_pa < 1);
  const rel = result.estimated_rate_per_pulse / result.asymptotic_rate_per_pulse;
  assert.ok(rel > 0.7 && rel < 1.3, `estimated/analytic = ${rel}`);
  assert.equal(result.seed, 8);
  assert.ok(result.version);
});

test('bad input is a QmlError naming the parameter', () => {
  assert.throws(() => linkParams({ distanceKm: -1 }), (e: unknown) => e instanceof QmlError && /distance/.test(e.message));
  assert.throws(() => linkParams({ distanceKm: 1, mu: 0 }), (e: unknown) => e instanceof QmlError && /μ/.test(e.message));
  assert.throws(() => linkParams({ distanceKm: 1, etaBob: 1.5 }), QmlError);
  assert.throws(() => linkParams({ distanceKm: 1, eDetector: Number.NaN }), QmlError);
  assert.throws(() => linkParams({ distanceKm: 1, nu: 0.6, mu: 0.5 }), /below the signal/);
  assert.throws(() => parseEavesdropper('intercept:1.5'), QmlError);
  assert.throws(() => parseEavesdropper('intercept'), QmlError);
  assert.throws(() => parseEavesdropper('wiretap'), /unknown eavesdropper/);
  assert.throws(() => runBB84({ ...BB84_DEFAULTS, link: linkParams({ distanceKm: 1, decoy: 'none' }), finite: true }), /decoy/);
});

test('simulated points agree with the analytic curves within their error bars at every distance, across and beyond each cutoff', () => {
  // A point pools the counts of 20 seeded runs of 4·10⁵ pulses and evaluates the analytic rate
  // formula on them (estimate.ts), unclipped; its error bar is the Student-t interval (19 degrees of
  // freedom) on the delete-one-run jackknife standard error. The level is family-wise 99% over all
  // points of this test (Bonferroni: each interval at 1 − 0.01/m), so a correct simulation fails
  // here with probability at most 1%, and no allowance is added to the interval.
  const l = linkParams({ distanceKm: 0, pDecoy: 0.3, pVacuum: 0.2 });
  // Inside every curve, around the GLLP cutoff (40.2 km), far beyond it, and around the decoy cutoffs (141–142 km).
  const distances = [10, 25, 38, 42, 100, 138, 146];
  const m = distances.length * 3;
  const o = { pulses: 400_000, repeats: 20, seed: 21, level: 1 - 0.01 / m };
  const pts = simulatedPoints(l, distances, o);
  assert.equal(pts.length, m);
  for (const p of pts) {
    const what = `${p.method} at ${p.distance_km} km (μ = ${p.mu.toFixed(4)}): ${p.rate_signed.toExponential(3)} in [${p.ci_low.toExponential(3)}, ${p.ci_high.toExponential(3)}] vs analytic ${p.analytic_signed.toExponential(3)}`;
    assert.ok(p.ci_low <= p.analytic_signed && p.analytic_signed <= p.ci_high, what);
    // The key-rate view (both clipped at zero): where the curve is 0 the interval reaches 0.
    if (p.analytic === 0) assert.ok(Math.max(0, p.ci_low) === 0, what);
    assert.equal(p.rate, Math.max(0, p.rate_signed));
  }
  // The error bars carry information where a key exists: at 10 and 25 km the decoy points are
  // within ±40%; GLLP, whose optimal μ (0.016 at 10 km) gives 30× fewer clicks, within ±100% at 10 km.
  for (const p of pts.filter((x) => x.distance_km <= 25 && (x.method !== 'none' || x.distance_km === 10))) {
    const half = (p.ci_high - p.ci_low) / 2;
    assert.ok(half < (p.method === 'none' ? 1 : 0.4) * p.analytic, `${p.method} at ${p.distance_km} km: ± ${half.toExponential(2)} vs ${p.analytic.toExponential(2)}`);
  }
  // And the check can fail: a simulated misalignment of 5% against the formula's 3.3% falls outside.
  const wrong = simulatedPoints({ ...l, eDetector: 0.05 }, [10, 25], o);
  for (const p of wrong.filter((x) => x.method !== 'none')) {
    const want = analyticRateSigned({ ...l, distanceKm: p.distance_km, mu: p.mu }, p.method);
    assert.ok(p.ci_high < want, `${p.method} at ${p.distance_km} km with e_d = 5%: [${p.ci_low}, ${p.ci_high}] should miss ${want}`);
  }
});

test('sifted records of consecutive chunks merge into one (long runs are simulated chunk by chunk)', async () => {
  const { mergeSifted } = await import('./qkd/sift.js');
  const l = linkParams({ distanceKm: 5 });
  const a = sift(simulatePulses(l, 30_000, 1)), b = sift(simulatePulses(l, 20_000, 2));
  const m = mergeSifted([a, b]);
  assert.equal(m.length, a.length + b.length);
  assert.deepEqual(m.sent, [a.sent[0] + b.sent[0], a.sent[1] + b.sent[1], a.sent[2] + b.sent[2]]);
  assert.deepEqual(m.alice.subarray(a.length), b.alice);
  assert.deepEqual(m.clicksByPhotons, a.clicksByPhotons.map((x, i) => x + b.clicksByPhotons[i]));
  assert.throws(() => runBB84({ ...BB84_DEFAULTS, link: l, pulses: 1e12 }), /10¹¹/);
});
