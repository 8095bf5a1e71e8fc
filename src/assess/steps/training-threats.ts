/**
 * Step 9 (--threats training): poisoning, backdoors and tampered model files against the quantum and
 * classical detectors, each with the defences that answer it; one experiment per checkpoint.
 */
import { selectRows, stratifiedSubset } from '../../qml/table.js';
import type { Detector } from '../../qml/detector.js';
import type { ModelSpec } from '../../qml/models/registry.js';
import { runPoisonExperiment } from '../../poisoning/experiment.js';
import { trainingThreatPlan } from '../training-threats.js';
import type { AssessStep } from '../state.js';

export const trainingThreatsStep: AssessStep = {
  name: 'training-threats',
  skip: (ctx) => !ctx.state.cfg.threats.includes('training'),
  restore(ctx) { ctx.record.training_threats = ctx.previous?.training_threats; },
  async run(ctx) {
    const { cfg, train, test } = ctx.state;
    const res = ctx.record;
    const done: NonNullable<typeof res.training_threats> = (res.training_threats ??= []);
    // Kernel models get as many rows as they keep (a subsampled SVM would drop poison at random).
    const rowsFor = (model: string) => Math.min(model === 'qsvm' ? Math.round(cfg.kernelRows / 0.765) : cfg.poisonRows, train.table.rows);
    const pTest = selectRows(test, stratifiedSubset(test.labels, Math.min(cfg.poisonRows, test.table.rows), cfg.seed + 5));
    const plan = trainingThreatPlan(cfg);
    ctx.log(`training-time threats: ${plan.length} experiments at poison rates ${cfg.poisonRates.join(', ')} ...`);
    const cleanOf = new Map<string, Detector>();
    let n = 0;
    for (const p of plan) {
      const same = (r: { attack: string; model: string; poison_rate: number }) => r.attack === p.attack && r.model === p.model && r.poison_rate === p.rate;
      const cached = ctx.previous?.training_threats?.filter(same) ?? [];
      if (!done.some(same) && cached.length) done.push(...cached);
      else if (!done.some(same)) {
        const spec: ModelSpec = { type: p.model, qubits: p.model === 'qsvm' ? Math.min(cfg.qubits, 6) : cfg.qubits, layers: Math.min(cfg.layers, 2) };
        const pTrain = selectRows(train, stratifiedSubset(train.labels, rowsFor(p.model), cfg.seed + 4));
        const r = runPoisonExperiment({
          train: pTrain, test: pTest, spec, trainConfig: { epochs: cfg.epochs }, attack: p.attack, rate: p.rate, seed: cfg.seed, defenses: p.defenses,
          clean: cleanOf.get(p.model), log: (s) => ctx.log(`  ${s}`),
        });
        cleanOf.set(p.model, r.clean);
        done.push(...r.records);
      }
      ctx.progress('training threats', ++n, plan.length);
      await ctx.checkpoint();
    }
  },
};
