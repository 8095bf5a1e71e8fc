/**
 * A quantum model on devices narrower than its circuit: the circuit is cut once (fewest cuts,
 * src/sim/cutting) and every row's read-out expectations are reconstructed from the fragments —
 * exactly, or from `shots` QPD samples per Pauli term (each sample runs every fragment once).
 * Exact reconstruction equals the uncut values, so models keep their predictions; with shots the
 * sampling overhead Π γ² is the price, and the accuracy cost is measured (npm run bench -- cutting).
 * Gradients go through the fragments too: the two-term shift rule (Mitarai et al. 2018; Schuld et
 * al. 2019) on every parameter that drives one uncontrolled rotation or phase gate, each shifted
 * value reconstructed from the cut circuit — exact in the exact case, unbiased with shots.
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
import { resolveGate } from '../sim/gates.js';
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

  constructor(readonly circuit: Circuit, observables: Observable[], readonly execution: Execution) {
    const d = execution.device!;
    if (!Number.isInteger(d.qubits) || d.qubits < 1) throw new QmlError(`the device width must be a positive integer, got ${d.qubits}`, 'device.qubits');
    this.plan = planCuts(circuit, { maxQubits: d.qubits, kinds: d.kinds, maxOverhead: d.maxOverhead, seed: execution.seed });
    this.ev = new CutEvaluator(this.plan, observables, { noise: d.noise ?? execution.noise });
    this.rng = new Rng(execution.seed ?? 0);
  }

  /** Reconstructions run (forward values and shifted values), the work a device would do. */
  evaluations = 0;
  private shifts: { params: Map<number, number>; inputs: Map<number, number>; bad: Map<string, string> } | null = null;

  /** True when the execution asks for devices narrower than `width` qubits. */
  static needed(execution: Execution | undefined, width: number): boolean {
    return !!execution?.device && execution.device.qubits < width;
  }

  get exact(): boolean {
    return !this.execution.shots && !this.execution.noise && !this.execution.device?.noise;
  }

  /** The exact reconstruction even when the execution has shots (expected values, for gradients of expectations). */
  exactValues(params: ArrayLike<number>, inputs: ArrayLike<number>, out: Float64Array): Float64Array {
    this.evaluations++;
    return this.ev.values(params, inputs, out);
  }

  /** The read-out expectations for one binding. */
  values(params: ArrayLike<number>, inputs: ArrayLike<number>, out: Float64Array): Float64Array {
    this.evaluations++;
    if (!this.execution.shots) return this.ev.values(params, inputs, out);
    const r = this.ev.sample(params, inputs, { shots: this.execution.shots, seed: this.rng.nextU32() });
    this.shotsUsed += r.shotsUsed;
    out.set(r.values);
    return out;
  }

  /** Which parameters and inputs the two-term shift rule can differentiate, with their angle coefficient. */
  private shiftMap(): NonNullable<CutForward['shifts']> {
    if (this.shifts) return this.shifts;
    const params = new Map<number, number>(), inputs = new Map<number, number>(), bad = new Map<string, string>();
    const seen = new Map<string, number>();
    this.circuit.ops.forEach((op, i) => {
      if (op.kind !== 'gate' || !op.params) return;
      const r = resolveGate(op.gate);
      op.params.forEach((a, slot) => {
        if (typeof a === 'number') return;
        for (const t of a.terms) {
          const key = `${t.src}:${t.index}`;
          seen.set(key, (seen.get(key) ?? 0) + 1);
          const spec = r?.def.spectrum[slot];
          const ok = !!r && r.aliasControls === 0 && !op.controls?.length && (spec === 'half' || spec === 'unit') && t.times === undefined && t.coef !== 0;
          if (!ok) bad.set(key, `op ${i} (${op.gate}) is not an uncontrolled rotation of it`);
          (t.src === 'param' ? params : inputs).set(t.index, t.coef);
        }
      });
    });
    for (const [key, n] of seen) if (n > 1) bad.set(key, `it drives ${n} gates`);
    this.shifts = { params, inputs, bad };
    return this.shifts;
  }

  /**
   * Accumulates ∂(Σ_i g_i ⟨O_i⟩)/∂θ into dparams and ∂/∂x into dx (either may be null) by shifting
   * each parameter's gate angle by ±π/2 and reconstructing both values from the fragments.
   */
  shiftGradient(params: ArrayLike<number>, x: ArrayLike<number>, g: ArrayLike<number>, dparams: Float64Array | null, dx: Float64Array | null): void {
    const { params: pm, inputs: im, bad } = this.shiftMap();
    const m = g.length, plus = new Float64Array(m), minus = new Float64Array(m);
    const p = Float64Array.from(params), xi = Float64Array.from(x);
    const one = (vec: Float64Array, k: number, coef: number, src: string): number => {
      const why = bad.get(`${src}:${k}`);
      if (why) throw new QmlError(`the shift rule through cut fragments needs each ${src === 'param' ? 'parameter' : 'input'} to drive one uncontrolled rotation, but ${src} ${k}: ${why} (choose a hea or strongly-entangling ansatz with an angle or dense encoding)`, 'device');
      const d = Math.PI / (2 * coef), v = vec[k];
      vec[k] = v + d; this.values(p, xi, plus);
      vec[k] = v - d; this.values(p, xi, minus);
      vec[k] = v;
      let s = 0;
      for (let i = 0; i < m; i++) s += g[i] * (plus[i] - minus[i]);
      return (coef * s) / 2;
    };
    if (dparams) for (const [k, c] of pm) if (k < dparams.length) dparams[k] += one(p, k, c, 'param');
    if (dx) for (const [k, c] of im) if (k < dx.length) dx[k] += one(xi, k, c, 'input');
  }
}
