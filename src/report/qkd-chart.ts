/** The QKD key-rate chart (report layer: the channel layer returns data, this draws it). */
import type { VlSpec } from './plot.js';
import type { CurvePoint, SimulatedPoint } from '../channel/qkd/sweep.js';
import type { DecoyMethod } from '../channel/qkd/params.js';

const LABEL: Record<DecoyMethod, string> = { none: 'no decoy (GLLP)', infinite: 'infinite decoys', 'vacuum+weak': 'vacuum + weak decoy' };

/**
 * The chart: analytic curves as lines, simulated points with their confidence intervals (log rate
 * axis). An interval that reaches zero or below is drawn down to a tenth of the smallest positive
 * value on the chart, the log axis's stand-in for zero.
 */
export function sweepChart(curve: CurvePoint[], sim: SimulatedPoint[]): VlSpec {
  const lines: Array<{ series: string; x: number; y: number }> = [];
  for (const p of curve) {
    if (p.rate_gllp > 0) lines.push({ series: LABEL.none, x: p.distance_km, y: p.rate_gllp });
    if (p.rate_decoy_infinite > 0) lines.push({ series: LABEL.infinite, x: p.distance_km, y: p.rate_decoy_infinite });
    if (p.rate_decoy_vacuum_weak > 0) lines.push({ series: LABEL['vacuum+weak'], x: p.distance_km, y: p.rate_decoy_vacuum_weak });
  }
  const positive = [...lines.map((p) => p.y), ...sim.map((p) => p.ci_high), ...sim.map((p) => p.rate)].filter((v) => v > 0);
  const floor = positive.length ? Math.min(...positive) / 10 : 1e-12;
  const bars = sim.filter((s) => s.ci_high > 0).map((s) => ({ series: LABEL[s.method], x: s.distance_km, lo: Math.max(floor, s.ci_low), hi: s.ci_high }));
  const pts = sim.filter((s) => s.rate > 0).map((s) => ({ series: LABEL[s.method], x: s.distance_km, y: s.rate }));
  const x = { field: 'x', type: 'quantitative', title: 'fibre length (km)' };
  const y = { field: 'y', type: 'quantitative', title: 'secret key rate (bits per pulse)', scale: { type: 'log' } };
  const color = { field: 'series', type: 'nominal', title: 'method' };
  const layer: VlSpec[] = [{ data: { values: lines }, mark: { type: 'line' }, encoding: { x, y, color } }];
  if (bars.length) layer.push({ data: { values: bars }, mark: { type: 'rule' }, encoding: { x, y: { field: 'lo', type: 'quantitative', scale: { type: 'log' } }, y2: { field: 'hi' }, color } });
  if (pts.length) layer.push({ data: { values: pts }, mark: { type: 'point', filled: true }, encoding: { x, y, color, shape: { value: 'circle' } } });
  return { title: 'BB84 key rate against distance (lines: analytic; points: simulation with 99% intervals)', layer };
}
