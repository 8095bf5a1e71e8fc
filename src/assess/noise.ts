/** The NISQ noise model that the assessment's sweep scales (strength 1): typical superconducting-device orders of magnitude. */
import type { NoiseModel } from '../sim/noise.js';

export const NISQ_BASE = { p1: 0.001, p2: 0.01, gamma: 0.002, readout: 0.02 };

export function nisqNoise(s: number): NoiseModel {
  return {
    after_1q: [{ channel: 'depolarizing', p: Math.min(1, NISQ_BASE.p1 * s) }, { channel: 'amplitude_damping', gamma: Math.min(1, NISQ_BASE.gamma * s) }],
    after_2q: [{ channel: 'depolarizing', p: Math.min(1, NISQ_BASE.p2 * s) }],
    readout: { p1_given_0: Math.min(0.5, NISQ_BASE.readout * s), p0_given_1: Math.min(0.5, NISQ_BASE.readout * s) },
  };
}
