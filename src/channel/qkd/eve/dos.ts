/**
 * Denial of service: Eve injects unpolarised light into the fibre so that a fraction s of Bob's
 * clicks carry random bits. She learns nothing; the QBER rises by s·(1/2 − E) and passes the abort
 * threshold, so no key is made (an attack on availability, which QKD cannot prevent: Gisin et al.
 * 2002, §VI; Scarani et al., Rev. Mod. Phys. 81, 1301 (2009)).
 */
import { QmlError } from '../../../core/errors.js';
import { honestAction, type ChannelAction, type Eavesdropper } from './eavesdropper.js';
import type { LinkParams } from '../params.js';

export class DenialOfService implements Eavesdropper {
  readonly name: string;
  readonly description = 'denial of service: injected light randomises a fraction s of Bob\'s clicks';
  readonly detection = 'the QBER passes the abort threshold at once; the link yields no key until the noise stops (availability is lost, secrecy is not)';
  constructor(readonly strength = 0.6) {
    if (!Number.isFinite(strength) || strength < 0 || strength > 1) throw new QmlError(`the denial-of-service strength is a probability in [0, 1], got ${strength}`, 'eve');
    this.name = strength === 0.6 ? 'dos' : `dos:${strength}`;
  }
  action(_link: LinkParams, eta: number): ChannelAction {
    const a = honestAction(eta);
    a.scramble = this.strength;
    return a;
  }
}
