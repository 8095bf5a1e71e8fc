/**
 * Every aggregation strategy by name (the names of `qml6g federate --strategies`). A new strategy
 * is one file here implementing Strategy plus one entry in FACTORIES.
 */
import { QmlError } from '../../core/errors.js';
import type { QuorumPolicy, Strategy } from '../strategy.js';
import { FedAvg } from './fedavg.js';
import { FedAvgM } from './fedavgm.js';
import { FedProx } from './fedprox.js';
import { FedAdagrad, FedAdam, FedYogi, type FedOptParams } from './fedopt.js';
import { Median } from './median.js';
import { TrimmedMean } from './trimmed-mean.js';
import { Krum, MultiKrum } from './krum.js';
import { Bulyan } from './bulyan.js';
import { FLTrust, type RootUpdate } from './fltrust.js';
import { CenteredClipping } from './centered-clipping.js';
import type { RobustStrategy } from './robust.js';

export interface StrategyOptions {
  policy?: Partial<QuorumPolicy>;
  /** Byzantine clients the robust rules must tolerate (Krum, Bulyan, median, trimmed mean). */
  f?: number;
  /** Planned updates per round: when given, the robust rules' preconditions are checked now. */
  plannedClients?: number;
  /** FedProx μ (default 0.1). */
  mu?: number;
  /** FedAvgM server momentum (default 0.9). */
  momentum?: number;
  /** Server learning rate (FedAvg/FedAvgM 1; FedOpt η 0.1). */
  serverLr?: number;
  fedopt?: Partial<FedOptParams>;
  /** Trimmed-mean fraction β (default f/n). */
  trim?: number;
  /** Multi-Krum m (default n − f). */
  multiKrumKeep?: number;
  /** Centered-clipping radius τ (default: median distance each round). */
  clipTau?: number;
  /** FLTrust: the server's update on its root set. */
  rootUpdate?: RootUpdate;
}

const FACTORIES: Record<string, (o: StrategyOptions) => Strategy> = {
  fedavg: (o) => new FedAvg(o.policy, o.serverLr ?? 1),
  fedavgm: (o) => new FedAvgM(o.policy, o.momentum ?? 0.9, o.serverLr ?? 1),
  fedprox: (o) => new FedProx(o.policy, o.mu ?? 0.1),
  fedadam: (o) => new FedAdam(o.policy, { ...o.fedopt, ...(o.serverLr ? { eta: o.serverLr } : {}) }),
  fedyogi: (o) => new FedYogi(o.policy, { ...o.fedopt, ...(o.serverLr ? { eta: o.serverLr } : {}) }),
  fedadagrad: (o) => new FedAdagrad(o.policy, { ...o.fedopt, ...(o.serverLr ? { eta: o.serverLr } : {}) }),
  median: (o) => planned(new Median(o.policy, o.f ?? 0), o),
  'trimmed-mean': (o) => planned(new TrimmedMean(o.policy, o.f ?? 0, o.trim), o),
  krum: (o) => planned(new Krum(o.policy, o.f ?? 0), o),
  'multi-krum': (o) => planned(new MultiKrum(o.policy, o.f ?? 0, o.multiKrumKeep), o),
  bulyan: (o) => planned(new Bulyan(o.policy, o.f ?? 0), o),
  fltrust: (o) => {
    if (!o.rootUpdate) throw new QmlError('fltrust needs a server root set (rootUpdate)', 'strategy');
    return new FLTrust(o.policy ?? {}, o.rootUpdate);
  },
  'centered-clipping': (o) => new CenteredClipping(o.policy, o.clipTau),
};

function planned(s: RobustStrategy, o: StrategyOptions): Strategy {
  return o.plannedClients === undefined ? s : s.checkPlanned(o.plannedClients);
}

export const STRATEGY_NAMES = Object.keys(FACTORIES);

/**
 * Builds a strategy by name.
 *
 * @example
 * import { makeStrategy } from 'qml6g';
 * const krum = makeStrategy('krum', { f: 2, plannedClients: 10 }); // 10 > 2·2 + 2, so accepted
 * krum.needs; // 'individual' (secure aggregation cannot feed it)
 * // makeStrategy('krum', { f: 4, plannedClients: 10 }) throws a QmlError: Krum needs n > 2f + 2
 */
export function makeStrategy(name: string, opts: StrategyOptions = {}): Strategy {
  const f = FACTORIES[name];
  if (!f) throw new QmlError(`unknown strategy "${name}" (known: ${STRATEGY_NAMES.join(', ')})`, '--strategies');
  return f(opts);
}

export { FedAvg, FedAvgM, FedProx, FedAdam, FedYogi, FedAdagrad, Median, TrimmedMean, Krum, MultiKrum, Bulyan, FLTrust, CenteredClipping };
export { weightedMean } from './fedavg.js';
export { momentumStep } from './fedavgm.js';
export { proximalTerm, addProximalGradient } from './fedprox.js';
export { fedOptStep, FEDOPT_DEFAULTS, type FedOptKind, type FedOptParams } from './fedopt.js';
export { coordinateMedian } from './median.js';
export { trimmedMean } from './trimmed-mean.js';
export { krum, multiKrum, krumScores, multiKrumSelect, krumPrecondition } from './krum.js';
export { bulyan, bulyanSelect, bulyanPrecondition } from './bulyan.js';
export { fltrust, type RootUpdate } from './fltrust.js';
export { centeredClip } from './centered-clipping.js';
export { RobustStrategy } from './robust.js';
