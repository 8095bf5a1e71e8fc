/**
 * Feature-trigger backdoor on traffic records (Gu et al. 2017, BadNets, with a trigger made of
 * valid field values): stamped training rows of other classes are relabelled to the target; at test
 * time any record carrying the trigger should be classified as the target.
 */
import { activateFeatureTrigger, defaultTrigger, featureTriggerBackdoor } from '../primitives.js';
import type { TrainingAttack } from '../threat.js';

export const featureBackdoor: TrainingAttack = {
  name: 'backdoor',
  goal: 'backdoor',
  poison(ctx) {
    const trigger = ctx.trigger ?? defaultTrigger(ctx.train.table);
    const p = featureTriggerBackdoor(ctx.train, ctx.rate, trigger, ctx.target, ctx.seed);
    return {
      goal: this.goal, records: p.data, poisoned: p.poisoned,
      activate: activateFeatureTrigger(trigger, ctx.target, ctx.seed + 1),
      config: { rate: ctx.rate, seed: ctx.seed, target: ctx.train.classes[ctx.target], trigger },
    };
  },
};
