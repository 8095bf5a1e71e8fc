/**
 * APGD (Croce & Hein 2020): PGD with momentum 0.75 and a step size that halves at checkpoints when
 * progress stalls (too few improving steps since the last checkpoint, or no improvement after the
 * last halving), restarting from the best point. Loss 'ce', or the targeted DLR loss
 * −(z_y − z_t)/(z_π1 − (z_π3 + z_π4)/2) against each row's runner-up class, which needs four or
 * more classes; with fewer the targeted variant uses the log-probability margin to the runner-up.
 */
import type { AttackContext, AttackOutput, EvasionAttack } from '../attack.js';
import { runnerUp } from '../attack.js';
import { ascend, projectRows, rowLosses } from './steps.js';
import { repairRows, stableCeAscent } from '../constrained.js';

function checkpoints(n: number): Set<number> {
  const p = [0, 0.22];
  while (p[p.length - 1] < 1) p.push(p[p.length - 1] + Math.max(p[p.length - 1] - p[p.length - 2] - 0.03, 0.06));
  return new Set(p.map((v) => Math.ceil(v * n)));
}

export class APGD implements EvasionAttack {
  readonly knowledge = 'white-box' as const;
  constructor(readonly name: 'apgd-ce' | 'apgd-dlr', readonly loss: 'ce' | 'dlr-targeted') {}

  run({ target, X0, y, rows, threat }: AttackContext): AttackOutput {
    const dim = target.dim, C = target.numClasses, eps = threat.epsilon, n = Math.max(threat.steps, 5);
    const p0 = target.proba(X0, rows);
    const tgt = runnerUp(p0, y, rows, C);
    const lossAndGrad = (X: Float64Array): { loss: Float64Array; grad: Float64Array } => {
      const p = target.proba(X, rows);
      const lp = (r: number, c: number) => Math.log(Math.max(p[r * C + c], 1e-300));
      const loss = new Float64Array(rows), grad = new Float64Array(rows * dim);
      if (this.loss === 'ce') {
        loss.set(rowLosses(p, y, rows, C));
        return { loss, grad: stableCeAscent(target, X, rows, y, threat.eot) };
      }
      const gy = target.gradLogProb(X, rows, y, threat.eot);
      const gt = target.gradLogProb(X, rows, tgt, threat.eot);
      if (C >= 4) {
        // Targeted DLR with sorted log-probabilities π1 ≥ π2 ≥ π3 ≥ π4; the denominator is held fixed per step.
        for (let r = 0; r < rows; r++) {
          const z = Array.from({ length: C }, (_, c) => lp(r, c)).sort((a, b) => b - a);
          const den = Math.max(z[0] - (z[2] + z[3]) / 2, 1e-12);
          loss[r] = -(lp(r, y[r]) - lp(r, tgt[r])) / den;
          for (let j = 0; j < dim; j++) grad[r * dim + j] = -(gy[r * dim + j] - gt[r * dim + j]) / den;
        }
      } else {
        for (let r = 0; r < rows; r++) {
          loss[r] = lp(r, tgt[r]) - lp(r, y[r]);
          for (let j = 0; j < dim; j++) grad[r * dim + j] = gt[r * dim + j] - gy[r * dim + j];
        }
      }
      return { loss, grad };
    };
    const marks = checkpoints(n);
    let X = Float64Array.from(X0);
    const eta = new Float64Array(rows).fill((threat.norm === 'linf' ? 2 : 1) * eps);
    let { loss, grad } = lossAndGrad(X);
    const best = Float64Array.from(X), bestLoss = Float64Array.from(loss);
    const reducedLast = new Uint8Array(rows), bestAtLast = Float64Array.from(loss);
    const improved = new Int32Array(rows);
    let prev = Float64Array.from(X), lastMark = 0;
    const steps = new Int32Array(rows);
    for (let k = 0; k < n; k++) {
      // z = P(x + η ∇); x' = P(x + α(z − x) + (1 − α)(x − x_prev)), α = 0.75 after the first step.
      const Z = Float64Array.from(X);
      for (let r = 0; r < rows; r++) {
        const sub = Z.subarray(r * dim, (r + 1) * dim);
        ascend(sub, grad.subarray(r * dim, (r + 1) * dim), 1, dim, target.scale, eta[r], threat.norm);
      }
      projectRows(target, Z, X0, rows, threat.norm, eps);
      const a = k === 0 ? 1 : 0.75;
      const next = new Float64Array(X.length);
      for (let i = 0; i < X.length; i++) next[i] = X[i] + a * (Z[i] - X[i]) + (1 - a) * (X[i] - prev[i]);
      projectRows(target, next, X0, rows, threat.norm, eps);
      prev = X; X = next;
      ({ loss, grad } = lossAndGrad(X));
      for (let r = 0; r < rows; r++) {
        steps[r]++;
        if (loss[r] > bestLoss[r]) { improved[r]++; bestLoss[r] = loss[r]; best.set(X.subarray(r * dim, (r + 1) * dim), r * dim); }
      }
      if (marks.has(k + 1) && k + 1 < n) {
        const span = k + 1 - lastMark;
        for (let r = 0; r < rows; r++) {
          const stalled = improved[r] < 0.75 * span || (!reducedLast[r] && bestAtLast[r] === bestLoss[r]);
          reducedLast[r] = stalled ? 1 : 0;
          if (stalled) {
            eta[r] /= 2;
            X.set(best.subarray(r * dim, (r + 1) * dim), r * dim);
            prev.set(best.subarray(r * dim, (r + 1) * dim), r * dim);
          }
          improved[r] = 0; bestAtLast[r] = bestLoss[r];
        }
        lastMark = k + 1;
        ({ loss, grad } = lossAndGrad(X));
      }
    }
    return { X: repairRows(target, best, X0, rows, y, { norm: threat.norm, epsilon: eps, eot: threat.eot }), steps };
  }
}
