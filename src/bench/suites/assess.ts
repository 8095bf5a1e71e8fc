/**
 * The main job with its defaults (`qml6g assess`, NSL-KDD, every model and attack) in a temporary
 * folder: wall time, CPU time of the whole process (all threads), the parallelism achieved (CPU /
 * wall), CPU seconds per step and the costliest tasks, and the widest headline interval (the
 * per-row worst case at each ε, 95% Wilson). Targets: ≤ 300 s wall on 2 idle cores and every
 * headline within ±5 points. On a shared machine wall time grows with the others' load; CPU time
 * divided by the parallelism of the same run estimates the idle wall time. `--quick` runs the
 * quick configuration instead.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { info, printJson, printLine } from '../../cli/io.js';
import type { SuiteOptions } from '../suite.js';
import { defaultConfig } from '../../assess/config.js';
import { runAssess } from '../../assess/run.js';
import { processCpuSeconds } from '../../core/cpu.js';

export const help = 'the default qml6g assess run: wall and CPU time per step, parallelism, widest headline interval (targets ≤ 300 s on 2 cores, ±5 points)';

export async function run(o: SuiteOptions): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qml6g-bench-assess-'));
  try {
    const cfg = { ...defaultConfig(o.quick), out: dir };
    const w0 = performance.now(), c0 = processCpuSeconds();
    const res = await runAssess(cfg, { log: () => {}, progress: () => {} }, false, { handleSignals: false });
    const wall = (performance.now() - w0) / 1000, cpu = processCpuSeconds() - c0;
    const half = res.models.flatMap((m) => (m.worst_case ?? []).map((w) => ({ model: m.name, epsilon: w.epsilon, half: (w.robust_accuracy_ci[1] - w.robust_accuracy_ci[0]) / 2 })));
    const widest = half.reduce((a, b) => (b.half > a.half ? b : a), { model: '', epsilon: 0, half: 0 });
    const tasks = [...(res.task_timing ?? [])].sort((a, b) => b.cpu_seconds - a.cpu_seconds);
    const result = {
      suite: 'assess', quick: o.quick, cores: os.availableParallelism?.() ?? os.cpus().length, threads: res.threads, load_average: os.loadavg()[0],
      attack_rows: res.rows.attack, black_box_rows: res.rows.black_box,
      wall_seconds: wall, cpu_seconds: cpu, parallelism: cpu / wall,
      steps: res.timing ?? [], tasks: tasks.slice(0, 15),
      widest_headline_half_width: widest.half, widest_at: { model: widest.model, epsilon: widest.epsilon },
      targets: { wall_seconds: 300, half_width: 0.05 },
    };
    if (o.json) { printJson(result); return; }
    printLine(`assess ${o.quick ? '--quick' : '(defaults)'}: ${res.rows.attack} attacked rows (${res.rows.black_box} black-box), ${result.threads} thread(s) on ${result.cores} core(s), load average ${result.load_average.toFixed(1)} at the end`);
    printLine(`wall ${wall.toFixed(1)} s, CPU ${cpu.toFixed(1)} s (all threads), parallelism ${(cpu / wall).toFixed(2)}; target ≤ 300 s wall on 2 idle cores`);
    printLine(`step CPU seconds: ${(res.timing ?? []).map((s) => `${s.step} ${s.cpu_seconds.toFixed(1)}`).join(', ')}`);
    printLine(`costliest tasks (CPU s): ${tasks.slice(0, 8).map((t) => `${t.task} ${t.cpu_seconds.toFixed(1)}`).join(', ')}`);
    printLine(`widest headline interval: ±${(100 * widest.half).toFixed(2)} points (${widest.model} at ε = ${widest.epsilon}); target ±5`);
  } finally {
    info(`(bench assess: removing its temporary report folder)`);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
