/**
 * A quantum model on devices narrower than its circuit: the circuit is cut once (fewest cuts,
 * src/sim/cutting) and every row's read-out expectations are reconstructed from the fragments —
 * exactly, or from `shots` QPD samples per Pauli term (each sample runs every fragment once).
 * Exact reconstruction equals the uncut values, so models keep their predictions; with shots the
 * sampling overhead Π γ² is the price, and the accuracy cost is measured (npm run bench -- cutting).
 *
 * @example
 * import { VariationalClassifier } from 'qml6g';
 * const m = VariationalClassifier.create({ qubits: 8, encoding: 'angle-y', ansatz: 'hea-ring', layers: 1 }, 8, 2,
 *   { seed: 1, execution: { device: { qubits: 4 } } });
 * m.layer.cut?.plan.fragments.length;   // 2 fragments of 4 qubits
 */
import { QmlError } from '../core/errors.js';
import { Rng } from '../core/rng.js';
import type { Circuit } from '../sim/circuit.js';
import type { Observable } from '../sim/observable.js';
import { planCuts, type CutPlan } from '../sim/cutting/fragments.js';
import { CutEvaluator } from '../sim/cutting/reconstruct.js';
import type { Execution } from './model.js';

export class CutForward {
  readonly plan: CutPlan;
  private readonly ev: CutEvaluator;
  private readonly rng: Rng;
  /** Fragment executions spent so far (shots only). */
  shotsUsed = 0;

  constructor(circuit: Circuit, observables: Observable[], readonly execution: Execution) {
    const d = execution.device!;
    if (!Number.isInteger(d.qubits) || d.qubits < 1) throw new QmlError(`the device width must be a positive integer, got ${d.qubits}`, 'device.qubits');
    this.plan = planCuts(circuit, { maxQubits: d.qubits, kinds: d.kinds, maxOverhead: d.maxOverhead, seed: execution.seed });
    this.ev = new CutEvaluator(this.plan, observables, { noise: d.noise ?? execution.noise });
    this.rng = new Rng(execution.seed ?? 0);
  }

  /** True when the execution asks for devices narrower than `width` qubits. */
  static needed(execution: Execution | undefined, width: number): boolean {
    return !!execution?.device && execution.device.qubits < width;
  }

  get exact(): boolean {
    return !this.execution.shots && !this.execution.noise && !this.execution.device?.noise;
  }

  /** The read-out expectations for one binding. */
  values(params: ArrayLike<number>, inputs: ArrayLike<number>, out: Float64Array): Float64Array {
    if (!this.execution.shots) return this.ev.values(params, inputs, out);
    const r = this.ev.sample(params, inputs, { shots: this.execution.shots, seed: this.rng.nextU32() });
    this.shotsUsed += r.shotsUsed;
    out.set(r.values);
    return out;
  }
}
