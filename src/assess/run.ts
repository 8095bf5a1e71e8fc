/**
 * The main job: train quantum and classical detectors, attack them (evasion in raw traffic features
 * under domain constraints, transfer between models, quantum-specific attacks), sweep NISQ noise,
 * run the honest-evaluation checks, and write everything as it goes. It is a list of named steps
 * (./steps/, in ASSESS_STEPS order) on the shared job runner (src/core/job.ts): results.json after
 * every step and checkpoint (an interrupted run keeps what it computed and resumes), CSV tables, the
 * trained models and a self-contained report.html.
 */
import fs from 'node:fs';
import path from 'node:path';
import { version } from '../core/version.js';
import { processCpuSeconds } from '../core/cpu.js';
import { configHashOf, runJob, type JobRecorder, type JobStatus } from '../core/job.js';
import type { LabeledData } from '../qml/table.js';
import { isQuantumType } from '../qml/models/registry.js';
import type { DomainConstraints } from '../attacks/threat.js';
import type { Check } from '../attacks/honest.js';
import type { NoiseModel } from '../sim/noise.js';
import type { AssessConfig } from './config.js';
import type { DefenseEntry } from './defenses.js';
import type { PoisonRecord } from '../poisoning/experiment.js';
import type { AssessState, AssessStep } from './state.js';
import { dataStep } from './steps/data.js';
import { trainStep } from './steps/train.js';
import { evasionStep } from './steps/evasion.js';
import { transferStep } from './steps/transfer.js';
import { quantumStep } from './steps/quantum.js';
import { noiseStep } from './steps/noise.js';
import { checksStep } from './steps/checks.js';
import { adaptiveStep } from './steps/adaptive.js';
import { defensesStep } from './steps/defenses.js';
import { trainingThreatsStep } from './steps/training-threats.js';
import { auditStep } from './steps/audit.js';
import type { AttachedExplanation } from '../governance/decisions.js';
import { reportStep } from './steps/report.js';
import { leakageStep, type LeakageEntry } from './steps/leakage.js';

export interface AttackEntry {
  name: string;
  threat: 'white-box' | 'black-box' | 'transfer' | 'quantum';
  epsilon: number;
  robust_accuracy: number;
  /** 95% Wilson interval of the robust accuracy over the attacked rows. */
  robust_accuracy_ci?: [number, number];
  attack_success_rate: number;
  /** 95% Wilson interval of the success rate over the correctly classified attacked rows. */
  attack_success_rate_ci?: [number, number];
  /** Accuracy on the same rows before the attack (quantum-specific attacks run on their own rows). */
  clean_accuracy?: number;
  /** Attacked rows (indices into the attack rows) the attack flipped, for the per-row worst case. */
  flipped?: number[];
  space: string;
  norm: string;
  rows: number;
  mean_queries?: number;
  /** White-box attacks: robust accuracy on the black-box rows alone, so the two can be compared on the same rows. */
  subset_robust_accuracy?: number;
  mean_perturbation?: number | null;
  median_perturbation?: number | null;
  ece_clean?: number;
  ece_adversarial?: number;
  details?: Record<string, unknown>;
  seconds: number;
  /** CPU seconds of the thread that ran the attack (the measure a shared machine does not distort). */
  cpu_seconds?: number;
}

export interface ModelEntry {
  name: string;
  kind: 'quantum' | 'classical';
  clean_accuracy: number;
  test: { accuracy: number; balanced_accuracy: number; f1: number; roc_auc: number | null; ece: number; false_positive_rate: number; detection_rate: number; confusion: number[][]; n: number; reliability: unknown };
  attacks: AttackEntry[];
  train_seconds: number;
  parameters: number;
  features: number;
  file: string;
  /** The attacked rows and which of them the model gets right before any attack. */
  attack_rows?: { n: number; correct: number[] };
  /** The unbounded attack and what any valid change of the attacker's fields can reach. */
  unbounded?: UnboundedEntry;
  /** Per ε: the per-row worst case over every raw-space attack run at that ε or below (AutoAttack's headline). */
  worst_case?: WorstCaseEntry[];
  /** Adaptive step: agreement of the distilled surrogate with this model on the attack rows. */
  surrogate_agreement?: number;
}

export interface WorstCaseEntry {
  epsilon: number;
  robust_accuracy: number;
  robust_accuracy_ci: [number, number];
  rows: number;
  /** The attacks whose successes count at this ε. */
  attacks: string[];
}

export interface UnboundedEntry {
  attack: string;
  /** Attacked rows the unbounded attack flipped. */
  flipped: number[];
  correct: number;
  reachable: number;
  out_of_reach: number;
  /** True when reachability was solved exactly (linear model), false when established by search. */
  exact: boolean;
  methods: string[];
  /** Rows flipped by the adaptive step's unbounded attacks (margin PGD, BPDA). */
  adaptive_flipped?: number[];
}

export interface AssessResults {
  format: 'qml6g-assess';
  dataset: string;
  seed: number;
  version: string;
  config: AssessConfig;
  config_hash: string;
  status: JobStatus;
  steps_done: string[];
  run_id?: string;
  classes: string[];
  rows: { train: number; test: number; attack: number; black_box: number };
  models: ModelEntry[];
  transfer: { epsilon: number; pairs: Array<{ from: string; to: string; robust_accuracy: number; transfer_rate: number }> };
  noise_sweep: Array<{ model: string; strength: number; accuracy: number; mitigated_accuracy?: number | null }>;
  noise_base: NoiseModel;
  checks: Check[];
  /** With --defenses: the defence × attack matrix (the undefended model is the defence "none"). */
  defenses?: DefenseEntry[];
  /** With --threats training: one record per poisoning experiment and defence. */
  training_threats?: PoisonRecord[];
  /** The best quantum detector against the best classical one on clean test accuracy. */
  comparison?: DetectorComparison | null;
  /** The verdicts logged into the audit log (a bounded sample per model) and the log's head after them. */
  audit?: { log: string; run: string; decisions: number; first_index: number; tree_size: number; root: string; explained: number; explanations: AttachedExplanation[] };
  /** What one intercepted encoded state reveals of its class, per encoding, noiseless and under NISQ noise. */
  leakage?: LeakageEntry[];
  summary: string[];
  notes: string[];
  seconds: number;
  /** Per step of this session: wall seconds and CPU seconds of the whole process (all threads). */
  timing?: StepTiming[];
  /** Per task (one attack on one model over the ε grid, a noise sweep, ...): wall and CPU seconds of the thread that ran it. */
  task_timing?: TaskTiming[];
  /** Threads the independent tasks ran on. */
  threads?: number;
}

export interface TaskTiming { task: string; seconds: number; cpu_seconds: number }

export interface StepTiming { step: string; seconds: number; cpu_seconds: number }

export { NISQ_BASE, nisqNoise } from './noise.js';
import { comparisonSentence, type DetectorComparison } from './detectors.js';
import { NISQ_BASE, nisqNoise } from './noise.js';

/** The hash a resumed run must match (the output folder does not count). */
export function configHash(c: AssessConfig): string {
  return configHashOf(c, ['out', 'threads']);
}

/** Constraints for a data set without built-in ones: every numeric column mutable, with the bounds its training values obey. */
export function inferConstraints(d: LabeledData): DomainConstraints {
  const mutable: string[] = [], integer: string[] = [], nonNegative: string[] = [];
  const bounds: Record<string, [number, number]> = {};
  for (const c of d.table.columns) {
    if (c.kind !== 'numeric') continue;
    const v = Array.from(c.values).filter((x) => !Number.isNaN(x));
    if (!v.length || v.every((x) => x === v[0])) continue;
    mutable.push(c.name);
    if (v.every(Number.isInteger)) integer.push(c.name);
    const lo = Math.min(...v), hi = Math.max(...v);
    if (lo >= 0) nonNegative.push(c.name);
    if (lo >= 0 && hi <= 1 && !v.every(Number.isInteger)) bounds[c.name] = [0, 1];
  }
  return { mutable, integer, nonNegative, bounds, le: [] };
}

export interface AssessHooks {
  log: (s: string) => void;
  progress: (label: string, done: number, total: number) => void;
  /** Polled at every checkpoint; true stops the run there (results kept, resumable). */
  interrupted?: () => boolean;
}

export interface AssessRunOptions {
  /** Follows the run as it goes (the experiment store implements it). */
  recorder?: JobRecorder;
  /** Turn SIGINT/SIGTERM into a saved, resumable state (the CLI does; library callers choose). */
  handleSignals?: boolean;
}

/** The steps of the main job, in order; each is its own file in ./steps/. */
export const ASSESS_STEPS: AssessStep[] = [dataStep, trainStep, evasionStep, transferStep, quantumStep, noiseStep, checksStep, adaptiveStep, defensesStep, trainingThreatsStep, leakageStep, auditStep, reportStep];

/** A step that records its wall and CPU time in `timing` (what the bench and the README quote). */
function timed(step: AssessStep): AssessStep {
  return {
    ...step,
    async run(ctx) {
      const w0 = performance.now(), c0 = processCpuSeconds();
      await step.run(ctx);
      (ctx.record.timing ??= []).push({ step: step.name, seconds: (performance.now() - w0) / 1000, cpu_seconds: processCpuSeconds() - c0 });
    },
  };
}

export async function runAssess(cfg: AssessConfig, hooks: AssessHooks, resume: boolean, opts: AssessRunOptions = {}): Promise<AssessResults> {
  fs.mkdirSync(path.join(cfg.out, 'models'), { recursive: true });
  const state = { cfg, detectors: new Map(), pgdPoints: new Map() } as unknown as AssessState;
  try {
    return await runJob<AssessResults, AssessState>({
    command: 'assess', file: path.join(cfg.out, 'results.json'), config: cfg, ignoreKeys: ['out', 'threads'], seed: cfg.seed, resume,
    init: () => ({
      format: 'qml6g-assess', dataset: cfg.data, seed: cfg.seed, version: version(), config: cfg, config_hash: '', status: 'running',
      classes: [], rows: { train: 0, test: 0, attack: 0, black_box: 0 }, models: [], transfer: { epsilon: 0, pairs: [] },
      noise_sweep: [], noise_base: nisqNoise(1), checks: [], summary: [], notes: [], seconds: 0, steps_done: [],
    }),
    steps: ASSESS_STEPS.map(timed), state, hooks, recorder: opts.recorder, handleSignals: opts.handleSignals ?? false, shouldStop: hooks.interrupted,
    });
  } finally {
    // The worker threads stop with the run, however it ends.
    await state.runner?.close();
  }
}

function pct(v: number): string { return `${(100 * v).toFixed(1)}%`; }

/** Plain-language findings for a security engineer. */
export function summarise(res: AssessResults): string[] {
  const out: string[] = [];
  if (res.comparison) out.push(comparisonSentence(res.comparison));
  const raw = res.models.flatMap((m) => m.attacks.filter((a) => a.space === 'raw' && a.threat !== 'transfer' && a.epsilon > 0).map((a) => ({ m, a })));
  const ci = (c: [number, number] | undefined) => (c ? ` [95% CI ${pct(c[0])}–${pct(c[1])}]` : '');
  if (raw.length) {
    const epsMid = res.transfer.epsilon || Math.max(...raw.map((x) => x.a.epsilon));
    // Headline: the per-row worst case over every attack at ε, against the clean accuracy on the same attacked rows.
    const atEps = (m: ModelEntry) => {
      const w = m.worst_case?.find((x) => x.epsilon === epsMid);
      if (w) return { r: w.robust_accuracy, ci: w.robust_accuracy_ci };
      return { r: Math.min(...m.attacks.filter((a) => a.space === 'raw' && a.epsilon === epsMid && a.threat !== 'transfer').map((a) => a.robust_accuracy)), ci: undefined };
    };
    const cleanRows = (m: ModelEntry) => (m.attack_rows ? m.attack_rows.correct.length / m.attack_rows.n : m.clean_accuracy);
    const ranked = [...res.models].map((m) => ({ m, ...atEps(m) })).sort((a, b) => a.r - b.r);
    const worst = ranked[0], best = ranked[ranked.length - 1];
    out.push(`Most at risk: ${worst.m.name} (${worst.m.kind}) keeps ${pct(worst.r)}${ci(worst.ci)} accuracy against the worst case over every attack at ε = ${epsMid} (clean ${pct(cleanRows(worst.m))} on the same ${res.rows.attack} rows). Most robust: ${best.m.name} (${best.m.kind}) at ${pct(best.r)}${ci(best.ci)}.`);
    const strongest = raw.reduce((a, b) => (b.a.attack_success_rate > a.a.attack_success_rate ? b : a));
    out.push(`The most effective single evasion was ${strongest.a.name} on ${strongest.m.name}: it flipped ${pct(strongest.a.attack_success_rate)}${ci(strongest.a.attack_success_rate_ci)} of correctly detected records at ε = ${strongest.a.epsilon} standard deviations, changing only attacker-controlled fields into valid records.`);
    const q = ranked.filter((x) => x.m.kind === 'quantum'), c = ranked.filter((x) => x.m.kind === 'classical');
    if (q.length && c.length) {
      const qa = q.reduce((s, x) => s + x.r, 0) / q.length, ca = c.reduce((s, x) => s + x.r, 0) / c.length;
      out.push(`Quantum detectors average ${pct(qa)} worst-case robust accuracy at ε = ${epsMid}, classical ones ${pct(ca)} (same ${res.rows.attack} rows): ${qa > ca + 0.02 ? 'the quantum models are harder to evade here, partly because their preprocessing compresses the traffic into a few angles' : qa < ca - 0.02 ? 'the quantum models are easier to evade here' : 'about the same'}.`);
    }
    const out2 = res.models.filter((m) => m.unbounded && m.unbounded.out_of_reach > 0);
    if (out2.length) out.push(`Out of reach: ${out2.map((m) => `${m.name} ${m.unbounded!.out_of_reach} of ${m.unbounded!.correct} correct rows (${m.unbounded!.exact ? 'proven' : 'by search'})`).join('; ')} cannot be flipped by any valid change of the attacker's fields; the unbounded check counts only the reachable rows.`);
  }
  for (const m of res.models) {
    const qa = m.attacks.filter((a) => a.threat === 'quantum' && a.epsilon > 0);
    if (!qa.length) continue;
    const worst = qa.reduce((a, b) => (b.robust_accuracy < a.robust_accuracy ? b : a));
    out.push(`${m.name}: the most damaging quantum-specific attack is ${worst.name} (budget ${worst.epsilon}), which leaves ${pct(worst.robust_accuracy)}${ci(worst.robust_accuracy_ci)} accuracy (clean ${pct(worst.clean_accuracy ?? m.clean_accuracy)} on the same ${worst.rows} rows).`);
  }
  const sweep = res.noise_sweep.filter((x) => x.strength > 0);
  if (sweep.length) {
    const worst = sweep.reduce((a, b) => (b.accuracy < a.accuracy ? b : a));
    const noiseless = res.noise_sweep.find((x) => x.model === worst.model && x.strength === 0);
    out.push(`Under NISQ noise ${worst.strength}x the base model (1q depolarising ${NISQ_BASE.p1}, 2q ${NISQ_BASE.p2}, read-out ${NISQ_BASE.readout}), ${worst.model} ${noiseless ? `goes from ${pct(noiseless.accuracy)} noiseless to ${pct(worst.accuracy)} on the same rows` : `scores ${pct(worst.accuracy)}`}.`);
  }
  if (res.defenses?.length) {
    for (const model of [...new Set(res.defenses.map((d) => d.model))]) {
      const rows = res.defenses.filter((d) => d.model === model);
      const pgdAt = (d: DefenseEntry) => { const e = Math.max(...d.attacks.map((a) => a.epsilon)); return Math.min(...d.attacks.filter((a) => a.epsilon === e).map((a) => a.robust_accuracy)); };
      const none = rows.find((d) => d.name === 'none');
      const best = rows.filter((d) => d.name !== 'none' && d.honest).sort((a, b) => pgdAt(b) - pgdAt(a))[0];
      const masked = rows.filter((d) => !d.honest).map((d) => d.name);
      const flaggedNote = masked.length ? ` Flagged as likely gradient masking: ${masked.join(', ')}.` : '';
      if (none && best && pgdAt(best) > pgdAt(none)) out.push(`${model}: the best honest defence is ${best.name}, raising worst-case robust accuracy from ${pct(pgdAt(none))} to ${pct(pgdAt(best))} (clean ${pct(best.clean_accuracy)}, ${best.train_time_multiple.toFixed(1)}x the training time).${flaggedNote}`);
      else if (none) out.push(`${model}: no honest defence raised its worst-case robust accuracy (${pct(pgdAt(none))} undefended).${flaggedNote}`);
    }
  }
  const tt = res.training_threats ?? [];
  for (const key of [...new Set(tt.map((r) => `${r.attack}|${r.model}`))]) {
    const rs = tt.filter((r) => `${r.attack}|${r.model}` === key);
    // The rate nearest 5% (the budget the targets are stated at).
    const rate = rs.map((r) => r.poison_rate).reduce((a, b) => (Math.abs(b - 0.05) < Math.abs(a - 0.05) ? b : a));
    const at = rs.filter((r) => r.poison_rate === rate), r0 = at[0];
    const affordable = at.filter((r) => r.defense !== 'none' && r.clean_accuracy_defended >= r0.baseline_accuracy - 0.02);
    const best = (affordable.length ? affordable : at.filter((r) => r.defense !== 'none')).sort((a, b) => a.attack_success_rate_defended - b.attack_success_rate_defended)[0];
    out.push(`${r0.attack} on ${r0.model} at ${pct(rate)} poison: attack success ${pct(r0.attack_success_rate)} (${pct(r0.baseline_attack_success_rate)} without poison), accuracy ${pct(r0.clean_accuracy)} (unpoisoned ${pct(r0.baseline_accuracy)})${best ? `; best defence ${best.defense}: success ${pct(best.attack_success_rate_defended)} at accuracy ${pct(best.clean_accuracy_defended)}${affordable.length ? '' : ' (every defence costs more than 2 points of accuracy)'}` : ''}.`);
  }
  const lk = res.leakage ?? [];
  if (lk.length) {
    const clean = lk.filter((x) => x.noise === 'none'), noisy = lk.filter((x) => x.noise === 'nisq');
    const most = clean.reduce((a, b) => (b.success > a.success ? b : a)), least = clean.reduce((a, b) => (b.success < a.success ? b : a));
    const mostNoisy = noisy.find((x) => x.encoding === most.encoding);
    out.push(`What a state in transit leaks: an eavesdropper intercepting one encoded record guesses its class with probability up to ${pct(most.success)} (${most.encoding} encoding, ${most.qubits} qubits, ${most.measurement === 'helstrom' ? 'Helstrom optimum' : 'pretty-good measurement'}; ${pct(most.guessing)} from class frequencies alone)${mostNoisy ? `, ${pct(mostNoisy.success)} under NISQ noise` : ''}; the least revealing encoding is ${least.encoding} at ${pct(least.success)}${most.null_success !== null ? `; with shuffled labels (sampling noise alone) the ${most.encoding} estimate is ${pct(most.null_success)}` : ''}.`);
  }
  const flagged = res.checks.filter((c) => !c.passed);
  const resolved = res.checks.filter((c) => c.passed && c.adaptive?.resolved);
  if (resolved.length) out.push(`Resolved by adaptive attacks (${resolved.length}): ${resolved.map((c) => `${c.model}: ${c.name} (${c.adaptive!.attacks.join(', ')})`).join('; ')}.`);
  if (res.models.some((m) => m.attacks.length)) out.push(flagged.length
    ? `Honest-evaluation flags that remain after the adaptive attacks (${flagged.length}): ${flagged.map((c) => `${c.model}: ${c.name}${c.explained ? ` — ${c.explained}` : ''}`).join(' | ')} Treat the white-box robustness of these models as unproven; their headline numbers are per-row worst cases that already count the stronger attacks.`
    : 'Every honest-evaluation check passed: no sign of gradient masking in these results.');
  return out;
}

function csv(rows: Array<Record<string, unknown>>): string {
  if (!rows.length) return '';
  const keys = Object.keys(rows[0]);
  const esc = (v: unknown) => { const s = v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v); return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s; };
  return [keys.join(','), ...rows.map((r) => keys.map((k) => esc(r[k])).join(','))].join('\n') + '\n';
}

export function writeTables(res: AssessResults, out: string): void {
  fs.writeFileSync(path.join(out, 'models.csv'), csv(res.models.map((m) => ({ model: m.name, kind: m.kind, clean_accuracy: m.clean_accuracy, balanced_accuracy: m.test.balanced_accuracy, f1: m.test.f1, roc_auc: m.test.roc_auc, ece: m.test.ece, false_positive_rate: m.test.false_positive_rate, parameters: m.parameters, features: m.features, train_seconds: m.train_seconds }))));
  fs.writeFileSync(path.join(out, 'attacks.csv'), csv(res.models.flatMap((m) => m.attacks.map((a) => ({ model: m.name, kind: m.kind, attack: a.name, threat: a.threat, space: a.space, norm: a.norm, epsilon: a.epsilon, robust_accuracy: a.robust_accuracy, robust_accuracy_low: a.robust_accuracy_ci?.[0] ?? '', robust_accuracy_high: a.robust_accuracy_ci?.[1] ?? '', attack_success_rate: a.attack_success_rate, attack_success_rate_low: a.attack_success_rate_ci?.[0] ?? '', attack_success_rate_high: a.attack_success_rate_ci?.[1] ?? '', rows: a.rows, mean_queries: a.mean_queries ?? '', mean_perturbation: a.mean_perturbation ?? '', seconds: a.seconds })))));
  fs.writeFileSync(path.join(out, 'worst_case.csv'), csv(res.models.flatMap((m) => (m.worst_case ?? []).map((w) => ({ model: m.name, kind: m.kind, epsilon: w.epsilon, robust_accuracy: w.robust_accuracy, robust_accuracy_low: w.robust_accuracy_ci[0], robust_accuracy_high: w.robust_accuracy_ci[1], rows: w.rows, attacks: w.attacks.join(' ') })))));
  fs.writeFileSync(path.join(out, 'transfer.csv'), csv(res.transfer.pairs));
  if (res.training_threats?.length) {
    fs.writeFileSync(path.join(out, 'training_threats.csv'), csv(res.training_threats.map((r) => ({
      attack: r.attack, model: r.model, goal: r.goal, poison_rate: r.poison_rate, seed: r.seed, baseline_accuracy: r.baseline_accuracy, clean_accuracy: r.clean_accuracy,
      attack_success_rate: r.attack_success_rate, baseline_attack_success_rate: r.baseline_attack_success_rate, defense: r.defense,
      attack_success_rate_defended: r.attack_success_rate_defended, clean_accuracy_defended: r.clean_accuracy_defended,
      detection_precision: r.detection?.precision ?? '', detection_recall: r.detection?.recall ?? '', rejected_clean_rate: r.rejected_clean_rate ?? '', note: r.note ?? '',
    }))));
  }
  fs.writeFileSync(path.join(out, 'noise.csv'), csv(res.noise_sweep));
  if (res.leakage?.length) fs.writeFileSync(path.join(out, 'leakage.csv'), csv(res.leakage as unknown as Array<Record<string, unknown>>));
  fs.writeFileSync(path.join(out, 'checks.csv'), csv(res.checks.map((c) => ({ model: c.model, check: c.name, passed: c.passed, detail: c.detail, adaptive: c.adaptive ? c.adaptive.attacks.join(' ') : '', resolved: c.adaptive ? c.adaptive.resolved : '', explained: c.explained ?? '' }))));
}

export { isQuantumType };
