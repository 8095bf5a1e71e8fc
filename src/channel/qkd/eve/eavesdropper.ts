/**
 * One interface for every eavesdropper on a QKD link. An eavesdropper is data: from the link's
 * parameters it computes a `ChannelAction`, per-photon-number tables that the photon-level
 * simulator applies to every pulse (the hot loop never calls back into attack code, so ten million
 * pulses stay cheap). Each implementation also says what Alice and Bob can see and what would catch
 * it.
 */
import type { LinkParams } from '../params.js';

/** Pulses with more photons than this are treated as having NMAX photons (their weight is < 10⁻¹⁵ for μ ≤ 1.5). */
export const NMAX = 24;

export interface ChannelAction {
  /** P(Bob's detector registers the pulse's light | n photons sent), dark counts excluded */
  detect: Float64Array;
  /** P(Eve measures the pulse in a random basis and re-prepares her result | n) */
  intercept: Float64Array;
  /** P(Eve keeps one photon of the pulse and reads it after the basis announcement | n) */
  split: Float64Array;
  /** intercepted pulses reach blinded detectors: Bob clicks only when his basis equals Eve's */
  blinded: boolean;
  /** P(a click's bit is replaced by a random one): light injected to deny service */
  scramble: number;
}

export interface Eavesdropper {
  /** the name used on the command line, e.g. "intercept:0.5" */
  readonly name: string;
  /** what the attack does, with its paper */
  readonly description: string;
  /** what would expose it (and whether the statistics of BB84 alone do) */
  readonly detection: string;
  action(link: LinkParams, eta: number): ChannelAction;
}

/** The channel without Eve: n photons are detected with probability 1 − (1 − η)^n. */
export function honestAction(eta: number): ChannelAction {
  const detect = new Float64Array(NMAX + 1);
  for (let n = 0; n <= NMAX; n++) detect[n] = 1 - Math.pow(1 - eta, n);
  return { detect, intercept: new Float64Array(NMAX + 1), split: new Float64Array(NMAX + 1), blinded: false, scramble: 0 };
}

/** Poisson probabilities P_x(n) = e^(−x) x^n / n!, n = 0..NMAX, the last entry holding the tail. */
export function poisson(x: number): Float64Array {
  const p = new Float64Array(NMAX + 1);
  let t = Math.exp(-x), s = 0;
  for (let n = 0; n < NMAX; n++) { p[n] = t; s += t; t *= x / (n + 1); }
  p[NMAX] = Math.max(0, 1 - s);
  return p;
}
