/**
 * An adversarially noisy quantum device: the client trains honestly, but on a device whose noise
 * is far above the fleet's (depolarizing 0.1 after one-qubit and 0.2 after two-qubit gates,
 * 20 % read-out flips), so its gradients point nowhere useful. Refused for classical models,
 * which have no device noise.
 */
import { QmlError } from '../../core/errors.js';
import { isQuantumType } from '../../qml/models/registry.js';
import type { NoiseModel } from '../../sim/noise.js';
import type { ByzantineAttack } from './attack.js';

export const ADVERSARIAL_NOISE: NoiseModel = {
  after_1q: [{ channel: 'depolarizing', p: 0.1 }],
  after_2q: [{ channel: 'depolarizing', p: 0.2 }],
  readout: { p1_given_0: 0.2, p0_given_1: 0.2 },
};

export function noisyDevice(noise: NoiseModel = ADVERSARIAL_NOISE): ByzantineAttack {
  return {
    name: 'noisy-device', paper: 'adversarial device noise (NISQ heterogeneity)',
    device: (spec) => {
      if (!isQuantumType(spec.model.type)) throw new QmlError(`noisy-device attacks a quantum device; model "${spec.model.type}" is classical`, '--attacks');
      return { ...spec, model: { ...spec.model, execution: { ...spec.model.execution, noise } } };
    },
  };
}
