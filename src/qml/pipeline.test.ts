import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadDataset } from './datasets.js';
import { Pipeline } from './pipeline.js';
import { selectRows, stratifiedSplit } from './table.js';
import { assertClose } from '../testing/shared.js';
import type { Table } from './table.js';

const nsl = loadDataset('nsl-kdd', { maxRows: 1500, seed: 2 });
const split = stratifiedSplit(nsl.labels, 0.3, 4);
const tr = selectRows(nsl, split.train), te = selectRows(nsl, split.test);

function withValue(t: Table, row: number, col: string, v: number): Table {
  return { rows: 1, columns: t.columns.map((c) => (c.kind === 'numeric'
    ? { ...c, values: Float64Array.of(c.name === col ? v : c.values[row]) }
    : { ...c, values: [c.values[row]] })) };
}

test('the pipeline is fitted on training rows only and maps them into [0, π]', () => {
  const p = Pipeline.fit(tr, { components: 8 });
  const z = p.transform(tr.table);
  assert.equal(z.cols, 8);
  for (const v of z.data) assert.ok(v >= -1e-12 && v <= Math.PI + 1e-12);
  // A pipeline fitted on other rows maps the same rows differently: nothing leaks from test to train.
  const q = Pipeline.fit(te, { components: 8 });
  assert.notDeepEqual(Array.from(q.transform(tr.table).data.slice(0, 8)), Array.from(z.data.slice(0, 8)));
  const names = p.toJSON().columns.filter((c) => c.kind === 'numeric' && c.log).map((c) => c.name);
  assert.ok(names.includes('src_bytes') && names.includes('dst_bytes'), 'byte counts are log-scaled');
});

test('save → load gives identical transforms', () => {
  const p = Pipeline.fit(tr, { components: 6, reduce: 'pca', select: 20 });
  const back = Pipeline.fromJSON(JSON.parse(JSON.stringify(p)));
  assert.deepEqual(Array.from(back.transform(te.table).data), Array.from(p.transform(te.table).data));
  assert.throws(() => Pipeline.fromJSON({ ...JSON.parse(JSON.stringify(p)), A: [1, 2] }), /inconsistent sizes/);
});

test('vjp: the gradient through the pipeline matches finite differences on raw numeric columns', () => {
  const p = Pipeline.fit(tr, { components: 5 });
  const gz = { data: Float64Array.from([0.3, -1.1, 0.7, 0.2, -0.5]), rows: 1, cols: 5 };
  const row = 7;
  const one = withValue(te.table, row, '', 0);
  const g = p.vjp(one, gz);
  const cols = p.numericColumns();
  for (const name of ['src_bytes', 'count', 'dst_host_srv_count', 'serror_rate']) {
    const j = cols.indexOf(name);
    const x = (one.columns.find((c) => c.name === name) as { values: Float64Array }).values[0];
    const h = 1e-6 * Math.max(1, Math.abs(x));
    const f = (v: number) => { const z = p.transform(withValue(te.table, row, name, v)).data; return z.reduce((a, zi, i) => a + zi * gz.data[i], 0); };
    assertClose(g.data[j], (f(x + h) - f(x - h)) / (2 * h), 1e-6 * Math.max(1, Math.abs(g.data[j])), `d/d${name}`);
  }
});

test('a perturbation of the model input maps back to raw units exactly', () => {
  const bc = loadDataset('breast-cancer');
  const p = Pipeline.fit(bc, { components: 4 });
  const row = 3, dz = [0.05, -0.02, 0.03, 0.01];
  const raw = p.rawForPerturbation(bc.table, row, dz);
  const moved: Table = { rows: 1, columns: bc.table.columns.map((c) => ({ ...c, values: Float64Array.of(raw[c.name]) } as never)) };
  const z0 = p.transform(withValue(bc.table, row, '', 0)).data, z1 = p.transform(moved).data;
  for (let i = 0; i < 4; i++) assertClose(z1[i] - z0[i], dz[i], 1e-9, `dz[${i}]`);
  // On mixed data only numeric columns move; categorical ones stay valid.
  const q = Pipeline.fit(tr, { components: 4 });
  const r2 = q.rawForPerturbation(te.table, 0, [0.01, 0, 0, 0]);
  assert.ok(!('protocol_type' in r2));
});

test('transform equals the dense map z = A·u + b from the saved state, with and without PCA; vjp with `only` keeps just those columns', () => {
  for (const cfg of [{ components: 10_000, range: null }, { components: 8 }] as const) {
    const p = Pipeline.fit(tr, cfg);
    const s = p.toJSON(), k = s.outputs.length, d = s.selected.length;
    // The expanded features of the first rows, rebuilt from the column states.
    const rows = 20, U: number[][] = [];
    for (let r = 0; r < rows; r++) {
      const u: number[] = [];
      for (const cs of s.columns) {
        const c = te.table.columns.find((x) => x.name === cs.name)!;
        if (cs.kind === 'numeric') { const x = c.values[r] as number; u.push(((cs.log ? Math.sign(x) * Math.log1p(Math.abs(x)) : x) - cs.mean) / cs.std); }
        else if (cs.mode === 'onehot') cs.categories.forEach((cat, i) => u.push(((c.values[r] === cat ? 1 : 0) - cs.mean[i]) / cs.std[i]));
        else { const at = cs.categories.indexOf(c.values[r] as string); u.push(((at < 0 ? cs.categories.length : at) - cs.mean[0]) / cs.std[0]); }
      }
      U.push(u);
    }
    const z = p.transform(selectRows(te, Array.from({ length: rows }, (_, i) => i)).table);
    for (let r = 0; r < rows; r++) for (let i = 0; i < k; i++) {
      let v = s.b[i];
      for (let j = 0; j < d; j++) v += s.A[i * d + j] * U[r][s.selected[j]];
      assertClose(z.data[r * k + i], v, 1e-9, `z[${r}][${i}]`);
    }
    const gz = { data: Float64Array.from({ length: 3 * k }, (_, i) => Math.sin(i + 1)), rows: 3, cols: k };
    const first3 = selectRows(te, [0, 1, 2]).table;
    const all = p.vjp(first3, gz), some = p.vjp(first3, gz, new Set(['src_bytes', 'count']));
    const cols = p.numericColumns();
    for (let r = 0; r < 3; r++) cols.forEach((c, j) => {
      const want = c === 'src_bytes' || c === 'count' ? all.data[r * cols.length + j] : 0;
      assert.equal(some.data[r * cols.length + j], want, `${c} row ${r}`);
    });
    assert.ok(cols.some((c, j) => c !== 'src_bytes' && c !== 'count' && all.data[j] !== 0), 'the other columns have gradients of their own');
  }
});
