-- The experiment store, version 1: runs with their configuration, parameters, metric histories (and
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
