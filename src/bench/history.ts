/**
 * Bench history: one JSON line per `npm run bench -- sim` run in bench/history.jsonl (commit,
 * date, load, the ratios), and a comparison with the previous runs so that a change that slows a
 * kernel shows up in the next run's output rather than in someone's memory.
 *
 * @example
 * import { appendHistory, compareWithHistory } from './history.js';
 * const entry = { suite: 'sim', ratios: { 'rotation_n20': 1.3 } };
 * console.log(compareWithHistory(entry, readHistory('sim')));   // [] on the first run
 * appendHistory(entry);
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface HistoryEntry {
  suite: string;
  /** Lower is better for every ratio (time over a floor or over a reference time). */
  ratios: Record<string, number>;
  commit?: string | null;
  date?: string;
  version?: string;
  quick?: boolean;
  /** 1-minute load average over cores when the run started: how busy the shared machine was. */
  load_per_core?: number;
  simd?: boolean;
}

export function historyPath(): string {
  return process.env.QML6G_BENCH_HISTORY
    ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'history.jsonl');
}

function gitCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: path.dirname(historyPath()), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

export function loadPerCore(): number {
  return os.loadavg()[0] / (os.availableParallelism?.() ?? os.cpus().length);
}

/** Earlier entries of one suite (malformed lines are skipped: the file is a log, not an input). */
export function readHistory(suite: string): HistoryEntry[] {
  let text: string;
  try {
    text = fs.readFileSync(historyPath(), 'utf8');
  } catch {
    return [];
  }
  const out: HistoryEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const e = JSON.parse(line) as HistoryEntry;
      if (e && e.suite === suite && e.ratios && typeof e.ratios === 'object') out.push(e);
    } catch {
      // skip a torn line (a run killed mid-write)
    }
  }
  return out;
}

/**
 * Ratios that got worse than the median of the last `window` comparable runs (same quick flag and
 * kernels) by more than `tolerance` (relative): the regressions to look at.
 */
export function compareWithHistory(entry: HistoryEntry, past: HistoryEntry[], tolerance = 0.25, window = 5): Array<{ key: string; now: number; median: number }> {
  const same = past.filter((e) => (e.quick ?? false) === (entry.quick ?? false) && (e.simd ?? null) === (entry.simd ?? null)).slice(-window);
  const worse: Array<{ key: string; now: number; median: number }> = [];
  for (const [key, now] of Object.entries(entry.ratios)) {
    const vals = same.map((e) => e.ratios[key]).filter((v): v is number => Number.isFinite(v)).sort((a, b) => a - b);
    if (vals.length === 0 || !Number.isFinite(now)) continue;
    const median = vals.length % 2 ? vals[(vals.length - 1) / 2] : (vals[vals.length / 2 - 1] + vals[vals.length / 2]) / 2;
    if (now > median * (1 + tolerance)) worse.push({ key, now, median });
  }
  return worse;
}

/** Appends one line (commit and date filled in); returns the entry written. */
export function appendHistory(entry: HistoryEntry): HistoryEntry {
  const full: HistoryEntry = { ...entry, commit: entry.commit ?? gitCommit(), date: entry.date ?? new Date().toISOString() };
  const file = historyPath();
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // One write call per line: concurrent runs cannot interleave inside a line.
  fs.appendFileSync(file, `${JSON.stringify(full)}\n`);
  return full;
}
