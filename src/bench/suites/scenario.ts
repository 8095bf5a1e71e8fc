/**
 * `npm run bench -- scenario` / `qml6g bench scenario [--quick] [--json]`: each shipped scenario's
 * default comparison (classical and hybrid, baseline, every attack of the scenario with and without
 * its defence, 5 seeds; --quick: 2 seeds and a quarter of the simulated time) timed end to end in
 * process, reporting simulated seconds per wall second and per CPU second (CPU time is what other
 * jobs on a shared machine do not inflate) and the CPU cost per seed, against the target of ≤ 5 minutes per default run.
 * The last line of --json is {"scenarios": [...]}.
 */
import { info, printJson, printLine } from '../../cli/io.js';
import { version } from '../../core/version.js';
import type { SuiteOptions } from '../suite.js';
import { loadScenario, scenarioNames } from '../../net6g/scenario/config.js';
import { World } from '../../net6g/scenario/world.js';
import { planExperiment, runSeed } from '../../net6g/scenario/experiment.js';

export const help = 'each scenario\'s default run (2 architectures × attacks × defences × 5 seeds): wall and CPU time, simulated seconds per wall second (target ≤ 5 min per run)';

export async function run({ quick, json }: SuiteOptions): Promise<void> {
  const rows: Array<Record<string, unknown>> = [];
  for (const name of scenarioNames()) {
    const cfg = loadScenario(name);
    if (quick) cfg.duration_s = Math.max(12, Math.floor(cfg.duration_s / cfg.step_s / 4)) * cfg.step_s;
    World.checkGeometry(cfg);
    const plan = planExperiment(cfg, { seeds: quick ? 2 : 5 });
    const t0 = performance.now(), c0 = process.cpuUsage();
    let simulated = 0, runs = 0;
    for (const seed of plan.seeds) {
      const r = await runSeed(cfg, plan, seed, { log: null, runTag: `bench-${name}`, keepSeries: false });
      for (const v of Object.values(r.runs)) for (const x of Object.values(v)) { simulated += x.simulated_s; runs++; }
    }
    const wall = (performance.now() - t0) / 1000, cu = process.cpuUsage(c0), cpu = (cu.user + cu.system) / 1e6;
    const row = { scenario: name, seeds: plan.seeds.length, runs, simulated_s: simulated, wall_s: wall, cpu_s: cpu, cpu_s_per_seed: cpu / plan.seeds.length, wall_s_per_seed: wall / plan.seeds.length, simulated_s_per_wall_s: simulated / wall, simulated_s_per_cpu_s: simulated / cpu, target_wall_s: 300, within_target: wall <= 300 };
    rows.push(row);
    info(`${name}: ${runs} runs, ${simulated.toFixed(0)} simulated s in ${wall.toFixed(1)} s wall (${cpu.toFixed(1)} s CPU, ${(cpu / plan.seeds.length).toFixed(1)} CPU s per seed): ${(simulated / wall).toFixed(1)} simulated s per wall s, ${(simulated / cpu).toFixed(1)} per CPU s; target ≤ 300 s ${wall <= 300 ? 'met' : 'MISSED'}`);
  }
  if (json) printJson({ suite: 'scenario', quick, scenarios: rows, version: version() });
  else printLine(rows.map((r) => `${r.scenario}: ${(r.wall_s as number).toFixed(1)} s wall, ${(r.cpu_s_per_seed as number).toFixed(1)} CPU s per seed, ${(r.simulated_s_per_wall_s as number).toFixed(1)} simulated s/wall s`).join('\n'));
}
