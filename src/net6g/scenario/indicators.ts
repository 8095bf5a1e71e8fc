/**
 * The seven indicators of the comparison, each with its unit and definition, and the 95% interval
 * over seeds: mean ± t_{0.975, k−1} · s/√k (Student's t; the seeds are independent replicates of
 * the whole simulation, so k seeds give k − 1 degrees of freedom).
 */
import { studentTQuantile } from '../../core/stats.js';
import type { IndicatorName } from './attacks.js';

export interface IndicatorDef { name: IndicatorName; unit: string; higherIsBetter: boolean; definition: string }

export const INDICATORS: IndicatorDef[] = [
  { name: 'decision_latency', unit: 'ms', higherIsBetter: false, definition: 'mean over every automated decision (channel plans, flow verdicts, routes, task assignments) of measured CPU time plus modelled queueing and round trip to where it runs, plus for quantum work the modelled QPU time (job overhead + shots × shot time)' },
  { name: 'spectrum_utilisation', unit: 'bit/s/Hz', higherIsBetter: true, definition: 'useful terrestrial throughput summed over all cells (Shannon rate at each user\'s true SINR, capped at NR 256-QAM\'s 7.41 bit/s/Hz, round-robin within a cell, minus the share undetected attack traffic occupies) divided by the licensed band, averaged over steps; channel reuse lets it exceed the per-link cap' },
  { name: 'detection_rate', unit: 'fraction', higherIsBetter: true, definition: 'attack flows blocked / attack flows offered, over the run' },
  { name: 'false_positive_rate', unit: 'fraction', higherIsBetter: false, definition: 'benign flows blocked / benign flows offered, over the run (a blocked benign flow cuts its user\'s service for that step)' },
  { name: 'resilience_under_attack', unit: 'fraction', higherIsBetter: true, definition: 'mean over the run\'s attacks of the share of the attack\'s targeted indicator kept: attacked/baseline when higher is better, baseline/attacked when lower is better, capped at 1; paired on the same seed' },
  { name: 'energy_cost', unit: 'J/decision', higherIsBetter: false, definition: 'computational energy per automated decision: measured CPU seconds × the stated CPU power plus modelled QPU seconds × the stated QPU power (cryostat and control included); the statevector simulation standing in for the QPU is not charged, and no GPU runs in either architecture' },
  { name: 'service_continuity', unit: 'fraction', higherIsBetter: true, definition: 'share of service instances meeting their requirement: every user at every step (connected, rate ≥ the slice\'s rate, air + backhaul latency ≤ the slice\'s budget, not blocked, keyed backhaul where the slice needs encryption) and every task reached before its deadline' },
];

/** Student's t 97.5% quantile for df degrees of freedom (the core's t distribution, not a table). */
export function tQuantile975(df: number): number {
  if (!(df >= 1)) return NaN;
  return studentTQuantile(0.975, df);
}

/** The range an indicator can take: fractions in [0, 1], every other indicator non-negative. */
export function indicatorRange(def: IndicatorDef): [number, number] {
  return def.unit === 'fraction' ? [0, 1] : [0, Infinity];
}

export interface MeanCi { mean: number; ci95: [number, number]; sd: number; n: number }

/**
 * Mean and 95% t-interval of the finite values (one per seed). With `range`, the interval is
 * clipped to the values the quantity can take: a symmetric t-interval on a rate near 1 or a cost
 * near 0 otherwise reaches past it (detection 1.009, energy −0.004 J), which no seed can show.
 */
export function tInterval(values: number[], range?: [number, number]): MeanCi {
  const v = values.filter((x) => Number.isFinite(x));
  const n = v.length;
  if (!n) return { mean: NaN, ci95: [NaN, NaN], sd: NaN, n: 0 };
  const m = v.reduce((s, x) => s + x, 0) / n;
  if (n === 1) return { mean: m, ci95: [m, m], sd: 0, n };
  const sd = Math.sqrt(v.reduce((s, x) => s + (x - m) ** 2, 0) / (n - 1));
  const h = (tQuantile975(n - 1) * sd) / Math.sqrt(n);
  const lo = range ? Math.max(range[0], m - h) : m - h, hi = range ? Math.min(range[1], m + h) : m + h;
  return { mean: m, ci95: [lo, hi], sd, n };
}

/** Share of an indicator kept under attack (1 = unharmed), paired on one seed. */
export function keptShare(def: IndicatorDef, baseline: number, attacked: number): number {
  if (!Number.isFinite(baseline) || !Number.isFinite(attacked)) return NaN;
  if (def.higherIsBetter) return baseline <= 0 ? 1 : Math.min(1, Math.max(0, attacked / baseline));
  return attacked <= 0 ? 1 : Math.min(1, Math.max(0, baseline / attacked));
}

export function indicatorDef(name: IndicatorName): IndicatorDef {
  return INDICATORS.find((d) => d.name === name)!;
}
