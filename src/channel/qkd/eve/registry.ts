/** Eavesdroppers by name: `intercept:P`, `pns`, `blinding`, `dos[:S]`. */
import { QmlError } from '../../../core/errors.js';
import type { Eavesdropper } from './eavesdropper.js';
import { InterceptResend } from './intercept.js';
import { PhotonNumberSplitting } from './pns.js';
import { DetectorBlinding } from './blinding.js';
import { DenialOfService } from './dos.js';

export const EAVESDROPPER_NAMES = ['intercept:P', 'pns', 'blinding', 'dos[:S]'];

export function parseEavesdropper(spec: string): Eavesdropper {
  const [kind, arg, extra] = spec.trim().split(':');
  const num = (s: string | undefined, what: string): number => {
    if (s === undefined || s.trim() === '' || !Number.isFinite(Number(s))) throw new QmlError(`${what} needs a number after ":", got "${spec}"`, 'eve');
    return Number(s);
  };
  if (extra !== undefined) throw new QmlError(`malformed eavesdropper "${spec}" (known: ${EAVESDROPPER_NAMES.join(', ')})`, 'eve');
  switch (kind) {
    case 'intercept': return new InterceptResend(num(arg, 'intercept'));
    case 'pns': if (arg !== undefined) break; return new PhotonNumberSplitting();
    case 'blinding': if (arg !== undefined) break; return new DetectorBlinding();
    case 'dos': return new DenialOfService(arg === undefined ? undefined : num(arg, 'dos'));
  }
  throw new QmlError(`unknown eavesdropper "${spec}" (known: ${EAVESDROPPER_NAMES.join(', ')})`, 'eve');
}
