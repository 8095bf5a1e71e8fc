/**
 * The report's governance section: where the run's decisions were logged (the audit log's head, so a
 * reader can check it with `qml6g audit verify`), and the KernelSHAP explanations attached to the
 * first logged decision of each model, as bars per raw feature.
 */
import type { AssessResults } from '../assess/run.js';
import { esc } from './html.js';
import { barSpec, renderSvg, type Bar } from './plot.js';

export async function auditSection(a: NonNullable<AssessResults['audit']>): Promise<string[]> {
  const s: string[] = [];
  s.push('<h2>Decisions, explanations and the audit log</h2>');
  s.push(`<p class="muted">${a.decisions} verdicts (a seeded sample of test rows per model) were appended to the tamper-evident audit log as entries ${a.first_index}–${a.first_index + a.decisions - 1} of run ${esc(a.run)}; the log's root after them is <code>${esc(a.root)}</code> at size ${a.tree_size}. Check it with <code>qml6g audit verify</code>; explain any logged row with <code>qml6g explain</code>.</p>`);
  const ex = a.explanations ?? [];
  if (!ex.length) return s;
  s.push('<p class="muted">KernelSHAP (Lundberg &amp; Lee 2017) of one logged decision per model, in raw traffic features: each bar is how much the feature moved the predicted class\'s probability away from its average over background rows. Sampled values (more than 12 features) carry a standard error; a value within two standard errors of zero is not resolved.</p><div class="grid">');
  for (const e of ex) {
    const bars: Bar[] = Object.entries(e.values).map(([f, v]) => ({ group: f, series: e.model, value: v, ...(e.std_errors ? { lo: v - 2 * (e.std_errors[f] ?? 0), hi: v + 2 * (e.std_errors[f] ?? 0) } : {}) }));
    const title = `${e.model} (${e.kind}), row ${e.row}: P(${e.class}) = ${e.prediction.toFixed(3)}, E[f] = ${e.base_value.toFixed(3)}${e.exact ? ', exact' : ''}`;
    s.push(`<div class="card">${await renderSvg({ ...barSpec(title, bars, { group: 'feature', value: 'Shapley value', series: 'model' }), width: 460 })}</div>`);
  }
  s.push('</div>');
  return s;
}
