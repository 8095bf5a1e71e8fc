/**
 * The store's schema migrations, kept here as the one source: the compiled package (plain `tsc`,
 * which copies no .sql files) then carries them with no build step, and there is no second copy to
 * drift. Append a new entry for a schema change; never edit an applied one.
 */
import type { Migration } from '../core/sqlite.js';

export const STORE_MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: '001-init',
    sql: `-- The experiment store, version 1: runs with their configuration, parameters, metric histories (and
-- the latest value of each metric, so listing thousands of runs never scans the histories),
-- artefacts stored once by content hash, and tags.
CREATE TABLE runs (
  id TEXT PRIMARY KEY,
  command TEXT NOT NULL,
  config TEXT NOT NULL,
  seed INTEGER,
  version TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('running', 'complete', 'failed', 'interrupted')),
  started TEXT NOT NULL,
  ended TEXT,
  host TEXT NOT NULL,
  pid INTEGER NOT NULL,
  note TEXT
);
CREATE INDEX runs_by_started ON runs (started DESC, id);
CREATE INDEX runs_by_command ON runs (command, started DESC);
CREATE INDEX runs_by_status ON runs (status, started DESC);

CREATE TABLE params (
  run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (run_id, key)
) WITHOUT ROWID;

CREATE TABLE metrics (
  run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  step INTEGER NOT NULL,
  value REAL,
  time REAL NOT NULL,
  PRIMARY KEY (run_id, key, step)
) WITHOUT ROWID;

CREATE TABLE latest_metrics (
  run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  step INTEGER NOT NULL,
  value REAL,
  PRIMARY KEY (run_id, key)
) WITHOUT ROWID;

CREATE TABLE blobs (
  hash TEXT PRIMARY KEY,
  size INTEGER NOT NULL,
  data BLOB NOT NULL
) WITHOUT ROWID;

CREATE TABLE artifacts (
  run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  hash TEXT NOT NULL REFERENCES blobs (hash),
  media_type TEXT NOT NULL,
  size INTEGER NOT NULL,
  PRIMARY KEY (run_id, name)
) WITHOUT ROWID;
CREATE INDEX artifacts_by_hash ON artifacts (hash);

CREATE TABLE tags (
  run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (run_id, key)
) WITHOUT ROWID;
CREATE INDEX tags_by_key ON tags (key, value);
`,
  },
  {
    version: 2,
    name: '002-sweeps',
    sql: `-- Sweeps, version 2: a sweep is its spec (identified by the hash of its expanded jobs) and one row per
-- job. A job's outcome is the status of the run it points at, written by the job's own process in the
-- same transaction that ends the run, so a sweep killed at any moment neither loses a finished job
-- nor runs one twice.
CREATE TABLE sweeps (
  id TEXT PRIMARY KEY,
  spec TEXT NOT NULL,
  created TEXT NOT NULL
);

CREATE TABLE sweep_jobs (
  sweep_id TEXT NOT NULL REFERENCES sweeps (id) ON DELETE CASCADE,
  job TEXT NOT NULL,
  idx INTEGER NOT NULL,
  argv TEXT NOT NULL,
  run_id TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (sweep_id, job)
) WITHOUT ROWID;
`,
  },
];
