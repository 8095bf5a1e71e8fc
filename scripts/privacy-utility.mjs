// Issue-11 acceptance measurement: DP-FedAvg on NSL-KDD for the 8-qubit VQC and the MLP; accuracy,
// the accountant's ε and the loss-threshold membership-inference AUC for each noise multiplier.
// Run after npm run build:  node scripts/privacy-utility.mjs [vqc|mlp|both] [rounds] [clients]
import { defaultFederateConfig, prepareFederation } from '../dist/federated/experiment.js';
import { privacyUtility } from '../dist/federated/privacy/utility.js';
import { ClientPool } from '../dist/federated/pool.js';
const which = process.argv[2] ?? 'both', rounds = Number(process.argv[3] ?? 15), clients = Number(process.argv[4] ?? 20);
const models = { vqc: { type: 'vqc', qubits: 8, layers: 2 }, mlp: { type: 'mlp', hidden: [64, 32] } };
const pool = ClientPool.create(2);
const out = [];
for (const name of which === 'both' ? ['mlp', 'vqc'] : [which]) {
  const cfg = { ...defaultFederateConfig(), model: models[name], clients, rounds, localEpochs: name === 'mlp' ? 10 : 2, lr: name === 'mlp' ? 0.01 : 0.05,
    batchSize: 8, maxRows: 60 * clients + 800, malicious: 0, attacks: ['none'], policy: { fractionFit: 0.5, minFitClients: 1 }, seed: 1 };
  const prep = prepareFederation(cfg);
  const rows = await privacyUtility(prep, { noises: [0, 0.3, 0.7, 1.5, 4], clip: 1, delta: 1e-5, pool, miaRows: 600,
    onRow: (r) => console.error(`${name} z=${r.noise} ε=${r.epsilon?.toFixed(2) ?? '∞'} acc=${r.accuracy.toFixed(3)} mia_auc=${r.mia_auc.toFixed(3)} (train loss ${r.train_loss.toFixed(3)}, test ${r.test_loss.toFixed(3)}) ${r.seconds.toFixed(1)} s`) });
  out.push(...rows);
}
await pool.close();
console.log(JSON.stringify({ rows: out }));
