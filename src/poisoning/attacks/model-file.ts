/**
 * A trained-parameter backdoor delivered through a tampered model file: the attacker intercepts
 * the operator's model file, fine-tunes its parameters on clean rows plus triggered rows labelled as
 * the target (so clean accuracy barely moves), and ships the result, re-signed with its own key
 * (the most it can do without the operator's secret key: the file verifies as intact but untrusted).
 * The poison rate is the fraction of fine-tuning rows that carry the trigger.
 */
import { QmlError } from '../../core/errors.js';
import { Detector } from '../../qml/detector.js';
import { selectRows } from '../../qml/table.js';
import { trainModel } from '../../qml/train.js';
import { generateKeyPair, signDetectorJSON, signedFileText } from '../../supply/signing.js';
import { activateFeatureTrigger, checkRate, defaultTrigger, pickPoisonRows, stampTrigger, validateTrigger } from '../primitives.js';
import type { TrainingAttack } from '../threat.js';

/** Share of the fine-tuning loss on triggered rows. */
const SHARE = 0.2;

export const modelFileBackdoor: TrainingAttack = {
  name: 'model-file',
  goal: 'backdoor',
  appliesTo: (spec) => spec.type !== 'qsvm' && spec.type !== 'svm',
  poison(ctx) {
    checkRate(ctx.rate);
    if (ctx.clean.model.params.length === 0) throw new QmlError(`a parameter backdoor needs trained parameters; ${ctx.clean.model.type} has none`, '--model');
    const trigger = ctx.trigger ?? defaultTrigger(ctx.train.table);
    validateTrigger(trigger, ctx.train.table);
    const copy = Detector.fromJSON(JSON.parse(JSON.stringify(ctx.clean.toJSON())));
    const n = ctx.train.table.rows, idx = pickPoisonRows(ctx.train.labels, ctx.target, ctx.rate, ctx.seed), k = idx.length;
    const trig = selectRows(ctx.train, idx);
    const Xc = copy.inputs(ctx.train.table), Xt = copy.inputs(stampTrigger(trig.table, idx.map((_, j) => j), trigger, ctx.seed));
    // The rate bounds how many distinct triggered records the attacker has; it repeats them so the
    // trigger carries a fixed share of the fine-tuning loss (its weight is the attacker's choice).
    const reps = Math.max(1, Math.round((SHARE / (1 - SHARE)) * (n / Math.max(k, 1)))), d = Xc.cols;
    const X = { data: new Float64Array((n + reps * k) * d), rows: n + reps * k, cols: d };
    X.data.set(Xc.data);
    for (let r = 0; r < reps; r++) X.data.set(Xt.data, (n + r * k) * d);
    const y = new Int32Array(n + reps * k);
    y.set(ctx.train.labels); y.fill(ctx.target, n);
    // A few epochs from the trained parameters: enough to plant the trigger, too few to forget the task.
    const epochs = 10, lr = 0.05;
    trainModel(copy.model, X, y, { epochs, lr, seed: ctx.seed, batchSize: 64, validation: 0 });
    const attackerKeys = generateKeyPair(new Uint8Array(32).fill((ctx.seed * 7 + 13) & 255));
    const signed = signDetectorJSON(copy.toJSON(), attackerKeys);
    return {
      goal: this.goal, tampered: { detector: copy, fileText: signedFileText(signed) }, poisoned: [],
      activate: activateFeatureTrigger(trigger, ctx.target, ctx.seed + 1),
      config: { rate: ctx.rate, seed: ctx.seed, target: ctx.train.classes[ctx.target], trigger, fine_tune_epochs: epochs, lr, trigger_share: SHARE, distinct_triggered_rows: k },
    };
  },
};
