/** The poison-rate curve shared by `qml6g poison --out` and the assessment report. */
import type { PoisonRecord } from '../poisoning/experiment.js';
import { lineChart } from './svg.js';

/** Attack success and accuracy over poison rate, undefended and per defence. */
export function poisonCurve(records: PoisonRecord[], title: string): string {
  const defs = [...new Set(records.map((r) => r.defense))];
  const first = records.filter((r) => r.defense === defs[0]);
  const series = [
    { name: 'success (no defence)', points: first.map((r) => [r.poison_rate, r.attack_success_rate] as [number, number]) },
    { name: 'accuracy (no defence)', points: first.map((r) => [r.poison_rate, r.clean_accuracy] as [number, number]), dashed: true },
  ];
  for (const d of defs) {
    if (d === 'none') continue;
    const rs = records.filter((r) => r.defense === d);
    series.push({ name: `success (${d})`, points: rs.map((r) => [r.poison_rate, r.attack_success_rate_defended] as [number, number]) });
  }
  return lineChart(title, series, { xLabel: 'poison rate (fraction of training rows)', yLabel: 'rate' });
}
