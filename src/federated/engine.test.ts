import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { assertAllClose } from '../testing/shared.js';
import { createModel } from '../qml/models/registry.js';
import { trainLocal, type LocalTask } from './client.js';
import { clientSpecs, defaultFederateConfig, prepareFederation, runFederated, type FederateConfig } from './experiment.js';
import { checkFaults, linkStates, partitioned } from './faults.js';
import { ClientPool } from './pool.js';
import { decodeFloats, encodeFloats, type Message, type Transport } from './transport.js';

const base: FederateConfig = { ...defaultFederateConfig(), data: 'nsl-kdd', maxRows: 1500, model: { type: 'logreg' }, clients: 10, rounds: 4, lr: 0.02, seed: 4 };
const pool1 = ClientPool.create(1), pool2 = ClientPool.create(2);
after(async () => { await pool1.close(); await pool2.close(); });

test('local training is a pure function; one full-batch SGD step is exactly −lr·∇loss', () => {
  const X = Float64Array.from({ length: 40 }, (_, i) => Math.sin(i)), y = Int32Array.from({ length: 10 }, (_, i) => i % 2);
  const model = createModel({ type: 'logreg' }, 4, 2, 3);
  const task: LocalTask = {
    client: 0, round: 1, seed: 9, numClasses: 2, instructions: { proxMu: 0 },
    spec: { model: { type: 'logreg' }, epochs: 1, batchSize: 10, optimizer: 'sgd', lr: 0.1 },
    data: { X, rows: 10, cols: 4, y }, global: Float64Array.from(model.params),
  };
  const a = trainLocal(task), b = trainLocal(task);
  assert.deepEqual(Array.from(a.update), Array.from(b.update));
  const g = model.lossGrad({ data: X, rows: 10, cols: 4 }, y).dparams;
  assertAllClose(a.update, Array.from(g, (v) => -0.1 * v), 1e-15, 'update');
  // FedProx: a larger μ holds the local model nearer the global one.
  const long = { ...task, spec: { ...task.spec, epochs: 20, batchSize: 2 } };
  const n = (u: Float64Array) => Math.hypot(...u);
  const norms = [0, 0.3, 1].map((mu) => n(trainLocal({ ...long, instructions: { proxMu: mu } }).update));
  assert.ok(norms[2] < norms[1] && norms[1] < norms[0] && norms[2] < 0.6 * norms[0], `‖Δ‖ for μ = 0, 0.3, 1: ${norms}`);
});

test('a run is bit-for-bit the same with 1 and 2 worker threads (with faults and an attack)', async () => {
  const cfg: FederateConfig = { ...base, malicious: 0.2, attacks: ['alie'], faults: { dropout: 0.2, speedSigma: 0.5, deadline: 0.3, links: { pDown: 0.1, pUp: 0.6 } } };
  const prep = prepareFederation(cfg);
  for (const [s, a] of [['fedavg', 'none'], ['krum', 'alie']]) {
    const r1 = await runFederated(prep, s, a, { pool: pool1 }), r2 = await runFederated(prep, s, a, { pool: pool2 });
    const strip = (r: typeof r1) => JSON.stringify(r.rounds.map(({ seconds: _s, client_seconds: _c, eval_seconds: _e, cpu: _u, ...x }) => x));
    assert.equal(strip(r1), strip(r2), `${s} × ${a}`);
    assert.ok(r1.rounds.some((x) => x.failures > 0), 'faults happened');
  }
});

test('faults: 30% dropout, stragglers past the deadline and a partition of a third for five rounds complete with skips recorded', async () => {
  const cfg: FederateConfig = {
    ...base, rounds: 8,
    faults: { dropout: 0.3, speedSigma: 1, deadline: 0.25, partitions: [{ fraction: 1 / 3, from: 2, to: 6 }] },
    policy: { minResultsFraction: 0.6 },
  };
  const prep = prepareFederation(cfg);
  const r = await runFederated(prep, 'fedavg', 'none', { pool: pool1 });
  assert.equal(r.rounds.length, 8);
  assert.equal(r.status, 'complete');
  assert.ok(r.final_accuracy! > 0.5);
  const reasons = new Set(r.rounds.flatMap((x) => x.failed.map((f) => f.reason)));
  assert.ok(reasons.has('dropout') && reasons.has('straggler'), [...reasons].join());
  for (const x of r.rounds.slice(1, 6)) assert.equal(x.unavailable.filter((u) => u.reason === 'partition').length, 4, `round ${x.round}`);
  const skipped = r.rounds.filter((x) => x.skipped);
  assert.ok(skipped.length > 0, 'some round fell below the quorum');
  for (const x of skipped) assert.match(x.skip_reason!, /results, the policy needs 60%/);
  // A skipped round keeps the model: its accuracy is the previous round's.
  for (const x of skipped) if (x.round > 1) assert.equal(x.accuracy, r.rounds[x.round - 2].accuracy);
  assert.ok(r.rounds.at(-1)!.sim_clock > 0);
});

test('FedBuff: late updates arrive in later rounds, staleness-weighted, instead of being dropped', async () => {
  const cfg: FederateConfig = { ...base, rounds: 6, faults: { speedSigma: 1, deadline: 0.2, mode: 'fedbuff' } };
  const r = await runFederated(prepareFederation(cfg), 'fedavg', 'none', { pool: pool1 });
  assert.ok(r.rounds.reduce((a, x) => a + x.stale_updates, 0) > 0);
  assert.ok(r.rounds.some((x) => x.failed.some((f) => f.reason === 'straggler' && /buffered/.test(f.detail!))));
});

test('links follow a two-state Markov chain; partitions cut the same group for their span', () => {
  const f = checkFaults({ links: { pDown: 0.2, pUp: 0.3 } });
  let up = 0;
  for (let r = 1; r <= 200; r++) up += linkStates(f, 50, 1, r).filter(Boolean).length;
  const frac = up / (200 * 50);
  assert.ok(Math.abs(frac - 0.3 / 0.5) < 0.05, `stationary up fraction ${frac}, expected 0.6`);
  const p = checkFaults({ partitions: [{ fraction: 0.3, from: 3, to: 4 }] });
  assert.deepEqual(partitioned(p, 10, 1, 3), partitioned(p, 10, 1, 4));
  assert.equal(partitioned(p, 10, 1, 3).filter(Boolean).length, 3);
  assert.equal(partitioned(p, 10, 1, 5).filter(Boolean).length, 0);
  assert.throws(() => checkFaults({ dropout: 1.5 }), /probability/);
  assert.throws(() => checkFaults({ mode: 'fedbuff' }), /needs a round deadline/);
});

test('every update crosses the transport: bytes counted on the wire, and what it delivers is what is trained on', async () => {
  const seen: Message[] = [];
  const doubling: Transport = {
    name: 'test',
    send: (m) => { seen.push(m); return { delivered: m.payload, wireBytes: m.payload.byteLength + 28 }; },
  };
  const prep = prepareFederation({ ...base, rounds: 2 });
  const r = await runFederated(prep, 'fedavg', 'none', { pool: pool1, transport: doubling });
  const P = decodeFloats(seen[0].payload).length;
  assert.equal(r.rounds[0].bytes_up, 10 * (8 * P + 28));
  assert.equal(r.rounds[0].bytes_down, 10 * (8 * P + 28));
  assert.equal(seen.filter((m) => m.direction === 'up').length, 20);
  assert.deepEqual(Array.from(decodeFloats(encodeFloats(Float64Array.of(1.5, -2)))), [1.5, -2]);
  // A channel that corrupts uploads: the server refuses them as invalid updates, the run goes on.
  const corrupt: Transport = { name: 'bad', send: (m) => ({ delivered: m.direction === 'up' ? m.payload.subarray(0, 12) : m.payload, wireBytes: m.payload.byteLength }) };
  const bad = await runFederated(prep, 'fedavg', 'none', { pool: pool1, transport: corrupt });
  assert.ok(bad.rounds.every((x) => x.skipped && x.failed.every((f) => f.reason === 'invalid-update')));
});

test('resume: a run continued from a saved state gives the same rounds as one uninterrupted', async () => {
  const prep = prepareFederation({ ...base, rounds: 5 });
  const full = await runFederated(prep, 'fedadam', 'none', { pool: pool1 });
  let saved: unknown = null;
  await runFederated(prep, 'fedadam', 'none', { pool: pool1, onRound: (rec) => { if (rec.rounds.length === 2) saved = JSON.parse(JSON.stringify(rec)); } });
  const resumed = await runFederated(prep, 'fedadam', 'none', { pool: pool1, resume: saved as never });
  const strip = (r: typeof full) => JSON.stringify(r.rounds.map(({ seconds: _s, client_seconds: _c, eval_seconds: _e, cpu: _u, ...x }) => x));
  assert.equal(strip(resumed), strip(full));
});

test('quantum devices differ as real ones do: each NISQ client its own noise level, shot clients their own seeds', () => {
  const prep = prepareFederation({ ...base, maxRows: 400, clients: 5, model: { type: 'vqc', qubits: 3, layers: 1 }, devices: 'nisq', rootRows: 20 });
  const p2 = clientSpecs(prep).map((s) => (s.model.execution?.noise?.after_2q?.[0] as { p: number }).p);
  assert.equal(new Set(p2).size, 5);
  for (const p of p2) assert.ok(p >= 1e-3 && p <= 1e-2, `p = ${p}`);
  const shots = clientSpecs({ ...prep, config: { ...prep.config, devices: 'shots' } }).map((s) => s.model.execution);
  assert.ok(shots.every((e) => e?.shots === 1024));
  assert.equal(new Set(shots.map((e) => e?.seed)).size, 5);
});
