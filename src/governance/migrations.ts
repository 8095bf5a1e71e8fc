/**
 * The governance database (one SQLite file: the audit log and the oversight queue beside it), as
 * numbered migrations for `openDatabase`. Triggers make the log tables append-only for every
 * well-behaved writer; a hostile writer can drop them, which is why the tree and signed checkpoints
 * exist (`audit verify` catches what the triggers cannot stop).
 */
import type { Migration } from '../core/sqlite.js';

export const governanceMigrations: Migration[] = [
  {
    version: 1,
    name: 'audit-log',
    sql: `
CREATE TABLE log_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
-- One row per entry: its canonical JSON, exactly the bytes that were hashed into the leaf.
CREATE TABLE entries (idx INTEGER PRIMARY KEY, data TEXT NOT NULL);
-- Hashes of complete subtrees: level l, index j covers entries [j*2^l, (j+1)*2^l); level 0 = leaf hashes.
CREATE TABLE nodes (level INTEGER NOT NULL, idx INTEGER NOT NULL, hash BLOB NOT NULL, PRIMARY KEY (level, idx)) WITHOUT ROWID;
-- Signed tree heads, one per size at which one was written.
CREATE TABLE checkpoints (tree_size INTEGER PRIMARY KEY, body TEXT NOT NULL);
CREATE TRIGGER entries_append_only_u BEFORE UPDATE ON entries BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER entries_append_only_d BEFORE DELETE ON entries BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER nodes_append_only_u BEFORE UPDATE ON nodes BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER nodes_append_only_d BEFORE DELETE ON nodes BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER checkpoints_append_only_u BEFORE UPDATE ON checkpoints BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only'); END;
CREATE TRIGGER checkpoints_append_only_d BEFORE DELETE ON checkpoints BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only'); END;
`,
  },
  {
    version: 2,
    name: 'oversight-queue',
    sql: `
-- Decisions that policy sent to a person: they wait until a person acts or the deadline passes
-- (then the safe default applies).
CREATE TABLE oversight_items (
  id TEXT PRIMARY KEY,
  created TEXT NOT NULL,
  deadline TEXT NOT NULL,
  decision TEXT NOT NULL,          -- JSON: the automated decision as proposed
  safe_default TEXT NOT NULL,      -- JSON: what happens if nobody acts in time
  reasons TEXT NOT NULL,           -- JSON list: why a person must look (low confidence, high impact, ...)
  status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'overridden', 'reversed', 'expired', 'stopped')),
  outcome TEXT,                    -- JSON: what was finally applied
  actor TEXT,
  acted_at TEXT,
  note TEXT
);
CREATE INDEX oversight_items_status ON oversight_items (status, deadline);
-- The automated loop's switch: one row; 'stopped' halts every automated decision until resumed.
CREATE TABLE oversight_control (id INTEGER PRIMARY KEY CHECK (id = 1), state TEXT NOT NULL CHECK (state IN ('running', 'stopped')), actor TEXT, at TEXT, reason TEXT);
INSERT INTO oversight_control (id, state) VALUES (1, 'running');
`,
  },
];
