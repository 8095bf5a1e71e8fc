/**
 * Poisoning of quantum (and classical) kernel SVMs in the model's input space, within the encoding's
 * box (every crafted row is a valid set of rotation angles, i.e. the image of some traffic record
 * under the fitted pipeline's range): 'kernel-poison' follows Biggio et al. 2012 (ascend the
 * validation hinge loss through the kernel), 'alignment-poison' lowers kernel-target alignment.
 * The validation rows are the attacker's own: a stratified third of the training set.
 */
import { QmlError } from '../../core/errors.js';
import { rowsOf } from '../../sim/batch.js';
import { stratifiedSplit } from '../../qml/table.js';
import { createModel } from '../../qml/models/registry.js';
import { KernelSVM } from '../../qml/models/kernel-svm.js';
import { kernelPoisoning } from '../primitives.js';
import type { PoisonContext, TrainingAttack } from '../threat.js';

function inputBox(X: { data: Float64Array }): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (const v of X.data) { if (v < lo) lo = v; if (v > hi) hi = v; }
  return [lo, hi];
}

function kernelAttack(name: string, objective: 'hinge' | 'alignment'): TrainingAttack {
  return {
    name,
    goal: 'indiscriminate',
    appliesTo: (spec) => spec.type === 'qsvm' || spec.type === 'svm',
    poison(ctx: PoisonContext) {
      if (ctx.train.classes.length !== 2) throw new QmlError(`${name} poisons binary kernel SVMs; the data has ${ctx.train.classes.length} classes`, '--attack');
      if (ctx.spec.type !== 'qsvm' && ctx.spec.type !== 'svm') throw new QmlError(`${name} needs a kernel model (qsvm or svm), not ${ctx.spec.type}`, '--model');
      const X = ctx.clean.inputs(ctx.train.table), y = ctx.train.labels;
      const [lo, hi] = inputBox(X);
      // As in Biggio et al., the attacker knows the training set and holds validation data of its
      // own (outside the training set), whose hinge loss the crafted points raise.
      let Xv, yv;
      if (ctx.attacker) { Xv = ctx.clean.inputs(ctx.attacker.table); yv = ctx.clean.labelsFor(ctx.attacker); }
      else { const s = stratifiedSplit(y, 0.2, ctx.seed); Xv = rowsOf(X, s.test); yv = Int32Array.from(s.test, (i) => y[i]); }
      const make = () => createModel(ctx.spec, X.cols, 2, ctx.seed) as KernelSVM;
      const steps = 8, stepSize = 0.3 * (hi - lo) / Math.PI;
      const r = kernelPoisoning(make, X, y, Xv, yv, ctx.rate, ctx.seed, { objective, steps, stepSize, lo, hi, log: ctx.log });
      return { goal: this.goal, inputs: { X: r.X, y: r.y }, poisoned: r.poisoned, config: { rate: ctx.rate, seed: ctx.seed, objective, steps, step_size: stepSize, box: [lo, hi], alignment: r.alignment, validation_rows: Xv.rows } };
    },
  };
}

export const kernelHingePoisoning = kernelAttack('kernel-poison', 'hinge');
export const kernelAlignmentPoisoning = kernelAttack('alignment-poison', 'alignment');
