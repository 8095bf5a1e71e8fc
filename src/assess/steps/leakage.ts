/**
 * What a state in transit leaks: per encoding (angle, dense, IQP, ZZ, amplitude, re-uploading),
 * the optimal probability that an eavesdropper intercepting one encoded training record guesses
 * its class (Helstrom for two classes, the pretty-good measurement for more), noiseless and after
 * the NISQ base noise on the encoding gates, beside the guessing baseline (src/attacks/leakage.ts).
 */
import { taskResult, timeTask, type AssessStep } from '../state.js';
import type { AssessTask } from '../tasks.js';

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
  async run(ctx) {
    const t: AssessTask = { kind: 'leakage' };
    const r = await taskResult(ctx, 'leakage', t);
    timeTask(ctx, t, r);
    ctx.record.leakage = r.leakage!;
  },
};
