/**
 * Weighted CSP instances: the WCSP text format of toulbar2 and the CELAR/CALMA radio-link frequency
 * assignment files (Cabon, de Givry, Lobjois, Schiex & Warners, "Radio link frequency assignment",
 * Constraints 4:79–89, 1999).
 *
 * WCSP: `name N maxDomain F top`, N domain sizes, then F cost functions, each `arity scope... default
 * k` followed by k tuples `values... cost`; a total cost ≥ top is infeasible. Arities 0, 1 and 2
 * are read (the frequency-assignment instances are binary).
 *
 * CELAR (FullRLFAP): `var.txt` (`id domain [initial mobility]`), `dom.txt` (`id count f1 ... fcount`),
 * `ctr.txt` (`i j D|C >|= d [weight]`: |f_i − f_j| > d or = d, hard without a weight, else costing
 * a_weight when violated), `cst.txt` (`a1 = ...`, `b1 = ...`: interference and mobility costs).
 *
 * @example
 * import { parseWcsp, wcspCost } from 'qml6g';
 * const w = parseWcsp('toy 2 2 1 100\n2 2\n2 0 1 0 1\n0 0 7\n', 'toy.wcsp');
 * wcspCost(w, [0, 0]);   // 7
 * wcspCost(w, [0, 1]);   // 0
 */
import path from 'node:path';
import { QmlError } from '../../core/errors.js';
import { readInstance, Tokens } from './text.js';

/** The cost of a hard constraint in CELAR files read here (the instance's top). */
export const HARD = 1e9;

export interface WcspInstance {
  name: string;
  /** Domain size of each variable. */
  domains: number[];
  /** The frequency behind each domain index (CELAR files), for span objectives and reports. */
  values?: number[][];
  /** unary[i][a]. */
  unary: number[][];
  /** One merged table per variable pair i < j: cost[a·d_j + b]. */
  binary: Array<{ i: number; j: number; cost: number[] }>;
  constant: number;
  /** Costs ≥ top are infeasible (hard constraints). */
  top: number;
}

export function wcspCost(w: WcspInstance, a: ArrayLike<number>): number {
  let c = w.constant;
  for (let i = 0; i < w.domains.length; i++) c += w.unary[i][a[i]];
  for (const t of w.binary) c += t.cost[a[t.i] * w.domains[t.j] + a[t.j]];
  return c;
}

function emptyInstance(name: string, domains: number[], top: number): WcspInstance & { pairIndex: Map<number, number> } {
  return { name, domains, unary: domains.map((d) => new Array<number>(d).fill(0)), binary: [], constant: 0, top, pairIndex: new Map() };
}

function pairTable(w: ReturnType<typeof emptyInstance>, i: number, j: number): number[] {
  const key = i * w.domains.length + j;
  let at = w.pairIndex.get(key);
  if (at === undefined) {
    at = w.binary.length;
    w.binary.push({ i, j, cost: new Array<number>(w.domains[i] * w.domains[j]).fill(0) });
    w.pairIndex.set(key, at);
  }
  return w.binary[at].cost;
}

function finish(w: ReturnType<typeof emptyInstance>): WcspInstance {
  const { pairIndex: _drop, ...rest } = w;
  void _drop;
  return rest;
}

export function parseWcsp(text: string, file: string): WcspInstance {
  const t = new Tokens(text, file);
  const name = t.word('instance name');
  const n = t.int('variable count', 1, 1e6);
  t.int('maximum domain size', 1);
  const F = t.int('cost function count', 0);
  const top = t.num('upper bound (top)');
  const domains: number[] = [];
  for (let i = 0; i < n; i++) domains.push(t.int(`domain size of variable ${i}`, 1, 1e6));
  const w = emptyInstance(name, domains, top);
  for (let f = 0; f < F; f++) {
    const arity = t.int(`arity of cost function ${f}`);
    if (arity < 0 || arity > 2) throw new QmlError(`cost function ${f} has arity ${arity}; only arities 0, 1 and 2 are supported`, t.where());
    const scope: number[] = [];
    for (let k = 0; k < arity; k++) scope.push(t.int(`variable of cost function ${f}`, 0, n - 1));
    if (arity === 2 && scope[0] === scope[1]) throw new QmlError(`cost function ${f} repeats variable ${scope[0]}`, t.where());
    const dflt = t.num(`default cost of cost function ${f}`);
    const k = t.int(`tuple count of cost function ${f}`, 0);
    if (arity === 0) { w.constant += dflt; for (let r = 0; r < k; r++) w.constant += t.num('cost'); continue; }
    if (arity === 1) {
      const i = scope[0], tbl = new Array<number>(domains[i]).fill(dflt);
      for (let r = 0; r < k; r++) { const a = t.int(`value of variable ${i}`, 0, domains[i] - 1); tbl[a] = t.num('cost'); }
      tbl.forEach((c, a) => { w.unary[i][a] += c; });
      continue;
    }
    // Stored with i < j; tuples are read in scope order.
    const [s0, s1] = scope, swap = s0 > s1, i = swap ? s1 : s0, j = swap ? s0 : s1;
    const tbl = new Array<number>(domains[s0] * domains[s1]).fill(dflt);
    for (let r = 0; r < k; r++) {
      const a = t.int(`value of variable ${s0}`, 0, domains[s0] - 1), b = t.int(`value of variable ${s1}`, 0, domains[s1] - 1);
      tbl[a * domains[s1] + b] = t.num('cost');
    }
    const target = pairTable(w, i, j);
    for (let a = 0; a < domains[s0]; a++) for (let b = 0; b < domains[s1]; b++) {
      const c = tbl[a * domains[s1] + b];
      target[swap ? b * domains[s0] + a : a * domains[s1] + b] += c;
    }
  }
  if (!t.done()) throw new QmlError(`trailing data after ${F} cost functions`, t.where());
  return finish(w);
}

export function loadWcsp(file: string): WcspInstance {
  return parseWcsp(readInstance(file), file);
}

/**
 * A CELAR/CALMA instance from its directory (var.txt, dom.txt, ctr.txt, cst.txt; names in upper case
 * accepted). Variables keep their file order; domain index a of a variable is its a-th frequency.
 */
export function loadCelar(dir: string): WcspInstance {
  const pick = (base: string): string => {
    for (const f of [base, base.toUpperCase()]) {
      const p = path.join(dir, f);
      try { return readInstance(p) + '\n' + p; } catch { /* try the next spelling */ }
    }
    throw new QmlError(`missing ${base}`, dir);
  };
  const split = (s: string): [string, string] => { const k = s.lastIndexOf('\n'); return [s.slice(0, k), s.slice(k + 1)]; };
  const [vt, vf] = split(pick('var.txt')), [dt, df] = split(pick('dom.txt')), [ct, cf] = split(pick('ctr.txt'));
  let cst: [string, string] | null = null;
  try { cst = split(pick('cst.txt')); } catch { cst = null; }
  return parseCelar({ var: vt, dom: dt, ctr: ct, cst: cst?.[0] ?? '' }, { var: vf, dom: df, ctr: cf, cst: cst?.[1] ?? 'cst.txt' }, path.basename(dir));
}

/** Parses the four CELAR texts (file names only label errors). */
export function parseCelar(text: { var: string; dom: string; ctr: string; cst: string }, files: { var: string; dom: string; ctr: string; cst: string }, name = 'celar'): WcspInstance {
  const a = [0, 0, 0, 0, 0], b = [0, 0, 0, 0, 0];
  // Hard constraints cost HARD (finite, so records stay JSON); any total ≥ top = HARD is infeasible.
  const hard = HARD;
  text.cst.split(/\r?\n/).forEach((line, k) => {
    const m = /^\s*([ab])\s*(\d)\s*=\s*(\S+)\s*$/i.exec(line);
    if (!m) return; // cst.txt also carries prose lines
    const v = Number(m[3]), idx = Number(m[2]);
    if (!Number.isFinite(v) || idx < 1 || idx > 4) throw new QmlError(`bad cost "${line.trim()}"`, `${files.cst}:${k + 1}`);
    (m[1].toLowerCase() === 'a' ? a : b)[idx] = v;
  });
  const doms = new Map<number, number[]>();
  text.dom.split(/\r?\n/).forEach((line, k) => {
    const f = line.trim().split(/\s+/).filter(Boolean);
    if (!f.length) return;
    const at = `${files.dom}:${k + 1}`;
    if (!f.every((x) => /^-?\d+$/.test(x))) throw new QmlError(`expected integers "id count f1 ... fcount", got "${line.trim()}"`, at);
    const [id, count, ...fs] = f.map(Number);
    if (fs.length !== count) throw new QmlError(`domain ${id} declares ${count} frequencies and lists ${fs.length}`, at);
    doms.set(id, fs);
  });
  const vars: Array<{ id: number; dom: number[]; init: number | null; mob: number }> = [];
  const index = new Map<number, number>();
  text.var.split(/\r?\n/).forEach((line, k) => {
    const f = line.trim().split(/\s+/).filter(Boolean);
    if (!f.length) return;
    const at = `${files.var}:${k + 1}`;
    if (f.length < 2 || !f.every((x) => /^-?\d+$/.test(x))) throw new QmlError(`expected "id domain [initial mobility]", got "${line.trim()}"`, at);
    const dom = doms.get(Number(f[1]));
    if (!dom) throw new QmlError(`variable ${f[0]} uses undefined domain ${f[1]}`, at);
    if (index.has(Number(f[0]))) throw new QmlError(`variable ${f[0]} defined twice`, at);
    index.set(Number(f[0]), vars.length);
    vars.push({ id: Number(f[0]), dom, init: f.length >= 3 ? Number(f[2]) : null, mob: f.length >= 4 ? Number(f[3]) : 0 });
  });
  if (!vars.length) throw new QmlError('no variables', `${files.var}:1`);
  const domains = vars.map((v) => v.dom.length);
  const w = emptyInstance(name, domains, hard);
  w.values = vars.map((v) => [...v.dom]);
  vars.forEach((v, i) => {
    if (v.init === null) return;
    const cost = v.mob === 0 ? hard : b[v.mob];
    v.dom.forEach((f, k) => { if (f !== v.init) w.unary[i][k] += cost; });
  });
  text.ctr.split(/\r?\n/).forEach((line, k) => {
    const f = line.trim().split(/\s+/).filter(Boolean);
    if (!f.length) return;
    const at = `${files.ctr}:${k + 1}`;
    if (f.length < 5 || !/^\d+$/.test(f[0]) || !/^\d+$/.test(f[1]) || !/^[DCLF]$/i.test(f[2]) || !/^[>=<]$/.test(f[3]) || !/^-?\d+$/.test(f[4]) || (f[5] !== undefined && !/^\d$/.test(f[5]))) {
      throw new QmlError(`expected "i j D|C >|= d [weight]", got "${line.trim()}"`, at);
    }
    const vi = index.get(Number(f[0])), vj = index.get(Number(f[1]));
    if (vi === undefined || vj === undefined) throw new QmlError(`constraint on undefined variable ${vi === undefined ? f[0] : f[1]}`, at);
    if (vi === vj) throw new QmlError('constraint on one variable twice', at);
    const d = Number(f[4]), weight = f[5] === undefined ? 0 : Number(f[5]);
    const cost = weight === 0 ? hard : a[weight];
    const [i, j] = vi < vj ? [vi, vj] : [vj, vi];
    const tbl = pairTable(w, i, j), fi = vars[i].dom, fj = vars[j].dom;
    for (let x = 0; x < fi.length; x++) for (let y = 0; y < fj.length; y++) {
      const dist = Math.abs(fi[x] - fj[y]);
      const ok = f[3] === '>' ? dist > d : f[3] === '<' ? dist < d : dist === d;
      if (!ok) tbl[x * fj.length + y] += cost;
    }
  });
  return finish(w);
}
