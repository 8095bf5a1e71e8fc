/**
 * `audit verify`: replays the log from its entries alone, recomputes every leaf and subtree hash and
 * every checkpointed root, and compares them with what the log recorded and what was signed. Each
 * problem says what and where: an edited entry (its content no longer hashes to its leaf), a gap
 * (deleted entries), a subtree whose entries no longer combine to its recorded hash (reordered or
 * inserted entries), a checkpoint whose root the entries no longer give (a consistent rewrite of
 * entries, leaves and nodes), a checkpoint whose signature fails or whose key is not trusted (a
 * rewritten checkpoint), a log shorter than a checkpoint (truncation).
 *
 * @example
 * import os from 'node:os';
 * import path from 'node:path';
 * import { AuditLog, verifyLog } from 'qml6g';
 * const log = AuditLog.open(path.join(os.tmpdir(), `audit-verify-${process.pid}.db`));
 * log.append({ decision_id: 'd1' });
 * const cp = log.checkpoint();
 * verifyLog(log, { checkpoint: cp }).ok; // true
 * log.close();
 */
import { QmlError } from '../core/errors.js';
import { trustedKeys } from '../supply/keys.js';
import type { AuditLog } from './audit-log.js';
import { parseCheckpoint, verifyCheckpoint, type Checkpoint } from './checkpoint.js';
import { emptyRoot, equalHash, leafHash, nodeHash, toHex, type Hash } from './merkle.js';

export interface Problem { what: string; where: string }

export interface VerifyReport {
  ok: boolean;
  origin: string;
  tree_size: number;
  root: string;
  entries_checked: number;
  nodes_checked: number;
  checkpoints_checked: number;
  /** The largest size covered by a valid signed checkpoint (entries beyond it are not yet signed). */
  signed_size: number;
  problems: Problem[];
  notes: string[];
}

export interface VerifyOptions {
  /** A checkpoint kept outside the log (from `audit checkpoint`), checked like the stored ones. */
  checkpoint?: Checkpoint;
  /** Public keys whose checkpoints are accepted (default: the user's trusted keys). */
  trusted?: Uint8Array[];
  /** Stop listing after this many problems (default 20; verification itself always runs to the end). */
  maxProblems?: number;
}

const range = (a: number, b: number) => (b - a === 1 ? `entry ${a}` : `entries ${a}–${b - 1}`);

export function verifyLog(log: AuditLog, opts: VerifyOptions = {}): VerifyReport {
  const trusted = opts.trusted ?? trustedKeys();
  const max = opts.maxProblems ?? 20;
  const problems: Problem[] = [];
  const notes: string[] = [];
  let dropped = 0;
  const report = (what: string, where: string) => { if (problems.length < max) problems.push({ what, where }); else dropped++; };

  // Stored subtree hashes, level by level (one flat buffer per level).
  const stored: Array<{ buf: Buffer; has: Uint8Array }> = [];
  const maxIdx = (log.db.prepare('SELECT max(idx) AS m FROM entries').get() as { m: number | null }).m;
  const claimed = maxIdx === null ? 0 : maxIdx + 1;
  for (let l = 0; 2 ** l <= Math.max(claimed, 1); l++) {
    const count = Math.floor(claimed / 2 ** l);
    stored.push({ buf: Buffer.alloc(count * 32), has: new Uint8Array(count) });
  }
  let nodesChecked = 0;
  for (const r of log.db.prepare('SELECT level, idx, hash FROM nodes ORDER BY level, idx').iterate() as Iterable<{ level: number; idx: number; hash: Buffer }>) {
    const lv = stored[r.level];
    if (!lv || r.idx < 0 || r.idx >= lv.has.length || r.hash.length !== 32) {
      report(`a tree node that no entry accounts for (level ${r.level}, index ${r.idx}): nodes were added or entries deleted`, `node ${r.level}/${r.idx}`);
      continue;
    }
    r.hash.copy(lv.buf, r.idx * 32);
    lv.has[r.idx] = 1;
  }
  const storedAt = (l: number, j: number): Hash | undefined => {
    const lv = stored[l];
    return lv && j < lv.has.length && lv.has[j] ? new Uint8Array(lv.buf.buffer, lv.buf.byteOffset + j * 32, 32) : undefined;
  };

  // Checkpoints stored in the log, plus the one given: which sizes need a recomputed root.
  const cps: Array<{ cp: Checkpoint; where: string }> = [];
  for (const row of log.checkpoints()) {
    const where = `checkpoint at size ${row.tree_size}`;
    let cp: Checkpoint;
    try {
      cp = parseCheckpoint(JSON.parse(row.body), where);
    } catch (e) {
      report(`malformed checkpoint (${e instanceof QmlError ? e.message : (e as Error).message}): it was rewritten`, where);
      continue;
    }
    if (cp.tree_size !== row.tree_size) report(`the checkpoint says size ${cp.tree_size} but is filed under size ${row.tree_size}: it was rewritten`, where);
    cps.push({ cp, where });
  }
  if (opts.checkpoint) {
    if (opts.checkpoint.origin !== log.origin) throw new QmlError(`the checkpoint is from another log (origin ${opts.checkpoint.origin}; this log is ${log.origin})`);
    cps.push({ cp: opts.checkpoint, where: `the given checkpoint (size ${opts.checkpoint.tree_size})` });
  }
  const need = new Set(cps.map((c) => c.cp.tree_size));
  const rootsAt = new Map<number, Hash>();
  if (need.has(0)) rootsAt.set(0, emptyRoot());

  // Replay: recompute leaves and completed subtrees in order, comparing each with the stored one.
  // A subtree is reported only where its children were fine, so a problem is named at its lowest level.
  const frontier: Array<{ level: number; hash: Hash; bad: boolean }> = [];
  let i = 0;
  for (const r of log.db.prepare('SELECT idx, data FROM entries ORDER BY idx').iterate() as Iterable<{ idx: number; data: string }>) {
    if (r.idx !== i) {
      if (r.idx > i) report(`${range(i, r.idx)} missing (deleted); the next entry is numbered ${r.idx}`, range(i, r.idx));
      else report(`entry numbered ${r.idx} out of order`, `entry ${r.idx}`);
    }
    const h = leafHash(r.data);
    const s = storedAt(0, i);
    let bad = false;
    if (!s) { report('no leaf hash recorded for this entry (inserted)', `entry ${i}`); bad = true; }
    else if (!equalHash(h, s)) { report(r.idx === i ? 'its content does not hash to its recorded leaf hash (edited)' : 'the entry at this position does not hash to the recorded leaf (deleted, inserted or reordered entries)', `entry ${i}`); bad = true; }
    let cur = { level: 0, hash: h, bad };
    while (frontier.length && frontier[frontier.length - 1].level === cur.level) {
      const left = frontier.pop()!;
      const level = cur.level + 1, j = Math.floor(i / 2 ** level);
      const hh = nodeHash(left.hash, cur.hash);
      const sn = storedAt(level, j);
      nodesChecked++;
      let nb = left.bad || cur.bad;
      if (!sn || !equalHash(hh, sn)) {
        if (!nb) report(`the entries no longer combine to the recorded tree node (level ${level}): reordered, inserted or rewritten within this range`, range(j * 2 ** level, (j + 1) * 2 ** level));
        nb = true;
      }
      cur = { level, hash: hh, bad: nb };
    }
    frontier.push(cur);
    i++;
    if (need.has(i)) {
      let root = frontier[frontier.length - 1].hash;
      for (let k = frontier.length - 2; k >= 0; k--) root = nodeHash(frontier[k].hash, root);
      rootsAt.set(i, root);
    }
  }
  const n = i;
  if (claimed !== n && !problems.some((p) => p.what.includes('missing'))) report(`the log claims ${claimed} entries but holds ${n}`, 'entries');
  let root = emptyRoot();
  if (frontier.length) {
    root = frontier[frontier.length - 1].hash;
    for (let k = frontier.length - 2; k >= 0; k--) root = nodeHash(frontier[k].hash, root);
  }

  // Checkpoints: signature, trusted key, origin, size, root.
  let signed = 0, checked = 0, prevOk = 0;
  const sorted = [...cps].sort((a, b) => a.cp.tree_size - b.cp.tree_size);
  for (const { cp, where } of sorted) {
    checked++;
    const sig = verifyCheckpoint(cp, trusted);
    if (!sig.ok) { report(`${sig.reason}`, where); continue; }
    if (cp.origin !== log.origin) { report(`the checkpoint names another log (${cp.origin}): it was rewritten or copied in`, where); continue; }
    if (cp.tree_size > n) { report(`the checkpoint covers ${cp.tree_size} entries but the log holds ${n} (entries deleted from the end)`, where); continue; }
    const mine = rootsAt.get(cp.tree_size)!;
    if (toHex(mine) !== cp.root) {
      report(`the entries no longer give the signed root ${cp.root.slice(0, 16)}… (recomputed ${toHex(mine).slice(0, 16)}…): something in ${range(prevOk, cp.tree_size)} was rewritten`, where);
      continue;
    }
    prevOk = cp.tree_size;
    signed = Math.max(signed, cp.tree_size);
  }
  if (n > signed) notes.push(`${range(signed, n)} not yet covered by a signed checkpoint (run qml6g audit checkpoint to sign one)`);
  if (dropped) notes.push(`${dropped} further problems not listed`);
  return {
    ok: problems.length === 0 && dropped === 0, origin: log.origin, tree_size: n, root: toHex(root),
    entries_checked: n, nodes_checked: nodesChecked, checkpoints_checked: checked, signed_size: signed, problems, notes,
  };
}
