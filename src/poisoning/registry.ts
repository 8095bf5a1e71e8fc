/**
 * Training-time attacks by name. A new attack is one file in attacks/ implementing TrainingAttack
 * plus one entry here.
 */
import { QmlError } from '../core/errors.js';
import type { TrainingAttack } from './threat.js';
import { randomLabelFlip, targetedLabelFlip } from './attacks/label-flip.js';
import { featureBackdoor } from './attacks/feature-backdoor.js';
import { kernelAlignmentPoisoning, kernelHingePoisoning } from './attacks/kernel-poisoning.js';
import { cleanLabelAttack } from './attacks/clean-label.js';
import { circuitTriggerAttack } from './attacks/circuit-trigger.js';
import { modelFileBackdoor } from './attacks/model-file.js';

const FACTORIES: Record<string, () => TrainingAttack> = {
  'label-flip': () => randomLabelFlip,
  'targeted-flip': () => targetedLabelFlip,
  backdoor: () => featureBackdoor,
  'kernel-poison': () => kernelHingePoisoning,
  'alignment-poison': () => kernelAlignmentPoisoning,
  'clean-label': () => cleanLabelAttack(),
  'circuit-trigger': () => circuitTriggerAttack(),
  'model-file': () => modelFileBackdoor,
};

export const TRAINING_ATTACK_NAMES = Object.keys(FACTORIES);

export function trainingAttack(name: string): TrainingAttack {
  const f = FACTORIES[name];
  if (!f) throw new QmlError(`unknown training-time attack "${name}" (known: ${TRAINING_ATTACK_NAMES.join(', ')})`, '--attack');
  return f();
}
