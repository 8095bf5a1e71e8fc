/**
 * The key rate that a run's own counts support: the rate formula of analytic.ts (GLLP, or the decoy
 * formula of Lo, Ma & Chen 2005 with the vacuum + weak bounds of Ma et al. 2005) evaluated on the
 * observed gains, error rates and sifting fraction instead of their expected values. The analytic
 * curve is the same function of the expected values, so a simulated point estimates exactly what
 * the curve plots.
 *
 * Counts from several runs add up (pooling) before the formula is applied: the formula is nonlinear
 * (h, the decoy bounds' ratios), so the mean of per-run rates is biased by O(1/N) per run while the
 * pooled estimate is biased by O(1/(R·N)); the spread comes from the delete-one-run jackknife
 * (Quenouille 1956; Efron & Stein 1981), and nothing is clipped at zero before comparing.
 */
import { rateFromObservables, type RateObservables } from './analytic.js';
import type { DecoyMethod, LinkParams } from './params.js';
import type { Sifted } from './sift.js';

/** What Alice and Bob count per intensity (signal, decoy, vacuum), plus the single-photon ground truth. */
export interface RateCounts {
  sent: [number, number, number];
  clicks: [number, number, number];
  /** sifted bits and the errors among them, per intensity */
  sifted: [number, number, number];
  errors: [number, number, number];
  /** signal pulses that carried exactly one photon: sent, clicked, sifted, in error (the simulator's truth; what infinitely many decoys reveal) */
  single: { sent: number; clicks: number; sifted: number; errors: number };
}

/** The counts of one sifted record. */
export function countsOf(s: Sifted): RateCounts {
  const sifted: [number, number, number] = [0, 0, 0], errors: [number, number, number] = [0, 0, 0];
  let sSifted = 0, sErrors = 0;
  for (let i = 0; i < s.length; i++) {
    const k = s.intensity[i], e = s.alice[i] ^ s.bob[i];
    sifted[k]++; errors[k] += e;
    if (k === 0 && s.photons[i] === 1) { sSifted++; sErrors += e; }
  }
  return {
    sent: [...s.sent], clicks: [...s.clicks], sifted, errors,
    single: { sent: s.sentByPhotons[1], clicks: s.clicksByPhotons[1], sifted: sSifted, errors: sErrors },
  };
}

const add3 = (a: [number, number, number], b: [number, number, number], sign: number): [number, number, number] => [a[0] + sign * b[0], a[1] + sign * b[1], a[2] + sign * b[2]];

/** a + sign·b, count by count (sign −1 removes one run from a pool). */
export function addCounts(a: RateCounts, b: RateCounts, sign = 1): RateCounts {
  return {
    sent: add3(a.sent, b.sent, sign), clicks: add3(a.clicks, b.clicks, sign), sifted: add3(a.sifted, b.sifted, sign), errors: add3(a.errors, b.errors, sign),
    single: { sent: a.single.sent + sign * b.single.sent, clicks: a.single.clicks + sign * b.single.clicks, sifted: a.single.sifted + sign * b.single.sifted, errors: a.single.errors + sign * b.single.errors },
  };
}

const frac = (a: number, b: number, empty: number) => (b > 0 ? a / b : empty);

/**
 * The observed counterparts of the analytic observables. An error rate with nothing to measure it
 * on is 1/2 (it then certifies nothing); a yield with no pulses is 0.
 */
export function observedObservables(c: RateCounts, link: LinkParams): RateObservables {
  return {
    qMu: frac(c.clicks[0], c.sent[0], 0), eMu: frac(c.errors[0], c.sifted[0], 0.5), q: frac(c.sifted[0], c.clicks[0], 0),
    mu: link.mu, fEc: link.fEc,
    nu: link.nu, qNu: frac(c.clicks[1], c.sent[1], 0), eNu: frac(c.errors[1], c.sifted[1], 0.5), y0: frac(c.clicks[2], c.sent[2], 0),
    y1: frac(c.single.clicks, c.single.sent, 0), e1: frac(c.single.errors, c.single.sifted, 0.5),
  };
}

/** The signed rate per signal pulse that these counts support (negative: no key). */
export function rateFromCounts(c: RateCounts, link: LinkParams, method: DecoyMethod = link.decoy): number {
  return rateFromObservables(method, observedObservables(c, link));
}

/**
 * The pooled estimate over runs and its delete-one-run jackknife standard error:
 *   θ̂ = F(Σ c_r),  θ̂_(i) = F(Σ c_r − c_i),  se² = (R−1)/R · Σ_i (θ̂_(i) − mean θ̂_(·))².
 */
export function pooledRate(runs: RateCounts[], link: LinkParams, method: DecoyMethod = link.decoy): { rate: number; stderr: number } {
  if (runs.length === 0) return { rate: 0, stderr: Infinity };
  const total = runs.slice(1).reduce((a, c) => addCounts(a, c), runs[0]);
  const rate = rateFromCounts(total, link, method);
  const R = runs.length;
  if (R < 2) return { rate, stderr: Infinity };
  const loo = runs.map((c) => rateFromCounts(addCounts(total, c, -1), link, method));
  const m = loo.reduce((a, b) => a + b, 0) / R;
  const stderr = Math.sqrt(((R - 1) / R) * loo.reduce((a, b) => a + (b - m) ** 2, 0));
  return { rate, stderr };
}
