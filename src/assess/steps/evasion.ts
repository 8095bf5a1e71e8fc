/**
 * Step 3: evasion attacks in raw traffic features under the domain constraints (white-box on every
 * attack row, black-box on a subset within a query budget), then the unbounded check's inputs:
 * constrained DeepFool with no budget and which rows any valid change can flip at all.
 */
import { RawTarget } from '../../attacks/target.js';
import type { ModelEntry } from '../run.js';
import { modelChecks } from './checks.js';
import { startAdaptive } from './adaptive.js';
import { argmaxRows } from '../../attacks/attack.js';
import { evasionOn, runnerOf, startEarly, taskResult, timeTask, type AssessContext, type AssessStep } from '../state.js';
export { timeTask } from '../state.js';
import { taskName, type AssessTask, type TaskResult } from '../tasks.js';
import { noiseTasks } from './noise.js';

export { entryOf, unboundedEntry } from '../tasks.js';

const NOT_EVASION = new Set(['transfer', 'encoding', 'readout', 'interception', 'noise-injection']);


/**
 * Relative cost of a task (about CPU seconds), to start the longest first (a pool then ends with
 * the short ones and its threads finish together). Weights from a measured default run, after the
 * SIMD density-matrix kernels made the noise sweep, mitigation and leakage cheap; only the order
 * depends on them.
 */
export function cost(ctx: AssessContext, t: AssessTask): number {
  const type = 'model' in t ? ctx.state.detectors.get(t.model)?.model.type ?? t.model : '';
  const model = ({ qsvm: 5, vqc: 4.5, reupload: 4.5, svm: 2.2, hybrid: 1.3, mlp: 0.85, logreg: 0.35 } as Record<string, number>)[type] ?? 1;
  switch (t.kind) {
    case 'train': return ({ vqc: 10, qsvm: 4, hybrid: 3 } as Record<string, number>)[t.model] ?? 1;
    case 'leakage': return 7.5;
    case 'noise': return 0.1;
    case 'mitigate': return 0.5;
    case 'quantum': return 2 * model;
    case 'unbounded': return 0.6 * model;
    case 'adaptive': return 4 * model;
    case 'attack': return model * (({ cw: 3.3, 'apgd-dlr': 3, 'apgd-ce': 2, square: 1.4, pgd: 1.4, mim: 1.35, hopskipjump: 1.3, deepfool: 0.45, fgsm: 0.3 } as Record<string, number>)[t.attack] ?? 1);
  }
}

/** The attack rows and which of them the model classifies correctly before any attack. */
function attackRows(ctx: AssessContext, model: string): { n: number; correct: number[] } {
  const { attack, train, constraints, detectors } = ctx.state;
  const det = detectors.get(model)!;
  const full = new RawTarget(det, attack.table, constraints, train.table);
  const y = det.labelsFor(attack);
  const clean = argmaxRows(full.proba(full.initial(), attack.table.rows), attack.table.rows, det.classes.length);
  return { n: attack.table.rows, correct: Array.from({ length: attack.table.rows }, (_, i) => i).filter((i) => clean[i] === y[i]) };
}

/**
 * As soon as one model's attacks and unbounded check are in (whatever the order the other models'
 * finish in), runs its honest-evaluation checks on them and, if they flag it, starts its adaptive
 * escalation on the pool. The checks step later runs the same checks with the transfer attacks too
 * and the adaptive step collects these pieces (or starts the ones a transfer flag adds); a piece
 * started here and then not needed is simply not collected. Results are the same as without it.
 */
function escalateEarly(ctx: AssessContext, me: ModelEntry, evasion: string[]): void {
  const pending = ctx.state.pending;
  const parts = evasion.map((a) => pending?.get(`attack ${me.name} ${a}`));
  if (parts.some((p) => !p)) return;
  const before = ctx.previous?.models.find((m) => m.name === me.name)?.unbounded;
  const unbounded = before ? Promise.resolve({ unbounded: before } as TaskResult) : pending?.get(`unbounded ${me.name}`);
  if (!unbounded) return;
  const { attack, bbRows } = ctx.state;
  Promise.all([...parts, unbounded]).then((rs) => {
    const ub = rs.pop()!.unbounded!;
    const provisional: ModelEntry = { ...me, attacks: rs.flatMap((r) => r!.entries!), attack_rows: attackRows(ctx, me.name), unbounded: ub };
    const failed = modelChecks(provisional, attack.table.rows, bbRows).filter((c) => !c.passed);
    if (failed.length) startAdaptive(ctx, me.name, failed.some((c) => c.name.startsWith('an unbounded')));
  }).catch(() => { /* the evasion step raises the task's error when it collects it */ });
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
    const { cfg, detectors } = ctx.state;
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
      for (const me of ctx.record.models) escalateEarly(ctx, me, evasion);
    }
    for (const me of ctx.record.models) {
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
      me.attack_rows = attackRows(ctx, me.name);
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
