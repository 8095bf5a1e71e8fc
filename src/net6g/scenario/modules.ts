/**
 * The classical and the quantum module behind one interface, and the selective router between
 * them. Both take the same `Problem` (src/optimize) and return an assignment with its cost.
 *
 * - Classical: constructive start + steepest descent on the penalised QUBO (src/optimize
 *   greedyDescent), the fast heuristic a RAN controller runs inside its millisecond budget.
 * - Quantum: QAOA (src/optimize FastQaoa, the statevector standing in for the QPU) at depth 2 with
 *   an XY-ring mixer on the one-hot groups (Hadfield et al. 2019), angles pre-trained once per
 *   function (INTERP, Zhou et al. 2020) and reused across epochs — parameter concentration makes
 *   angles transfer between instances of one family (Brandão et al. 2018) — and `shots`
 *   measurements whose most frequent feasible outcome is the answer.
 * - The angle store keeps a SHA-256 digest of the angles taken when they were trained; the
 *   param-integrity defence checks it before every use and retrains on a mismatch.
 *
 * The router's policy, stated: a task goes to the quantum module when the architecture is hybrid,
 * its penalised QUBO fits `max_qubits`, the modelled QPU latency fits the function's latency budget,
 * and either the function is still in its calibration window (its first `explore` tasks, where
 * both modules run and the gain is measured) or the measured mean gain is at least `min_gain`.
 */
import crypto from 'node:crypto';
import { Rng } from '../../core/rng.js';
import { evaluateAssignment, penalized, type Problem } from '../../optimize/problem.js';
import { greedyDescent } from '../../optimize/solvers/heuristics.js';
import { FastQaoa, type QaoaSpec } from '../../optimize/qaoa/fast.js';
import { interpSchedule } from '../../optimize/qaoa/train.js';
import type { ScenarioConfig } from './config.js';
import { classicalCost, cpuMsSince, qpuMs, quantumCost, type DecisionCost } from './costs.js';

export type Fn = 'spectrum' | 'routing' | 'tasks' | 'detection';
export const FUNCTIONS: Fn[] = ['spectrum', 'detection', 'routing', 'tasks'];

export interface ModuleResult { x: Uint8Array; objective: number; feasible: boolean; cost: DecisionCost; qubits: number }

export async function classicalSolve(cfg: ScenarioConfig, p: Problem): Promise<ModuleResult> {
  const c0 = process.cpuUsage();
  const s = await greedyDescent(p);
  const x = Uint8Array.from(s.x);
  return { x, objective: s.objective, feasible: s.feasible, cost: classicalCost(cfg, cpuMsSince(c0)), qubits: 0 };
}

export interface Angles { gamma: number[]; beta: number[]; digest: string }

export function angleDigest(gamma: number[], beta: number[]): string {
  return crypto.createHash('sha256').update(JSON.stringify({ gamma, beta })).digest('hex');
}

/** Pre-trained QAOA angles per function (one store per simulated seed and architecture). */
export class AngleStore {
  readonly angles = new Map<Fn, Angles>();
  retrained = 0;
  tamperedUses = 0;
}

export const QAOA_DEPTH = 2;

function qaoaSpec(p: Problem): QaoaSpec {
  const xy = p.oneHot.length > 0 && p.oneHot.every((g) => g.length >= 2);
  const pq = penalized(p, { skipOneHot: xy });
  return { qubo: pq.qubo, mixer: xy ? 'xy-ring' : 'x', groups: xy ? p.oneHot : undefined };
}

function qaoaSim(p: Problem): { sim: FastQaoa; n: number } {
  const spec = qaoaSpec(p);
  return { sim: new FastQaoa(spec), n: spec.qubo.n };
}

/**
 * Memo of the statevector stand-in, keyed by everything its output depends on (the circuit's QUBO,
 * mixer and groups, the angles, the shots and the sampling seed; for training, the depth). The
 * variants of one seed (baseline, each attack, each defence) meet the same instances again — the
 * world is common to them and most attacks act on other functions or only after a quarter of the
 * run — so the simulation is replayed instead of recomputed. Outputs are identical by construction;
 * what is charged (QPU circuits, CPU outside the simulation) does not depend on the memo.
 */
const trainMemo = new Map<string, { gamma: number[]; beta: number[]; evaluations: number }>();
const sampleMemo = new Map<string, Uint32Array>();
const MEMO_MAX = 4096;
function memoKey(spec: QaoaSpec, extra: unknown): string {
  return crypto.createHash('sha256').update(JSON.stringify([spec.qubo.n, spec.qubo.offset, spec.qubo.linear, spec.qubo.quad, spec.mixer, spec.groups ?? null, extra])).digest('hex');
}
function remember<V>(m: Map<string, V>, k: string, v: V): V {
  if (m.size >= MEMO_MAX) m.clear();
  m.set(k, v);
  return v;
}

/** Qubits the quantum module needs for `p` (the penalised QUBO's variables, one-hot groups left to the mixer). */
export function qubitsFor(p: Problem): number {
  const xy = p.oneHot.length > 0 && p.oneHot.every((g) => g.length >= 2);
  return penalized(p, { skipOneHot: xy }).qubo.n;
}

export async function quantumSolve(cfg: ScenarioConfig, p: Problem, fn: Fn, store: AngleStore, o: { seed: number; verifyAngles: boolean }): Promise<ModuleResult> {
  // Charged CPU: building the QUBO the QPU would be sent. The statevector (its 2^n cost table and
  // amplitudes) stands in for the QPU and is measured as simulation time, never charged.
  const c0 = process.cpuUsage();
  const spec = qaoaSpec(p);
  const n = spec.qubo.n;
  let cpu = cpuMsSince(c0), simMs = 0, circuits = 0;
  let sim: FastQaoa | null = null;
  const simulator = () => (sim ??= new FastQaoa(spec));
  let a = store.angles.get(fn);
  const stale = a && o.verifyAngles && angleDigest(a.gamma, a.beta) !== a.digest;
  if (a && !stale && angleDigest(a.gamma, a.beta) !== a.digest) store.tamperedUses++;
  if (!a || stale) {
    // Training evaluates the circuit on the QPU: each angle evaluation is one circuit of `shots`.
    const s0 = process.cpuUsage();
    const tk = memoKey(spec, ['train', QAOA_DEPTH, 30]);
    const tr = trainMemo.get(tk) ?? remember(trainMemo, tk, (({ gamma, beta, evaluations }) => ({ gamma, beta, evaluations }))(interpSchedule(simulator(), QAOA_DEPTH, { steps: 30 })));
    simMs += cpuMsSince(s0);
    circuits += tr.evaluations;
    a = { gamma: tr.gamma.slice(), beta: tr.beta.slice(), digest: angleDigest(tr.gamma, tr.beta) };
    store.angles.set(fn, a);
    if (stale) store.retrained++;
  }
  const s1 = process.cpuUsage();
  const sk = memoKey(spec, ['run', a.gamma, a.beta, cfg.qpu.shots, o.seed]);
  let samples = sampleMemo.get(sk);
  if (!samples) {
    const q = simulator();
    q.run(a.gamma, a.beta);
    samples = remember(sampleMemo, sk, q.sample(cfg.qpu.shots, new Rng(o.seed)));
  }
  simMs += cpuMsSince(s1);
  circuits += 1;
  const c2 = process.cpuUsage();
  // The answer is the most frequent feasible outcome (ties: the cheaper one). Taking the best of all
  // shots instead would credit QAOA with a classical random search over its samples.
  const counts = new Map<number, number>();
  for (const s of samples) counts.set(s, (counts.get(s) ?? 0) + 1);
  let best: Uint8Array | null = null, bestObj = Infinity, bestFeasible = false, bestCount = -1;
  const sign = p.sense === 'max' ? -1 : 1;
  const xb = new Uint8Array(p.n);
  for (const [s, cnt] of counts) {
    for (let i = 0; i < p.n; i++) xb[i] = (s >>> i) & 1;
    const ev = evaluateAssignment(p, xb);
    const v = sign * ev.objective;
    const better = (ev.feasible && !bestFeasible) || (ev.feasible === bestFeasible && (cnt > bestCount || (cnt === bestCount && v < bestObj)));
    if (better) { best = Uint8Array.from(xb); bestObj = v; bestFeasible = ev.feasible; bestCount = cnt; }
  }
  cpu += cpuMsSince(c2);
  return { x: best!, objective: sign * bestObj, feasible: bestFeasible, cost: quantumCost(cfg, cpu, qpuMs(cfg, circuits), simMs), qubits: n };
}

/** The p = 1 angles on a 12 × 12 grid that maximise ⟨cost⟩: what an attacker with a simulator writes into the store. */
export function worstAngles(p: Problem): { gamma: number; beta: number } {
  const { sim } = qaoaSim(p);
  let best = { gamma: 0, beta: 0, v: -Infinity };
  for (let i = 0; i < 12; i++) for (let j = 0; j < 12; j++) {
    const g = ((i + 0.5) / 12) * Math.PI, b = ((j + 0.5) / 12) * (Math.PI / 2);
    sim.run([g], [b]);
    const v = sim.expectation();
    if (v > best.v) best = { gamma: g, beta: b, v };
  }
  return { gamma: best.gamma, beta: best.beta };
}

export interface RouteDecision { module: 'quantum' | 'classical'; reason: string; qubits: number }

/** Gain of the quantum answer over the classical one, relative, positive when quantum is better. */
export function relativeGain(p: Problem, q: ModuleResult, c: ModuleResult): number {
  if (!q.feasible) return c.feasible ? -1 : 0;
  if (!c.feasible) return 1;
  const d = p.sense === 'min' ? c.objective - q.objective : q.objective - c.objective;
  return d / Math.max(1, Math.abs(c.objective));
}

export class Router {
  /** Per function: tasks seen, tasks sent to quantum, calibration gains. */
  readonly seen = new Map<Fn, number>();
  readonly quantum = new Map<Fn, number>();
  readonly gains = new Map<Fn, number[]>();
  constructor(readonly cfg: ScenarioConfig, readonly hybrid: boolean) {}

  static policy(cfg: ScenarioConfig): string {
    const r = cfg.router;
    return `quantum when the architecture is hybrid, the task's QUBO has at most ${r.max_qubits} qubits, the modelled QPU latency (job overhead ${cfg.qpu.job_overhead_ms} ms + ${cfg.qpu.shots} shots × ${cfg.qpu.shot_us} µs + round trip ${cfg.qpu.network_rtt_ms} ms + queue ${cfg.qpu.queue_ms} ms) fits the function's budget (${r.latency_budget_ms} ms for spectrum, routing and tasks; one step for detection), and the function is calibrating (its first ${r.explore} tasks run both modules) or its measured mean gain over the classical module is at least ${r.min_gain}`;
  }

  budgetMs(fn: Fn): number {
    return fn === 'detection' ? this.cfg.step_s * 1000 : this.cfg.router.latency_budget_ms;
  }

  calibrating(fn: Fn): boolean {
    return (this.gains.get(fn)?.length ?? 0) < this.cfg.router.explore;
  }

  meanGain(fn: Fn): number | null {
    const g = this.gains.get(fn);
    return g?.length ? g.reduce((s, v) => s + v, 0) / g.length : null;
  }

  decide(fn: Fn, qubits: number, circuits = 1): RouteDecision {
    this.seen.set(fn, (this.seen.get(fn) ?? 0) + 1);
    const out = (module: 'quantum' | 'classical', reason: string): RouteDecision => {
      if (module === 'quantum') this.quantum.set(fn, (this.quantum.get(fn) ?? 0) + 1);
      return { module, reason, qubits };
    };
    if (!this.hybrid) return out('classical', 'classical architecture');
    const r = this.cfg.router;
    if (qubits > r.max_qubits) return out('classical', `${qubits} qubits > ${r.max_qubits}`);
    const lat = qpuMs(this.cfg, circuits) + this.cfg.qpu.network_rtt_ms + this.cfg.qpu.queue_ms;
    if (lat > this.budgetMs(fn)) return out('classical', `modelled QPU latency ${lat.toFixed(1)} ms > budget ${this.budgetMs(fn)} ms`);
    if (fn === 'detection') return out('quantum', 'pre-trained quantum detector within the step budget');
    if (this.calibrating(fn)) return out('quantum', 'calibrating (both modules run)');
    const g = this.meanGain(fn) ?? 0;
    return g >= r.min_gain ? out('quantum', `measured mean gain ${g.toFixed(4)} ≥ ${r.min_gain}`) : out('classical', `measured mean gain ${g.toFixed(4)} < ${r.min_gain}`);
  }

  record(fn: Fn, gain: number): void {
    if (!this.gains.has(fn)) this.gains.set(fn, []);
    this.gains.get(fn)!.push(gain);
  }

  share(): number {
    let s = 0, q = 0;
    for (const [fn, n] of this.seen) { s += n; q += this.quantum.get(fn) ?? 0; }
    return s ? q / s : 0;
  }
}
