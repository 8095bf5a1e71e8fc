/**
 * What differential privacy costs and buys in one federated experiment: for each noise multiplier z,
 * DP-FedAvg (McMahan et al. 2018) on the same clients and rounds, then the global model's test
 * accuracy (the cost), the accountant's ε (Mironov et al. 2019) and the AUC of the loss-threshold
 * membership-inference attack (Yeom et al. 2018) on the clients' training rows against held-out rows
 * (what privacy buys: it should fall toward 0.5 as ε falls). z = 0 is the non-private baseline.
 *
 * @example
 * import { defaultFederateConfig, prepareFederation, privacyUtility, ClientPool } from 'qml6g';
 * const prep = prepareFederation({ ...defaultFederateConfig(), model: { type: 'mlp' }, clients: 10, rounds: 5, maxRows: 1200, malicious: 0 });
 * // const rows = await privacyUtility(prep, { noises: [0, 1, 4], clip: 1, delta: 1e-5, pool: ClientPool.create(1) });
 * // rows[i] = { noise, epsilon, accuracy, mia_auc, ... }
 */
import { QmlError } from '../../core/errors.js';
import { createModel, isQuantumType } from '../../qml/models/registry.js';
import { evaluateGlobal, simulate } from '../engine.js';
import { clientSpecs, toClientData, type Prepared } from '../experiment.js';
import type { ClientPool } from '../pool.js';
import { subSeed } from '../seeds.js';
import { makeStrategy } from '../strategies/index.js';
import { membershipAudit } from './audit.js';
import { PrivateStrategy, type SecureAggConfig } from './private-strategy.js';

export interface PrivacyUtilityOptions {
  /** Noise multipliers; 0 = no DP (the baseline). */
  noises: number[];
  clip: number;
  delta: number;
  adaptive?: boolean;
  secureAgg?: SecureAggConfig;
  pool: ClientPool;
  /** Rows of each side of the membership test (members from the clients, non-members from the test set). */
  miaRows?: number;
  onRow?: (row: PrivacyUtilityRow) => void;
}

export interface PrivacyUtilityRow {
  model: string;
  noise: number;
  epsilon: number | null;
  delta: number;
  accuracy: number;
  balanced_accuracy: number;
  mia_auc: number;
  mia_advantage: number;
  train_loss: number;
  test_loss: number;
  seconds: number;
}

export async function privacyUtility(prep: Prepared, o: PrivacyUtilityOptions): Promise<PrivacyUtilityRow[]> {
  const c = prep.config;
  if (!o.noises.length) throw new QmlError('no noise multiplier given');
  for (const z of o.noises) if (!(z >= 0) || !Number.isFinite(z)) throw new QmlError(`noise multipliers must be ≥ 0 (0 = no DP), got ${z}`);
  const data = prep.clientRaw.map((d) => toClientData(prep.clean, d));
  const test = toClientData(prep.clean, prep.test);
  const specs = clientSpecs(prep);
  const rows: PrivacyUtilityRow[] = [];
  for (const z of o.noises) {
    const t0 = performance.now();
    const inner = makeStrategy('fedavg', { policy: c.policy });
    const strategy = z > 0 || o.secureAgg
      ? new PrivateStrategy(inner, { seed: c.seed, secureAgg: o.secureAgg, dp: z > 0 ? { noise: z, clip: o.clip, delta: o.delta, adaptive: !!o.adaptive } : undefined })
      : inner;
    const model = createModel(c.model, test.cols, prep.numClasses, c.seed);
    const out = await simulate({
      rounds: c.rounds, seed: subSeed(c.seed, 0xf1), numClasses: prep.numClasses, model: c.model, clients: specs, data, malicious: data.map(() => false), attack: null,
      strategy, test, faults: c.faults, init: Float64Array.from(model.params),
      headOffset: isQuantumType(c.model.type) && model.headOffset !== undefined ? model.headOffset : model.params.length, pool: o.pool,
    });
    const ev = evaluateGlobal(createModel(c.model, test.cols, prep.numClasses, c.seed), out.params, test, null, prep.numClasses);
    const mia = membershipAudit(c.model, prep.numClasses, c.seed, out.params, data, test, o.miaRows ?? 400);
    const priv = strategy instanceof PrivateStrategy ? strategy.report().privacy : undefined;
    const row: PrivacyUtilityRow = {
      model: c.model.type, noise: z, epsilon: priv ? priv.epsilon : null, delta: o.delta, accuracy: ev.accuracy, balanced_accuracy: ev.balanced_accuracy,
      mia_auc: mia.auc, mia_advantage: mia.advantage, train_loss: mia.train_loss, test_loss: mia.test_loss, seconds: (performance.now() - t0) / 1000,
    };
    rows.push(row);
    o.onRow?.(row);
  }
  return rows;
}
