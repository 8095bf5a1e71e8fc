import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../core/rng.js';
import { assertClose } from '../testing/shared.js';
import { encodingLeakage, LEAKAGE_ENCODINGS } from './leakage.js';
import { QmlError } from '../core/errors.js';

function twoBlobs(rng: Rng, rows: number, d: number, gap: number): { X: { data: Float64Array; rows: number; cols: number }; y: Int32Array } {
  const data = new Float64Array(rows * d), y = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    y[r] = r % 3 === 0 ? 1 : 0;
    for (let j = 0; j < d; j++) data[r * d + j] = 1.2 + (y[r] ? gap : 0) + 0.3 * rng.normal();
  }
  return { X: { data, rows, cols: d }, y };
}

test('leakage is the guessing baseline when the classes share one distribution, and grows with their separation', () => {
  const rng = new Rng(1);
  const same = twoBlobs(rng, 90, 3, 0);
  // relabel the same rows: both classes hold copies of every row
  const X = { data: Float64Array.from([...same.X.data, ...same.X.data]), rows: 180, cols: 3 };
  const y = Int32Array.from({ length: 180 }, (_, r) => (r < 90 ? 0 : 1));
  for (const encoding of LEAKAGE_ENCODINGS) {
    const r = encodingLeakage(X, y, 2, { qubits: 3, encoding, maxRowsPerClass: 1000 });
    assertClose(r.success, 0.5, 1e-9, encoding);
  }
  const far = twoBlobs(rng, 120, 3, 1.5);
  const near = twoBlobs(rng, 120, 3, 0.3);
  const a = encodingLeakage(far.X, far.y, 2, { qubits: 3, encoding: 'angle-y' });
  const b = encodingLeakage(near.X, near.y, 2, { qubits: 3, encoding: 'angle-y' });
  assert.ok(a.success > b.success + 0.05, `${a.success} vs ${b.success}`);
  assertClose(a.guessing, 2 / 3, 1e-12, 'majority class');
});

test('transit noise lowers what an interception reveals; full depolarisation leaves only the class frequencies', () => {
  const rng = new Rng(2);
  const { X, y } = twoBlobs(rng, 120, 3, 1.0);
  const s = [0, 0.2, 0.6].map((p) => encodingLeakage(X, y, 2, { qubits: 3, encoding: 'dense', transit: p ? [{ channel: 'depolarizing', p }] : undefined }).success);
  assert.ok(s[0] > s[1] && s[1] > s[2], s.join(' > '));
  const full = encodingLeakage(X, y, 2, { qubits: 3, encoding: 'zz', transit: [{ channel: 'depolarizing', p: 1 }] });
  assertClose(full.success, full.guessing, 1e-9, 'fully depolarised');
  const device = encodingLeakage(X, y, 2, { qubits: 3, encoding: 'zz', noise: { after_2q: [{ channel: 'depolarizing', p: 0.1 }] } });
  assert.ok(device.noisy && device.success < encodingLeakage(X, y, 2, { qubits: 3, encoding: 'zz' }).success);
});

test('three classes use the pretty-good measurement with its Barnum–Knill upper bound', () => {
  const rng = new Rng(3);
  const rows = 90, d = 2, data = new Float64Array(rows * d), y = new Int32Array(rows);
  for (let r = 0; r < rows; r++) { y[r] = r % 3; for (let j = 0; j < d; j++) data[r * d + j] = y[r] * 1.0 + 0.2 * rng.normal(); }
  const r = encodingLeakage({ data, rows, cols: d }, y, 3, { qubits: 2, encoding: 'angle-y' });
  assert.equal(r.measurement, 'pgm');
  assert.ok(r.success > 1 / 3 && r.success <= r.upperBound && r.upperBound <= 1);
});

test('bad input: too many features for the encoding, unknown encodings, a class without rows', () => {
  const X = { data: new Float64Array(20), rows: 5, cols: 4 };
  const y = Int32Array.from([0, 1, 0, 1, 0]);
  assert.throws(() => encodingLeakage(X, y, 2, { qubits: 2, encoding: 'angle-y' }), QmlError);
  assert.throws(() => encodingLeakage(X, y, 2, { qubits: 4, encoding: 'nope' as 'dense' }), QmlError);
  assert.throws(() => encodingLeakage(X, y, 3, { qubits: 4, encoding: 'angle-y' }), QmlError);
});

test('the shuffled-label baseline sits near guessing while real class structure stands above it', () => {
  const rng = new Rng(6);
  const { X, y } = twoBlobs(rng, 300, 3, 1.0);
  const r = encodingLeakage(X, y, 2, { qubits: 3, encoding: 'angle-y', nullBaseline: true });
  assert.ok(r.nullSuccess !== null && r.nullSuccess < r.guessing + 0.03, `null ${r.nullSuccess} vs guessing ${r.guessing}`);
  assert.ok(r.success > r.nullSuccess + 0.1, `${r.success} vs null ${r.nullSuccess}`);
});
