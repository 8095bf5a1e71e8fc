/**
 * Batched execution: one circuit template evaluated for many rows of inputs (and optionally of
 * parameters), compiled once, with one state buffer reused, so per-row overhead is a few angle
 * evaluations. Rows are laid out row-major in one Float64Array.
 *
 * @example
 * import { batchExpectations, CircuitBuilder, input, param, Z } from 'qml6g';
 * const c = new CircuitBuilder(1).ry(0, input(0)).rz(0, param(0)).build();
 * const X = Float64Array.from([0, Math.PI / 2, Math.PI]);       // 3 rows, 1 feature
 * batchExpectations(c, [Z(0)], { inputs: X, inputCols: 1, params: [0.2] });
 * // Float64Array [1, 0, -1] (≈)
 */
import { QmlError } from '../core/errors.js';
import type { Circuit } from './circuit.js';
import { Evaluator, type EvalOptions } from './evaluator.js';
import { AdjointWorkspace, adjointPass } from './gradients.js';
import { compileObservable, expectationSV, type CompiledTerm, type Observable } from './observable.js';
import { compile, type Program } from './program.js';
import { chooseMethod } from './simulate.js';
import { compileWasm, type WasmProgram } from './wasm-program.js';
import { autoTeam, TEAM_MIN_BATCH_WORK, type ThreadTeam } from './parallel.js';
import { flattenTerms, JOB } from './batch-rows.js';
import { allocAmplitudes, simd } from './simd.js';

/**
 * Compiled programs of recent circuits, by content: a circuit is plain data, so equal JSON means
 * an equal circuit (and a caller who edits a circuit in place gets a fresh compile). A batch call
 * repeated on one circuit (training epochs, a pool worker that receives a copy per call) then
 * skips compiling, about a millisecond per call, a tenth of a 500-row chunk of small circuits.
 */
const recentPrograms = new Map<string, Program>();
const RECENT_PROGRAMS = 8;
/** The interpreter of a compiled program (null when it does not take it), made once per program. */
const interpreters = new WeakMap<Program, WasmProgram | null>();

function programOf(circuit: Circuit | Program): Program {
  if ('instrs' in circuit) return circuit;
  const key = JSON.stringify(circuit);
  let prog = recentPrograms.get(key);
  if (prog) {
    recentPrograms.delete(key); // most recent last
  } else {
    prog = compile(circuit);
    if (recentPrograms.size >= RECENT_PROGRAMS) recentPrograms.delete(recentPrograms.keys().next().value!);
  }
  recentPrograms.set(key, prog);
  return prog;
}

function interpreterOf(prog: Program): WasmProgram | null {
  let w = interpreters.get(prog);
  if (w === undefined) { w = compileWasm(prog); interpreters.set(prog, w); }
  return w;
}

/**
 * The observables' backward light cone: walking back from the end, a gate none of whose wires
 * meets the support of the observables (grown by every gate kept) commutes with all of them and
 * is dropped. Exact (⟨ψ|U†OU|ψ⟩ = ⟨ψ|O|ψ⟩ for such U, up to rounding); a classifier reading one
 * qubit skips the last layers' gates on the other wires. Only where the state itself is not
 * returned (batches of expectations). Programs cached by (program, support).
 */
const cones = new WeakMap<Program, Map<number, Program>>();
function lightCone(prog: Program, terms: CompiledTerm[][]): Program {
  let cone = 0;
  for (const obs of terms) for (const t of obs) cone |= t.xmask | t.zmask;
  if (prog.midCircuit || prog.numQubits > 30 || cone === 2 ** prog.numQubits - 1) return prog;
  let byCone = cones.get(prog);
  if (!byCone) { byCone = new Map(); cones.set(prog, byCone); }
  const key = cone, hit = byCone.get(key);
  if (hit) return hit;
  const kept: Program['instrs'] = [];
  for (let k = prog.instrs.length - 1; k >= 0; k--) {
    const ins = prog.instrs[k];
    if (ins.kind === 'gate') {
      let w = ins.cmask;
      for (const t of ins.targets) w |= 1 << t;
      if ((w & cone) === 0) continue;
      cone |= w;
    }
    kept.push(ins);
  }
  const out = kept.length === prog.instrs.length ? prog : { ...prog, instrs: kept.reverse() };
  byCone.set(key, out);
  return out;
}

/** One interpreter per team thread (a running program writes its own matrix slots). */
const teamInterpreters = new WeakMap<Program, WasmProgram[]>();

/**
 * The batch calibration of this process: chunks of real rows timed on one thread and on the team
 * (work in amplitude-operations, rows × ops × 2^n). The team is used for batches at least as large
 * as a chunk on which it won; after a loss, batches up to four times the lost chunk stay on one
 * thread and a larger one is tried again. QML6G_TEAM_MIN_WORK fixes the threshold instead.
 */
const batchCalibration = { wonAt: Infinity, lostAt: 0, trials: [] as Array<{ work: number; rows: number; one: number; team: number }> };
export function teamBatchCalibration(): { wonAt: number | null; lostAt: number | null; trials: Array<{ work: number; rows: number; one: number; team: number }> } {
  return { wonAt: Number.isFinite(batchCalibration.wonAt) ? batchCalibration.wonAt : null, lostAt: batchCalibration.lostAt || null, trials: [...batchCalibration.trials] };
}

/**
 * Runs the rows: on this thread, or split across the automatic thread team (parallel.ts) when the
 * batch is large enough for it to win (measured as above). Each row's value is the same either way.
 */
function runBatchRows(prog: Program, wasm: WasmProgram, terms: CompiledTerm[][], X: RowMatrix | null, P: RowMatrix | null, shared: ArrayLike<number> | undefined, rows: number, out: Float64Array, threads: 'auto' | 'one' | 'team'): void {
  const n = prog.numQubits, m = terms.length, empty = new Float64Array(0);
  const oneThread = (lo: number, hi: number) => {
    for (let r = lo; r < hi; r++) {
      const x = X ? X.data.subarray(r * X.cols, (r + 1) * X.cols) : empty;
      const p = P ? P.data.subarray(r * P.cols, (r + 1) * P.cols) : shared ?? empty;
      const s = wasm.run(p, x);
      for (let o = 0; o < m; o++) out[r * m + o] = expectationSV(s, n, terms[o]);
    }
  };
  const perRow = wasm.pointers.count * 2 ** n, work = rows * perRow;
  const env = process.env.QML6G_TEAM_MIN_WORK;
  const cal = batchCalibration;
  const wanted = threads === 'team' || (threads === 'auto' && work >= TEAM_MIN_BATCH_WORK && (env ? work >= Number(env) : work >= cal.wonAt || work > 4 * cal.lostAt));
  const team = wanted && rows >= 2 ? autoTeam() : null;
  const job = team && team.alive && simd() && team.threads <= 64 ? teamJob(team, prog, wasm, terms, X, P, shared, rows) : null;
  if (!job) { oneThread(0, rows); return; }
  const onTeam = (lo: number, hi: number) => {
    team!.job[JOB.FIRST] = lo;
    team!.runRows(hi - lo);
    out.set(job.res.subarray(lo * m, hi * m), lo * m);
  };
  if (threads === 'team' || env || work >= cal.wonAt) { onTeam(0, rows); return; }
  // Calibrate on this batch's own rows: a quarter on one thread, the next quarter on the team.
  // The team's first rows of a program are not timed: its workers' first run of the interpreter
  // pays their JIT and cache warm-up, and timing it made an idle 2-core machine conclude that the
  // team never wins (it wins from about 32 rows of the bench's 8-qubit circuit, `npm run bench -- sim`).
  const k = Math.max(1, Math.floor(rows / 4));
  let s = performance.now();
  oneThread(0, k);
  const one = performance.now() - s;
  let lo = k;
  const first = !teamWarm.has(prog);
  if (first) {
    teamWarm.add(prog);
    const w = Math.min(Math.max(2 * team!.threads, Math.floor(k / 8)), rows - 2 * k);
    if (w > 0) { onTeam(lo, lo + w); lo += w; }
  }
  s = performance.now();
  onTeam(lo, lo + k);
  const many = performance.now() - s;
  cal.trials.push({ work: k * perRow, rows: k, one: one / 1000, team: many / 1000 });
  // A loss on a program's first trial is not kept: the workers may still run the interpreter's
  // baseline code while its optimised tier compiles in the background, so the next batch tries again.
  if (many < one) cal.wonAt = Math.min(cal.wonAt, k * perRow); else if (!first) cal.lostAt = Math.max(cal.lostAt, k * perRow);
  if (many < one) onTeam(lo + k, rows); else oneThread(lo + k, rows);
}

/** Programs whose team interpreters have run once (see the calibration above). */
const teamWarm = new WeakSet<Program>();

/** Rows, parameters, terms and an output area in the shared SIMD memory, and one program per thread, described in the team's job array. */
function teamJob(team: ThreadTeam, prog: Program, wasm: WasmProgram, terms: CompiledTerm[][], X: RowMatrix | null, P: RowMatrix | null, shared: ArrayLike<number> | undefined, rows: number): { res: Float64Array; keep: unknown[] } | null {
  let progs = teamInterpreters.get(prog);
  if (!progs) { progs = [wasm]; teamInterpreters.set(prog, progs); }
  while (progs.length < team.threads) {
    const w = compileWasm(prog);
    if (!w) return null;
    progs.push(w);
  }
  const inShared = (a: ArrayLike<number> | undefined, len: number) => { const v = allocAmplitudes(Math.max(1, len)); if (a) for (let i = 0; i < len; i++) v[i] = a[i]; return v; };
  const pRows = P ? inShared(P.data, P.data.length) : null, xRows = X ? inShared(X.data, X.data.length) : null;
  const sharedP = !P && prog.numParams > 0 ? inShared(shared, prog.numParams) : null;
  const flat = flattenTerms(terms), t = inShared(flat, flat.length);
  const res = allocAmplitudes(rows * terms.length);
  const job = team.job;
  job[JOB.N] = prog.numQubits; job[JOB.FIRST] = 0; job[JOB.PCOLS] = P ? P.cols : 0; job[JOB.XCOLS] = X ? X.cols : 0;
  job[JOB.PROWS] = pRows ? pRows.byteOffset : -1; job[JOB.XROWS] = xRows ? xRows.byteOffset : -1;
  job[JOB.SHARED_P] = sharedP ? sharedP.byteOffset : -1; job[JOB.OUT] = res.byteOffset; job[JOB.TERMS] = t.byteOffset;
  job[JOB.NP] = prog.numParams; job[JOB.NX] = prog.numInputs;
  for (let k = 0; k < team.threads; k++) {
    const p = progs[k].pointers, g = JOB.PROG + JOB.PROG_STRIDE * k;
    job[g] = p.ops; job[g + 1] = p.count; job[g + 2] = p.state; job[g + 3] = p.params; job[g + 4] = p.inputs;
  }
  // Keep the shared arrays alive (their collection would recycle the blocks) while the job runs.
  return { res, keep: [pRows, xRows, sharedP, t] };
}

export interface BatchInput {
  /** Row-major inputs, rows × inputCols. */
  inputs?: Float64Array | number[][];
  inputCols?: number;
  /** Shared parameters for every row ... */
  params?: ArrayLike<number>;
  /** ... or one parameter row per input row (rows × paramCols). */
  paramRows?: Float64Array | number[][];
  paramCols?: number;
  /** Row count when neither inputs nor paramRows fix it. */
  rows?: number;
}

export interface RowMatrix { data: Float64Array; rows: number; cols: number }

/** A new matrix holding rows `idx` of X, in that order. */
export function rowsOf(X: RowMatrix, idx: ArrayLike<number>): RowMatrix {
  const d = X.cols, out = new Float64Array(idx.length * d);
  for (let k = 0; k < idx.length; k++) out.set(X.data.subarray(idx[k] * d, (idx[k] + 1) * d), k * d);
  return { data: out, rows: idx.length, cols: d };
}

/** Normalises number[][] or a flat array plus column count into a row-major matrix, checking shape and finiteness. */
export function toRowMatrix(x: Float64Array | number[][], cols: number | undefined, what: string): RowMatrix {
  if (Array.isArray(x)) {
    const rows = x.length, c = rows ? x[0].length : cols ?? 0;
    const data = new Float64Array(rows * c);
    x.forEach((r, i) => {
      if (!Array.isArray(r) || r.length !== c) throw new QmlError(`row ${i} has ${Array.isArray(r) ? r.length : 'no'} values, expected ${c}`, what);
      for (let j = 0; j < c; j++) {
        if (!Number.isFinite(r[j])) throw new QmlError(`value ${r[j]} at row ${i}, column ${j} is not finite`, what);
        data[i * c + j] = r[j];
      }
    });
    return { data, rows, cols: c };
  }
  if (!cols || cols < 1) throw new QmlError('a flat array needs its column count', what);
  if (x.length % cols !== 0) throw new QmlError(`${x.length} values do not fill rows of ${cols}`, what);
  for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i])) throw new QmlError(`value ${x[i]} at row ${Math.floor(i / cols)}, column ${i % cols} is not finite`, what);
  return { data: x, rows: x.length / cols, cols };
}

function shape(prog: Program, b: BatchInput): { X: RowMatrix | null; P: RowMatrix | null; rows: number } {
  const X = b.inputs ? toRowMatrix(b.inputs, b.inputCols, 'inputs') : null;
  const P = b.paramRows ? toRowMatrix(b.paramRows, b.paramCols, 'paramRows') : null;
  if (X && X.cols < prog.numInputs) throw new QmlError(`the circuit reads ${prog.numInputs} input feature(s), rows have ${X.cols}`, 'inputs');
  if (P && P.cols < prog.numParams) throw new QmlError(`the circuit needs ${prog.numParams} parameter(s), rows have ${P.cols}`, 'paramRows');
  if (X && P && X.rows !== P.rows) throw new QmlError(`${X.rows} input rows but ${P.rows} parameter rows`);
  const rows = X?.rows ?? P?.rows ?? b.rows ?? 1;
  if (!P && prog.numParams > 0 && (!b.params || b.params.length < prog.numParams)) throw new QmlError(`the circuit needs ${prog.numParams} parameter(s)`, 'params');
  if (!X && prog.numInputs > 0) throw new QmlError(`the circuit reads ${prog.numInputs} input feature(s); pass inputs`, 'inputs');
  return { X, P, rows };
}

/**
 * Expectations for every row: a rows × observables matrix (row-major). `threads`: 'auto' splits
 * the rows across the process-wide thread team (parallel.ts) when the batch is at least
 * TEAM_MIN_BATCH_WORK; 'one' keeps them on this thread; 'team' splits whenever a team is up
 * (for measuring the crossover). The values are the same to the bit either way.
 */
export function batchExpectations(circuit: Circuit | Program, observables: Observable[], b: BatchInput, opts: EvalOptions = {}, threads: 'auto' | 'one' | 'team' = 'auto'): Float64Array {
  const prog = programOf(circuit);
  const { X, P, rows } = shape(prog, b);
  // Every row was checked by shape() (finite values, enough columns); shared parameters are checked once here.
  if (!P && prog.numParams > 0) for (let i = 0; i < prog.numParams; i++) if (!Number.isFinite(b.params![i])) throw new QmlError(`parameter ${i} is ${b.params![i]}`, `params[${i}]`);
  if (!Array.isArray(observables) || observables.length === 0) throw new QmlError('at least one observable is needed');
  const m = observables.length, out = new Float64Array(rows * m);
  const empty = new Float64Array(0);
  // Exact, noiseless statevector rows run whole in the SIMD interpreter when it takes the circuit.
  const n = prog.numQubits;
  const exact = !opts.noise && !opts.shots && chooseMethod(n, false, opts.method) === 'statevector';
  const terms = exact ? observables.map((o, i) => compileObservable(o, n, `observables[${i}]`)) : [];
  const cone = exact ? lightCone(prog, terms) : prog;
  const wasm = exact ? interpreterOf(cone) : null;
  if (wasm) {
    runBatchRows(cone, wasm, terms, X, P, b.params, rows, out, threads);
    return out;
  }
  const ev = new Evaluator(prog, observables, opts);
  ev.trusted = true;
  const row = new Float64Array(m);
  for (let r = 0; r < rows; r++) {
    const x = X ? X.data.subarray(r * X.cols, (r + 1) * X.cols) : empty;
    const p = P ? P.data.subarray(r * P.cols, (r + 1) * P.cols) : b.params ?? empty;
    ev.values(p, x, row);
    for (let o = 0; o < m; o++) out[r * m + o] = row[o];
  }
  return out;
}

export interface BatchJacobian {
  /** rows × observables. */
  values: Float64Array;
  /** rows × observables × numParams: per-row gradients w.r.t. parameters. */
  dparams: Float64Array;
  /** rows × observables × numInputs: per-row gradients w.r.t. input features. */
  dinputs: Float64Array;
}

/** Adjoint Jacobians for every row, w.r.t. both parameters and inputs (noiseless, exact). */
export function batchAdjoint(circuit: Circuit | Program, observables: Observable[], b: BatchInput): BatchJacobian {
  const prog = programOf(circuit);
  if (prog.midCircuit) throw new QmlError('adjoint differentiation needs a circuit without mid-circuit measurement');
  const { X, P, rows } = shape(prog, b);
  const m = observables.length, NP = prog.numParams, NX = prog.numInputs;
  const terms = observables.map((o, i) => compileObservable(o, prog.numQubits, `observables[${i}]`));
  const ws = new AdjointWorkspace(prog);
  const out: BatchJacobian = { values: new Float64Array(rows * m), dparams: new Float64Array(rows * m * NP), dinputs: new Float64Array(rows * m * NX) };
  const dp = Array.from({ length: m }, () => new Float64Array(NP)), dx = Array.from({ length: m }, () => new Float64Array(NX));
  const vals = new Float64Array(m), empty = new Float64Array(0);
  for (let r = 0; r < rows; r++) {
    const x = X ? X.data.subarray(r * X.cols, (r + 1) * X.cols) : empty;
    const p = P ? P.data.subarray(r * P.cols, (r + 1) * P.cols) : b.params ?? empty;
    for (let o = 0; o < m; o++) { dp[o].fill(0); dx[o].fill(0); }
    adjointPass(ws, terms, p, x, vals, dp, dx);
    out.values.set(vals, r * m);
    for (let o = 0; o < m; o++) {
      out.dparams.set(dp[o], (r * m + o) * NP);
      out.dinputs.set(dx[o].subarray(0, NX), (r * m + o) * NX);
    }
  }
  return out;
}
