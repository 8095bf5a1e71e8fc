/**
 * FGSM (Goodfellow et al. 2015): one step of size ε along the sign (L∞) or direction (L2) of the loss
 * gradient, projected onto the valid records, integer fields repaired so the record stays adversarial.
 */
import type { AttackContext, AttackOutput, EvasionAttack } from '../attack.js';
import { ascend, ceAscent, projectRows } from './steps.js';
import { repairRows } from '../constrained.js';

export class FGSM implements EvasionAttack {
  readonly name = 'fgsm';
  readonly knowledge = 'white-box' as const;
  run({ target, X0, y, rows, threat }: AttackContext): AttackOutput {
    const X = Float64Array.from(X0);
    ascend(X, ceAscent(target, X0, rows, y, threat.eot), rows, target.dim, target.scale, threat.epsilon, threat.norm);
    projectRows(target, X, X0, rows, threat.norm, threat.epsilon);
    return { X: repairRows(target, X, X0, rows, y, { norm: threat.norm, epsilon: threat.epsilon, eot: threat.eot }), steps: new Int32Array(rows).fill(1) };
  }
}
