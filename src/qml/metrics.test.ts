import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classificationMetrics, rocAuc } from './metrics.js';
import { assertClose } from '../testing/shared.js';

test('ROC-AUC is the probability that a positive outranks a negative (ties half)', () => {
  // Pairs: (0.9 > 0.1, 0.9 > 0.4, 0.3 > 0.1, 0.3 < 0.4) → 3/4.
  assertClose(rocAuc([0.1, 0.4, 0.9, 0.3], [false, false, true, true])!, 0.75, 1e-12, 'AUC');
  assertClose(rocAuc([0.5, 0.5], [false, true])!, 0.5, 1e-12, 'tie');
  assert.equal(rocAuc([0.5, 0.6], [true, true]), null);
});

test('hand-computed metrics: confusion, detection rate, false-positive rate, ECE, Brier', () => {
  // Rows: normal p(attack)=0.2 ✓, normal 0.7 ✗ (false positive), attack 0.9 ✓, attack 0.4 ✗ (missed), attack 0.8 ✓.
  const pa = [0.2, 0.7, 0.9, 0.4, 0.8];
  const probs = Float64Array.from(pa.flatMap((p) => [1 - p, p]));
  const y = Int32Array.from([0, 0, 1, 1, 1]);
  const m = classificationMetrics(probs, y, 2);
  assert.deepEqual(m.confusion, [[1, 1], [1, 2]]);
  assertClose(m.accuracy, 0.6, 1e-12, 'accuracy');
  assertClose(m.detection_rate, 2 / 3, 1e-12, 'detection');
  assertClose(m.false_positive_rate, 0.5, 1e-12, 'FPR');
  assertClose(m.balanced_accuracy, (0.5 + 2 / 3) / 2, 1e-12, 'balanced');
  assertClose(m.f1, 2 / 3, 1e-12, 'F1 of attack: precision 2/3, recall 2/3');
  // Confidences 0.8, 0.7, 0.9, 0.6, 0.8 in bins [0.8,0.867): 2 (both right), [0.667,0.733): 1 (wrong), [0.867,0.933): 1 (right), [0.6,0.667): 1 (wrong).
  const ece = (2 / 5) * Math.abs(1 - 0.8) + (1 / 5) * Math.abs(0 - 0.7) + (1 / 5) * Math.abs(1 - 0.9) + (1 / 5) * Math.abs(0 - 0.6);
  assertClose(m.ece, ece, 1e-12, 'ECE');
  const brier = pa.reduce((a, p, i) => a + 2 * (p - y[i]) ** 2, 0) / 5;
  assertClose(m.brier, brier, 1e-12, 'Brier');
  assertClose(m.roc_auc!, 5 / 6, 1e-12, 'AUC');
});
