/**
 * The dashboard driven in a real browser: Debian's chromium through playwright-core. It lists the
 * runs, opens one, compares two and keeps a screenshot of each page as a test artefact (under the
 * system's temporary folder; the paths are printed). Skipped, saying why, when chromium is missing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Store } from '../store/store.js';
import { startDashboard } from './server.js';
import { fillDemoStore } from './fixtures.js';
import '../testing/shared.js';
import { AuditLog } from '../governance/audit-log.js';
import { OversightQueue } from '../governance/oversight.js';
import { governanceExtension } from './governance.js';

const CHROMIUM = process.env.QML6G_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const skip = fs.existsSync(CHROMIUM) ? false : `chromium not found at ${CHROMIUM} (install Debian's chromium package; .ci/run does)`;

test('in chromium: list runs, open a run, compare two, approve a queued decision; screenshots kept', { skip, timeout: 120_000 }, async (t) => {
  const { chromium } = await import('playwright-core');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qml6g-browser-'));
  const store = Store.open(path.join(dir, 'runs.db'));
  const ids = fillDemoStore(store);
  const auditFile = path.join(dir, 'audit.db');
  const log = AuditLog.open(auditFile);
  new OversightQueue(log).submit({ decision_id: 'iso-7', action: { isolate: 'gNB-7' }, confidence: 0.55, safe_default: { isolate: null } });
  log.close();
  const d = await startDashboard({ store, port: 0, pageSize: 50, extensions: [governanceExtension({ file: auditFile })] });
  const context = await chromium.launchPersistentContext(path.join(dir, 'profile'), { executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1280, height: 900 } });
  try {
    const page = context.pages()[0] ?? await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    // Every request stays on the dashboard: no CDN, nothing from elsewhere.
    const foreign: string[] = [];
    page.on('request', (r) => { if (!r.url().startsWith(d.url) && !r.url().startsWith('data:') && r.url() !== 'about:blank') foreign.push(r.url()); });

    await page.goto(d.url);
    assert.equal(await page.locator('table#runs tbody tr').count(), 5);
    assert.equal(await page.title(), 'runs · qml6g');
    const shot1 = path.join(dir, 'runs.png');
    await page.screenshot({ path: shot1, fullPage: true });

    await page.click(`a[href="/runs/${ids.train[0]}"]`);
    await page.waitForURL(`**/runs/${ids.train[0]}`);
    assert.match(await page.locator('h1').innerText(), new RegExp(ids.train[0]));
    assert.ok(await page.locator('.chart svg').count() >= 1, 'the loss history is drawn');
    assert.equal(await page.locator('#metrics tbody tr').count(), 2);

    await page.goto(d.url);
    await page.check(`input[value="${ids.train[0]}"]`);
    await page.check(`input[value="${ids.train[2]}"]`);
    await page.click('#compare');
    await page.waitForURL('**/compare?**');
    assert.equal(await page.locator('#compare-metrics tbody tr').count(), 2);
    assert.ok(await page.locator('.chart svg').count() >= 1, 'curves overlaid');
    const shot2 = path.join(dir, 'compare.png');
    await page.screenshot({ path: shot2, fullPage: true });

    // The override queue: a person approves the waiting decision, by name.
    await page.click('header a[href="/oversight"]');
    await page.waitForURL('**/oversight');
    assert.equal(await page.locator('#pending tbody tr').count(), 1);
    await page.locator('#pending form[action$="/approve"] input[name="who"]').fill('alice');
    await page.click('#approve-iso-7');
    await page.waitForURL('**/oversight?done=**');
    assert.match(await page.locator('#done').innerText(), /iso-7 approved by alice/);
    assert.match(await page.locator('#decided').innerText(), /approved/);
    const shot3 = path.join(dir, 'oversight.png');
    await page.screenshot({ path: shot3, fullPage: true });
    await page.goto(`${d.url}audit`);
    await page.click('#audit tbody tr:first-child a');
    assert.match(await page.locator('#inclusion').innerText(), /^verified/);

    await page.goto(`${d.url}runs/none-such`);
    assert.match(await page.locator('h1').innerText(), /404/);

    assert.deepEqual(errors, []);
    assert.deepEqual(foreign, []);
    for (const f of [shot1, shot2, shot3]) assert.ok(fs.statSync(f).size > 5000, f);
    t.diagnostic(`screenshots: ${shot1} ${shot2} ${shot3}`);
  } finally {
    await context.close();
    await d.close();
    store.close();
  }
});
