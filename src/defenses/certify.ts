/**
 * Certified robustness of quantum classifiers whose prediction is the most likely outcome of a
 * measurement on the encoded state.
 * - Weber et al. 2021 (npj Quantum Information 7, 76), quantum hypothesis testing: with top-class
 *   probability pA and runner-up pB, every state σ with fidelity F(ρ, σ) > (1 + √g)/2 to the clean
 *   state keeps the prediction, g = 1 − pB − pA(1 − 2pB) + 2√(pA pB (1 − pA)(1 − pB)).
 * - Du et al. 2021 (Physical Review Research 3, 023153), depolarising noise as a shield: a classifier
 *   run under depolarising strength p on a d-dimensional state with top-two output probabilities
 *   y1 > y2 is certified against perturbations of trace distance below
 *   τ* = p (√(y1/y2) − 1) / (d (1 − p)).
 *
 * @example
 * import { weberFidelityBound } from 'qml6g';
 * weberFidelityBound(0.9, 0.1); // 0.8
 */
import { QmlError, isFiniteNumber } from '../core/errors.js';

function prob(x: number, name: string): void {
  if (!isFiniteNumber(x) || x < 0 || x > 1) throw new QmlError(`${name} must be a probability in [0, 1], got ${x}`);
}

/** The fidelity threshold F*: states closer than this to the clean one cannot change the prediction. */
export function weberFidelityBound(pA: number, pB: number): number {
  prob(pA, 'pA'); prob(pB, 'pB');
  if (pA + pB > 1 + 1e-12) throw new QmlError(`pA + pB must be at most 1, got ${pA + pB}`);
  if (pA <= pB) return 1;
  const g = 1 - pB - pA * (1 - 2 * pB) + 2 * Math.sqrt(pA * pB * (1 - pA) * (1 - pB));
  return (1 + Math.sqrt(Math.max(0, Math.min(1, g)))) / 2;
}

/** The same certificate as a Bures-type angle radius: arccos(√F*) (0 when nothing is certified). */
export function weberAngleRadius(pA: number, pB: number): number {
  return Math.acos(Math.sqrt(weberFidelityBound(pA, pB)));
}

/** Du et al. certified trace-distance radius under depolarising strength p on a d-dimensional state. */
export function duTraceDistanceRadius(p: number, d: number, y1: number, y2: number): number {
  if (!isFiniteNumber(p) || p <= 0 || p >= 1) throw new QmlError(`depolarising strength must be in (0, 1), got ${p}`);
  if (!Number.isInteger(d) || d < 2) throw new QmlError(`dimension must be an integer ≥ 2, got ${d}`);
  prob(y1, 'y1'); prob(y2, 'y2');
  if (y2 <= 0) return Infinity;
  if (y1 <= y2) return 0;
  return (p * (Math.sqrt(y1 / y2) - 1)) / (d * (1 - p));
}

/** Top and runner-up probabilities per row of a rows × C probability matrix. */
export function topTwo(probs: Float64Array, rows: number, C: number): Array<{ cls: number; pA: number; pB: number }> {
  return Array.from({ length: rows }, (_, r) => {
    let a = 0;
    for (let c = 1; c < C; c++) if (probs[r * C + c] > probs[r * C + a]) a = c;
    let b = -1;
    for (let c = 0; c < C; c++) if (c !== a && (b < 0 || probs[r * C + c] > probs[r * C + b])) b = c;
    return { cls: a, pA: probs[r * C + a], pB: b < 0 ? 0 : probs[r * C + b] };
  });
}

/**
 * Certified accuracy against fidelity loss: for each threshold fidelity F, the fraction of rows that
 * are correct AND certified for every state at least F-close (F > F*_row).
 */
export function certifiedAccuracyCurve(probs: Float64Array, y: Int32Array, C: number, fidelities: number[]): Array<{ fidelity: number; certified_accuracy: number }> {
  const tt = topTwo(probs, y.length, C);
  const thresholds = tt.map((t, r) => (t.cls === y[r] ? weberFidelityBound(t.pA, t.pB) : Infinity));
  return fidelities.map((f) => ({ fidelity: f, certified_accuracy: thresholds.filter((th) => f > th).length / y.length }));
}

/**
 * The certificate translated to input space for product angle encodings (each feature j enters as
 * a rotation exp(−i x_j G/2) with G² = I on its own qubit, as angle-x/y/z encodings do): the encoded
 * states of x and x + δ have fidelity Π_j cos²(δ_j/2) ≥ cos^{2d}(‖δ‖∞/2), so every ‖δ‖∞ below
 * 2·arccos(F*^{1/(2d)}) keeps the fidelity above F* and the prediction certified.
 */
export function angleEncodingLinfRadius(fidelityBound: number, features: number): number {
  if (!(fidelityBound > 0 && fidelityBound <= 1)) throw new QmlError(`a fidelity bound must be in (0, 1], got ${fidelityBound}`);
  if (!Number.isInteger(features) || features < 1) throw new QmlError(`features must be a positive integer, got ${features}`);
  return 2 * Math.acos(fidelityBound ** (1 / (2 * features)));
}
