import { test } from 'node:test';
import assert from 'node:assert/strict';
import { wilsonInterval, wilsonHalfWidth, Z95 } from './stats.js';

test('the Wilson interval matches published values and its defining equation', () => {
  // Newcombe 1998 (Statistics in Medicine 17:857), Table I: 81/263 → 0.2553–0.3662; 15/148 → 0.0624–0.1605; 0/20 → 0–0.1611.
  const cases: Array<[number, number, number, number]> = [[81, 263, 0.2553, 0.3662], [15, 148, 0.0624, 0.1605], [0, 20, 0, 0.1611], [1, 29, 0.0061, 0.1718]];
  for (const [k, n, lo, hi] of cases) {
    const [a, b] = wilsonInterval(k, n);
    assert.ok(Math.abs(a - lo) < 6e-5 && Math.abs(b - hi) < 6e-5, `${k}/${n}: [${a}, ${b}]`);
  }
  // Each end p solves (k/n − p)² = z² p(1 − p)/n.
  const z = 1.959963984540054;
  for (const [k, n] of [[7, 40], [33, 100], [390, 400]]) {
    for (const p of wilsonInterval(k, n)) assert.ok(Math.abs((k / n - p) ** 2 - (z * z * p * (1 - p)) / n) < 1e-12);
  }
});

test('the interval stays in [0, 1], narrows with n, and ±5 points needs about 385 rows at p = 0.5', () => {
  assert.deepEqual(wilsonInterval(0, 0), [0, 1]);
  const [lo, hi] = wilsonInterval(10, 10);
  assert.ok(lo > 0.69 && Math.abs(hi - 1) < 1e-12);
  assert.ok(wilsonHalfWidth(50, 100) > wilsonHalfWidth(200, 400));
  assert.ok(wilsonHalfWidth(200, 400) <= 0.05 && wilsonHalfWidth(180, 360) > 0.05);
});

test('Student t quantiles match the published table and the normal limit', async () => {
  const { studentTQuantile, studentTCdf } = await import('./stats.js');
  // Two-sided critical values (e.g. NIST/SEMATECH e-Handbook, Table 1.3.6.7.2): t(0.975; 1) = 12.706,
  // t(0.975; 5) = 2.571, t(0.995; 5) = 4.032, t(0.995; 9) = 3.250, t(0.995; 30) = 2.750, t(0.95; 2) = 2.920.
  const cases: Array<[number, number, number]> = [[0.975, 1, 12.706], [0.975, 5, 2.571], [0.995, 5, 4.032], [0.995, 9, 3.25], [0.995, 30, 2.75], [0.95, 2, 2.92]];
  for (const [p, df, want] of cases) assert.ok(Math.abs(studentTQuantile(p, df) - want) < 1e-3, `t(${p}; ${df}) = ${studentTQuantile(p, df)}`);
  assert.ok(Math.abs(studentTQuantile(0.975, 100000) - Z95) < 1e-4);
  assert.equal(studentTCdf(0, 7), 0.5);
  assert.ok(Math.abs(studentTCdf(-2, 4) + studentTCdf(2, 4) - 1) < 1e-15);
  assert.throws(() => studentTCdf(1, 2.5), /integer/);
});
