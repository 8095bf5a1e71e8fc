/**
 * Step 6: accuracy against NISQ noise strength for the expectation-value circuit models, with the
 * VQC's error-mitigated accuracy at the base strength.
 */
import { selectRows } from '../../qml/table.js';
import { classificationMetrics } from '../../qml/metrics.js';
import { modelFromJSON } from '../../qml/models/registry.js';
import { VariationalClassifier } from '../../qml/models/vqc.js';
import { HybridNetwork } from '../../qml/models/hybrid.js';
import type { Model } from '../../qml/model.js';
import { mitigatedExpectations } from '../../defenses/mitigated-layer.js';
import { nisqNoise } from '../noise.js';
import { evasionOn, type AssessStep } from '../state.js';

export const noiseStep: AssessStep = {
  name: 'noise',
  skip: (ctx) => !evasionOn(ctx.state.cfg),
  async run(ctx) {
    const { cfg, attack, detectors } = ctx.state;
    const res = ctx.record;
    for (const me of res.models) {
      const det = detectors.get(me.name)!;
      if (!(det.model instanceof VariationalClassifier || det.model instanceof HybridNetwork)) continue;
      const rows = Math.min(attack.table.rows, cfg.quick ? 10 : 24);
      const sub = selectRows(attack, Array.from({ length: rows }, (_, i) => i));
      for (const s of cfg.noise) {
        const prev = ctx.previous?.noise_sweep.find((x) => x.model === me.name && x.strength === s);
        if (prev) { res.noise_sweep.push(prev); continue; }
        const noisy: Model = s === 0 ? det.model : modelFromJSON({ ...(det.model.toJSON() as object), execution: { noise: nisqNoise(s) } });
        const Zs = det.inputs(sub.table), ys = det.labelsFor(sub);
        const p = noisy.predictProba(Zs);
        // Mitigation on the VQC's read-outs (ZNE on scales 1, 3, 5 with read-out inversion, then the
        // same head), at the base strength only: each row costs three density-matrix runs of
        // circuits up to five times longer.
        let mitigated: number | null = null;
        if (s === 1 && det.model instanceof VariationalClassifier && cfg.mitigate) {
          const m = det.model, P = m.layer.numParams, C = det.classes.length;
          const e = mitigatedExpectations(m.layer.built.circuit, m.layer.built.observables, m.params.subarray(0, P), Zs, nisqNoise(s));
          const probs = new Float64Array(Zs.rows * C);
          for (let r = 0; r < Zs.rows; r++) m.head.forward(m.params, P, e, r * m.layer.outputs, probs, r * C);
          mitigated = classificationMetrics(probs, ys, C).accuracy;
        }
        res.noise_sweep.push({ model: me.name, strength: s, accuracy: classificationMetrics(p, ys, det.classes.length).accuracy, mitigated_accuracy: mitigated });
        ctx.progress(`noise ${me.name}`, cfg.noise.indexOf(s) + 1, cfg.noise.length);
      }
      await ctx.checkpoint();
    }
    if (res.models.some((m) => m.name === 'qsvm')) res.notes.push('the NISQ noise sweep covers expectation-value models (vqc, reupload, hybrid): a noisy QSVM keeps one 8-qubit density matrix per support row (1 MiB each), so it is evaluated under noise with qml6g train --model qsvm --noise on a smaller support set');
  },
};
