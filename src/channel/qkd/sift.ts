/**
 * Sifting: Alice and Bob announce bases (and Alice the intensity of every pulse) and keep the
 * detections where the bases agree. The sifted record is compact (bytes per sifted bit: the sifted
 * key is a small fraction of the pulses) and keeps, for the simulation's own bookkeeping, the
 * photon number and whether Eve knows the bit.
 */
import { popcount32 } from './bits.js';
import type { PulseRecord } from './simulate.js';

export interface Sifted {
  length: number;
  alice: Uint8Array;
  bob: Uint8Array;
  /** 0 = Z, 1 = X */
  basis: Uint8Array;
  intensity: Uint8Array;
  photons: Uint8Array;
  eveKnows: Uint8Array;
  /** pulses sent and detections per intensity (public after Alice reveals the intensities) */
  sent: [number, number, number];
  clicks: [number, number, number];
  /** pulses sent and detections per photon number for signal pulses (ground truth, n = 0, 1, ≥2) */
  sentByPhotons: [number, number, number];
  clicksByPhotons: [number, number, number];
}

export function sift(r: PulseRecord): Sifted {
  const W = r.click.length;
  let count = 0;
  for (let w = 0; w < W; w++) count += popcount32(r.click[w] & ~(r.aliceBasis[w] ^ r.bobBasis[w]));
  // The last word may carry bits beyond `pulses` only where click is 0, so the count is exact.
  const s: Sifted = {
    length: count, alice: new Uint8Array(count), bob: new Uint8Array(count), basis: new Uint8Array(count),
    intensity: new Uint8Array(count), photons: new Uint8Array(count), eveKnows: new Uint8Array(count),
    sent: [0, 0, 0], clicks: [0, 0, 0], sentByPhotons: [0, 0, 0], clicksByPhotons: [0, 0, 0],
  };
  const single = r.intensityProbs[0] === 1;
  if (single) s.sent[0] = r.pulses;
  else for (let i = 0; i < r.pulses; i++) s.sent[r.intensity[i]]++;
  for (let i = 0; i < r.pulses; i++) if (r.intensity[i] === 0) { const n = r.photons[i]; s.sentByPhotons[n > 2 ? 2 : n]++; }
  let c = 0;
  for (let w = 0; w < W; w++) {
    const cw = r.click[w];
    if (cw === 0) continue;
    const match = ~(r.aliceBasis[w] ^ r.bobBasis[w]);
    for (let j = 0; j < 32; j++) {
      if (!((cw >>> j) & 1)) continue;
      const i = w * 32 + j;
      const k = r.intensity[i];
      s.clicks[k]++;
      if (k === 0) { const n = r.photons[i]; s.clicksByPhotons[n > 2 ? 2 : n]++; }
      if (!((match >>> j) & 1)) continue;
      s.alice[c] = (r.aliceBit[w] >>> j) & 1;
      s.bob[c] = (r.bobBit[w] >>> j) & 1;
      s.basis[c] = (r.aliceBasis[w] >>> j) & 1;
      s.intensity[c] = k;
      s.photons[c] = r.photons[i];
      s.eveKnows[c] = (r.eveKnows[w] >>> j) & 1;
      c++;
    }
  }
  return s;
}

/** Concatenates the sifted records of consecutive chunks of pulses (counts add up). */
export function mergeSifted(parts: Sifted[]): Sifted {
  if (parts.length === 1) return parts[0];
  const length = parts.reduce((a, p) => a + p.length, 0);
  const cat = (key: 'alice' | 'bob' | 'basis' | 'intensity' | 'photons' | 'eveKnows') => {
    const out = new Uint8Array(length);
    let o = 0;
    for (const p of parts) { out.set(p[key], o); o += p.length; }
    return out;
  };
  const sum = (key: 'sent' | 'clicks' | 'sentByPhotons' | 'clicksByPhotons') => [0, 1, 2].map((i) => parts.reduce((a, p) => a + p[key][i], 0)) as [number, number, number];
  return {
    length, alice: cat('alice'), bob: cat('bob'), basis: cat('basis'), intensity: cat('intensity'), photons: cat('photons'), eveKnows: cat('eveKnows'),
    sent: sum('sent'), clicks: sum('clicks'), sentByPhotons: sum('sentByPhotons'), clicksByPhotons: sum('clicksByPhotons'),
  };
}
