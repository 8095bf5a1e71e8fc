/**
 * What a state in transit leaks: per encoding (angle, dense, IQP, ZZ, amplitude, re-uploading),
 * the optimal probability that an eavesdropper intercepting one encoded training record guesses
 * its class (Helstrom for two classes, the pretty-good measurement for more), noiseless and after
 * the NISQ base noise on the encoding gates, beside the guessing baseline (src/attacks/leakage.ts).
 */
import { Pipeline } from '../../qml/pipeline.js';
import { encodingCapacity } from '../../qml/circuits.js';
import { encodingLeakage, LEAKAGE_ENCODINGS } from '../../attacks/leakage.js';
import { nisqNoise } from '../noise.js';
import type { AssessStep } from '../state.js';

export interface LeakageEntry {
  encoding: string;
  noise: 'none' | 'nisq';
  qubits: number;
  success: number;
  upper_bound: number;
  guessing: number;
  advantage: number;
  /** The same for shuffled labels: the floor that sampling noise in the class states alone reaches. */
  null_success: number | null;
  measurement: 'helstrom' | 'pgm';
}

export const leakageStep: AssessStep = {
  name: 'leakage',
  restore(ctx) { ctx.record.leakage = ctx.previous?.leakage ?? []; },
  run(ctx) {
    const { cfg, train } = ctx.state;
    // Density matrices of 2^q: a 6-qubit register keeps the eigen-solver to a fraction of a second.
    const q = Math.min(cfg.qubits, cfg.quick ? 4 : 6);
    const out: LeakageEntry[] = [];
    const encodings = LEAKAGE_ENCODINGS;
    encodings.forEach((enc, i) => {
      const cap = enc === 'reupload' ? q : encodingCapacity(enc, q);
      const X = Pipeline.fit(train, { components: cap, range: [0, Math.PI] }).transform(train.table);
      for (const noise of ['none', 'nisq'] as const) {
        const r = encodingLeakage(X, train.labels, train.classes.length, {
          qubits: q, encoding: enc, noise: noise === 'nisq' ? nisqNoise(1) : undefined, maxRowsPerClass: cfg.quick ? 100 : 300, seed: cfg.seed, nullBaseline: noise === 'none',
        });
        out.push({ encoding: enc, noise, qubits: q, success: r.success, upper_bound: r.upperBound, guessing: r.guessing, advantage: r.advantage, null_success: r.nullSuccess, measurement: r.measurement });
      }
      ctx.progress('leakage', i + 1, encodings.length);
    });
    ctx.record.leakage = out;
  },
};
