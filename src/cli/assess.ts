/**
 * `qml6g assess`: the main job. With no arguments it runs on the embedded NSL-KDD sample; options
 * (or a YAML/JSON --config) choose data, models, attacks, ε grid, noise levels and seed. Progress
 * goes to stderr; ./qml6g-report/ gets report.html, results.json (rewritten after every step),
 * CSV tables and the trained models. --json prints the results JSON as the last line.
 */
import path from 'node:path';
import { QmlError } from '../core/errors.js';
import { defaultConfig, mergeConfig, readConfigFile, type AssessConfig } from '../assess/config.js';
import { runAssess, type AssessResults } from '../assess/run.js';
import { parseArgs, usage, type Flags } from './args.js';
import { info, printJson, printLine, Progress } from './io.js';
import { poisonTable } from './poison.js';
import { storeRecorder } from '../store/job-recorder.js';
import type { MetricPoint } from '../store/store.js';

/**
 * The numbers of an assessment the experiment store lists and plots: clean accuracy per model, the
 * worst robust accuracy over attacks at each ε of the grid (step = the ε's index, so the history is
 * the robustness curve) and accuracy at each noise strength (step = its index).
 */
export function assessMetrics(record: unknown): MetricPoint[] {
  const res = record as AssessResults;
  const out: MetricPoint[] = [];
  const eps = res.config?.eps ?? [];
  const strengths = res.config?.noise ?? [];
  for (const m of res.models ?? []) {
    out.push({ key: `clean_accuracy/${m.name}`, value: m.clean_accuracy, step: 0 });
    eps.forEach((e, i) => {
      const at = m.attacks.filter((a) => a.space === 'raw' && a.threat !== 'transfer' && a.epsilon === e);
      if (at.length) out.push({ key: `robust_accuracy/${m.name}`, value: Math.min(...at.map((a) => a.robust_accuracy)), step: i });
    });
  }
  for (const x of res.noise_sweep ?? []) {
    const i = strengths.indexOf(x.strength);
    if (i >= 0) out.push({ key: `noise_accuracy/${x.model}`, value: x.accuracy, step: i });
  }
  return out;
}

const flags: Flags = {
  data: { type: 'string', help: 'a named data set or a CSV file (default nsl-kdd, shipped in data/)' },
  label: { type: 'string', help: 'label column of a CSV file' },
  format: { type: 'string', help: 'how to read a CSV file (see qml6g train --help)' },
  drop: { type: 'string', help: 'comma-separated columns to drop (e.g. a second label that leaks the answer)' },
  'max-rows': { type: 'int', help: 'read at most N rows of the data (stratified, seeded)' },
  models: { type: 'string', help: 'comma-separated: logreg,mlp,svm,vqc,qsvm,hybrid,reupload' },
  attacks: { type: 'string', help: 'comma-separated attacks (default: all; see README)' },
  eps: { type: 'string', help: 'comma-separated ε grid in standard deviations of each attacker-controlled field' },
  noise: { type: 'string', help: 'comma-separated NISQ noise strengths for the resilience sweep' },
  defenses: { type: 'string', help: 'defence × attack matrix: all, or comma-separated pgd-at,trades,param-robust,distillation,squeezing,randomized,ensemble' },
  threats: { type: 'string', help: 'threat classes: evasion (default: evasion, quantum-specific and noise), training (poisoning, backdoors, tampered model files), or all' },
  'poison-rates': { type: 'string', help: 'poison rates of the training-threat experiments, comma-separated fractions (default 0.005,0.01,0.02,0.05,0.1,0.2)' },
  seed: { type: 'int', help: 'random seed' },
  threads: { type: 'int', help: 'worker threads for the attacks (default: one per core; results do not depend on it)' },
  config: { type: 'string', help: 'YAML or JSON file with any of these options (and more: see README)' },
  quick: { type: 'boolean', help: 'a small, fast run (about a minute)' },
  out: { type: 'string', help: 'report folder (default ./qml6g-report)' },
  resume: { type: 'boolean', help: 'continue an interrupted run in the same folder with the same options' },
  json: { type: 'boolean', help: 'print the results JSON as the last line' },
  help: { type: 'boolean', help: 'show this help' },
};

function list(v: unknown, what: string, num: boolean): unknown[] | undefined {
  if (v === undefined) return undefined;
  const parts = String(v).split(',').map((x) => x.trim()).filter(Boolean);
  if (!parts.length) throw new QmlError(`--${what} needs at least one value`);
  if (!num) return parts;
  return parts.map((p) => {
    const x = Number(p);
    if (!Number.isFinite(x)) throw new QmlError(`--${what}: "${p}" is not a number`);
    if (x < 0) throw new QmlError(`--${what}: ${p} is negative; values must be ≥ 0`);
    return x;
  });
}

function table(res: AssessResults): string {
  const eps = res.transfer.epsilon || Math.max(0, ...res.models.flatMap((m) => m.attacks.filter((a) => a.space === 'raw').map((a) => a.epsilon)));
  const p = (v: number) => `${(100 * v).toFixed(1)}%`;
  const lines = [`${'model'.padEnd(9)}${'kind'.padEnd(11)}${'clean'.padStart(8)}${`worst case@ε=${eps} [95% CI]`.padStart(30)}  ${'strongest single attack'.padEnd(28)}${'quantum worst'.padStart(14)}`];
  for (const m of res.models) {
    const at = m.attacks.filter((a) => a.space === 'raw' && a.epsilon === eps);
    const worst = at.length ? at.reduce((a, b) => (b.robust_accuracy < a.robust_accuracy ? b : a)) : null;
    const wc = m.worst_case?.find((w) => w.epsilon === eps);
    const q = m.attacks.filter((a) => a.threat === 'quantum');
    const qw = q.length ? q.reduce((a, b) => (b.robust_accuracy < a.robust_accuracy ? b : a)) : null;
    const head = wc ? `${p(wc.robust_accuracy)} [${p(wc.robust_accuracy_ci[0])}, ${p(wc.robust_accuracy_ci[1])}]` : worst ? p(worst.robust_accuracy) : '–';
    // Clean accuracy on the attacked rows themselves, so both columns are measured on the same rows.
    // A black-box attack runs on a subset of them, so its row count is shown when it differs: it may
    // then print below the per-row worst case of the full sample without contradicting it.
    const clean = m.attack_rows ? m.attack_rows.correct.length / m.attack_rows.n : m.clean_accuracy;
    lines.push(`${m.name.padEnd(9)}${m.kind.padEnd(11)}${p(clean).padStart(8)}${head.padStart(30)}  ${(worst ? `${worst.name} ${p(worst.robust_accuracy)}${worst.rows && m.attack_rows && worst.rows !== m.attack_rows.n ? ` (${worst.rows} rows)` : ''}` : '–').padEnd(28)}${(qw ? `${p(qw.robust_accuracy)} ${qw.name}` : '–').padStart(14)}`);
  }
  return lines.join('\n');
}

export async function runAssessCommand(argv: string[]): Promise<void> {
  const a = parseArgs(argv, flags, 'assess');
  if (a.flags.help) { printLine(usage('assess', '[options]', flags)); return; }
  if (a.positional.length) throw new QmlError(`unexpected argument "${a.positional[0]}"`);
  const quick = !!a.flags.quick;
  let cfg: AssessConfig = defaultConfig(quick);
  if (a.flags.config) cfg = mergeConfig(cfg, readConfigFile(a.flags.config as string), path.basename(a.flags.config as string));
  cfg = mergeConfig(cfg, {
    data: a.flags.data, label: a.flags.label, format: a.flags.format, drop: list(a.flags.drop, 'drop', false), maxRows: a.flags['max-rows'], seed: a.flags.seed, threads: a.flags.threads, out: a.flags.out,
    models: list(a.flags.models, 'models', false), attacks: list(a.flags.attacks, 'attacks', false),
    eps: list(a.flags.eps, 'eps', true), noise: list(a.flags.noise, 'noise', true), quick: a.flags.quick ? true : undefined,
    defenses: list(a.flags.defenses, 'defenses', false),
    threats: list(a.flags.threats, 'threats', false), poisonRates: list(a.flags['poison-rates'], 'poison-rates', true),
  }, 'options');
  const bars = new Map<string, Progress>();
  const quiet = !!a.flags.json && !process.stderr.isTTY;
  try {
    const res = await runAssess(cfg, {
      log: (s) => { if (!quiet || !s.startsWith('  ')) info(s); },
      progress: (label, done, total) => {
        let b = bars.get(label);
        if (!b) { b = new Progress(label, total, quiet); bars.set(label, b); }
        b.tick(done);
      },
    }, !!a.flags.resume, { handleSignals: true, recorder: storeRecorder({ metricsOf: assessMetrics }) });
    if (a.flags.json) { printJson(res); return; }
    if (res.models.some((m) => m.attacks.length)) { printLine(table(res)); printLine(''); }
    if (res.training_threats?.length) { for (const l of poisonTable(res.training_threats)) printLine(l); printLine(''); }
    for (const line of res.summary) printLine(`- ${line}`);
    printLine('');
    printLine(`report: ${path.join(cfg.out, 'report.html')}  (results.json, CSV tables and models beside it; ${res.seconds.toFixed(0)} s)`);
  } finally {
    bars.clear();
  }
}
