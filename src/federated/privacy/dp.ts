/**
 * Client-level differential privacy for federated averaging: DP-FedAvg (McMahan, Ramage, Talwar &
 * Zhang 2018, "Learning differentially private recurrent language models", ICLR, Alg. 1) with fixed
 * or adaptive clipping (Andrew, Thakkar, McMahan & Ramaswamy 2021, "Differentially private learning
 * with adaptive clipping", NeurIPS, Alg. 1).
 *
 * Each round every client joins independently with probability q (Poisson sampling, what the
 * accountant assumes); a joining client's update is clipped to L2 norm S; the server adds Gaussian
 * noise N(0, (zS)²) to the SUM of clipped updates (one client changes the sum by at most S) and
 * divides by the expected number of clients qN (the fixed-denominator estimator of McMahan et al.,
 * whose sensitivity does not depend on who joined). With secure aggregation the noise is instead
 * added by the clients: each adds N(0, (zS)²/t) so that the sum over at least t survivors carries
 * at least the central noise (distributed DP; the per-coordinate rounding of quantisation that
 * follows is not accounted for: Kairouz et al. 2021, "The distributed discrete Gaussian", treat it
 * exactly). The accountant (rdp.ts) composes one sampled Gaussian mechanism per round with (q, z).
 *
 * @example
 * import { clipToNorm, dpAggregate, Rng } from 'qml6g';
 * const u = clipToNorm(Float64Array.of(3, 4), 1); // u.update = [0.6, 0.8], u.norm = 5
 * const agg = dpAggregate([u.update], { clip: 1, noiseMultiplier: 1.1, expectedClients: 10, rng: new Rng(1) });
 * agg.update.length; // 2: (Σ clipped + N(0, 1.1²)) / 10
 */
import { QmlError, isFiniteNumber } from '../../core/errors.js';
import type { Rng } from '../../core/rng.js';

export interface Clipped { update: Float64Array; norm: number; clipped: boolean }

/** Δ·min(1, S/‖Δ‖₂) (McMahan et al. 2018, "FlatClip"). */
export function clipToNorm(update: Float64Array, clip: number): Clipped {
  if (!isFiniteNumber(clip) || clip <= 0) throw new QmlError(`clip norm must be > 0, got ${clip}`, '--dp clip');
  let s = 0;
  for (const v of update) {
    if (!Number.isFinite(v)) throw new QmlError('update contains a non-finite value');
    s += v * v;
  }
  const norm = Math.sqrt(s);
  if (norm <= clip) return { update: Float64Array.from(update), norm, clipped: false };
  const f = clip / norm;
  return { update: update.map((v) => v * f), norm, clipped: true };
}

/** Poisson client sampling: each of `n` clients joins with probability q. */
export function poissonSample(n: number, q: number, rng: Rng): number[] {
  if (!(q > 0 && q <= 1)) throw new QmlError(`client sampling rate must be in (0, 1], got ${q}`);
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (rng.next() < q) out.push(i);
  return out;
}

export interface DpAggregateOptions {
  clip: number;
  noiseMultiplier: number;
  /** qN: the fixed denominator. */
  expectedClients: number;
  rng: Rng;
}

/**
 * The server side of DP-FedAvg on already-clipped updates: (Σ Δ_k + N(0, (zS)² I)) / (qN).
 * Returns the noisy mean update and the noise standard deviation on the mean.
 */
export function dpAggregate(clipped: readonly Float64Array[], o: DpAggregateOptions): { update: Float64Array; noiseStd: number } {
  checkNoise(o.noiseMultiplier);
  if (!(o.expectedClients > 0)) throw new QmlError(`expected clients per round must be > 0, got ${o.expectedClients}`);
  if (clipped.length === 0) throw new QmlError('DP aggregation of no updates');
  const d = clipped[0].length;
  const sum = new Float64Array(d);
  for (const u of clipped) {
    if (u.length !== d) throw new QmlError(`update has ${u.length} coordinates, expected ${d}`);
    for (let i = 0; i < d; i++) sum[i] += u[i];
  }
  return { update: noisyMean(sum, o), noiseStd: (o.noiseMultiplier * o.clip) / o.expectedClients };
}

/** (sum + N(0, (zS)²)) / (qN): the central noise on an already-formed sum (e.g. a secure sum without client noise). */
export function noisyMean(sum: Float64Array, o: DpAggregateOptions): Float64Array {
  const std = o.noiseMultiplier * o.clip;
  const out = new Float64Array(sum.length);
  for (let i = 0; i < sum.length; i++) out[i] = (sum[i] + std * o.rng.normal()) / o.expectedClients;
  return out;
}

/**
 * Distributed noise: a client's share N(0, (zS)²/t) added to its clipped update before masking, so
 * that the sum over any t or more survivors has noise variance ≥ (zS)².
 */
export function addDistributedNoise(update: Float64Array, clip: number, noiseMultiplier: number, minContributors: number, rng: Rng): Float64Array {
  checkNoise(noiseMultiplier);
  if (!Number.isInteger(minContributors) || minContributors < 1) throw new QmlError(`minimum contributors must be a positive integer, got ${minContributors}`);
  const std = (noiseMultiplier * clip) / Math.sqrt(minContributors);
  return update.map((v) => v + std * rng.normal());
}

export function checkNoise(z: number): void {
  if (!isFiniteNumber(z) || z <= 0) throw new QmlError(`noise multiplier must be > 0, got ${z}`, '--dp noise');
}

export interface AdaptiveClipState {
  /** Current clip norm C. */
  clip: number;
  /** Target quantile γ of the update norms (Andrew et al.: 0.5). */
  targetQuantile: number;
  /** Geometric learning rate η_C (Andrew et al.: 0.2). */
  learningRate: number;
  /** Noise std σ_b on the count of clipped-below clients (Andrew et al.: expected clients / 20). */
  countNoise: number;
}

/**
 * The noise multiplier left for the updates when part of the privacy budget goes to the clip
 * estimate: z_Δ = (z⁻² − (2σ_b)⁻²)^{−1/2} (Andrew et al. 2021, §3.1), so that the two Gaussian queries
 * together are one of noise multiplier z (the centred count b_k − ½ has sensitivity ½, so its noise
 * multiplier is 2σ_b). Needs 2σ_b > z.
 */
export function updateNoiseMultiplier(z: number, countNoise: number): number {
  checkNoise(z);
  const r = z ** -2 - (2 * countNoise) ** -2;
  if (!(r > 0)) throw new QmlError(`adaptive clipping needs count noise σ_b > z/2 = ${(z / 2).toPrecision(3)}, got ${countNoise}`, '--dp adaptive');
  return r ** -0.5;
}

/**
 * One geometric step of the clip norm: b̃ = (Σ_k (1[‖Δ_k‖ ≤ C] − ½) + N(0, σ_b²)) / (qN) + ½,
 * C ← C·exp(−η(b̃ − γ)) (Andrew et al. 2021, Alg. 1).
 * Updates the state in place and returns the noisy fraction b̃.
 */
export function adaptClip(state: AdaptiveClipState, norms: readonly number[], expectedClients: number, rng: Rng): number {
  let centred = 0;
  for (const n of norms) centred += (n <= state.clip ? 1 : 0) - 0.5;
  const frac = (centred + state.countNoise * rng.normal()) / expectedClients + 0.5;
  state.clip *= Math.exp(-state.learningRate * (frac - state.targetQuantile));
  return frac;
}
