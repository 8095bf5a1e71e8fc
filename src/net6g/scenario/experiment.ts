/**
 * A whole comparison: for every seed and architecture, the baseline run, each attack without its
 * defence, and each attack with it; then the seven indicators with 95% t-intervals over seeds, the
 * what-if table (every indicator, without attack / attacked / defended, per architecture) and the
 * router's measured quantum share. Runs are paired: one seed is one world for every variant.
 */
import { QmlError } from '../../core/errors.js';
import type { ScenarioConfig } from './config.js';
import { ATTACKS, checkAttacks, checkDefenses, type IndicatorName } from './attacks.js';
import { INDICATORS, indicatorDef, indicatorRange, keptShare, tInterval } from './indicators.js';
import { Router } from './modules.js';
import { runScenario, type Architecture, type RunResult } from './run.js';
import { DecisionGateway } from './gateway.js';
import type { AuditLog } from '../../governance/audit-log.js';

export interface ExperimentPlan {
  archs: Architecture[];
  attacks: string[];
  /** Per attack, the defence evaluated against it (null: none). */
  defenses: Record<string, string | null>;
  seeds: number[];
}

export function planExperiment(cfg: ScenarioConfig, o: { compare?: string[]; attacks?: string[]; defenses?: string[]; seeds: number }): ExperimentPlan {
  const archs = (o.compare ?? ['classical', 'hybrid']).map((a) => {
    if (a !== 'classical' && a !== 'hybrid') throw new QmlError(`unknown architecture "${a}" (known: classical, hybrid)`, '--compare');
    return a as Architecture;
  });
  if (!archs.length) throw new QmlError('--compare is empty', '--compare');
  const attacks = checkAttacks(o.attacks ?? cfg.attacks, o.attacks ? '--attack' : 'attacks');
  if (attacks.includes('poisoned-round') && !cfg.detection.federated) throw new QmlError('the attack "poisoned-round" needs a federated detector (detection.federated: true in the scenario)', '--attack');
  const defenses: Record<string, string | null> = {};
  if (o.defenses) {
    checkDefenses(o.defenses, '--defense');
    for (const d of o.defenses) if (!attacks.some((a) => ATTACKS[a].defense === d)) throw new QmlError(`defence "${d}" answers ${Object.values(ATTACKS).filter((a) => a.defense === d).map((a) => a.name).join(', ')}, which is not among the attacks of this run (${attacks.join(', ') || 'none'})`, '--defense');
    for (const a of attacks) defenses[a] = o.defenses.includes(ATTACKS[a].defense) ? ATTACKS[a].defense : null;
  } else for (const a of attacks) defenses[a] = ATTACKS[a].defense;
  if (!Number.isInteger(o.seeds) || o.seeds < 1 || o.seeds > 100) throw new QmlError(`--seeds must be 1–100, got ${o.seeds}`, '--seeds');
  return { archs, attacks, defenses, seeds: Array.from({ length: o.seeds }, (_, i) => i + 1) };
}

type Indicators6 = RunResult['indicators'];
export interface SeedRecord {
  seed: number;
  /** runs[arch][variant]: variant "baseline", "ATTACK", "ATTACK+DEFENCE". */
  runs: Record<string, Record<string, { indicators: Indicators6; quantum_share: number; tasks: number; quantum_tasks: number; decisions: number; held: number; simulated_s: number; sim_ms: number; series?: RunResult['series'] }>>;
}

export async function runSeed(cfg: ScenarioConfig, plan: ExperimentPlan, seed: number, o: { log?: AuditLog | null; runTag: string; keepSeries: boolean; progress?: (s: string) => void }): Promise<SeedRecord> {
  const rec: SeedRecord = { seed, runs: {} };
  for (const arch of plan.archs) {
    rec.runs[arch] = {};
    const variants: Array<[string, string | null, string | null]> = [['baseline', null, null]];
    for (const a of plan.attacks) {
      variants.push([a, a, null]);
      if (plan.defenses[a]) variants.push([`${a}+${plan.defenses[a]}`, a, plan.defenses[a]]);
    }
    for (const [name, attack, defense] of variants) {
      o.progress?.(`seed ${seed} ${arch} ${name}`);
      const gateway = new DecisionGateway(o.log ?? null, `${o.runTag}/${arch}/s${seed}/${name}`);
      const r = await runScenario({ cfg, arch, seed, attack, defense, gateway });
      rec.runs[arch][name] = { indicators: r.indicators, quantum_share: r.quantum_share, tasks: r.tasks, quantum_tasks: r.quantum_tasks, decisions: r.decisions, held: r.held, simulated_s: r.simulated_s, sim_ms: r.sim_ms, ...(o.keepSeries ? { series: r.series } : {}) };
    }
  }
  return rec;
}

/** Resilience of one (seed, architecture): mean kept share of each attack's targeted indicator. */
export function resilience(rec: SeedRecord, arch: string, attacks: string[], variant: (a: string) => string = (a) => a): number {
  if (!attacks.length) return NaN;
  const base = rec.runs[arch].baseline.indicators;
  const kept = attacks.map((a) => {
    const t = ATTACKS[a].targets as Exclude<IndicatorName, 'resilience_under_attack'>;
    const run = rec.runs[arch][variant(a)];
    return run ? keptShare(indicatorDef(t), base[t], run.indicators[t]) : NaN;
  }).filter(Number.isFinite);
  return kept.length ? kept.reduce((s, v) => s + v, 0) / kept.length : NaN;
}

export interface ContractJson {
  scenario: string;
  seeds: number;
  indicators: Array<{ name: string; unit: string } & Record<string, unknown>>;
  what_if: Array<{ attack: string; defense: string | null; indicator: string; architecture: string; baseline: number; attacked: number; defended: number | null }>;
  routing: { quantum_share: number; policy: string };
}

export function summarise(cfg: ScenarioConfig, plan: ExperimentPlan, seeds: SeedRecord[]): ContractJson {
  const indicators = INDICATORS.map((d) => {
    const row: { name: string; unit: string } & Record<string, unknown> = { name: d.name, unit: d.unit };
    for (const arch of plan.archs) {
      const vals = seeds.map((s) => (d.name === 'resilience_under_attack' ? resilience(s, arch, plan.attacks) : s.runs[arch].baseline.indicators[d.name as keyof Indicators6]));
      const ci = tInterval(vals, indicatorRange(d));
      row[arch] = { mean: ci.mean, ci95: ci.ci95 };
    }
    return row;
  });
  const what_if: ContractJson['what_if'] = [];
  const meanOf = (arch: string, variant: string, name: IndicatorName): number | null => {
    const vals = seeds.map((s) => {
      const run = s.runs[arch][variant];
      if (!run) return NaN;
      if (name === 'resilience_under_attack') {
        if (variant === 'baseline') return 1;
        const a = variant.split('+')[0];
        return resilience(s, arch, [a], () => variant);
      }
      return run.indicators[name];
    }).filter(Number.isFinite);
    return vals.length ? vals.reduce((s, v) => s + v, 0) / vals.length : null;
  };
  for (const a of plan.attacks) for (const arch of plan.archs) for (const d of INDICATORS) {
    const defended = plan.defenses[a] ? meanOf(arch, `${a}+${plan.defenses[a]}`, d.name) : null;
    what_if.push({ attack: a, defense: plan.defenses[a], indicator: d.name, architecture: arch, baseline: meanOf(arch, 'baseline', d.name) ?? NaN, attacked: meanOf(arch, a, d.name) ?? NaN, defended });
  }
  const hyb = plan.archs.includes('hybrid') ? seeds.map((s) => s.runs.hybrid.baseline) : [];
  const tasks = hyb.reduce((s, r) => s + r.tasks, 0), q = hyb.reduce((s, r) => s + r.quantum_tasks, 0);
  return { scenario: cfg.name, seeds: seeds.length, indicators, what_if, routing: { quantum_share: tasks ? q / tasks : 0, policy: Router.policy(cfg) } };
}
