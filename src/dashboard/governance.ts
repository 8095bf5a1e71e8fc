/**
 * The governance layer's pages in the dashboard: `/audit` (the RFC 9162 audit log: entries, the
 * inclusion proof of each checked on the server from the stored bytes, the latest signed checkpoint,
 * a full verification on request) and `/oversight` (the human-oversight queue: approve, override,
 * reverse, stop, resume; every action an audit entry naming who acted). JSON twins under
 * /api/audit and /api/oversight. The log is opened per request (read-only to look, read-write to
 * act), so entries appended by other processes show at once.
 */
import fs from 'node:fs';
import type { Context, Hono } from 'hono';
import { QmlError } from '../core/errors.js';
import { AuditLog, defaultLogFile } from '../governance/audit-log.js';
import { verifyCheckpoint } from '../governance/checkpoint.js';
import { fromHex, leafHash, toHex, verifyInclusion } from '../governance/merkle.js';
import { OversightQueue, type OversightItem } from '../governance/oversight.js';
import { verifyLog } from '../governance/verify.js';
import { trustedKeys } from '../supply/keys.js';
import { HttpError, type DashboardExtension } from './app.js';
import { esc, qs, table } from './html.js';

export interface GovernanceOptions {
  /** The audit log and oversight queue file (default $QML6G_HOME/audit.db). */
  file?: string;
  pageSize?: number;
}

/** Whether an entry is in the tree: leaf hash recomputed from the stored bytes, path checked up to the root. */
export function checkInclusion(log: AuditLog, index: number, size = log.size) {
  const proof = log.inclusionProof(index, size);
  const data = log.db.prepare('SELECT data FROM entries WHERE idx = ?').pluck().get(index) as string;
  const recomputed = toHex(leafHash(data));
  const ok = recomputed === proof.leaf_hash && verifyInclusion(index, size, fromHex(recomputed), proof.proof.map(fromHex), fromHex(proof.root));
  return { proof, recomputed_leaf_hash: recomputed, verified: ok };
}

export function governanceExtension(opts: GovernanceOptions = {}): DashboardExtension {
  const file = opts.file ?? defaultLogFile();
  const pageSize = opts.pageSize ?? 50;
  const exists = () => fs.existsSync(file);
  const withLog = <T>(readonly: boolean, f: (log: AuditLog) => T): T => {
    const log = AuditLog.open(file, { readonly });
    try { return f(log); } finally { log.close(); }
  };
  const missing = `no audit log at ${file} yet (qml6g scenario, qml6g oversee submit or the library's AuditLog create it)`;

  return {
    nav: { audit: true, oversight: true },
    register(app: Hono, { page, fail }) {
      const num = (c: Context, v: string | undefined, name: string, dflt: number): number => {
        if (v === undefined || v === '') return dflt;
        if (!/^\d+$/.test(v)) throw new QmlError(`${name} must be a whole number, got "${v}"`);
        return Number(v);
      };

      app.get('/api/audit', (c) => {
        if (!exists()) return fail(c, 404, missing);
        const p = Math.max(1, num(c, c.req.query('page'), 'page', 1));
        return c.json(withLog(true, (log) => {
          const hi = log.size - (p - 1) * pageSize;
          const entries = [];
          for (let i = hi - 1; i >= Math.max(0, hi - pageSize); i--) entries.push({ index: i, entry: log.entry(i) });
          return { file, origin: log.origin, size: log.size, root: log.size ? log.root() : null, checkpoint: log.latestCheckpoint(), entries };
        }));
      });

      app.get('/api/audit/entries/:n', (c) => {
        if (!exists()) return fail(c, 404, missing);
        const n = num(c, c.req.param('n'), 'entry', 0);
        return c.json(withLog(true, (log) => {
          if (n >= log.size) throw new HttpError(`the log has ${log.size} entries; there is no entry ${n}`, 404);
          return { index: n, entry: log.entry(n), ...checkInclusion(log, n) };
        }));
      });

      app.get('/audit', (c) => {
        if (!exists()) return c.html(page('audit log', `<h1>Audit log</h1><p>${esc(missing)}</p>`));
        const p = Math.max(1, num(c, c.req.query('page'), 'page', 1));
        const body = withLog(true, (log) => {
          const pages = Math.max(1, Math.ceil(log.size / pageSize));
          if (p > pages) throw new HttpError(`page ${p} is past the last page (${pages})`, 404);
          const hi = log.size - (p - 1) * pageSize;
          const rows: string[][] = [];
          for (let i = hi - 1; i >= Math.max(0, hi - pageSize); i--) {
            const e = JSON.stringify(log.entry(i));
            rows.push([`<a href="/audit/entries/${i}">${i}</a>`, `<code>${esc(e.length > 160 ? `${e.slice(0, 160)}…` : e)}</code>`, `<a href="/audit/entries/${i}">check inclusion</a>`]);
          }
          const cp = log.latestCheckpoint();
          const cpCheck = cp ? verifyCheckpoint(cp, trustedKeys()) : null;
          return `<h1>Audit log</h1><p class="muted">${esc(file)} · origin <code>${esc(log.origin)}</code> · ${log.size} entries · root <code>${esc(log.size ? log.root() : '–')}</code></p>`
            + `<p>Latest signed checkpoint: ${cp ? `tree size ${cp.tree_size}, ${esc(cp.timestamp)}, key ${esc(cp.key_id)}: <span class="${cpCheck!.ok ? 'status-complete' : 'status-failed'}">${cpCheck!.ok ? 'signature valid, key trusted' : esc(cpCheck!.reason)}</span>` : 'none yet'} · <a href="/audit/verify">verify the whole log</a></p>`
            + (rows.length ? table(['#', 'entry', ''], rows, { id: 'audit' }) : '<p>The log is empty.</p>')
            + `<p class="pager">${p > 1 ? `<a href="/audit${qs({ page: p - 1 })}">← newer</a>` : ''}<span>page ${p} of ${pages}</span>${p < pages ? `<a href="/audit${qs({ page: p + 1 })}">older →</a>` : ''}</p>`;
        });
        return c.html(page('audit log', body));
      });

      app.get('/audit/entries/:n', (c) => {
        if (!exists()) return fail(c, 404, missing);
        const n = num(c, c.req.param('n'), 'entry', 0);
        const body = withLog(true, (log) => {
          if (n >= log.size) throw new HttpError(`the log has ${log.size} entries; there is no entry ${n}`, 404);
          const r = checkInclusion(log, n);
          const cp = log.latestCheckpoint();
          // Also in the tree the latest signed checkpoint commits to, when it covers this entry.
          const signed = cp && n < cp.tree_size ? { cp, check: verifyCheckpoint(cp, trustedKeys()), incl: checkInclusion(log, n, cp.tree_size) } : null;
          const signedOk = signed ? signed.check.ok && signed.incl.verified && signed.incl.proof.root === cp!.root : false;
          return `<h1>Audit entry ${n}</h1><pre>${esc(JSON.stringify(log.entry(n), null, 2))}</pre>`
            + `<h2>Inclusion proof (RFC 9162)</h2><p id="inclusion" class="${r.verified ? 'status-complete' : 'status-failed'}">${r.verified ? `verified: entry ${n} is in the tree of ${r.proof.tree_size} entries with root` : 'NOT verified against the root'} <code>${esc(r.proof.root)}</code></p>`
            + table(['', 'value'], [['leaf hash (stored tree)', `<code>${esc(r.proof.leaf_hash)}</code>`], ['leaf hash (recomputed from the entry)', `<code>${esc(r.recomputed_leaf_hash)}</code>`], ...r.proof.proof.map((h, i) => [`path ${i}`, `<code>${esc(h)}</code>`])])
            + `<p>${signed ? `Signed checkpoint of ${cp!.tree_size} entries: <span class="${signedOk ? 'status-complete' : 'status-failed'}">${signedOk ? 'the entry is in the signed tree and the signature is valid' : `not confirmed (${esc(signed.check.ok ? 'inclusion in the signed tree fails' : signed.check.reason)})`}</span>` : 'No signed checkpoint covers this entry yet.'}</p><p><a href="/audit">back to the log</a></p>`;
        });
        return c.html(page(`audit entry ${n}`, body));
      });

      app.get('/audit/verify', (c) => {
        if (!exists()) return fail(c, 404, missing);
        const rep = withLog(true, (log) => verifyLog(log));
        const body = `<h1>Audit log verification</h1><p id="verify" class="${rep.ok ? 'status-complete' : 'status-failed'}">${rep.ok ? 'The log verifies' : 'The log does NOT verify'}: ${rep.entries_checked} entries, ${rep.nodes_checked} tree nodes, ${rep.checkpoints_checked} checkpoints checked; signed up to ${rep.signed_size} of ${rep.tree_size}.</p>`
          + (rep.problems.length ? table(['problem'], rep.problems.map((p) => [esc(JSON.stringify(p))])) : '')
          + (rep.notes.length ? `<ul>${rep.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` : '');
        return c.html(page('audit verification', body));
      });

      app.get('/api/oversight', (c) => {
        if (!exists()) return fail(c, 404, missing);
        return c.json(withLog(false, (log) => { const q = new OversightQueue(log); return { state: q.state(), items: q.list({ all: c.req.query('all') === '1' }) }; }));
      });

      app.get('/oversight', (c) => {
        if (!exists()) return c.html(page('oversight', `<h1>Oversight queue</h1><p>${esc(missing)}</p>`));
        const done = c.req.query('done');
        const body = withLog(false, (log) => {
          const q = new OversightQueue(log);
          const st = q.state();
          const pending = q.list();
          const decided = q.list({ all: true }).filter((i) => i.status !== 'pending').slice(-50).reverse();
          const who = '<input name="who" required placeholder="your name" aria-label="who acts">';
          const act = (it: OversightItem) => `<form method="post" action="/oversight/${encodeURIComponent(it.id)}/approve" class="inline">${who}<button type="submit" id="approve-${esc(it.id)}">approve</button></form>`
            + `<form method="post" action="/oversight/${encodeURIComponent(it.id)}/override" class="inline">${who}<input name="action" required placeholder='{"isolate": null}' aria-label="override action (JSON)"><button type="submit">override</button></form>`;
          const state = st.state === 'stopped'
            ? `<p class="status-failed" id="loop-state">Automated loop STOPPED by ${esc(st.actor)} at ${esc(st.at)}${st.reason ? `: ${esc(st.reason)}` : ''}</p><form method="post" action="/oversight/resume">${who}<input name="reason" placeholder="why"><button type="submit" id="resume">resume</button></form>`
            : `<p class="status-complete" id="loop-state">Automated loop running</p><form method="post" action="/oversight/stop">${who}<input name="reason" placeholder="why"><button type="submit" id="stop">stop: safe state now</button></form>`;
          return `<h1>Oversight queue</h1>${done ? `<p class="badge" id="done">${esc(done)}</p>` : ''}${state}`
            + `<h2>Waiting for a person (${pending.length})</h2>${pending.length ? table(['decision', 'proposed action', 'why a person', 'deadline (then the safe default)', 'act'], pending.map((it) => [esc(it.id), `<code>${esc(JSON.stringify(it.decision.action))}</code>`, esc(it.reasons.join('; ')), `${esc(it.deadline)}<br><code>${esc(JSON.stringify(it.safe_default))}</code>`, act(it)]), { id: 'pending' }) : '<p>Nothing is waiting.</p>'}`
            + `<h2>Decided (latest 50)</h2>${decided.length ? table(['decision', 'status', 'applied', 'by', 'at', ''], decided.map((it) => [esc(it.id), esc(it.status), `<code>${esc(JSON.stringify(it.outcome))}</code>`, esc(it.actor ?? 'policy'), esc(it.acted_at ?? ''),
              it.status === 'approved' || it.status === 'overridden' ? `<form method="post" action="/oversight/${encodeURIComponent(it.id)}/reverse">${who}<button type="submit">reverse</button></form>` : '']), { id: 'decided' }) : '<p>None yet.</p>'}`;
        });
        return c.html(page('oversight', body));
      });

      // Actions: same-origin form posts only (a page elsewhere cannot act through the operator's browser).
      app.post('/oversight/:what{stop|resume}', async (c) => actOn(c, null, c.req.param('what')));
      app.post('/oversight/:id/:what{approve|override|reverse}', async (c) => actOn(c, c.req.param('id'), c.req.param('what')));

      async function actOn(c: Context, id: string | null, what: string): Promise<Response> {
        const origin = c.req.header('origin');
        const host = c.req.header('host');
        if (origin && host && origin !== 'null' && new URL(origin).host !== host) return fail(c, 400, 'cross-site request refused');
        if (!exists()) return fail(c, 404, missing);
        const form = await c.req.parseBody();
        const who = typeof form.who === 'string' ? form.who.trim() : '';
        if (!who) return fail(c, 400, 'say who acts (the "who" field)');
        const note = typeof form.note === 'string' && form.note ? form.note : undefined;
        const msg = withLog(false, (log) => {
          const q = new OversightQueue(log);
          if (id !== null && !q.list({ all: true }).some((i) => i.id === id)) throw new HttpError(`no decision "${id}" in the queue`, 404);
          if (what === 'approve') { const it = q.approve(id!, who, note); return `${it.id} approved by ${who}`; }
          if (what === 'reverse') { const it = q.reverse(id!, who, note); return `${it.id} reversed by ${who}: safe default applied`; }
          if (what === 'override') {
            let action: unknown;
            try { action = JSON.parse(String(form.action ?? '')); } catch (e) { throw new QmlError(`the override action is not valid JSON: ${(e as Error).message}`); }
            const it = q.override(id!, who, action, note);
            return `${it.id} overridden by ${who}`;
          }
          if (what === 'stop') return q.stop(who, typeof form.reason === 'string' && form.reason ? form.reason : undefined).message;
          q.resume(who, typeof form.reason === 'string' && form.reason ? form.reason : undefined);
          return `resumed by ${who}`;
        });
        return c.redirect(`/oversight${qs({ done: msg })}`, 303);
      }
    },
  };
}
