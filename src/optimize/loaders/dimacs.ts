/**
 * DIMACS graph files (`.col`, Trick's COLOR02 collection): `c` comment lines, one `p edge N M` (or
 * `p col N M`) line, then `e u v` lines, 1-based. Edges listed in both directions (the Stanford
 * GraphBase files do) are merged. Gset MaxCut files (Helmberg & Rendl; Ye's collection): first line
 * `N M`, then `u v w` lines, 1-based.
 *
 * @example
 * import { parseDimacs, parseGset } from 'qml6g';
 * parseDimacs('p edge 3 2\ne 1 2\ne 2 3\n', 'path.col').edges;   // [[0, 1], [1, 2]]
 * parseGset('3 2\n1 2 1\n2 3 -1\n', 'g.txt').weights;             // [1, -1]
 */
import { QmlError } from '../../core/errors.js';
import { makeGraph, type Graph } from '../graph.js';
import { readInstance } from './text.js';

export function parseDimacs(text: string, file: string): Graph {
  let n = -1, declared = -1;
  const edges: Array<[number, number]> = [];
  const lines = text.split(/\r?\n/);
  for (let k = 0; k < lines.length; k++) {
    const line = lines[k].trim(), at = `${file}:${k + 1}`;
    if (!line || line[0] === 'c') continue;
    const f = line.split(/\s+/);
    if (f[0] === 'p') {
      if (n >= 0) throw new QmlError('a second "p" line', at);
      if (f.length < 4 || !/^(edge|edges|col)$/.test(f[1]) || !/^\d+$/.test(f[2]) || !/^\d+$/.test(f[3])) throw new QmlError(`expected "p edge N M", got "${line}"`, at);
      n = Number(f[2]); declared = Number(f[3]);
      if (n < 1) throw new QmlError('a graph needs at least one vertex', at);
    } else if (f[0] === 'e') {
      if (n < 0) throw new QmlError('an edge before the "p edge N M" line', at);
      if (f.length < 3 || !/^\d+$/.test(f[1]) || !/^\d+$/.test(f[2])) throw new QmlError(`expected "e u v", got "${line}"`, at);
      const u = Number(f[1]), v = Number(f[2]);
      if (u < 1 || v < 1 || u > n || v > n) throw new QmlError(`vertex out of range 1..${n} in "${line}"`, at);
      if (u === v) throw new QmlError(`self-loop on vertex ${u}`, at);
      edges.push([u - 1, v - 1]);
    } else if (f[0] === 'n' || f[0] === 'x' || f[0] === 'd' || f[0] === 'v') {
      // Vertex weights and geometry lines of some COLOR02 files carry no edges.
      continue;
    } else throw new QmlError(`unknown line type "${f[0]}" (expected c, p or e)`, at);
  }
  if (n < 0) throw new QmlError('no "p edge N M" line', `${file}:1`);
  const g = makeGraph(n, edges, undefined, baseName(file));
  // M counts each edge once or twice depending on the source; accept either.
  if (declared > 0 && g.edges.length !== declared && 2 * g.edges.length !== declared && edges.length !== declared) {
    throw new QmlError(`the p line declares ${declared} edges, the file lists ${edges.length}`, `${file}:1`);
  }
  return g;
}

export function parseGset(text: string, file: string): Graph {
  const lines = text.split(/\r?\n/);
  let k = 0;
  while (k < lines.length && !lines[k].trim()) k++;
  const head = (lines[k] ?? '').trim().split(/\s+/);
  if (head.length < 2 || !/^\d+$/.test(head[0]) || !/^\d+$/.test(head[1])) throw new QmlError(`expected "N M" on the first line, got "${lines[k] ?? ''}"`, `${file}:${k + 1}`);
  const n = Number(head[0]), m = Number(head[1]);
  const edges: Array<[number, number]> = [], w: number[] = [];
  for (k++; k < lines.length; k++) {
    const line = lines[k].trim(), at = `${file}:${k + 1}`;
    if (!line) continue;
    const f = line.split(/\s+/);
    if (f.length < 2 || !/^\d+$/.test(f[0]) || !/^\d+$/.test(f[1]) || (f[2] !== undefined && !Number.isFinite(Number(f[2])))) throw new QmlError(`expected "u v [w]", got "${line}"`, at);
    const u = Number(f[0]), v = Number(f[1]);
    if (u < 1 || v < 1 || u > n || v > n) throw new QmlError(`vertex out of range 1..${n}`, at);
    if (u === v) throw new QmlError(`self-loop on vertex ${u}`, at);
    edges.push([u - 1, v - 1]); w.push(f[2] === undefined ? 1 : Number(f[2]));
  }
  if (edges.length !== m) throw new QmlError(`the header declares ${m} edges, the file lists ${edges.length}`, `${file}:1`);
  return makeGraph(n, edges, w, baseName(file));
}

export function loadGraph(file: string): Graph {
  const text = readInstance(file);
  const first = text.split(/\r?\n/).find((l) => l.trim() !== '') ?? '';
  return /^\s*[cpe]\b/.test(first) ? parseDimacs(text, file) : parseGset(text, file);
}

function baseName(file: string): string {
  return file.split(/[\\/]/).pop()!.replace(/\.[^.]*$/, '');
}
