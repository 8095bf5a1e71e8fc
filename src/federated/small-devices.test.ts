import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { QmlError } from '../core/errors.js';
import { assertClose } from '../testing/shared.js';
import { checkFederateConfig, defaultFederateConfig, prepareFederation, runFederated, type FederateConfig } from './experiment.js';
import { ClientPool } from './pool.js';

const pool = ClientPool.create(1);
after(async () => { await pool.close(); });

const base: FederateConfig = {
  ...defaultFederateConfig(), data: 'iris', model: { type: 'vqc', qubits: 4, layers: 1 }, clients: 3, rounds: 2, localEpochs: 1, batchSize: 8, lr: 0.05, seed: 2, rootRows: 10,
};

test('clients narrower than the model train through circuit cutting: exact devices reproduce the uncut run, the cost is recorded per round', async () => {
  const wide = await runFederated(prepareFederation(base), 'fedavg', 'none', { pool });
  const cfg = { ...base, deviceQubits: [4, 2, 2] };
  const cut = await runFederated(prepareFederation(cfg), 'fedavg', 'none', { pool });
  for (let r = 0; r < base.rounds; r++) {
    const a = wide.rounds[r], b = cut.rounds[r];
    assertClose(b.loss, a.loss, 1e-8, `round ${r + 1} loss`);
    assert.equal(b.accuracy, a.accuracy, `round ${r + 1} accuracy`);
    assert.equal(a.cut_clients, 0);
    assert.equal(b.cut_clients, 2, 'the two narrow clients trained through cutting');
    assert.ok(b.cut_evaluations > 0, 'their values and gradients came from fragments');
    assert.equal(b.cut_shots, 0, 'exact devices spend no shots');
  }
});

test('narrow clients on shot-based devices spend fragment shots every round', async () => {
  const cfg = { ...base, rounds: 1, clients: 2, devices: 'shots' as const, deviceQubits: 2 };
  const r = await runFederated(prepareFederation(cfg), 'fedavg', 'none', { pool });
  assert.equal(r.rounds[0].cut_clients, 2);
  assert.ok(r.rounds[0].cut_shots > 0);
});

test('bad device widths: a list of the wrong length, NISQ read-out on narrow devices, a classical model', () => {
  assert.throws(() => checkFederateConfig({ ...base, deviceQubits: [2, 2] }), QmlError);
  assert.throws(() => checkFederateConfig({ ...base, deviceQubits: 2, devices: 'nisq' }), (e: unknown) => e instanceof QmlError && /read-out/.test(e.message));
  assert.throws(() => checkFederateConfig({ ...base, model: { type: 'logreg' }, deviceQubits: 2 }), QmlError);
});
