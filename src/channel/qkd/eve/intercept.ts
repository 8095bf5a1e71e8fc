/**
 * Intercept-resend on a fraction p of the pulses (Bennett & Brassard 1984; Gisin et al., Rev. Mod.
 * Phys. 74, 145 (2002), §VI.A): Eve measures each chosen non-empty pulse in a random basis and
 * sends Bob a fresh pulse in her basis carrying her result. In the sifted key she causes an error a
 * quarter of the time, so the QBER rises by p/4 (25% at p = 1) and the run aborts above threshold.
 */
import { QmlError } from '../../../core/errors.js';
import { honestAction, NMAX, type ChannelAction, type Eavesdropper } from './eavesdropper.js';
import type { LinkParams } from '../params.js';

export class InterceptResend implements Eavesdropper {
  readonly name: string;
  readonly description = 'intercept-resend: Eve measures a fraction p of the pulses in a random basis and re-prepares her result';
  readonly detection = 'the QBER: each intercepted sifted bit is wrong with probability 1/4, so the QBER rises by p/4';
  constructor(readonly p: number) {
    if (!Number.isFinite(p) || p < 0 || p > 1) throw new QmlError(`the intercepted fraction is a probability in [0, 1], got ${p}`, 'eve');
    this.name = `intercept:${p}`;
  }
  action(_link: LinkParams, eta: number): ChannelAction {
    const a = honestAction(eta);
    for (let n = 1; n <= NMAX; n++) a.intercept[n] = this.p;
    return a;
  }
}
