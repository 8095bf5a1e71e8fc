/**
 * Byzantine and poisoning clients by name (the names of `qml6g federate --attacks`), plus the
 * honest baseline a crafted attack must beat: a random update of the same norm.
 */
import { QmlError } from '../../core/errors.js';
import { mean, norm } from '../vec.js';
import { known, type ByzantineAttack } from './attack.js';
import { signFlip } from './sign-flip.js';
import { scaleAttack } from './scale.js';
import { modelReplacement } from './model-replacement.js';
import { gaussianAttack } from './gaussian.js';
import { labelFlipAttack } from './label-flip.js';
import { backdoorAttack } from './backdoor.js';
import { alie } from './alie.js';
import { ipm } from './ipm.js';
import { fang } from './fang.js';
import { minMax } from './min-max.js';
import { minSum } from './min-sum.js';
import { paramTamper } from './param-tamper.js';
import { noisyDevice } from './noisy-device.js';

const FACTORIES: Record<string, () => ByzantineAttack> = {
  'sign-flip': () => signFlip(),
  scale: () => scaleAttack(),
  // Bagdasaryan et al. mix about 20 backdoored rows into each batch of 64: about 0.3.
  'model-replacement': () => modelReplacement(0.3),
  gaussian: () => gaussianAttack(),
  'label-flip': () => labelFlipAttack(),
  backdoor: () => backdoorAttack(),
  alie: () => alie(),
  ipm: () => ipm(),
  fang: () => fang(),
  'min-max': () => minMax(),
  'min-sum': () => minSum(),
  'param-tamper': () => paramTamper(),
  'noisy-device': () => noisyDevice(),
};

/** Every attack name, `none` (the attack-free run) first. */
export const BYZANTINE_ATTACK_NAMES = ['none', ...Object.keys(FACTORIES)];

/**
 * An attack by name; `none` gives null.
 *
 * @example
 * import { byzantineAttack } from 'qml6g';
 * byzantineAttack('alie')?.paper; // 'Baruch et al. 2019'
 */
export function byzantineAttack(name: string): ByzantineAttack | null {
  if (name === 'none') return null;
  const f = FACTORIES[name];
  if (!f) throw new QmlError(`unknown attack "${name}" (known: ${BYZANTINE_ATTACK_NAMES.join(', ')})`, '--attacks');
  return f();
}

/**
 * The control for a crafted attack: the same poisoning and the same update norms, but random
 * directions. A crafted attack that does no more harm than this has shown nothing.
 */
export function sameNormRandom(attack: ByzantineAttack): ByzantineAttack {
  return {
    ...attack,
    name: `${attack.name}-random`,
    paper: `random direction, norm of ${attack.name}`,
    craft: attack.craft && ((k) => attack.craft!(k).map((u) => {
      const r = Float64Array.from(u, () => k.rng.normal()), s = norm(u) / (norm(r) || 1);
      for (let i = 0; i < r.length; i++) r[i] *= s;
      return r;
    })),
  };
}

/**
 * A second, direction-only control: the honest mean plus a random deviation whose norm equals the
 * crafted update's deviation from that mean (per attacker). Not the "random update of the
 * same norm" (that is `sameNormRandom`); it asks whether the crafted direction matters at all, with
 * the crafted vector's closeness to the crowd kept. Under Krum it is usually the most central
 * update, so it is a weak (benign) control, never the one a claim rests on.
 */
export function sameDeviationRandom(attack: ByzantineAttack): ByzantineAttack {
  return {
    ...attack,
    name: `${attack.name}-mean-random`,
    paper: `honest mean plus a random deviation, deviation norm of ${attack.name}`,
    craft: attack.craft && ((k) => {
      const mu = mean(known(k));
      return attack.craft!(k).map((u) => {
        let dev = 0;
        for (let i = 0; i < u.length; i++) dev += (u[i] - mu[i]) ** 2;
        const r = Float64Array.from(u, () => k.rng.normal()), s = Math.sqrt(dev) / (norm(r) || 1);
        for (let i = 0; i < r.length; i++) r[i] = mu[i] + r[i] * s;
        return r;
      });
    }),
  };
}

export * from './attack.js';
export { signFlip, scaleAttack, modelReplacement, gaussianAttack, labelFlipAttack, backdoorAttack, alie, ipm, fang, minMax, minSum, paramTamper, noisyDevice };
export { alieZ } from './alie.js';
export { fangKrum, fangTrimmed } from './fang.js';
export { optimiseGamma } from './min-max.js';
export { backdoorRows } from './backdoor.js';
export { replacementRound } from './model-replacement.js';
export { ADVERSARIAL_NOISE } from './noisy-device.js';
