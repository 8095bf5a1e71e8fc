import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadDataset } from '../qml/datasets.js';
import { Pipeline } from '../qml/pipeline.js';
import { selectRows } from '../qml/table.js';
import { columnStats, fitFederatedPipeline } from './preprocess.js';
import { partitionRows } from './partition.js';

const d = loadDataset('nsl-kdd', { maxRows: 1200, seed: 2 });
const parts = partitionRows({ kind: 'dirichlet', alpha: 0.5 }, d.labels, d.classes.length, 4, 3);
const clients = parts.map((p) => selectRows(d, p));
const union = selectRows(d, parts.flat().sort((a, b) => a - b));

test('the federated pipeline equals the central fit on the union of the clients rows (PCA, standardised, selection)', () => {
  for (const cfg of [{ components: 8 }, { components: 6, range: null }, { components: 5, reduce: 'select' as const }]) {
    const fed = fitFederatedPipeline(clients, cfg), cen = Pipeline.fit(union, cfg);
    assert.deepEqual(fed.state.outputs, cen.state.outputs);
    const a = fed.transform(d.table).data, b = cen.transform(d.table).data;
    let m = 0;
    for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
    assert.ok(m < 1e-8, `${JSON.stringify(cfg)}: max difference ${m}`);
  }
});

test('clients send statistics, never rows: a column statistic has a fixed size whatever the row count', () => {
  const s1 = JSON.stringify(columnStats(clients[0].table).filter((c) => c.kind === 'numeric'));
  const s2 = JSON.stringify(columnStats(union.table).filter((c) => c.kind === 'numeric'));
  assert.ok(Math.abs(s1.length - s2.length) < 2000, 'sizes do not grow with rows');
  for (const c of columnStats(clients[0].table)) if (c.kind === 'numeric') assert.deepEqual(Object.keys(c).sort(), ['absMax', 'kind', 'l1', 'l2', 'missing', 'n', 'name', 's1', 's2', 's3']);
});

test('a client whose columns do not fit is named', () => {
  const bad = { ...clients[1], table: { ...clients[1].table, columns: clients[1].table.columns.slice(1) } };
  assert.throws(() => fitFederatedPipeline([clients[0], bad], { components: 4 }), /client 1's data does not fit/);
});
