import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultConfig, mergeConfig } from './config.js';
import { wilsonHalfWidth } from '../core/stats.js';

test('the default run attacks enough rows that every headline worst case carries a 95% Wilson interval of at most ±5 points (widest at p = 0.5)', () => {
  const n = defaultConfig(false).attackRows;
  for (let k = 0; k <= n; k++) assert.ok(wilsonHalfWidth(k, n) <= 0.05, `${k} of ${n}: ±${(100 * wilsonHalfWidth(k, n)).toFixed(2)} points`);
  // The bound is tight enough to fail: 100 rows (the old default) give ±9.6 points.
  assert.ok(wilsonHalfWidth(50, 100) > 0.09);
});

test('threads is a configuration key from 0 (one per core) to 256, and does not change what the run computes', () => {
  assert.equal(mergeConfig(defaultConfig(true), { threads: 3 }, 'test').threads, 3);
  assert.throws(() => mergeConfig(defaultConfig(true), { threads: -1 }, 'test'), /threads must be/);
  assert.throws(() => mergeConfig(defaultConfig(true), { threads: 1.5 }, 'test'), /integer/);
});
