/** The QKD key-rate chart (report layer: the channel layer returns data, this draws it). */
import type { VlSpec } from './plot.js';
import type { CurvePoint, SimulatedPoint } from '../channel/qkd/sweep.js';
import type { DecoyMethod } from '../channel/qkd/params.js';

const LABEL: Record<DecoyMethod, string> = { none: 'no decoy (GLLP)', infinite: 'infinite decoys', 'vacuum+weak': 'vacuum + weak decoy' };

/** The chart: analytic curves as lines, simulated means with ±2 standard-error bars as points (log rate axis). */
export function sweepChart(curve: CurvePoint[], sim: SimulatedPoint[]): VlSpec {
  const lines: Array<{ series: string; x: number; y: number }> = [];
  for (const p of curve) {
    if (p.rate_gllp > 0) lines.push({ series: LABEL.none, x: p.distance_km, y: p.rate_gllp });
    if (p.rate_decoy_infinite > 0) lines.push({ series: LABEL.infinite, x: p.distance_km, y: p.rate_decoy_infinite });
    if (p.rate_decoy_vacuum_weak > 0) lines.push({ series: LABEL['vacuum+weak'], x: p.distance_km, y: p.rate_decoy_vacuum_weak });
  }
  const pts = sim.filter((s) => s.rate_mean > 0).map((s) => ({ series: LABEL[s.method], x: s.distance_km, y: s.rate_mean, lo: Math.max(s.rate_mean * 1e-3, s.rate_mean - 2 * s.rate_stderr), hi: s.rate_mean + 2 * s.rate_stderr }));
  const x = { field: 'x', type: 'quantitative', title: 'fibre length (km)' };
  const y = { field: 'y', type: 'quantitative', title: 'secret key rate (bits per pulse)', scale: { type: 'log' } };
  const color = { field: 'series', type: 'nominal', title: 'method' };
  const layer: VlSpec[] = [{ data: { values: lines }, mark: { type: 'line' }, encoding: { x, y, color } }];
  if (pts.length) {
    layer.push({ data: { values: pts }, mark: { type: 'rule' }, encoding: { x, y: { field: 'lo', type: 'quantitative', scale: { type: 'log' } }, y2: { field: 'hi' }, color } });
    layer.push({ data: { values: pts }, mark: { type: 'point', filled: true }, encoding: { x, y, color, shape: { value: 'circle' } } });
  }
  return { title: 'BB84 key rate against distance (lines: analytic; points: simulation ± 2 s.e.)', layer };
}
