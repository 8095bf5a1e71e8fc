/**
 * Server-rendered HTML for the dashboard: one layout (styles inline, no script, no external asset:
 * the machines that run it may be offline), escaping of everything that comes from the store, and
 * small table helpers.
 */

export function esc(s: unknown): string {
  return String(s ?? '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Builds a query string from the non-empty values. */
export function qs(params: Record<string, string | number | undefined>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}

const STYLE = `
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#222;line-height:1.45}
header{background:#17324d;color:#fff;padding:.6rem 1.5rem;display:flex;gap:1.5rem;align-items:baseline}
header a{color:#dbe7f3;text-decoration:none}header a.brand{color:#fff;font-weight:700;font-size:1.1rem}
main{padding:1rem 1.5rem;max-width:1300px}
h1{font-size:1.4rem;margin:.4rem 0}h2{font-size:1.1rem;margin-top:1.6rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}
table{border-collapse:collapse;margin:.5rem 0;font-size:.88rem}td,th{border:1px solid #ddd;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f4f6f8}td.num{text-align:right;font-variant-numeric:tabular-nums}
.muted{color:#666;font-size:.85rem}.status-complete{color:#1a7f37}.status-failed{color:#b42318}.status-running{color:#9a6700;font-weight:600}.status-interrupted{color:#6e7781}
form.filters{display:flex;gap:.6rem;flex-wrap:wrap;align-items:end;margin:.6rem 0}form.filters label{display:flex;flex-direction:column;font-size:.8rem}
.charts{display:flex;flex-wrap:wrap;gap:1rem}.chart{border:1px solid #e3e3e3;border-radius:6px;padding:.4rem;background:#fff}
.pager a,.pager span{margin-right:.6rem}.badge{display:inline-block;border-radius:4px;padding:0 .4rem;background:#fff3cd;border:1px solid #e0c36b;font-size:.8rem}
iframe.report{width:100%;height:900px;border:1px solid #ddd}code{background:#f4f6f8;padding:0 .2rem}
button{cursor:pointer}form.inline{display:inline-flex;gap:.3rem;margin:.1rem .4rem .1rem 0}
`;

export interface Nav { audit: boolean; oversight: boolean }

export function page(title: string, body: string, nav: Nav, opts: { refreshSeconds?: number } = {}): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
${opts.refreshSeconds ? `<meta http-equiv="refresh" content="${opts.refreshSeconds}">` : ''}<title>${esc(title)} · qml6g</title><style>${STYLE}</style></head><body>
<header><a class="brand" href="/">qml6g</a><a href="/">runs</a><a href="/?status=running">live</a>${nav.audit ? '<a href="/audit">audit log</a>' : ''}${nav.oversight ? '<a href="/oversight">oversight</a>' : ''}<a href="/api/runs">API</a></header>
<main>${body}</main></body></html>`;
}

export function table(head: string[], rows: string[][], opts: { numeric?: boolean[]; id?: string } = {}): string {
  const th = head.map((h) => `<th>${h}</th>`).join('');
  const tr = rows.map((r) => `<tr>${r.map((c, i) => `<td${opts.numeric?.[i] ? ' class="num"' : ''}>${c}</td>`).join('')}</tr>`).join('');
  return `<table${opts.id ? ` id="${esc(opts.id)}"` : ''}><thead><tr>${th}</tr></thead><tbody>${tr}</tbody></table>`;
}

export function fmt(v: number | null | undefined): string {
  if (v === null || v === undefined) return '–';
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e6) ? v.toExponential(3) : v.toFixed(4);
}

export function statusCell(s: string): string {
  return `<span class="status-${esc(s)}">${esc(s)}</span>`;
}

export function errorPage(code: number, message: string, nav: Nav): string {
  const what = code === 404 ? 'Not found' : code === 400 ? 'Bad request' : 'Server error';
  return page(`${code} ${what}`, `<h1>${code} ${what}</h1><p>${esc(message)}</p><p><a href="/">back to the runs</a></p>`, nav);
}
