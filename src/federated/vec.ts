/**
 * Small vector helpers over Float64Array updates (flat parameter vectors). Kept here, not in core,
 * because only aggregation needs them; every function allocates at most its result.
 */
import { QmlError } from '../core/errors.js';

export function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

export function norm(a: Float64Array): number {
  return Math.sqrt(dot(a, a));
}

/** ‖a − b‖². */
export function sqDist(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) { const d = a[i] - b[i]; s += d * d; }
  return s;
}

/** Cosine similarity; 0 when either vector is zero (no direction, no trust). */
export function cosine(a: Float64Array, b: Float64Array): number {
  const na = norm(a), nb = norm(b);
  return na === 0 || nb === 0 ? 0 : dot(a, b) / (na * nb);
}

/** Plain mean of the vectors. */
export function mean(updates: readonly Float64Array[]): Float64Array {
  const out = new Float64Array(updates[0].length);
  for (const u of updates) for (let i = 0; i < out.length; i++) out[i] += u[i];
  for (let i = 0; i < out.length; i++) out[i] /= updates.length;
  return out;
}

/** Coordinate-wise standard deviation (population, divide by n), as ALIE and Fang estimate it. */
export function stdDev(updates: readonly Float64Array[], mu: Float64Array): Float64Array {
  const out = new Float64Array(mu.length);
  for (const u of updates) for (let i = 0; i < out.length; i++) { const d = u[i] - mu[i]; out[i] += d * d; }
  for (let i = 0; i < out.length; i++) out[i] = Math.sqrt(out[i] / updates.length);
  return out;
}

/** All updates non-empty, of one length and finite; says which one is not. */
export function checkUpdates(updates: readonly Float64Array[], what = 'aggregate'): number {
  if (updates.length === 0) throw new QmlError(`${what}: no updates to aggregate`);
  const d = updates[0].length;
  for (let k = 0; k < updates.length; k++) {
    const u = updates[k];
    if (u.length !== d) throw new QmlError(`${what}: update ${k} has ${u.length} values, update 0 has ${d}`);
    for (let i = 0; i < d; i++) if (!Number.isFinite(u[i])) throw new QmlError(`${what}: update ${k} has a non-finite value at ${i}`);
  }
  return d;
}

/** Byzantine count f: a non-negative integer. */
export function checkF(f: number, what: string): void {
  if (!Number.isInteger(f) || f < 0) throw new QmlError(`${what}: the number of Byzantine clients f must be a non-negative integer, got ${f}`);
}
