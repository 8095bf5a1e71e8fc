/**
 * The secure-channel section of the federated report: per run, each client's link (its tap, QKD
 * aborts, post-quantum fallbacks, exclusions, refused updates, bytes, QBER) and the QBER of every
 * link in every round as a heat map.
 */
import { heatmapSpec, renderSvg } from './plot.js';

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]!));
const num = (v: unknown, d = 4) => (typeof v === 'number' ? (Math.abs(v) > 0 && Math.abs(v) < 1e-3 ? v.toExponential(2) : v.toFixed(d)) : '–');

interface RunWithChannel { strategy: string; attack: string; channel?: Record<string, unknown> }

export async function channelSection(runs: RunWithChannel[]): Promise<string> {
  const withChannel = runs.filter((r) => r.channel);
  if (!withChannel.length) return '';
  const s: string[] = ['<h2>Secure channel</h2><p class="muted">Every download and upload sealed with XChaCha20-Poly1305 under per-round session keys: HKDF over the QKD key (BB84 with decoys, fetched through the embedded ETSI GS QKD 014 key manager) and the X-Wing secret, bound to the ML-DSA-65-signed handshake. A link whose BB84 run aborts has no QKD key: the policy falls back to the post-quantum key or excludes the client. A refused update (altered, replayed or reordered) counts as a failure.</p>'];
  for (const r of withChannel) {
    const ch = r.channel as { mode: string; policy: string; distance_km: number; links: Array<Record<string, unknown>>; rounds: Array<Record<string, unknown>> };
    s.push(`<h3>${esc(r.strategy)} × ${esc(r.attack)}: mode ${esc(ch.mode)}, policy ${esc(ch.policy)}, ${ch.distance_km} km links</h3>`);
    s.push('<table><tr><th>client</th><th>tap</th><th>rounds</th><th>QKD aborts</th><th>fallbacks</th><th>excluded</th><th>refused</th><th>mean QBER</th><th>kB up</th><th>kB down</th></tr>');
    for (const l of ch.links) s.push(`<tr><td>${l.client}</td><td>${esc(String(l.tap ?? '–'))}</td><td>${l.rounds}</td><td>${l.qkd_aborts}</td><td>${l.fallbacks}</td><td>${l.exclusions}</td><td>${l.refused}</td><td>${num(l.mean_qber)}</td><td>${((l.bytes_up as number) / 1e3).toFixed(1)}</td><td>${((l.bytes_down as number) / 1e3).toFixed(1)}</td></tr>`);
    s.push('</table>');
    const cells = ch.rounds.filter((x) => typeof x.qber === 'number').map((x) => ({ row: `client ${x.client}`, col: String(x.round), value: x.qber as number }));
    if (cells.length) s.push(await renderSvg(heatmapSpec('QBER of each link per round (latest BB84 run)', cells, { row: 'link', col: 'round', value: 'QBER', domain: [0, 0.3] })));
    const rates = ch.rounds.filter((x) => typeof x.key_rate === 'number');
    if (rates.length) {
      s.push('<table><tr><th>round</th><th>client</th><th>mode</th><th>QBER</th><th>key rate (bits/pulse)</th><th>aborted</th><th>handshake B</th><th>bytes up</th><th>bytes down</th></tr>');
      for (const x of ch.rounds) s.push(`<tr><td>${x.round}</td><td>${x.client}</td><td>${esc(String(x.mode))}</td><td>${num(x.qber)}</td><td>${num(x.key_rate)}</td><td>${x.qkd_aborted ? esc(String(x.abort_reason ?? 'yes')) : 'no'}</td><td>${x.handshake_bytes}</td><td>${x.bytes_up}</td><td>${x.bytes_down}</td></tr>`);
      s.push('</table>');
    }
  }
  return s.join('\n');
}
