/**
 * Detector blinding (Lydersen et al., "Hacking commercial quantum cryptography systems by tailored
 * bright illumination", Nature Photonics 4, 686 (2010)). Bright light turns Bob's avalanche
 * photodiodes into classical threshold detectors; Eve measures every pulse in a random basis and
 * sends a tailored bright trigger that makes Bob click only when he measures in Eve's basis, with
 * Eve's bit. She chooses, per photon number, how often to trigger so that every gain (signal and
 * decoy alike) matches the honest channel, and flips a fraction e_d of her triggers to reproduce the
 * baseline QBER. Alice and Bob see nothing unusual: the QBER, the gains and the decoy bounds all
 * stay at baseline, yet Eve knows every sifted bit.
 */
import { honestAction, NMAX, type ChannelAction, type Eavesdropper } from './eavesdropper.js';
import { siftFactor, type LinkParams } from '../params.js';

export class DetectorBlinding implements Eavesdropper {
  readonly name = 'blinding';
  readonly description = 'detector blinding: bright light makes Bob\'s detectors classical; Eve measures everything and triggers Bob\'s clicks in her own basis';
  readonly detection = 'nothing in the BB84 statistics (QBER, gains and decoy bounds stay at baseline); caught by an optical-power or photocurrent watchdog at Bob\'s input, by randomly switching detector efficiency or gating and checking click rates, or removed altogether by measurement-device-independent QKD';
  action(link: LinkParams, eta: number): ChannelAction {
    const a = honestAction(eta);
    const match = siftFactor(link.pZ);
    for (let n = 1; n <= NMAX; n++) {
      a.intercept[n] = 1;
      a.detect[n] = Math.min(1, a.detect[n] / match);
    }
    a.blinded = true;
    return a;
  }
}
