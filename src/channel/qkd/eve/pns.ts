/**
 * Photon-number splitting (Brassard, Lütkenhaus, Mor & Sanders, PRL 85, 1330 (2000)). Eve counts
 * the photons of each pulse without disturbing them, keeps one photon of every multi-photon pulse
 * (read in the right basis after sifting: she learns the bit and causes no error), and sends the rest
 * to Bob over a lossless line. To keep Bob's gain at its expected value she forwards only a fraction
 * of the single-photon pulses; beyond the distance where the multi-photon pulses alone reach Bob's
 * expected gain she blocks every single photon and knows the whole key, with QBER and gain exactly as
 * expected. Eve sees photon numbers but not intensities, so her yields are the same for signal and
 * decoy pulses: decoy states expose her because the decoy's gain falls short and the single-photon
 * bound collapses (Hwang, PRL 91, 057901 (2003); Lo, Ma & Chen 2005).
 */
import { honestAction, NMAX, poisson, type ChannelAction, type Eavesdropper } from './eavesdropper.js';
import type { LinkParams } from '../params.js';

export interface PnsPlan { forwardSingles: number; forwardMulti: number; matchesGain: boolean; knowsEverything: boolean }

/**
 * Eve's plan for a signal intensity μ: forwarded fractions of single- and multi-photon pulses such
 * that Bob's expected gain (dark counts aside) is unchanged. Pure, so it is tested on its own.
 */
export function pnsPlan(mu: number, etaBob: number, eta: number): PnsPlan {
  const P = poisson(mu);
  let expected = 0, multi = 0;
  for (let n = 1; n <= NMAX; n++) {
    expected += P[n] * (1 - Math.pow(1 - eta, n));
    if (n >= 2) multi += P[n] * (1 - Math.pow(1 - etaBob, n - 1));
  }
  if (multi >= expected) return { forwardSingles: 0, forwardMulti: expected / multi, matchesGain: true, knowsEverything: true };
  const singles = (expected - multi) / (P[1] * etaBob);
  return { forwardSingles: Math.min(1, singles), forwardMulti: 1, matchesGain: singles <= 1, knowsEverything: false };
}

/** The shortest distance (km) at which Eve's multi-photon pulses alone match Bob's expected gain. */
export function pnsMatchDistance(link: LinkParams): number {
  let lo = 0, hi = 400;
  const full = (km: number) => pnsPlan(link.mu, link.etaBob, link.etaBob * Math.pow(10, (-link.alphaDbPerKm * km) / 10)).knowsEverything;
  if (full(lo)) return 0;
  for (let i = 0; i < 50; i++) { const m = (lo + hi) / 2; if (full(m)) hi = m; else lo = m; }
  return hi;
}

export class PhotonNumberSplitting implements Eavesdropper {
  readonly name = 'pns';
  readonly description = 'photon-number splitting: Eve keeps one photon of each multi-photon pulse, forwards the rest losslessly, and blocks single photons to keep the gain';
  readonly detection = 'not the QBER and not the signal gain; decoy states (vacuum + weak) expose it: the decoy gain falls short and the single-photon yield bound collapses';
  action(link: LinkParams, eta: number): ChannelAction {
    const plan = pnsPlan(link.mu, link.etaBob, eta);
    const a = honestAction(eta);
    a.detect[1] = plan.forwardSingles * link.etaBob;
    for (let n = 2; n <= NMAX; n++) {
      a.detect[n] = plan.forwardMulti * (1 - Math.pow(1 - link.etaBob, n - 1));
      a.split[n] = 1;
    }
    return a;
  }
}
