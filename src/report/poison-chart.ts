/** The poison-rate curve shared by `qml6g poison --out` and the assessment report (Vega-Lite, report/plot.ts). */
import type { PoisonRecord } from '../poisoning/experiment.js';
import { lineSpec, renderSvg, type Point } from './plot.js';

/** Attack success and accuracy over poison rate, undefended and per defence, as SVG. */
export async function poisonCurve(records: PoisonRecord[], title: string): Promise<string> {
  const defs = [...new Set(records.map((r) => r.defense))];
  const first = records.filter((r) => r.defense === defs[0]);
  const points: Point[] = [
    ...first.map((r) => ({ series: 'success (no defence)', x: r.poison_rate, y: r.attack_success_rate })),
    ...first.map((r) => ({ series: 'accuracy (no defence)', x: r.poison_rate, y: r.clean_accuracy, dashed: true })),
  ];
  for (const d of defs) {
    if (d === 'none') continue;
    for (const r of records.filter((x) => x.defense === d)) points.push({ series: `success (${d})`, x: r.poison_rate, y: r.attack_success_rate_defended });
  }
  return renderSvg(lineSpec(title, points.filter((p) => Number.isFinite(p.y)), { x: 'poison rate (fraction of training rows)', y: 'rate', yDomain: [0, 1] }));
}
