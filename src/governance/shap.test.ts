import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertClose } from '../testing/shared.js';
import { Rng } from '../core/rng.js';
import { loadDataset } from '../qml/datasets.js';
import { Detector } from '../qml/detector.js';
import type { LabeledData, Table } from '../qml/table.js';
import { explainPrediction, kernelShap, type ProbaFn } from './shap.js';
import { shotNoiseCheck } from './shot-noise.js';

/**
 * Brute-force Shapley values from the definition (Shapley 1953): φ_i = Σ_{S ⊆ N∖{i}} |S|!(M−|S|−1)!/M!
 * (v(S ∪ {i}) − v(S)), with v(S) the mean over background rows of f on a row built cell by cell
 * here (not with the code under test).
 */
function bruteForce(f: ProbaFn, x: Table, row: number, bg: Table, cls: number): { phi: number[]; base: number; pred: number } {
  const M = x.columns.length;
  const fact = (n: number): number => (n <= 1 ? 1 : n * fact(n - 1));
  const cache = new Map<number, number>();
  const v = (mask: number): number => {
    const hit = cache.get(mask);
    if (hit !== undefined) return hit;
    let acc = 0;
    for (let b = 0; b < bg.rows; b++) {
      const t: Table = {
        rows: 1,
        columns: x.columns.map((c, j) => {
          const src = (mask >> j) & 1 ? c : bg.columns[j], r = (mask >> j) & 1 ? row : b;
          return src.kind === 'numeric' ? { name: c.name, kind: 'numeric', values: Float64Array.of(src.values[r]) } : { name: c.name, kind: 'categorical', values: [src.values[r]] };
        }),
      };
      const p = f(t);
      acc += p[cls];
    }
    cache.set(mask, acc / bg.rows);
    return acc / bg.rows;
  };
  const phi = new Array(M).fill(0);
  for (let i = 0; i < M; i++) {
    for (let S = 0; S < 1 << M; S++) {
      if ((S >> i) & 1) continue;
      let s = 0;
      for (let j = 0; j < M; j++) s += (S >> j) & 1;
      phi[i] += (fact(s) * fact(M - s - 1)) / fact(M) * (v(S | (1 << i)) - v(S));
    }
  }
  return { phi, base: v(0), pred: v((1 << M) - 1) };
}

function rowsOfData(d: LabeledData, idx: number[]): Table {
  return { rows: idx.length, columns: d.table.columns.map((c) => (c.kind === 'numeric' ? { name: c.name, kind: 'numeric', values: Float64Array.from(idx, (i) => c.values[i]) } : { name: c.name, kind: 'categorical', values: idx.map((i) => c.values[i]) })) };
}

/** A nonlinear two-class "model" over numeric and categorical columns, with interactions. */
function synthetic(M: number): { f: ProbaFn; table: Table } {
  const rng = new Rng(5);
  const rows = 40;
  const columns: Table['columns'] = [];
  for (let j = 0; j < M - 1; j++) columns.push({ name: `x${j}`, kind: 'numeric', values: Float64Array.from({ length: rows }, () => rng.normal()) });
  columns.push({ name: 'proto', kind: 'categorical', values: Array.from({ length: rows }, () => ['tcp', 'udp', 'icmp'][rng.int(3)]) });
  const f: ProbaFn = (t) => {
    const out = new Float64Array(t.rows * 2);
    for (let r = 0; r < t.rows; r++) {
      let z = t.columns[t.columns.length - 1].values[r] === 'udp' ? 0.7 : -0.2;
      for (let j = 0; j + 1 < t.columns.length; j++) {
        const xj = (t.columns[j].values as Float64Array)[r];
        z += (j % 3 === 0 ? 0.8 : -0.5) * xj + (j > 0 ? 0.3 * xj * (t.columns[j - 1].values as Float64Array)[r] : 0) + 0.2 * Math.sin(3 * xj);
      }
      const p = 1 / (1 + Math.exp(-z));
      out[2 * r] = 1 - p; out[2 * r + 1] = p;
    }
    return out;
  };
  return { f, table: { columns, rows } };
}

test('exact KernelSHAP equals brute-force Shapley values and sums to f(x) − E[f] (nonlinear model, numeric and categorical features)', () => {
  for (const M of [1, 2, 5, 8]) {
    const { f, table } = synthetic(M);
    for (const row of [0, 7]) {
      const r = kernelShap(f, table, row, { maxBackground: 10, seed: 3 });
      assert.equal(r.exact, true);
      // The same background rows the explainer drew (its documented seeded sample).
      const chosen = kernelShapBackground(table, 10, 3);
      const ref = bruteForce(f, table, row, chosen, r.class_index);
      r.features.forEach((n, j) => assertClose(r.values[n], ref.phi[j], 1e-9, `M=${M} row ${row} ${n}`));
      assertClose(r.base_value, ref.base, 1e-12, 'E[f]');
      assertClose(r.prediction, ref.pred, 1e-12, 'f(x)');
      const sum = Object.values(r.values).reduce((a, b) => a + b, 0);
      assertClose(sum, r.prediction - r.base_value, 1e-12, 'efficiency');
    }
  }
});

/** The background rows kernelShap samples (seeded Fisher–Yates over row indices, the first k, sorted). */
function kernelShapBackground(t: Table, k: number, seed: number): Table {
  if (t.rows <= k) return t;
  const rng = new Rng(seed);
  const idx = Array.from({ length: t.rows }, (_, i) => i);
  for (let i = 0; i < k; i++) { const j = i + rng.int(idx.length - i); [idx[i], idx[j]] = [idx[j], idx[i]]; }
  return rowsOfData({ name: '', table: t, labels: new Int32Array(t.rows), classes: [], notes: [] }, idx.slice(0, k).sort((a, b) => a - b));
}

test('a linear model\'s values are w_i (x_i − E[x_i]) on the logit-free scale (analytic identity)', () => {
  const M = 6, rows = 30, rng = new Rng(11);
  const w = [0.05, -0.1, 0.02, 0.08, -0.03, 0.06];
  const table: Table = { rows, columns: w.map((_, j) => ({ name: `f${j}`, kind: 'numeric' as const, values: Float64Array.from({ length: rows }, () => rng.normal()) })) };
  const f: ProbaFn = (t) => {
    const o = new Float64Array(t.rows * 2);
    for (let r = 0; r < t.rows; r++) { let p = 0.5; for (let j = 0; j < M; j++) p += w[j] * (t.columns[j].values as Float64Array)[r]; o[2 * r] = 1 - p; o[2 * r + 1] = p; }
    return o;
  };
  const r = kernelShap(f, table, 4, { classIndex: 1, maxBackground: rows });
  for (let j = 0; j < M; j++) {
    const c = table.columns[j].values as Float64Array;
    const mean = c.reduce((a, b) => a + b, 0) / rows;
    assertClose(r.values[`f${j}`], w[j] * (c[4] - mean), 1e-12, `f${j}`);
  }
});

test('sampled KernelSHAP beyond 12 features states its error: the exact values lie within it, and the sum is still exact', () => {
  const { f, table } = synthetic(14);
  const exact = kernelShap(f, table, 3, { maxBackground: 6, seed: 2, exactUpTo: 14 });
  assert.equal(exact.exact, true);
  const s = kernelShap(f, table, 3, { maxBackground: 6, seed: 2, samples: 4000 });
  assert.equal(s.exact, false);
  let within = 0;
  for (const n of s.features) {
    assert.ok(s.std_errors[n] > 0, n);
    if (Math.abs(s.values[n] - exact.values[n]) <= 3 * s.std_errors[n]) within++;
  }
  assert.ok(within >= 12, `${within} of 14 sampled values within 3 standard errors of the exact ones`);
  assertClose(Object.values(s.values).reduce((a, b) => a + b, 0), s.prediction - s.base_value, 1e-12, 'efficiency');
  // More samples, smaller stated error.
  const few = kernelShap(f, table, 3, { maxBackground: 6, seed: 2, samples: 400 });
  const meanSe = (r: typeof s) => r.features.reduce((a, n) => a + r.std_errors[n], 0) / r.features.length;
  assert.ok(meanSe(few) > 1.8 * meanSe(s), `${meanSe(few)} vs ${meanSe(s)}`);
});

test('detectors are explained in raw feature terms through the pipeline: logreg on iris and an 8-qubit VQC on 8 raw columns equal brute force', () => {
  const iris = loadDataset('iris');
  const lr = Detector.train(iris, { type: 'logreg' }, { epochs: 20, seed: 1 });
  const e = explainPrediction(lr, iris.table, 60, { maxBackground: 12, seed: 4 });
  assert.deepEqual(e.features, iris.table.columns.map((c) => c.name));
  const ref = bruteForce((t) => lr.predictProba(t), iris.table, 60, kernelShapBackground(iris.table, 12, 4), e.class_index);
  e.features.forEach((n, j) => assertClose(e.values[n], ref.phi[j], 1e-9, n));

  const bc = loadDataset('breast-cancer');
  const keep = bc.table.columns.slice(0, 8);
  const small: LabeledData = { ...bc, table: { rows: bc.table.rows, columns: keep } };
  const idx = Array.from({ length: 60 }, (_, i) => i * 9);
  const sub = { ...small, table: rowsOfData(small, idx), labels: Int32Array.from(idx, (i) => small.labels[i]) };
  const vqc = Detector.train(sub, { type: 'vqc', qubits: 8, layers: 2 }, { epochs: 1, seed: 2 });
  const v = explainPrediction(vqc, sub.table, 5, { maxBackground: 6, seed: 1 });
  assert.equal(v.exact, true);
  const vr = bruteForce((t) => vqc.predictProba(t), sub.table, 5, kernelShapBackground(sub.table, 6, 1), v.class_index);
  v.features.forEach((n, j) => assertClose(v.values[n], vr.phi[j], 1e-9, n));
  assertClose(Object.values(v.values).reduce((a, b) => a + b, 0), v.prediction - v.base_value, 1e-12, 'efficiency');

  // Shot noise: at very few shots some values are unresolved; the report names them and compares with exact.
  const noisy = shotNoiseCheck(vqc, sub.table, 5, { shots: 8, repeats: 3, maxBackground: 4, seed: 1 });
  assert.equal(Object.keys(noisy.exact).length, 8);
  assert.ok(noisy.max_abs_error > 0);
  assert.ok(noisy.unreliable.length > 0, noisy.verdict);
  const many = shotNoiseCheck(vqc, sub.table, 5, { shots: 4096, repeats: 3, maxBackground: 4, seed: 1 });
  assert.ok(many.max_abs_error < noisy.max_abs_error, `${many.max_abs_error} vs ${noisy.max_abs_error}`);
});

test('explaining a row that does not exist, or a class the model lacks, is a one-line error', () => {
  const { f, table } = synthetic(3);
  assert.throws(() => kernelShap(f, table, 99), /row 99 is outside/);
  assert.throws(() => kernelShap(f, table, 0, { classIndex: 5 }), /class index 5/);
});
