/**
 * The experiment store: one SQLite file (no server, as MLflow's default tracking store) holding every
 * run of every command: its command, configuration, seed, version, status and times; parameters;
 * metrics with their whole step history plus a latest-value table that keeps listing fast; artefacts
 * stored once by SHA-256 of their bytes; and tags. WAL journal with synchronous=NORMAL: every committed
 * transaction survives a kill -9 of the writer (the store opens cleanly afterwards); a file that is not
 * a store is named in the error and never overwritten (see core/sqlite.ts).
 *
 * @example
 * import { Store } from 'qml6g';
 * const store = Store.open(':memory:');
 * const id = store.createRun({ command: 'demo', config: { lr: 0.1 }, seed: 1 });
 * store.logMetrics(id, [{ key: 'loss', value: 0.9 }, { key: 'loss', value: 0.5 }]);
 * store.endRun(id, 'complete');
 * console.log(store.listRuns().runs[0].metrics); // { loss: 0.5 }
 */
import crypto from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { QmlError } from '../core/errors.js';
import { openDatabase, type Db } from '../core/sqlite.js';
import { version } from '../core/version.js';
import { qml6gHome } from '../supply/keys.js';
import { STORE_MIGRATIONS } from './migrations.js';

export type RunStatus = 'running' | 'complete' | 'failed' | 'interrupted';
export const RUN_STATUSES: RunStatus[] = ['running', 'complete', 'failed', 'interrupted'];

/** The store file used when none is named: $QML6G_STORE, else $QML6G_HOME/runs.db (~/.qml6g/runs.db). */
export function defaultStoreFile(): string {
  return process.env.QML6G_STORE || path.join(qml6gHome(), 'runs.db');
}

export interface NewRun {
  command: string;
  config: unknown;
  seed?: number | null;
  /** A run id chosen by the caller (a sweep names its jobs' runs before they start); random otherwise. */
  id?: string;
  tags?: Record<string, string>;
  params?: Record<string, unknown>;
  version?: string;
  host?: string;
  pid?: number;
  started?: string;
}

export interface MetricPoint { key: string; value: number; step?: number; time?: number }

export interface RunSummary {
  id: string;
  command: string;
  status: RunStatus;
  started: string;
  ended: string | null;
  metrics: Record<string, number | null>;
  seed: number | null;
  tags: Record<string, string>;
}

export interface ArtifactInfo { name: string; hash: string; media_type: string; size: number }

export interface RunDetail extends RunSummary {
  config: unknown;
  version: string;
  host: string;
  pid: number;
  note: string | null;
  params: Record<string, string>;
  artifacts: ArtifactInfo[];
  /** Metric key → number of recorded steps. */
  history_lengths: Record<string, number>;
}

export interface ListQuery {
  command?: string;
  status?: string;
  /** `key` (any value) or `key=value`. */
  tag?: string;
  limit?: number;
  offset?: number;
}

/** A run as plain data: the runs row as stored (config as JSON text), metrics as [key, step, value, time]. */
export interface RunExport {
  format: 'qml6g-run';
  run: { id: string; command: string; config: string; seed: number | null; version: string; status: RunStatus; started: string; ended: string | null; host: string; pid: number; note: string | null };
  params: Record<string, string>;
  tags: Record<string, string>;
  metrics: Array<[string, number, number | null, number]>;
  artifacts: Array<{ name: string; media_type: string; data: string }>;
}

export interface HistoryPoint { step: number; value: number | null; time: number }

const ID_RE = /^[A-Za-z0-9_.-]{1,64}$/;

function newRunId(): string {
  return crypto.randomBytes(6).toString('hex');
}

function jsonOf(v: unknown, what: string): string {
  try {
    const s = JSON.stringify(v ?? null);
    if (s === undefined) throw new Error('not serialisable');
    return s;
  } catch (e) {
    throw new QmlError(`${what} is not plain JSON data: ${(e as Error).message}`);
  }
}

/** Parameters are stored as text: strings as they are, everything else as JSON. */
function paramText(v: unknown): string {
  return typeof v === 'string' ? v : jsonOf(v, 'parameter');
}

function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

export class Store {
  readonly db: Db;
  readonly file: string;
  private readonly st: ReturnType<Store['prepare']>;

  private constructor(db: Db, file: string) {
    this.db = db;
    this.file = file;
    this.st = this.prepare();
  }

  /** Opens (creating and migrating if needed) the store at `file`, by default {@link defaultStoreFile}. */
  static open(file: string = defaultStoreFile(), opts: { readonly?: boolean } = {}): Store {
    const db = openDatabase(file, STORE_MIGRATIONS, { readonly: opts.readonly });
    // In WAL mode NORMAL still commits every transaction before returning: a killed process loses
    // nothing it committed; only a power cut can lose the last transactions (never corrupt the file).
    if (!opts.readonly) db.pragma('synchronous = NORMAL');
    if (opts.readonly) {
      const v = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'runs'").get();
      if (!v) { db.close(); throw new QmlError('not an experiment store (it has no runs table)', file); }
    }
    return new Store(db, file);
  }

  private prepare() {
    const d = this.db;
    return {
      insertRun: d.prepare('INSERT INTO runs (id, command, config, seed, version, status, started, ended, host, pid) VALUES (?, ?, ?, ?, ?, \'running\', ?, NULL, ?, ?)'),
      insertParam: d.prepare('INSERT INTO params (run_id, key, value) VALUES (?, ?, ?) ON CONFLICT (run_id, key) DO UPDATE SET value = excluded.value'),
      insertTag: d.prepare('INSERT INTO tags (run_id, key, value) VALUES (?, ?, ?) ON CONFLICT (run_id, key) DO UPDATE SET value = excluded.value'),
      lastStep: d.prepare('SELECT step FROM latest_metrics WHERE run_id = ? AND key = ?').pluck(),
      insertMetric: d.prepare('INSERT INTO metrics (run_id, key, step, value, time) VALUES (?, ?, ?, ?, ?) ON CONFLICT (run_id, key, step) DO UPDATE SET value = excluded.value, time = excluded.time'),
      upsertLatest: d.prepare('INSERT INTO latest_metrics (run_id, key, step, value) VALUES (?, ?, ?, ?) ON CONFLICT (run_id, key) DO UPDATE SET step = excluded.step, value = excluded.value WHERE excluded.step >= latest_metrics.step'),
      insertBlob: d.prepare('INSERT INTO blobs (hash, size, data) VALUES (?, ?, ?) ON CONFLICT (hash) DO NOTHING'),
      insertArtifact: d.prepare('INSERT INTO artifacts (run_id, name, hash, media_type, size) VALUES (?, ?, ?, ?, ?) ON CONFLICT (run_id, name) DO UPDATE SET hash = excluded.hash, media_type = excluded.media_type, size = excluded.size'),
      endRun: d.prepare("UPDATE runs SET status = ?, ended = ?, note = COALESCE(?, note) WHERE id = ? AND status = 'running'"),
      runById: d.prepare('SELECT * FROM runs WHERE id = ?'),
      runsByPrefix: d.prepare("SELECT id FROM runs WHERE id LIKE ? ESCAPE '\\' LIMIT 2").pluck(),
    };
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /** Starts a run (status "running") and returns its id. */
  createRun(r: NewRun): string {
    if (!r.command || typeof r.command !== 'string') throw new QmlError('a run needs a command name');
    const id = r.id ?? newRunId();
    if (!ID_RE.test(id)) throw new QmlError(`run id "${id}" may hold only letters, digits, '.', '_' and '-' (at most 64)`);
    if (r.seed !== undefined && r.seed !== null && !Number.isInteger(r.seed)) throw new QmlError(`run seed must be an integer, got ${r.seed}`);
    const config = jsonOf(r.config, 'run configuration');
    this.db.transaction(() => {
      try {
        this.st.insertRun.run(id, r.command, config, r.seed ?? null, r.version ?? version(), r.started ?? new Date().toISOString(), r.host ?? os.hostname(), r.pid ?? process.pid);
      } catch (e) {
        if ((e as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw new QmlError(`a run with id ${id} already exists`, this.file);
        throw e;
      }
      for (const [k, v] of Object.entries(r.params ?? {})) this.st.insertParam.run(id, k, paramText(v));
      for (const [k, v] of Object.entries(r.tags ?? {})) this.st.insertTag.run(id, k, String(v));
    }).immediate();
    return id;
  }

  /**
   * Starts the run `r.id` or, when a sweep created it beforehand (still "running"), takes it over:
   * command, configuration, seed, version and process become this caller's. A run that already ended
   * is never restarted (a finished sweep job is not run twice).
   */
  startRun(r: NewRun & { id: string }): string {
    const row = this.st.runById.get(r.id) as { status: RunStatus } | undefined;
    if (!row) return this.createRun(r);
    if (row.status !== 'running') throw new QmlError(`run ${r.id} already ended (${row.status}); it is not started again`, this.file);
    const config = jsonOf(r.config, 'run configuration');
    this.db.transaction(() => {
      this.db.prepare('UPDATE runs SET command = ?, config = ?, seed = ?, version = ?, host = ?, pid = ? WHERE id = ?')
        .run(r.command, config, r.seed ?? null, r.version ?? version(), r.host ?? os.hostname(), r.pid ?? process.pid, r.id);
      for (const [k, v] of Object.entries(r.params ?? {})) this.st.insertParam.run(r.id, k, paramText(v));
      for (const [k, v] of Object.entries(r.tags ?? {})) this.st.insertTag.run(r.id, k, String(v));
    }).immediate();
    return r.id;
  }

  /** A resumed run is running again (same id, its records kept): status back to running, this process. */
  reopenRun(id: string): void {
    if (!this.hasRun(id)) throw new QmlError(`no run with id "${id}" to resume`, this.file);
    this.db.prepare("UPDATE runs SET status = 'running', ended = NULL, note = NULL, host = ?, pid = ? WHERE id = ?").run(os.hostname(), process.pid, id);
  }

  logParams(runId: string, params: Record<string, unknown>): void {
    this.db.transaction(() => { for (const [k, v] of Object.entries(params)) this.st.insertParam.run(runId, k, paramText(v)); }).immediate();
  }

  setTag(runId: string, key: string, value = ''): void {
    if (!key) throw new QmlError('a tag needs a key');
    this.st.insertTag.run(runId, key, String(value));
  }

  /**
   * Records metric points in one transaction (batch them: one commit per call). A point without a
   * step gets the step after the key's last one (0 for the first); a repeated step replaces its
   * value. Non-finite values are kept as null (recorded, never silently dropped).
   */
  logMetrics(runId: string, points: MetricPoint[]): void {
    const now = Date.now();
    this.db.transaction(() => {
      for (const p of points) {
        if (!p.key || typeof p.key !== 'string') throw new QmlError('a metric needs a key');
        if (typeof p.value !== 'number') throw new QmlError(`metric "${p.key}" must be a number, got ${typeof p.value}`);
        let step = p.step;
        if (step === undefined) {
          const last = this.st.lastStep.get(runId, p.key) as number | undefined;
          step = last === undefined ? 0 : last + 1;
        } else if (!Number.isInteger(step)) throw new QmlError(`metric "${p.key}": step must be an integer, got ${step}`);
        const v = finiteOrNull(p.value);
        this.st.insertMetric.run(runId, p.key, step, v, p.time ?? now);
        this.st.upsertLatest.run(runId, p.key, step, v);
      }
    }).immediate();
  }

  logMetric(runId: string, key: string, value: number, step?: number): void {
    this.logMetrics(runId, [{ key, value, step }]);
  }

  /** Stores bytes once under their SHA-256 and names them for this run; returns the hash. */
  putArtifact(runId: string, name: string, data: Uint8Array | string, mediaType = 'application/octet-stream'): string {
    if (!name || name.includes('..') || name.startsWith('/')) throw new QmlError(`artefact name "${name}" must be a relative name without ".."`);
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    const hash = crypto.createHash('sha256').update(bytes).digest('hex');
    this.db.transaction(() => {
      const before = this.db.prepare('SELECT hash FROM artifacts WHERE run_id = ? AND name = ?').pluck().get(runId, name) as string | undefined;
      this.st.insertBlob.run(hash, bytes.length, bytes);
      this.st.insertArtifact.run(runId, name, hash, mediaType, bytes.length);
      // A replaced version (results.json rewritten after every step) goes unless another run names it.
      if (before && before !== hash) this.db.prepare('DELETE FROM blobs WHERE hash = ? AND NOT EXISTS (SELECT 1 FROM artifacts WHERE hash = ?)').run(before, before);
    }).immediate();
    return hash;
  }

  artifact(runId: string, name: string): { info: ArtifactInfo; data: Buffer } | undefined {
    const row = this.db.prepare('SELECT a.name, a.hash, a.media_type, a.size, b.data FROM artifacts a JOIN blobs b ON b.hash = a.hash WHERE a.run_id = ? AND a.name = ?').get(runId, name) as (ArtifactInfo & { data: Buffer }) | undefined;
    if (!row) return undefined;
    const { data, ...info } = row;
    return { info, data };
  }

  /** Ends a running run; a run already ended keeps its first ending (returns false then). */
  endRun(runId: string, status: Exclude<RunStatus, 'running'>, note?: string): boolean {
    if (!RUN_STATUSES.includes(status) || (status as RunStatus) === 'running') throw new QmlError(`cannot end a run as "${status}"`);
    return this.st.endRun.run(status, new Date().toISOString(), note ?? null, runId).changes === 1;
  }

  /** The full id of a run from its id or a unique prefix of at least 4 characters; a QmlError otherwise. */
  resolveId(idOrPrefix: string): string {
    if (this.st.runById.get(idOrPrefix)) return idOrPrefix;
    if (idOrPrefix.length >= 4 && ID_RE.test(idOrPrefix)) {
      const ids = this.st.runsByPrefix.all(`${idOrPrefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`) as string[];
      if (ids.length === 1) return ids[0];
      if (ids.length > 1) throw new QmlError(`run id prefix "${idOrPrefix}" is ambiguous`, this.file);
    }
    throw new QmlError(`no run with id "${idOrPrefix}"`, this.file);
  }

  hasRun(id: string): boolean {
    return !!this.st.runById.get(id);
  }

  status(id: string): RunStatus | undefined {
    return (this.st.runById.get(id) as { status: RunStatus } | undefined)?.status;
  }

  /** Runs, newest first, filtered and paginated; `total` counts every match. */
  listRuns(q: ListQuery = {}): { runs: RunSummary[]; total: number } {
    const where: string[] = [];
    const args: unknown[] = [];
    if (q.command) { where.push('r.command = ?'); args.push(q.command); }
    if (q.status) {
      if (!RUN_STATUSES.includes(q.status as RunStatus)) throw new QmlError(`unknown run status "${q.status}" (known: ${RUN_STATUSES.join(', ')})`);
      where.push('r.status = ?'); args.push(q.status);
    }
    if (q.tag) {
      const eq = q.tag.indexOf('=');
      if (eq < 0) { where.push('EXISTS (SELECT 1 FROM tags t WHERE t.run_id = r.id AND t.key = ?)'); args.push(q.tag); }
      else { where.push('EXISTS (SELECT 1 FROM tags t WHERE t.run_id = r.id AND t.key = ? AND t.value = ?)'); args.push(q.tag.slice(0, eq), q.tag.slice(eq + 1)); }
    }
    const limit = q.limit ?? 50, offset = q.offset ?? 0;
    if (!Number.isInteger(limit) || limit < 1) throw new QmlError(`limit must be a positive integer, got ${limit}`);
    if (!Number.isInteger(offset) || offset < 0) throw new QmlError(`offset must be a non-negative integer, got ${offset}`);
    const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = this.db.prepare(`SELECT COUNT(*) FROM runs r ${w}`).pluck().get(...args) as number;
    const rows = this.db.prepare(`SELECT r.id, r.command, r.status, r.started, r.ended, r.seed FROM runs r ${w} ORDER BY r.started DESC, r.id LIMIT ? OFFSET ?`).all(...args, limit, offset) as Array<Omit<RunSummary, 'metrics' | 'tags'>>;
    return { runs: this.withMetricsAndTags(rows), total };
  }

  private withMetricsAndTags(rows: Array<Omit<RunSummary, 'metrics' | 'tags'>>): RunSummary[] {
    if (!rows.length) return [];
    const byId = new Map<string, RunSummary>();
    // Keys in the order of the runs-list contract: id, command, status, started, ended, metrics (then seed, tags).
    const out = rows.map((r) => { const s: RunSummary = { id: r.id, command: r.command, status: r.status, started: r.started, ended: r.ended, metrics: {}, seed: r.seed, tags: {} }; byId.set(r.id, s); return s; });
    const marks = rows.map(() => '?').join(',');
    const ids = rows.map((r) => r.id);
    for (const m of this.db.prepare(`SELECT run_id, key, value FROM latest_metrics WHERE run_id IN (${marks}) ORDER BY key`).all(...ids) as Array<{ run_id: string; key: string; value: number | null }>) byId.get(m.run_id)!.metrics[m.key] = m.value;
    for (const t of this.db.prepare(`SELECT run_id, key, value FROM tags WHERE run_id IN (${marks}) ORDER BY key`).all(...ids) as Array<{ run_id: string; key: string; value: string }>) byId.get(t.run_id)!.tags[t.key] = t.value;
    return out;
  }

  /** Everything about one run (id or unique prefix). */
  getRun(idOrPrefix: string): RunDetail {
    const id = this.resolveId(idOrPrefix);
    const r = this.st.runById.get(id) as { id: string; command: string; config: string; seed: number | null; version: string; status: RunStatus; started: string; ended: string | null; host: string; pid: number; note: string | null };
    const [summary] = this.withMetricsAndTags([{ id: r.id, command: r.command, status: r.status, started: r.started, ended: r.ended, seed: r.seed }]);
    const params: Record<string, string> = {};
    for (const p of this.db.prepare('SELECT key, value FROM params WHERE run_id = ? ORDER BY key').all(id) as Array<{ key: string; value: string }>) params[p.key] = p.value;
    const artifacts = this.db.prepare('SELECT name, hash, media_type, size FROM artifacts WHERE run_id = ? ORDER BY name').all(id) as ArtifactInfo[];
    const history_lengths: Record<string, number> = {};
    for (const h of this.db.prepare('SELECT key, COUNT(*) AS n FROM metrics WHERE run_id = ? GROUP BY key ORDER BY key').all(id) as Array<{ key: string; n: number }>) history_lengths[h.key] = h.n;
    return { ...summary, config: JSON.parse(r.config), version: r.version, host: r.host, pid: r.pid, note: r.note, params, artifacts, history_lengths };
  }

  /** A metric's step history, in step order. */
  metricHistory(runId: string, key: string): HistoryPoint[] {
    return this.db.prepare('SELECT step, value, time FROM metrics WHERE run_id = ? AND key = ? ORDER BY step').all(runId, key) as HistoryPoint[];
  }

  /** Several runs side by side: their summaries, the union of metric keys and the parameters that differ. */
  compare(ids: string[]): { runs: RunDetail[]; metric_keys: string[]; differing_params: string[] } {
    if (ids.length < 2) throw new QmlError('compare needs at least two run ids');
    const runs = ids.map((i) => this.getRun(i));
    const metric_keys = [...new Set(runs.flatMap((r) => Object.keys(r.metrics)))].sort();
    const paramKeys = [...new Set(runs.flatMap((r) => Object.keys(r.params)))].sort();
    const differing_params = paramKeys.filter((k) => new Set(runs.map((r) => r.params[k] ?? '\u0000')).size > 1);
    return { runs, metric_keys, differing_params };
  }

  /** Deletes a run with its parameters, metrics, tags and artefact names; blobs no run names any more go too. */
  deleteRun(idOrPrefix: string): string {
    const id = this.resolveId(idOrPrefix);
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM runs WHERE id = ?').run(id);
      this.db.prepare('DELETE FROM blobs WHERE NOT EXISTS (SELECT 1 FROM artifacts a WHERE a.hash = blobs.hash)').run();
    }).immediate();
    return id;
  }

  /** A run with everything recorded about it as plain data (for moving it between stores, e.g. over NATS). */
  exportRun(idOrPrefix: string): RunExport {
    const id = this.resolveId(idOrPrefix);
    const run = this.st.runById.get(id) as RunExport['run'];
    const params = Object.fromEntries((this.db.prepare('SELECT key, value FROM params WHERE run_id = ?').all(id) as Array<{ key: string; value: string }>).map((r) => [r.key, r.value]));
    const tags = Object.fromEntries((this.db.prepare('SELECT key, value FROM tags WHERE run_id = ?').all(id) as Array<{ key: string; value: string }>).map((r) => [r.key, r.value]));
    const metrics = (this.db.prepare('SELECT key, step, value, time FROM metrics WHERE run_id = ? ORDER BY key, step').raw().all(id)) as RunExport['metrics'];
    const artifacts = (this.db.prepare('SELECT a.name, a.media_type, b.data FROM artifacts a JOIN blobs b ON b.hash = a.hash WHERE a.run_id = ? ORDER BY a.name').all(id) as Array<{ name: string; media_type: string; data: Buffer }>)
      .map((a) => ({ name: a.name, media_type: a.media_type, data: a.data.toString('base64') }));
    return { format: 'qml6g-run', run, params, tags, metrics, artifacts };
  }

  /**
   * Adds an exported run (one transaction). A run whose id is already here is left as it is and
   * false is returned: importing the same run twice records it once.
   */
  importRun(e: RunExport, link?: { sweepId: string; job: string }): boolean {
    if (!e || e.format !== 'qml6g-run' || !e.run || typeof e.run.id !== 'string') throw new QmlError('not an exported qml6g run');
    let added = false;
    this.db.transaction(() => {
      if (this.hasRun(e.run.id)) return;
      const r = e.run;
      if (!ID_RE.test(r.id) || !RUN_STATUSES.includes(r.status)) throw new QmlError(`exported run ${r.id} is malformed`);
      this.db.prepare('INSERT INTO runs (id, command, config, seed, version, status, started, ended, host, pid, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
        .run(r.id, r.command, r.config, r.seed, r.version, r.status, r.started, r.ended, r.host, r.pid, r.note ?? null);
      for (const [k, v] of Object.entries(e.params ?? {})) this.st.insertParam.run(r.id, k, String(v));
      for (const [k, v] of Object.entries(e.tags ?? {})) this.st.insertTag.run(r.id, k, String(v));
      for (const [key, step, value, time] of e.metrics ?? []) {
        this.st.insertMetric.run(r.id, key, step, value, time);
        this.st.upsertLatest.run(r.id, key, step, value);
      }
      for (const a of e.artifacts ?? []) this.putArtifact(r.id, a.name, Buffer.from(a.data, 'base64'), a.media_type);
      if (link) this.db.prepare('UPDATE sweep_jobs SET run_id = ?, attempts = attempts + 1 WHERE sweep_id = ? AND job = ?').run(r.id, link.sweepId, link.job);
      added = true;
    }).immediate();
    return added;
  }

  /**
   * Runs still marked "running" whose process on this host has gone (killed, machine crashed) are
   * ended as "interrupted": what they recorded stays. Returns how many were marked.
   */
  markLost(): number {
    const host = os.hostname();
    const rows = this.db.prepare("SELECT id, pid FROM runs WHERE status = 'running' AND host = ?").all(host) as Array<{ id: string; pid: number }>;
    let n = 0;
    for (const r of rows) {
      if (r.pid === process.pid || processAlive(r.pid)) continue;
      if (this.endRun(r.id, 'interrupted', 'its process ended without finishing the run (killed or crashed)')) n++;
    }
    return n;
  }
}

/** Whether a process with this pid exists on this machine. */
export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
