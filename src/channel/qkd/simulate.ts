/**
 * Photon-level BB84 with a phase-randomised weak coherent source (the model of Ma et al. 2005 and
 * of the GYS experiment): each pulse gets an intensity (signal μ, weak decoy ν, or vacuum), a
 * Poisson photon number, Alice's bit and basis and Bob's basis (Z with probability pZ, for each);
 * the channel and Bob's detector pass n photons with probability 1 − (1 − η)^n, dark counts click
 * with probability Y0 (a double click gets a random bit, the squashing convention), a detected
 * photon hits the wrong detector with probability e_d, and a wrong-basis detection gives a random
 * bit. An eavesdropper acts through per-photon-number tables (see eve/eavesdropper.ts).
 *
 * Everything per pulse lives in packed bit arrays (Uint32Array) or bytes (intensity, photon
 * number), and the loop allocates nothing: ten million pulses take about a second on one core.
 */
import { Rng } from '../../core/rng.js';
import { QmlError } from '../../core/errors.js';
import { words } from './bits.js';
import { honestAction, NMAX, poisson, type ChannelAction, type Eavesdropper } from './eve/eavesdropper.js';
import { transmittance, type LinkParams } from './params.js';

export const SIGNAL = 0, DECOY = 1, VACUUM = 2;

export interface PulseRecord {
  pulses: number;
  /** Alice's bit, Alice's basis (1 = X), Bob's basis, Bob's bit (0 without a click), click, Eve knows Alice's bit */
  aliceBit: Uint32Array;
  aliceBasis: Uint32Array;
  bobBasis: Uint32Array;
  bobBit: Uint32Array;
  click: Uint32Array;
  eveKnows: Uint32Array;
  /** SIGNAL, DECOY or VACUUM per pulse */
  intensity: Uint8Array;
  /** photon number per pulse (capped at NMAX): the simulator's ground truth, never seen by Alice and Bob */
  photons: Uint8Array;
  /** the intensities used: [μ, ν, 0] */
  intensities: [number, number, number];
  /** the fractions of pulses sent at each intensity */
  intensityProbs: [number, number, number];
}

const TWO32 = 4294967296;

/** The fractions of pulses at signal, decoy and vacuum intensity for a link's decoy method. */
export function intensityProbs(link: LinkParams): [number, number, number] {
  if (link.decoy !== 'vacuum+weak') return [1, 0, 0];
  return [1 - link.pDecoy - link.pVacuum, link.pDecoy, link.pVacuum];
}

/**
 * Sends `pulses` pulses over the link, with an eavesdropper if given. Deterministic for a seed.
 */
export function simulatePulses(link: LinkParams, pulses: number, seed: number, eve?: Eavesdropper): PulseRecord {
  if (!Number.isInteger(pulses) || pulses < 1) throw new QmlError(`the number of pulses must be a positive integer, got ${pulses}`, 'pulses');
  if (pulses > 2 ** 30) throw new QmlError(`at most 2^30 pulses per run, got ${pulses}`, 'pulses');
  const rng = new Rng(seed);
  const eta = transmittance(link);
  const act: ChannelAction = eve ? eve.action(link, eta) : honestAction(eta);
  const probs = intensityProbs(link);
  const xs: [number, number, number] = [link.mu, link.nu, 0];
  // Cumulative photon-number thresholds per intensity, scaled to 2^32, so a draw is one compare per n.
  const cdf = new Float64Array(3 * (NMAX + 1));
  for (let k = 0; k < 3; k++) {
    const p = poisson(xs[k]);
    let c = 0;
    for (let n = 0; n <= NMAX; n++) { c += p[n]; cdf[k * (NMAX + 1) + n] = n === NMAX ? TWO32 : c * TWO32; }
  }
  const tSignal = probs[0] * TWO32, tDecoy = (probs[0] + probs[1]) * TWO32;
  const single = probs[0] === 1;
  const detT = new Float64Array(NMAX + 1), intT = new Float64Array(NMAX + 1), splitT = new Float64Array(NMAX + 1);
  for (let n = 0; n <= NMAX; n++) { detT[n] = act.detect[n] * TWO32; intT[n] = act.intercept[n] * TWO32; splitT[n] = act.split[n] * TWO32; }
  const y0T = link.y0 * TWO32, edT = link.eDetector * TWO32, scrT = act.scramble * TWO32;
  const zT = link.pZ * TWO32;
  const unbiased = link.pZ === 0.5;
  const blinded = act.blinded;

  const W = words(pulses);
  const aliceBit = new Uint32Array(W), aliceBasis = new Uint32Array(W), bobBasis = new Uint32Array(W);
  const bobBit = new Uint32Array(W), click = new Uint32Array(W), eveKnows = new Uint32Array(W);
  const intensity = new Uint8Array(pulses), photons = new Uint8Array(pulses);
  let reservoir = 0, left = 0; // spare random bits for the rare per-click coin flips
  const coin = () => {
    if (left === 0) { reservoir = rng.nextU32(); left = 32; }
    const b = reservoir & 1;
    reservoir >>>= 1; left--;
    return b;
  };
  const biasedWord = () => {
    let w = 0;
    for (let j = 0; j < 32; j++) if (rng.nextU32() >= zT) w |= 1 << j; // bit 1 = X basis
    return w;
  };

  for (let w = 0; w < W; w++) {
    const aB = rng.nextU32();
    const aBas = unbiased ? rng.nextU32() : biasedWord();
    const bBas = unbiased ? rng.nextU32() : biasedWord();
    let bBitW = 0, clickW = 0, eveW = 0;
    const end = Math.min(32, pulses - w * 32);
    for (let j = 0; j < end; j++) {
      const i = w * 32 + j;
      let k = 0;
      if (!single) { const u = rng.nextU32(); k = u < tSignal ? 0 : u < tDecoy ? 1 : 2; intensity[i] = k; }
      const base = k * (NMAX + 1);
      const u = rng.nextU32();
      let n = 0;
      while (u >= cdf[base + n]) n++;
      photons[i] = n;
      const a = (aB >>> j) & 1, sa = (aBas >>> j) & 1, sb = (bBas >>> j) & 1;
      let intercepted = false, eb = 0, ebit = 0;
      if (intT[n] > 0 && rng.nextU32() < intT[n]) {
        intercepted = true;
        eb = unbiased ? coin() : (rng.nextU32() >= zT ? 1 : 0);
        ebit = eb === sa ? a : coin();
        if (eb === sa) eveW |= 1 << j;
      }
      if (splitT[n] > 0 && rng.nextU32() < splitT[n]) eveW |= 1 << j;
      let signal = detT[n] > 0 && rng.nextU32() < detT[n];
      if (signal && blinded && intercepted && sb !== eb) signal = false;
      const dark = y0T > 0 && rng.nextU32() < y0T;
      if (!signal && !dark) continue;
      clickW |= 1 << j;
      let bit: number;
      if (signal && !dark) {
        if (intercepted) bit = blinded || sb === eb ? ebit : coin();
        else bit = sb === sa ? a : coin();
        if (edT > 0 && rng.nextU32() < edT) bit ^= 1;
      } else bit = coin();
      if (scrT > 0 && rng.nextU32() < scrT) bit = coin();
      if (bit) bBitW |= 1 << j;
    }
    aliceBit[w] = aB; aliceBasis[w] = aBas; bobBasis[w] = bBas;
    bobBit[w] = bBitW; click[w] = clickW; eveKnows[w] = eveW;
  }
  return { pulses, aliceBit, aliceBasis, bobBasis, bobBit, click, eveKnows, intensity, photons, intensities: xs, intensityProbs: probs };
}
