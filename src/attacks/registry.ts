/**
 * Evasion attacks by name, and transfer: an attack crafted on a surrogate target and replayed on the
 * victim (the surrogate must share the attack space, e.g. raw traffic features).
 */
import { QmlError } from '../core/errors.js';
import type { AttackContext, AttackOutput, EvasionAttack } from './attack.js';
import type { AttackTarget } from './target.js';
import { FGSM } from './evasion/fgsm.js';
import { PGD } from './evasion/pgd.js';
import { CarliniWagner } from './evasion/cw.js';
import { DeepFool } from './evasion/deepfool.js';
import { APGD } from './evasion/apgd.js';
import { SquareAttack } from './evasion/square.js';
import { HopSkipJump } from './evasion/hopskipjump.js';
import { AdamAttack } from './evasion/adam.js';

const FACTORIES: Record<string, () => EvasionAttack> = {
  fgsm: () => new FGSM(),
  bim: () => new PGD('bim', 0, false),
  pgd: () => new PGD('pgd'),
  mim: () => new PGD('mim', 1, false),
  cw: () => new CarliniWagner(),
  deepfool: () => new DeepFool(),
  'apgd-ce': () => new APGD('apgd-ce', 'ce'),
  'apgd-dlr': () => new APGD('apgd-dlr', 'dlr-targeted'),
  square: () => new SquareAttack(),
  hopskipjump: () => new HopSkipJump(),
  adam: () => new AdamAttack(),
  'pgd-margin': () => new PGD('pgd-margin', 0, true, 'margin'),
};

/** Attacks the adaptive step of assess adds for flagged models (not in the standard suite). */
export const ADAPTIVE_ATTACKS = ['pgd-margin'];
export const EVASION_ATTACKS = Object.keys(FACTORIES).filter((n) => n !== 'adam' && !ADAPTIVE_ATTACKS.includes(n));
/** Every evasion attack name, including the Adam attack of Ren et al. (unbounded by default, so not in the standard suite). */
export const ALL_EVASION_ATTACKS = Object.keys(FACTORIES);

/** `effort` scales the inner iteration counts of the minimal-perturbation attacks (1 = full). */
export function evasionAttack(name: string, effort = 1): EvasionAttack {
  if (name === 'cw' && effort < 1) return new CarliniWagner(3, Math.max(10, Math.round(40 * effort)));
  if (name === 'deepfool' && effort < 1) return new DeepFool(Math.max(10, Math.round(30 * effort)));
  const f = FACTORIES[name];
  if (!f) throw new QmlError(`unknown attack "${name}" (known: ${[...ALL_EVASION_ATTACKS, 'transfer', ...QUANTUM_ATTACK_NAMES].join(', ')})`, '--attacks');
  return f();
}

export const QUANTUM_ATTACK_NAMES = ['param-tamper', 'param-random', 'encoding', 'readout', 'interception', 'noise-injection'];

/** Crafts with `inner` on the surrogate, returns the points for the victim. */
export class TransferAttack implements EvasionAttack {
  readonly knowledge = 'transfer' as const;
  readonly name: string;
  constructor(readonly surrogate: AttackTarget, readonly inner: EvasionAttack, surrogateName: string) {
    this.name = `transfer:${surrogateName}`;
  }
  run(ctx: AttackContext): AttackOutput {
    if (this.surrogate.dim !== ctx.target.dim) throw new QmlError(`the surrogate's attack space has ${this.surrogate.dim} dimensions, the victim's ${ctx.target.dim}`);
    return this.inner.run({ ...ctx, target: this.surrogate });
  }
}
