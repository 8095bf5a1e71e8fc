/**
 * One way to open a SQLite file for every layer that keeps state (the experiment store, the audit
 * log, the oversight queue): better-sqlite3 12.x, WAL journal (readers never block the writer and a
 * kill -9 loses no committed transaction), foreign keys on, and numbered migrations applied in order
 * inside one transaction each. A file that is not a SQLite database, or fails its quick integrity
 * check, is refused with a QmlError naming it; it is never overwritten.
 *
 * @example
 * import { openDatabase } from 'qml6g';
 * const db = openDatabase(':memory:', [{ version: 1, name: 'init', sql: 'CREATE TABLE t (x INTEGER)' }]);
 * db.prepare('INSERT INTO t VALUES (?)').run(1);
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { QmlError } from './errors.js';

export type Db = Database.Database;

export interface Migration {
  /** 1, 2, 3, ...: applied in this order, each once. */
  version: number;
  name: string;
  sql: string;
}

/** Reads numbered migration files (`001-init.sql`, `002-metrics.sql`, ...) from a folder. */
export function migrationsFrom(dir: string): Migration[] {
  const files = fs.readdirSync(dir).filter((f) => /^\d+[-_].*\.sql$/.test(f)).sort();
  return files.map((f) => ({ version: Number.parseInt(f, 10), name: f.replace(/\.sql$/, ''), sql: fs.readFileSync(path.join(dir, f), 'utf8') }));
}

export interface OpenOptions {
  readonly?: boolean;
  /** Milliseconds to wait for another process's write lock (default 5000). */
  busyTimeoutMs?: number;
}

export function openDatabase(file: string, migrations: Migration[], opts: OpenOptions = {}): Db {
  if (file !== ':memory:') {
    if (fs.existsSync(file)) {
      const st = fs.statSync(file);
      if (!st.isFile()) throw new QmlError(`not a database file: it is a ${st.isDirectory() ? 'directory' : 'special file'}`, file);
      if (st.size > 0) {
        const fd = fs.openSync(file, 'r');
        const head = Buffer.alloc(16);
        fs.readSync(fd, head, 0, 16, 0);
        fs.closeSync(fd);
        if (head.toString('latin1') !== 'SQLite format 3\u0000') throw new QmlError('not a SQLite database (corrupt or another kind of file); it was left untouched', file);
      }
    } else if (!opts.readonly) {
      fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    } else {
      throw new QmlError('database file does not exist', file);
    }
  }
  let db: Db;
  try {
    db = new Database(file, { readonly: opts.readonly ?? false, fileMustExist: opts.readonly ?? false });
  } catch (e) {
    throw new QmlError(`cannot open database: ${(e as Error).message}`, file);
  }
  try {
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(opts.busyTimeoutMs ?? 5000))}`);
    if (!opts.readonly && file !== ':memory:') db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    const ok = db.pragma('quick_check', { simple: true });
    if (ok !== 'ok') throw new QmlError(`database fails its integrity check (${String(ok)}); it was left untouched`, file);
    if (!opts.readonly) migrate(db, migrations, file);
  } catch (e) {
    db.close();
    if (e instanceof QmlError) throw e;
    throw new QmlError(`cannot use database: ${(e as Error).message}`, file);
  }
  return db;
}

function migrate(db: Db, migrations: Migration[], where: string): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
  const done = new Set((db.prepare('SELECT version FROM schema_migrations').all() as Array<{ version: number }>).map((r) => r.version));
  const sorted = [...migrations].sort((a, b) => a.version - b.version);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].version === sorted[i - 1].version) throw new QmlError(`two migrations numbered ${sorted[i].version}`, where);
  }
  const known = new Set(sorted.map((m) => m.version));
  for (const v of done) if (!known.has(v)) throw new QmlError(`database was written by a newer qml6g (schema version ${v} is unknown here)`, where);
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  for (const m of sorted) {
    if (done.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      record.run(m.version, m.name, new Date().toISOString());
    })();
  }
}
