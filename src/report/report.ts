/**
 * The self-contained assessment report (one HTML file, inline SVG drawn by Vega-Lite through
 * report/plot.ts, no external assets): a plain
 * summary of what is most at risk, then the evidence: clean performance, robust accuracy against ε
 * per model, attack success rates, the transfer matrix, quantum-specific attacks, the NISQ noise
 * curve, training-time threats (with --threats training), confusion matrices, the honest-evaluation
 * checks, and the configuration that produced it.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { AssessResults } from '../assess/run.js';
import { comparisonSentence } from '../assess/detectors.js';
import { esc } from './html.js';
import { barSpec, heatmapSpec, lineSpec, renderSvg, type Bar, type Point, type VlSpec } from './plot.js';
import { poisonCurve } from './poison-chart.js';
import type { PoisonRecord } from '../poisoning/experiment.js';
import { auditSection } from './audit-section.js';

const pct = (v: number | null | undefined) => (v === null || v === undefined ? '–' : `${(100 * v).toFixed(1)}%`);

/** Lines from named series of [x, y] points (one chart per call), drawn by Vega-Lite. */
async function lines(title: string, series: Array<{ name: string; points: Array<[number, number]>; dashed?: boolean }>, x: string, y: string): Promise<string> {
  const pts: Point[] = series.flatMap((s) => s.points.filter((p) => Number.isFinite(p[1])).map(([px, py]) => ({ series: s.name, x: px, y: py, ...(s.dashed ? { dashed: true } : {}) })));
  return renderSvg(lineSpec(title, pts, { x, y, yDomain: [0, 1] }));
}

/** Grouped bars (one group per category, one bar per series); missing values are left out. */
async function bars(title: string, groups: string[], series: Array<{ name: string; values: number[] }>, value: string, width?: number): Promise<string> {
  const b: Bar[] = series.flatMap((s) => groups.map((g, i) => ({ group: g, series: s.name, value: s.values[i] })).filter((x) => Number.isFinite(x.value)));
  return renderSvg({ ...barSpec(title, b, { group: '', value, domain: [0, 1] }), ...(width ? { width } : {}) });
}

/** The worst-case robust accuracy per model against ε, with the 95% Wilson band, as a Vega-Lite spec. */
export function worstCaseSpec(res: AssessResults): VlSpec | null {
  const points: Point[] = res.models.flatMap((m) => (m.worst_case ?? []).map((w) => ({ series: `${m.name} (${m.kind})`, x: w.epsilon, y: w.robust_accuracy, lo: w.robust_accuracy_ci[0], hi: w.robust_accuracy_ci[1] })));
  if (!points.length) return null;
  return lineSpec('Worst case over every attack (95% Wilson band)', points, { x: 'ε (standard deviations)', y: 'robust accuracy', series: 'model', yDomain: [0, 1] });
}

export async function renderReport(res: AssessResults): Promise<string> {
  const models = res.models;
  const s: string[] = [];
  s.push(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>qml6g assessment: ${esc(res.dataset)}</title><style>
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;max-width:1100px;color:#222;line-height:1.45;padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2.2rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}
table{border-collapse:collapse;margin:.6rem 0;font-size:.9rem}td,th{border:1px solid #ddd;padding:.25rem .55rem;text-align:right}th{background:#f6f6f6}td:first-child,th:first-child{text-align:left}
.pass{color:#1a7f37;font-weight:600}.flag{color:#b42318;font-weight:600}.muted{color:#666;font-size:.85rem}.summary li{margin:.35rem 0}
.grid{display:flex;flex-wrap:wrap;gap:1rem}.card{border:1px solid #e3e3e3;border-radius:6px;padding:.5rem}
</style></head><body>`);
  s.push(`<h1>Threat-detector robustness assessment</h1><p class="muted">qml6g ${esc(res.version)} · data ${esc(res.dataset)} · seed ${res.seed} · ${res.rows.train} training rows, ${res.rows.test} test rows, ${res.rows.attack} attacked rows (${res.rows.black_box} for black-box attacks) · ${res.seconds.toFixed(0)} s · status ${esc(res.status)}</p>`);
  s.push('<h2>Summary</h2><ul class="summary">', ...res.summary.map((x) => `<li>${esc(x)}</li>`), '</ul>');
  s.push('<h2>Detectors on clean traffic</h2><table><tr><th>model</th><th>kind</th><th>accuracy</th><th>balanced</th><th>F1</th><th>ROC-AUC</th><th>FPR</th><th>ECE</th><th>parameters</th><th>features</th></tr>');
  for (const m of models) s.push(`<tr><td>${esc(m.name)}</td><td>${m.kind}</td><td>${pct(m.test.accuracy)}</td><td>${pct(m.test.balanced_accuracy)}</td><td>${m.test.f1.toFixed(3)}</td><td>${m.test.roc_auc?.toFixed(3) ?? '–'}</td><td>${pct(m.test.false_positive_rate)}</td><td>${m.test.ece.toFixed(3)}</td><td>${m.parameters}</td><td>${m.features}</td></tr>`);
  s.push('</table>');
  if (res.comparison) s.push(`<p>${esc(comparisonSentence(res.comparison))}</p>`);

  if (models.some((m) => m.worst_case?.length)) {
    const eps = [...new Set(models.flatMap((m) => (m.worst_case ?? []).map((w) => w.epsilon)))].sort((a, b) => a - b);
    s.push(`<h2>Worst-case robust accuracy</h2><p class="muted">Per row, the worst case over every attack run at that ε or below (white-box, black-box, transfer, adaptive): a row counts as robust only if no attack found a valid adversarial record for it (as AutoAttack reports). In brackets: the 95% Wilson interval over the ${res.rows.attack} attacked rows. ε = 0 is the clean accuracy on the same rows. Out of reach: correct rows no valid change of the attacker's fields can flip.</p>`);
    s.push('<table><tr><th>model</th><th>kind</th>' + eps.map((e) => `<th>ε = ${e}</th>`).join('') + '<th>out of reach</th></tr>');
    for (const m of models) {
      const cells = eps.map((e) => { const w = m.worst_case?.find((x) => x.epsilon === e); return `<td>${w ? `${pct(w.robust_accuracy)} <span class="muted">[${pct(w.robust_accuracy_ci[0])}, ${pct(w.robust_accuracy_ci[1])}]</span>` : '–'}</td>`; }).join('');
      const ub = m.unbounded;
      s.push(`<tr><td>${esc(m.name)}</td><td>${m.kind}</td>${cells}<td>${ub ? `${ub.out_of_reach} of ${ub.correct} (${ub.exact ? 'exact' : 'by search'})` : '–'}</td></tr>`);
    }
    s.push('</table>');
    const spec = worstCaseSpec(res);
    if (spec) s.push(`<div class="card">${await renderSvg(spec)}</div>`);
  }

  s.push(`<h2>Robust accuracy against perturbation size</h2><p class="muted">Raw traffic features, only attacker-controlled fields move, ε in standard deviations of each field (${esc(res.config.norm)}). Dashed: black-box attacks.</p><div class="grid">`);
  for (const m of models) {
    const raw = m.attacks.filter((a) => a.space === 'raw' && a.threat !== 'transfer');
    const names = [...new Set(raw.map((a) => a.name))];
    const series = names.map((n) => ({ name: n, dashed: raw.find((a) => a.name === n)!.threat === 'black-box', points: raw.filter((a) => a.name === n).map((a) => [a.epsilon, a.robust_accuracy] as [number, number]) }));
    if (series.length) s.push(`<div class="card">${await lines(`${m.name} (${m.kind})`, series, 'ε (standard deviations)', 'robust accuracy')}</div>`);
  }
  s.push('</div>');

  const epsRef = res.transfer.epsilon || Math.max(0, ...models.flatMap((m) => m.attacks.map((a) => a.epsilon)));
  const attackNames = [...new Set(models.flatMap((m) => m.attacks.filter((a) => a.space === 'raw' && a.threat !== 'transfer').map((a) => a.name)))];
  s.push(`<h2>Attack success rate at ε = ${epsRef}</h2><p class="muted">Fraction of correctly detected records that the attack flips.</p>`);
  s.push(await bars(`Attack success rate at ε = ${epsRef}`, models.map((m) => m.name), attackNames.map((n) => ({ name: n, values: models.map((m) => m.attacks.find((a) => a.name === n && a.epsilon === epsRef)?.attack_success_rate ?? NaN) })), 'success rate'));

  if (res.transfer.pairs.length) {
    const names = models.map((m) => m.name);
    s.push(`<h2>Transfer between models (PGD at ε = ${res.transfer.epsilon})</h2><p class="muted">Rows: the surrogate the attack was crafted on; columns: the victim. Cell: the fraction of the surrogate's successful adversarial records that also fool the victim.</p>`);
    const cells = names.flatMap((from) => names.filter((to) => to !== from).flatMap((to) => { const p = res.transfer.pairs.find((x) => x.from === from && x.to === to); return p ? [{ row: from, col: to, value: p.transfer_rate }] : []; }));
    s.push(await renderSvg(heatmapSpec('Transfer rate', cells, { row: 'crafted on', col: 'evaluated on', value: 'transfer rate', domain: [0, 1] })));
  }

  const quantum = models.filter((m) => m.attacks.some((a) => a.threat === 'quantum'));
  if (quantum.length) {
    s.push('<h2>Quantum-specific attacks</h2><table><tr><th>model</th><th>attack</th><th>budget</th><th>accuracy after</th><th>success rate</th><th>what it did</th></tr>');
    for (const m of quantum) for (const a of m.attacks.filter((x) => x.threat === 'quantum')) {
      const d = a.details ?? {};
      const what = a.name === 'interception' ? `mean fidelity ${Number(d.mean_fidelity).toFixed(4)}, guaranteed ≥ ${Number(d.guaranteed_min_fidelity).toFixed(3)}`
        : a.name === 'noise-injection' ? `depolarising per qubit ${(d.depolarizing_per_qubit as number[] | undefined)?.map((v) => v.toFixed(2)).join(' ')}`
          : a.name === 'readout' ? 'worst-case read-out bias per qubit' : a.name === 'encoding' ? `L∞ on encoding angles (radians)` : `${d.parameters ?? ''} circuit angles`;
      s.push(`<tr><td>${esc(m.name)}</td><td>${esc(a.name)}</td><td>${a.epsilon}</td><td>${pct(a.robust_accuracy)}</td><td>${pct(a.attack_success_rate)}</td><td style="text-align:left">${esc(what)}</td></tr>`);
    }
    s.push('</table>');
    const enc = quantum.map((m) => ({ name: m.name, points: m.attacks.filter((a) => a.name === 'encoding').map((a) => [a.epsilon, a.robust_accuracy] as [number, number]) })).filter((x) => x.points.length);
    if (enc.length) s.push(await lines('Encoding-angle attack', enc, 'ε (radians)', 'robust accuracy'));
  }

  if (res.noise_sweep.length) {
    const names = [...new Set(res.noise_sweep.map((x) => x.model))];
    s.push(`<h2>Noise resilience</h2><p class="muted">Accuracy under a NISQ noise model scaled by the strength on the x axis (strength 1: 1-qubit depolarising ${res.noise_base.after_1q?.[0] && 'p' in res.noise_base.after_1q[0] ? res.noise_base.after_1q[0].p : ''}, 2-qubit ${res.noise_base.after_2q?.[0] && 'p' in res.noise_base.after_2q[0] ? res.noise_base.after_2q[0].p : ''}, amplitude damping, read-out error).</p>`);
    const series = names.map((n) => ({ name: n, points: res.noise_sweep.filter((x) => x.model === n).map((x) => [x.strength, x.accuracy] as [number, number]) }));
    const mitigated = names.filter((n) => res.noise_sweep.some((x) => x.model === n && x.mitigated_accuracy != null)).map((n) => ({ name: `${n} (mitigated)`, dashed: true, points: res.noise_sweep.filter((x) => x.model === n && x.mitigated_accuracy != null).map((x) => [x.strength, x.mitigated_accuracy as number] as [number, number]) }));
    s.push(await lines('Accuracy against noise strength', [...series, ...mitigated], 'noise strength (x base model)', 'accuracy'));
    if (mitigated.length) s.push('<p class="muted">Dashed: the same model with zero-noise extrapolation (Richardson, scales 1, 3, 5) and read-out inversion applied to its read-outs.</p>');
  }

  if (res.defenses?.length) {
    s.push('<h2>Defences against attacks</h2><p class="muted">Each defence applied to the model, attacked in the model\'s own input space (FGSM, PGD, and the black-box Square as a cross-check). "honest" means every honest-evaluation check passed; a flagged defence more likely masks gradients than resists attacks.</p>');
    s.push('<table><tr><th>model</th><th>defence</th><th>clean</th>' + [...new Set(res.defenses[0].attacks.map((a) => `${a.name}@${a.epsilon}`))].map((k) => `<th>${esc(k)}</th>`).join('') + '<th>detection AUROC</th><th>OOD AUROC</th><th>certified @F=0.99</th><th>ECE</th><th>training cost</th><th>honest</th></tr>');
    for (const d of res.defenses) s.push(`<tr><td>${esc(d.model)}</td><td>${esc(d.name)}</td><td>${pct(d.clean_accuracy)}</td>${d.attacks.map((a) => `<td>${pct(a.robust_accuracy)}</td>`).join('')}<td>${d.detection_auroc === null ? '–' : d.detection_auroc.toFixed(3)}</td><td>${d.ood_auroc == null ? '–' : d.ood_auroc.toFixed(3)}</td><td>${d.certified_accuracy === null ? '–' : pct(d.certified_accuracy)}</td><td>${d.ece.toFixed(3)}</td><td>${Number.isFinite(d.train_time_multiple) ? `${d.train_time_multiple.toFixed(1)}x` : '–'}</td><td class="${d.honest ? 'pass' : 'flag'}">${d.honest ? 'yes' : 'FLAG'}</td></tr>`);
    s.push('</table>');
    for (const model of [...new Set(res.defenses.map((d) => d.model))]) {
      const rows = res.defenses.filter((d) => d.model === model);
      const eps = [...new Set(rows[0].attacks.map((a) => a.epsilon))];
      const worst = (d: typeof rows[number], e: number) => Math.min(...d.attacks.filter((a) => a.epsilon === e).map((a) => a.robust_accuracy));
      s.push(await bars(`${model}: worst-case robust accuracy per defence`, rows.map((d) => `${d.name}${d.honest ? '' : '*'}`), [{ name: 'clean', values: rows.map((d) => d.clean_accuracy) }, ...eps.map((e) => ({ name: `ε = ${e}`, values: rows.map((d) => worst(d, e)) }))], 'accuracy', 700));
    }
    s.push('<p class="muted">* flagged by the honest-evaluation checks.</p>');
  }

  if (res.training_threats?.length) s.push(...await trainingThreatSection(res.training_threats));
  if (res.audit) s.push(...await auditSection(res.audit));

  s.push('<h2>Confusion matrices (test rows)</h2><div class="grid">');
  for (const m of models) {
    s.push(`<div class="card"><strong>${esc(m.name)}</strong><table><tr><th>true \\ predicted</th>${res.classes.map((c) => `<th>${esc(c)}</th>`).join('')}</tr>`);
    m.test.confusion.forEach((row, i) => s.push(`<tr><td>${esc(res.classes[i])}</td>${row.map((v) => `<td>${v}</td>`).join('')}</tr>`));
    s.push('</table></div>');
  }
  s.push('</div>');

  s.push('<h2>Honest-evaluation checks</h2><p class="muted">Robustness that fails these is more likely masked gradients than real (Carlini et al. 2019; Athalye et al. 2018).</p><table><tr><th>model</th><th>check</th><th>result</th><th>detail</th></tr>');
  for (const c of res.checks) {
    const result = c.passed ? (c.adaptive?.resolved ? 'pass (adaptive)' : 'pass') : c.explained ? 'FLAG (explained)' : 'FLAG';
    const extra = c.adaptive ? `<br><span class="muted">adaptive attacks: ${esc(c.adaptive.attacks.join(', '))}; before: ${esc(c.adaptive.before)}</span>` : '';
    const why = c.explained ? `<br><strong>Why it remains:</strong> ${esc(c.explained)}` : '';
    s.push(`<tr><td>${esc(c.model ?? '')}</td><td style="text-align:left">${esc(c.name)}</td><td class="${c.passed ? 'pass' : 'flag'}">${result}</td><td style="text-align:left">${esc(c.detail)}${extra}${why}</td></tr>`);
  }
  s.push('</table>');

  s.push('<h2>All attack results</h2><table><tr><th>model</th><th>attack</th><th>threat</th><th>space</th><th>ε / budget</th><th>robust accuracy [95% CI]</th><th>success rate [95% CI]</th><th>queries/row</th><th>median min. perturbation</th></tr>');
  for (const m of models) for (const a of m.attacks) s.push(`<tr><td>${esc(m.name)}</td><td>${esc(a.name)}</td><td>${a.threat}</td><td>${esc(a.space)}</td><td>${a.epsilon}</td><td>${pct(a.robust_accuracy)}${a.robust_accuracy_ci ? ` <span class="muted">[${pct(a.robust_accuracy_ci[0])}, ${pct(a.robust_accuracy_ci[1])}]</span>` : ''}</td><td>${pct(a.attack_success_rate)}${a.attack_success_rate_ci ? ` <span class="muted">[${pct(a.attack_success_rate_ci[0])}, ${pct(a.attack_success_rate_ci[1])}]</span>` : ''}</td><td>${a.mean_queries?.toFixed(0) ?? '–'}</td><td>${a.median_perturbation?.toFixed(3) ?? '–'}</td></tr>`);
  s.push('</table>');
  s.push('<h2>Notes and configuration</h2><ul>', ...res.notes.map((n) => `<li>${esc(n)}</li>`), '</ul>');
  s.push(`<pre style="background:#f8f8f8;padding:.6rem;overflow:auto;font-size:.8rem">${esc(JSON.stringify(res.config, null, 2))}</pre>`);
  s.push('<p class="muted">Generated by qml6g. Results: results.json; tables: models.csv, attacks.csv, worst_case.csv, transfer.csv, noise.csv, checks.csv; trained detectors: models/.</p></body></html>');
  return s.join('\n');
}

export async function writeReport(res: AssessResults, out: string): Promise<void> {
  fs.writeFileSync(path.join(out, 'report.html'), await renderReport(res));
}

/** Poisoning, backdoors and tampered model files: one row per experiment and defence, and the curves over poison rate. */
async function trainingThreatSection(records: PoisonRecord[]): Promise<string[]> {
  const s: string[] = [];
  s.push('<h2>Training-time threats</h2><p class="muted">Success: for indiscriminate poisoning, the fraction of test records the unpoisoned detector gets right that the poisoned one gets wrong; for targeted attacks, the fraction of target records sent to the target class; for backdoors, the fraction of correctly detected attack records sent to the target class once they carry the trigger. "Unpoisoned" is the same measure on the detector trained without poison (what the trigger does by itself). Detection: precision/recall of the rows a sanitiser removed (or, for STRIP, recall over triggered inputs). Rejected clean inputs of an input filter count as errors.</p>');
  s.push('<table><tr><th>attack</th><th>model</th><th>rate</th><th>accuracy unpoisoned</th><th>accuracy poisoned</th><th>success</th><th>success unpoisoned</th><th>defence</th><th>accuracy defended</th><th>success defended</th><th>det. precision</th><th>det. recall</th><th>note</th></tr>');
  const p = (v: number | null | undefined) => (v === null || v === undefined ? '–' : pct(v));
  for (const r of records) s.push(`<tr><td>${esc(r.attack)}</td><td>${esc(r.model)}</td><td>${pct(r.poison_rate)}</td><td>${pct(r.baseline_accuracy)}</td><td>${pct(r.clean_accuracy)}</td><td>${pct(r.attack_success_rate)}</td><td>${pct(r.baseline_attack_success_rate)}</td><td>${esc(r.defense)}</td><td>${pct(r.clean_accuracy_defended)}</td><td>${pct(r.attack_success_rate_defended)}</td><td>${p(r.detection?.precision)}</td><td>${p(r.detection?.recall)}</td><td style="text-align:left" class="muted">${esc(r.note ?? '')}</td></tr>`);
  s.push('</table>');
  const rates = new Set(records.map((r) => r.poison_rate));
  if (rates.size > 1) {
    s.push('<div class="grid">');
    for (const key of [...new Set(records.map((r) => `${r.attack}|${r.model}`))]) {
      const [attack, model] = key.split('|');
      s.push(`<div class="card">${await poisonCurve(records.filter((r) => r.attack === attack && r.model === model), `${attack} on ${model}`)}</div>`);
    }
    s.push('</div>');
  }
  return s;
}
