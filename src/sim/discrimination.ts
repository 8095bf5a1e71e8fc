/**
 * Quantum state discrimination: how well the best measurement tells apart a known set of states,
 * the bound on what an eavesdropper holding one copy of a state can learn of its label.
 *
 * - Helstrom (Helstrom, "Quantum Detection and Estimation Theory", 1976): for two states with
 *   priors p₀, p₁ the optimal success probability is ½ + ½‖p₀ρ₀ − p₁ρ₁‖₁, i.e.
 *   ½ + ¼‖ρ₀ − ρ₁‖₁ for equal priors, reached by projecting onto the positive part of p₀ρ₀ − p₁ρ₁.
 * - Pretty-good measurement (Hausladen & Wootters 1994; the square-root measurement):
 *   E_i = ρ̄^{-1/2} p_iρ_i ρ̄^{-1/2} with ρ̄ = Σ p_iρ_i; optimal for symmetric pure states and
 *   within a square of the optimum in general: P_opt² ≤ P_pgm ≤ P_opt (Barnum & Knill 2002), so
 *   √P_pgm bounds the optimum from above.
 *
 * Density matrices use the simulator's layout (rho[row + col·N], interleaved re, im). Hermitian
 * matrices are handled through their real embedding [[A, −B], [B, A]] of H = A + iB, which has the
 * same eigenvalues (each twice) and turns every matrix function into a real symmetric one
 * (the embedding is an algebra homomorphism, and Tr emb(X) = 2 Re Tr X).
 *
 * @example
 * import { helstrom, CircuitBuilder, simulate } from 'qml6g';
 * const a = simulate(new CircuitBuilder(1).build(), { method: 'density_matrix' }).densityMatrix!;      // |0⟩⟨0|
 * const b = simulate(new CircuitBuilder(1).h(0).build(), { method: 'density_matrix' }).densityMatrix!; // |+⟩⟨+|
 * helstrom(a.data, b.data, 1).success;   // ½ + ½·√(1 − |⟨0|+⟩|²) ≈ 0.8536
 */
import { QmlError } from '../core/errors.js';
import { symmetricEigen } from '../core/linalg.js';

/** Largest register handled (a 2^q density matrix goes through a 2^(q+1) real eigen-solver). */
export const DISCRIMINATION_MAX_QUBITS = 8;

function dimOf(rho: Float64Array, n: number, what: string): number {
  if (!Number.isInteger(n) || n < 1 || n > DISCRIMINATION_MAX_QUBITS) throw new QmlError(`state discrimination handles 1 to ${DISCRIMINATION_MAX_QUBITS} qubits, got ${n}`, what);
  const N = 2 ** n;
  if (!(rho instanceof Float64Array) || rho.length !== 2 * N * N) throw new QmlError(`a ${n}-qubit density matrix has ${2 * N * N} numbers, got ${rho?.length}`, what);
  for (let i = 0; i < rho.length; i++) if (!Number.isFinite(rho[i])) throw new QmlError(`entry ${i} is ${rho[i]}`, what);
  return N;
}

/** The real symmetric 2N × 2N embedding of a Hermitian N × N matrix (simulator layout, symmetrised). */
export function realEmbedding(h: Float64Array, N: number): Float64Array {
  const D = 2 * N, M = new Float64Array(D * D);
  for (let r = 0; r < N; r++) for (let c = 0; c < N; c++) {
    // (H + H†)/2 guards against round-off asymmetry
    const re = (h[2 * (r + c * N)] + h[2 * (c + r * N)]) / 2;
    const im = (h[2 * (r + c * N) + 1] - h[2 * (c + r * N) + 1]) / 2;
    M[r * D + c] = re; M[(r + N) * D + c + N] = re;
    M[(r + N) * D + c] = im; M[r * D + c + N] = -im;
  }
  return M;
}

/** Trace norm ‖H‖₁ = Σ|λ| of a Hermitian matrix. */
export function traceNorm(h: Float64Array, n: number): number {
  const N = dimOf(h, n, 'matrix');
  const { values } = symmetricEigen(realEmbedding(h, N), 2 * N, 1e-14, 200);
  let s = 0;
  for (const v of values) s += Math.abs(v);
  return s / 2;
}

export interface Discrimination {
  /** Success probability of the measurement (Helstrom: optimal; PGM: a lower bound on the optimum). */
  success: number;
  /** An upper bound on the optimal success (Helstrom: equal to success; PGM: √success, Barnum–Knill). */
  upperBound: number;
  /** Guessing the most likely class without a measurement. */
  guessing: number;
  priors: number[];
  measurement: 'helstrom' | 'pgm';
}

function checkPriors(priors: number[], k: number): number[] {
  if (priors.length !== k) throw new QmlError(`${k} states need ${k} priors, got ${priors.length}`, 'priors');
  const s = priors.reduce((a, x) => a + x, 0);
  if (priors.some((p) => !(p >= 0)) || !(Math.abs(s - 1) < 1e-9)) throw new QmlError('priors must be non-negative and sum to 1', 'priors');
  return priors;
}

/** Helstrom's optimal success for two states (equal priors by default). */
export function helstrom(rho0: Float64Array, rho1: Float64Array, n: number, priors: [number, number] = [0.5, 0.5]): Discrimination {
  const N = dimOf(rho0, n, 'rho0');
  dimOf(rho1, n, 'rho1');
  const [p0, p1] = checkPriors(priors, 2);
  const d = new Float64Array(2 * N * N);
  for (let i = 0; i < d.length; i++) d[i] = p0 * rho0[i] - p1 * rho1[i];
  const success = Math.min(1, 0.5 + 0.5 * traceNorm(d, n));
  return { success, upperBound: success, guessing: Math.max(p0, p1), priors: [p0, p1], measurement: 'helstrom' };
}

/** Σ f(λ) v vᵀ over the eigenpairs of a real symmetric matrix. */
function matrixFunction(values: Float64Array, vectors: Float64Array, D: number, f: (x: number) => number): Float64Array {
  const out = new Float64Array(D * D);
  for (let k = 0; k < D; k++) {
    const w = f(values[k]);
    if (w === 0) continue;
    const v = vectors.subarray(k * D, (k + 1) * D);
    for (let i = 0; i < D; i++) {
      const wi = w * v[i];
      if (wi === 0) continue;
      for (let j = 0; j < D; j++) out[i * D + j] += wi * v[j];
    }
  }
  return out;
}

function matmul(a: Float64Array, b: Float64Array, D: number): Float64Array {
  const out = new Float64Array(D * D);
  for (let i = 0; i < D; i++) for (let k = 0; k < D; k++) {
    const x = a[i * D + k];
    if (x === 0) continue;
    for (let j = 0; j < D; j++) out[i * D + j] += x * b[k * D + j];
  }
  return out;
}

/** The pretty-good measurement's success for any number of states (equal priors by default). */
export function prettyGoodMeasurement(states: Float64Array[], n: number, priors?: number[]): Discrimination {
  const k = states.length;
  if (k < 2) throw new QmlError(`discrimination needs at least two states, got ${k}`, 'states');
  const N = dimOf(states[0], n, 'states[0]');
  states.forEach((s, i) => dimOf(s, n, `states[${i}]`));
  const p = checkPriors(priors ?? Array.from({ length: k }, () => 1 / k), k);
  const D = 2 * N;
  const avg = new Float64Array(2 * N * N);
  states.forEach((s, i) => { for (let j = 0; j < avg.length; j++) avg[j] += p[i] * s[j]; });
  const { values, vectors } = symmetricEigen(realEmbedding(avg, N), D, 1e-14, 200);
  const tol = 1e-12 * Math.max(1e-300, values[0]);
  const R = matrixFunction(values, vectors, D, (x) => (x > tol ? 1 / Math.sqrt(x) : 0));
  // P = Σ p_i Tr(E_i ρ_i) = Σ p_i² Tr(R ρ_i R ρ_i) = ½ Σ p_i² Tr(emb(Rρ_i)²)
  let success = 0;
  states.forEach((s, i) => {
    if (p[i] === 0) return;
    const X = matmul(R, realEmbedding(s, N), D);
    let tr = 0;
    for (let a = 0; a < D; a++) for (let b = 0; b < D; b++) tr += X[a * D + b] * X[b * D + a];
    success += p[i] * p[i] * tr / 2;
  });
  success = Math.min(1, success);
  return { success, upperBound: Math.min(1, Math.sqrt(success)), guessing: Math.max(...p), priors: p, measurement: 'pgm' };
}

/** Helstrom for two states, the pretty-good measurement for more. */
export function discriminate(states: Float64Array[], n: number, priors?: number[]): Discrimination {
  if (states.length === 2) return helstrom(states[0], states[1], n, (priors ?? [0.5, 0.5]) as [number, number]);
  return prettyGoodMeasurement(states, n, priors);
}
