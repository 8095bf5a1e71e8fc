/**
 * Key rate against distance: the analytic curves of the three methods (μ optimised per point unless
 * fixed) and, optionally, Monte Carlo points on top. A point is the rate formula applied to the
 * counts of several seeded photon-level runs pooled together (estimate.ts), with the delete-one-run
 * jackknife standard error and a Student-t confidence interval; it is drawn for every method at
 * every distance, beyond a method's cutoff too, where the interval has to reach down to zero.
 */
import { QmlError } from '../../core/errors.js';
import { Rng } from '../../core/rng.js';
import { studentTQuantile } from '../../core/stats.js';
import { analyticSweep, rateAt, type CurvePoint } from './analytic.js';
import { countsOf, pooledRate } from './estimate.js';
import { siftedPulses } from './protocol.js';
import type { DecoyMethod, LinkParams } from './params.js';

export interface SimulatedPoint {
  distance_km: number;
  method: DecoyMethod;
  mu: number;
  /** the key rate per pulse the pooled counts support (the signed estimate clipped at zero) */
  rate: number;
  /** the estimate before clipping, and its jackknife standard error over the runs */
  rate_signed: number;
  rate_stderr: number;
  /** the confidence interval of the signed estimate at `level` (Student t with repeats − 1 degrees of freedom) */
  ci_low: number;
  ci_high: number;
  level: number;
  /** the analytic rate at the same μ, clipped at zero and signed */
  analytic: number;
  analytic_signed: number;
  repeats: number;
  pulses: number;
}

/** Confidence level of the simulated points' intervals. */
export const POINT_LEVEL = 0.99;

/** Parses FROM:TO:STEP into the list of distances (inclusive of TO when it falls on the grid). */
export function parseSweep(spec: string): number[] {
  const parts = spec.split(':').map((s) => Number(s));
  if (parts.length !== 3 || parts.some((x, i) => !Number.isFinite(x) || spec.split(':')[i].trim() === '')) throw new QmlError(`--sweep takes FROM:TO:STEP in km, got "${spec}"`, '--sweep');
  const [from, to, step] = parts;
  if (from < 0 || to < from || step <= 0) throw new QmlError(`--sweep needs 0 ≤ FROM ≤ TO and STEP > 0, got "${spec}"`, '--sweep');
  const n = Math.floor((to - from) / step + 1e-9) + 1;
  if (n > 10000) throw new QmlError(`--sweep asks for ${n} points (at most 10000)`, '--sweep');
  return Array.from({ length: n }, (_, i) => +(from + i * step).toFixed(10));
}

/** Monte Carlo points: per distance and method, `repeats` seeded runs pooled. */
export function simulatedPoints(l: LinkParams, distances: number[], o: { pulses: number; repeats: number; seed: number; fixedMu?: number; level?: number; onPoint?: (done: number, total: number) => void }): SimulatedPoint[] {
  const out: SimulatedPoint[] = [];
  distances.forEach((d, i) => { out.push(...simulatedPointsAt(l, d, o)); o.onPoint?.(i + 1, distances.length); });
  return out;
}

/**
 * The Monte Carlo points of one distance. The seed depends only on the run's seed and the distance,
 * so a resumed sweep (or one over other distances) gives the same point.
 */
export function simulatedPointsAt(l: LinkParams, d: number, o: { pulses: number; repeats: number; seed: number; fixedMu?: number; level?: number }): SimulatedPoint[] {
  if (!Number.isInteger(o.repeats) || o.repeats < 2) throw new QmlError(`--repeats must be an integer ≥ 2 (error bars need two runs), got ${o.repeats}`, '--repeats');
  const level = o.level ?? POINT_LEVEL;
  const tq = studentTQuantile(1 - (1 - level) / 2, o.repeats - 1);
  const rng = new Rng((Math.imul(o.seed >>> 0, 0x9e3779b1) ^ Math.round(d * 1000)) >>> 0);
  const out: SimulatedPoint[] = [];
  for (const m of ['none', 'infinite', 'vacuum+weak'] as DecoyMethod[]) {
    const a = rateAt({ ...l, distanceKm: d }, m, o.fixedMu);
    const link: LinkParams = { ...l, distanceKm: d, decoy: m, mu: a.mu };
    if (m === 'vacuum+weak' && !(link.nu < link.mu)) continue;
    const runs = Array.from({ length: o.repeats }, () => countsOf(siftedPulses(link, o.pulses, rng.nextU32())));
    const p = pooledRate(runs, link, m);
    out.push({
      distance_km: d, method: m, mu: a.mu, rate: Math.max(0, p.rate), rate_signed: p.rate, rate_stderr: p.stderr,
      ci_low: p.rate - tq * p.stderr, ci_high: p.rate + tq * p.stderr, level,
      analytic: a.rate, analytic_signed: a.rateSigned, repeats: o.repeats, pulses: o.pulses,
    });
  }
  return out;
}

export { analyticSweep, type CurvePoint };

