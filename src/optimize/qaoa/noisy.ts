/**
 * Noisy QAOA on the general simulator: the same circuit as the fast path (H on every qubit; per layer
 * the phase e^{iγ f} as RZ/RZZ from the Ising form, global phase dropped, and RX(2β) on every qubit),
 * run with a noise model of src/sim/noise.ts by density matrix (n ≤ 12) or by trajectories beyond,
 * so gate noise lands where hardware would put it (after every RZZ and RX).
 *
 * @example
 * import { noisyQaoa, maxcutProblem, penalized, cycleGraph } from 'qml6g';
 * const q = penalized(maxcutProblem(cycleGraph(6))).qubo;
 * const r = noisyQaoa(q, [0.6], [0.39], { after_2q: [{ channel: 'depolarizing', p: 0.01 }] });
 * r.expectation;   // ⟨f⟩ under noise (closer to the uniform mean than the noiseless value)
 */
import { QmlError } from '../../core/errors.js';
import { CircuitBuilder, type Circuit } from '../../sim/circuit.js';
import type { NoiseModel } from '../../sim/noise.js';
import { simulate, type SimulationMethod } from '../../sim/simulate.js';
import { quboToIsing, quboValues, type Qubo } from '../qubo.js';
import { checkAngles } from './fast.js';

/** The QAOA circuit (x mixer) for the general simulator. */
export function qaoaCircuit(q: Qubo, gammas: ArrayLike<number>, betas: ArrayLike<number>): Circuit {
  checkAngles(gammas, betas);
  const m = quboToIsing(q), b = new CircuitBuilder(q.n);
  for (let i = 0; i < q.n; i++) b.h(i);
  for (let l = 0; l < gammas.length; l++) {
    m.h.forEach((h, i) => { if (h) b.rz(i, -2 * gammas[l] * h); });
    for (const [i, j, w] of m.J) b.rzz(i, j, -2 * gammas[l] * w);
    for (let i = 0; i < q.n; i++) b.rx(i, 2 * betas[l]);
  }
  return b.build();
}

export interface NoisyQaoaResult { expectation: number; probabilityOptimal: number; method: string; standardError: number | null }

export function noisyQaoa(q: Qubo, gammas: ArrayLike<number>, betas: ArrayLike<number>, noise: NoiseModel, o: { method?: SimulationMethod; trajectories?: number; seed?: number } = {}): NoisyQaoaResult {
  if (q.n > 24) throw new QmlError(`noisy QAOA on ${q.n} qubits is beyond the trajectory simulator here (24 qubits)`);
  const r = simulate(qaoaCircuit(q, gammas, betas), { noise, method: o.method ?? 'auto', trajectories: o.trajectories ?? 200, seed: o.seed ?? 0 });
  const v = quboValues(q);
  let min = Infinity;
  for (const x of v) if (x < min) min = x;
  let e = 0, pOpt = 0, varE = 0;
  for (let x = 0; x < v.length; x++) {
    e += r.probabilities[x] * v[x];
    if (v[x] <= min + 1e-9 * Math.max(1, Math.abs(min))) pOpt += r.probabilities[x];
    if (r.standardError) varE += (r.standardError[x] * v[x]) ** 2;
  }
  return { expectation: e, probabilityOptimal: pOpt, method: r.method, standardError: r.standardError ? Math.sqrt(varE) : null };
}
