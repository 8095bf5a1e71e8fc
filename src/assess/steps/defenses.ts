/** Step 8 (--defenses): retrain or wrap the VQC and the MLP with each defence and attack them again. */
import { selectRows, stratifiedSubset } from '../../qml/table.js';
import { runDefenses } from '../defenses.js';
import { evasionOn, type AssessStep } from '../state.js';

export const defensesStep: AssessStep = {
  name: 'defenses',
  skip: (ctx) => !ctx.state.cfg.defenses.length || !evasionOn(ctx.state.cfg),
  restore(ctx) { ctx.record.defenses = ctx.previous?.defenses; },
  run(ctx) {
    const { cfg, train, attack, detectors } = ctx.state;
    ctx.log(`defences: ${cfg.defenses.join(', ')} ...`);
    const dTrain = selectRows(train, stratifiedSubset(train.labels, Math.min(cfg.defenseRows, train.table.rows), cfg.seed + 3));
    ctx.record.defenses = runDefenses(cfg.defenses, detectors,
      { X: (d) => d.inputs(dTrain.table), y: (d) => d.labelsFor(dTrain) },
      { X: (d) => d.inputs(attack.table), y: (d) => d.labelsFor(attack) },
      new Map(ctx.record.models.map((m) => [m.name, m.train_seconds])),
      { seed: cfg.seed, epochs: cfg.epochs, steps: cfg.steps, quick: cfg.quick, log: ctx.log });
  },
};
