/**
 * Step 3: evasion attacks in raw traffic features under the domain constraints (white-box on every
 * attack row, black-box on a subset within a query budget), then the unbounded check's inputs:
 * constrained DeepFool with no budget and which rows any valid change can flip at all.
 */
import { RawTarget } from '../../attacks/target.js';
import { argmaxRows } from '../../attacks/attack.js';
import { evasionOn, runnerOf, startEarly, taskResult, type AssessContext, type AssessStep } from '../state.js';
import { taskName, type AssessTask, type TaskResult } from '../tasks.js';
import { noiseTasks } from './noise.js';

export { entryOf, unboundedEntry } from '../tasks.js';

const NOT_EVASION = new Set(['transfer', 'encoding', 'readout', 'interception', 'noise-injection']);

/** Records a finished task's wall and CPU time in the results (the per-task timing table). */
export function timeTask(ctx: AssessContext, task: AssessTask, r: TaskResult): void {
  (ctx.record.task_timing ??= []).push({ task: taskName(task), seconds: r.seconds, cpu_seconds: r.cpu_seconds });
}

/**
 * Relative cost of a task, to start the longest first (a pool then ends with the short ones and
 * its threads finish together). Rough weights from measured runs; only the order depends on them.
 */
function cost(ctx: AssessContext, t: AssessTask): number {
  const type = 'model' in t ? ctx.state.detectors.get(t.model)?.model.type ?? '' : '';
  const model = ({ qsvm: 3, svm: 2, vqc: 2.5, reupload: 2.5, hybrid: 1.5, mlp: 1, logreg: 1 } as Record<string, number>)[type] ?? 1;
  switch (t.kind) {
    case 'leakage': return 100;
    case 'noise': return 15;
    case 'mitigate': return 60;
    case 'quantum': return 8 * model;
    case 'unbounded': return 2 * model;
    case 'adaptive': return 30 * model;
    case 'attack': return model * (({ cw: 3, 'apgd-dlr': 2.5, 'apgd-ce': 2, square: 2, pgd: 1.5, mim: 1.5, hopskipjump: 1, deepfool: 0.5, fgsm: 0.3 } as Record<string, number>)[t.attack] ?? 1);
  }
}

/**
 * Step 3: evasion attacks in raw traffic features under the domain constraints (white-box on every
 * attack row, black-box on a subset within a query budget), then the unbounded check's inputs:
 * constrained DeepFool with no budget and which rows any valid change can flip at all. Each attack
 * on each model is one task (./tasks.ts); with more than one core they all start at once, with the
 * quantum-specific, noise and leakage work of the later steps alongside, and their results are
 * placed in the fixed order of models and attacks.
 */
export const evasionStep: AssessStep = {
  name: 'evasion',
  skip: (ctx) => !evasionOn(ctx.state.cfg),
  async run(ctx) {
    const { cfg, attack, train, constraints, detectors } = ctx.state;
    const evasion = cfg.attacks.filter((a) => !NOT_EVASION.has(a) && !a.startsWith('param'));
    const prev = (model: string) => ctx.previous?.models.find((m) => m.name === model);
    const attackTask = (model: string, a: string): AssessTask => ({ kind: 'attack', model, attack: a, cached: prev(model)?.attacks.filter((x) => x.name === a) ?? [] });
    const runner = runnerOf(ctx);
    if (runner.threads > 1) {
      const early: Array<[string, AssessTask]> = [];
      for (const me of ctx.record.models) {
        for (const a of evasion) early.push([`attack ${me.name} ${a}`, attackTask(me.name, a)]);
        if (!prev(me.name)?.unbounded) early.push([`unbounded ${me.name}`, { kind: 'unbounded', model: me.name }]);
        const kind = detectors.get(me.name)!.model.kind;
        if (kind === 'quantum') {
          early.push([`quantum ${me.name}`, { kind: 'quantum', model: me.name, cached: prev(me.name)?.attacks.filter((x) => x.threat === 'quantum') ?? [] }]);
          early.push(...noiseTasks(ctx, me.name));
        }
      }
      if (!ctx.previous?.steps_done.includes('leakage')) early.push(['leakage', { kind: 'leakage' }]);
      early.sort((a, b) => cost(ctx, b[1]) - cost(ctx, a[1]));
      for (const [key, t] of early) startEarly(ctx, key, t);
    }
    for (const me of ctx.record.models) {
      const det = detectors.get(me.name)!;
      let done = 0;
      for (const a of evasion) {
        const t = attackTask(me.name, a);
        const r = await taskResult(ctx, `attack ${me.name} ${a}`, t);
        timeTask(ctx, t, r);
        me.attacks.push(...r.entries!);
        if (r.pgdX) ctx.state.pgdPoints.set(me.name, r.pgdX);
        done += cfg.eps.length;
        ctx.progress(`attack ${me.name}`, done, evasion.length * cfg.eps.length);
        await ctx.checkpoint();
      }
      const full = new RawTarget(det, attack.table, constraints, train.table);
      const y = det.labelsFor(attack);
      const clean = argmaxRows(full.proba(full.initial(), attack.table.rows), attack.table.rows, det.classes.length);
      me.attack_rows = { n: attack.table.rows, correct: Array.from({ length: attack.table.rows }, (_, i) => i).filter((i) => clean[i] === y[i]) };
      // Unbounded check: constrained DeepFool in the raw space with no budget, against what any valid change can reach.
      if (!me.unbounded) {
        const before = prev(me.name)?.unbounded;
        if (before) me.unbounded = before;
        else {
          const t: AssessTask = { kind: 'unbounded', model: me.name };
          const r = await taskResult(ctx, `unbounded ${me.name}`, t);
          timeTask(ctx, t, r);
          me.unbounded = r.unbounded!;
        }
        await ctx.checkpoint();
      }
    }
  },
};
