/**
 * The audit log: an append-only RFC 9162 Merkle tree log in one SQLite file (WAL). Each entry is
 * canonical JSON; its leaf hash and every completed subtree hash are written in the same
 * transaction, so an append that returned is on disk (a kill -9 loses nothing acknowledged; WAL with
 * synchronous=NORMAL only risks the last commits on power loss), and a proof at any size reads
 * O(log n) stored nodes. A signed checkpoint (origin, size, root) is written every
 * `checkpointEvery` entries and when the log is closed.
 *
 * @example
 * import os from 'node:os';
 * import path from 'node:path';
 * import { AuditLog, verifyInclusion, fromHex } from 'qml6g';
 * const log = AuditLog.open(path.join(os.tmpdir(), `audit-${process.pid}.db`));
 * const { index } = log.append({ decision_id: 'd1', output: 'attack', confidence: 0.93 });
 * const p = log.inclusionProof(index);
 * verifyInclusion(p.leaf_index, p.tree_size, fromHex(p.leaf_hash), p.proof.map(fromHex), fromHex(p.root)); // true
 * log.close(); // writes the closing checkpoint
 */
import crypto from 'node:crypto';
import type Database from 'better-sqlite3';
import path from 'node:path';
import { QmlError } from '../core/errors.js';
import { openDatabase, type Db } from '../core/sqlite.js';
import { qml6gHome, signingKey } from '../supply/keys.js';
import { canonicalJson, type KeyPair } from '../supply/signing.js';
import { parseCheckpoint, signCheckpoint, type Checkpoint } from './checkpoint.js';
import { consistencyPath, emptyRoot, inclusionPath, leafHash, nodeHash, rangeHash, toHex, type Hash, type SubtreeSource } from './merkle.js';
import { governanceMigrations } from './migrations.js';

export function defaultLogFile(): string {
  return path.join(qml6gHome(), 'audit.db');
}

export interface AuditLogOptions {
  /** A signed checkpoint every this many entries (default 1000; 0 = only on close and on request). */
  checkpointEvery?: number;
  /** The signing key (default: the user's ML-DSA-65 key from $QML6G_HOME, loaded when first needed). */
  keys?: KeyPair;
  /** Open without writing (proofs, verification); the file must exist. */
  readonly?: boolean;
}

export interface InclusionProof { leaf_index: number; tree_size: number; leaf_hash: string; root: string; proof: string[] }
export interface ConsistencyProof { size1: number; size2: number; root1: string; root2: string; proof: string[] }

export class AuditLog {
  private frontier: Array<{ level: number; hash: Hash }> = [];
  /** Set when the stored right edge of the tree is missing: verification still runs, appends and roots refuse. */
  private damage: QmlError | undefined;
  private n = 0;
  private lastCheckpointSize = -1;
  private keys: KeyPair | undefined;
  private closed = false;
  private readonly writeTx: Database.Transaction<(texts: string[]) => { first: number; lastLeaf: Hash | undefined }>;
  private readonly st: {
    maxIdx: Database.Statement; insEntry: Database.Statement; insNode: Database.Statement; node: Database.Statement;
    entry: Database.Statement; insCp: Database.Statement; lastCp: Database.Statement;
  };

  private constructor(readonly db: Db, readonly file: string, readonly origin: string, private readonly opts: AuditLogOptions) {
    this.keys = opts.keys;
    // One transaction wrapper for every append (creating it per call costs more than the insert).
    this.writeTx = db.transaction((texts: string[]) => this.writeBatch(texts));
    this.st = {
      maxIdx: db.prepare('SELECT max(idx) AS m FROM entries'),
      insEntry: readonlyStmt(db, opts.readonly, 'INSERT INTO entries (idx, data) VALUES (?, ?)'),
      insNode: readonlyStmt(db, opts.readonly, 'INSERT INTO nodes (level, idx, hash) VALUES (?, ?, ?)'),
      node: db.prepare('SELECT hash FROM nodes WHERE level = ? AND idx = ?').pluck(),
      entry: db.prepare('SELECT data FROM entries WHERE idx = ?').pluck(),
      insCp: readonlyStmt(db, opts.readonly, 'INSERT OR IGNORE INTO checkpoints (tree_size, body) VALUES (?, ?)'),
      lastCp: db.prepare('SELECT body FROM checkpoints ORDER BY tree_size DESC LIMIT 1').pluck(),
    };
    this.reload();
  }

  /** Opens (creating when needed) the log in `file` (default $QML6G_HOME/audit.db). */
  static open(file = defaultLogFile(), opts: AuditLogOptions = {}): AuditLog {
    const every = opts.checkpointEvery ?? 1000;
    if (!Number.isInteger(every) || every < 0) throw new QmlError(`checkpointEvery must be a non-negative integer, got ${every}`);
    const db = openDatabase(file, governanceMigrations, { readonly: opts.readonly });
    try {
      const has = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'log_meta'").get();
      if (!has) throw new QmlError('not a qml6g audit log (no log_meta table)', file);
      if (!opts.readonly) db.pragma('synchronous = NORMAL');
      let origin = db.prepare("SELECT value FROM log_meta WHERE key = 'origin'").pluck().get() as string | undefined;
      if (!origin) {
        if (opts.readonly) throw new QmlError('not a qml6g audit log (no origin recorded)', file);
        // The origin names this log for ever: checkpoints of another log are refused by it.
        origin = `qml6g-audit/${crypto.randomBytes(12).toString('hex')}`;
        db.prepare("INSERT OR IGNORE INTO log_meta (key, value) VALUES ('origin', ?)").run(origin);
        origin = db.prepare("SELECT value FROM log_meta WHERE key = 'origin'").pluck().get() as string;
      }
      return new AuditLog(db, file, origin, { ...opts, checkpointEvery: every });
    } catch (e) {
      db.close();
      throw e;
    }
  }

  get size(): number {
    return this.n;
  }

  /** Re-reads the size and the right edge of the tree (another process may have appended). */
  private reload(): void {
    const m = this.st.maxIdx.get() as { m: number | null };
    this.n = m.m === null ? 0 : m.m + 1;
    this.frontier = [];
    this.damage = undefined;
    let off = 0;
    try {
      for (let l = 52; l >= 0; l--) {
        const w = 2 ** l;
        if (Math.floor(this.n / w) % 2 === 1) {
          this.frontier.push({ level: l, hash: this.subtree(l, off / w) });
          off += w;
        }
      }
    } catch (e) {
      if (!(e instanceof QmlError)) throw e;
      this.damage = e;
    }
    const last = this.latestCheckpoint();
    this.lastCheckpointSize = last ? last.tree_size : -1;
  }

  /** The stored hash of a complete subtree. */
  private subtree(level: number, index: number): Hash {
    const h = this.st.node.get(level, index) as Buffer | undefined;
    if (!h || h.length !== 32) throw new QmlError(`the log is damaged: the tree node at level ${level}, index ${index} is missing (run qml6g audit verify)`, this.file);
    return new Uint8Array(h.buffer, h.byteOffset, 32);
  }

  private readonly source: SubtreeSource = (l, j) => this.subtree(l, j);

  /** The tree head over the first `size` entries (default: all). */
  rootHash(size = this.n): Hash {
    this.checkSize(size, 'size');
    if (this.damage) throw this.damage;
    if (size === this.n) {
      if (!this.frontier.length) return emptyRoot();
      let r = this.frontier[this.frontier.length - 1].hash;
      for (let i = this.frontier.length - 2; i >= 0; i--) r = nodeHash(this.frontier[i].hash, r);
      return r;
    }
    return rangeHash(this.source, 0, size);
  }

  root(size = this.n): string {
    return toHex(this.rootHash(size));
  }

  private checkSize(size: number, what: string): void {
    if (!Number.isSafeInteger(size) || size < 0) throw new QmlError(`${what} must be a non-negative integer, got ${size}`);
    if (size > this.n) throw new QmlError(`${what} ${size} is beyond the log, which has ${this.n} entries`, this.file);
  }

  private pushLeaf(index: number, h: Hash): void {
    this.st.insNode.run(0, index, h);
    let cur = { level: 0, hash: h };
    while (this.frontier.length && this.frontier[this.frontier.length - 1].level === cur.level) {
      const left = this.frontier.pop()!;
      cur = { level: cur.level + 1, hash: nodeHash(left.hash, cur.hash) };
      this.st.insNode.run(cur.level, Math.floor(index / 2 ** cur.level), cur.hash);
    }
    this.frontier.push(cur);
  }

  /**
   * Appends entries (plain JSON objects) in one transaction; when it returns they are committed.
   * Every `checkpointEvery` entries a signed checkpoint is written in the same transaction.
   */
  appendMany(entries: readonly object[]): { first: number; count: number; tree_size: number; root: string } {
    const { first } = this.write(entries);
    return { first, count: entries.length, tree_size: this.n, root: this.root() };
  }

  /** Appends one entry; returns its index and leaf hash once committed. */
  append(entry: object): { index: number; leaf_hash: string } {
    const { first, lastLeaf } = this.write([entry]);
    return { index: first, leaf_hash: toHex(lastLeaf!) };
  }

  private write(entries: readonly object[]): { first: number; lastLeaf: Hash | undefined } {
    if (this.opts.readonly) throw new QmlError('the log was opened read-only', this.file);
    if (this.closed) throw new QmlError('the log is closed', this.file);
    entries.forEach((e, i) => {
      if (!e || typeof e !== 'object' || Array.isArray(e)) throw new QmlError('an audit entry must be a JSON object', `entry ${i}`);
    });
    const texts = entries.map((e) => canonicalJson(e));
    return this.writeTx.immediate(texts);
  }

  private writeBatch(texts: string[]): { first: number; lastLeaf: Hash | undefined } {
    const every = this.opts.checkpointEvery ?? 1000;
    const m = this.st.maxIdx.get() as { m: number | null };
    if ((m.m === null ? 0 : m.m + 1) !== this.n) this.reload();
    if (this.damage) throw this.damage;
    const first = this.n;
    let lastLeaf: Hash | undefined;
    for (const t of texts) {
      const idx = this.n;
      this.st.insEntry.run(idx, t);
      lastLeaf = leafHash(t);
      this.pushLeaf(idx, lastLeaf);
      this.n = idx + 1;
      if (every > 0 && this.n % every === 0) this.writeCheckpoint();
    }
    return { first, lastLeaf };
  }

  /** The entry at `index`, parsed. */
  entry(index: number): unknown {
    if (!Number.isSafeInteger(index) || index < 0 || index >= this.n) throw new QmlError(`unknown entry ${index}: the log has ${this.n} entries (0 to ${this.n - 1})`, this.file);
    return JSON.parse(this.st.entry.get(index) as string);
  }

  /** Every entry in order (a read-only scan). */
  *entries(from = 0): Generator<{ index: number; entry: unknown }> {
    for (const r of this.db.prepare('SELECT idx, data FROM entries WHERE idx >= ? ORDER BY idx').iterate(from) as Iterable<{ idx: number; data: string }>) {
      yield { index: r.idx, entry: JSON.parse(r.data) };
    }
  }

  /** RFC 9162 inclusion proof of entry `index` in the tree of `size` entries (default: the whole log). */
  inclusionProof(index: number, size = this.n): InclusionProof {
    this.checkSize(size, 'tree size');
    if (!Number.isSafeInteger(index) || index < 0 || index >= size) throw new QmlError(`unknown entry ${index}: the tree of size ${size} has entries 0 to ${size - 1}`, this.file);
    return {
      leaf_index: index, tree_size: size, leaf_hash: toHex(this.subtree(0, index)), root: this.root(size),
      proof: inclusionPath(this.source, index, 0, size).map(toHex),
    };
  }

  /** RFC 9162 consistency proof between the trees of `size1` and `size2` entries. */
  consistencyProof(size1: number, size2 = this.n): ConsistencyProof {
    this.checkSize(size2, 'size2');
    this.checkSize(size1, 'size1');
    if (size1 > size2) throw new QmlError(`size1 (${size1}) must not exceed size2 (${size2})`);
    return { size1, size2, root1: this.root(size1), root2: this.root(size2), proof: consistencyPath(this.source, size1, size2).map(toHex) };
  }

  private writeCheckpoint(): Checkpoint {
    this.keys ??= signingKey();
    const cp = signCheckpoint({ origin: this.origin, tree_size: this.n, root: this.root() }, this.keys);
    this.st.insCp.run(this.n, canonicalJson(cp));
    this.lastCheckpointSize = this.n;
    return cp;
  }

  latestCheckpoint(): Checkpoint | null {
    const body = this.st.lastCp.get() as string | undefined;
    return body === undefined ? null : parseCheckpoint(JSON.parse(body), `${this.file}: latest checkpoint`);
  }

  /** Every stored checkpoint, by size (parsed, not verified). */
  checkpoints(): Array<{ body: string; tree_size: number }> {
    return this.db.prepare('SELECT tree_size, body FROM checkpoints ORDER BY tree_size').all() as Array<{ body: string; tree_size: number }>;
  }

  /** The signed checkpoint at the current size, signing one when the latest is older. */
  checkpoint(): Checkpoint {
    const last = this.latestCheckpoint();
    if (last && last.tree_size === this.n) return last;
    if (this.opts.readonly) {
      if (last) return last;
      throw new QmlError('the log has no checkpoint yet (open it for writing to sign one)', this.file);
    }
    return this.db.transaction(() => this.writeCheckpoint()).immediate();
  }

  /** Writes the closing checkpoint (when entries were added since the last) and closes the file. */
  close(): void {
    if (this.closed) return;
    try {
      if (!this.opts.readonly && this.n !== this.lastCheckpointSize) this.checkpoint();
    } finally {
      this.closed = true;
      this.db.close();
    }
  }
}

function readonlyStmt(db: Db, readonly: boolean | undefined, sql: string): Database.Statement {
  // A read-only connection cannot prepare writes; it never runs this one.
  return readonly ? db.prepare('SELECT 1') : db.prepare(sql);
}
