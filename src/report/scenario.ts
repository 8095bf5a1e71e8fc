/**
 * The scenario report: one self-contained HTML page with the classical-against-hybrid table (means
 * and 95% t-intervals over seeds, with each indicator's definition), the what-if table, the
 * router's policy and quantum share, and time series of the first seed (Vega-Lite, rendered offline).
 */
import { esc } from './html.js';
import { lineSpec, renderSvg, type Point } from './plot.js';
import type { ScenarioConfig } from '../net6g/scenario/config.js';
import type { ContractJson, ExperimentPlan, SeedRecord } from '../net6g/scenario/experiment.js';
import { INDICATORS } from '../net6g/scenario/indicators.js';

const f = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? '-' : Math.abs(v) >= 1000 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(2) : v.toFixed(4));

export async function scenarioReport(cfg: ScenarioConfig, plan: ExperimentPlan, seeds: SeedRecord[], s: ContractJson): Promise<string> {
  const first = seeds[0];
  const charts: string[] = [];
  const series = ['spectrum_utilisation', 'service_continuity', 'detection_rate'] as const;
  for (const key of series) {
    const pts: Point[] = [];
    for (const arch of plan.archs) for (const [variant, r] of Object.entries(first?.runs[arch] ?? {})) {
      if (!r.series || (variant !== 'baseline' && !plan.attacks.some((a) => variant === a))) continue;
      r.series.t.forEach((t, i) => { const y = r.series![key][i]; if (Number.isFinite(y)) pts.push({ series: `${arch} ${variant}`, x: t, y }); });
    }
    if (pts.length) charts.push(await renderSvg(lineSpec(`${key.replace(/_/g, ' ')} over time (seed ${first.seed})`, pts, { x: 'simulated time (s)', y: key })));
  }
  const defs = new Map(INDICATORS.map((d) => [d.name, d.definition]));
  const rows = s.indicators.map((r) => `<tr><td>${esc(r.name)}</td><td>${esc(r.unit)}</td>${plan.archs.map((a) => { const x = r[a] as { mean: number; ci95: [number, number] }; return `<td>${f(x.mean)} [${f(x.ci95[0])}, ${f(x.ci95[1])}]</td>`; }).join('')}<td>${esc(defs.get(r.name as never) ?? '')}</td></tr>`).join('\n');
  const wrows = s.what_if.map((w) => `<tr><td>${esc(w.attack)}</td><td>${esc(w.defense ?? '-')}</td><td>${esc(w.architecture)}</td><td>${esc(w.indicator)}</td><td>${f(w.baseline)}</td><td>${f(w.attacked)}</td><td>${f(w.defended)}</td></tr>`).join('\n');
  return `<!doctype html><html><head><meta charset="utf-8"><title>qml6g scenario ${esc(cfg.name)}</title>
<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 6px;font-size:13px}</style></head><body>
<h1>Scenario ${esc(cfg.name)}</h1><p>${esc(cfg.description)}</p>
<p>${s.seeds} seeds; ${cfg.duration_s} s simulated in steps of ${cfg.step_s} s; attacks: ${esc(plan.attacks.join(', ') || 'none')}.</p>
<h2>Classical against hybrid (mean and 95% t-interval over seeds)</h2>
<table><tr><th>indicator</th><th>unit</th>${plan.archs.map((a) => `<th>${esc(a)}</th>`).join('')}<th>definition</th></tr>${rows}</table>
<h2>Selective router</h2><p>Quantum share (hybrid, baseline runs): ${f(s.routing.quantum_share)}. Policy: ${esc(s.routing.policy)}.</p>
<h2>What-if: attacks and defences (means over seeds)</h2>
<table><tr><th>attack</th><th>defence</th><th>architecture</th><th>indicator</th><th>no attack</th><th>attacked</th><th>defended</th></tr>${wrows}</table>
<h2>Time series</h2>${charts.join('\n')}
</body></html>`;
}
