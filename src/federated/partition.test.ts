import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../core/rng.js';
import { QmlError } from '../core/errors.js';
import { apportion, dirichletSample, gammaSample, labelHistogram, partitionRows } from './partition.js';

const labels = Int32Array.from({ length: 600 }, (_, i) => (i % 10 < 6 ? 0 : i % 10 < 9 ? 1 : 2));

function assertCover(parts: number[][], rows: number): void {
  const seen = new Set<number>();
  for (const p of parts) for (const r of p) { assert.ok(!seen.has(r), `row ${r} twice`); seen.add(r); }
  assert.equal(seen.size, rows, 'every row assigned');
}

test('Gamma and Dirichlet draws have the right means (shape k: mean k; Dir(α): 1/n)', () => {
  const rng = new Rng(3);
  for (const k of [0.1, 0.5, 2, 7]) {
    let s = 0;
    for (let i = 0; i < 20000; i++) s += gammaSample(k, rng);
    assert.ok(Math.abs(s / 20000 - k) < 0.05 * Math.max(1, k), `Gamma(${k}) mean ${s / 20000}`);
  }
  const p = dirichletSample(0.5, 4, rng);
  assert.ok(Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 1e-12);
});

test('apportion gives integer sizes that sum to the total, proportional to the weights', () => {
  assert.deepEqual(apportion(10, [1, 1, 1]), [4, 3, 3]);
  assert.deepEqual(apportion(7, [0.5, 0.25, 0.25]), [3, 2, 2]); // 3.5, 1.75, 1.75: the two largest remainders round up
});

test('IID: near-equal disjoint parts covering every row, seeded', () => {
  const parts = partitionRows({ kind: 'iid' }, labels, 3, 7, 1);
  assertCover(parts, 600);
  for (const p of parts) assert.ok(p.length === 85 || p.length === 86);
  assert.deepEqual(parts, partitionRows({ kind: 'iid' }, labels, 3, 7, 1));
});

test('Dirichlet: small α concentrates each client on few classes, large α looks IID', () => {
  const share = (alpha: number) => {
    const h = labelHistogram(partitionRows({ kind: 'dirichlet', alpha }, labels, 3, 10, 5), labels, 3);
    return h.reduce((a, row) => a + Math.max(...row) / row.reduce((x, y) => x + y, 0), 0) / h.length;
  };
  const skewed = share(0.1), flat = share(100);
  assert.ok(skewed > 0.8, `mean top-class share at α = 0.1: ${skewed}`);
  assert.ok(flat < 0.7, `mean top-class share at α = 100: ${flat} (global top share 0.6)`);
  assertCover(partitionRows({ kind: 'dirichlet', alpha: 0.1 }, labels, 3, 10, 5), 600);
});

test('k classes per client: exactly k distinct labels each', () => {
  const parts = partitionRows({ kind: 'classes', classesPerClient: 2 }, labels, 3, 6, 2);
  for (const h of labelHistogram(parts, labels, 3)) assert.equal(h.filter((x) => x > 0).length, 2);
  assertCover(parts, 600);
  const one = labelHistogram(partitionRows({ kind: 'classes', classesPerClient: 1 }, labels, 3, 3, 2), labels, 3);
  assert.deepEqual(one.map((h) => h.filter((x) => x > 0).length), [1, 1, 1]);
});

test('quantity skew follows the power law: the largest client ≫ the smallest, all rows used', () => {
  const parts = partitionRows({ kind: 'quantity', power: 1.5 }, labels, 3, 8, 4);
  const sizes = parts.map((p) => p.length).sort((a, b) => b - a);
  assertCover(parts, 600);
  assert.ok(sizes[0] > 5 * sizes[7], `sizes ${sizes}`);
  const equal = partitionRows({ kind: 'quantity', power: 0 }, labels, 3, 8, 4).map((p) => p.length);
  assert.ok(Math.max(...equal) - Math.min(...equal) <= 1);
});

test('column partition keeps each group on one client', () => {
  const groups = Array.from({ length: 600 }, (_, i) => `g${i % 13}`);
  const parts = partitionRows({ kind: 'column', groups }, labels, 3, 4, 1);
  assertCover(parts, 600);
  for (const p of parts) for (const r of p) for (const q of parts) if (q !== p) assert.ok(!q.some((x) => groups[x] === groups[r]));
  assert.throws(() => partitionRows({ kind: 'column', groups }, labels, 3, 14, 1), /13 distinct values, fewer than 14 clients/);
});

test('bad partitions are QmlErrors: α ≤ 0, more clients than rows, k out of range', () => {
  assert.throws(() => partitionRows({ kind: 'dirichlet', alpha: 0 }, labels, 3, 4, 1), /α must be a positive number/);
  assert.throws(() => partitionRows({ kind: 'dirichlet', alpha: -1 }, labels, 3, 4, 1), QmlError);
  assert.throws(() => partitionRows({ kind: 'iid' }, labels, 3, 601, 1), /601 clients need at least 1202 training rows/);
  assert.throws(() => partitionRows({ kind: 'classes', classesPerClient: 4 }, labels, 3, 4, 1), /classes per client/);
  assert.throws(() => partitionRows({ kind: 'nope' as 'iid' }, labels, 3, 4, 1), /unknown partition/);
});
