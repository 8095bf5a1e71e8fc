/**
 * The federated-learning report: one self-contained HTML file (inline SVG from Vega-Lite) and CSV
 * tables, from the results record of `qml6g federate`. Charts: accuracy against round and against
 * simulated time for every strategy × attack with the centrally trained model as the reference
 * line, and the strategy × attack matrices of final accuracy and backdoor success.
 *
 * @example
 * import { renderFederatedReport } from 'qml6g';
 * // const html = await renderFederatedReport(record); // record: results.json of qml6g federate
 */
import fs from 'node:fs';
import path from 'node:path';
import type { RunRecord } from '../federated/experiment.js';
import { heatmapSpec, lineSpec, renderSvg, type Cell, type Point } from './plot.js';
import { channelSection } from './channel.js';
import { privacyReportSections } from './privacy.js';
import { esc } from './html.js';
import { writeFileAtomic } from '../core/job.js';

export interface FederatedResults {
  format: 'qml6g-federate';
  dataset: string;
  classes: string[];
  runs: RunRecord[];
  centralized_accuracy: number | null;
  central: { accuracy: number; balanced_accuracy: number; loss: number } | null;
  config: Record<string, unknown>;
  seed: number;
  version: string;
  seconds: number;
  status: string;
  malicious_clients: number[];
  label_histogram: number[][];
  /** Rows each client holds. */
  client_rows?: number[];
  summary: string[];
  notes: string[];
}

const pct = (v: number | null | undefined) => (v === null || v === undefined ? '–' : `${(100 * v).toFixed(1)}%`);

/** Plain-language findings, each with the comparison that would expose it. */
export function summariseFederated(res: FederatedResults): string[] {
  const out: string[] = [];
  const done = res.runs.filter((r) => r.final_accuracy !== null);
  const clean = done.filter((r) => r.attack === 'none');
  if (res.centralized_accuracy !== null && clean.length) {
    out.push(`Without attacks: ${clean.map((r) => `${r.strategy} ${pct(r.final_accuracy)}`).join(', ')}; the same model trained centrally on the union of the clients' rows reaches ${pct(res.centralized_accuracy)}.`);
  }
  for (const attack of [...new Set(done.map((r) => r.attack))].filter((a) => a !== 'none')) {
    const rs = done.filter((r) => r.attack === attack).map((r) => ({ r, base: clean.find((c) => c.strategy === r.strategy)?.final_accuracy ?? null }));
    if (!rs.length) continue;
    const drop = (x: (typeof rs)[number]) => (x.base === null ? 0 : x.base - x.r.final_accuracy!);
    const worst = rs.reduce((a, b) => (drop(b) > drop(a) ? b : a)), best = rs.reduce((a, b) => (drop(b) < drop(a) ? b : a));
    let line = `${attack} (${pct(rs[0].r.malicious_fraction)} malicious): hurts ${worst.r.strategy} most (${pct(worst.base)} → ${pct(worst.r.final_accuracy)}); ${best.r.strategy} holds best (${pct(best.base)} → ${pct(best.r.final_accuracy)}).`;
    const bd = rs.filter((x) => x.r.backdoor_success !== null);
    if (bd.length) line += ` Backdoor success: ${bd.map((x) => `${x.r.strategy} ${pct(x.r.backdoor_success)}`).join(', ')} (trigger without poisoning: ${bd.map((x) => pct(x.r.initial?.backdoor_success)).slice(0, 1).join('')} at the start).`;
    out.push(line);
  }
  const skipped = done.reduce((a, r) => a + r.rounds.filter((x) => x.skipped).length, 0);
  if (skipped) out.push(`${skipped} round(s) were skipped (below quorum or a rule's precondition); reasons are in the round table and rounds.csv.`);
  return out;
}

function csv(rows: Array<Record<string, unknown>>): string {
  if (!rows.length) return '';
  const keys = Object.keys(rows[0]);
  const cell = (v: unknown) => { const s = v === null || v === undefined ? '' : String(v); return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s; };
  return [keys.join(','), ...rows.map((r) => keys.map((k) => cell(r[k])).join(','))].join('\n') + '\n';
}

/** runs.csv, rounds.csv and failures.csv beside results.json. */
export function writeFederatedTables(res: FederatedResults, out: string): string[] {
  const runs = res.runs.map((r) => ({
    strategy: r.strategy, attack: r.attack, malicious_fraction: r.malicious_fraction, final_accuracy: r.final_accuracy, backdoor_success: r.backdoor_success,
    final_balanced_accuracy: r.rounds.at(-1)?.balanced_accuracy ?? null, final_loss: r.rounds.at(-1)?.loss ?? null, rounds: r.rounds.length,
    skipped_rounds: r.rounds.filter((x) => x.skipped).length, failures: r.rounds.reduce((a, x) => a + x.failures, 0),
    bytes_up: r.rounds.reduce((a, x) => a + x.bytes_up, 0), bytes_down: r.rounds.reduce((a, x) => a + x.bytes_down, 0), sim_seconds: r.rounds.at(-1)?.sim_clock ?? 0, status: r.status,
  }));
  const rounds = res.runs.flatMap((r) => r.rounds.map((x) => ({
    strategy: r.strategy, attack: r.attack, round: x.round, accuracy: x.accuracy, balanced_accuracy: x.balanced_accuracy, loss: x.loss, backdoor_success: x.backdoor_success,
    participants: x.participants, failures: x.failures, skipped: x.skipped, skip_reason: x.skip_reason, malicious_participants: x.malicious_participants, stale_updates: x.stale_updates,
    bytes_up: x.bytes_up, bytes_down: x.bytes_down, sim_seconds: x.sim_seconds, sim_clock: x.sim_clock, seconds: x.seconds,
    client_seconds: x.client_seconds, cut_clients: x.cut_clients ?? 0, cut_shots: x.cut_shots ?? 0, cut_evaluations: x.cut_evaluations ?? 0,
  })));
  const failures = res.runs.flatMap((r) => r.rounds.flatMap((x) => [...x.failed, ...x.unavailable].map((f) => ({ strategy: r.strategy, attack: r.attack, round: x.round, client: f.client, reason: f.reason, detail: f.detail ?? '' }))));
  const files: Array<[string, string]> = [['runs.csv', csv(runs)], ['rounds.csv', csv(rounds)], ['failures.csv', csv(failures)]];
  for (const [name, text] of files) writeFileAtomic(path.join(out, name), text);
  return files.map(([n]) => n);
}

export async function renderFederatedReport(res: FederatedResults): Promise<string> {
  const s: string[] = [];
  s.push(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>qml6g federated learning: ${esc(res.dataset)}</title><style>
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;max-width:1100px;color:#222;line-height:1.45;padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2.2rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}
table{border-collapse:collapse;margin:.6rem 0;font-size:.9rem}td,th{border:1px solid #ddd;padding:.25rem .55rem;text-align:right}th{background:#f6f6f6}td:first-child,th:first-child{text-align:left}
.muted{color:#666;font-size:.85rem}.grid{display:flex;flex-wrap:wrap;gap:1rem}.card{border:1px solid #e3e3e3;border-radius:6px;padding:.5rem}
</style></head><body>`);
  const c = res.config as { clients?: number; rounds?: number; partition?: string; alpha?: number; model?: { type?: string } };
  s.push(`<h1>Federated learning under faults and attacks</h1><p class="muted">qml6g ${esc(res.version)} · data ${esc(res.dataset)} · model ${esc(String(c.model?.type ?? ''))} · ${c.clients} clients · ${c.rounds} rounds · partition ${esc(String(c.partition))}${c.alpha !== undefined ? ` (α = ${c.alpha})` : ''} · seed ${res.seed} · ${res.seconds.toFixed(0)} s · status ${esc(res.status)}</p>`);
  s.push('<h2>Summary</h2><ul>', ...res.summary.map((x) => `<li>${esc(x)}</li>`), '</ul>');
  const attacks = [...new Set(res.runs.map((r) => r.attack))], strategies = [...new Set(res.runs.map((r) => r.strategy))];
  const central = res.centralized_accuracy;
  s.push(`<h2>Accuracy per round</h2><p class="muted">Global test accuracy after each round; "central" is the same model trained on the union of the clients' rows with the same number of epochs. A skipped round keeps the previous model.</p><div class="grid">`);
  for (const a of attacks) {
    const pts: Point[] = res.runs.filter((r) => r.attack === a).flatMap((r) => r.rounds.map((x) => ({ series: r.strategy, x: x.round, y: x.accuracy })));
    const R = Math.max(1, ...pts.map((p) => p.x));
    if (central !== null) pts.push({ series: 'central', x: 1, y: central }, { series: 'central', x: R, y: central });
    if (pts.length) s.push(`<div class="card">${await renderSvg(lineSpec(`attack: ${a}`, pts, { x: 'round', y: 'accuracy', series: 'strategy', yDomain: [0, 1] }))}</div>`);
  }
  s.push('</div><h2>Accuracy against simulated time</h2><p class="muted">Simulated wall-clock: client compute at its own speed plus transfers; a round with a deadline lasts until the deadline when someone is late or missing.</p><div class="grid">');
  for (const a of attacks) {
    const pts: Point[] = res.runs.filter((r) => r.attack === a).flatMap((r) => r.rounds.map((x) => ({ series: r.strategy, x: x.sim_clock, y: x.accuracy })));
    if (pts.length) s.push(`<div class="card">${await renderSvg(lineSpec(`attack: ${a}`, pts, { x: 'simulated seconds', y: 'accuracy', series: 'strategy', yDomain: [0, 1] }))}</div>`);
  }
  s.push('</div>');
  const cells: Cell[] = res.runs.filter((r) => r.final_accuracy !== null).map((r) => ({ row: r.strategy, col: r.attack, value: r.final_accuracy! }));
  s.push('<h2>Final accuracy: strategy × attack</h2>');
  if (cells.length) s.push(await renderSvg(heatmapSpec('final accuracy', cells, { row: 'strategy', col: 'attack', value: 'accuracy', domain: [0, 1] })));
  const bd: Cell[] = res.runs.filter((r) => r.backdoor_success !== null).map((r) => ({ row: r.strategy, col: r.attack, value: r.backdoor_success! }));
  if (bd.length) {
    s.push('<h2>Backdoor success: strategy × attack</h2><p class="muted">Fraction of triggered test records of other classes that the final model sends to the target class.</p>');
    s.push(await renderSvg(heatmapSpec('backdoor success', bd, { row: 'strategy', col: 'attack', value: 'success', domain: [0, 1] })));
  }
  s.push(await privacyReportSections(res.runs));
  s.push('<h2>Runs</h2><table><tr><th>strategy</th><th>attack</th><th>malicious</th><th>final accuracy</th><th>balanced</th><th>backdoor success</th><th>skipped rounds</th><th>failures</th><th>MB up</th><th>simulated s</th></tr>');
  for (const r of res.runs) {
    const last = r.rounds.at(-1);
    s.push(`<tr><td>${esc(r.strategy)}</td><td>${esc(r.attack)}</td><td>${pct(r.malicious_fraction)}</td><td>${pct(r.final_accuracy)}</td><td>${pct(last?.balanced_accuracy)}</td><td>${pct(r.backdoor_success)}</td><td>${r.rounds.filter((x) => x.skipped).length}</td><td>${r.rounds.reduce((a, x) => a + x.failures, 0)}</td><td>${(r.rounds.reduce((a, x) => a + x.bytes_up, 0) / 1e6).toFixed(2)}</td><td>${(last?.sim_clock ?? 0).toFixed(2)}</td></tr>`);
  }
  s.push('</table>');
  s.push(await channelSection(res.runs));
  const skipped = res.runs.flatMap((r) => r.rounds.filter((x) => x.skipped).map((x) => ({ r, x })));
  if (skipped.length) {
    s.push('<h2>Skipped rounds</h2><table><tr><th>strategy</th><th>attack</th><th>round</th><th>reason</th></tr>');
    for (const { r, x } of skipped) s.push(`<tr><td>${esc(r.strategy)}</td><td>${esc(r.attack)}</td><td>${x.round}</td><td style="text-align:left">${esc(x.skip_reason ?? '')}</td></tr>`);
    s.push('</table>');
  }
  s.push(`<h2>Clients</h2><p class="muted">Rows per class held by each client (classes: ${esc(res.classes.join(', '))}); malicious clients when an attack runs: ${res.malicious_clients.join(', ') || 'none'}.</p><table><tr><th>client</th>${res.classes.map((x) => `<th>${esc(x)}</th>`).join('')}</tr>`);
  res.label_histogram.forEach((h, i) => s.push(`<tr><td>${i}${res.malicious_clients.includes(i) ? ' (malicious)' : ''}</td>${h.map((v) => `<td>${v}</td>`).join('')}</tr>`));
  s.push('</table>');
  s.push('<h2>Notes and configuration</h2><ul>', ...res.notes.map((n) => `<li>${esc(n)}</li>`), '</ul>');
  s.push(`<pre style="background:#f8f8f8;padding:.6rem;overflow:auto;font-size:.8rem">${esc(JSON.stringify(res.config, null, 2))}</pre>`);
  s.push('<p class="muted">Generated by qml6g federate. Results: results.json; tables: runs.csv, rounds.csv, failures.csv.</p></body></html>');
  return s.join('\n');
}

export async function writeFederatedReport(res: FederatedResults, out: string): Promise<string> {
  const file = path.join(out, 'report.html');
  fs.mkdirSync(out, { recursive: true });
  writeFileAtomic(file, await renderFederatedReport(res));
  return file;
}
