-- Sweeps, version 2: a sweep is its spec (identified by the hash of its expanded jobs) and one row per
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
