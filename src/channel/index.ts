/**
 * The channel layer's public API (see docs/architecture.md): quantum key distribution (BB84 with
 * decoy states at the photon level, eavesdroppers, Cascade, Toeplitz privacy amplification,
 * asymptotic and finite-key lengths), the post-quantum hybrid channel for model updates (X-Wing,
 * ML-DSA-65, an HKDF combiner bound to the transcript, XChaCha20-Poly1305), and ETSI GS QKD 014 key
 * delivery backed by the simulated links.
 *
 * @example
 * import { linkParams, maxDistance, runBB84, BB84_DEFAULTS, cascadeMonteCarlo, tomamichelKeyLength } from 'qml6g';
 * // Where does the key run out with the GYS parameters? ≈ 142 km with infinitely many decoys.
 * maxDistance(linkParams({ distanceKm: 0 }), 'infinite');
 * // One run of 10⁶ pulses over 25 km with an eavesdropper on half of them: the QBER gives her away.
 * const { result } = runBB84({ ...BB84_DEFAULTS, link: linkParams({ distanceKm: 25 }), eve: 'intercept:0.5' });
 * result.aborted; // true: the QBER (≈ 15% expected) is above the 11% threshold
 * cascadeMonteCarlo({ qber: 0.05, bits: 10_000, runs: 10, schedule: 'original', seed: 1 }).efficiency_mean; // ≈ 1.19
 * tomamichelKeyLength({ n: 1e5, k: 1e4, qber: 0.01, epsSec: 1e-10, epsCor: 1e-15 }).key_length; // 57823
 *
 * @example
 * import { QkdKeyStore, startKms, Etsi014Client, establishSession, generateKeyPair, linkParams } from 'qml6g';
 * // A key manager over a simulated 20 km link, served as ETSI GS QKD 014 on a free port.
 * const store = new QkdKeyStore({ links: [{ saeA: 'edge-1', saeB: 'agg', link: linkParams({ distanceKm: 20 }) }] });
 * const kms = await startKms(store, { port: 0 });
 * const qkd = new Etsi014Client(kms.url);
 * // QKD key + X-Wing secret → one session key per direction; updates sealed with XChaCha20-Poly1305.
 * const s = await establishSession({ mode: 'qkd+pqc', run: 'r1', qkd,
 *   client: { id: 'edge-1', signing: generateKeyPair() }, server: { id: 'agg', signing: generateKeyPair() } });
 * const sealed = s.client.up.seal(new Float64Array([0.1, 0.2]), 0);
 * s.server.up.open(sealed, 0); // Float64Array [0.1, 0.2]; a replay or a flipped bit throws RefusedUpdate
 * await kms.close();
 */
export { GYS, DECOY_METHODS, linkParams, validateLink, transmittance, siftFactor, type LinkParams, type DecoyMethod } from './qkd/params.js';
export { h2 as binaryEntropy, h2Inverse as binaryEntropyInverse, shorPreskillRate } from './qkd/entropy.js';
export { expectedGain, expectedQber, singlePhoton, vacuumWeakBounds, decoyRate, decoyRateSigned, gllpRate, gllpRateSigned, analyticRate, analyticRateSigned, rateFromObservables, expectedObservables, type RateObservables, optimiseMu, rateAt, maxDistance, analyticSweep, type CurvePoint, type DecoyBounds } from './qkd/analytic.js';
export { simulatePulses, intensityProbs, type PulseRecord } from './qkd/simulate.js';
export { sift, type Sifted } from './qkd/sift.js';
export { pack as packBits, unpack as unpackBits, hammingDistance as packedHammingDistance, toBytes as packedBitsToBytes } from './qkd/bits.js';
export { cascade, cascadeMonteCarlo, cascadeSchedule, CASCADE_SCHEDULES, type CascadeResult, type CascadeStats, type CascadeScheduleName } from './qkd/cascade.js';
export { toeplitzHash, toeplitzSeed, verificationBits } from './qkd/toeplitz.js';
export { tomamichelKeyLength, tomamichelMu, tomamichelExpectedRate, limKeyLength, type LimCounts, type LimResult } from './qkd/finite.js';
export { runBB84, validateBb84, BB84_DEFAULTS, type Bb84Config, type Bb84Result } from './qkd/protocol.js';
export { parseSweep, simulatedPoints, simulatedPointsAt, POINT_LEVEL, type SimulatedPoint } from './qkd/sweep.js';
export { countsOf, addCounts, observedObservables, rateFromCounts, pooledRate, type RateCounts } from './qkd/estimate.js';
export { type Eavesdropper, type ChannelAction, honestAction, poisson as photonNumberDistribution } from './qkd/eve/eavesdropper.js';
export { InterceptResend } from './qkd/eve/intercept.js';
export { PhotonNumberSplitting, pnsPlan, pnsMatchDistance } from './qkd/eve/pns.js';
export { DetectorBlinding } from './qkd/eve/blinding.js';
export { DenialOfService } from './qkd/eve/dos.js';
export { parseEavesdropper, EAVESDROPPER_NAMES } from './qkd/eve/registry.js';
export { hybridKeygen, hybridEncapsulate, hybridDecapsulate, HYBRID_KEM, XWING_SIZES, type KemKeyPair } from './pqc/hybrid.js';
export { deriveSessionKey, transcriptHash, COMBINER_LABEL } from './pqc/combiner.js';
export { UpdateSealer, UpdateOpener, RefusedUpdate, associatedData, encodeParams, decodeParams, AEAD_NAME, type SealedUpdate, type UpdateHeader, type RefusalReason } from './pqc/aead.js';
export { establishSession, HandshakeRefused, QkdUnavailable, CHANNEL_MODES, type ChannelMode, type QkdKeySource, type SessionPair, type Party } from './pqc/session.js';
export { QkdKeyStore, KmsError, KMS_DEFAULTS, storeKeySource, optimisedLink, type KmsLinkConfig, type KmsOptions, type LinkStats } from './kms/store.js';
export { etsi014App, startKms, ETSI_PREFIX, type RunningKms } from './kms/server.js';
export { Etsi014Client, KeyRequestRefused } from './kms/client.js';
export { SecureChannelTransport, parseTaps, defaultChannelLink, QKD_POLICIES, AGGREGATOR_SAE, clientSae, type QkdPolicy, type ChannelTap, type SecureChannelConfig, type LinkRound } from './secure-transport.js';
