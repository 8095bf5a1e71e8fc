/**
 * The dashboard: server-rendered pages over the experiment store (Hono), each with a JSON twin under
 * /api. Pages: `/` runs (paginated; filtered by command, tag, status), `/runs/ID` (charts of every
 * metric history, tables, artefacts, the run's report), `/compare?ids=A,B` (metrics side by side,
 * curves overlaid), and a running run's page refreshes itself (the live view of a running assess or
 * federate). Charts are Vega-Lite rendered to SVG on the server (report/plot.ts), so the pages need
 * no script and no asset from elsewhere. Bad requests get 400/404 pages (JSON under /api), never a
 * stack trace.
 *
 * @example
 * import { Store, dashboardApp } from 'qml6g';
 * const app = dashboardApp({ store: Store.open(':memory:') });
 * const res = await app.request('/api/runs');
 * await res.json(); // { runs: [], total: 0 }
 */
import { Hono, type Context } from 'hono';
import { QmlError } from '../core/errors.js';
import { lineSpec, renderSvg, type Point } from '../report/plot.js';
import { RUN_STATUSES, type Store, type RunDetail } from '../store/store.js';
import { errorPage, esc, fmt, page, qs, statusCell, table, type Nav } from './html.js';

/** Pages contributed by another layer (the governance layer's audit log and oversight queue). */
export interface DashboardExtension {
  nav: Partial<Nav>;
  register(app: Hono, helpers: { page: (title: string, body: string) => string; fail: (c: Context, code: 400 | 404, message: string) => Response }): void;
}

export interface DashboardOptions {
  store: Store;
  /** Runs per page (default 50). */
  pageSize?: number;
  /** Seconds between refreshes of a running run's page (default 3). */
  refreshSeconds?: number;
  extensions?: DashboardExtension[];
}

/** A bad request: its message is shown to the client (400 unless `status` says 404). */
export class HttpError extends Error {
  constructor(message: string, readonly status: 400 | 404 = 400) { super(message); }
}

const MAX_CHARTS = 12;
const ID_LIST_RE = /^[A-Za-z0-9_.-]+$/;

function intParam(v: string | undefined, name: string, dflt: number, lo: number, hi: number): number {
  if (v === undefined || v === '') return dflt;
  if (!/^\d+$/.test(v)) throw new HttpError(`${name} must be a whole number, got "${v}"`);
  const n = Number(v);
  if (n < lo || n > hi) throw new HttpError(`${name} must be between ${lo} and ${hi}, got ${n}`);
  return n;
}

function statusParam(v: string | undefined): string | undefined {
  if (!v) return undefined;
  if (!(RUN_STATUSES as string[]).includes(v)) throw new HttpError(`unknown status "${v}" (known: ${RUN_STATUSES.join(', ')})`);
  return v;
}

function idsParam(c: Context): string[] {
  const raw = [...(c.req.queries('ids') ?? []), ...(c.req.queries('id') ?? [])].flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
  if (raw.length < 2) throw new HttpError('compare needs at least two run ids: /compare?ids=A,B');
  if (raw.length > 12) throw new HttpError('compare at most 12 runs at once');
  for (const id of raw) if (!ID_LIST_RE.test(id)) throw new HttpError(`"${id}" is not a run id`);
  return [...new Set(raw)];
}

/** Metric keys with a history worth drawing, grouped by the part before the first "/" (one chart each). */
function chartGroups(keys: string[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const k of keys) {
    const slash = k.indexOf('/');
    const g = slash > 0 ? k.slice(0, slash) : k;
    if (!groups.has(g)) groups.set(g, []);
    groups.get(g)!.push(k);
  }
  return groups;
}

export function dashboardApp(opts: DashboardOptions): Hono {
  const { store } = opts;
  const pageSize = opts.pageSize ?? 50;
  const nav: Nav = { audit: false, oversight: false };
  for (const e of opts.extensions ?? []) Object.assign(nav, Object.fromEntries(Object.entries(e.nav).filter(([, v]) => v)));
  const app = new Hono();
  const render = (title: string, body: string, refresh?: number) => page(title, body, nav, { refreshSeconds: refresh });
  const fail = (c: Context, code: 400 | 404, message: string) =>
    c.req.path.startsWith('/api/') ? c.json({ error: message, status: code }, code) : c.html(errorPage(code, message, nav), code);

  // A missing run is a 404, a malformed query a 400; anything else is our bug: logged, never shown.
  app.onError((e, c) => {
    if (e instanceof HttpError) return fail(c, e.status, e.message);
    if (e instanceof QmlError) return fail(c, /^no run with id/.test(e.message) ? 404 : 400, e.message);
    process.stderr.write(`dashboard: internal error on ${c.req.method} ${c.req.path}: ${(e as Error)?.stack ?? String(e)}\n`);
    return c.req.path.startsWith('/api/') ? c.json({ error: 'internal error (see the server log)', status: 500 }, 500) : c.html(errorPage(500, 'internal error (see the server log)', nav), 500);
  });
  app.notFound((c) => fail(c, 404, `no page at ${c.req.path}`));

  const listQuery = (c: Context) => {
    const command = c.req.query('command') || undefined;
    const tag = c.req.query('tag') || undefined;
    const status = statusParam(c.req.query('status'));
    return { command, tag, status };
  };

  app.get('/api/runs', (c) => {
    const q = listQuery(c);
    const limit = intParam(c.req.query('limit'), 'limit', pageSize, 1, 1000);
    const offset = intParam(c.req.query('offset'), 'offset', 0, 0, Number.MAX_SAFE_INTEGER);
    return c.json(store.listRuns({ ...q, limit, offset }));
  });

  app.get('/api/runs/:id', (c) => {
    const r = store.getRun(c.req.param('id'));
    return c.json({ ...r, history: Object.fromEntries(Object.keys(r.metrics).map((k) => [k, store.metricHistory(r.id, k)])) });
  });

  app.get('/api/compare', (c) => c.json(store.compare(idsParam(c))));

  app.get('/', (c) => {
    const q = listQuery(c);
    const pageNo = intParam(c.req.query('page'), 'page', 1, 1, 1_000_000);
    const { runs, total } = store.listRuns({ ...q, limit: pageSize, offset: (pageNo - 1) * pageSize });
    const pages = Math.max(1, Math.ceil(total / pageSize));
    if (pageNo > pages && total > 0) throw new HttpError(`page ${pageNo} is past the last page (${pages})`, 404);
    const commands = store.db.prepare('SELECT DISTINCT command FROM runs ORDER BY command').pluck().all() as string[];
    const sel = (name: string, values: string[], cur?: string) => `<label>${name}<select name="${name}"><option value="">any</option>${values.map((v) => `<option${v === cur ? ' selected' : ''}>${esc(v)}</option>`).join('')}</select></label>`;
    const filters = `<form class="filters" method="get" action="/">${sel('command', commands, q.command)}${sel('status', RUN_STATUSES, q.status)}<label>tag<input name="tag" value="${esc(q.tag ?? '')}" placeholder="key or key=value"></label><button type="submit">filter</button></form>`;
    const rows = runs.map((r) => {
      const keys = Object.keys(r.metrics);
      return [`<input type="checkbox" name="ids" value="${esc(r.id)}" aria-label="compare ${esc(r.id)}">`, `<a href="/runs/${encodeURIComponent(r.id)}">${esc(r.id)}</a>`, esc(r.command), statusCell(r.status), esc(r.started.replace('T', ' ').slice(0, 19)), esc(r.seed ?? '–'),
        esc(Object.entries(r.tags).map(([k, v]) => (v ? `${k}=${v}` : k)).join(', ')),
        keys.slice(0, 4).map((k) => `${esc(k)}=${fmt(r.metrics[k])}`).join(' ') + (keys.length > 4 ? ` … (+${keys.length - 4})` : '')];
    });
    const link = (p: number) => `/${qs({ ...q, page: p })}`;
    const pager = `<p class="pager">${pageNo > 1 ? `<a href="${esc(link(pageNo - 1))}" rel="prev">← newer</a>` : ''}<span>page ${pageNo} of ${pages} (${total} run${total === 1 ? '' : 's'})</span>${pageNo < pages ? `<a href="${esc(link(pageNo + 1))}" rel="next">older →</a>` : ''}</p>`;
    const body = `<h1>Runs</h1>${filters}${total ? `<form method="get" action="/compare">${table(['', 'id', 'command', 'status', 'started', 'seed', 'tags', 'metrics (latest)'], rows, { id: 'runs' })}<button type="submit" id="compare">compare selected</button></form>${pager}` : `<p>No runs${q.command || q.status || q.tag ? ' match these filters' : ' recorded yet: run <code>qml6g assess</code>, <code>qml6g poison</code>, <code>qml6g train</code> or <code>qml6g sweep</code>'}.</p>`}`;
    return c.html(render('runs', body));
  });

  const historyPoints = (r: RunDetail, keys: string[], series: (k: string) => string): Point[] =>
    keys.flatMap((k) => store.metricHistory(r.id, k).filter((p) => p.value !== null).map((p) => ({ series: series(k), x: p.step, y: p.value as number })));

  app.get('/runs/:id', async (c) => {
    const r = store.getRun(c.req.param('id'));
    const drawn = Object.keys(r.history_lengths).filter((k) => r.history_lengths[k] > 1);
    const charts: string[] = [];
    for (const [g, keys] of [...chartGroups(drawn)].slice(0, MAX_CHARTS)) {
      const pts = historyPoints(r, keys, (k) => (k.includes('/') ? k.slice(g.length + 1) : k));
      if (pts.length) charts.push(`<div class="chart">${await renderSvg(lineSpec(g, pts, { x: 'step', y: g, series: keys.length > 1 ? 'series' : 'metric' }))}</div>`);
    }
    const live = r.status === 'running';
    const report = r.artifacts.find((a) => a.name === 'report.html');
    const art = (name: string) => `/runs/${encodeURIComponent(r.id)}/artifacts/${name.split('/').map(encodeURIComponent).join('/')}`;
    const body = [
      `<h1>Run <code>${esc(r.id)}</code> · ${esc(r.command)} · ${statusCell(r.status)}${live ? ' <span class="badge" id="live">live: this page refreshes itself</span>' : ''}</h1>`,
      `<p class="muted">started ${esc(r.started)}${r.ended ? `, ended ${esc(r.ended)}` : ''} · seed ${esc(r.seed ?? '–')} · qml6g ${esc(r.version)} · host ${esc(r.host)}, pid ${r.pid}${r.note ? ` · ${esc(r.note)}` : ''}</p>`,
      Object.keys(r.tags).length ? `<p>tags: ${Object.entries(r.tags).map(([k, v]) => `<a href="/${esc(qs({ tag: v ? `${k}=${v}` : k }))}">${esc(v ? `${k}=${v}` : k)}</a>`).join(', ')}</p>` : '',
      charts.length ? `<h2>Metric histories</h2><div class="charts">${charts.join('')}</div>` : '',
      `<h2>Metrics</h2>${Object.keys(r.metrics).length ? table(['metric', 'latest', 'steps'], Object.entries(r.metrics).map(([k, v]) => [esc(k), fmt(v), String(r.history_lengths[k] ?? 0)]), { numeric: [false, true, true], id: 'metrics' }) : '<p class="muted">none recorded yet</p>'}`,
      Object.keys(r.params).length ? `<h2>Parameters</h2>${table(['parameter', 'value'], Object.entries(r.params).map(([k, v]) => [esc(k), esc(v)]))}` : '',
      r.artifacts.length ? `<h2>Artefacts</h2>${table(['name', 'bytes', 'sha256'], r.artifacts.map((a) => [`<a href="${esc(art(a.name))}">${esc(a.name)}</a>`, String(a.size), `<code>${esc(a.hash.slice(0, 16))}</code>`]), { numeric: [false, true, false] })}` : '',
      `<h2>Configuration</h2><pre>${esc(JSON.stringify(r.config, null, 2))}</pre>`,
      report ? `<h2>Report</h2><iframe class="report" title="report" sandbox="" src="${esc(art('report.html'))}"></iframe>` : '',
    ].join('');
    return c.html(render(`run ${r.id}`, body, live ? (opts.refreshSeconds ?? 3) : undefined));
  });

  app.get('/runs/:id/artifacts/*', (c) => {
    const id = store.resolveId(c.req.param('id'));
    const prefix = `/runs/${c.req.param('id')}/artifacts/`;
    const raw = c.req.path.startsWith(prefix) ? c.req.path.slice(prefix.length) : '';
    let name: string;
    try { name = decodeURIComponent(raw); } catch { throw new HttpError('malformed artefact name'); }
    const a = store.artifact(id, name);
    if (!a) throw new HttpError(`run ${id} has no artefact "${name}"`, 404);
    return c.body(new Uint8Array(a.data), 200, {
      'Content-Type': a.info.media_type,
      // Artefacts are data, not part of the dashboard: no script runs, nothing is fetched from elsewhere.
      'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox",
      'X-Content-Type-Options': 'nosniff',
    });
  });

  app.get('/compare', async (c) => {
    const cmp = store.compare(idsParam(c));
    const runs = cmp.runs;
    const head = ['', ...runs.map((r) => `<a href="/runs/${encodeURIComponent(r.id)}">${esc(r.id)}</a>`)];
    const rows: string[][] = [['command', ...runs.map((r) => esc(r.command))], ['status', ...runs.map((r) => statusCell(r.status))], ['seed', ...runs.map((r) => esc(r.seed ?? '–'))], ['started', ...runs.map((r) => esc(r.started.slice(0, 19)))]];
    for (const k of cmp.differing_params) rows.push([`param <b>${esc(k)}</b>`, ...runs.map((r) => esc(r.params[k] ?? '–'))]);
    const metricRows = cmp.metric_keys.map((k) => {
      const vals = runs.map((r) => r.metrics[k]);
      const finite = vals.filter((v): v is number => typeof v === 'number');
      const best = finite.length > 1 ? Math.max(...finite) : undefined;
      return [esc(k), ...vals.map((v) => (v === best && finite.some((x) => x !== best) ? `<b>${fmt(v)}</b>` : fmt(v)))];
    });
    const drawn = [...new Set(runs.flatMap((r) => Object.keys(r.history_lengths).filter((k) => r.history_lengths[k] > 1)))].sort();
    const charts: string[] = [];
    for (const k of drawn.slice(0, MAX_CHARTS)) {
      const pts = runs.flatMap((r) => historyPoints(r, [k], () => r.id));
      charts.push(`<div class="chart">${await renderSvg(lineSpec(k, pts, { x: 'step', y: k, series: 'run' }))}</div>`);
    }
    const body = `<h1>Compare ${runs.length} runs</h1>${table(head, rows, { id: 'compare-runs' })}<h2>Metrics (latest; the highest in bold)</h2>${metricRows.length ? table(['metric', ...runs.map((r) => esc(r.id))], metricRows, { numeric: [false, ...runs.map(() => true)], id: 'compare-metrics' }) : '<p class="muted">no metrics recorded</p>'}${charts.length ? `<h2>Curves overlaid</h2><div class="charts">${charts.join('')}</div>` : ''}`;
    return c.html(render('compare', body));
  });

  for (const e of opts.extensions ?? []) e.register(app, { page: (t, b) => render(t, b), fail });
  return app;
}
