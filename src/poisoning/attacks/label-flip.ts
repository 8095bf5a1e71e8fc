/**
 * Label flipping: the attacker relabels a budget of training records. 'label-flip' flips each to a
 * random other class (the random baseline every other attack must beat); 'targeted-flip' relabels
 * rows of other classes as the target class (e.g. attacks learned as normal traffic).
 */
import { labelFlip } from '../primitives.js';
import type { TrainingAttack } from '../threat.js';

export const randomLabelFlip: TrainingAttack = {
  name: 'label-flip',
  goal: 'indiscriminate',
  poison(ctx) {
    const p = labelFlip(ctx.train, ctx.rate, ctx.seed);
    return { goal: this.goal, records: p.data, poisoned: p.poisoned, config: { rate: ctx.rate, seed: ctx.seed } };
  },
};

export const targetedLabelFlip: TrainingAttack = {
  name: 'targeted-flip',
  goal: 'targeted',
  poison(ctx) {
    const p = labelFlip(ctx.train, ctx.rate, ctx.seed, ctx.target);
    return { goal: this.goal, records: p.data, poisoned: p.poisoned, config: { rate: ctx.rate, seed: ctx.seed, target: ctx.train.classes[ctx.target] } };
  },
};
