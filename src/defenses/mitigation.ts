/**
 * Quantum error mitigation (as defences against NISQ noise):
 * - zero-noise extrapolation (Temme et al. 2017; Giurgica-Tiron et al. 2020): scale the noise by
 *   unitary folding, global (U → U (U†U)^n L†L with L the last gates) or local (each gate
 *   G → G (G†G)^n, plus one more fold for the first gates), then extrapolate to zero noise
 *   (Richardson, linear, polynomial or exponential fits);
 * - read-out error mitigation: invert each qubit's confusion matrix (tensored) and project the
 *   result back onto the probability simplex;
 * - probabilistic error cancellation (Temme et al. 2017; Endo et al. 2018) for Pauli noise: the
 *   inverse of each depolarising channel as a quasi-probability mix of Pauli corrections, sampled
 *   (seeded), with the estimator rescaled by the total cost γ.
 *
 * @example
 * import { foldGlobal, extrapolate } from 'qml6g';
 * extrapolate([1, 2, 3], [0.904382, 0.817907, 0.7397], { kind: 'richardson' }); // ≈ 0.999126
 */
import { QmlError, isFiniteNumber } from '../core/errors.js';
import { Rng } from '../core/rng.js';
import type { Circuit, GateOp, Operation } from '../sim/circuit.js';
import { inverse } from '../sim/inverse.js';
import type { NoiseModel, ReadoutError } from '../sim/noise.js';
import { resolveGate } from '../sim/gates.js';
import { unitaryOf } from '../sim/qasm.js';

export type Extrapolation =
  | { kind: 'richardson' }
  | { kind: 'linear' }
  | { kind: 'polynomial'; order: number }
  | { kind: 'exponential'; asymptote?: number };

function gates(c: Circuit): { body: GateOp[]; tail: Operation[] } {
  const body: GateOp[] = [], tail: Operation[] = [];
  for (const op of c.ops) {
    if (op.kind === 'gate') {
      if (tail.some((t) => t.kind === 'measure')) throw new QmlError('folding needs every measurement at the end of the circuit');
      body.push(op);
    } else if (op.kind === 'measure') tail.push(op);
    else if (op.kind === 'reset') throw new QmlError('folding needs a circuit without reset');
  }
  return { body, tail };
}

function checkScale(scale: number): void {
  if (!isFiniteNumber(scale) || scale < 1) throw new QmlError(`a noise scale factor must be a number ≥ 1, got ${scale}`, 'scale');
}

const inv = (ops: GateOp[], c: Circuit): Operation[] => inverse({ ...c, ops }).ops;

/** λ = 1 + 2n + 2s/d: n whole folds and s extra single-gate folds over the d gates. */
function foldPlan(c: Circuit, scale: number): { body: GateOp[]; tail: Operation[]; d: number; n: number; s: number } {
  checkScale(scale);
  const { body, tail } = gates(c);
  const d = body.length, n = Math.floor((scale - 1) / 2);
  return { body, tail, d, n, s: Math.round(((scale - 1) / 2 - n) * d) };
}

/** Global folding to (as close as the gate count allows) `scale`; returns the circuit and the achieved scale. */
export function foldGlobal(c: Circuit, scale: number): { circuit: Circuit; scale: number } {
  const { body, tail, d, n, s } = foldPlan(c, scale);
  if (!d) return { circuit: c, scale: 1 };
  const ops: Operation[] = [...body];
  const uInv = inv(body, c);
  for (let k = 0; k < n; k++) ops.push(...uInv, ...body);
  if (s > 0) { const last = body.slice(d - s); ops.push(...inv(last, c), ...last); }
  ops.push(...tail);
  return { circuit: { ...c, ops }, scale: (d + 2 * n * d + 2 * s) / d };
}

/** Local folding: every gate folded n times, the first s gates once more (from the left, or at random with a seed). */
export function foldLocal(c: Circuit, scale: number, opts: { order?: 'left' | 'random'; seed?: number } = {}): { circuit: Circuit; scale: number } {
  const { body, tail, d, n, s } = foldPlan(c, scale);
  if (!d) return { circuit: c, scale: 1 };
  const extra = new Set<number>();
  if (opts.order === 'random') {
    const rng = new Rng(opts.seed ?? 0);
    const idx = Array.from({ length: d }, (_, i) => i);
    rng.shuffle(idx);
    for (let i = 0; i < s; i++) extra.add(idx[i]);
  } else for (let i = 0; i < s; i++) extra.add(i);
  const ops: Operation[] = [];
  body.forEach((g, i) => {
    ops.push(g);
    const gi = inv([g], c);
    for (let k = 0; k < n + (extra.has(i) ? 1 : 0); k++) ops.push(...gi, g);
  });
  ops.push(...tail);
  return { circuit: { ...c, ops }, scale: 1 + 2 * n + (2 * s) / d };
}

/** Least-squares polynomial fit of the given degree; returns the value at 0 (the intercept). */
function polyIntercept(x: number[], y: number[], degree: number): number {
  const m = degree + 1;
  const A = new Float64Array(m * m), b = new Float64Array(m);
  for (let i = 0; i < x.length; i++) {
    for (let r = 0; r < m; r++) {
      b[r] += y[i] * x[i] ** r;
      for (let c = 0; c < m; c++) A[r * m + c] += x[i] ** (r + c);
    }
  }
  // Gaussian elimination with partial pivoting.
  for (let c = 0; c < m; c++) {
    let p = c;
    for (let r = c + 1; r < m; r++) if (Math.abs(A[r * m + c]) > Math.abs(A[p * m + c])) p = r;
    for (let k = 0; k < m; k++) { const t = A[c * m + k]; A[c * m + k] = A[p * m + k]; A[p * m + k] = t; }
    const t = b[c]; b[c] = b[p]; b[p] = t;
    if (Math.abs(A[c * m + c]) < 1e-300) throw new QmlError('the scale factors do not determine the fit (repeated scales?)', 'scales');
    for (let r = c + 1; r < m; r++) {
      const f = A[r * m + c] / A[c * m + c];
      for (let k = c; k < m; k++) A[r * m + k] -= f * A[c * m + k];
      b[r] -= f * b[c];
    }
  }
  const coef = new Float64Array(m);
  for (let r = m - 1; r >= 0; r--) {
    let v = b[r];
    for (let k = r + 1; k < m; k++) v -= A[r * m + k] * coef[k];
    coef[r] = v / A[r * m + r];
  }
  return coef[0];
}

/** Richardson weights w_i = Π_{j≠i} λ_j / (λ_j − λ_i), so that Σ w_i E(λ_i) cancels the first k−1 noise orders. */
export function richardsonWeights(scales: number[]): number[] {
  return scales.map((li, i) => scales.reduce((w, lj, j) => (j === i ? w : (w * lj) / (lj - li)), 1));
}

/** Extrapolates measured values at noise scales to scale 0. */
export function extrapolate(scales: number[], values: number[], method: Extrapolation): number {
  if (scales.length !== values.length) throw new QmlError(`${scales.length} scale factors but ${values.length} values`, 'values');
  if (scales.length < 2) throw new QmlError('extrapolation needs at least two scale factors', 'scales');
  for (const s of scales) checkScale(s);
  if (new Set(scales).size !== scales.length) throw new QmlError('scale factors must be distinct', 'scales');
  for (const v of values) if (!isFiniteNumber(v)) throw new QmlError(`a measured value is ${v}`, 'values');
  switch (method.kind) {
    case 'richardson': {
      const w = richardsonWeights(scales);
      return w.reduce((a, wi, i) => a + wi * values[i], 0);
    }
    case 'linear': return polyIntercept(scales, values, 1);
    case 'polynomial': {
      const o = method.order;
      if (!Number.isInteger(o) || o < 1) throw new QmlError(`polynomial order must be a positive integer, got ${o}`, 'order');
      if (scales.length < o + 1) throw new QmlError(`a polynomial of order ${o} needs at least ${o + 1} scale factors, got ${scales.length}`, 'scales');
      return polyIntercept(scales, values, o);
    }
    case 'exponential': {
      // E(λ) = a + b·e^{−cλ} with known asymptote a: a straight line in log |E − a|.
      const a = method.asymptote ?? 0;
      const shifted = values.map((v) => v - a);
      const sign = Math.sign(shifted[0]);
      if (sign === 0 || shifted.some((v) => Math.sign(v) !== sign)) throw new QmlError('an exponential fit needs every value on the same side of the asymptote', 'values');
      return a + sign * Math.exp(polyIntercept(scales, shifted.map((v) => Math.log(Math.abs(v))), 1));
    }
    default: throw new QmlError(`unknown extrapolation "${String((method as { kind: string }).kind)}" (richardson, linear, polynomial, exponential)`, 'method');
  }
}

export interface ZneOptions { scales?: number[]; method?: Extrapolation; folding?: 'global' | 'local' }

/**
 * Zero-noise extrapolation of an expectation value: `run` evaluates a circuit on the noisy backend.
 *
 * @example
 * // zne((c) => noisyExpectation(c), circuit, { scales: [1, 2, 3], method: { kind: 'richardson' } })
 */
export function zne(run: (c: Circuit) => number, c: Circuit, opts: ZneOptions = {}): { value: number; scales: number[]; values: number[] } {
  const scales = opts.scales ?? [1, 2, 3];
  const folded = scales.map((s) => (opts.folding === 'local' ? foldLocal(c, s) : foldGlobal(c, s)));
  const achieved = folded.map((f) => f.scale);
  const values = folded.map((f) => run(f.circuit));
  return { value: extrapolate(achieved, values, opts.method ?? { kind: 'richardson' }), scales: achieved, values };
}

/** Euclidean projection onto the probability simplex (Duchi et al. 2008). */
export function projectSimplex(v: Float64Array): Float64Array {
  const u = Array.from(v).sort((a, b) => b - a);
  let cum = 0, theta = 0;
  for (let k = 0; k < u.length; k++) {
    cum += u[k];
    const t = (cum - 1) / (k + 1);
    if (u[k] - t > 0) theta = t;
  }
  return Float64Array.from(v, (x) => Math.max(0, x - theta));
}

/** Inverts independent per-qubit read-out confusion on a measured distribution (index: q[0] least significant). */
export function mitigateReadout(measured: Float64Array, n: number, readout: Array<ReadoutError | null>): Float64Array {
  if (measured.length !== 2 ** n) throw new QmlError(`a ${n}-qubit distribution has ${2 ** n} entries, got ${measured.length}`);
  const p = Float64Array.from(measured);
  for (let q = 0; q < n; q++) {
    const e = readout[q];
    if (!e) continue;
    const a = e.p1_given_0, b = e.p0_given_1, det = 1 - a - b;
    if (Math.abs(det) < 1e-12) throw new QmlError(`the read-out confusion matrix of qubit ${q} is not invertible (p1_given_0 + p0_given_1 = 1)`, `readout[${q}]`);
    const bit = 2 ** q;
    for (let i = 0; i < p.length; i++) {
      if (i & bit) continue;
      const m0 = p[i], m1 = p[i + bit];
      // [[1−a, b], [a, 1−b]]⁻¹ = [[1−b, −b], [−a, 1−a]] / det
      p[i] = ((1 - b) * m0 - b * m1) / det;
      p[i + bit] = (-a * m0 + (1 - a) * m1) / det;
    }
  }
  return projectSimplex(p);
}

/**
 * Quasi-probabilities of the inverse of a d-dimensional depolarising channel (ρ → (1−p)ρ + p·I/d):
 * η_I = 1 + (d²−1)p/(d²(1−p)), every other Pauli −p/(d²(1−p)); cost γ = Σ|η|.
 */
export function inverseDepolarizing(p: number, qubits: number): { identity: number; pauli: number; gamma: number } {
  if (!(p >= 0 && p < 1)) throw new QmlError(`depolarising p must be in [0, 1) to be inverted, got ${p}`);
  const d2 = 4 ** qubits;
  const pauli = -p / (d2 * (1 - p)), identity = 1 + ((d2 - 1) * p) / (d2 * (1 - p));
  return { identity, pauli, gamma: identity + (d2 - 1) * Math.abs(pauli) };
}

/**
 * Probabilistic error cancellation for a noise model made of depolarising channels after 1- and
 * 2-qubit gates: samples `samples` corrected circuits (a Pauli inserted after each noisy gate with
 * probability |η|/γ) and returns γ_total · mean(sign · value) with its standard error.
 */
export function pec(run: (c: Circuit) => number, c: Circuit, noise: NoiseModel, opts: { samples?: number; seed?: number } = {}): { value: number; standardError: number; gamma: number } {
  const allowed = (l?: NoiseModel['after_1q']) => (l ?? []).every((ch) => ch.channel === 'depolarizing');
  if (!allowed(noise.after_1q) || !allowed(noise.after_2q) || noise.gates || noise.rules) {
    throw new QmlError('probabilistic error cancellation here needs a noise model of depolarizing channels in after_1q / after_2q (a Pauli channel has a Pauli quasi-probability inverse)', 'noise');
  }
  const p1 = (noise.after_1q ?? []).reduce((a, ch) => 1 - (1 - a) * (1 - (ch as { p: number }).p), 0);
  const p2 = (noise.after_2q ?? []).reduce((a, ch) => 1 - (1 - a) * (1 - (ch as { p: number }).p), 0);
  const { body, tail } = gates(c);
  const samples = opts.samples ?? 1000;
  if (!Number.isInteger(samples) || samples < 1) throw new QmlError(`samples must be a positive integer, got ${samples}`, 'samples');
  const rng = new Rng(opts.seed ?? 0);
  const inv1 = inverseDepolarizing(p1, 1), inv2 = inverseDepolarizing(p2, 2);
  let gammaTotal = 1;
  for (const g of body) {
    const k = g.wires.length + (g.controls?.length ?? 0);
    if (k > 2) throw new QmlError(`gate "${g.gate}" acts on ${k} qubits; the depolarising model here covers 1- and 2-qubit gates`);
    gammaTotal *= (k === 1 ? inv1 : inv2).gamma;
  }
  const P = ['id', 'x', 'y', 'z'];
  for (const g of body) if ((g.params ?? []).some((a) => typeof a !== 'number')) throw new QmlError(`gate "${g.gate}" has symbolic angles: bind parameters and inputs before error cancellation`);
  /**
   * The correction is merged into its gate (one unitary, P·G), so the corrected circuit has exactly
   * the noisy gates of the original; depolarising noise commutes with Paulis, so this equals a
   * noiseless correction after the noisy gate.
   */
  const corrected = (g: GateOp, code: number): GateOp => {
    const wires = [...(g.controls ?? []), ...g.wires], k = wires.length;
    // Local qubit j is wires[k−1−j], so the unitary comes out in textbook order (wires[0] most significant).
    const local = (w: number) => k - 1 - wires.indexOf(w);
    const ops: GateOp[] = [{ ...g, wires: g.wires.map(local), controls: g.controls?.map(local) }];
    wires.forEach((w, i) => { const pc = Math.floor(code / 4 ** i) % 4; if (pc) ops.push({ kind: 'gate', gate: P[pc], wires: [local(w)] }); });
    const U = unitaryOf({ numQubits: k, numClbits: 0, ops });
    const D = 1 << k;
    const matrix = Array.from({ length: D }, (_, r) => Array.from({ length: D }, (_, cc) => [U[2 * (r * D + cc)], U[2 * (r * D + cc) + 1]] as [number, number]));
    return { kind: 'gate', gate: 'unitary', wires, matrix };
  };
  let sum = 0, sum2 = 0;
  for (let s = 0; s < samples; s++) {
    let sign = 1;
    const ops: Operation[] = [];
    for (const g of body) {
      const wires = [...(g.controls ?? []), ...g.wires];
      const inv = wires.length === 1 ? inv1 : inv2;
      if (rng.next() * inv.gamma < inv.identity) { ops.push(g); continue; }
      // A non-identity Pauli string, uniformly, with a negative quasi-probability.
      sign = -sign;
      let code = 0;
      while (code === 0) code = rng.int(4 ** wires.length);
      ops.push(corrected(g, code));
    }
    const v = sign * run({ ...c, ops: [...ops, ...tail] });
    sum += v; sum2 += v * v;
  }
  const mean = sum / samples, variance = Math.max(0, sum2 / samples - mean * mean);
  return { value: gammaTotal * mean, standardError: (gammaTotal * Math.sqrt(variance)) / Math.sqrt(samples), gamma: gammaTotal };
}

export { resolveGate };
