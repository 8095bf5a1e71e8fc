import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import '../testing/shared.js';
import { generateKeyPair, canonicalJson } from '../supply/signing.js';
import { AuditLog } from './audit-log.js';
import { signCheckpoint } from './checkpoint.js';
import { fromHex, leafHash, levelsOf, rootOf, verifyConsistency, verifyInclusion } from './merkle.js';
import { verifyLog } from './verify.js';
import { Rng } from '../core/rng.js';

const keys = generateKeyPair(new Uint8Array(32).fill(7));
const other = generateKeyPair(new Uint8Array(32).fill(9));
const trusted = [keys.publicKey];
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'qml6g-audit-'));
let serial = 0;
const fresh = () => path.join(tmp, `log-${serial++}.db`);

function buildLog(n: number, every: number): { file: string; texts: string[] } {
  const file = fresh();
  const log = AuditLog.open(file, { keys, checkpointEvery: every });
  for (let i = 0; i < n; i++) log.append({ decision_id: `d${i}`, output: i % 3 ? 'benign' : 'attack', confidence: 0.5 + (i % 7) / 20 });
  log.close();
  const texts = Array.from({ length: n }, (_, i) => canonicalJson({ decision_id: `d${i}`, output: i % 3 ? 'benign' : 'attack', confidence: 0.5 + (i % 7) / 20 }));
  return { file, texts };
}

/** Opens a copy of a log with raw SQL and the append-only triggers dropped: what an attacker with file access can do. */
function tamper(src: string, edit: (db: Database.Database) => void): string {
  const file = fresh();
  fs.copyFileSync(src, file);
  const db = new Database(file);
  for (const t of db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'").pluck().all() as string[]) db.exec(`DROP TRIGGER ${t}`);
  edit(db);
  db.close();
  return file;
}

/** The strongest attacker short of the key: replaces the entries and recomputes every leaf and node hash. */
function rewriteAll(db: Database.Database, texts: string[]): void {
  db.exec('DELETE FROM entries; DELETE FROM nodes;');
  const ins = db.prepare('INSERT INTO entries (idx, data) VALUES (?, ?)');
  texts.forEach((t, i) => ins.run(i, t));
  const levels = levelsOf(texts.map((t) => leafHash(t)));
  const insN = db.prepare('INSERT INTO nodes (level, idx, hash) VALUES (?, ?, ?)');
  levels.forEach((lv, l) => lv.forEach((h, j) => insN.run(l, j, h)));
}

function verifyFile(file: string, extra?: Parameters<typeof verifyLog>[1]) {
  const log = AuditLog.open(file, { readonly: true });
  try {
    return verifyLog(log, { trusted, ...extra });
  } finally {
    log.close();
  }
}

test('appended entries give the RFC 9162 root, proofs from the store verify, checkpoints are written every N and on close', () => {
  const { file, texts } = buildLog(21, 8);
  const leaves = texts.map((t) => leafHash(t));
  const log = AuditLog.open(file, { keys, checkpointEvery: 8 });
  assert.equal(log.size, 21);
  assert.deepEqual(log.checkpoints().map((c) => c.tree_size), [8, 16, 21]);
  for (let n = 1; n <= 21; n++) {
    const root = rootOf(leaves, n);
    assert.equal(log.root(n), Buffer.from(root).toString('hex'));
    for (let m = 0; m < n; m += 3) {
      const p = log.inclusionProof(m, n);
      assert.ok(verifyInclusion(m, n, leaves[m], p.proof.map(fromHex), root), `inclusion ${m}/${n}`);
    }
    for (let m = 0; m <= n; m += 2) {
      const c = log.consistencyProof(m, n);
      assert.ok(verifyConsistency(m, n, c.proof.map(fromHex), fromHex(c.root1), root), `consistency ${m}→${n}`);
    }
  }
  assert.deepEqual(log.entry(4), JSON.parse(texts[4]));
  assert.throws(() => log.inclusionProof(21), /unknown entry 21/);
  assert.throws(() => log.consistencyProof(5, 30), /beyond the log/);
  log.close();
  const r = verifyFile(file);
  assert.ok(r.ok, JSON.stringify(r.problems));
  assert.equal(r.signed_size, 21);
});

test('every single edit, deletion, reordering and insertion at every position of a small log is found, also when all hashes were recomputed', () => {
  const { file, texts } = buildLog(9, 4);
  const forged = canonicalJson({ decision_id: 'forged', output: 'benign', confidence: 0.99 });
  const cases: Array<[string, string[]]> = [];
  for (let i = 0; i < texts.length; i++) {
    cases.push([`edit ${i}`, texts.map((t, j) => (j === i ? forged : t))]);
    cases.push([`delete ${i}`, texts.filter((_, j) => j !== i)]);
    if (i + 1 < texts.length) cases.push([`swap ${i},${i + 1}`, texts.map((t, j) => (j === i ? texts[i + 1] : j === i + 1 ? texts[i] : t))]);
    cases.push([`insert before ${i}`, [...texts.slice(0, i), forged, ...texts.slice(i)]]);
  }
  for (const [name, next] of cases) {
    // Naive attacker: changes only the entries table, keeping row numbers where they were.
    const naive = tamper(file, (db) => {
      db.exec('DELETE FROM entries');
      const ins = db.prepare('INSERT INTO entries (idx, data) VALUES (?, ?)');
      if (name.startsWith('delete')) texts.forEach((t, j) => { if (`delete ${j}` !== name) ins.run(j, t); });
      else next.forEach((t, j) => ins.run(j, t));
    });
    const a = verifyFile(naive);
    assert.ok(!a.ok && a.problems.length > 0, `naive ${name} not detected`);
    assert.ok(a.problems.every((p) => p.what && p.where), name);
    // Consistent attacker: entries, leaves and nodes all recomputed; only the signed checkpoints stand in the way.
    const strong = tamper(file, (db) => rewriteAll(db, next));
    const b = verifyFile(strong);
    assert.ok(!b.ok, `consistent rewrite ${name} not detected`);
    assert.ok(b.problems.some((p) => /checkpoint/.test(p.where)), `${name}: ${JSON.stringify(b.problems)}`);
  }
  // Where: an edited entry is named as such, at its index.
  const e = verifyFile(tamper(file, (db) => db.prepare('UPDATE entries SET data = ? WHERE idx = 5').run(forged)));
  assert.deepEqual(e.problems[0], { what: 'its content does not hash to its recorded leaf hash (edited)', where: 'entry 5' });
  const d = verifyFile(tamper(file, (db) => db.exec('DELETE FROM entries WHERE idx = 3')));
  assert.match(d.problems[0].where, /entry 3/);
  assert.match(d.problems[0].what, /deleted/);
  const s = verifyFile(tamper(file, (db) => { db.prepare('UPDATE entries SET data = ? WHERE idx = 2').run(texts[3]); db.prepare('UPDATE entries SET data = ? WHERE idx = 3').run(texts[2]); db.prepare('UPDATE nodes SET hash = ? WHERE level = 0 AND idx = 2').run(leafHash(texts[3])); db.prepare('UPDATE nodes SET hash = ? WHERE level = 0 AND idx = 3').run(leafHash(texts[2])); }));
  assert.match(s.problems[0].what, /reordered/);
  assert.equal(s.problems[0].where, 'entries 2–3');
});

test('a rewritten checkpoint is found: changed fields, a foreign key, a deleted tail with its checkpoints, a checkpoint from another log', () => {
  const { file, texts } = buildLog(9, 4);
  const rows = () => { const db = new Database(file, { readonly: true }); const r = db.prepare('SELECT tree_size, body FROM checkpoints').all() as Array<{ tree_size: number; body: string }>; db.close(); return r; };
  for (const row of rows()) {
    const cp = JSON.parse(row.body);
    for (const [field, value] of [['root', '00'.repeat(32)], ['tree_size', row.tree_size - 1], ['origin', 'qml6g-audit/elsewhere'], ['timestamp', '2000-01-01T00:00:00.000Z']] as const) {
      const bad = tamper(file, (db) => db.prepare('UPDATE checkpoints SET body = ? WHERE tree_size = ?').run(canonicalJson({ ...cp, [field]: value }), row.tree_size));
      const r = verifyFile(bad);
      assert.ok(!r.ok, `checkpoint ${row.tree_size}: ${field} rewritten not detected`);
      assert.ok(r.problems.some((p) => p.where === `checkpoint at size ${row.tree_size}`), JSON.stringify(r.problems));
    }
    // Re-signed by an attacker's own key over a rewritten log.
    const forgedTexts = texts.map((t, j) => (j === 0 ? canonicalJson({ decision_id: 'forged' }) : t));
    const bad = tamper(file, (db) => {
      rewriteAll(db, forgedTexts);
      const rootHex = Buffer.from(rootOf(forgedTexts.map((t) => leafHash(t)), row.tree_size)).toString('hex');
      db.prepare('UPDATE checkpoints SET body = ? WHERE tree_size = ?').run(canonicalJson(signCheckpoint({ origin: cp.origin, tree_size: row.tree_size, root: rootHex }, other)), row.tree_size);
    });
    const r = verifyFile(bad);
    assert.ok(r.problems.some((p) => /not trusted/.test(p.what)), JSON.stringify(r.problems));
  }
  // The tail deleted with the checkpoints that covered it: only a checkpoint kept elsewhere can tell.
  const log = AuditLog.open(file, { readonly: true });
  const kept = log.latestCheckpoint()!;
  log.close();
  const cut = tamper(file, (db) => { db.exec('DELETE FROM entries WHERE idx >= 6; DELETE FROM nodes; DELETE FROM checkpoints WHERE tree_size > 6'); rewriteAll(db, texts.slice(0, 6)); });
  assert.ok(verifyFile(cut).ok, 'without an outside checkpoint a clean truncation looks like a shorter log');
  const r = verifyFile(cut, { checkpoint: kept });
  assert.ok(!r.ok && /deleted from the end/.test(r.problems[0].what), JSON.stringify(r.problems));
  const foreign = buildLog(3, 0);
  const f = AuditLog.open(foreign.file, { readonly: true });
  const fcp = f.latestCheckpoint()!;
  f.close();
  assert.throws(() => verifyFile(file, { checkpoint: fcp }), /from another log/);
});

test('tampering at sampled positions of a large log is found', () => {
  const n = 3000;
  const file = fresh();
  const log = AuditLog.open(file, { keys, checkpointEvery: 1000 });
  const texts: string[] = [];
  const batch: object[] = [];
  for (let i = 0; i < n; i++) { const e = { decision_id: `d${i}`, score: i / n }; batch.push(e); texts.push(canonicalJson(e)); }
  log.appendMany(batch);
  log.close();
  assert.ok(verifyFile(file).ok);
  const rng = new Rng(2026);
  for (let s = 0; s < 12; s++) {
    const i = rng.int(n - 1), kind = s % 4;
    const next = kind === 0 ? texts.map((t, j) => (j === i ? canonicalJson({ decision_id: 'forged' }) : t))
      : kind === 1 ? texts.filter((_, j) => j !== i)
        : kind === 2 ? texts.map((t, j) => (j === i ? texts[i + 1] : j === i + 1 ? texts[i] : t))
          : [...texts.slice(0, i), canonicalJson({ decision_id: 'inserted' }), ...texts.slice(i)];
    const r = verifyFile(tamper(file, (db) => rewriteAll(db, next)));
    assert.ok(!r.ok, `kind ${kind} at ${i}`);
    const edited = verifyFile(tamper(file, (db) => db.prepare('UPDATE entries SET data = ? WHERE idx = ?').run(canonicalJson({ x: s }), i)));
    assert.equal(edited.problems[0].where, `entry ${i}`);
  }
});

test('kill -9 during appends loses no acknowledged entry', async () => {
  const file = fresh();
  const mod = new URL('./audit-log.js', import.meta.url).href;
  const script = path.join(tmp, 'appender.mjs');
  fs.writeFileSync(script, `import { AuditLog } from ${JSON.stringify(mod)};\nconst log = AuditLog.open(process.argv[2], { checkpointEvery: 50 });\nfor (let i = 0; ; i++) { const r = log.append({ seq: i, pad: 'x'.repeat(i % 97) }); process.stdout.write(r.index + '\\n'); }\n`);
  const child = spawn(process.execPath, [script, file], { stdio: ['ignore', 'pipe', 'inherit'] });
  let acked = -1, buf = '';
  await new Promise<void>((resolve) => {
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop()!;
      for (const l of lines) acked = Number(l);
      if (acked >= 400 && !child.killed) child.kill('SIGKILL');
    });
    child.on('exit', () => resolve());
  });
  assert.ok(acked >= 400);
  const log = AuditLog.open(file, { readonly: true });
  assert.ok(log.size >= acked + 1, `acknowledged ${acked + 1}, found ${log.size}`);
  for (let i = 0; i <= acked; i += 37) assert.deepEqual(log.entry(i), { seq: i, pad: 'x'.repeat(i % 97) });
  const r = verifyLog(log);
  log.close();
  assert.ok(r.ok, JSON.stringify(r.problems));
  // And the log goes on: a new writer resumes the tree where the killed one stopped.
  const again = AuditLog.open(file, { checkpointEvery: 50 });
  again.append({ after: 'restart' });
  again.close();
  const v = AuditLog.open(file, { readonly: true });
  assert.ok(verifyLog(v).ok);
  v.close();
});
