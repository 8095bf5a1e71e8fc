/**
 * Step 5: quantum-specific attacks on the quantum models: perturbed encoding angles, tampered
 * circuit parameters (worst case and random), biased read-out, an intercepting unitary under a
 * fidelity guarantee, adversarially placed depolarising noise. One task per model (../tasks.ts).
 */
import { evasionOn, taskResult, timeTask, type AssessStep } from '../state.js';
import type { AssessTask } from '../tasks.js';

export const quantumStep: AssessStep = {
  name: 'quantum',
  skip: (ctx) => !evasionOn(ctx.state.cfg),
  async run(ctx) {
    const { detectors } = ctx.state;
    for (const me of ctx.record.models) {
      if (detectors.get(me.name)!.model.kind !== 'quantum') continue;
      const t: AssessTask = { kind: 'quantum', model: me.name, cached: ctx.previous?.models.find((m) => m.name === me.name)?.attacks.filter((a) => a.threat === 'quantum') ?? [] };
      const r = await taskResult(ctx, `quantum ${me.name}`, t);
      timeTask(ctx, t, r);
      me.attacks.push(...r.entries!);
      await ctx.checkpoint();
    }
  },
};
