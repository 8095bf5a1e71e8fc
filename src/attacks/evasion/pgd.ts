/**
 * BIM / PGD (Kurakin et al. 2017; Madry et al. 2018): repeated ascent steps projected back onto the
 * ε-ball; the first run starts at the clean point and every further restart at a random point of
 * the ball (box, rules and fixed fields at every step); each row keeps its most damaging iterate
 * (misclassified first, then highest loss), made a valid record by a rounding search that keeps it
 * adversarial (Simonetto et al. 2022, CPGD). With `momentum` it is MIM (Dong et al. 2018): the step follows an
 * accumulated, L1-normalised gradient.
 */
import type { AttackContext, AttackOutput, EvasionAttack } from '../attack.js';
import { argmaxRows, margins } from '../attack.js';
import { ascend, ceAscent, projectRows, randomStart, rowLosses } from './steps.js';
import { marginGradient, repairRows } from '../constrained.js';

export class PGD implements EvasionAttack {
  readonly knowledge = 'white-box' as const;
  /** `loss` 'margin': ascend the logit margin log p_k − log p_y to the runner-up k (Carlini & Wagner 2017's f6; never saturates). */
  constructor(readonly name = 'pgd', readonly momentum = 0, readonly random = true, readonly loss: 'ce' | 'margin' = 'ce') {}

  run({ target, X0, y, rows, threat, rng }: AttackContext): AttackOutput {
    const dim = target.dim, C = target.numClasses, eps = threat.epsilon;
    const alpha = threat.stepSize ?? (2.5 * eps) / threat.steps;
    const best = Float64Array.from(X0);
    const bestLoss = new Float64Array(rows).fill(-Infinity), bestWrong = new Uint8Array(rows);
    const steps = new Int32Array(rows);
    for (let restart = 0; restart < threat.restarts; restart++) {
      // The first run starts at the clean point (so PGD is never weaker than a single gradient step); restarts start at random.
      const X = this.random && threat.randomStart && restart > 0 ? randomStart(X0, rows, dim, target.scale, threat.norm, eps, rng) : Float64Array.from(X0);
      projectRows(target, X, X0, rows, threat.norm, eps);
      const acc = new Float64Array(rows * dim);
      for (let s = 0; s < threat.steps; s++) {
        let g = this.loss === 'margin' ? marginGradient(target, X, rows, y, threat.eot) : ceAscent(target, X, rows, y, threat.eot);
        if (this.momentum > 0) {
          for (let r = 0; r < rows; r++) {
            let l1 = 0;
            for (let j = 0; j < dim; j++) l1 += Math.abs(g[r * dim + j]);
            for (let j = 0; j < dim; j++) acc[r * dim + j] = this.momentum * acc[r * dim + j] + g[r * dim + j] / (l1 || 1);
          }
          g = acc;
        }
        ascend(X, g, rows, dim, target.scale, alpha, threat.norm);
        projectRows(target, X, X0, rows, threat.norm, eps);
        for (let r = 0; r < rows; r++) steps[r]++;
        // Keep each row's best iterate (misclassified first, then highest loss), scored as the valid record it rounds to.
        const V = Float64Array.from(X);
        target.constrain(V, X0, rows, 'toward');
        const p = target.proba(V, rows), pred = argmaxRows(p, rows, C), loss = this.loss === 'margin' ? marginLoss(p, y, rows, C) : rowLosses(p, y, rows, C);
        for (let r = 0; r < rows; r++) {
          const wrong = pred[r] !== y[r] ? 1 : 0;
          if (wrong > bestWrong[r] || (wrong === bestWrong[r] && loss[r] > bestLoss[r])) {
            bestWrong[r] = wrong; bestLoss[r] = loss[r];
            best.set(X.subarray(r * dim, (r + 1) * dim), r * dim);
          }
        }
      }
    }
    // The best continuous iterates become valid records by a rounding search that keeps them adversarial.
    return { X: repairRows(target, best, X0, rows, y, { norm: threat.norm, epsilon: eps, eot: threat.eot }), steps };
  }
}

/** −(log p_y − max_{k≠y} log p_k): higher is more adversarial. */
function marginLoss(p: Float64Array, y: Int32Array, rows: number, C: number): Float64Array {
  const m = margins(p, y, rows, C);
  for (let r = 0; r < rows; r++) m[r] = -m[r];
  return m;
}
