/**
 * Step 5: quantum-specific attacks on the quantum models: perturbed encoding angles, tampered
 * circuit parameters (worst case and random), biased read-out, an intercepting unitary under a
 * fidelity guarantee, adversarially placed depolarising noise.
 */
import { InputTarget } from '../../attacks/target.js';
import { wilsonInterval } from '../../core/stats.js';
import { evasionAttack } from '../../attacks/registry.js';
import { runAttack } from '../../attacks/attack.js';
import { threatModel } from '../../attacks/threat.js';
import { noiseInjection, parameterTampering, readoutManipulation, stateInterception, type QuantumAttackResult } from '../../attacks/quantum/quantum-attacks.js';
import { VariationalClassifier } from '../../qml/models/vqc.js';
import { HybridNetwork } from '../../qml/models/hybrid.js';
import type { AttackEntry } from '../run.js';
import { entryOf } from './evasion.js';
import { evasionOn, reuse, type AssessStep } from '../state.js';

const NORM: Record<string, string> = { interception: 'fidelity', 'noise-injection': 'depolarizing', readout: 'error rate' };

export const quantumStep: AssessStep = {
  name: 'quantum',
  skip: (ctx) => !evasionOn(ctx.state.cfg),
  async run(ctx) {
    const { cfg, attack, detectors } = ctx.state;
    const attacks = cfg.attacks;
    for (const me of ctx.record.models) {
      const det = detectors.get(me.name)!;
      if (det.model.kind !== 'quantum') continue;
      const y = det.labelsFor(attack);
      const Z = det.inputs(attack.table);
      const q = (r: QuantumAttackResult, rows: number, seconds: number): AttackEntry => ({
        name: r.name, threat: 'quantum', epsilon: r.budget, robust_accuracy: r.robust_accuracy, attack_success_rate: r.attack_success_rate,
        robust_accuracy_ci: wilsonInterval(Math.round(r.robust_accuracy * rows), rows), clean_accuracy: r.clean_accuracy,
        attack_success_rate_ci: wilsonInterval(Math.round(r.attack_success_rate * Math.round(r.clean_accuracy * rows)), Math.round(r.clean_accuracy * rows)),
        space: 'quantum', norm: NORM[r.name] ?? 'radians', rows, details: r.details, seconds,
      });
      if (attacks.includes('encoding') && det.model.type !== 'hybrid') {
        // The encoding angles are the model's inputs: perturb them directly, bypassing preprocessing.
        for (const eps of cfg.angleEps) {
          const cached = reuse(ctx, me.name, 'encoding', eps);
          if (cached) { me.attacks.push(cached); continue; }
          const r = runAttack(evasionAttack('pgd'), new InputTarget(det.model), Z.data, y, Z.rows, threatModel({ epsilon: eps, steps: cfg.steps, norm: 'linf' }), cfg.seed);
          me.attacks.push({ ...entryOf(ctx, r, Z.rows, 'encoding'), threat: 'quantum', space: 'encoding angles', norm: 'linf (radians)' });
        }
      }
      if (det.model instanceof VariationalClassifier || det.model instanceof HybridNetwork) {
        const small = { data: Z.data.slice(0, Math.min(Z.rows, 40) * Z.cols), rows: Math.min(Z.rows, 40), cols: Z.cols };
        const ys = y.subarray(0, small.rows);
        const jobs: Array<[string, number, () => QuantumAttackResult, number]> = [
          ['param-tamper', 0.1, () => parameterTampering(det.model, Z, y, 0.1, 'worst', cfg.seed), Z.rows],
          ['param-random', 0.1, () => parameterTampering(det.model, Z, y, 0.1, 'random', cfg.seed), Z.rows],
          ['readout', 0.1, () => readoutManipulation(det.model, Z, y, 0.1), Z.rows],
          ['interception', 0.9, () => stateInterception(det.model, Z, y, 0.9, cfg.seed, cfg.quick ? 8 : 20), Z.rows],
          ['noise-injection', 0.2, () => noiseInjection(det.model, small, ys, 0.2, 2), small.rows],
        ];
        for (const [name, budget, f, rows] of jobs) {
          if (!attacks.includes(name)) continue;
          const cached = reuse(ctx, me.name, name, budget);
          if (cached) { me.attacks.push(cached); continue; }
          ctx.log(`  ${me.name}: ${name} ...`);
          const ts = performance.now();
          const r = f();
          me.attacks.push(q(r, rows, (performance.now() - ts) / 1000));
          await ctx.checkpoint();
        }
      }
    }
  },
};
