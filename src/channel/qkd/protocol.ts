/**
 * One BB84 run from photons to a secret key, as plain data in and out:
 *   pulses (simulate) → sifting → parameter estimation (a random sample of the sifted signal bits,
 *   every decoy bit, the gain of each intensity) → decoy bounds → abort checks → Cascade →
 *   error verification (Toeplitz hash, ε_cor) → key length (asymptotic GLLP/decoy or finite-key,
 *   Lim et al. 2014) → privacy amplification (Toeplitz).
 * The result records the configuration, seed and version; the key itself is returned beside it.
 */
import { QmlError } from '../../core/errors.js';
import { Rng } from '../../core/rng.js';
import { version } from '../../core/version.js';
import { analyticRate, expectedGain, expectedQber, vacuumWeakBounds } from './analytic.js';
import { pack, toBytes } from './bits.js';
import { cascade, type CascadeScheduleName } from './cascade.js';
import { h2 } from './entropy.js';
import type { Eavesdropper } from './eve/eavesdropper.js';
import { parseEavesdropper } from './eve/registry.js';
import { countsOf, rateFromCounts } from './estimate.js';
import { limKeyLength } from './finite.js';
import { validateLink, type LinkParams } from './params.js';
import { mergeSifted, sift, type Sifted } from './sift.js';
import { simulatePulses } from './simulate.js';
import { toeplitzHash, toeplitzSeed, verificationBits } from './toeplitz.js';

export interface Bb84Config {
  link: LinkParams;
  pulses: number;
  seed: number;
  /** an eavesdropper spec (`intercept:0.5`, `pns`, `blinding`, `dos`) or none */
  eve?: string;
  /** finite-key length (Lim et al. 2014; needs vacuum + weak decoys) instead of the asymptotic one */
  finite: boolean;
  /** fraction of the sifted signal bits disclosed to estimate the QBER (asymptotic mode) */
  sampleFraction: number;
  /** abort above this QBER */
  qberThreshold: number;
  schedule: CascadeScheduleName;
  epsSec: number;
  epsCor: number;
}

export const BB84_DEFAULTS = { pulses: 1_000_000, seed: 1, finite: false, sampleFraction: 0.1, qberThreshold: 0.11, schedule: 'original' as CascadeScheduleName, epsSec: 1e-10, epsCor: 1e-15 };

export interface Bb84Result {
  qber: number;
  qber_z: number | null;
  qber_x: number | null;
  sifted_bits: number;
  sample_bits: number;
  key_bits_before_pa: number;
  final_key_bits: number;
  key_rate_per_pulse: number;
  /** the analytic asymptotic rate of the link's decoy method at its μ (Ma et al. 2005: per pulse, decoys a vanishing fraction) */
  asymptotic_rate_per_pulse: number;
  /** the same formula on this run's observed gains, decoy bounds and the QBER of all sifted signal bits (per signal pulse) */
  estimated_rate_per_pulse: number;
  /** the same before clipping at zero (negative: these counts support no key) */
  estimated_rate_signed: number;
  /** what Alice and Bob see against what the honest channel would give: deviations in standard errors */
  observed: { gain_signal_expected: number; gain_signal_z: number; qber_expected: number; qber_z: number; gain_decoy_expected: number | null; gain_decoy_z: number | null };
  aborted: boolean;
  abort_reason: string | null;
  cascade: { efficiency: number | null; disclosed_bits: number; residual_errors: number; ask_parity_messages: number; schedule: string };
  verification: { tag_bits: number; passed: boolean | null };
  /** Toeplitz blocks hashed (one unless the key exceeds PA_BLOCK_BITS) */
  privacy_amplification: { blocks: number; block_bits: number } | null;
  decoy: { method: string; y1_lower: number | null; e1_upper: number | null; gain_signal: number; gain_decoy: number | null; gain_vacuum: number | null; qber_decoy: number | null };
  eve: { name: string; description: string; detection: string; known_fraction_of_key: number } | null;
  pulses: number;
  config: Omit<Bb84Config, 'link'> & { link: LinkParams };
  seed: number;
  version: string;
}

/** Validates a run's configuration; every problem is a QmlError naming the option. */
export function validateBb84(c: Bb84Config): void {
  validateLink(c.link);
  if (!Number.isInteger(c.pulses) || c.pulses < 1000 || c.pulses > 1e11) throw new QmlError(`--pulses must be an integer from 1000 to 10¹¹, got ${c.pulses}`, 'pulses');
  if (!(c.sampleFraction > 0 && c.sampleFraction < 1)) throw new QmlError(`the sample fraction must be in (0, 1), got ${c.sampleFraction}`, 'sample');
  if (!(c.qberThreshold > 0 && c.qberThreshold <= 0.5)) throw new QmlError(`the QBER threshold must be in (0, 0.5], got ${c.qberThreshold}`, 'qber-threshold');
  if (!(c.epsSec > 0 && c.epsSec < 1)) throw new QmlError(`ε_sec must be in (0, 1), got ${c.epsSec}`, 'eps-sec');
  if (!(c.epsCor > 0 && c.epsCor < 1)) throw new QmlError(`ε_cor must be in (0, 1), got ${c.epsCor}`, 'eps-cor');
  if (c.finite && c.link.decoy !== 'vacuum+weak') throw new QmlError('finite-key bounds (Lim et al. 2014) need decoy states: use --decoy vacuum+weak', 'finite');
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : 0);

/** Pulses per simulated chunk: per-pulse arrays stay near 50 MB however long the run. */
export const PULSE_CHUNK = 1 << 24;
/** Privacy amplification hashes blocks of at most this many bits (each compressed by the same ratio). */
export const PA_BLOCK_BITS = 1 << 17;

/** Simulates and sifts `pulses` pulses, chunk by chunk, so 10⁹ pulses need no more memory than 10⁷. */
export function siftedPulses(link: LinkParams, pulses: number, seed: number, eve?: Eavesdropper, onChunk?: (done: number) => void): Sifted {
  if (pulses <= PULSE_CHUNK) return sift(simulatePulses(link, pulses, seed, eve));
  const rng = new Rng(seed);
  const parts: Sifted[] = [];
  for (let done = 0; done < pulses; done += PULSE_CHUNK) {
    parts.push(sift(simulatePulses(link, Math.min(PULSE_CHUNK, pulses - done), rng.nextU32(), eve)));
    onChunk?.(Math.min(pulses, done + PULSE_CHUNK));
  }
  return mergeSifted(parts);
}

/**
 * Toeplitz privacy amplification of an n-bit key to ℓ bits, block-wise above PA_BLOCK_BITS (the
 * cost of one Toeplitz product grows as n·ℓ; post-processing stacks hash fixed-size blocks): block
 * b of n_b bits yields ℓ_b ≈ ℓ·n_b/n bits, the ℓ_b summing to ℓ, each with its own seed.
 */
export function privacyAmplify(A: Uint32Array, B: Uint32Array, n: number, l: number, rng: Rng): { a: Uint32Array; b: Uint32Array; blocks: number } {
  const blocks = Math.max(1, Math.ceil(n / PA_BLOCK_BITS));
  if (blocks === 1) { const seed = toeplitzSeed(n, l, rng); return { a: toeplitzHash(A, n, l, seed), b: toeplitzHash(B, n, l, seed), blocks }; }
  const outA = new Uint32Array(Math.ceil(l / 32)), outB = new Uint32Array(Math.ceil(l / 32));
  let done = 0, outBits = 0;
  const slice = (X: Uint32Array, from: number, len: number) => {
    const y = new Uint32Array(Math.ceil(len / 32));
    for (let i = 0; i < len; i++) if ((X[(from + i) >>> 5] >>> ((from + i) & 31)) & 1) y[i >>> 5] |= 1 << (i & 31);
    return y;
  };
  for (let b = 0; b < blocks; b++) {
    const nb = Math.min(PA_BLOCK_BITS, n - done);
    const target = Math.round((l * (done + nb)) / n);
    const lb = target - outBits;
    if (lb > 0) {
      const seed = toeplitzSeed(nb, lb, rng);
      const ha = toeplitzHash(slice(A, done, nb), nb, lb, seed), hb = toeplitzHash(slice(B, done, nb), nb, lb, seed);
      for (let i = 0; i < lb; i++) {
        if ((ha[i >>> 5] >>> (i & 31)) & 1) outA[(outBits + i) >>> 5] |= 1 << ((outBits + i) & 31);
        if ((hb[i >>> 5] >>> (i & 31)) & 1) outB[(outBits + i) >>> 5] |= 1 << ((outBits + i) & 31);
      }
      outBits += lb;
    }
    done += nb;
  }
  return { a: outA, b: outB, blocks };
}

/**
 * Runs BB84 end to end. Returns the result record and, when the run did not abort, the final key
 * (as bytes, ⌈ℓ/8⌉ of them; the last byte padded with zeros).
 *
 * @example
 * import { runBB84, linkParams, BB84_DEFAULTS } from 'qml6g';
 * const { result } = runBB84({ ...BB84_DEFAULTS, link: linkParams({ distanceKm: 25 }), pulses: 200_000 });
 * result.qber;            // ≈ 0.033 at the GYS parameters
 * result.final_key_bits;  // secret bits after Cascade and privacy amplification
 */
export function runBB84(config: Bb84Config, hooks: { progress?: (pulsesDone: number, pulses: number) => void } = {}): { result: Bb84Result; key: Uint8Array | null } {
  validateBb84(config);
  const { link, pulses, seed } = config;
  const eve: Eavesdropper | undefined = config.eve ? parseEavesdropper(config.eve) : undefined;
  const rng = new Rng(seed);
  const s = siftedPulses(link, pulses, rng.nextU32(), eve, hooks.progress ? (d) => hooks.progress!(d, pulses) : undefined);

  // Parameter estimation. Asymptotic mode: a random sample of the sifted signal bits is disclosed;
  // finite mode (Lim et al.): the X basis is disclosed and the Z basis is the key.
  const signal: number[] = [], decoy: number[] = [];
  for (let i = 0; i < s.length; i++) { if (s.intensity[i] === 0) signal.push(i); else if (s.intensity[i] === 1) decoy.push(i); }
  const err = (i: number) => s.alice[i] ^ s.bob[i];
  let sample: number[], keyIdx: number[];
  if (config.finite) {
    sample = []; keyIdx = [];
    for (let i = 0; i < s.length; i++) (s.basis[i] === 0 ? keyIdx : sample).push(i);
  } else {
    const idx = rng.shuffle(Int32Array.from(signal)) as Int32Array;
    const m = Math.round(config.sampleFraction * idx.length);
    sample = Array.from(idx.subarray(0, m));
    keyIdx = Array.from(idx.subarray(m)).sort((a, b) => a - b);
  }
  const rate = (ids: number[], pred: (i: number) => boolean = () => true) => {
    let e = 0, c = 0;
    for (const i of ids) if (pred(i)) { c++; e += err(i); }
    return c > 0 ? e / c : null;
  };
  const qberSample = rate(sample);
  const qber = qberSample ?? 0;
  const qberZ = rate(sample, (i) => s.basis[i] === 0), qberX = rate(sample, (i) => s.basis[i] === 1);
  const gains = [ratio(s.clicks[0], s.sent[0]), ratio(s.clicks[1], s.sent[1]), ratio(s.clicks[2], s.sent[2])];
  const qberDecoy = rate(decoy);

  // Single-photon estimates for the secrecy fraction τ (secret bits per sifted signal bit before EC).
  const qMu = gains[0];
  let y1L: number | null = null, e1U: number | null = null, tau = 0;
  if (link.decoy === 'none') {
    const delta = ratio(1 - (1 + link.mu) * Math.exp(-link.mu), qMu);
    tau = delta < 1 && qber / (1 - delta) < 0.5 ? (1 - delta) * (1 - h2(qber / (1 - delta))) : 0;
  } else if (link.decoy === 'infinite') {
    // Infinitely many decoys reveal the single-photon yield and error rate exactly: here we read them
    // from the simulation's ground truth (pulses that carried one photon).
    y1L = ratio(s.clicksByPhotons[1], s.sentByPhotons[1]);
    e1U = rate(signal, (i) => s.photons[i] === 1) ?? 0.5;
    tau = ratio(y1L * link.mu * Math.exp(-link.mu), qMu) * (1 - h2(e1U));
  } else {
    const b = vacuumWeakBounds({ qMu, qNu: gains[1], eNu: qberDecoy ?? 0.5, y0: gains[2], mu: link.mu, nu: link.nu });
    y1L = b.y1Lower; e1U = b.e1Upper;
    tau = b.y1Lower > 0 ? ratio(b.q1Lower, qMu) * (1 - h2(b.e1Upper)) : 0;
  }
  // The rate formula of the analytic curve evaluated on this run's counts (gains, the error rate of
  // all sifted signal bits, which Alice and Bob know exactly once error correction has located the
  // errors, decoy bounds or single-photon truth), per signal pulse, signed and clipped.
  const estimatedSigned = rateFromCounts(countsOf(s), link);
  const estimated = Math.max(0, estimatedSigned);

  const result: Bb84Result = {
    qber, qber_z: qberZ, qber_x: qberX, sifted_bits: s.length, sample_bits: sample.length, key_bits_before_pa: keyIdx.length,
    final_key_bits: 0, key_rate_per_pulse: 0,
    asymptotic_rate_per_pulse: analyticRate(link),
    estimated_rate_per_pulse: estimated,
    estimated_rate_signed: estimatedSigned,
    observed: (() => {
      const gS = expectedGain(link, link.mu), eS = expectedQber(link, link.mu);
      const z = (obs: number, exp: number, n: number) => (n > 0 && exp > 0 && exp < 1 ? (obs - exp) / Math.sqrt((exp * (1 - exp)) / n) : 0);
      const hasDecoy = link.decoy === 'vacuum+weak';
      const gD = hasDecoy ? expectedGain(link, link.nu) : null;
      return {
        gain_signal_expected: gS, gain_signal_z: z(gains[0], gS, s.sent[0]), qber_expected: eS, qber_z: z(qber, eS, sample.length),
        gain_decoy_expected: gD, gain_decoy_z: gD === null ? null : z(gains[1], gD, s.sent[1]),
      };
    })(),
    aborted: false, abort_reason: null,
    cascade: { efficiency: null, disclosed_bits: 0, residual_errors: 0, ask_parity_messages: 0, schedule: config.schedule },
    verification: { tag_bits: verificationBits(config.epsCor), passed: null },
    privacy_amplification: null,
    decoy: { method: link.decoy, y1_lower: y1L, e1_upper: e1U, gain_signal: gains[0], gain_decoy: link.decoy === 'vacuum+weak' ? gains[1] : null, gain_vacuum: link.decoy === 'vacuum+weak' ? gains[2] : null, qber_decoy: qberDecoy },
    eve: eve ? { name: eve.name, description: eve.description, detection: eve.detection, known_fraction_of_key: ratio(keyIdx.reduce((a, i) => a + s.eveKnows[i], 0), keyIdx.length) } : null,
    pulses, config: { ...config }, seed, version: version(),
  };
  const abort = (why: string) => { result.aborted = true; result.abort_reason = why; return { result, key: null }; };

  if (keyIdx.length < 64 || (!config.finite && sample.length < 10)) return abort(`too few sifted bits (${s.length}) for parameter estimation and a key: send more pulses`);
  const qberCheck = config.finite ? (qberX ?? 0) : qber;
  if (qberCheck > config.qberThreshold) return abort(`QBER ${(100 * qberCheck).toFixed(2)}% above the ${(100 * config.qberThreshold).toFixed(1)}% threshold`);
  if (link.decoy !== 'none' && (y1L === null || y1L <= 0)) return abort('decoy estimate: no single-photon yield can be certified (the decoy gains do not fit an honest channel)');
  if (!config.finite && tau - link.fEc * h2(qber) <= 0) return abort(link.decoy === 'none' ? 'no secret key: multi-photon pulses (GLLP) leave nothing at this distance' : 'no secret key: the single-photon bound leaves nothing after error correction');

  // Error correction.
  const a = Uint8Array.from(keyIdx, (i) => s.alice[i]);
  const bIn = Uint8Array.from(keyIdx, (i) => s.bob[i]);
  const cas = cascade(a, bIn, Math.min(0.49, Math.max(qberCheck, 1e-3)), config.schedule, rng.nextU32());
  result.cascade = { efficiency: cas.initialErrors > 0 ? cas.efficiency : null, disclosed_bits: cas.disclosedBits, residual_errors: cas.residualErrors, ask_parity_messages: cas.askParityMessages, schedule: config.schedule };

  // Error verification: a fresh Toeplitz hash of ⌈log2(1/ε_cor)⌉ bits.
  const n = a.length;
  const A = pack(a), B = pack(cas.corrected);
  const vBits = result.verification.tag_bits;
  const vSeed = toeplitzSeed(n, vBits, rng);
  const ha = toeplitzHash(A, n, vBits, vSeed), hb = toeplitzHash(B, n, vBits, vSeed);
  const passed = ha.every((w, i) => w === hb[i]);
  result.verification.passed = passed;
  if (!passed) return abort('error verification failed: the keys still differ after Cascade');

  // Key length.
  let l: number;
  if (config.finite) {
    const nZ: [number, number, number] = [0, 0, 0], nX: [number, number, number] = [0, 0, 0], mX: [number, number, number] = [0, 0, 0], mZ: [number, number, number] = [0, 0, 0];
    for (let i = 0; i < s.length; i++) {
      const k = s.intensity[i];
      if (s.basis[i] === 0) { nZ[k]++; mZ[k] += err(i); } else { nX[k]++; mX[k] += err(i); }
    }
    const probs = [1 - link.pDecoy - link.pVacuum, link.pDecoy, link.pVacuum] as [number, number, number];
    const lim = limKeyLength({ mu: [link.mu, link.nu, 0], p: probs, nZ, nX, mX, mZ, epsSec: config.epsSec, epsCor: config.epsCor, leakEc: cas.disclosedBits + vBits });
    l = lim.key_length;
    result.decoy.y1_lower = lim.s_z1 / Math.max(1, nZ[0] + nZ[1] + nZ[2]);
    result.decoy.e1_upper = lim.phi_z;
  } else {
    l = Math.max(0, Math.floor(n * tau - cas.disclosedBits - vBits));
  }
  if (l <= 0) return abort('no secret key: error correction disclosed more than the secrecy bound allows');

  // Privacy amplification.
  const pa = privacyAmplify(A, B, n, l, rng);
  const ka = pa.a, kb = pa.b;
  result.privacy_amplification = { blocks: pa.blocks, block_bits: Math.min(n, PA_BLOCK_BITS) };
  if (!ka.every((w, i) => w === kb[i])) return abort('privacy amplification gave different keys (verification missed an error)');
  result.final_key_bits = l;
  result.key_rate_per_pulse = l / pulses;
  return { result, key: toBytes(ka, l) };
}


