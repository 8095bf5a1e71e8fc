import { test } from 'node:test';
import assert from 'node:assert/strict';
import { explainAllocation, explainRoute } from './allocation.js';

test('an allocation is explained by its binding constraints, variables at a bound and the objective breakdown', () => {
  // max 3u + 2e + 1m s.t. u + e + m ≤ 10 (bandwidth), u ≤ 4 (bound), e + m ≥ 2 (fairness), m ≤ 5 (slack)
  const e = explainAllocation({
    sense: 'max', objective: { u: 3, e: 2, m: 1 },
    constraints: [
      { name: 'bandwidth', coefficients: { u: 1, e: 1, m: 1 }, sense: '<=', rhs: 10 },
      { name: 'fairness', coefficients: { e: 1, m: 1 }, sense: '>=', rhs: 2 },
      { name: 'mmtc cap', coefficients: { m: 1 }, sense: '<=', rhs: 5 },
    ],
    bounds: { u: [0, 4], e: [0, 10], m: [0, 10] }, groups: { critical: ['u'], best_effort: ['e', 'm'] },
  }, { u: 4, e: 6, m: 0 });
  assert.equal(e.objective_value, 24);
  assert.deepEqual(e.binding.map((b) => b.name), ['bandwidth']);
  assert.deepEqual(e.slack.map((s) => [s.name, s.slack]), [['fairness', 4], ['mmtc cap', 5]]);
  assert.deepEqual(e.at_bound, [{ variable: 'u', bound: 'upper', value: 4 }, { variable: 'm', bound: 'lower', value: 0 }]);
  // Largest |contribution| first; ties keep the objective's order.
  assert.deepEqual(e.breakdown.map((b) => [b.variable, b.contribution]), [['u', 12], ['e', 12], ['m', 0]]);
  assert.equal(e.breakdown.reduce((a, b) => a + b.share, 0), 1);
  assert.deepEqual(e.groups.map((g) => [g.group, g.contribution]), [['critical', 12], ['best_effort', 12]]);
  const bad = explainAllocation({ sense: 'min', objective: { x: 1 }, constraints: [{ name: 'demand', coefficients: { x: 1 }, sense: '>=', rhs: 5 }] }, { x: 3 });
  assert.deepEqual(bad.violated.map((v) => [v.name, v.violation]), [['demand', 2]]);
  assert.match(bad.summary, /VIOLATED: demand by 2/);
  assert.throws(() => explainAllocation({ sense: 'max', objective: { y: 1 }, constraints: [] }, {}), /no value for variable "y"/);
});

test('a route is explained by its per-edge shares and the budgets it exhausts', () => {
  const r = explainRoute([
    { from: 'gNB', to: 'sat-1', latency_ms: 18, hops: 1 },
    { from: 'sat-1', to: 'core', latency_ms: 12, hops: 1 },
  ], { latency_ms: 30, hops: 5 }, 'latency_ms');
  assert.equal(r.objective_value, 30);
  assert.deepEqual(r.metrics, { latency_ms: 30, hops: 2 });
  assert.deepEqual(r.binding.map((b) => b.name), ['latency_ms ≤ 30']);
  assert.equal(r.breakdown[0].variable, '0:gNB→sat-1');
  assert.equal(r.breakdown[0].share, 0.6);
  assert.throws(() => explainRoute([{ from: 'a', to: 'b', c: 1 }, { from: 'x', to: 'y', c: 1 }]), /starts at "x"/);
});
