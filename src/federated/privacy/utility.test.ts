import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Rng } from '../../core/rng.js';
import { defaultFederateConfig, prepareFederation } from '../experiment.js';
import { ClientPool } from '../pool.js';
import { privacyUtility } from './utility.js';

/**
 * The memorisation setting (random labels, Zhang et al. 2017): whatever a model gets right on its
 * training rows it can only have memorised, so the loss-threshold attack has something to find.
 * DP-FedAvg must push its AUC back toward 0.5 as ε falls.
 */
test('membership-inference AUC falls toward 0.5 as DP noise rises (ε falls)', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qml6g-mia-'));
  const file = path.join(dir, 'random-labels.csv');
  const rng = new Rng(5), F = 16;
  const lines = [[...Array.from({ length: F }, (_, i) => `f${i}`), 'label'].join(',')];
  for (let r = 0; r < 300; r++) lines.push([...Array.from({ length: F }, () => rng.normal().toFixed(4)), rng.next() < 0.5 ? 'a' : 'b'].join(','));
  fs.writeFileSync(file, lines.join('\n'));
  const pool = ClientPool.create(1);
  try {
    const prep = prepareFederation({
      ...defaultFederateConfig(), data: file, label: 'label', model: { type: 'mlp', hidden: [64] }, clients: 4, rounds: 10, localEpochs: 20, lr: 0.01, batchSize: 8,
      rootRows: 5, testFraction: 0.5, malicious: 0, attacks: ['none'], seed: 1, policy: { minFitClients: 1 },
    });
    const rows = await privacyUtility(prep, { noises: [0, 0.5, 2], clip: 5, delta: 1e-5, pool, miaRows: 200 });
    const [none, mid, strong] = rows;
    assert.equal(none.epsilon, null);
    assert.ok(mid.epsilon! > strong.epsilon!, 'ε falls as the noise rises');
    assert.ok(none.mia_auc > 0.75, `the non-private model memorises: AUC ${none.mia_auc}`);
    assert.ok(strong.mia_auc < 0.62 && mid.mia_auc < none.mia_auc - 0.15, `AUCs ${rows.map((r) => r.mia_auc.toFixed(3)).join(', ')}`);
  } finally {
    await pool.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
