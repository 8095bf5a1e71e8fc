/**
 * APGD (Croce & Hein 2020): PGD with momentum 0.75 and a step size that halves at checkpoints when
 * progress stalls (too few improving steps since the last checkpoint, or no improvement after the
 * last halving), restarting from the best point. Loss 'ce', or the targeted DLR loss
 * −(z_y − z_t)/(z_π1 − (z_π3 + z_π4)/2) against each row's runner-up class, which needs four or
 * more classes; with fewer the targeted variant uses the log-probability margin to the runner-up.
 */
import type { AttackContext, AttackOutput, EvasionAttack } from '../attack.js';
import { argmaxRows, runnerUp } from '../attack.js';
import { ascend, projectRows, rowLosses } from './steps.js';
import { gatherRows, repairRows, stableCeAscent } from '../constrained.js';

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
    // The rows still attacked (all of them unless early stop drops the settled ones), their clean
    // records and labels; idx names them for the target when they are a subset.
    let live = Array.from({ length: rows }, (_, r) => r);
    let idx: number[] | undefined;
    let X0l: Float64Array = X0, yl = y, tl = tgt;
    const lossAndGrad = (X: Float64Array): { loss: Float64Array; grad: Float64Array; p: Float64Array } => {
      const m = live.length;
      const p = target.proba(X, m, idx);
      const lp = (r: number, c: number) => Math.log(Math.max(p[r * C + c], 1e-300));
      const loss = new Float64Array(m), grad = new Float64Array(m * dim);
      if (this.loss === 'ce') {
        loss.set(rowLosses(p, yl, m, C));
        return { loss, grad: stableCeAscent(target, X, m, yl, threat.eot, idx), p };
      }
      const gy = target.gradLogProb(X, m, yl, threat.eot, idx);
      const gt = target.gradLogProb(X, m, tl, threat.eot, idx);
      if (C >= 4) {
        // Targeted DLR with sorted log-probabilities π1 ≥ π2 ≥ π3 ≥ π4; the denominator is held fixed per step.
        for (let r = 0; r < m; r++) {
          const z = Array.from({ length: C }, (_, c) => lp(r, c)).sort((a, b) => b - a);
          const den = Math.max(z[0] - (z[2] + z[3]) / 2, 1e-12);
          loss[r] = -(lp(r, yl[r]) - lp(r, tl[r])) / den;
          for (let j = 0; j < dim; j++) grad[r * dim + j] = -(gy[r * dim + j] - gt[r * dim + j]) / den;
        }
      } else {
        for (let r = 0; r < m; r++) {
          loss[r] = lp(r, tl[r]) - lp(r, yl[r]);
          for (let j = 0; j < dim; j++) grad[r * dim + j] = gt[r * dim + j] - gy[r * dim + j];
        }
      }
      return { loss, grad, p };
    };
    const marks = checkpoints(n);
    let X: Float64Array = Float64Array.from(X0);
    const eta = new Float64Array(rows).fill((threat.norm === 'linf' ? 2 : 1) * eps);
    let { loss, grad, p }: { loss: Float64Array; grad: Float64Array; p: Float64Array } = lossAndGrad(X);
    const best = Float64Array.from(X), bestLoss = Float64Array.from(loss);
    const reducedLast = new Uint8Array(rows), bestAtLast = Float64Array.from(loss);
    const improved = new Int32Array(rows);
    let prev: Float64Array = Float64Array.from(X), lastMark = 0;
    const steps = new Int32Array(rows);
    const done = new Uint8Array(rows);
    /**
     * Early stop: rows whose current iterate is misclassified are checked as the valid record it
     * rounds to; where that record is misclassified too, it becomes the row's best point and the row
     * leaves the batch (the arrays of the live rows are compacted).
     */
    const settle = (): void => {
      if (!threat.earlyStop) return;
      const m = live.length, predC = argmaxRows(p, m, C);
      const cand: number[] = [];
      for (let a = 0; a < m; a++) if (predC[a] !== yl[a]) cand.push(a);
      if (!cand.length) return;
      const V = gatherRows(X, cand, dim), V0 = gatherRows(X0l, cand, dim), ci = cand.map((a) => live[a]);
      target.constrain(V, V0, cand.length, 'toward', ci);
      const pv = argmaxRows(target.proba(V, cand.length, ci), cand.length, C);
      let any = false;
      cand.forEach((a, k) => {
        const r = live[a];
        if (pv[k] === y[r]) return;
        done[r] = 1; any = true;
        best.set(X.subarray(a * dim, (a + 1) * dim), r * dim);
      });
      if (!any) return;
      const keep: number[] = [];
      for (let a = 0; a < m; a++) if (!done[live[a]]) keep.push(a);
      X = gatherRows(X, keep, dim); prev = gatherRows(prev, keep, dim); grad = gatherRows(grad, keep, dim); X0l = gatherRows(X0l, keep, dim);
      loss = Float64Array.from(keep, (a) => loss[a]); p = gatherRows(p, keep, C);
      live = keep.map((a) => live[a]); idx = live;
      yl = Int32Array.from(live, (r) => y[r]); tl = Int32Array.from(live, (r) => tgt[r]);
    };
    settle();
    for (let k = 0; k < n && live.length; k++) {
      const m = live.length;
      // z = P(x + η ∇); x' = P(x + α(z − x) + (1 − α)(x − x_prev)), α = 0.75 after the first step.
      const Z = Float64Array.from(X);
      for (let a = 0; a < m; a++) {
        const sub = Z.subarray(a * dim, (a + 1) * dim);
        ascend(sub, grad.subarray(a * dim, (a + 1) * dim), 1, dim, target.scale, eta[live[a]], threat.norm);
      }
      projectRows(target, Z, X0l, m, threat.norm, eps, 'none', idx);
      const al = k === 0 ? 1 : 0.75;
      const next = new Float64Array(X.length);
      for (let i = 0; i < X.length; i++) next[i] = X[i] + al * (Z[i] - X[i]) + (1 - al) * (X[i] - prev[i]);
      projectRows(target, next, X0l, m, threat.norm, eps, 'none', idx);
      prev = X; X = next;
      ({ loss, grad, p } = lossAndGrad(X));
      for (let a = 0; a < m; a++) {
        const r = live[a];
        steps[r]++;
        if (loss[a] > bestLoss[r]) { improved[r]++; bestLoss[r] = loss[a]; best.set(X.subarray(a * dim, (a + 1) * dim), r * dim); }
      }
      settle();
      if (marks.has(k + 1) && k + 1 < n && live.length) {
        const span = k + 1 - lastMark;
        for (let a = 0; a < live.length; a++) {
          const r = live[a];
          const stalled = improved[r] < 0.75 * span || (!reducedLast[r] && bestAtLast[r] === bestLoss[r]);
          reducedLast[r] = stalled ? 1 : 0;
          if (stalled) {
            eta[r] /= 2;
            X.set(best.subarray(r * dim, (r + 1) * dim), a * dim);
            prev.set(best.subarray(r * dim, (r + 1) * dim), a * dim);
          }
          improved[r] = 0; bestAtLast[r] = bestLoss[r];
        }
        lastMark = k + 1;
        ({ loss, grad, p } = lossAndGrad(X));
        settle();
      }
    }
    return { X: repairRows(target, best, X0, rows, y, { norm: threat.norm, epsilon: eps, eot: threat.eot }), steps };
  }
}
