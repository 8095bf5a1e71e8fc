/**
 * Step 6: accuracy against NISQ noise strength for the expectation-value circuit models, with the
 * VQC's error-mitigated accuracy at the base strength. One task per model and strength, and the
 * mitigation split over rows (../tasks.ts).
 */
import { VariationalClassifier } from '../../qml/models/vqc.js';
import { HybridNetwork } from '../../qml/models/hybrid.js';
import { evasionOn, taskResult, timeTask, type AssessContext, type AssessStep } from '../state.js';
import { noiseRows, type AssessTask } from '../tasks.js';

/** Rows per mitigation task (three density-matrix runs of up to five times longer circuits per row). */
const MITIGATE_ROWS = 8;

/** The noise tasks of one model still to run (keyed for early start), strengths first, then the mitigation parts. */
export function noiseTasks(ctx: AssessContext, model: string): Array<[string, AssessTask]> {
  const { cfg, detectors } = ctx.state;
  const det = detectors.get(model)!;
  if (!(det.model instanceof VariationalClassifier || det.model instanceof HybridNetwork)) return [];
  const out: Array<[string, AssessTask]> = [];
  const prev = ctx.previous?.noise_sweep.filter((x) => x.model === model) ?? [];
  for (const s of cfg.noise) if (!prev.some((x) => x.strength === s)) out.push([`noise ${model} ${s}`, { kind: 'noise', model, strength: s }]);
  if (cfg.noise.includes(1) && !prev.some((x) => x.strength === 1) && det.model instanceof VariationalClassifier && cfg.mitigate) {
    const n = noiseRows(ctx.state);
    for (let lo = 0; lo < n; lo += MITIGATE_ROWS) out.push([`mitigate ${model} ${lo}`, { kind: 'mitigate', model, lo, hi: Math.min(n, lo + MITIGATE_ROWS) }]);
  }
  return out;
}

export const noiseStep: AssessStep = {
  name: 'noise',
  skip: (ctx) => !evasionOn(ctx.state.cfg),
  async run(ctx) {
    const { cfg } = ctx.state;
    const res = ctx.record;
    for (const me of res.models) {
      const tasks = noiseTasks(ctx, me.name);
      if (!tasks.length && !ctx.previous?.noise_sweep.some((x) => x.model === me.name)) continue;
      let correct = 0, mitigated = false;
      const fresh = new Map<number, (typeof res.noise_sweep)[number]>();
      for (const [key, t] of tasks) {
        const r = await taskResult(ctx, key, t);
        timeTask(ctx, t, r);
        if (r.noise) fresh.set(r.noise.strength, r.noise);
        if (r.correct !== undefined) { correct += r.correct; mitigated = true; }
      }
      for (const s of cfg.noise) {
        const prev = ctx.previous?.noise_sweep.find((x) => x.model === me.name && x.strength === s);
        const e = prev ?? fresh.get(s);
        if (!e) continue;
        if (!prev && s === 1 && mitigated) e.mitigated_accuracy = correct / noiseRows(ctx.state);
        res.noise_sweep.push(e);
      }
      ctx.progress(`noise ${me.name}`, cfg.noise.length, cfg.noise.length);
      await ctx.checkpoint();
    }
    if (res.models.some((m) => m.name === 'qsvm')) res.notes.push('the NISQ noise sweep covers expectation-value models (vqc, reupload, hybrid): a noisy QSVM keeps one 8-qubit density matrix per support row (1 MiB each), so it is evaluated under noise with qml6g train --model qsvm --noise on a smaller support set');
  },
};
