/**
 * The privacy sections of the federated report (issue 11): ε over rounds from the Rényi accountant,
 * accuracy against ε, the membership-inference AUC of each private run, and what secure aggregation
 * did (aborted rounds, largest error against the plain sum, bytes per client). Vega-Lite via plot.ts.
 *
 * @example
 * // renderFederatedReport (report/federated.ts) calls it; alone:
 * // const html = await privacyReportSections(results.runs); // '' when no run used --dp or --secure-agg
 */
import type { RunRecord } from '../federated/experiment.js';
import { barSpec, lineSpec, renderSvg, type Bar, type Point } from './plot.js';
import { esc } from './html.js';

export async function privacyReportSections(runs: readonly RunRecord[]): Promise<string> {
  const dp = runs.filter((r) => r.privacy), sa = runs.filter((r) => r.secure_aggregation);
  if (!dp.length && !sa.length) return '';
  const s: string[] = [];
  const name = (r: RunRecord) => `${r.strategy} × ${r.attack}`;
  if (dp.length) {
    const p0 = dp[0].privacy!;
    s.push(`<h2>Differential privacy: ε over rounds</h2><p class="muted">DP-FedAvg (McMahan et al. 2018), noise multiplier z = ${p0.noise_multiplier}, clip ${p0.adaptive ? 'adaptive (Andrew et al. 2021), final' : ''} ${p0.clip.toPrecision(3)}, client sampling q = ${p0.sampling_rate}; ε at δ = ${p0.delta} from the Rényi accountant of the sampled Gaussian mechanism (Mironov et al. 2019). A skipped round releases nothing and costs no ε.</p><div class="grid">`);
    const eps: Point[] = [], acc: Point[] = [];
    for (const r of dp) for (const x of r.rounds) {
      const e = x.info?.epsilon;
      if (e === undefined) continue;
      eps.push({ series: name(r), x: x.round, y: e });
      acc.push({ series: name(r), x: e, y: x.accuracy });
    }
    if (eps.length) s.push(`<div class="card">${await renderSvg(lineSpec('ε after each round', eps, { x: 'round', y: 'ε', series: 'run' }))}</div>`);
    if (acc.length) s.push(`<div class="card">${await renderSvg(lineSpec('accuracy against ε', acc, { x: 'ε spent', y: 'test accuracy', series: 'run', yDomain: [0, 1] }))}</div>`);
    s.push('</div>');
    const bars: Bar[] = dp.filter((r) => r.privacy!.membership_auc !== null).map((r) => ({ group: name(r), series: `ε = ${r.privacy!.epsilon.toFixed(2)}`, value: r.privacy!.membership_auc! }));
    s.push('<h2>Membership inference</h2><p class="muted">Loss-threshold attack (Yeom et al. 2018) on the final global model: clients\' training rows against held-out rows. AUC 0.5 = the attacker learns nothing about membership; compare with a run without --dp (scripts/privacy-utility.mjs sweeps z).</p>');
    if (bars.length) s.push(await renderSvg(barSpec('membership-inference AUC', bars, { group: 'run', value: 'AUC', series: 'ε', domain: [0, 1] })));
    s.push('<table><tr><th>run</th><th>ε</th><th>δ</th><th>optimal order</th><th>rounds accounted</th><th>final accuracy</th><th>membership AUC</th><th>advantage</th></tr>');
    for (const r of dp) {
      const p = r.privacy!;
      s.push(`<tr><td>${esc(name(r))}</td><td>${p.epsilon.toFixed(3)}</td><td>${p.delta}</td><td>${p.optimal_order}</td><td>${p.steps}</td><td>${r.final_accuracy === null ? '–' : r.final_accuracy.toFixed(3)}</td><td>${p.membership_auc === null ? '–' : p.membership_auc.toFixed(3)}</td><td>${p.membership_advantage === null ? '–' : p.membership_advantage.toFixed(3)}</td></tr>`);
    }
    s.push('</table>');
  }
  if (sa.length) {
    s.push('<h2>Secure aggregation</h2><p class="muted">The server learns only the sum of the (clipped, quantised) updates (Bonawitz et al. 2017; SecAgg+ of Bell et al. 2020); clients that drop out mid-protocol are recovered by Shamir shares, and below the threshold the round aborts and is skipped. The error column compares the unmasked sum with the plain sum of the same inputs (quantisation only).</p>');
    s.push('<table><tr><th>run</th><th>protocol</th><th>rounds</th><th>aborted</th><th>max |error| vs plain sum</th><th>bytes up per client</th></tr>');
    for (const r of sa) {
      const x = r.secure_aggregation!;
      s.push(`<tr><td>${esc(name(r))}</td><td>${x.variant}</td><td>${x.rounds}</td><td>${x.aborted_rounds}</td><td>${x.max_abs_error_vs_plain_sum.toExponential(2)}</td><td>${Math.round(x.bytes_up_per_client)}</td></tr>`);
    }
    s.push('</table>');
  }
  return s.join('');
}
