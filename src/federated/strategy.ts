/**
 * The Strategy interface: how a federated server picks the clients of a round and turns their
 * results (and failures, which are data, never exceptions) into new global parameters, or into a
 * recorded decision to skip the round. The shape follows Flower's Strategy (configure_fit /
 * aggregate_fit), with updates as Float64Array deltas Δ_i = w_i − w_global.
 *
 * What the server sees matters for privacy (secure aggregation, DP in `privacy/`): a strategy
 * declares `needs`:
 *  - 'sum': it only ever uses the weighted sum Σ n_i Δ_i, the total weight Σ n_i and the count
 *    (FedAvg, FedAvgM, FedProx, FedAdam/Yogi/Adagrad). Such a strategy implements `aggregateSum`,
 *    and secure aggregation can feed it the masked sum without revealing any single update.
 *  - 'individual': it needs every update on its own (median, trimmed mean, Krum, Bulyan, FLTrust,
 *    centered clipping). Secure aggregation cannot feed these; `requireSum` says so with a QmlError.
 *
 * @example
 * import { makeStrategy, Rng } from 'qml6g';
 * const s = makeStrategy('fedavg');
 * const plan = s.configure(1, [0, 1, 2], new Rng(1));
 * const out = s.aggregate({ round: 1, global: new Float64Array(2) },
 *   [{ client: 0, update: Float64Array.of(1, 0), numExamples: 1, loss: 0.5, staleness: 0 },
 *    { client: 1, update: Float64Array.of(0, 1), numExamples: 3, loss: 0.4, staleness: 0 }], []);
 * // plan.clients = [0, 1, 2]; out = { kind: 'update', params: [0.25, 0.75], ... }
 */
import { QmlError } from '../core/errors.js';
import type { Rng } from '../core/rng.js';
import { checkUpdates } from './vec.js';

/** What each selected client is asked to do this round (FedProx sets proxMu). */
export interface FitInstructions {
  /** Proximal coefficient μ of FedProx: the client adds μ/2·‖w − w_global‖² to its loss. 0 = none. */
  proxMu: number;
  /** Optional overrides of the client's own local settings. */
  epochs?: number;
  lr?: number;
}

export interface ClientSelection {
  round: number;
  clients: number[];
  instructions: FitInstructions;
  /** Set when the round cannot start (too few available clients): the reason recorded. */
  skip?: string;
}

/** One client's result: its update Δ = w_local − w_global and how much data it came from. */
export interface FitResult {
  client: number;
  update: Float64Array;
  numExamples: number;
  /** The client's local training loss (mean over its last epoch). */
  loss: number;
  /** Rounds between the global model the client started from and the one it is applied to (FedBuff). */
  staleness: number;
}

export type FailureReason = 'dropout' | 'straggler' | 'link-down' | 'partition' | 'invalid-update' | 'error' | 'refused' | 'withheld';
export interface FitFailure { client: number; reason: FailureReason; detail?: string }

export interface AggregateContext {
  round: number;
  /** The current global parameters (never modified by a strategy). */
  global: Float64Array;
}

export type Aggregation =
  | { kind: 'update'; params: Float64Array; /** Clients whose updates the rule kept (robust rules drop some). */ accepted: number[]; info: Record<string, number> }
  | { kind: 'skip'; reason: string };

/** The quorum policy (Flower's names): who is asked and how many results a round needs. */
export interface QuorumPolicy {
  /** Fraction of available clients sampled per round (1 = all). */
  fractionFit: number;
  /** At least this many clients are sampled; fewer available → round skipped. */
  minFitClients: number;
  /** At least this many clients must be available for the round to start. */
  minAvailableClients: number;
  /** When false, any failure skips the round. */
  acceptFailures: boolean;
  /** Fraction of the selected clients whose results must arrive (0..1). */
  minResultsFraction: number;
}

export const DEFAULT_POLICY: QuorumPolicy = { fractionFit: 1, minFitClients: 2, minAvailableClients: 2, acceptFailures: true, minResultsFraction: 0 };

/** The weighted sum a sum-only strategy needs: Σ w_i Δ_i, Σ w_i and the number of updates. */
export interface WeightedSum { sum: Float64Array; weight: number; count: number }

/** Serialisable server state (momentum, Adam moments, the clipping centre) for --resume. */
export type StrategyState = Record<string, number[] | number>;

export interface Strategy {
  readonly name: string;
  /** Paper the rule comes from. */
  readonly paper: string;
  readonly needs: 'sum' | 'individual';
  readonly policy: QuorumPolicy;
  configure(round: number, available: readonly number[], rng: Rng): ClientSelection;
  aggregate(ctx: AggregateContext, results: readonly FitResult[], failures: readonly FitFailure[]): Aggregation;
  /** Sum-only strategies: the aggregation from the weighted sum alone (what secure aggregation yields). */
  aggregateSum?(ctx: AggregateContext, s: WeightedSum): Aggregation;
  state(): StrategyState;
  restore(s: StrategyState): void;
}

/** A strategy that secure aggregation can feed, or a QmlError naming why not. */
export function requireSum(s: Strategy): Strategy & { aggregateSum(ctx: AggregateContext, s: WeightedSum): Aggregation } {
  if (s.needs !== 'sum' || !s.aggregateSum) throw new QmlError(`strategy "${s.name}" needs every client's update on its own; secure aggregation only reveals their sum (use fedavg, fedavgm, fedprox, fedadam, fedyogi or fedadagrad)`, '--strategies');
  return s as Strategy & { aggregateSum(ctx: AggregateContext, s: WeightedSum): Aggregation };
}

export function checkPolicy(p: QuorumPolicy): QuorumPolicy {
  const bad = (m: string): never => { throw new QmlError(m, 'policy'); };
  if (!(p.fractionFit > 0 && p.fractionFit <= 1)) bad(`fractionFit must be in (0, 1], got ${p.fractionFit}`);
  if (!Number.isInteger(p.minFitClients) || p.minFitClients < 1) bad(`minFitClients must be a positive integer, got ${p.minFitClients}`);
  if (!Number.isInteger(p.minAvailableClients) || p.minAvailableClients < 1) bad(`minAvailableClients must be a positive integer, got ${p.minAvailableClients}`);
  if (!(p.minResultsFraction >= 0 && p.minResultsFraction <= 1)) bad(`minResultsFraction must be in [0, 1], got ${p.minResultsFraction}`);
  return p;
}

/** Σ n_i Δ_i over the results (weights = numExamples × the FedBuff staleness weight the engine folded in). */
export function weightedSum(results: readonly FitResult[]): WeightedSum {
  const d = checkUpdates(results.map((r) => r.update));
  const sum = new Float64Array(d);
  let weight = 0;
  for (const r of results) {
    const w = r.numExamples;
    if (!(w > 0)) throw new QmlError(`client ${r.client} reports ${r.numExamples} examples; weights must be positive`);
    for (let i = 0; i < d; i++) sum[i] += w * r.update[i];
    weight += w;
  }
  return { sum, weight, count: results.length };
}

/** global + step, as a new array. */
export function applyStep(global: Float64Array, step: Float64Array, scale = 1): Float64Array {
  const out = Float64Array.from(global);
  for (let i = 0; i < out.length; i++) out[i] += scale * step[i];
  return out;
}

/**
 * Quorum and sampling shared by every strategy; a strategy only supplies `combine` (individual
 * updates) or `combineSum` (weighted sum).
 */
export abstract class BaseStrategy implements Strategy {
  abstract readonly name: string;
  abstract readonly paper: string;
  abstract readonly needs: 'sum' | 'individual';
  readonly policy: QuorumPolicy;
  constructor(policy: Partial<QuorumPolicy> = {}) {
    this.policy = checkPolicy({ ...DEFAULT_POLICY, ...policy });
  }

  protected instructions(): FitInstructions {
    return { proxMu: 0 };
  }

  configure(round: number, available: readonly number[], rng: Rng): ClientSelection {
    const p = this.policy, instructions = this.instructions();
    if (available.length < p.minAvailableClients) return { round, clients: [], instructions, skip: `${available.length} clients available, the policy needs ${p.minAvailableClients}` };
    const k = Math.max(p.minFitClients, Math.ceil(p.fractionFit * available.length));
    if (k > available.length) return { round, clients: [], instructions, skip: `${available.length} clients available, ${k} must be sampled` };
    const pool = available.slice();
    if (k < pool.length) rng.shuffle(pool);
    return { round, clients: pool.slice(0, k).sort((a, b) => a - b), instructions };
  }

  /** Why the round must be skipped for lack of results, or undefined. */
  quorumFailure(selected: number, results: number, failures: readonly FitFailure[]): string | undefined {
    const p = this.policy;
    if (failures.length > 0 && !p.acceptFailures) return `${failures.length} client(s) failed and the policy accepts no failures`;
    if (results === 0) return 'no client returned a result';
    if (results < p.minFitClients) return `${results} result(s), the policy needs ${p.minFitClients}`;
    if (results < p.minResultsFraction * selected) return `${results} of ${selected} results, the policy needs ${Math.round(p.minResultsFraction * 100)}%`;
    return undefined;
  }

  aggregate(ctx: AggregateContext, results: readonly FitResult[], failures: readonly FitFailure[]): Aggregation {
    const why = this.quorumFailure(results.length + failures.length, results.length, failures);
    if (why) return { kind: 'skip', reason: why };
    checkUpdates(results.map((r) => r.update), `${this.name}`);
    return this.combine(ctx, results);
  }

  protected abstract combine(ctx: AggregateContext, results: readonly FitResult[]): Aggregation;

  state(): StrategyState { return {}; }
  restore(_s: StrategyState): void { /* stateless */ }
}

/** Base of the strategies that only need the weighted sum (secure-aggregation compatible). */
export abstract class SumStrategy extends BaseStrategy {
  readonly needs = 'sum' as const;
  protected combine(ctx: AggregateContext, results: readonly FitResult[]): Aggregation {
    const out = this.aggregateSum(ctx, weightedSum(results));
    return out.kind === 'update' ? { ...out, accepted: results.map((r) => r.client) } : out;
  }
  abstract aggregateSum(ctx: AggregateContext, s: WeightedSum): Aggregation;
}

export function floatState(v: Float64Array | null): number[] {
  return v ? Array.from(v) : [];
}
export function restoreFloats(s: StrategyState, key: string): Float64Array | null {
  const a = s[key];
  return Array.isArray(a) && a.length ? Float64Array.from(a) : null;
}
