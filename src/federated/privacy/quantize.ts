/**
 * Fixed-point encoding of real updates into Z_R, R = 2^32, for secure aggregation (Bonawitz et al.
 * 2017 work in Z_R; Bell et al. 2020, §2). Each coordinate is clipped to [−c, c] and mapped to the
 * integer grid {0, …, M} with M = ⌊(R − 1)/n⌋, so the sum of up to n encodings is at most n·M < R and
 * never wraps: the modular sum the server unmasks IS the integer sum. Rounding is to the nearest grid
 * point (deterministic), so "the plain quantised sum" is a well-defined oracle for the tests; the step
 * is 2c/M per client and coordinate (≈ 4.7e−8·c for n = 100).
 *
 * @example
 * import { quantizer } from 'qml6g';
 * const qz = quantizer(1, 10);
 * const a = qz.encode(Float64Array.of(0.5, -0.25)), b = qz.encode(Float64Array.of(0.25, 0.25));
 * qz.decodeSum(Uint32Array.of(a[0] + b[0], a[1] + b[1]), 2); // ≈ [0.75, 0]
 */
import { QmlError, isFiniteNumber } from '../../core/errors.js';

export interface Quantizer {
  clip: number;
  clients: number;
  /** The top grid level M = ⌊(2^32 − 1)/n⌋. */
  levels: number;
  encode(x: Float64Array): Uint32Array;
  /** The real-valued sum of `count` encoded vectors from their integer sum. */
  decodeSum(sum: Uint32Array, count: number): Float64Array;
}

export const MODULUS = 2 ** 32;

export function quantizer(clip: number, clients: number): Quantizer {
  if (!isFiniteNumber(clip) || clip <= 0) throw new QmlError(`quantisation clip range must be > 0, got ${clip}`);
  if (!Number.isInteger(clients) || clients < 1) throw new QmlError(`number of clients must be a positive integer, got ${clients}`);
  const M = Math.floor((MODULUS - 1) / clients);
  const scale = M / (2 * clip);
  return {
    clip, clients, levels: M,
    encode(x) {
      const q = new Uint32Array(x.length);
      for (let i = 0; i < x.length; i++) {
        const v = x[i];
        if (Number.isNaN(v)) throw new QmlError(`update coordinate ${i} is NaN`);
        const c = v > clip ? clip : v < -clip ? -clip : v;
        q[i] = Math.round((c + clip) * scale);
      }
      return q;
    },
    decodeSum(sum, count) {
      const out = new Float64Array(sum.length);
      for (let i = 0; i < sum.length; i++) out[i] = sum[i] / scale - count * clip;
      return out;
    },
  };
}
