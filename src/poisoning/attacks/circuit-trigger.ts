/**
 * Circuit-level backdoor: the trigger is an extra rotation inserted right after the encoding on a
 * few qubits (an attacker with access to the encoding stage or the compiler adds it). For an angle
 * encoding on axis A, an extra R_A(φ) on wire q after R_A(x_q) is exactly the parameter offset
 * x_q + φ, so poisoned training rows carry the offset and are relabelled to the target class; at
 * test time the same offset activates the target. (circuit-trigger.test.ts checks the identity
 * against a circuit with the gate actually inserted.)
 */
import { QmlError } from '../../core/errors.js';
import { rowsOf, type RowMatrix } from '../../sim/batch.js';
import { predict, type Model } from '../../qml/model.js';
import type { ModelSpec } from '../../qml/models/registry.js';
import { checkRate, otherClassRows, pickPoisonRows } from '../primitives.js';
import type { TrainingAttack } from '../threat.js';

export interface CircuitTriggerSpec { wires: number[]; angle: number }

/**
 * A stealthy trigger for this victim: among quarter and half turns on one or two qubits, the one
 * the clean model already answers with the target least often (on the attacker's own rows of other
 * classes). A big rotation of an informative qubit is an evasion attack, not a backdoor: the point
 * of a backdoor is that only the poisoned model reacts to it.
 */
export function chooseCircuitTrigger(model: Model, X: RowMatrix, y: Int32Array, target: number): CircuitTriggerSpec {
  const rows = otherClassRows(y, target);
  const sub = rowsOf(X, rows), all = rows.map((_, k) => k), q = X.cols;
  const candidates: CircuitTriggerSpec[] = [];
  for (const angle of [Math.PI / 2, Math.PI]) {
    for (let a = 0; a < q; a++) {
      candidates.push({ wires: [a], angle });
      if (a + 1 < q) candidates.push({ wires: [a, a + 1], angle });
    }
  }
  let best = candidates[0], bestRate = Infinity;
  for (const c of candidates) {
    const p = predict(model, applyCircuitTrigger(sub, all, c));
    let hit = 0;
    for (const v of p) if (v === target) hit++;
    // Prefer two-qubit triggers on ties: a wider trigger is easier to plant.
    const rate = hit / p.length - (c.wires.length === 2 ? 1e-9 : 0);
    if (rate < bestRate) { bestRate = rate; best = c; }
  }
  return best;
}

export function circuitTriggerApplies(spec: ModelSpec): boolean {
  const e = spec.encoding ?? 'angle-y';
  return (spec.type === 'vqc' || spec.type === 'reupload' || spec.type === 'qsvm') && e.startsWith('angle-');
}

/** Rows `idx` of X with the trigger's offsets added (a copy). */
export function applyCircuitTrigger(X: RowMatrix, idx: ArrayLike<number>, t: CircuitTriggerSpec): RowMatrix {
  for (const w of t.wires) if (!Number.isInteger(w) || w < 0 || w >= X.cols) throw new QmlError(`trigger wire ${w} is not a qubit of this ${X.cols}-qubit encoding`, 'trigger.wires');
  if (!Number.isFinite(t.angle)) throw new QmlError(`trigger angle must be finite, got ${t.angle}`, 'trigger.angle');
  const out = { data: Float64Array.from(X.data), rows: X.rows, cols: X.cols };
  for (let k = 0; k < idx.length; k++) for (const w of t.wires) out.data[idx[k] * X.cols + w] += t.angle;
  return out;
}

export function circuitTriggerAttack(given?: CircuitTriggerSpec): TrainingAttack {
  return {
    name: 'circuit-trigger',
    goal: 'backdoor',
    appliesTo: circuitTriggerApplies,
    poison(ctx) {
      checkRate(ctx.rate);
      if (!circuitTriggerApplies(ctx.spec)) throw new QmlError(`a circuit trigger needs a vqc, reupload or qsvm with an angle encoding, not ${ctx.spec.type}${ctx.spec.encoding ? ` (${ctx.spec.encoding})` : ''}`, '--model');
      const X = ctx.clean.inputs(ctx.train.table), y = ctx.train.labels;
      const trigger = given ?? chooseCircuitTrigger(ctx.clean.model, X, y, ctx.target);
      const idx = pickPoisonRows(y, ctx.target, ctx.rate, ctx.seed);
      const yp = Int32Array.from(y);
      for (const i of idx) yp[i] = ctx.target;
      const axis = (ctx.spec.encoding ?? 'angle-y').slice(-1);
      return {
        goal: this.goal, inputs: { X: applyCircuitTrigger(X, idx, trigger), y: yp }, poisoned: idx,
        activate: (victim, test) => {
          const rows = otherClassRows(victim.labelsFor(test), ctx.target);
          return { X: applyCircuitTrigger(rowsOf(victim.inputs(test.table), rows), rows.map((_, k) => k), trigger), rows };
        },
        config: { rate: ctx.rate, seed: ctx.seed, target: ctx.train.classes[ctx.target], gate: `r${axis}`, wires: trigger.wires, angle: trigger.angle },
      };
    },
  };
}
