/**
 * Asymptotic key rates of BB84 with a weak coherent source, per pulse sent.
 *
 * Channel model of Ma, Qi, Zhao & Lo, Phys. Rev. A 72, 012326 (2005), section II:
 *   η = η_Bob·10^(−αL/10),  Y_n = Y0 + 1 − (1−η)^n,  Q_μ = Y0 + 1 − e^(−ημ),
 *   E_μ Q_μ = e0·Y0 + e_d·(1 − e^(−ημ)),  Y1 = Y0 + η,  e1 = (e0·Y0 + e_d·η)/Y1,  e0 = 1/2.
 * Rates (GLLP: Gottesman, Lo, Lütkenhaus & Preskill, QIC 4, 325 (2004); decoy: Lo, Ma & Chen,
 * PRL 94, 230504 (2005)):
 *   R = q·{ −Q_μ f h(E_μ) + Q1 [1 − h(e1)] }                      (infinite decoys: Q1, e1 exact)
 *   R = q·{ −Q_μ f h(E_μ) + Q_μ (1−Δ) [1 − h(E_μ/(1−Δ))] },  Δ = [1 − (1+μ)e^(−μ)]/Q_μ   (no decoys)
 * and the vacuum + weak decoy bounds, Ma et al. 2005 eqs. (34) and (37):
 *   Y1 ≥ Y1^L = μ/(μν − ν²)·[Q_ν e^ν − Q_μ e^μ ν²/μ² − (μ² − ν²)/μ²·Y0]
 *   e1 ≤ e1^U = (E_ν Q_ν e^ν − e0 Y0)/(Y1^L ν).
 * q is the sifting factor (1/2 for the original BB84).
 */
import { h2 } from './entropy.js';
import { siftFactor, transmittance, type DecoyMethod, type LinkParams } from './params.js';

const E0 = 0.5;

/** Expected gain Q_x of pulses of intensity x (clicks per pulse sent). */
export function expectedGain(l: LinkParams, x: number): number {
  const eta = transmittance(l);
  return l.y0 + 1 - Math.exp(-eta * x);
}

/** Expected QBER E_x of pulses of intensity x. */
export function expectedQber(l: LinkParams, x: number): number {
  const eta = transmittance(l);
  return (E0 * l.y0 + l.eDetector * (1 - Math.exp(-eta * x))) / expectedGain(l, x);
}

/** Single-photon yield and error rate of the channel (what infinitely many decoys would reveal). */
export function singlePhoton(l: LinkParams): { y1: number; e1: number } {
  const eta = transmittance(l);
  const y1 = l.y0 + eta;
  return { y1, e1: (E0 * l.y0 + l.eDetector * eta) / y1 };
}

export interface DecoyBounds { y1Lower: number; e1Upper: number; q1Lower: number }

/**
 * Vacuum + weak decoy bounds (Ma et al. 2005, eqs. 34, 37) from gains and error rates, observed or
 * expected. A lower bound ≤ 0 means the data prove nothing about single photons.
 */
export function vacuumWeakBounds(o: { qMu: number; qNu: number; eNu: number; y0: number; mu: number; nu: number }): DecoyBounds {
  const { qMu, qNu, eNu, y0, mu, nu } = o;
  const y1Lower = (mu / (mu * nu - nu * nu)) * (qNu * Math.exp(nu) - qMu * Math.exp(mu) * (nu * nu) / (mu * mu) - ((mu * mu - nu * nu) / (mu * mu)) * y0);
  const e1Upper = y1Lower > 0 ? Math.min(0.5, Math.max(0, (eNu * qNu * Math.exp(nu) - E0 * y0) / (y1Lower * nu))) : 0.5;
  return { y1Lower, e1Upper, q1Lower: Math.max(0, y1Lower) * mu * Math.exp(-mu) };
}

/**
 * The decoy key rate per pulse before clipping at zero: negative when error correction costs more
 * than the single photons are worth. The analytic curve and the estimate from a simulated run's
 * counts both evaluate this one formula (on expected and on observed values respectively), so near
 * the cutoff the two can be compared without the bias that clipping each run at zero would add.
 */
export function decoyRateSigned(o: { qMu: number; eMu: number; q1: number; e1: number; fEc: number; q: number }): number {
  const secret = o.q1 > 0 ? o.q1 * (1 - h2(Math.min(0.5, o.e1))) : 0;
  return o.q * (-o.qMu * o.fEc * h2(o.eMu) + secret);
}

/** Decoy key rate per pulse from the signal's gain and QBER and the single-photon gain and error rate. */
export function decoyRate(o: { qMu: number; eMu: number; q1: number; e1: number; fEc: number; q: number }): number {
  return Math.max(0, decoyRateSigned(o));
}

/** GLLP rate per pulse without decoys, before clipping at zero (see decoyRateSigned). */
export function gllpRateSigned(o: { qMu: number; eMu: number; mu: number; fEc: number; q: number }): number {
  const pMulti = 1 - (1 + o.mu) * Math.exp(-o.mu);
  const delta = o.qMu > 0 ? pMulti / o.qMu : Infinity;
  // Every multi-photon pulse is assumed tagged: only the untagged fraction 1 − Δ carries secrecy,
  // with all errors attributed to it (E/(1 − Δ), capped at 1/2 where it leaves nothing).
  const secret = delta < 1 ? o.qMu * (1 - delta) * (1 - h2(Math.min(0.5, o.eMu / (1 - delta)))) : 0;
  return o.q * (-o.qMu * o.fEc * h2(o.eMu) + secret);
}

/** GLLP rate per pulse without decoys: every multi-photon pulse is assumed tagged (known to Eve). */
export function gllpRate(o: { qMu: number; eMu: number; mu: number; fEc: number; q: number }): number {
  return Math.max(0, gllpRateSigned(o));
}

/**
 * What a method's rate formula reads: the signal's gain and error rate, the sifting fraction q, and
 * per method the decoy's gain and error rate with the vacuum yield, or the single-photon yield and
 * error rate (what infinitely many decoys would reveal).
 */
export interface RateObservables {
  qMu: number; eMu: number; q: number; mu: number; fEc: number;
  nu?: number; qNu?: number; eNu?: number; y0?: number;
  y1?: number; e1?: number;
}

/** One method's signed rate per pulse from observables, expected (the analytic curve) or measured. */
export function rateFromObservables(method: DecoyMethod, o: RateObservables): number {
  const { qMu, eMu, q, mu, fEc } = o;
  if (method === 'none') return gllpRateSigned({ qMu, eMu, mu, fEc, q });
  if (method === 'infinite') return decoyRateSigned({ qMu, eMu, q1: (o.y1 ?? 0) * mu * Math.exp(-mu), e1: o.e1 ?? 0.5, fEc, q });
  const nu = o.nu ?? 0;
  if (!(nu > 0 && nu < mu)) return decoyRateSigned({ qMu, eMu, q1: 0, e1: 0.5, fEc, q });
  const b = vacuumWeakBounds({ qMu, qNu: o.qNu ?? 0, eNu: o.eNu ?? 0.5, y0: o.y0 ?? 0, mu, nu });
  return decoyRateSigned({ qMu, eMu, q1: b.q1Lower, e1: b.e1Upper, fEc, q });
}

/** The observables a link is expected to show at its own μ (the channel model above). */
export function expectedObservables(l: LinkParams): RateObservables {
  const { y1, e1 } = singlePhoton(l);
  return {
    qMu: expectedGain(l, l.mu), eMu: expectedQber(l, l.mu), q: siftFactor(l.pZ), mu: l.mu, fEc: l.fEc,
    nu: l.nu, qNu: expectedGain(l, l.nu), eNu: expectedQber(l, l.nu), y0: l.y0, y1, e1,
  };
}

/** The analytic asymptotic rate of one method at the link's own μ, before clipping at zero. */
export function analyticRateSigned(l: LinkParams, method: DecoyMethod = l.decoy): number {
  return rateFromObservables(method, expectedObservables(l));
}

/** The analytic asymptotic rate of one method at the link's own μ. */
export function analyticRate(l: LinkParams, method: DecoyMethod = l.decoy): number {
  return Math.max(0, analyticRateSigned(l, method));
}

/**
 * The μ that maximises a method's rate at the link's distance: a log-spaced scan over
 * (10⁻⁴, 1.5] followed by golden-section refinement around the best grid point. The signed rate is
 * maximised, which where a key exists is the same μ; beyond the cutoff it is the μ that loses least
 * (where simulated points are still drawn, to show that their interval reaches down to zero).
 */
export function optimiseMu(l: LinkParams, method: DecoyMethod): { mu: number; rate: number; rateSigned: number } {
  const lo0 = method === 'vacuum+weak' ? Math.log(l.nu * 1.0001) : Math.log(1e-4);
  const hi0 = Math.log(1.5);
  const f = (lm: number) => analyticRateSigned({ ...l, mu: Math.exp(lm) }, method);
  const N = 60;
  let best = 0, bestR = -Infinity;
  for (let i = 0; i <= N; i++) {
    const r = f(lo0 + ((hi0 - lo0) * i) / N);
    if (r > bestR) { bestR = r; best = i; }
  }
  let a = lo0 + ((hi0 - lo0) * Math.max(0, best - 1)) / N, b = lo0 + ((hi0 - lo0) * Math.min(N, best + 1)) / N;
  const g = (Math.sqrt(5) - 1) / 2;
  let c = b - g * (b - a), d = a + g * (b - a), fc = f(c), fd = f(d);
  for (let i = 0; i < 60; i++) {
    if (fc > fd) { b = d; d = c; fd = fc; c = b - g * (b - a); fc = f(c); }
    else { a = c; c = d; fc = fd; d = a + g * (b - a); fd = f(d); }
  }
  let m = (a + b) / 2, r = f(m);
  // The grid point itself when refinement cannot beat it (a maximum at the edge of the range).
  if (bestR > r) { m = lo0 + ((hi0 - lo0) * best) / N; r = bestR; }
  return { mu: Math.exp(m), rate: Math.max(0, r), rateSigned: r };
}

/** The rate of a method at a distance: at a fixed μ when given, else with μ optimised. */
export function rateAt(l: LinkParams, method: DecoyMethod, fixedMu?: number): { mu: number; rate: number; rateSigned: number } {
  if (fixedMu !== undefined) { const r = analyticRateSigned({ ...l, mu: fixedMu }, method); return { mu: fixedMu, rate: Math.max(0, r), rateSigned: r }; }
  return optimiseMu(l, method);
}

/** The largest distance with a positive rate (bisection on km; 0 when even 0 km gives no key). */
export function maxDistance(l: LinkParams, method: DecoyMethod, fixedMu?: number): number {
  const pos = (km: number) => rateAt({ ...l, distanceKm: km }, method, fixedMu).rate > 0;
  if (!pos(0)) return 0;
  let lo = 0, hi = 50;
  while (pos(hi)) { lo = hi; hi *= 2; if (hi > 1e4) return Infinity; }
  for (let i = 0; i < 40; i++) {
    const mid = (lo + hi) / 2;
    if (pos(mid)) lo = mid; else hi = mid;
  }
  return (lo + hi) / 2;
}

export interface CurvePoint {
  distance_km: number;
  rate_gllp: number;
  rate_decoy_infinite: number;
  rate_decoy_vacuum_weak: number;
  mu_opt: { gllp: number; decoy_infinite: number; decoy_vacuum_weak: number };
}

/** Rate against distance for the three methods (μ optimised per point unless fixed). */
export function analyticSweep(l: LinkParams, distances: number[], fixedMu?: number): { curve: CurvePoint[]; max_distance_km: { gllp: number; decoy_infinite: number; decoy_vacuum_weak: number } } {
  const curve = distances.map((d) => {
    const at = { ...l, distanceKm: d };
    const g = rateAt(at, 'none', fixedMu), inf = rateAt(at, 'infinite', fixedMu), vw = rateAt(at, 'vacuum+weak', fixedMu);
    return { distance_km: d, rate_gllp: g.rate, rate_decoy_infinite: inf.rate, rate_decoy_vacuum_weak: vw.rate, mu_opt: { gllp: g.mu, decoy_infinite: inf.mu, decoy_vacuum_weak: vw.mu } };
  });
  return {
    curve,
    max_distance_km: { gllp: maxDistance(l, 'none', fixedMu), decoy_infinite: maxDistance(l, 'infinite', fixedMu), decoy_vacuum_weak: maxDistance(l, 'vacuum+weak', fixedMu) },
  };
}
