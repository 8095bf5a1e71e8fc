/**
 * Privacy around any sum-only federated strategy, as a Strategy wrapper the engine runs unchanged:
 *  - secure aggregation (secagg.ts): each result becomes a client of one SecAgg/SecAgg+ round; the
 *    round's dropouts (clients that failed with reason 'dropout') leave at a random protocol stage
 *    before their masked input; the server learns only the sum, which it hands to the inner strategy's
 *    `aggregateSum`. Updates are clipped to an L2 norm on the client before masking (the documented
 *    alternative to robust aggregation, which needs individual updates and is refused);
 *  - DP-FedAvg (dp.ts; McMahan et al. 2018): Poisson client sampling at the inner policy's fractionFit,
 *    L2 clipping at S (fixed, or adaptive after Andrew et al. 2021), uniform client weights, Gaussian
 *    noise z·S on the sum (at the server, or split over the clients under secure aggregation), the
 *    fixed denominator qN, and the Rényi accountant (rdp.ts) stepped once per released aggregate.
 * Per-round facts go into the aggregation's `info`; run totals come from `report()`; all of it is in
 * `state()` so a resumed run continues the same accountant.
 *
 * @example
 * import { makeStrategy, PrivateStrategy, Rng } from 'qml6g';
 * const s = new PrivateStrategy(makeStrategy('fedavg'), { seed: 1, secureAgg: { variant: 'secagg', clip: 1 } });
 * const out = s.aggregate({ round: 1, global: new Float64Array(2) },
 *   [0, 1, 2].map((c) => ({ client: c, update: Float64Array.of(0.1 * c, 0), numExamples: 10, loss: 0.5, staleness: 0 })), []);
 * // out.kind === 'update'; s.report().secure_aggregation.aborted_rounds === 0
 */
import { QmlError, isFiniteNumber } from '../../core/errors.js';
import { Rng } from '../../core/rng.js';
import {
  requireSum, type AggregateContext, type Aggregation, type ClientSelection, type FitFailure, type FitResult,
  type QuorumPolicy, type Strategy, type StrategyState, type WeightedSum,
} from '../strategy.js';
import { secAggSetup, secureAggregate, SECAGG_STAGES, type SecAggStage, type SecAggVariant } from './secagg.js';
import { addDistributedNoise, checkNoise, clipToNorm, poissonSample, updateNoiseMultiplier, type AdaptiveClipState } from './dp.js';
import { checkDelta, RdpAccountant } from './rdp.js';

export interface SecureAggConfig {
  variant: SecAggVariant;
  /** L2 clip norm applied by each client before masking (ignored when DP clips). */
  clip: number;
  threshold?: number;
  degree?: number;
}

export interface DpConfig {
  noise: number;
  clip: number;
  delta: number;
  adaptive: boolean;
  /** Adaptive clipping: target quantile γ and geometric rate η (Andrew et al. 2021 defaults 0.5, 0.2). */
  targetQuantile?: number;
  clipLearningRate?: number;
}

export interface PrivacyConfig { seed: number; secureAgg?: SecureAggConfig; dp?: DpConfig }

/** Parses `noise=Z,clip=S,delta=D[,adaptive]` (the `--dp` flag of qml6g federate). */
export function parseDpSpec(spec: string): DpConfig {
  const out: Partial<DpConfig> = { adaptive: false };
  for (const part of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    if (part === 'adaptive') { out.adaptive = true; continue; }
    const [k, v, extra] = part.split('=');
    if (v === undefined || extra !== undefined) throw new QmlError(`malformed --dp part "${part}" (expected noise=Z,clip=S,delta=D[,adaptive])`, '--dp');
    const x = Number(v);
    if (v.trim() === '' || !Number.isFinite(x)) throw new QmlError(`--dp ${k} must be a finite number, got "${v}"`, '--dp');
    if (k === 'noise') out.noise = x;
    else if (k === 'clip') out.clip = x;
    else if (k === 'delta') out.delta = x;
    else if (k === 'quantile') out.targetQuantile = x;
    else if (k === 'clip-lr') out.clipLearningRate = x;
    else throw new QmlError(`unknown --dp key "${k}" (noise, clip, delta, adaptive, quantile, clip-lr)`, '--dp');
  }
  for (const k of ['noise', 'clip', 'delta'] as const) if (out[k] === undefined) throw new QmlError(`--dp needs ${k}=… (noise=Z,clip=S,delta=D[,adaptive])`, '--dp');
  return checkDpConfig(out as DpConfig);
}

export function checkDpConfig(c: DpConfig): DpConfig {
  checkNoise(c.noise);
  if (!isFiniteNumber(c.clip) || c.clip <= 0) throw new QmlError(`--dp clip must be > 0, got ${c.clip}`, '--dp');
  checkDelta(c.delta, '--dp delta');
  if (c.targetQuantile !== undefined && !(c.targetQuantile > 0 && c.targetQuantile < 1)) throw new QmlError(`--dp quantile must be in (0, 1), got ${c.targetQuantile}`, '--dp');
  if (c.clipLearningRate !== undefined && !(c.clipLearningRate > 0)) throw new QmlError(`--dp clip-lr must be > 0, got ${c.clipLearningRate}`, '--dp');
  return c;
}

export interface PrivacyReport {
  secure_aggregation?: { variant: SecAggVariant; aborted_rounds: number; max_abs_error_vs_plain_sum: number; rounds: number; bytes_up_per_client: number };
  privacy?: { epsilon: number; delta: number; optimal_order: number; noise_multiplier: number; sampling_rate: number; steps: number; clip: number; adaptive: boolean; epsilon_per_round: number[] };
}

type SumStrategy = Strategy & { aggregateSum(ctx: AggregateContext, s: WeightedSum): Aggregation };

export class PrivateStrategy implements Strategy {
  readonly name: string;
  readonly paper: string;
  readonly needs: 'sum' | 'individual';
  readonly policy: QuorumPolicy;
  private readonly inner: SumStrategy;
  private accountant: RdpAccountant | null;
  private clipState: AdaptiveClipState | null = null;
  private expected = 0;
  private rate = 1;
  private stats = { aborted: 0, rounds: 0, maxErr: 0, bytesUp: 0, eps: [] as number[] };

  constructor(inner: Strategy, readonly config: PrivacyConfig) {
    const why = config.secureAgg ? 'secure aggregation only reveals the sum of the updates' : 'DP-FedAvg adds its noise to the sum of the updates';
    if (inner.needs !== 'sum' || !inner.aggregateSum) {
      throw new QmlError(`strategy "${inner.name}" needs every client's update on its own, but ${why}; robust aggregation and ${config.secureAgg ? 'secure aggregation' : 'DP'} cannot be combined. Use a sum-only strategy (fedavg, fedavgm, fedprox, fedadam, fedyogi, fedadagrad) with client-side norm clipping before masking (--dp clip=S, or --secure-agg-clip), which bounds what any one client can do to the sum`, '--strategies');
    }
    this.inner = requireSum(inner);
    if (config.dp) checkDpConfig(config.dp);
    if (config.secureAgg && !(config.secureAgg.clip > 0)) throw new QmlError(`secure-aggregation clip must be > 0, got ${config.secureAgg.clip}`, '--secure-agg-clip');
    this.name = inner.name;
    this.paper = [inner.paper, config.secureAgg ? (config.secureAgg.variant === 'secagg' ? 'Bonawitz et al. 2017' : 'Bell et al. 2020') : '', config.dp ? 'McMahan et al. 2018' : ''].filter(Boolean).join('; ');
    this.needs = 'sum';
    this.policy = inner.policy;
    this.accountant = config.dp ? new RdpAccountant() : null;
    if (config.dp?.adaptive) this.clipState = { clip: config.dp.clip, targetQuantile: config.dp.targetQuantile ?? 0.5, learningRate: config.dp.clipLearningRate ?? 0.2, countNoise: 0 };
  }

  configure(round: number, available: readonly number[], rng: Rng): ClientSelection {
    const sel = this.inner.configure(round, available, rng);
    if (!this.config.dp || sel.skip) return sel;
    // DP-FedAvg: Poisson sampling at rate q over the available clients (the accountant's assumption).
    this.rate = this.inner.policy.fractionFit;
    this.expected = this.rate * available.length;
    const picked = this.rate >= 1 ? available.slice() : poissonSample(available.length, this.rate, rng).map((i) => available[i]);
    if (picked.length === 0) return { ...sel, clients: [], skip: 'Poisson sampling selected no client this round' };
    return { ...sel, clients: picked };
  }

  aggregate(ctx: AggregateContext, results: readonly FitResult[], failures: readonly FitFailure[]): Aggregation {
    if (results.length === 0) return { kind: 'skip', reason: 'no client returned a result' };
    // The inner strategy's quorum policy still decides whether the round has enough results.
    const quorum = (this.inner as Strategy & { quorumFailure?: (selected: number, results: number, failures: readonly FitFailure[]) => string | undefined }).quorumFailure;
    const why = quorum?.call(this.inner, results.length + failures.length, results.length, failures);
    if (why) return { kind: 'skip', reason: why };
    const dp = this.config.dp, sa = this.config.secureAgg;
    const rng = new Rng((this.config.seed * 1000003 + ctx.round * 7919) >>> 0);
    const info: Record<string, number> = {};
    const expected = dp ? (this.expected > 0 ? this.expected : results.length) : 0;
    // 1. Client side: clip (DP clip, or the secure-aggregation clip), weights, noise shares.
    const clip = dp ? (this.clipState?.clip ?? dp.clip) : sa!.clip;
    const norms: number[] = [];
    const clipped = results.map((r) => { const c = clipToNorm(r.update, clip); norms.push(c.norm); return c.update; });
    info.clip = clip;
    info.clipped_fraction = norms.filter((n) => n > clip).length / norms.length;
    let zUpdates = 0, countStd = 0;
    if (dp) {
      zUpdates = dp.noise;
      if (this.clipState) {
        // Andrew et al.: σ_b = expected clients / 20 (at least z, so 2σ_b > z), and the update noise
        // rises so that both queries together cost one Gaussian mechanism of multiplier z.
        this.clipState.countNoise = Math.max(expected / 20, dp.noise);
        zUpdates = updateNoiseMultiplier(dp.noise, this.clipState.countNoise);
        countStd = this.clipState.countNoise;
      }
    }
    const d = ctx.global.length;
    // Vectors the clients contribute: DP → clipped update (+ indicator ‖Δ‖ ≤ C when adaptive), uniform
    // weights; no DP → n_i Δ_i / n_max and n_i / n_max (n_max, a public bound, keeps the range fixed).
    const nMax = Math.max(...results.map((r) => r.numExamples));
    const extra = dp ? (this.clipState ? 1 : 0) : 1;
    const vectors = results.map((r, k) => {
      const v = new Float64Array(d + extra);
      if (dp) { v.set(clipped[k]); if (extra) v[d] = (norms[k] <= clip ? 1 : 0) - 0.5; } // centred: sensitivity ½
      else { const w = r.numExamples / nMax; for (let i = 0; i < d; i++) v[i] = w * clipped[k][i]; v[d] = w; }
      return v;
    });
    let sum: Float64Array;
    if (sa) {
      // Distributed noise: every client adds its share, sized for the fewest survivors (t) that can unmask.
      const cohort = results.length + failures.filter((f) => f.reason === 'dropout').length;
      if (cohort < 2) return this.abortRound('secure aggregation needs at least 2 clients in the round', info);
      const inputs = vectors.slice();
      const dropAt: (SecAggStage | null)[] = results.map(() => null);
      for (const f of failures) {
        if (f.reason !== 'dropout') continue;
        inputs.push(new Float64Array(d + extra));
        dropAt.push(SECAGG_STAGES[rng.int(3)]); // advertise, share or masked: it never sent an input
      }
      const secOpts = { variant: sa.variant, degree: sa.variant === 'secagg+' ? sa.degree : undefined, threshold: sa.threshold, seed: (this.config.seed ^ (ctx.round * 2654435761)) >>> 0, round: ctx.round };
      let threshold: number;
      try {
        threshold = secAggSetup(cohort, secOpts).threshold;
      } catch (e) {
        if (e instanceof QmlError) return this.abortRound(`secure aggregation cannot run with ${cohort} clients: ${e.message}`, info);
        throw e;
      }
      const minT = Math.min(threshold, results.length);
      if (dp) {
        for (let k = 0; k < results.length; k++) {
          const noisy = addDistributedNoise(inputs[k].subarray(0, d), clip, zUpdates, minT, rng);
          inputs[k].set(noisy);
          if (extra) inputs[k][d] += (countStd / Math.sqrt(minT)) * rng.normal();
        }
      }
      // The quantisation range covers clipped values plus ~8 standard deviations of the noise share.
      const range = dp ? clip * (1 + 8 * zUpdates / Math.sqrt(minT)) + (extra ? 1 + 8 * countStd / Math.sqrt(minT) : 0) : Math.max(clip, 1);
      const r = secureAggregate(inputs, { ...secOpts, clip: range }, dropAt);
      this.stats.rounds++;
      this.stats.bytesUp += r.bytesUpPerClient;
      info.secagg_contributors = r.contributors.length;
      info.secagg_bytes_up_per_client = r.bytesUpPerClient;
      if (r.aborted) return this.abortRound(`secure aggregation aborted at stage "${r.abortStage}": ${r.abortReason}`, info);
      // Oracle for the report: the plain sum of exactly the inputs that were masked (simulation only).
      const plain = new Float64Array(d + extra);
      for (const u of r.contributors) for (let i = 0; i < plain.length; i++) plain[i] += Math.max(-range, Math.min(range, inputs[u][i]));
      let err = 0;
      for (let i = 0; i < plain.length; i++) err = Math.max(err, Math.abs(plain[i] - r.sum![i]));
      this.stats.maxErr = Math.max(this.stats.maxErr, err);
      info.secagg_max_abs_error = err;
      sum = r.sum!;
    } else {
      sum = new Float64Array(d + extra);
      for (const v of vectors) for (let i = 0; i < v.length; i++) sum[i] += v[i];
      if (dp) {
        for (let i = 0; i < d; i++) sum[i] += zUpdates * clip * rng.normal();
        if (extra) sum[d] += countStd * rng.normal();
      }
    }
    let ws: WeightedSum;
    if (dp) {
      ws = { sum: sum.slice(0, d), weight: expected, count: results.length };
      if (this.clipState) {
        const frac = sum[d] / expected + 0.5;
        this.clipState.clip *= Math.exp(-this.clipState.learningRate * (frac - this.clipState.targetQuantile));
        info.below_clip_fraction_noisy = frac;
      }
      this.accountant!.step(dp.noise, Math.min(1, this.rate));
      const spent = this.accountant!.spent(dp.delta);
      this.stats.eps.push(spent.epsilon);
      info.epsilon = spent.epsilon;
      info.noise_multiplier_updates = zUpdates;
    } else {
      ws = { sum: Float64Array.from(sum.subarray(0, d), (v) => v * nMax), weight: sum[d] * nMax, count: results.length };
    }
    const out = this.inner.aggregateSum(ctx, ws);
    return out.kind === 'update' ? { ...out, accepted: results.map((r) => r.client), info: { ...out.info, ...info } } : out;
  }

  private abortRound(reason: string, _info: Record<string, number>): Aggregation {
    // A skipped round releases nothing: no privacy is spent; the abort is counted and its reason recorded.
    this.stats.aborted++;
    return { kind: 'skip', reason };
  }

  /** The run's totals, as `qml6g federate` reports them. */
  report(): PrivacyReport {
    const out: PrivacyReport = {};
    const sa = this.config.secureAgg, dp = this.config.dp;
    if (sa) out.secure_aggregation = { variant: sa.variant, aborted_rounds: this.stats.aborted, max_abs_error_vs_plain_sum: this.stats.maxErr, rounds: this.stats.rounds, bytes_up_per_client: this.stats.rounds ? this.stats.bytesUp / this.stats.rounds : 0 };
    if (dp && this.accountant) {
      const s = this.accountant.steps ? this.accountant.spent(dp.delta) : { epsilon: 0, optimalOrder: NaN };
      out.privacy = { epsilon: s.epsilon, delta: dp.delta, optimal_order: s.optimalOrder, noise_multiplier: dp.noise, sampling_rate: this.rate, steps: this.accountant.steps, clip: this.clipState?.clip ?? dp.clip, adaptive: dp.adaptive, epsilon_per_round: this.stats.eps.slice() };
    }
    return out;
  }

  state(): StrategyState {
    const s: StrategyState = {};
    for (const [k, v] of Object.entries(this.inner.state())) s[`inner.${k}`] = v;
    s['privacy.aborted'] = this.stats.aborted;
    s['privacy.rounds'] = this.stats.rounds;
    s['privacy.maxErr'] = this.stats.maxErr;
    s['privacy.bytesUp'] = this.stats.bytesUp;
    s['privacy.eps'] = this.stats.eps.slice();
    s['privacy.steps'] = this.accountant?.steps ?? 0;
    s['privacy.rate'] = this.rate;
    s['privacy.clip'] = this.clipState?.clip ?? 0;
    return s;
  }

  restore(s: StrategyState): void {
    const inner: StrategyState = {};
    for (const [k, v] of Object.entries(s)) if (k.startsWith('inner.')) inner[k.slice(6)] = v;
    this.inner.restore(inner);
    this.stats.aborted = Number(s['privacy.aborted'] ?? 0);
    this.stats.rounds = Number(s['privacy.rounds'] ?? 0);
    this.stats.maxErr = Number(s['privacy.maxErr'] ?? 0);
    this.stats.bytesUp = Number(s['privacy.bytesUp'] ?? 0);
    this.stats.eps = Array.isArray(s['privacy.eps']) ? (s['privacy.eps'] as number[]).slice() : [];
    this.rate = Number(s['privacy.rate'] ?? this.rate);
    if (this.accountant && this.config.dp) {
      this.accountant = new RdpAccountant();
      const steps = Number(s['privacy.steps'] ?? 0);
      if (steps > 0) this.accountant.step(this.config.dp.noise, Math.min(1, this.rate), steps);
    }
    if (this.clipState && Number(s['privacy.clip']) > 0) this.clipState.clip = Number(s['privacy.clip']);
  }
}

/**
 * Refuses, before any training, a privacy configuration that cannot run: a strategy that needs
 * individual updates (robust aggregation) combined with secure aggregation or DP.
 */
export function checkPrivacyCompatible(strategies: readonly Strategy[], config: PrivacyConfig, plannedClients?: number): void {
  for (const s of strategies) new PrivateStrategy(s, config);
  // The threshold and graph degree against the clients planned per round (t > n, t ≤ n/2, odd k).
  const sa = config.secureAgg;
  if (sa && plannedClients !== undefined) {
    if (sa.variant !== 'secagg' && sa.variant !== 'secagg+') throw new QmlError(`unknown secure aggregation "${sa.variant as string}" (secagg, secagg+)`, '--secure-agg');
    if (plannedClients < 2) throw new QmlError(`secure aggregation needs at least 2 clients per round, ${plannedClients} planned`, '--secure-agg');
    try {
      secAggSetup(plannedClients, { variant: sa.variant, threshold: sa.threshold, degree: sa.variant === 'secagg+' ? sa.degree : undefined, seed: config.seed });
    } catch (e) {
      if (e instanceof QmlError) throw new QmlError(`${e.message} (with ${plannedClients} clients planned per round)`, sa.threshold !== undefined ? '--secure-agg-threshold' : '--secure-agg-degree');
      throw e;
    }
  }
}

/** What a finished private run adds to its record: the report plus the membership audit's numbers. */
export function privateRunFields(s: PrivateStrategy, membership: { auc: number; advantage: number } | null): PrivacyReport & { privacy?: { membership_auc: number | null; membership_advantage: number | null } } {
  const r = s.report();
  return {
    ...(r.secure_aggregation ? { secure_aggregation: r.secure_aggregation } : {}),
    ...(r.privacy ? { privacy: { ...r.privacy, membership_auc: membership?.auc ?? null, membership_advantage: membership?.advantage ?? null } } : {}),
  };
}
