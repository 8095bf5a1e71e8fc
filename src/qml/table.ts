/**
 * Tables of raw features as loaded from CSV: numeric columns as Float64Array (NaN marks a missing
 * value), categorical columns as strings. Labels are class indices into `classes`.
 *
 * @example
 * import { parseCsv, tableFromCsv } from 'qml6g';
 * const csv = parseCsv('a,b,label\n1,x,yes\n2,y,no\n', 'mem.csv');
 * const data = tableFromCsv(csv, { label: 'label' });
 * data.classes;                 // ['no', 'yes']
 * data.table.columns[1].kind;   // 'categorical'
 */
import fs from 'node:fs';
import zlib from 'node:zlib';
import crypto from 'node:crypto';
import { QmlError } from '../core/errors.js';

export interface NumericColumn { name: string; kind: 'numeric'; values: Float64Array }
export interface CategoricalColumn { name: string; kind: 'categorical'; values: string[] }
export type Column = NumericColumn | CategoricalColumn;

export interface Table { columns: Column[]; rows: number }

export interface LabeledData {
  name: string;
  table: Table;
  labels: Int32Array;
  classes: string[];
  /** What the loader did that a user should know (dropped leaking columns, missing values, ...). */
  notes: string[];
}

export interface Csv { file: string; header: string[]; rows: string[][]; firstLine: number }

const MISSING = new Set(['', '?', 'NA', 'N/A', 'na', 'null', 'NULL']);

/** Reads a .csv or .csv.gz / .txt.gz file as text, with an error that names the file. */
export function readDataFile(file: string): string {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new QmlError(`cannot read data file: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`, file);
  }
  if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) {
    try {
      buf = zlib.gunzipSync(buf);
    } catch (e) {
      throw new QmlError(`corrupt gzip data: ${(e as Error).message}`, file);
    }
  }
  const text = buf.toString('utf8');
  if (text.includes('\u0000')) throw new QmlError('not a text file (contains NUL bytes)', file);
  return text;
}

/** Splits one CSV line, honouring double-quoted fields with "" escapes. */
function splitLine(line: string, file: string, lineNo: number): string[] {
  if (!line.includes('"')) return line.split(',').map((s) => s.trim());
  const out: string[] = [];
  let cur = '', q = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (q) {
      if (c === '"' && line[i + 1] === '"') { cur += '"'; i++; } else if (c === '"') q = false; else cur += c;
    } else if (c === '"') q = true;
    else if (c === ',') { out.push(cur.trim()); cur = ''; } else cur += c;
  }
  if (q) throw new QmlError('unterminated quoted field', `${file}:${lineNo}`);
  out.push(cur.trim());
  return out;
}

/**
 * Parses CSV text. `header: false` names the columns c0, c1, ... Every row must have as many
 * fields as the header: a ragged row is an error naming its line.
 */
export function parseCsv(text: string, file: string, opts: { header?: boolean | string[]; skipLines?: number } = {}): Csv {
  // A byte-order mark (spreadsheet exports write one) is not part of the first column's name.
  const lines = (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).split(/\r?\n/);
  let i = opts.skipLines ?? 0;
  while (i < lines.length && lines[i].trim() === '') i++;
  if (i >= lines.length) throw new QmlError('the file has no rows', file);
  let header: string[];
  if (Array.isArray(opts.header)) header = opts.header;
  else if (opts.header === false) header = splitLine(lines[i], file, i + 1).map((_, j) => `c${j}`);
  else { header = splitLine(lines[i], file, i + 1); i++; }
  const firstLine = i + 1;
  const rows: string[][] = [];
  for (; i < lines.length; i++) {
    if (lines[i].trim() === '') continue;
    const f = splitLine(lines[i], file, i + 1);
    if (f.length !== header.length) throw new QmlError(`row has ${f.length} fields, the header has ${header.length}`, `${file}:${i + 1}`);
    rows.push(f);
  }
  if (rows.length === 0) throw new QmlError('the file has a header but no data rows', file);
  return { file, header, rows, firstLine };
}

export interface TableOptions {
  /** Label column name (or index as a string like "#41"). Default: the last column. */
  label?: string;
  /** Columns to drop. */
  drop?: string[];
  /** Map raw label strings to class names (e.g. attack → 'attack'). */
  labelMap?: (raw: string) => string;
  /** Force these columns to be categorical even when they look numeric. */
  categorical?: string[];
  name?: string;
  /** Keep at most this many rows (stratified by label, seeded). */
  maxRows?: number;
  seed?: number;
  /** Class order: these first (when present), then the rest sorted. The first class is the "normal" one. */
  classOrder?: string[];
}

function columnIndex(header: string[], name: string, file: string, what: string): number {
  const idx = /^#\d+$/.test(name) ? Number(name.slice(1)) : header.indexOf(name);
  if (idx < 0 || idx >= header.length) {
    throw new QmlError(`${what} column "${name}" not found (columns: ${header.slice(0, 12).join(', ')}${header.length > 12 ? ', ...' : ''})`, file);
  }
  return idx;
}

/** Builds a labelled table from parsed CSV: detects numeric vs categorical columns, reports missing values. */
export function tableFromCsv(csv: Csv, opts: TableOptions = {}): LabeledData {
  const { header, rows, file } = csv;
  const labelIdx = opts.label !== undefined ? columnIndex(header, opts.label, file, 'label') : header.length - 1;
  const drop = new Set<number>();
  for (const d of opts.drop ?? []) drop.add(columnIndex(header, d, file, 'dropped'));
  if (drop.has(labelIdx)) throw new QmlError(`the label column "${header[labelIdx]}" cannot be dropped`, file);
  const notes: string[] = [];
  let keep = rows.map((_, i) => i);
  // Labels first: a stratified cap needs them.
  const rawLabels = rows.map((r) => (opts.labelMap ? opts.labelMap(r[labelIdx]) : r[labelIdx]));
  rawLabels.forEach((l, i) => {
    if (MISSING.has(l)) throw new QmlError(`missing label in column "${header[labelIdx]}"`, `${file}:${csv.firstLine + i}`);
  });
  if (opts.maxRows !== undefined && opts.maxRows < rows.length) {
    keep = stratifiedSubset(rawLabels, opts.maxRows, opts.seed ?? 0);
    notes.push(`kept ${keep.length} of ${rows.length} rows (stratified by label, seed ${opts.seed ?? 0})`);
  }
  const present = new Set(keep.map((i) => rawLabels[i]));
  const order = (opts.classOrder ?? []).filter((c) => present.has(c));
  const classes = [...order, ...[...present].filter((c) => !order.includes(c)).sort(naturalCompare)];
  if (classes.length < 2) throw new QmlError(`the label column "${header[labelIdx]}" has a single class ("${classes[0]}"): nothing to learn`, file);
  const classIndex = new Map(classes.map((c, i) => [c, i]));
  const labels = Int32Array.from(keep, (i) => classIndex.get(rawLabels[i])!);
  const forced = new Set(opts.categorical ?? []);
  const columns: Column[] = [];
  for (let j = 0; j < header.length; j++) {
    if (j === labelIdx || drop.has(j)) continue;
    const raw = keep.map((i) => rows[i][j]);
    let missing = 0, numeric = !forced.has(header[j]);
    const vals = new Float64Array(raw.length);
    for (let r = 0; r < raw.length && numeric; r++) {
      const s = raw[r];
      if (MISSING.has(s)) { vals[r] = NaN; missing++; continue; }
      const v = Number(s);
      if (Number.isNaN(v) && !/^[-+]?(nan|inf(inity)?)$/i.test(s)) { numeric = false; break; }
      if (!Number.isFinite(v) || /^[-+]?(nan|inf(inity)?)$/i.test(s)) {
        throw new QmlError(`column "${header[j]}" holds ${s}: not a finite number`, `${file}:${csv.firstLine + keep[r]}`);
      }
      vals[r] = v;
    }
    if (numeric) {
      columns.push({ name: header[j], kind: 'numeric', values: vals });
      if (missing) notes.push(`column "${header[j]}": ${missing} missing value(s), imputed with the training median`);
    } else {
      const cat = raw.map((s) => (MISSING.has(s) ? '(missing)' : s));
      const m = raw.filter((s) => MISSING.has(s)).length;
      columns.push({ name: header[j], kind: 'categorical', values: cat });
      if (m) notes.push(`column "${header[j]}": ${m} missing value(s), kept as their own category`);
    }
  }
  if (columns.length === 0) throw new QmlError('no feature columns left after dropping', file);
  for (const c of secondLabels(columns, labels, classes.length)) {
    notes.push(`warning: column "${c.name}" predicts the label on ${(100 * c.accuracy).toFixed(1)}% of rows from its ${c.values} values alone: it may be a second label or a leak (an attack category beside the binary label?); drop it with --drop ${c.name} unless a deployed detector really sees it`);
  }
  return { name: opts.name ?? file, table: { columns, rows: keep.length }, labels, classes, notes };
}

/**
 * Columns that look like a second label: few distinct values (categorical, or numeric with at most
 * 20 values) and the majority label per value predicts the label on ≥ 99% of rows, far above the
 * majority-class rate. Such a column leaks the answer (e.g. an attack-category column beside the
 * binary label) and makes any detector look perfect.
 */
export function secondLabels(columns: Column[], labels: Int32Array, numClasses: number, threshold = 0.99): Array<{ name: string; accuracy: number; values: number }> {
  const n = labels.length;
  if (n < 20) return [];
  const classCount = new Int32Array(numClasses);
  for (const l of labels) classCount[l]++;
  const base = Math.max(...classCount) / n;
  if (base >= threshold) return [];
  const out: Array<{ name: string; accuracy: number; values: number }> = [];
  for (const c of columns) {
    const counts = new Map<string | number, Int32Array>();
    let tooMany = false;
    for (let r = 0; r < n && !tooMany; r++) {
      const v = c.values[r];
      let k = counts.get(v);
      if (!k) {
        if (counts.size >= (c.kind === 'numeric' ? 20 : 50)) { tooMany = true; break; }
        k = new Int32Array(numClasses); counts.set(v, k);
      }
      k[labels[r]]++;
    }
    if (tooMany || counts.size < 2) continue;
    let hit = 0;
    for (const k of counts.values()) hit += Math.max(...k);
    const acc = hit / n;
    if (acc >= threshold) out.push({ name: c.name, accuracy: acc, values: counts.size });
  }
  return out;
}

export function naturalCompare(a: string, b: string): number {
  const na = Number(a), nb = Number(b);
  if (a !== '' && b !== '' && Number.isFinite(na) && Number.isFinite(nb)) return na - nb;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Row indices of a stratified subset of size ≈ n (every class keeps its share, at least one row). */
export function stratifiedSubset(labels: ArrayLike<string | number>, n: number, seed: number): number[] {
  const by = new Map<string | number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const k = labels[i];
    if (!by.has(k)) by.set(k, []);
    by.get(k)!.push(i);
  }
  const out: number[] = [];
  let s = seed >>> 0;
  const rand = () => { s = (s + 0x6d2b79f5) | 0; let t = Math.imul(s ^ (s >>> 15), 1 | s); t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t; return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
  for (const [, idx] of [...by.entries()].sort((a, b) => String(a[0]).localeCompare(String(b[0])))) {
    const take = Math.max(1, Math.round((idx.length * n) / labels.length));
    for (let i = idx.length - 1; i > 0; i--) { const j = Math.floor(rand() * (i + 1)); [idx[i], idx[j]] = [idx[j], idx[i]]; }
    out.push(...idx.slice(0, take));
  }
  return out.sort((a, b) => a - b);
}

/** The rows of a labelled set at the given indices. */
export function selectRows(d: LabeledData, idx: ArrayLike<number>): LabeledData {
  const columns: Column[] = d.table.columns.map((c) => c.kind === 'numeric'
    ? { name: c.name, kind: 'numeric', values: Float64Array.from(idx, (i) => c.values[i]) }
    : { name: c.name, kind: 'categorical', values: Array.from(idx, (i) => c.values[i]) });
  return { ...d, table: { columns, rows: idx.length }, labels: Int32Array.from(idx, (i) => d.labels[i]) };
}

/** A stratified train/test split of row indices (seeded): every class keeps its share in both parts. */
export function stratifiedSplit(labels: ArrayLike<number>, testFraction: number, seed: number): { train: number[]; test: number[] } {
  if (!(testFraction > 0 && testFraction < 1)) throw new QmlError(`split fraction must be in (0, 1), got ${testFraction}`, '--split');
  const test = new Set(stratifiedSubset(labels, Math.round(labels.length * testFraction), seed));
  const train: number[] = [], t: number[] = [];
  for (let i = 0; i < labels.length; i++) (test.has(i) ? t : train).push(i);
  return { train, test: t };
}

/** SHA-256 over a training table's column names and values: identifies the data a model was trained on. */
export function dataFingerprint(t: Table): string {
  const h = crypto.createHash('sha256');
  for (const c of t.columns) {
    h.update(`${c.name}\u0000${c.kind}\u0000`);
    if (c.kind === 'numeric') h.update(new Uint8Array(c.values.buffer, c.values.byteOffset, c.values.byteLength));
    else h.update(c.values.join('\u0001'));
  }
  return h.digest('hex');
}
