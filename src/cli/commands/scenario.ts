/**
 * `qml6g scenario NAME|FILE [--compare classical,hybrid] [--attack A1,A2] [--defense D1] [--seeds K] [--quick] [--json]`:
 * the 6G digital twin (src/net6g/scenario) run over K seeds for each architecture, baseline, under
 * each attack and with its defence; one resumable job (a step per seed) writing results.json, the
 * run in the experiment store, every automated decision in the audit log, and report.html with the
 * classical-against-hybrid table and the time series. The last line of --json is the contract object.
 */
import fs from 'node:fs';
import path from 'node:path';
import { QmlError } from '../../core/errors.js';
import { runJob } from '../../core/job.js';
import { version } from '../../core/version.js';
import { parseArgs, usage, type Flags } from '../args.js';
import { info, printJson, printLine, writeFileAtomic } from '../io.js';
import { storeRecorder } from '../../store/job-recorder.js';
import { AuditLog, defaultLogFile } from '../../governance/audit-log.js';
import { loadScenario, scenarioNames, type ScenarioConfig } from '../../net6g/scenario/config.js';
import { World } from '../../net6g/scenario/world.js';
import { ATTACK_NAMES, DEFENSE_NAMES } from '../../net6g/scenario/attacks.js';
import { planExperiment, runSeed, summarise, type ContractJson, type SeedRecord } from '../../net6g/scenario/experiment.js';
import { scenarioReport } from '../../report/scenario.js';

export const help = '6G digital twin: smart mobility, industrial automation, emergency response; classical against hybrid quantum-classical management, under attack';

const flags: Flags = {
  compare: { type: 'string', help: 'architectures: classical,hybrid', default: 'classical,hybrid' },
  attack: { type: 'string', help: `comma list of ${ATTACK_NAMES.join(', ')} (default: the scenario's list)` },
  defense: { type: 'string', help: `comma list of ${DEFENSE_NAMES.join(', ')} (default: each attack's own)` },
  seeds: { type: 'int', help: 'seeds (independent replicates)', default: 5 },
  quick: { type: 'boolean', help: 'a quarter of the simulated time (at least 12 steps)' },
  out: { type: 'string', help: 'folder for results.json and report.html (default scenario-NAME)' },
  audit: { type: 'string', help: 'audit log file (default $QML6G_HOME/audit.db)' },
  resume: { type: 'boolean', help: 'resume an interrupted run in --out' },
  json: { type: 'boolean', help: 'print one JSON object (last line)' },
  help: { type: 'boolean', help: 'show this help' },
};

interface ScenarioRecord { scenario: string; config: ScenarioConfig; plan: ReturnType<typeof planExperiment>; seeds_done: SeedRecord[]; summary: ContractJson | null; wall_s: number; simulated_s: number }

const list = (v: unknown) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean) : undefined);

export async function run(argv: string[]): Promise<void> {
  const a = parseArgs(argv, flags, 'scenario');
  if (a.flags.help) { printLine(usage('scenario', `${scenarioNames().join('|')}|FILE [options]`, flags)); return; }
  if (a.positional.length !== 1) throw new QmlError(`give one scenario: ${scenarioNames().join(', ')} or a .json/.yaml file${a.positional.length > 1 ? ` (got ${a.positional.length})` : ''}`);
  const f = a.flags;
  const cfg = loadScenario(a.positional[0]);
  if (f.quick) {
    const steps = Math.max(12, Math.floor(cfg.duration_s / cfg.step_s / 4));
    cfg.duration_s = steps * cfg.step_s;
  }
  World.checkGeometry(cfg);
  const plan = planExperiment(cfg, { compare: list(f.compare), attacks: list(f.attack), defenses: list(f.defense), seeds: f.seeds as number });
  const outDir = (f.out as string | undefined) ?? `scenario-${cfg.name}`;
  fs.mkdirSync(outDir, { recursive: true });
  const log = AuditLog.open((f.audit as string | undefined) ?? defaultLogFile());
  const runTag = `scenario-${cfg.name}-${Date.now().toString(36)}-${process.pid}`;
  const quiet = !!f.json;
  const t0 = performance.now();
  try {
    const rec = await runJob<ScenarioRecord>({
      command: 'scenario', file: path.join(outDir, 'results.json'), seed: plan.seeds[0], resume: !!f.resume,
      config: { scenario: cfg, plan }, ignoreKeys: [],
      init: () => ({ scenario: cfg.name, config: cfg, plan, seeds_done: [], summary: null, wall_s: 0, simulated_s: 0 }),
      steps: [
        ...plan.seeds.map((seed, i) => ({
          name: `seed:${seed}`,
          restore: (ctx: { record: ScenarioRecord; previous: ScenarioRecord | null }) => {
            const prev = ctx.previous?.seeds_done.find((s) => s.seed === seed);
            if (prev) ctx.record.seeds_done.push(prev);
          },
          run: async (ctx: { record: ScenarioRecord; log: (s: string) => void }) => {
            const r = await runSeed(cfg, plan, seed, { log, runTag, keepSeries: i === 0, progress: quiet ? undefined : (s) => ctx.log(s) });
            ctx.record.seeds_done.push(r);
            for (const v of Object.values(r.runs)) for (const x of Object.values(v)) ctx.record.simulated_s += x.simulated_s;
          },
        })),
        {
          name: 'summary',
          run: async (ctx: { record: ScenarioRecord; metric: (n: string, v: number) => void; artefact: (n: string, f: string) => void }) => {
            const s = summarise(cfg, plan, ctx.record.seeds_done);
            ctx.record.summary = s;
            ctx.record.wall_s = (performance.now() - t0) / 1000;
            for (const ind of s.indicators) for (const arch of plan.archs) {
              const m = (ind[arch] as { mean: number } | undefined)?.mean;
              if (Number.isFinite(m)) ctx.metric(`${ind.name}/${arch}`, m!);
            }
            ctx.metric('quantum_share', s.routing.quantum_share);
            const html = await scenarioReport(cfg, plan, ctx.record.seeds_done, s);
            const file = path.join(outDir, 'report.html');
            writeFileAtomic(file, html);
            ctx.artefact('report', file);
            const first = ctx.record.seeds_done.find((r) => Object.values(r.runs).some((v) => Object.values(v).some((x) => x.series)));
            if (first) {
              const trace = path.join(outDir, 'trace.csv');
              writeFileAtomic(trace, traceCsv(first));
              ctx.artefact('trace', trace);
            }
          },
        },
      ],
      hooks: { log: quiet ? () => undefined : info },
      recorder: storeRecorder(),
    });
    const out = rec.summary!;
    if (f.json) printJson({ ...out, results: path.join(outDir, 'results.json'), report: path.join(outDir, 'report.html'), simulated_s_per_wall_s: rec.simulated_s / Math.max(1e-9, rec.wall_s), version: version() });
    else printLine(table(out, plan.archs));
  } finally {
    log.close();
  }
}

/** The per-step indicator trace of one seed, every architecture and variant: one row per step. */
export function traceCsv(rec: SeedRecord): string {
  const keys = ['spectrum_utilisation', 'service_continuity', 'detection_rate', 'decision_latency'] as const;
  const lines = [`seed,architecture,variant,t_s,${keys.join(',')}`];
  for (const [arch, variants] of Object.entries(rec.runs)) for (const [variant, r] of Object.entries(variants)) {
    if (!r.series) continue;
    r.series.t.forEach((t, i) => lines.push([rec.seed, arch, variant, t, ...keys.map((k) => (Number.isFinite(r.series![k][i]) ? +r.series![k][i].toPrecision(6) : ''))].join(',')));
  }
  return lines.join('\n') + '\n';
}

function fmt(v: number): string {
  if (!Number.isFinite(v)) return '-';
  const a = Math.abs(v);
  return a >= 1000 ? v.toFixed(0) : a >= 10 ? v.toFixed(2) : v.toFixed(4);
}

function table(s: ContractJson, archs: string[]): string {
  const head = ['indicator', 'unit', ...archs.map((a) => `${a} mean [95% CI]`)];
  const rows = s.indicators.map((r) => [r.name, r.unit, ...archs.map((a) => { const x = r[a] as { mean: number; ci95: [number, number] }; return `${fmt(x.mean)} [${fmt(x.ci95[0])}, ${fmt(x.ci95[1])}]`; })]);
  const w = head.map((h, k) => Math.max(h.length, ...rows.map((x) => x[k].length)));
  const line = (c: string[]) => c.map((x, k) => x.padEnd(w[k])).join('  ');
  return [`${s.scenario}: ${s.seeds} seeds; quantum share ${s.routing.quantum_share.toFixed(3)}`, line(head), ...rows.map(line)].join('\n');
}
