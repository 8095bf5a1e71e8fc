import { test } from 'node:test';
import assert from 'node:assert/strict';
import { h2 } from './qkd/entropy.js';
import { limKeyLength, tomamichelExpectedRate, tomamichelKeyLength } from './qkd/finite.js';
import { expectedGain, expectedQber, vacuumWeakBounds } from './qkd/analytic.js';
import { linkParams } from './qkd/params.js';

test('Tomamichel et al. 2012, eq. (2): key lengths at stated (n, k, Q, ε) points', () => {
  // Reference values evaluated independently (a separate script) from the published formula
  // ℓ = ⌊n(1 − h(Q + μ)) − 1.1·n·h(Q) − log2(2/(ε_sec² ε_cor))⌋, μ = √((n+k)/(nk)·(k+1)/k·ln(2/ε_sec)).
  const points: Array<[number, number, number, number, number, number, number]> = [
    [1e5, 1e4, 0.01, 1e-10, 1e-15, 57823, 0.0510818],
    [1e6, 1e5, 0.025, 1e-10, 1e-12, 566812, 0.0161528],
    [1e4, 3820, 0.01, 1e-11, 1e-11, 4091, 0.0970389],
  ];
  for (const [n, k, qber, epsSec, epsCor, want, mu] of points) {
    const r = tomamichelKeyLength({ n, k, qber, epsSec, epsCor });
    assert.equal(r.key_length, want, `n = ${n}, k = ${k}, Q = ${qber}`);
    assert.ok(Math.abs(r.mu - mu) < 1e-6);
  }
});

test('Tomamichel bound: grows with n, falls with Q, and its rate tends to 1 − 2.1·h(Q) (leak 1.1·h) as n and k grow', () => {
  const at = (n: number, q: number) => tomamichelKeyLength({ n, k: Math.round(n / 5), qber: q, epsSec: 1e-10, epsCor: 1e-15 }).key_length;
  assert.ok(at(1e4, 0.01) < at(1e5, 0.01) && at(1e5, 0.01) < at(1e6, 0.01));
  assert.ok(at(1e6, 0.05) < at(1e6, 0.02));
  const n = 1e12, q = 0.02;
  assert.ok(Math.abs(at(n, q) / n - (1 - 2.1 * h2(q))) < 2e-3);
  // Zero key, never negative, when fluctuations swamp the sample.
  assert.equal(tomamichelKeyLength({ n: 1000, k: 10, qber: 0.05, epsSec: 1e-10, epsCor: 1e-15 }).key_length, 0);
  assert.equal(tomamichelKeyLength({ n: 1e5, k: 1e4, qber: 0.01, epsSec: 1e-10, epsCor: 1e-15, leakEc: 0 }).leak_ec, 0);
  assert.throws(() => tomamichelKeyLength({ n: 1e5, k: 0, qber: 0.01, epsSec: 1e-10, epsCor: 1e-15 }), /--k/);
  assert.throws(() => tomamichelKeyLength({ n: 1e5, k: 10, qber: 0.7, epsSec: 1e-10, epsCor: 1e-15 }), /--qber/);
  assert.throws(() => tomamichelKeyLength({ n: 1e5, k: 10, qber: 0.01, epsSec: 2, epsCor: 1e-15 }), /--eps-sec/);
});

test('Lim et al. 2014: with very many pulses the single-photon bound meets the asymptotic vacuum + weak bound of Ma et al. 2005', () => {
  const l = linkParams({ distanceKm: 30, mu: 0.5, nu: 0.1 });
  const p: [number, number, number] = [0.7, 0.2, 0.1];
  const N = 1e14, pZ2 = 0.25;
  const mus: [number, number, number] = [0.5, 0.1, 0];
  const gain = (x: number) => (x === 0 ? l.y0 : expectedGain(l, x));
  const err = (x: number) => (x === 0 ? 0.5 : expectedQber(l, x));
  const nZ = mus.map((x, i) => N * p[i] * pZ2 * gain(x)) as [number, number, number];
  const mX = mus.map((x, i) => N * p[i] * pZ2 * gain(x) * err(x)) as [number, number, number];
  const r = limKeyLength({ mu: mus, p, nZ, nX: nZ, mX, mZ: mX, epsSec: 1e-10, epsCor: 1e-15, leakEc: 0 });
  const b = vacuumWeakBounds({ qMu: gain(0.5), qNu: gain(0.1), eNu: err(0.1), y0: l.y0, mu: 0.5, nu: 0.1 });
  // s_Z,1 counts single-photon Z detections over all intensities: N·pZ²·Σ_k p_k e^(−k) k·Y1.
  const tau1 = p[0] * 0.5 * Math.exp(-0.5) + p[1] * 0.1 * Math.exp(-0.1);
  const want = N * pZ2 * tau1 * b.y1Lower;
  assert.ok(Math.abs(r.s_z1 / want - 1) < 0.02, `s_Z1 ${r.s_z1} vs ${want}`);
  assert.ok(r.phi_z >= b.e1Upper * 0.98 && r.phi_z < b.e1Upper * 1.1, `phase error ${r.phi_z} vs e1 ${b.e1Upper}`);
  assert.ok(r.key_length > 0);
  // Few pulses: the bounds collapse and the key length is zero, never negative.
  const small = limKeyLength({ mu: mus, p, nZ: nZ.map((x) => x / 1e9) as never, nX: nZ.map((x) => x / 1e9) as never, mX: mX.map((x) => x / 1e9) as never, mZ: mX, epsSec: 1e-10, epsCor: 1e-15, leakEc: 0 });
  assert.equal(small.key_length, 0);
  assert.throws(() => limKeyLength({ mu: [0.1, 0.2, 0], p, nZ, nX: nZ, mX, mZ: mX, epsSec: 1e-10, epsCor: 1e-15, leakEc: 0 }), /μ1 > μ2/);
});

/** Table II of Tomamichel et al. 2012 (ε/ℓ = 10⁻¹⁴): n, Q, r (%), r_rel (%), basis probability (%), Q_tol (%), ε_rob (%). */
const TABLE_II: Array<[number, number, number, number, number, number, number]> = [
  [1e4, 0.01, 11.7, 14.0, 38.2, 2.48, 2.3], [1e4, 0.025, 6.8, 10.4, 43.0, 3.78, 3.0],
  [1e5, 0.01, 30.4, 36.4, 22.0, 2.14, 0.8], [1e5, 0.025, 21.5, 32.6, 23.3, 3.58, 1.0],
  [1e6, 0.01, 47.8, 57.1, 12.5, 1.73, 0.6], [1e6, 0.025, 35.7, 53.9, 13.7, 3.21, 0.7],
];

/**
 * The interval the table leaves for the unrounded r: its caption defines r_rel = r/(1 − 2h(Q)), and the
 * printed r, read as truncated to one decimal, and the printed r_rel (±0.05) must both hold.
 */
function rWindow(Q: number, r: number, rRel: number): [number, number] {
  const asym = 1 - 2 * h2(Q);
  return [Math.max(r, (rRel - 0.05) * asym), Math.min(r + 0.1, (rRel + 0.05) * asym)];
}

test('Tomamichel et al. 2012, Table II: the r column is truncated, not rounded, and r_rel pins the unrounded r', () => {
  for (const [, Q, r, rRel] of TABLE_II) {
    const [lo, hi] = rWindow(Q, r, rRel);
    assert.ok(lo <= hi, `Q = ${Q}, r = ${r}: truncated r and r_rel disagree`);
  }
  // Read as rounded (r ± 0.05), three rows contradict their own r_rel column.
  const rounded = TABLE_II.filter(([, Q, r, rRel]) => {
    const asym = 1 - 2 * h2(Q);
    return r + 0.05 < (rRel - 0.05) * asym || r - 0.05 > (rRel + 0.05) * asym;
  });
  assert.deepEqual(rounded.map((row) => row[2]), [6.8, 30.4, 21.5]);
});

/**
 * Eq. (3) at a row's stated parameters, over the corners of the box the table's rounding leaves
 * (basis probability ±0.05%, Q_tol ±0.005%, ε_rob ±0.05%). The basis column is printed as p_x, but
 * the protocol's own p_x = (1 + √(k/n))⁻¹ is at least 1/2 for k ≤ n, so the printed values (all
 * below 1/2) are the parameter-estimation basis p_z = 1 − p_x: √(k/n) = p_z/(1 − p_z).
 */
function tableRates(n: number, Q: number, p: number, qTol: number, rob: number): number[] {
  const out: number[] = [];
  for (const dp of [-0.05, 0.05]) for (const dq of [-0.005, 0.005]) for (const dr of [-0.05, 0.05]) {
    const pz = (p + dp) / 100, k = Math.round(n * (pz / (1 - pz)) ** 2);
    out.push(100 * tomamichelExpectedRate({ n, k, qber: Q, qtol: (qTol + dq) / 100, epsPerBit: 1e-14, epsRob: (rob + dr) / 100 }).rate);
  }
  return out;
}

test('Tomamichel et al. 2012, Table II: eq. (3) at the stated parameters reproduces n = 10⁶ within the table\'s rounding', () => {
  // Measured: r = 47.77–47.87% and 35.68–35.76% over the rounding box, against the windows
  // [47.83, 47.90] and [35.70, 35.75] that r and r_rel leave.
  for (const [n, Q, r, rRel, p, qTol, rob] of TABLE_II.filter((row) => row[0] === 1e6)) {
    const rates = tableRates(n, Q, p, qTol, rob);
    const [lo, hi] = rWindow(Q, r, rRel);
    assert.ok(Math.min(...rates) <= hi && Math.max(...rates) >= lo, `n = ${n}, Q = ${Q}: r in [${Math.min(...rates).toFixed(3)}, ${Math.max(...rates).toFixed(3)}]% vs the table's [${lo.toFixed(3)}, ${hi.toFixed(3)}]%`);
  }
});

test('Tomamichel et al. 2012, Table II at n = 10⁴ and 10⁵: eq. (2) as printed allows at least the published rates (not reproduced)', () => {
  // Measured: eq. (2) as printed gives r = 13.77, 8.46, 31.30, 22.34% at the stated parameters against
  // the table's 11.7, 6.8, 30.4, 21.5% (+18%, +24%, +3.0%, +3.9%; outside the rounding box), while the
  // same code reproduces both n = 10⁶ rows. In key bits the shortfall is nearly the same at both QBERs
  // of a block size (about 530 bits at n = 10⁴, 1,450 at 10⁵, none beyond rounding at 10⁶), so it is
  // not one missing term growing with n. No reading of the formula we tried reproduces all six rows:
  // basis column as p_z or p_x, n as key bits or as n + k, the rate as ℓ/M or ℓ/(n + k), leak on h(Q)
  // or h(Q_tol), ln(1/ε), ln(2/ε) or ln(4/ε), ε split, a binary or decimal logarithm in μ, μ without
  // the (n + k)/n or (k + 1)/k factors or halved (Serfling without squaring ε), M as the expected
  // stopping time of the sifting loop (Table I; simulated, it lowers r by 0.5–0.7%), or the exact
  // hypergeometric tail in place of Serfling's bound (a smaller μ: r = 20.8, 13.0, 40.2, 28.8, 55.9,
  // 41.3% with h(Q), 17.3, 10.8, 35.6, 25.4, 52.1, 38.4% with h(Q_tol); separate script). The nearest
  // miss combines two changes: the table's n read as the sifted N = n + k and Serfling's tail set to ε
  // rather than ε² (μ² halved) come within 1.4% of all six rates at the stated parameters, but the
  // optimal p_z there is 31, 35, 18, 20, 10, 11% against the column's 38, 43, 22, 23, 12.5, 13.7%, so
  // the stated parameters are not that reading's optimum either. What holds,
  // and is asserted: the printed bound is never below the published rates, i.e. this implementation
  // is not more conservative than the paper.
  for (const [n, Q, r, , p, qTol, rob] of TABLE_II.filter((row) => row[0] < 1e6)) {
    const printed = tableRates(n, Q, p, qTol, rob);
    assert.ok(Math.min(...printed) > r + 0.05, `n = ${n}, Q = ${Q}: eq. (2) as printed gives ${Math.min(...printed).toFixed(2)}%, table ${r}%`);
  }
});

/** The largest eq. (3) rate over the sample size k (log grid, 1% steps) at a row's Q_tol and ε_rob, and the basis probability p_z = √k/(√n + √k) there. */
function bestOverK(n: number, Q: number, qTol: number, rob: number, leakOn: 'qber' | 'qtol'): { rate: number; pz: number } {
  let rate = 0, pz = 0;
  for (let k = Math.max(10, Math.round(n / 1000)); k <= 3 * n; k = Math.ceil(k * 1.01)) {
    const r = tomamichelExpectedRate({ n, k, qber: Q, qtol: qTol, epsPerBit: 1e-14, epsRob: rob, leakOn }).rate;
    if (r > rate) { rate = r; pz = Math.sqrt(k) / (Math.sqrt(n) + Math.sqrt(k)); }
  }
  return { rate: 100 * rate, pz: 100 * pz };
}

test('Tomamichel et al. 2012, Table II under the setup its text states (leak_EC = 1.1·n·h(Q_tol)): the basis column is the optimal p_z, but every published rate exceeds what eq. (3) allows for any k', () => {
  // The Discussion says Table II was optimised with leak_EC = ξ·n·h(Q_tol), ξ = 1.1. Under that leak,
  // at each row's own Q_tol and ε_rob, the k that maximises eq. (3) puts p_z at 38.2, 42.0, 21.6, 24.0,
  // 12.1, 13.2% against the column's 38.2, 43.0, 22.0, 23.3, 12.5, 13.7% (so the column is p_z = 1 − p_x,
  // and the leak is on h(Q_tol) as stated; with h(Q) the optimum drifts to 34.5, 39.0, 20.3, 22.5, 11.6,
  // 12.7%). But the rate there is 10.1, 6.2, 26.7, 18.9, 44.0, 32.8% against the published 11.7, 6.8,
  // 30.4, 21.5, 47.8, 35.7%: no k reaches any row. The table's statistical term must therefore be
  // smaller than eq. (2)'s μ by a factor that varies with n (0.85–0.91 at n = 10⁴, 0.70–0.74 at 10⁵,
  // 0.64–0.65 at 10⁶, solving each row for μ), which no single change of ε bookkeeping gives.
  // The ε_rob column is taken as printed: at the column's k and Q_tol the exact binomial abort
  // probability is 5·10⁻¹⁵ … 2·10⁻⁹ and Hoeffding's exp(−2k(Q_tol − Q)²) is 18.8, 15.5, 12.6, 11.6,
  // 11.4, 7.9%, so the published 2.3, 3.0, 0.8, 1.0, 0.6, 0.7% is some bound between the two that the
  // paper does not state.
  for (const [n, Q, r, , p, qTol, rob] of TABLE_II) {
    const stated = bestOverK(n, Q, qTol / 100, rob / 100, 'qtol');
    assert.ok(Math.abs(stated.pz - p) <= 1.0, `n = ${n}, Q = ${Q}: optimal p_z ${stated.pz.toFixed(1)}% vs column ${p}%`);
    assert.ok(stated.rate < r - 0.3, `n = ${n}, Q = ${Q}: max over k with h(Q_tol) ${stated.rate.toFixed(2)}% vs table ${r}%`);
  }
});

/**
 * How fast ε_rob would have to fall with Q_tol for the row's Q_tol to maximise eq. (3): at an interior
 * optimum (1 − ε_rob)·ℓ is flat in Q_tol, so −dε_rob/dQ_tol = (1 − ε_rob)·(−dℓ/dQ_tol)/ℓ. Returned as
 * the local exponent d ln ln(1/ε_rob) / d ln(Q_tol − Q): exactly 2 for a bound exp(−c(Q_tol − Q)²)
 * (Hoeffding, Serfling), below 2 for a Gaussian or binomial tail at these ε_rob.
 */
function requiredRobExponent(n: number, Q: number, p: number, qTol: number, rob: number, leakOn: 'qber' | 'qtol'): number {
  const pz = p / 100, k = Math.round(n * (pz / (1 - pz)) ** 2), e = rob / 100, q = qTol / 100, dq = 5e-4;
  const rate = (x: number) => tomamichelExpectedRate({ n, k, qber: Q, qtol: x, epsPerBit: 1e-14, epsRob: e, leakOn }).rate;
  const dLnRate = (Math.log(rate(q + dq)) - Math.log(rate(q - dq))) / (2 * dq);
  return ((-dLnRate * (1 - e)) / e) * ((q - Q) / Math.log(1 / e));
}

test('Tomamichel et al. 2012, Table II: its (Q_tol, ε_rob) pairs are an optimum of eq. (3) only with the leak on h(Q), not on h(Q_tol) as its text says', () => {
  // Measured: with leak_EC = 1.1·n·h(Q_tol) the rows need exponents 5.4, 4.9, 6.4, 6.3, 4.4, 4.3, which
  // no sampling bound has (short of a prefactor in the hundreds); with 1.1·n·h(Q) they need 1.3, 1.3,
  // 2.0, 2.1, 1.6, 1.7, what a Gaussian-like tail at these ε_rob gives. So the table's own trade-off
  // between Q_tol and ε_rob sides with h(Q), the reading that reproduces n = 10⁶.
  for (const [n, Q, , , p, qTol, rob] of TABLE_II) {
    const stated = requiredRobExponent(n, Q, p, qTol, rob, 'qtol');
    const channel = requiredRobExponent(n, Q, p, qTol, rob, 'qber');
    assert.ok(stated > 4, `n = ${n}, Q = ${Q}: exponent with h(Q_tol) ${stated.toFixed(2)}`);
    assert.ok(channel > 1 && channel < 2.2, `n = ${n}, Q = ${Q}: exponent with h(Q) ${channel.toFixed(2)}`);
  }
});

test('Tomamichel et al. 2012, Discussion: with leak h(Q) and k growing like √n, the expected rate ℓ/M(n, k) of eq. (3) tends to 1 − 2h(Q)', () => {
  // The paper's asymptotic statement: μ vanishes and n/M(n, k) → 1 when k ∝ √n, for any ε > 0.
  const gap = (n: number, q: number) => {
    const k = Math.round(10 * Math.sqrt(n));
    const l = tomamichelKeyLength({ n, k, qber: q, epsSec: 1e-10, epsCor: 1e-10, leakEc: n * h2(q) }).key_length;
    return Math.abs(l / (Math.sqrt(n) + Math.sqrt(k)) ** 2 - (1 - 2 * h2(q)));
  };
  for (const q of [0.01, 0.025, 0.05]) {
    assert.ok(gap(1e16, q) < 2e-3, `Q = ${q}: gap ${gap(1e16, q)}`);
    assert.ok(gap(1e16, q) < gap(1e10, q) && gap(1e10, q) < gap(1e6, q));
  }
});
