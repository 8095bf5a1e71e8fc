/**
 * The channel layer's public API (see docs/architecture.md): quantum key distribution (BB84 with
 * decoy states at the photon level, eavesdroppers, Cascade, Toeplitz privacy amplification,
 * asymptotic and finite-key lengths).
 *
 * @example
 * import { linkParams, maxDistance, runBB84, BB84_DEFAULTS, cascadeMonteCarlo, tomamichelKeyLength } from 'qml6g';
 * // Where does the key run out with the GYS parameters? ≈ 142 km with infinitely many decoys.
 * maxDistance(linkParams({ distanceKm: 0 }), 'infinite');
 * // One run of 10⁶ pulses over 25 km with an eavesdropper on half of them: the QBER gives her away.
 * const { result } = runBB84({ ...BB84_DEFAULTS, link: linkParams({ distanceKm: 25 }), eve: 'intercept:0.5' });
 * result.aborted; // true: QBER ≈ 15.5% is above 11%
 * cascadeMonteCarlo({ qber: 0.05, bits: 10_000, runs: 10, schedule: 'original', seed: 1 }).efficiency_mean; // ≈ 1.19
 * tomamichelKeyLength({ n: 1e5, k: 1e4, qber: 0.01, epsSec: 1e-10, epsCor: 1e-15 }).key_length; // 57823
 */
export { GYS, DECOY_METHODS, linkParams, validateLink, transmittance, siftFactor, type LinkParams, type DecoyMethod } from './qkd/params.js';
export { h2 as binaryEntropy, h2Inverse as binaryEntropyInverse, shorPreskillRate } from './qkd/entropy.js';
export { expectedGain, expectedQber, singlePhoton, vacuumWeakBounds, decoyRate, gllpRate, analyticRate, optimiseMu, rateAt, maxDistance, analyticSweep, type CurvePoint, type DecoyBounds } from './qkd/analytic.js';
export { simulatePulses, intensityProbs, type PulseRecord } from './qkd/simulate.js';
export { sift, type Sifted } from './qkd/sift.js';
export { pack as packBits, unpack as unpackBits, hammingDistance as packedHammingDistance, toBytes as packedBitsToBytes } from './qkd/bits.js';
export { cascade, cascadeMonteCarlo, cascadeSchedule, CASCADE_SCHEDULES, type CascadeResult, type CascadeStats, type CascadeScheduleName } from './qkd/cascade.js';
export { toeplitzHash, toeplitzSeed, verificationBits } from './qkd/toeplitz.js';
export { tomamichelKeyLength, tomamichelMu, limKeyLength, type LimCounts, type LimResult } from './qkd/finite.js';
export { runBB84, validateBb84, BB84_DEFAULTS, type Bb84Config, type Bb84Result } from './qkd/protocol.js';
export { parseSweep, simulatedPoints, sweepChart, type SimulatedPoint } from './qkd/sweep.js';
export { type Eavesdropper, type ChannelAction, honestAction, poisson as photonNumberDistribution } from './qkd/eve/eavesdropper.js';
export { InterceptResend } from './qkd/eve/intercept.js';
export { PhotonNumberSplitting, pnsPlan, pnsMatchDistance } from './qkd/eve/pns.js';
export { DetectorBlinding } from './qkd/eve/blinding.js';
export { DenialOfService } from './qkd/eve/dos.js';
export { parseEavesdropper, EAVESDROPPER_NAMES } from './qkd/eve/registry.js';
