/**
 * `qml6g optimize`: one problem (from a file or a generator), a list of solvers, one table or one
 * JSON object comparing them: objective, approximation ratio against the exact optimum (or the best
 * known), feasibility, seconds; QAOA adds ⟨objective⟩, p and the probability of an optimal shot.
 * With --out DIR the run is a resumable job (one step per solver, results.json after each) and the
 * plots are written there: the p = 1 landscape, QAOA convergence, quality against time.
 *
 * Objectives: MaxCut the cut weight (max); colouring the number of colours used, or the number of
 * conflicting edges when --colors K is fixed (min); frequency assignment the instance's cost (min;
 * --fap-mode span for max − min frequency); uplink the round's energy in mJ; routing Σ volume ×
 * (latency + slot delay); tasks the fleet's travel cost (all min).
 * Ratio: objective/optimum for max problems, optimum/objective for min problems (1 when both are 0).
 */
import fs from 'node:fs';
import path from 'node:path';
import { QmlError } from '../../core/errors.js';
import { runJob } from '../../core/job.js';
import { version } from '../../core/version.js';
import { parseArgs, usage, type Flags } from '../args.js';
import { info, printJson, printLine, readJson, writeFileAtomic } from '../io.js';
import { renderSvg, heatmapSpec, lineSpec, type Point, type Cell } from '../../report/plot.js';
import { storeRecorder } from '../../store/job-recorder.js';
import type { Problem } from '../../optimize/problem.js';
import { penalized } from '../../optimize/problem.js';
import { loadGraph } from '../../optimize/loaders/dimacs.js';
import { loadCelar, loadWcsp, type WcspInstance } from '../../optimize/loaders/wcsp.js';
import { cycleGraph, mycielGraph, queenGraph, randomGraph, randomRegularGraph, type Graph } from '../../optimize/graph.js';
import { maxcutProblem } from '../../optimize/builders/maxcut.js';
import { coloringProblem } from '../../optimize/builders/coloring.js';
import { fapProblem, randomFap } from '../../optimize/builders/fap.js';
import { randomUplink, uplinkProblem, type UplinkInstance } from '../../optimize/builders/uplink.js';
import { randomNetwork, routingProblem, type RoutingNetwork } from '../../optimize/builders/routing.js';
import { randomFleet, tasksProblem, type Fleet } from '../../optimize/builders/tasks.js';
import { dsaturColoring } from '../../optimize/solvers/coloring.js';
import { solverByName, solverNames } from '../../optimize/solvers/registry.js';
import { checkQaoaSize } from '../../optimize/solvers/qaoa.js';
import type { Solution, SolveOptions } from '../../optimize/solvers/solver.js';
import { FastQaoa } from '../../optimize/qaoa/fast.js';
import { landscape } from '../../optimize/qaoa/train.js';

export const help = 'QAOA against exact and heuristic solvers on 6G optimisation problems (MaxCut, colouring, frequency assignment, uplink, routing, fleet tasks)';

const PROBLEMS = ['maxcut', 'coloring', 'fap', 'uplink', 'routing', 'tasks'] as const;
type ProblemName = (typeof PROBLEMS)[number];

const flags: Flags = {
  problem: { type: 'string', help: PROBLEMS.join(' | ') },
  graph: { type: 'string', help: 'graph file: DIMACS .col or Gset (maxcut, coloring)' },
  instance: { type: 'string', help: 'instance: .wcsp[.gz] or a CELAR directory (fap); JSON (uplink, routing, tasks)' },
  'random-regular': { type: 'int', help: 'degree D of a random regular graph (with --nodes)' },
  nodes: { type: 'int', help: 'vertex count for --random-regular' },
  generate: { type: 'string', help: 'generator: gnp:n=10,p=0.4 | cycle:n=8 | myciel:k=4 | queen:n=5 | links=6,channels=4 (fap) | clients=3,channels=3 (uplink) | ground=6,satellites=2,demands=4 (routing) | agents=3,tasks=5 (tasks)' },
  colors: { type: 'int', help: 'fixed colour count K (colouring: minimise conflicts)' },
  'fap-mode': { type: 'string', help: 'cost | span', default: 'cost' },
  solvers: { type: 'string', help: `comma list of ${solverNames().join(', ')}`, default: 'exact,sa,tabu,greedy' },
  p: { type: 'int', help: 'QAOA depth', default: 1 },
  angles: { type: 'string', help: 'fixed | interp | optimize (default: fixed for regular MaxCut, else interp)' },
  mixer: { type: 'string', help: 'x | xy-ring | xy-complete | warm', default: 'x' },
  shots: { type: 'int', help: 'QAOA measurements', default: 1024 },
  cvar: { type: 'number', help: 'QAOA objective CVaR_alpha (0 < alpha ≤ 1; 1 = expectation)' },
  penalty: { type: 'number', help: 'penalty weight (default: the automatic rule, which keeps feasible optima optimal)' },
  'time-limit': { type: 'number', help: 'seconds per solver (exact reports its gap, heuristics stop)' },
  seed: { type: 'int', help: 'random seed', default: 0 },
  out: { type: 'string', help: 'folder for results.json (resumable) and the plots' },
  resume: { type: 'boolean', help: 'resume an interrupted run in --out' },
  json: { type: 'boolean', help: 'print one JSON object (last line)' },
  help: { type: 'boolean', help: 'show this help' },
};

/**
 * Known optima of the instances that ship in data/ (published, with their source), keyed by a
 * fingerprint of the parsed instance (domain sizes | cost tables | total of all costs), so a file is
 * recognised by its content, not its name.
 */
const KNOWN: Record<string, { value: number; source: string }> = {
  '44,44,44,44,36,36,36,36,36,36,36,36,44,44,44,44|57|22402430': { value: 159, source: 'CELAR6-SUB0 optimum (Cabon et al. 1999; toulbar2 cover/CELAR6-SUB0.ub)' },
};

function fingerprint(w: WcspInstance): string {
  let s = w.constant;
  for (const t of w.binary) for (const c of t.cost) s += c;
  for (const u of w.unary) for (const c of u) s += c;
  return `${w.domains.join(',')}|${w.binary.length}|${s}`;
}

function parseSpec(spec: string): { kind: string; kv: Record<string, number> } {
  const [head, rest] = spec.includes(':') ? [spec.slice(0, spec.indexOf(':')), spec.slice(spec.indexOf(':') + 1)] : ['', spec];
  const kv: Record<string, number> = {};
  for (const part of rest.split(',').filter(Boolean)) {
    const m = /^([a-z]+)=(-?[0-9.]+)$/.exec(part.trim());
    if (!m) throw new QmlError(`--generate: expected key=value, got "${part}"`, '--generate');
    kv[m[1]] = Number(m[2]);
  }
  return { kind: head, kv };
}

function need(kv: Record<string, number>, key: string, dflt?: number): number {
  const v = kv[key] ?? dflt;
  if (v === undefined || !Number.isFinite(v)) throw new QmlError(`--generate needs ${key}=...`, '--generate');
  return v;
}

function graphFrom(f: Parsed['flags'], seed: number): Graph {
  if (f.graph) return loadGraph(f.graph as string);
  if (f['random-regular'] !== undefined) {
    if (f.nodes === undefined) throw new QmlError('--random-regular D needs --nodes N');
    return randomRegularGraph(f['random-regular'] as number, f.nodes as number, seed);
  }
  if (f.generate) {
    const { kind, kv } = parseSpec(f.generate as string);
    if (kind === 'gnp') return randomGraph(need(kv, 'n'), need(kv, 'p', 0.5), seed);
    if (kind === 'cycle') return cycleGraph(need(kv, 'n'));
    if (kind === 'myciel') return mycielGraph(need(kv, 'k'));
    if (kind === 'queen') return queenGraph(need(kv, 'n'), need(kv, 'm', kv.n));
    if (kind === 'regular') return randomRegularGraph(need(kv, 'd'), need(kv, 'n'), seed);
    throw new QmlError(`unknown graph generator "${kind}" (gnp, cycle, myciel, queen, regular)`, '--generate');
  }
  throw new QmlError('give a graph: --graph FILE, --random-regular D --nodes N, or --generate ...');
}

type Parsed = ReturnType<typeof parseArgs>;

function jsonInstance<T>(file: string, fields: string[]): T {
  const v = readJson(file, 'instance') as Record<string, unknown>;
  if (!v || typeof v !== 'object') throw new QmlError('an instance must be a JSON object', file);
  for (const k of fields) if (!(k in v)) throw new QmlError(`the instance lacks "${k}"`, file);
  return v as T;
}

export function buildProblem(f: Parsed['flags'], seed: number): Problem {
  const name = f.problem as string | undefined;
  if (!name) throw new QmlError(`--problem is required (${PROBLEMS.join(', ')})`);
  if (!PROBLEMS.includes(name as ProblemName)) throw new QmlError(`unknown problem "${name}" (${PROBLEMS.join(', ')})`, '--problem');
  const kv = f.generate ? parseSpec(f.generate as string).kv : {};
  switch (name as ProblemName) {
    case 'maxcut': return maxcutProblem(graphFrom(f, seed));
    case 'coloring': {
      const g = graphFrom(f, seed);
      if (f.colors !== undefined) {
        if ((f.colors as number) < 1) throw new QmlError(`--colors must be positive, got ${f.colors}`);
        return coloringProblem(g, f.colors as number);
      }
      return coloringProblem(g, dsaturColoring(g).used, 'chromatic');
    }
    case 'fap': {
      const mode = f['fap-mode'] as string;
      if (mode !== 'cost' && mode !== 'span') throw new QmlError(`unknown --fap-mode "${mode}" (cost, span)`);
      let w: WcspInstance;
      if (f.instance) {
        const file = f.instance as string;
        w = fs.existsSync(file) && fs.statSync(file).isDirectory() ? loadCelar(file) : loadWcsp(file);
      } else if (f.generate) w = randomFap({ links: need(kv, 'links'), channels: need(kv, 'channels'), seed });
      else throw new QmlError('fap needs --instance FILE (.wcsp, .wcsp.gz or a CELAR folder) or --generate links=L,channels=C');
      const p = fapProblem(w, mode);
      const known = KNOWN[fingerprint(w)];
      if (known && mode === 'cost') p.known = { value: known.value, proven: true, source: known.source };
      return p;
    }
    case 'uplink': {
      const u = f.instance ? jsonInstance<UplinkInstance>(f.instance as string, ['clients', 'channels', 'gain', 'powers', 'noise', 'bandwidth', 'dataBits', 'deadline'])
        : randomUplink({ clients: need(kv, 'clients', 3), channels: need(kv, 'channels', 3), seed });
      return uplinkProblem(u);
    }
    case 'routing': {
      const net = f.instance ? jsonInstance<RoutingNetwork>(f.instance as string, ['nodes', 'links', 'demands'])
        : randomNetwork({ ground: need(kv, 'ground', 6), satellites: need(kv, 'satellites', 2), demands: need(kv, 'demands', 3), seed });
      return routingProblem(net, { paths: kv.paths ?? 2, slots: kv.slots ?? 1 });
    }
    case 'tasks': {
      const fl = f.instance ? jsonInstance<Fleet>(f.instance as string, ['agents', 'tasks', 'cost', 'load', 'capacity', 'arrival', 'deadline'])
        : randomFleet({ agents: need(kv, 'agents', 3), tasks: need(kv, 'tasks', 4), seed });
      return tasksProblem(fl);
    }
  }
}

export function ratioOf(p: Problem, objective: number, feasible: boolean, optimum: number | null): number | null {
  if (!feasible || optimum === null) return null;
  if (p.sense === 'max') return optimum === 0 ? (objective === 0 ? 1 : null) : objective / optimum;
  if (objective === optimum) return 1;
  return objective > 0 && optimum >= 0 ? optimum / objective : null;
}

interface OptimizeRecord { problem: string; kind: string; n_variables: number; sense: string; results: Solution[]; optimum: number | null; optimum_proven: boolean; optimum_source: string | null }

export async function run(argv: string[]): Promise<void> {
  const a = parseArgs(argv, flags, 'optimize');
  if (a.flags.help) { printLine(usage('optimize', '--problem NAME (--graph FILE | --instance FILE | --random-regular D --nodes N | --generate SPEC) --solvers LIST [options]', flags)); return; }
  if (a.positional.length) throw new QmlError(`unexpected argument "${a.positional[0]}"`);
  const f = a.flags, seed = f.seed as number, p = f.p as number;
  if (!Number.isInteger(p) || p <= 0) throw new QmlError(`--p must be a positive integer (the QAOA depth), got ${p}`, '--p');
  if (!((f.shots as number) > 0)) throw new QmlError(`--shots must be positive, got ${f.shots}`, '--shots');
  const mixer = f.mixer as string;
  if (!['x', 'xy-ring', 'xy-complete', 'warm'].includes(mixer)) throw new QmlError(`unknown mixer "${mixer}" (x, xy-ring, xy-complete, warm)`, '--mixer');
  const angles = f.angles as string | undefined;
  if (angles !== undefined && !['fixed', 'interp', 'optimize'].includes(angles)) throw new QmlError(`unknown angle strategy "${angles}" (fixed, interp, optimize)`, '--angles');
  if (f.cvar !== undefined && !((f.cvar as number) > 0 && (f.cvar as number) <= 1)) throw new QmlError(`--cvar must be in (0, 1], got ${f.cvar}`, '--cvar');
  if (f['time-limit'] !== undefined && !((f['time-limit'] as number) > 0)) throw new QmlError('--time-limit must be positive', '--time-limit');
  if (f.resume && !f.out) throw new QmlError('--resume needs --out DIR');
  const names = (f.solvers as string).split(',').map((s) => s.trim()).filter(Boolean);
  if (!names.length) throw new QmlError('--solvers is empty');
  const solvers = names.map((n) => solverByName(n));
  const problem = buildProblem(f, seed);
  // Refuse before running anything: a solver that cannot take this problem, QAOA beyond memory.
  for (const s of solvers) {
    if (s.name === 'qaoa') {
      const qubits = penalized(problem, { ...(f.penalty === undefined ? {} : { penalty: f.penalty as number }), skipOneHot: mixer.startsWith('xy') }).qubo.n;
      checkQaoaSize(qubits, mixer !== 'warm');
      continue;
    }
    const why = s.supports(problem);
    if (why) throw new QmlError(`solver "${s.name}" does not take this problem: ${why}`, '--solvers');
  }
  const opts: SolveOptions = { seed, p, mixer: mixer as SolveOptions['mixer'], shots: f.shots as number, log: f.json ? undefined : info };
  if (angles) opts.angles = angles as SolveOptions['angles'];
  if (f.cvar !== undefined) opts.cvar = f.cvar as number;
  if (f.penalty !== undefined) opts.penalty = f.penalty as number;
  if (f['time-limit'] !== undefined) opts.timeLimit = f['time-limit'] as number;
  info(`${problem.kind} "${problem.name}": ${problem.n} variables, ${problem.constraints.length} constraints; solvers ${names.join(', ')}`);

  const init = (): OptimizeRecord => ({ problem: problem.name, kind: problem.kind, n_variables: problem.n, sense: problem.sense, results: [], optimum: null, optimum_proven: false, optimum_source: null });
  const steps = names.map((n, k) => ({
    name: `${k}:${n}`,
    run: async (ctx: { record: OptimizeRecord }) => {
      info(`running ${n} ...`);
      const sol = await solvers[k].solve(problem, opts);
      ctx.record.results.push(sol);
      info(`  ${n}: objective ${fmt(sol.objective)}${sol.feasible ? '' : ' (infeasible)'} in ${sol.seconds.toFixed(3)} s`);
    },
    restore: (ctx: { record: OptimizeRecord; previous: OptimizeRecord | null }) => {
      const prev = ctx.previous?.results.find((r, i) => r.solver === solvers[k].name && i === k);
      if (prev) ctx.record.results.push(prev);
    },
  }));
  let record: OptimizeRecord;
  const outDir = f.out as string | undefined;
  if (outDir) {
    fs.mkdirSync(outDir, { recursive: true });
    record = await runJob<OptimizeRecord>({
      command: 'optimize', file: path.join(outDir, 'results.json'), seed, resume: !!f.resume,
      config: { argv: argv.filter((x) => x !== '--resume' && x !== '--json') }, ignoreKeys: [],
      init, steps, hooks: { log: info }, recorder: storeRecorder(),
    });
  } else {
    record = init();
    for (const s of steps) await s.run({ record });
  }
  finishOptimum(problem, record);
  const out = contractJson(problem, record);
  if (outDir) {
    writeFileAtomic(path.join(outDir, 'results.json'), JSON.stringify({ ...record, ...out, version: version() }, null, 1));
    await writePlots(problem, record, outDir, opts);
  }
  if (f.json) printJson(out);
  else printLine(table(problem, record));
}

/** The optimum: a proven exact result, else the published value, else the best feasible result found (not proven). */
function finishOptimum(p: Problem, r: OptimizeRecord): void {
  const proven = r.results.find((s) => s.proven && s.feasible);
  if (proven) { r.optimum = proven.objective; r.optimum_proven = true; r.optimum_source = proven.solver; return; }
  if (p.known) { r.optimum = p.known.value; r.optimum_proven = p.known.proven; r.optimum_source = p.known.source; return; }
  const feas = r.results.filter((s) => s.feasible);
  if (feas.length) {
    const best = feas.reduce((b, s) => ((p.sense === 'max' ? s.objective > b.objective : s.objective < b.objective) ? s : b));
    r.optimum = best.objective; r.optimum_proven = false; r.optimum_source = `best found (${best.solver})`;
  }
}

export function contractJson(p: Problem, r: OptimizeRecord): Record<string, unknown> {
  return {
    problem: p.kind, name: p.name, n_variables: p.n, sense: p.sense,
    optimum: r.optimum, optimum_proven: r.optimum_proven, optimum_source: r.optimum_source,
    results: r.results.map((s) => ({
      solver: s.solver, objective: s.objective, feasible: s.feasible, ratio: ratioOf(p, s.objective, s.feasible, r.optimum), seconds: s.seconds,
      ...(s.solver === 'qaoa' ? { expectation: s.details.expectation, p: s.details.p, probability_optimal: s.details.probability_optimal, probability_feasible: s.details.probability_feasible, mixer: s.details.mixer, angles: s.details.angles, qubits: s.details.qubits } : {}),
      proven: s.proven, gap: s.gap, bound: s.bound, violated: s.violated.slice(0, 5), evaluations: s.evaluations, seed: s.seed,
    })),
    seed: r.results[0]?.seed ?? null, version: version(),
  };
}

function fmt(v: unknown): string {
  if (typeof v !== 'number') return v === null || v === undefined ? '-' : String(v);
  return Number.isInteger(v) ? String(v) : Math.abs(v) >= 100 ? v.toFixed(1) : v.toPrecision(4);
}

function table(p: Problem, r: OptimizeRecord): string {
  const head = ['solver', 'objective', 'feasible', 'ratio', 'gap', 'seconds', '<objective>', 'P(optimal)'];
  const rows = r.results.map((s) => [s.solver, fmt(s.objective), s.feasible ? 'yes' : 'no', fmt(ratioOf(p, s.objective, s.feasible, r.optimum)), s.proven ? 'proven' : fmt(s.gap), s.seconds.toFixed(3), fmt(s.details.expectation), fmt(s.details.probability_optimal)]);
  const w = head.map((h, k) => Math.max(h.length, ...rows.map((x) => x[k].length)));
  const line = (cells: string[]) => cells.map((c, k) => c.padEnd(w[k])).join('  ');
  return [`${p.kind} ${p.name}: ${p.n} variables, ${p.sense === 'max' ? 'maximise' : 'minimise'}; optimum ${fmt(r.optimum)}${r.optimum === null ? '' : r.optimum_proven ? ' (proven)' : ' (not proven)'}${r.optimum_source ? ` from ${r.optimum_source}` : ''}`, line(head), ...rows.map(line)].join('\n');
}

async function writePlots(p: Problem, r: OptimizeRecord, dir: string, opts: SolveOptions): Promise<void> {
  const pts: Point[] = [];
  for (const s of r.results) {
    for (const [t, v] of s.trace) pts.push({ series: s.solver, x: Math.max(t, 1e-4), y: v });
    pts.push({ series: s.solver, x: Math.max(s.seconds, 1e-4), y: s.objective });
  }
  if (pts.length) writeFileAtomic(path.join(dir, 'quality-vs-time.svg'), await renderSvg(lineSpec(`${p.name}: best objective against time`, pts, { x: 'seconds', y: 'objective' })));
  const q = r.results.find((s) => s.solver === 'qaoa');
  if (!q) return;
  const conv = (q.details.convergence as number[] | undefined) ?? [];
  if (conv.length) writeFileAtomic(path.join(dir, 'qaoa-convergence.svg'), await renderSvg(lineSpec('QAOA: ⟨objective⟩ per optimiser step', conv.map((v, k) => ({ series: `p = ${q.details.p}`, x: k, y: v })), { x: 'step', y: '⟨objective⟩' })));
  const xy = opts.mixer === 'xy-ring' || opts.mixer === 'xy-complete';
  const pq = penalized(p, { ...(opts.penalty === undefined ? {} : { penalty: opts.penalty }), skipOneHot: xy });
  if (pq.qubo.n > 16 || opts.mixer === 'warm') return;
  const sim = new FastQaoa({ qubo: pq.qubo, mixer: (opts.mixer ?? 'x') as 'x', groups: xy ? p.oneHot : undefined });
  const G = 24, gs = Array.from({ length: G }, (_, i) => (i / (G - 1)) * Math.PI / 2), bs = Array.from({ length: G }, (_, i) => (i / (G - 1)) * Math.PI / 2);
  const land = landscape(sim, gs, bs), sign = p.sense === 'max' ? -1 : 1;
  const cells: Cell[] = [];
  land.forEach((row, i) => row.forEach((v, j) => cells.push({ row: gs[i].toFixed(2), col: bs[j].toFixed(2), value: sign * v })));
  writeFileAtomic(path.join(dir, 'qaoa-landscape-p1.svg'), await renderSvg(heatmapSpec('QAOA p = 1: ⟨objective⟩ over (γ, β)', cells, { row: 'γ', col: 'β', value: '⟨objective⟩' })));
}
