import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QmlError } from '../../core/errors.js';
import { Rng } from '../../core/rng.js';
import { makeStrategy } from '../strategies/index.js';
import type { FitFailure, FitResult } from '../strategy.js';
import { PrivateStrategy, parseDpSpec } from './private-strategy.js';
import { computeEpsilon } from './rdp.js';

const results = (n: number, d: number, seed: number, scale = 0.1): FitResult[] => {
  const rng = new Rng(seed);
  return Array.from({ length: n }, (_, c) => ({ client: c, update: Float64Array.from({ length: d }, () => scale * rng.normal()), numExamples: 5 + c, loss: 0.4, staleness: 0 }));
};
const ctx = (round: number, d: number) => ({ round, global: new Float64Array(d) });

test('secure FedAvg gives the plain FedAvg model, with dropouts as failures', () => {
  for (const variant of ['secagg', 'secagg+'] as const) {
    const rs = results(12, 6, 1);
    const failures: FitFailure[] = [{ client: 12, reason: 'dropout' }, { client: 13, reason: 'dropout' }];
    const plain = makeStrategy('fedavg').aggregate(ctx(1, 6), rs, []);
    const s = new PrivateStrategy(makeStrategy('fedavg'), { seed: 3, secureAgg: { variant, clip: 10 } });
    const sec = s.aggregate(ctx(1, 6), rs, failures);
    assert.equal(sec.kind, 'update');
    assert.equal(plain.kind, 'update');
    if (sec.kind !== 'update' || plain.kind !== 'update') return;
    for (let i = 0; i < 6; i++) assert.ok(Math.abs(sec.params[i] - plain.params[i]) < 1e-6, `${variant} coordinate ${i}`);
    const rep = s.report().secure_aggregation!;
    assert.equal(rep.aborted_rounds, 0);
    assert.ok(rep.max_abs_error_vs_plain_sum < 1e-5 && rep.max_abs_error_vs_plain_sum > 0);
  }
});

test('secure aggregation with a robust aggregator is refused, pointing to client-side norm clipping', () => {
  for (const name of ['median', 'krum', 'trimmed-mean']) {
    assert.throws(() => new PrivateStrategy(makeStrategy(name), { seed: 1, secureAgg: { variant: 'secagg', clip: 1 } }),
      (e: unknown) => e instanceof QmlError && /cannot be combined/.test(e.message) && /client-side norm clipping/.test(e.message));
  }
});

test('too many dropouts abort the round: a recorded skip, not a crash', () => {
  const s = new PrivateStrategy(makeStrategy('fedavg'), { seed: 1, secureAgg: { variant: 'secagg', clip: 1 } });
  const out = s.aggregate(ctx(1, 3), results(2, 3, 2), [3, 4, 5, 6, 7].map((c) => ({ client: c, reason: 'dropout' as const })));
  assert.equal(out.kind, 'skip');
  if (out.kind === 'skip') assert.match(out.reason, /secure aggregation aborted at stage "(advertise|share|masked)": .*fewer than t = 4/);
  assert.equal(s.report().secure_aggregation!.aborted_rounds, 1);
});

test('DP-FedAvg: ε after T rounds is the accountant\'s ε for (z, q, T, δ), and grows each round', () => {
  const dp = parseDpSpec('noise=1.2,clip=0.5,delta=1e-5');
  const inner = makeStrategy('fedavg', { policy: { fractionFit: 0.2, minFitClients: 1 } });
  const s = new PrivateStrategy(inner, { seed: 4, dp });
  const available = Array.from({ length: 50 }, (_, i) => i);
  let last = 0;
  for (let r = 1; r <= 5; r++) {
    const sel = s.configure(r, available, new Rng(r));
    const out = s.aggregate(ctx(r, 4), results(Math.max(1, sel.clients.length), 4, r), []);
    assert.equal(out.kind, 'update');
    if (out.kind === 'update') { assert.ok(out.info.epsilon > last); last = out.info.epsilon; }
  }
  const rep = s.report().privacy!;
  const expect = computeEpsilon({ noiseMultiplier: 1.2, samplingRate: 0.2, steps: 5, delta: 1e-5 }).epsilon;
  assert.ok(Math.abs(rep.epsilon - expect) < 1e-12);
  assert.equal(rep.epsilon_per_round.length, 5);
  // A resumed strategy continues the same accountant.
  const t = new PrivateStrategy(makeStrategy('fedavg', { policy: { fractionFit: 0.2, minFitClients: 1 } }), { seed: 4, dp });
  t.restore(s.state());
  assert.ok(Math.abs(t.report().privacy!.epsilon - expect) < 1e-12);
});

test('DP noise on the averaged update has std zS/(qN), centrally and distributed under secure aggregation', () => {
  const d = 3000, z = 1, S = 1, n = 10;
  for (const secure of [false, true]) {
    const s = new PrivateStrategy(makeStrategy('fedavg'), { seed: 9, dp: parseDpSpec(`noise=${z},clip=${S},delta=1e-5`), ...(secure ? { secureAgg: { variant: 'secagg' as const, clip: S } } : {}) });
    s.configure(1, Array.from({ length: n }, (_, i) => i), new Rng(1));
    const zero = Array.from({ length: n }, (_, c) => ({ client: c, update: new Float64Array(d), numExamples: 1, loss: 0, staleness: 0 }));
    const out = s.aggregate(ctx(1, d), zero, []);
    assert.equal(out.kind, 'update');
    if (out.kind !== 'update') return;
    const sd = Math.sqrt(out.params.reduce((a, v) => a + v * v, 0) / d);
    const central = (z * S) / n;
    // Distributed: each of the n clients adds (zS)²/t with t = 6 for n = 10, so the total is n/t times larger.
    const expected = secure ? central * Math.sqrt(n / 6) : central;
    assert.ok(Math.abs(sd / expected - 1) < 0.05, `${secure ? 'distributed' : 'central'}: sd ${sd} vs ${expected}`);
  }
});

test('the --dp spec is parsed strictly', () => {
  assert.deepEqual(parseDpSpec('noise=1.1,clip=0.5,delta=1e-5,adaptive'), { noise: 1.1, clip: 0.5, delta: 1e-5, adaptive: true });
  for (const [bad, re] of [['noise=0,clip=1,delta=1e-5', /noise multiplier must be > 0/], ['noise=1,clip=1,delta=1', /delta must be in \(0, 1\)/], ['noise=1,clip=1', /needs delta/], ['noise=1,clip=1,delta=1e-5,foo=2', /unknown --dp key "foo"/], ['noise=x,clip=1,delta=1e-5', /finite number/]] as const) {
    assert.throws(() => parseDpSpec(bad), (e: unknown) => e instanceof QmlError && re.test(e.message), bad);
  }
});

test('the inner strategy\'s quorum policy still applies under secure aggregation', () => {
  const s = new PrivateStrategy(makeStrategy('fedavg', { policy: { acceptFailures: false } }), { seed: 1, secureAgg: { variant: 'secagg', clip: 1 } });
  const out = s.aggregate(ctx(1, 3), results(5, 3, 2), [{ client: 5, reason: 'dropout' }]);
  assert.equal(out.kind, 'skip');
  if (out.kind === 'skip') assert.match(out.reason, /accepts no failures/);
  assert.equal(s.report().secure_aggregation!.rounds, 0);
});
