/**
 * The parameters of one BB84 link (plain data) and their validation. Defaults are the
 * Gobby–Yuan–Shields (GYS) experiment as used by Ma, Qi, Zhao & Lo, "Practical decoy state for
 * quantum key distribution", Phys. Rev. A 72, 012326 (2005): α = 0.21 dB/km, η_Bob = 4.5%,
 * Y0 = 1.7×10⁻⁶, e_d = 3.3%, f = 1.22, ν = 0.05.
 */
import { QmlError } from '../../core/errors.js';

export type DecoyMethod = 'none' | 'vacuum+weak' | 'infinite';
export const DECOY_METHODS: DecoyMethod[] = ['none', 'vacuum+weak', 'infinite'];

export interface LinkParams {
  /** fibre length, km */
  distanceKm: number;
  /** fibre loss, dB/km */
  alphaDbPerKm: number;
  /** Bob's detection efficiency including his optics */
  etaBob: number;
  /** dark-count (background) probability per pulse, Y0 */
  y0: number;
  /** misalignment: probability that a photon hits the wrong detector, e_d */
  eDetector: number;
  /** error-correction inefficiency used by the analytic rates (leak = f·h(E)) */
  fEc: number;
  /** signal intensity μ (mean photon number) */
  mu: number;
  /** weak-decoy intensity ν (vacuum + weak decoy) */
  nu: number;
  decoy: DecoyMethod;
  /** probability of choosing the Z basis, for Alice and Bob alike (0.5: the original BB84) */
  pZ: number;
  /** with vacuum + weak decoys: the fraction of pulses sent at ν and at vacuum */
  pDecoy: number;
  pVacuum: number;
}

export const GYS: Omit<LinkParams, 'distanceKm'> = {
  alphaDbPerKm: 0.21, etaBob: 0.045, y0: 1.7e-6, eDetector: 0.033, fEc: 1.22,
  mu: 0.5, nu: 0.05, decoy: 'vacuum+weak', pZ: 0.5, pDecoy: 0.2, pVacuum: 0.1,
};

/** A link with the GYS defaults for every field not given. */
export function linkParams(p: Partial<LinkParams> & { distanceKm: number }): LinkParams {
  const l = { ...GYS, ...p };
  validateLink(l);
  return l;
}

const prob = (x: number, name: string) => {
  if (!Number.isFinite(x) || x < 0 || x > 1) throw new QmlError(`${name} is a probability in [0, 1], got ${x}`, name);
};

export function validateLink(l: LinkParams): void {
  if (!Number.isFinite(l.distanceKm) || l.distanceKm < 0) throw new QmlError(`distance must be a finite number ≥ 0 km, got ${l.distanceKm}`, 'distance');
  if (!Number.isFinite(l.alphaDbPerKm) || l.alphaDbPerKm < 0) throw new QmlError(`fibre loss must be ≥ 0 dB/km, got ${l.alphaDbPerKm}`, 'alpha-db');
  if (!Number.isFinite(l.mu) || l.mu <= 0 || l.mu > 20) throw new QmlError(`μ must be in (0, 20], got ${l.mu}`, 'mu');
  if (!Number.isFinite(l.nu) || l.nu <= 0) throw new QmlError(`ν must be > 0, got ${l.nu}`, 'nu');
  if (l.decoy === 'vacuum+weak' && !(l.nu < l.mu)) throw new QmlError(`the weak decoy ν (${l.nu}) must be below the signal μ (${l.mu})`, 'nu');
  if (!DECOY_METHODS.includes(l.decoy)) throw new QmlError(`unknown decoy method "${l.decoy}" (known: ${DECOY_METHODS.join(', ')})`, 'decoy');
  prob(l.etaBob, 'eta-bob');
  if (l.etaBob === 0) throw new QmlError('eta-bob must be > 0', 'eta-bob');
  prob(l.y0, 'y0');
  prob(l.eDetector, 'e-detector');
  if (l.eDetector > 0.5) throw new QmlError(`e-detector above 0.5 means swapped detectors, got ${l.eDetector}`, 'e-detector');
  if (!Number.isFinite(l.fEc) || l.fEc < 1) throw new QmlError(`f-ec is ≥ 1 (1 = Shannon limit), got ${l.fEc}`, 'f-ec');
  prob(l.pZ, 'pZ');
  if (l.pZ === 0 || l.pZ === 1) throw new QmlError('both bases must be used: 0 < pZ < 1', 'pZ');
  prob(l.pDecoy, 'pDecoy');
  prob(l.pVacuum, 'pVacuum');
  if (l.pDecoy + l.pVacuum >= 1) throw new QmlError('decoy and vacuum fractions leave no signal pulses', 'pDecoy');
}

/** Channel transmittance times Bob's efficiency: η = η_Bob·10^(−αL/10). */
export function transmittance(l: Pick<LinkParams, 'distanceKm' | 'alphaDbPerKm' | 'etaBob'>): number {
  return l.etaBob * Math.pow(10, (-l.alphaDbPerKm * l.distanceKm) / 10);
}

/** Sifting factor q: the chance that Alice's and Bob's bases agree. */
export function siftFactor(pZ: number): number {
  return pZ * pZ + (1 - pZ) * (1 - pZ);
}
