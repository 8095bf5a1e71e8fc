/**
 * The known Byzantine results as relations on NSL-KDD (not fixed numbers): 20 MLP clients, 20 %
 * malicious unless stated. Small enough for the test budget; `scripts/federated-acceptance.mjs`
 * runs the full-size versions.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { defaultFederateConfig, prepareFederation, runFederated, type FederateConfig, type Prepared, type RunRecord } from './experiment.js';
import { ClientPool } from './pool.js';
import { alie, replacementRound, sameNormRandom, signFlip } from './byzantine/index.js';

const pool = ClientPool.create(2);
after(() => pool.close());

const base: FederateConfig = {
  ...defaultFederateConfig(), data: 'nsl-kdd', maxRows: 3000, model: { type: 'mlp', hidden: [16] }, clients: 20, rounds: 8, lr: 0.01, malicious: 0.2, seed: 1,
  attacks: ['sign-flip', 'scale', 'alie', 'model-replacement'],
};
let prepared: Prepared | null = null;
const prep = () => (prepared ??= prepareFederation(base));
const run = (p: Prepared, s: string, a: string, override?: Parameters<typeof runFederated>[3]['attackOverride']): Promise<RunRecord> => runFederated(p, s, a, { pool, attackOverride: override });

test('FedAvg collapses under sign flipping and under boosted (scaled) updates; a random update of the same norm does far less', async () => {
  const p = prep();
  const clean = (await run(p, 'fedavg', 'none')).final_accuracy!;
  const flip = (await run(p, 'fedavg', 'sign-flip')).final_accuracy!;
  const scaled = await run(p, 'fedavg', 'scale');
  const control = (await run(p, 'fedavg', 'sign-flip', sameNormRandom(signFlip()))).final_accuracy!;
  assert.ok(clean > 0.9, `attack-free ${clean}`);
  assert.ok(flip < 0.5 && flip < clean - 0.3, `sign flip ${flip} vs ${clean}`);
  const scaledMean = scaled.rounds.reduce((a, x) => a + x.accuracy, 0) / scaled.rounds.length;
  assert.ok(scaledMean < clean - 0.3, `scaled updates: mean accuracy over rounds ${scaledMean} vs ${clean}`);
  assert.ok(control > flip + 0.2, `same-norm random ${control} vs crafted ${flip}`);
});

test('FLTrust stays within a few points of the attack-free run under sign flipping, scaling and ALIE', async () => {
  const p = prep();
  const clean = (await run(p, 'fltrust', 'none')).final_accuracy!;
  for (const a of ['sign-flip', 'scale', 'alie']) {
    const acc = (await run(p, 'fltrust', a)).final_accuracy!;
    assert.ok(acc > clean - 0.03, `${a}: ${acc} vs attack-free ${clean}`);
  }
});

test('robust rules resist sign flipping where FedAvg collapses: median, trimmed mean, Krum, Multi-Krum, centered clipping', async () => {
  const p = prep();
  for (const s of ['median', 'trimmed-mean', 'krum', 'multi-krum', 'centered-clipping']) {
    const acc = (await run(p, s, 'sign-flip')).final_accuracy!;
    assert.ok(acc > 0.85, `${s} under sign flipping: ${acc}`);
  }
});

test('A Little Is Enough (z·σ against the benign mean) costs median and trimmed mean more than a random update of the same norm: 25 MLP clients, 20 % malicious, FedSGD', async () => {
  // Baruch et al.'s regime: distributed SGD (each client one SGD step on a mini-batch of 4 per round,
  // learning rate 0.1, 200 rounds, IID), where the honest updates spread (σ) more than they agree
  // (|μ|), so a shift of z·σ (z = 0.47 for n = 25, m = 5) that hides in the crowd still matters.
  // The paper's literal direction (every coordinate pushed the same way) does not cost more than the
  // random control here (scripts/federated-acceptance.mjs alie measures it with either sign); the shift against the
  // benign mean does, on every seed.
  const attack = alie({ direction: 'against-mean' }), control = sameNormRandom(attack);
  const gaps: Record<string, number[]> = { median: [], 'trimmed-mean': [] };
  for (const seed of [1, 2]) {
    const p = prepareFederation({ ...base, maxRows: 5000, clients: 25, partition: 'iid', localSteps: 1, optimizer: 'sgd', lr: 0.1, batchSize: 4, rounds: 200, attacks: ['alie'], seed });
    for (const s of Object.keys(gaps)) {
      const crafted = (await run(p, s, 'alie', attack)).final_accuracy!;
      const random = (await run(p, s, 'alie', control)).final_accuracy!;
      assert.ok(crafted < random - 0.01, `${s}, seed ${seed}: ALIE ${crafted} vs same-norm random ${random}`);
      gaps[s].push(random - crafted);
    }
  }
  for (const [s, g] of Object.entries(gaps)) assert.ok(g.reduce((a, x) => a + x, 0) / g.length > 0.02, `${s}: mean cost beyond the random control ${g}`);
});

test("A Little Is Enough, the paper's vector, costs the median more than a random update of the same norm: 25 VQC clients holding one class each, FedAvg", async () => {
  // Where the paper's own vector (μ + z·σ on updates, z = 0.47 from the formula) bites on NSL-KDD:
  // quantum clients, one class per client, one local epoch of Adam per round. The honest updates
  // form two opposed camps, σ is as large as the camps are apart, and the shift holds the median
  // back (scripts/federated-acceptance.mjs alie --alie-partition classes --alie-local-epochs 1
  // measures 4.4 ± 0.2 points at full size, trimmed mean 2.4 ± 0.4; not Krum, not MLP clients).
  // Reduced here to 2,500 rows and 15 rounds, where the median keeps 3.2–9.8 points.
  const attack = alie(), control = sameNormRandom(attack);
  const gaps: number[] = [];
  for (const seed of [1, 3]) {
    const p = prepareFederation({ ...base, maxRows: 2500, clients: 25, model: { type: 'vqc', qubits: 8, layers: 2 }, partition: 'classes', classesPerClient: 1, localEpochs: 1, optimizer: 'adam', lr: 0.05, batchSize: 8, rounds: 15, attacks: ['alie'], seed });
    const crafted = (await run(p, 'median', 'alie', attack)).final_accuracy!;
    const random = (await run(p, 'median', 'alie', control)).final_accuracy!;
    assert.ok(crafted < random - 0.01, `seed ${seed}: ALIE ${crafted} vs same-norm random ${random}`);
    gaps.push(random - crafted);
  }
  assert.ok(gaps.reduce((a, x) => a + x, 0) / gaps.length > 0.02, `mean cost beyond the random control ${gaps}`);
});

test('model replacement (single shot, boosted by γ = n/m, in round ⌈0.75·R⌉) plants a backdoor under FedAvg that survives the honest rounds after it; centered clipping and FLTrust remove it (2 of 20 clients)', async () => {
  const p = prepareFederation({ ...base, malicious: 0.1, rounds: 8, attacks: ['model-replacement'] });
  const avg = await run(p, 'fedavg', 'model-replacement');
  const cc = await run(p, 'centered-clipping', 'model-replacement');
  const ft = await run(p, 'fltrust', 'model-replacement');
  const at = replacementRound(8);
  // Before the attack round the attackers withhold: nothing is planted yet.
  assert.ok(avg.rounds[at - 2].backdoor_success! < 0.5, `before the attack round ${avg.rounds[at - 2].backdoor_success}`);
  assert.equal(avg.rounds[at - 2].failures, 2, 'the two attackers withhold outside their attack round');
  assert.ok(avg.rounds[at - 1].backdoor_success! > 0.9, `FedAvg backdoor success in the attack round ${avg.rounds[at - 1].backdoor_success}`);
  assert.ok(avg.backdoor_success! > 0.9, `FedAvg backdoor success at the end ${avg.backdoor_success}`);
  assert.ok(avg.final_accuracy! > 0.9, 'the main task is untouched (stealthy)');
  assert.ok(cc.backdoor_success! < avg.backdoor_success! - 0.5, `centered clipping ${cc.backdoor_success}`);
  assert.ok(ft.backdoor_success! < avg.backdoor_success! - 0.5, `FLTrust ${ft.backdoor_success}`);
  // The floor the defences come down to: what the trigger does to the honestly trained model of the
  // round before the attack (asserted < 0.5 above); the defended runs end near it.
  const floor = avg.rounds[at - 2].backdoor_success!;
  assert.ok(cc.backdoor_success! < floor + 0.2 && ft.backdoor_success! < floor + 0.2, `floor ${floor}: clipping ${cc.backdoor_success}, FLTrust ${ft.backdoor_success}`);
});

test('VQC clients: FedAvg learns, and collapses under sign flipping', async () => {
  const p = prepareFederation({ ...base, maxRows: 1200, model: { type: 'vqc', qubits: 4, layers: 1 }, lr: 0.1, rounds: 4, attacks: ['sign-flip'] });
  const clean = await run(p, 'fedavg', 'none');
  const flip = await run(p, 'fedavg', 'sign-flip');
  assert.ok(clean.final_accuracy! > clean.initial!.accuracy + 0.05 || clean.final_accuracy! > 0.85, `VQC learns: ${clean.initial!.accuracy} → ${clean.final_accuracy}`);
  assert.ok(flip.final_accuracy! < clean.final_accuracy! - 0.2, `sign flip ${flip.final_accuracy} vs ${clean.final_accuracy}`);
});
