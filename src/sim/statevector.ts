/**
 * The statevector backend's state: 2^n complex amplitudes in one Float64Array
 * (bit order and layout in kernels.ts).
 *
 * @example
 * import { Statevector, CircuitBuilder, compile, runProgram } from 'qml6g';
 * const prog = compile(new CircuitBuilder(2).h(0).cx(0, 1).build());
 * const sv = Statevector.zero(2);
 * runProgram(prog, sv);
 * sv.probabilities(); // Float64Array [0.5, 0, 0, 0.5]
 */
import { QmlError } from '../core/errors.js';
import { Rng } from '../core/rng.js';
import { ApplyScratch, applyGateMatrix } from './apply.js';
import { checkStateMemory } from './memory.js';
import { compileObservable, expectationSV, type Observable } from './observable.js';
import { applyDense, marginalOf, normSquared, probabilitiesInto, reducedDensity } from './kernels.js';
import type { GateInstr } from './program.js';
import type { NoiseStep } from './noise.js';
import type { ThreadTeam } from './parallel.js';
import { allocAmplitudes } from './simd.js';

export class Statevector {
  readonly n: number;
  readonly data: Float64Array;
  /** When set (and ready for this state), large one-qubit gates are split across its threads. */
  team: ThreadTeam | null = null;

  constructor(n: number, data?: Float64Array) {
    if (!Number.isInteger(n) || n < 1) throw new QmlError(`qubit count must be a positive integer, got ${n}`);
    if (!data) checkStateMemory(2 ** n, `a ${n}-qubit statevector`);
    this.n = n;
    // In the SIMD kernels' memory when they run (simd.ts), else an ordinary array.
    this.data = data ?? allocAmplitudes(2 * 2 ** n);
    if (this.data.length !== 2 * 2 ** n) throw new QmlError(`a ${n}-qubit state needs ${2 * 2 ** n} numbers, got ${this.data.length}`);
    if (!data) this.data[0] = 1;
  }

  static zero(n: number): Statevector {
    return new Statevector(n);
  }

  /** From [[re, im], ...] (index = basis state, q[0] least significant); must be normalised. */
  static fromAmplitudes(amps: ArrayLike<[number, number]> | ArrayLike<number>[]): Statevector {
    const N = amps.length, n = Math.round(Math.log2(N));
    if (N < 2 || 2 ** n !== N) throw new QmlError(`a statevector needs 2^n amplitudes, got ${N}`);
    const d = new Float64Array(2 * N);
    for (let i = 0; i < N; i++) { d[2 * i] = Number(amps[i][0]); d[2 * i + 1] = Number(amps[i][1] ?? 0); }
    const sv = new Statevector(n, d);
    if (Math.abs(sv.normSquared() - 1) > 1e-8) throw new QmlError(`statevector is not normalised (norm² = ${sv.normSquared()})`);
    return sv;
  }

  reset(): this {
    this.data.fill(0);
    this.data[0] = 1;
    return this;
  }

  clone(): Statevector {
    return new Statevector(this.n, Float64Array.from(this.data));
  }

  copyFrom(other: Statevector): this {
    this.data.set(other.data);
    return this;
  }

  applyGate(ins: GateInstr, scratch: ApplyScratch): void {
    if (this.team && ins.targets.length === 1 && this.applyParallel(ins.def.shape, ins.targets[0], ins.matrix, ins.cmask)) return;
    applyGateMatrix(this.data, this.n, ins.def.shape, ins.targets, ins.matrix, ins.cmask, scratch);
  }

  /** One-qubit kernels on the team's threads; false when it cannot (small state, not attached). */
  applyParallel(shape: string, q: number, m: Float64Array, cmask: number): boolean {
    const t = this.team!;
    if (shape === 'x') return t.apply(this.data, this.n, 3, q, null, cmask);
    if (shape === 'diag') return t.apply(this.data, this.n, 2, q, m, cmask);
    return t.apply(this.data, this.n, 1, q, m, cmask);
  }

  normSquared(): number {
    return normSquared(this.data);
  }

  scale(c: number): void {
    const d = this.data;
    for (let i = 0; i < d.length; i++) d[i] *= c;
  }

  probabilities(out: Float64Array = new Float64Array(2 ** this.n)): Float64Array {
    probabilitiesInto(this.data, this.n, out);
    return out;
  }

  /** Marginal distribution over `wires` (wires[0] is the least significant bit of the result's index). */
  marginal(wires: number[]): Float64Array {
    return marginalOf(this.probabilities(), this.n, wires);
  }

  /** Probability that `wire` reads 1. */
  probabilityOfOne(wire: number): number {
    const N = 2 ** this.n, bit = 2 ** wire, d = this.data;
    let p = 0;
    for (let i = 0; i < N; i++) if (i & bit) p += d[2 * i] * d[2 * i] + d[2 * i + 1] * d[2 * i + 1];
    return p;
  }

  /** Zeroes the amplitudes where `wire` differs from `outcome` (unnormalised projection). */
  project(wire: number, outcome: 0 | 1): void {
    const N = 2 ** this.n, bit = 2 ** wire, d = this.data;
    for (let i = 0; i < N; i++) if (((i & bit) !== 0 ? 1 : 0) !== outcome) { d[2 * i] = 0; d[2 * i + 1] = 0; }
  }

  expectation(obs: Observable): number {
    return expectationSV(this.data, this.n, compileObservable(obs, this.n));
  }

  /** Returns the amplitudes as [[re, im], ...]. */
  toArray(): [number, number][] {
    const out: [number, number][] = [];
    for (let i = 0; i < this.data.length; i += 2) out.push([this.data[i], this.data[i + 1]]);
    return out;
  }

  /**
   * One quantum-trajectory step: picks Kraus operator K_k with probability ‖K_k ψ‖², applies it
   * and renormalises (Monte Carlo wavefunction). Probabilities come from the reduced density
   * matrix of the channel's wires, so the choice costs one pass over the state.
   */
  applyNoiseTrajectory(step: NoiseStep, rng: Rng, scratch: ApplyScratch, rho: Float64Array): void {
    const k = step.kraus.qubits, D = 1 << k;
    const sc = scratch.forQubits(k);
    reducedDensity(this.data, this.n, step.wires, rho, sc);
    const u = rng.next();
    let acc = 0, chosen = step.kraus.ops.length - 1, pChosen = 0;
    for (let j = 0; j < step.kraus.ops.length; j++) {
      const p = krausWeight(step.kraus.ops[j], rho, D);
      acc += p;
      if (u < acc) { chosen = j; pChosen = p; break; }
      pChosen = p;
    }
    applyDense(this.data, this.n, step.wires, step.kraus.ops[chosen], 0, sc);
    if (pChosen > 0) this.scale(1 / Math.sqrt(pChosen));
  }
}

/** Tr(K ρ K†) for a D x D reduced density matrix. */
function krausWeight(K: Float64Array, rho: Float64Array, D: number): number {
  // Tr(K ρ K†) = Σ_{a,b,c} K[a][b] ρ[b][c] conj(K[a][c])
  let t = 0;
  for (let a = 0; a < D; a++) for (let b = 0; b < D; b++) {
    const kr = K[2 * (a * D + b)], ki = K[2 * (a * D + b) + 1];
    if (kr === 0 && ki === 0) continue;
    for (let c = 0; c < D; c++) {
      const rr = rho[2 * (b * D + c)], ri = rho[2 * (b * D + c) + 1];
      const cr = K[2 * (a * D + c)], ci = -K[2 * (a * D + c) + 1];
      // Re[(kr + i ki)(rr + i ri)(cr + i ci)]
      const xr = kr * rr - ki * ri, xi = kr * ri + ki * rr;
      t += xr * cr - xi * ci;
    }
  }
  return t;
}
