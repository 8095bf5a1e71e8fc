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
import { ascend, projectRows, randomStart, rowLosses } from './steps.js';
import { gatherRows, marginGradient, repairRows, stableCeAscent } from '../constrained.js';

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
    const all = Array.from({ length: rows }, (_, r) => r);
    // With early stop, the rows whose best valid record is already misclassified drop out (their
    // success is settled); the others are gathered into a compact batch for each step.
    const liveRows = (): number[] => (threat.earlyStop ? all.filter((r) => !bestWrong[r]) : all);
    for (let restart = 0; restart < threat.restarts; restart++) {
      let live = liveRows();
      if (!live.length) break;
      let n = live.length, idx: number[] | undefined = n === rows ? undefined : live;
      const X0l = n === rows ? X0 : gatherRows(X0, live, dim);
      // The first run starts at the clean point (so PGD is never weaker than a single gradient step); restarts start at random.
      let X: Float64Array = this.random && threat.randomStart && restart > 0 ? randomStart(X0l, n, dim, target.scale, threat.norm, eps, rng) : Float64Array.from(X0l);
      let Xc0: Float64Array = X0l;
      projectRows(target, X, Xc0, n, threat.norm, eps, 'none', idx);
      let acc: Float64Array = new Float64Array(n * dim);
      for (let s = 0; s < threat.steps; s++) {
        if (threat.earlyStop && s > 0) {
          // Shrink the batch to the rows still not adversarial.
          const keep: number[] = [];
          for (let a = 0; a < n; a++) if (!bestWrong[live[a]]) keep.push(a);
          if (!keep.length) break;
          if (keep.length < n) {
            X = gatherRows(X, keep, dim); Xc0 = gatherRows(Xc0, keep, dim); acc = gatherRows(acc, keep, dim);
            live = keep.map((a) => live[a]); n = live.length; idx = live;
          }
        }
        const yl = n === rows ? y : Int32Array.from(live, (r) => y[r]);
        let g = this.loss === 'margin' ? marginGradient(target, X, n, yl, threat.eot, idx) : stableCeAscent(target, X, n, yl, threat.eot, idx);
        if (this.momentum > 0) {
          for (let r = 0; r < n; r++) {
            let l1 = 0;
            for (let j = 0; j < dim; j++) l1 += Math.abs(g[r * dim + j]);
            for (let j = 0; j < dim; j++) acc[r * dim + j] = this.momentum * acc[r * dim + j] + g[r * dim + j] / (l1 || 1);
          }
          g = acc;
        }
        ascend(X, g, n, dim, target.scale, alpha, threat.norm);
        projectRows(target, X, Xc0, n, threat.norm, eps, 'none', idx);
        for (const r of live) steps[r]++;
        // Keep each row's best iterate (misclassified first, then highest loss), scored as the valid record it rounds to.
        const V = Float64Array.from(X);
        target.constrain(V, Xc0, n, 'toward', idx);
        const p = target.proba(V, n, idx), pred = argmaxRows(p, n, C), loss = this.loss === 'margin' ? marginLoss(p, yl, n, C) : rowLosses(p, yl, n, C);
        for (let a = 0; a < n; a++) {
          const r = live[a];
          const wrong = pred[a] !== y[r] ? 1 : 0;
          if (wrong > bestWrong[r] || (wrong === bestWrong[r] && loss[a] > bestLoss[r])) {
            bestWrong[r] = wrong; bestLoss[r] = loss[a];
            best.set(X.subarray(a * dim, (a + 1) * dim), r * dim);
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
