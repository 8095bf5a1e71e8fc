// Issue-11 acceptance measurement: DP-FedAvg on NSL-KDD for the 8-qubit VQC and the MLP, one run per
// noise multiplier z (z = 0: no DP): test accuracy, the Rényi accountant's ε (δ = 1e-5) and the
// loss-threshold membership-inference AUC (Yeom et al. 2018) of the final global model. A control on
// random labels (pure memorisation) shows what the attack finds when a model does leak.
// Run after npm run build:  node scripts/privacy-utility.mjs [mlp,vqc,memorise] [rounds] [clients] [out-dir]
// With out-dir, the privacy-utility curves (accuracy and membership AUC against ε) are written there as SVG.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Rng } from '../dist/core/rng.js';
import { defaultFederateConfig, prepareFederation } from '../dist/federated/experiment.js';
import { privacyUtility } from '../dist/federated/privacy/utility.js';
import { ClientPool } from '../dist/federated/pool.js';
import { lineSpec, renderSvg } from '../dist/report/plot.js';
const which = (process.argv[2] ?? 'mlp,vqc,memorise').split(','), rounds = Number(process.argv[3] ?? 10), clients = Number(process.argv[4] ?? 20);
const noises = [0, 0.3, 0.7, 1.5, 4];
const pool = ClientPool.create(2);
const out = [];
const log = (name) => (r) => console.error(`${name.padEnd(9)} z=${String(r.noise).padEnd(4)} ε=${(r.epsilon?.toFixed(2) ?? '∞').padStart(7)}  accuracy ${r.accuracy.toFixed(3)}  MIA AUC ${r.mia_auc.toFixed(3)} (member loss ${r.train_loss.toFixed(3)}, non-member ${r.test_loss.toFixed(3)})  ${r.seconds.toFixed(0)} s`);
for (const name of which) {
  let cfg;
  if (name === 'memorise') {
    const rng = new Rng(5), F = 16, file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'qml6g-mia-')), 'random-labels.csv');
    const lines = [[...Array.from({ length: F }, (_, i) => `f${i}`), 'label'].join(',')];
    for (let r = 0; r < 600; r++) lines.push([...Array.from({ length: F }, () => rng.normal().toFixed(4)), rng.next() < 0.5 ? 'a' : 'b'].join(','));
    fs.writeFileSync(file, lines.join('\n'));
    cfg = { ...defaultFederateConfig(), data: file, label: 'label', model: { type: 'mlp', hidden: [64] }, clients: 4, rounds, localEpochs: 20, lr: 0.01, batchSize: 8, rootRows: 5, testFraction: 0.5, malicious: 0, attacks: ['none'], seed: 1, policy: { minFitClients: 1 } };
  } else {
    cfg = { ...defaultFederateConfig(), model: name === 'vqc' ? { type: 'vqc', qubits: 8, layers: 2 } : { type: 'mlp', hidden: [64, 32] }, clients, rounds,
      localEpochs: name === 'mlp' ? 5 : 1, lr: name === 'mlp' ? 0.01 : 0.05, batchSize: 8, maxRows: 40 * clients + 600, rootRows: 20, malicious: 0, attacks: ['none'],
      policy: { fractionFit: 0.5, minFitClients: 1 }, seed: 1 };
  }
  const prep = prepareFederation(cfg);
  const rows = await privacyUtility(prep, { noises, clip: name === 'memorise' ? 5 : 1, delta: 1e-5, pool, miaRows: 400, onRow: log(name) });
  out.push(...rows.map((r) => ({ ...r, setting: name })));
}
await pool.close();
const dir = process.argv[5];
if (dir) {
  fs.mkdirSync(dir, { recursive: true });
  // ε = ∞ (no DP) is drawn at the right edge, one decade beyond the largest finite ε.
  const finite = out.filter((r) => r.epsilon !== null).map((r) => r.epsilon);
  const edge = 10 * Math.max(...finite);
  const pts = (key) => out.map((r) => ({ series: r.setting, x: r.epsilon ?? edge, y: r[key] }));
  fs.writeFileSync(path.join(dir, 'accuracy-vs-epsilon.svg'), await renderSvg(lineSpec(`test accuracy against ε (δ = 1e-5; rightmost point: no DP)`, pts('accuracy'), { x: 'ε', y: 'accuracy', series: 'setting', xLog: true, yDomain: [0, 1] })));
  fs.writeFileSync(path.join(dir, 'membership-auc-vs-epsilon.svg'), await renderSvg(lineSpec('membership-inference AUC against ε (0.5 = nothing learnt)', pts('mia_auc'), { x: 'ε', y: 'AUC', series: 'setting', xLog: true, yDomain: [0.3, 1] })));
  console.error(`curves written to ${dir}`);
}
console.log(JSON.stringify({ rows: out, rounds, clients, noises }));
