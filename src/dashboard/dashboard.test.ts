import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Store } from '../store/store.js';
import { dashboardApp } from './app.js';
import { fillDemoStore } from './fixtures.js';

const store = Store.open(':memory:');
const ids = fillDemoStore(store);
const app = dashboardApp({ store, pageSize: 2 });
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const getJson = async (url: string): Promise<any> => (await app.request(url)).json();

test('/api/runs keeps the runs-list contract, filters and paginates', async () => {
  const all = await getJson('/api/runs?limit=100');
  assert.equal(all.total, 5);
  for (const r of all.runs) for (const k of ['id', 'command', 'status', 'started', 'ended', 'metrics']) assert.ok(k in r, k);
  assert.deepEqual((await getJson('/api/runs?command=train')).total, 3);
  assert.deepEqual((await getJson('/api/runs?status=running')).runs.map((r: { id: string }) => r.id), [ids.running]);
  assert.equal((await getJson('/api/runs?tag=suite=demo&limit=1&offset=2')).runs[0].id, ids.train[0]);
});

test('the runs page shows one page of runs with links to the next', async () => {
  const html = await (await app.request('/')).text();
  assert.equal((html.match(/<a href="\/runs\//g) ?? []).length, 2);
  assert.match(html, /page 1 of 3 \(5 runs\)/);
  assert.match(html, /rel="next"/);
  const last = await (await app.request('/?page=3')).text();
  assert.match(last, new RegExp(ids.train[0]));
  assert.match(await (await app.request('/?command=assess')).text(), /page 1 of 1 \(1 run\)/);
});

test('a run page draws its metric histories as Vega-Lite SVG and embeds its report; a running run refreshes', async () => {
  const html = await (await app.request(`/runs/${ids.assess}`)).text();
  assert.match(html, /<svg[^>]*class="marks"/);
  assert.match(html, /<iframe class="report"/);
  assert.ok(!html.includes('http-equiv="refresh"'));
  const live = await (await app.request(`/runs/${ids.running}`)).text();
  assert.match(live, /http-equiv="refresh"/);
  const rep = await app.request(`/runs/${ids.assess}/artifacts/report.html`);
  assert.equal(rep.status, 200);
  assert.match(rep.headers.get('content-type')!, /text\/html/);
  assert.match(rep.headers.get('content-security-policy')!, /sandbox/);
  assert.match(await rep.text(), /robustness assessment/);
});

test('compare puts metrics side by side and overlays the curves of every run', async () => {
  const html = await (await app.request(`/compare?ids=${ids.train[0]},${ids.train[2]}`)).text();
  assert.match(html, /id="compare-metrics"/);
  assert.match(html, /param <b>lr<\/b>/);
  const svg = html.slice(html.indexOf('Curves overlaid'));
  for (const id of [ids.train[0], ids.train[2]]) assert.ok(svg.includes(id), `legend names ${id}`);
  const api = await getJson(`/api/compare?ids=${ids.train[0]}&ids=${ids.train[1]}`);
  assert.deepEqual(api.differing_params, ['lr']);
});

test('bad requests get 400/404 pages (JSON under /api) and never a stack trace', async () => {
  const cases: Array<[string, number]> = [
    ['/runs/nope', 404], ['/nowhere', 404], ['/?page=abc', 400], ['/?page=99', 404], ['/?status=done', 400], ['/compare?ids=a', 400],
    ['/compare?ids=a,b', 404], ['/compare?ids=a,%3Cscript%3E', 400], [`/runs/${ids.assess}/artifacts/none.txt`, 404], ['/api/runs?limit=0', 400], ['/api/runs/nope', 404],
  ];
  for (const [url, code] of cases) {
    const r = await app.request(url);
    const body = await r.text();
    assert.equal(r.status, code, url);
    assert.ok(!/at .*\.js:\d+/.test(body) && !body.includes('Error:'), `${url}: no stack trace`);
    if (url.startsWith('/api/')) assert.equal(JSON.parse(body).status, code);
    assert.ok(!body.includes('<script>'), `${url}: escaped`);
  }
});

test('values from the store are escaped in pages', async () => {
  const s = Store.open(':memory:');
  const id = s.createRun({ command: '<img src=x onerror=alert(1)>', config: {}, tags: { '<b>': '"x"' } });
  const html = await (await dashboardApp({ store: s }).request(`/runs/${id}`)).text();
  assert.ok(!html.includes('<img src=x'));
  assert.ok(html.includes('&lt;img src=x'));
});
