/**
 * Key rate against distance: the analytic curves of the three methods (μ optimised per point unless
 * fixed) and, optionally, Monte Carlo points on top (each the mean of several seeded runs of the
 * photon-level simulation, with its standard error), and the Vega-Lite chart of both.
 */
import { QmlError } from '../../core/errors.js';
import { Rng } from '../../core/rng.js';
import { analyticSweep, rateAt, type CurvePoint } from './analytic.js';
import { BB84_DEFAULTS, runBB84 } from './protocol.js';
import type { DecoyMethod, LinkParams } from './params.js';

export interface SimulatedPoint { distance_km: number; method: DecoyMethod; mu: number; rate_mean: number; rate_stderr: number; analytic: number; repeats: number; pulses: number }

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

/** Monte Carlo points: per distance and method with a positive analytic rate, `repeats` seeded runs. */
export function simulatedPoints(l: LinkParams, distances: number[], o: { pulses: number; repeats: number; seed: number; fixedMu?: number; onPoint?: (done: number, total: number) => void }): SimulatedPoint[] {
  const out: SimulatedPoint[] = [];
  distances.forEach((d, i) => { out.push(...simulatedPointsAt(l, d, o)); o.onPoint?.(i + 1, distances.length); });
  return out;
}

/**
 * The Monte Carlo points of one distance. The seed depends only on the run's seed and the distance,
 * so a resumed sweep (or one over other distances) gives the same point.
 */
export function simulatedPointsAt(l: LinkParams, d: number, o: { pulses: number; repeats: number; seed: number; fixedMu?: number }): SimulatedPoint[] {
  const rng = new Rng((Math.imul(o.seed >>> 0, 0x9e3779b1) ^ Math.round(d * 1000)) >>> 0);
  const jobs: Array<{ d: number; m: DecoyMethod; mu: number; analytic: number }> = [];
  for (const m of ['none', 'infinite', 'vacuum+weak'] as DecoyMethod[]) {
    const r = rateAt({ ...l, distanceKm: d }, m, o.fixedMu);
    if (r.rate > 0) jobs.push({ d, m, mu: r.mu, analytic: r.rate });
  }
  const out: SimulatedPoint[] = [];
  jobs.forEach((j) => {
    const rates: number[] = [];
    for (let r = 0; r < o.repeats; r++) {
      const link = { ...l, distanceKm: j.d, decoy: j.m, mu: j.mu };
      if (j.m === 'vacuum+weak' && !(link.nu < link.mu)) continue;
      rates.push(runBB84({ ...BB84_DEFAULTS, link, pulses: o.pulses, seed: rng.nextU32() }).result.estimated_rate_per_pulse);
    }
    const mean = rates.reduce((a, b) => a + b, 0) / Math.max(1, rates.length);
    const sd = Math.sqrt(rates.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, rates.length - 1));
    out.push({ distance_km: j.d, method: j.m, mu: j.mu, rate_mean: mean, rate_stderr: sd / Math.sqrt(Math.max(1, rates.length)), analytic: j.analytic, repeats: rates.length, pulses: o.pulses });
  });
  return out;
}

export { analyticSweep, type CurvePoint };

