/**
 * The seven indicators of the comparison, each with its unit and definition, and the 95% interval
 * over seeds: mean ± t_{0.975, k−1} · s/√k (Student's t; the seeds are independent replicates of
 * the whole simulation, so k seeds give k − 1 degrees of freedom).
 */
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

/** Two-sided 97.5% quantiles of Student's t for 1..30 degrees of freedom (then the normal 1.96 is within 2%). */
const T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042];

export function tQuantile975(df: number): number {
  if (!(df >= 1)) return NaN;
  return df <= 30 ? T975[Math.floor(df) - 1] : 1.96 + 2.4 / df;
}

export interface MeanCi { mean: number; ci95: [number, number]; sd: number; n: number }

/** Mean and 95% t-interval of the finite values (one per seed). */
export function tInterval(values: number[]): MeanCi {
  const v = values.filter((x) => Number.isFinite(x));
  const n = v.length;
  if (!n) return { mean: NaN, ci95: [NaN, NaN], sd: NaN, n: 0 };
  const m = v.reduce((s, x) => s + x, 0) / n;
  if (n === 1) return { mean: m, ci95: [m, m], sd: 0, n };
  const sd = Math.sqrt(v.reduce((s, x) => s + (x - m) ** 2, 0) / (n - 1));
  const h = (tQuantile975(n - 1) * sd) / Math.sqrt(n);
  return { mean: m, ci95: [m - h, m + h], sd, n };
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
