import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import '../testing/shared.js';
import { Store } from '../store/store.js';
import { AuditLog } from '../governance/audit-log.js';
import { OversightQueue } from '../governance/oversight.js';
import { dashboardApp } from './app.js';
import { governanceExtension } from './governance.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qml6g-dash-gov-'));
const file = path.join(dir, 'audit.db');
{
  const log = AuditLog.open(file, { checkpointEvery: 0 });
  const q = new OversightQueue(log);
  q.submit({ decision_id: 'd1', action: { isolate: 'gNB-7' }, confidence: 0.55, safe_default: { isolate: null } });
  q.submit({ decision_id: 'd2', action: { isolate: 'gNB-9' }, confidence: 0.6, safe_default: { isolate: null } });
  q.submit({ decision_id: 'd3', action: { isolate: 'gNB-1' }, confidence: 0.99, safe_default: { isolate: null } });
  for (let i = 0; i < 5; i++) log.append({ decision_id: `x${i}`, output: 'normal', confidence: 0.9 });
  log.checkpoint();
  log.close();
}
const app = dashboardApp({ store: Store.open(':memory:'), extensions: [governanceExtension({ file })] });
const form = (fields: Record<string, string>, headers: Record<string, string> = {}) => ({ method: 'POST', body: new URLSearchParams(fields).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded', host: 'localhost', ...headers } });

test('the audit page lists entries; each inclusion proof is checked from the stored bytes and the signed checkpoint', async () => {
  const html = await (await app.request('/audit')).text();
  assert.match(html, /signature valid, key trusted/);
  const size = (await (await app.request('/api/audit')).json() as { size: number }).size;
  assert.ok(size >= 8);
  const entry = await (await app.request('/audit/entries/2')).text();
  assert.match(entry, /id="inclusion" class="status-complete">verified/);
  assert.match(entry, /the entry is in the signed tree and the signature is valid/);
  const api = await (await app.request('/api/audit/entries/2')).json() as { verified: boolean };
  assert.equal(api.verified, true);
  assert.match(await (await app.request('/audit/verify')).text(), /The log verifies/);
  assert.equal((await app.request(`/audit/entries/${size + 5}`)).status, 404);
  assert.equal((await app.request('/audit?page=x')).status, 400);
});

test('oversight: approve, override and reverse from the page, each by a named person; bad actions are 400/404', async () => {
  const pending = await (await app.request('/oversight')).text();
  assert.match(pending, /Waiting for a person \(2\)/);
  let r = await app.request('/oversight/d1/approve', form({ who: 'alice' }));
  assert.equal(r.status, 303);
  assert.match(r.headers.get('location')!, /done=d1/);
  r = await app.request('/oversight/d2/override', form({ who: 'bob', action: '{"isolate":"gNB-2"}' }));
  assert.equal(r.status, 303);
  r = await app.request('/oversight/d1/reverse', form({ who: 'carol' }));
  assert.equal(r.status, 303);
  const api = await (await app.request('/api/oversight?all=1')).json() as { items: Array<{ id: string; status: string; actor: string; outcome: unknown }> };
  const by = Object.fromEntries(api.items.map((i) => [i.id, i]));
  assert.equal(by.d1.status, 'reversed');
  assert.equal(by.d1.actor, 'carol');
  assert.equal(by.d2.status, 'overridden');
  assert.deepEqual(by.d2.outcome, { isolate: 'gNB-2' });
  assert.equal((await app.request('/oversight/d9/approve', form({ who: 'a' }))).status, 404);
  assert.equal((await app.request('/oversight/d2/approve', form({}))).status, 400, 'who must be named');
  assert.equal((await app.request('/oversight/d2/override', form({ who: 'a', action: '{oops' }))).status, 400);
  assert.equal((await app.request('/oversight/d2/approve', form({ who: 'a' }))).status, 400, 'already decided');
  assert.equal((await app.request('/oversight/stop', form({ who: 'eve' }, { origin: 'http://evil.example' }))).status, 400, 'cross-site');
  r = await app.request('/oversight/stop', form({ who: 'dave', reason: 'drill' }));
  assert.equal(r.status, 303);
  assert.match(await (await app.request('/oversight')).text(), /STOPPED by dave/);
  // Every human action is in the audit log, and the log still verifies.
  const log = AuditLog.open(file, { readonly: true });
  const actors = [...log.entries()].map((e) => JSON.stringify(e.entry));
  log.close();
  for (const who of ['alice', 'bob', 'carol', 'dave']) assert.ok(actors.some((a) => a.includes(who)), who);
  assert.match(await (await app.request('/audit/verify')).text(), /The log verifies/);
});

test('without an audit log the pages say where it would be', async () => {
  const a = dashboardApp({ store: Store.open(':memory:'), extensions: [governanceExtension({ file: path.join(dir, 'none.db') })] });
  assert.match(await (await a.request('/audit')).text(), /no audit log at/);
  assert.equal((await a.request('/api/oversight')).status, 404);
});

test('an entry altered in the file fails its inclusion check on the page', async () => {
  const f = path.join(dir, 'tampered.db');
  const log = AuditLog.open(f, { checkpointEvery: 0 });
  for (let i = 0; i < 4; i++) log.append({ decision_id: `t${i}`, output: 'attack', confidence: 0.9 });
  log.close();
  const Database = (await import('better-sqlite3')).default;
  const db = new Database(f);
  // Someone with write access to the file removes the append-only guard and rewrites history.
  for (const t of db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'entries'").pluck().all() as string[]) db.exec(`DROP TRIGGER "${t}"`);
  db.prepare('UPDATE entries SET data = ? WHERE idx = 1').run(JSON.stringify({ decision_id: 't1', output: 'normal', confidence: 0.9 }));
  db.close();
  const a = dashboardApp({ store: Store.open(':memory:'), extensions: [governanceExtension({ file: f })] });
  assert.match(await (await a.request('/audit/entries/1')).text(), /id="inclusion" class="status-failed">NOT verified/);
  assert.match(await (await a.request('/audit/entries/2')).text(), /id="inclusion" class="status-complete">verified/);
});
