/**
 * Line-aware tokenising for the instance formats: every token remembers its line, so a parse error
 * names `file:line`.
 */
import fs from 'node:fs';
import zlib from 'node:zlib';
import { QmlError } from '../../core/errors.js';

/** Reads an instance file; `.gz` files are decompressed. */
export function readInstance(file: string): string {
  let raw: Buffer;
  try {
    raw = fs.readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new QmlError(`cannot read instance: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (e as Error).message}`, file);
  }
  if (!file.endsWith('.gz')) return raw.toString('utf8');
  try {
    return zlib.gunzipSync(raw).toString('utf8');
  } catch (e) {
    throw new QmlError(`not a valid gzip file: ${(e as Error).message}`, file);
  }
}

/** A stream of whitespace-separated tokens with their line numbers. */
export class Tokens {
  private readonly toks: string[] = [];
  private readonly lines: number[] = [];
  private at = 0;
  constructor(text: string, readonly file: string, comment?: RegExp) {
    text.split(/\r?\n/).forEach((line, k) => {
      if (comment && comment.test(line)) return;
      for (const t of line.split(/\s+/)) if (t) { this.toks.push(t); this.lines.push(k + 1); }
    });
  }
  done(): boolean { return this.at >= this.toks.length; }
  where(): string {
    const k = Math.min(this.at, this.toks.length - 1);
    return `${this.file}:${k >= 0 ? this.lines[k] : 1}`;
  }
  word(what: string): string {
    if (this.done()) throw new QmlError(`unexpected end of file: expected ${what}`, `${this.file}:${this.lines[this.lines.length - 1] ?? 1}`);
    return this.toks[this.at++];
  }
  int(what: string, min = -Infinity, max = Infinity): number {
    const t = this.word(what);
    this.at--;
    if (!/^[+-]?\d+$/.test(t)) throw new QmlError(`expected ${what} (an integer), got "${t}"`, this.where());
    const v = Number(t);
    if (v < min || v > max) throw new QmlError(`${what} ${v} is outside [${min}, ${max}]`, this.where());
    this.at++;
    return v;
  }
  num(what: string): number {
    const t = this.word(what);
    this.at--;
    const v = Number(t);
    if (t.trim() === '' || !Number.isFinite(v)) throw new QmlError(`expected ${what} (a number), got "${t}"`, this.where());
    this.at++;
    return v;
  }
}
