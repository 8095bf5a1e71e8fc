/**
 * A white-box attack driven by Adam (Kingma & Ba 2015) on the inputs, as in Ren et al. 2022
 * (Nature Computational Science 2, 711-717): maximise the loss for a fixed number of steps with a
 * fixed learning rate, moving only the inputs in `mask` (e.g. the foreground pixels of an image, the
 * attacker-controlled fields of a record), inside the ε-ball when ε is finite.
 */
import type { AttackContext, AttackOutput, EvasionAttack } from '../attack.js';
import { ceAscent, projectRows } from './steps.js';

export class AdamAttack implements EvasionAttack {
  readonly name = 'adam';
  readonly knowledge = 'white-box' as const;
  constructor(readonly lr = 0.01, readonly mask: ((row: number, j: number) => boolean) | null = null, readonly stopWhenFooled = false) {}

  run({ target, X0, y, rows, threat }: AttackContext): AttackOutput {
    const dim = target.dim, X = Float64Array.from(X0);
    const m = new Float64Array(X.length), v = new Float64Array(X.length), steps = new Int32Array(rows);
    const done = new Uint8Array(rows);
    for (let t = 1; t <= threat.steps; t++) {
      const g = ceAscent(target, X, rows, y, threat.eot);
      for (let r = 0; r < rows; r++) {
        if (done[r]) continue;
        steps[r]++;
        for (let j = 0; j < dim; j++) {
          const i = r * dim + j;
          if (this.mask && !this.mask(r, j)) continue;
          m[i] = 0.9 * m[i] + 0.1 * g[i];
          v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i];
          X[i] += (this.lr * (m[i] / (1 - 0.9 ** t))) / (Math.sqrt(v[i] / (1 - 0.999 ** t)) + 1e-8);
        }
      }
      if (Number.isFinite(threat.epsilon)) projectRows(target, X, X0, rows, threat.norm, threat.epsilon);
      if (this.stopWhenFooled) {
        const p = target.proba(X, rows), C = target.numClasses;
        for (let r = 0; r < rows; r++) {
          let b = 0;
          for (let c = 1; c < C; c++) if (p[r * C + c] > p[r * C + b]) b = c;
          if (b !== y[r]) done[r] = 1;
        }
      }
    }
    return { X, steps };
  }
}
