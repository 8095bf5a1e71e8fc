/**
 * CLI input and output: files read with errors that name them, JSON written so that it survives a
 * pipe (we never call process.exit; the exit code is set and stdout drains), progress on stderr.
 */
import fs from 'node:fs';
import { QmlError } from '../core/errors.js';

export function readText(file: string, what = 'file'): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    throw new QmlError(`cannot read ${what}: ${why}`, file);
  }
}

export function readJson(file: string, what = 'JSON file'): unknown {
  const text = readText(file, what);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new QmlError(`invalid JSON: ${(e as Error).message}`, file);
  }
}

/** Writes a line to stdout; large outputs are written in one call and drained by Node before exit. */
export function printLine(s: string): void {
  process.stdout.write(s.endsWith('\n') ? s : `${s}\n`);
}

export function printJson(v: unknown): void {
  printLine(JSON.stringify(v));
}

/** A one-line progress bar on stderr, redrawn in place on a terminal and sparse otherwise. */
export class Progress {
  private last = -1;
  private readonly tty = !!process.stderr.isTTY;
  constructor(private label: string, private total: number, private quiet = false) {}
  tick(done: number): void {
    if (this.quiet || this.total <= 0) return;
    const pct = Math.floor((100 * done) / this.total);
    if (pct === this.last || (!this.tty && pct % 25 !== 0 && done !== this.total)) return;
    this.last = pct;
    const width = 24, fill = Math.round((width * done) / this.total);
    const bar = `${this.label} [${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${pct}%`;
    process.stderr.write(this.tty ? `\r${bar}${done === this.total ? '\n' : ''}` : `${bar}\n`);
  }
}

export function info(msg: string): void {
  process.stderr.write(`${msg}\n`);
}

/** Atomic writes live in core (the job runner uses them too). */
export { writeFileAtomic } from '../core/job.js';
