import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../core/rng.js';
import { QmlError } from '../core/errors.js';
import { assertAllClose, assertClose } from '../testing/shared.js';
import { requireSum, weightedSum, type FitResult } from './strategy.js';
import {
  addProximalGradient, bulyan, centeredClip, coordinateMedian, fedOptStep, FEDOPT_DEFAULTS, fltrust, krum, krumScores, makeStrategy,
  momentumStep, multiKrum, proximalTerm, STRATEGY_NAMES, trimmedMean, weightedMean,
} from './strategies/index.js';

const v = (...x: number[]): Float64Array => Float64Array.from(x);
const res = (client: number, update: Float64Array, numExamples = 1): FitResult => ({ client, update, numExamples, loss: 0, staleness: 0 });
const ctx = (d: number) => ({ round: 1, global: new Float64Array(d) });

test('FedAvg is the example-weighted mean: (1·[1,0] + 3·[0,1]) / 4', () => {
  assertAllClose(weightedMean([v(1, 0), v(0, 1)], [1, 3]), [0.25, 0.75], 1e-15);
  const out = makeStrategy('fedavg').aggregate({ round: 1, global: v(1, 1) }, [res(0, v(1, 0), 1), res(1, v(0, 1), 3)], []);
  assert.equal(out.kind, 'update');
  if (out.kind === 'update') { assertAllClose(out.params, [1.25, 1.75], 1e-15); assert.deepEqual(out.accepted, [0, 1]); }
  assert.throws(() => weightedMean([v(1)], [0]), QmlError);
});

test('sum-only strategies give the same model from the weighted sum alone (what secure aggregation reveals)', () => {
  const rs = [res(0, v(1, -2), 2), res(1, v(3, 0.5), 5), res(2, v(-1, 1), 1)];
  const s = weightedSum(rs);
  assertAllClose(s.sum, [2 + 15 - 1, -4 + 2.5 + 1], 1e-15);
  assert.equal(s.weight, 8);
  for (const name of ['fedavg', 'fedavgm', 'fedprox', 'fedadam', 'fedyogi', 'fedadagrad']) {
    const a = makeStrategy(name), b = makeStrategy(name);
    assert.equal(a.needs, 'sum', name);
    const full = a.aggregate(ctx(2), rs, []), fromSum = requireSum(b).aggregateSum(ctx(2), s);
    assert.ok(full.kind === 'update' && fromSum.kind === 'update');
    assert.deepEqual(Array.from(full.params), Array.from(fromSum.params), name);
  }
  for (const name of ['median', 'trimmed-mean', 'krum', 'multi-krum', 'bulyan', 'centered-clipping'])
    assert.throws(() => requireSum(makeStrategy(name)), /needs every client's update on its own/, name);
});

test('FedAvgM keeps server momentum: v ← 0.9 v + Δ̄', () => {
  const vel = new Float64Array(2);
  momentumStep(vel, v(1, 2), 0.9);
  assertAllClose(vel, [1, 2], 0);
  momentumStep(vel, v(1, 2), 0.9);
  assertAllClose(vel, [1.9, 3.8], 1e-15);
  const s = makeStrategy('fedavgm');
  s.aggregate(ctx(2), [res(0, v(1, 2)), res(1, v(1, 2))], []);
  const second = s.aggregate(ctx(2), [res(0, v(1, 2)), res(1, v(1, 2))], []);
  assert.ok(second.kind === 'update');
  assertAllClose(second.params, [1.9, 3.8], 1e-15);
});

test('FedProx: μ/2‖w − w_g‖² and its gradient μ(w − w_g); clients are told μ', () => {
  assertClose(proximalTerm(v(1, 2), v(0, 0), 0.5), 1.25, 1e-15);
  assertAllClose(addProximalGradient(v(1, 1), v(1, 2), v(0, 0), 0.5), [1.5, 2], 1e-15);
  const plan = makeStrategy('fedprox', { mu: 0.3 }).configure(1, [0, 1, 2], new Rng(1));
  assert.equal(plan.instructions.proxMu, 0.3);
  assert.equal(makeStrategy('fedavg').configure(1, [0, 1, 2], new Rng(1)).instructions.proxMu, 0);
});

test('FedAdam, FedYogi, FedAdagrad: one server step by hand (Δ̄ = 0.5, η = 0.1, β1 = 0.9, β2 = 0.99, τ = 1e-3)', () => {
  const step = (kind: 'adam' | 'yogi' | 'adagrad') => {
    const m = new Float64Array(1), vv = v(1e-6);
    return fedOptStep(kind, v(0), v(0.5), m, vv, FEDOPT_DEFAULTS)[0];
  };
  // m = 0.1·0.5 = 0.05 in all three; the step is η m / (√v + τ).
  assertClose(step('adam'), 0.005 / (Math.sqrt(0.99e-6 + 0.0025) + 1e-3), 1e-15, 'adam: v = 0.99τ² + 0.01·0.25');
  assertClose(step('adagrad'), 0.005 / (Math.sqrt(1e-6 + 0.25) + 1e-3), 1e-15, 'adagrad: v = τ² + 0.25');
  assertClose(step('yogi'), 0.005 / (Math.sqrt(1e-6 + 0.0025) + 1e-3), 1e-15, 'yogi: v = τ² + 0.01·0.25 (v < Δ²)');
  assertClose(step('adam'), 0.0980203, 1e-6, 'adam, decimal');
});

test('coordinate-wise median, odd and even n', () => {
  assertAllClose(coordinateMedian([v(1, 5), v(2, -1), v(10, 0)]), [2, 0], 0);
  assertAllClose(coordinateMedian([v(1), v(3), v(2), v(100)]), [2.5], 0);
});

test('trimmed mean drops ⌊βn⌋ per side; β ≥ 0.5 is refused', () => {
  assertAllClose(trimmedMean([v(1), v(3), v(2), v(100)], 0.25), [2.5], 0);
  assertAllClose(trimmedMean([v(1), v(2), v(3), v(4), v(100)], 0.2), [3], 0);
  assertAllClose(trimmedMean([v(1), v(2), v(3), v(4), v(100)], 0.19), [22], 0);
  assert.throws(() => trimmedMean([v(1), v(2)], 0.5), /trimming fraction must be in \[0, 0.5\)/);
  assert.throws(() => makeStrategy('trimmed-mean', { trim: 0.6 }), QmlError);
  assert.throws(() => makeStrategy('trimmed-mean', { f: 5, plannedClients: 10 }), /below 0.5/);
});

test('Krum scores sum the n − f − 2 nearest squared distances; Krum and Multi-Krum pick the lowest', () => {
  const u = [v(0), v(1), v(2), v(10)];
  // 0: {1, 4, 100} → 1 + 4; 1: {1, 1, 81} → 2; 2: {4, 1, 64} → 5; 10: {100, 81, 64} → 145.
  assertAllClose(krumScores(u, 0), [5, 2, 5, 145], 0);
  assertAllClose(krum(u, 0), [1], 0);
  assertAllClose(multiKrum(u, 0, 2), [0.5], 0); // 1 and then 0 (tie with 2 broken by index)
  assert.throws(() => krum(u, 1), /n > 2f \+ 2, got n = 4, f = 1/);
  assert.throws(() => makeStrategy('krum', { f: 4, plannedClients: 10 }), /Krum needs n > 2f \+ 2/);
  assert.doesNotThrow(() => makeStrategy('krum', { f: 3, plannedClients: 9 }));
});

test('Bulyan: iterated Krum picks θ = n − 2f, then the β = θ − 2f values nearest the median are averaged', () => {
  // f = 1, n = 7: picks 2, 1, 3, 0, 4 (the two outliers never), median 2, nearest three 2, 1, 3 → 2.
  const u = [0, 1, 2, 3, 4, 100, -50].map((x) => v(x));
  const out = bulyan(u, 1);
  assert.deepEqual(out.selected, [2, 1, 3, 0, 4]);
  assertAllClose(out.aggregate, [2], 1e-15);
  assert.throws(() => bulyan(u.slice(0, 6), 1), /Bulyan needs n ≥ 4f \+ 3, got n = 6, f = 1/);
  assert.throws(() => makeStrategy('bulyan', { f: 2, plannedClients: 10 }), QmlError);
});

test('FLTrust: ReLU-cosine trust, updates rescaled to the server norm', () => {
  const g0 = v(1, 0);
  const { aggregate, trust } = fltrust([v(2, 0), v(0, 3), v(-1, 0), v(1, 1)], g0);
  assertAllClose(trust, [1, 0, 0, Math.SQRT1_2], 1e-15);
  const T = 1 + Math.SQRT1_2;
  assertAllClose(aggregate, [(1 + 0.5) / T, 0.5 / T], 1e-15);
  const s = makeStrategy('fltrust', { rootUpdate: () => g0 });
  const out = s.aggregate(ctx(2), [res(0, v(-1, 0)), res(1, v(0, 2))], []);
  assert.equal(out.kind, 'skip');
  assert.throws(() => makeStrategy('fltrust'), /root set/);
});

test('centered clipping moves the centre by at most τ per update', () => {
  // centre 0, τ = 1: distances 1, 1, 10 → factors 1, 1, 0.1 → ([1,0] + [0,1] + [1,0]) / 3.
  assertAllClose(centeredClip([v(1, 0), v(0, 1), v(10, 0)], v(0, 0), 1).aggregate, [2 / 3, 1 / 3], 1e-15);
  const adaptive = centeredClip([v(1, 0), v(0, 1), v(10, 0)], v(0, 0), undefined);
  assertAllClose(adaptive.aggregate, [2 / 3, 1 / 3], 1e-15);
  assert.equal(adaptive.tau, 1);
});

test('quorum: failures, too few results and a robust precondition after dropouts skip the round with the reason', () => {
  const strict = makeStrategy('fedavg', { policy: { acceptFailures: false } });
  const out = strict.aggregate(ctx(1), [res(0, v(1)), res(1, v(1))], [{ client: 2, reason: 'dropout' }]);
  assert.deepEqual(out, { kind: 'skip', reason: '1 client(s) failed and the policy accepts no failures' });
  const three = makeStrategy('fedavg', { policy: { minFitClients: 3 } });
  assert.equal(three.aggregate(ctx(1), [res(0, v(1)), res(1, v(1))], []).kind, 'skip');
  const half = makeStrategy('fedavg', { policy: { minResultsFraction: 0.75 } });
  const h = half.aggregate(ctx(1), [res(0, v(1)), res(1, v(1))], [{ client: 2, reason: 'straggler' }, { client: 3, reason: 'link-down' }]);
  assert.ok(h.kind === 'skip' && /2 of 4 results/.test(h.reason));
  const k = makeStrategy('krum', { f: 1, plannedClients: 5 });
  const ks = k.aggregate(ctx(1), [0, 1, 2, 3].map((c) => res(c, v(c))), [{ client: 4, reason: 'dropout' }]);
  assert.ok(ks.kind === 'skip' && /Krum needs n > 2f \+ 2, got n = 4/.test(ks.reason));
  const few = makeStrategy('fedavg', { policy: { minAvailableClients: 3 } }).configure(1, [0, 1], new Rng(1));
  assert.ok(few.skip && /2 clients available/.test(few.skip));
});

test('sampling a fraction of the clients is seeded and sorted', () => {
  const s = makeStrategy('fedavg', { policy: { fractionFit: 0.3 } });
  const a = s.configure(1, [...Array(10).keys()], new Rng(7)), b = s.configure(1, [...Array(10).keys()], new Rng(7));
  assert.equal(a.clients.length, 3);
  assert.deepEqual(a.clients, b.clients);
  assert.deepEqual(a.clients, a.clients.slice().sort((x, y) => x - y));
});

test('server state survives a save and restore (resume gives the same next model)', () => {
  const rs = [res(0, v(0.3, -0.1)), res(1, v(0.2, 0.4))];
  for (const name of ['fedavgm', 'fedadam', 'fedyogi', 'fedadagrad', 'centered-clipping']) {
    const a = makeStrategy(name);
    a.aggregate(ctx(2), rs, []);
    const saved = JSON.parse(JSON.stringify(a.state()));
    const b = makeStrategy(name);
    b.restore(saved);
    const x = a.aggregate(ctx(2), rs, []), y = b.aggregate(ctx(2), rs, []);
    assert.ok(x.kind === 'update' && y.kind === 'update');
    assert.deepEqual(Array.from(x.params), Array.from(y.params), name);
  }
});

test('unknown strategy names and non-finite updates are QmlErrors', () => {
  assert.equal(STRATEGY_NAMES.length, 13);
  assert.throws(() => makeStrategy('fedsgd'), /unknown strategy "fedsgd"/);
  assert.throws(() => makeStrategy('median').aggregate(ctx(1), [res(0, v(NaN)), res(1, v(1))], []), /non-finite/);
  assert.throws(() => makeStrategy('median').aggregate(ctx(2), [res(0, v(1)), res(1, v(1, 2))], []), /has 2 values/);
});
