/**
 * `qml6g runs list|show|compare|rm`: the experiment store from the command line. Tables for people,
 * `--json` for scripts (the last line is one JSON object). An unknown run id or a corrupt store file
 * is one line on stderr and exit code 2.
 */
import { QmlError } from '../core/errors.js';
import { defaultStoreFile, Store, type RunDetail, type RunSummary } from '../store/store.js';
import { parseArgs, usage, type Flags } from './args.js';
import { printJson, printLine } from './io.js';

const flags: Flags = {
  store: { type: 'string', help: 'the store file (default $QML6G_STORE, else $QML6G_HOME/runs.db)' },
  command: { type: 'string', help: 'list: only runs of this command' },
  status: { type: 'string', help: 'list: only runs with this status (running, complete, failed, interrupted)' },
  tag: { type: 'string', help: 'list: only runs with this tag (KEY or KEY=VALUE)' },
  limit: { type: 'int', help: 'list: at most this many runs', default: 50 },
  offset: { type: 'int', help: 'list: skip this many runs (pagination)', default: 0 },
  history: { type: 'boolean', help: 'show: print every metric\'s step history' },
  json: { type: 'boolean', help: 'print one JSON object (last line)' },
  help: { type: 'boolean', help: 'show this help' },
};

const SYNOPSIS = 'list [--command C] [--status S] [--tag T] [--limit N] | show ID | compare ID ID [ID...] | rm ID [ID...]   [--store FILE] [--json]';

function fmt(v: number | null | undefined): string {
  if (v === null || v === undefined) return '–';
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e6) ? v.toExponential(3) : v.toFixed(4);
}

function duration(r: RunSummary): string {
  const end = r.ended ? Date.parse(r.ended) : Date.now();
  const s = (end - Date.parse(r.started)) / 1000;
  return s < 120 ? `${s.toFixed(1)} s` : s < 7200 ? `${(s / 60).toFixed(1)} min` : `${(s / 3600).toFixed(1)} h`;
}

function table(head: string[], rows: string[][]): string[] {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (c ?? '').padEnd(w[i])).join('  ').trimEnd();
  return [line(head), line(w.map((n) => '-'.repeat(n))), ...rows.map(line)];
}

function listLines(runs: RunSummary[], total: number, offset: number): string[] {
  if (!runs.length) return [total ? `no runs past offset ${offset} (${total} in all)` : 'no runs recorded yet'];
  const rows = runs.map((r) => {
    const keys = Object.keys(r.metrics).slice(0, 3);
    return [r.id, r.command, r.status, r.started.replace('T', ' ').slice(0, 19), duration(r), keys.map((k) => `${k}=${fmt(r.metrics[k])}`).join(' ') + (Object.keys(r.metrics).length > 3 ? ' …' : '')];
  });
  return [...table(['id', 'command', 'status', 'started', 'took', 'metrics'], rows), `${runs.length} of ${total} run${total === 1 ? '' : 's'}${offset ? ` (from ${offset + 1})` : ''}`];
}

function showLines(r: RunDetail, store: Store, history: boolean): string[] {
  const out = [
    `run ${r.id}: ${r.command}, ${r.status}${r.note ? ` (${r.note})` : ''}`,
    `started ${r.started}${r.ended ? `, ended ${r.ended}` : ''} (${duration(r)}); seed ${r.seed ?? '–'}; qml6g ${r.version}; host ${r.host}, pid ${r.pid}`,
  ];
  if (Object.keys(r.tags).length) out.push(`tags: ${Object.entries(r.tags).map(([k, v]) => (v ? `${k}=${v}` : k)).join(', ')}`);
  out.push(`configuration: ${JSON.stringify(r.config)}`);
  if (Object.keys(r.params).length) out.push('', ...table(['parameter', 'value'], Object.entries(r.params)));
  if (Object.keys(r.metrics).length) out.push('', ...table(['metric', 'latest', 'steps'], Object.entries(r.metrics).map(([k, v]) => [k, fmt(v), String(r.history_lengths[k] ?? 0)])));
  if (history) for (const k of Object.keys(r.metrics)) out.push('', `${k}: ${store.metricHistory(r.id, k).map((p) => `${p.step}:${fmt(p.value)}`).join(' ')}`);
  if (r.artifacts.length) out.push('', ...table(['artefact', 'bytes', 'sha256'], r.artifacts.map((a) => [a.name, String(a.size), a.hash.slice(0, 16)])));
  return out;
}

function compareLines(c: ReturnType<Store['compare']>): string[] {
  const head = ['', ...c.runs.map((r) => r.id)];
  const rows: string[][] = [['command', ...c.runs.map((r) => r.command)], ['status', ...c.runs.map((r) => r.status)], ['seed', ...c.runs.map((r) => String(r.seed ?? '–'))]];
  for (const k of c.differing_params) rows.push([`param ${k}`, ...c.runs.map((r) => r.params[k] ?? '–')]);
  for (const k of c.metric_keys) rows.push([k, ...c.runs.map((r) => fmt(r.metrics[k]))]);
  return table(head, rows);
}

export function runRuns(argv: string[]): void {
  const a = parseArgs(argv, flags, 'runs');
  const [sub, ...ids] = a.positional;
  if (a.flags.help || !sub) { printLine(usage('runs', SYNOPSIS, flags)); if (!a.flags.help) process.exitCode = 2; return; }
  const json = !!a.flags.json;
  const store = Store.open((a.flags.store as string | undefined) ?? defaultStoreFile());
  try {
    store.markLost();
    if (sub === 'list' || sub === 'ls') {
      if (ids.length) throw new QmlError(`runs list takes no run ids (got "${ids[0]}")`);
      const offset = a.flags.offset as number;
      const res = store.listRuns({ command: a.flags.command as string | undefined, status: a.flags.status as string | undefined, tag: a.flags.tag as string | undefined, limit: a.flags.limit as number, offset });
      if (json) printJson(res);
      else for (const l of listLines(res.runs, res.total, offset)) printLine(l);
    } else if (sub === 'show') {
      if (ids.length !== 1) throw new QmlError('runs show needs exactly one run id');
      const r = store.getRun(ids[0]);
      if (json) printJson(a.flags.history ? { ...r, history: Object.fromEntries(Object.keys(r.metrics).map((k) => [k, store.metricHistory(r.id, k)])) } : r);
      else for (const l of showLines(r, store, !!a.flags.history)) printLine(l);
    } else if (sub === 'compare') {
      const c = store.compare(ids);
      if (json) printJson(c);
      else for (const l of compareLines(c)) printLine(l);
    } else if (sub === 'rm') {
      if (!ids.length) throw new QmlError('runs rm needs at least one run id');
      const full = ids.map((i) => store.resolveId(i)); // every id checked before anything is deleted
      for (const id of full) store.deleteRun(id);
      if (json) printJson({ deleted: full });
      else printLine(`deleted ${full.length} run${full.length === 1 ? '' : 's'}: ${full.join(', ')}`);
    } else throw new QmlError(`unknown runs subcommand "${sub}" (known: list, show, compare, rm)`);
  } finally {
    store.close();
  }
}
