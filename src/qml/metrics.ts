/**
 * Classification metrics for detectors. Class 0 is the normal/benign class; every other class is
 * an attack, so detection rate = attacks flagged as any attack, false-positive rate = normal rows
 * flagged as attacks.
 *
 * @example
 * import { classificationMetrics } from 'qml6g';
 * const m = classificationMetrics(Float64Array.from([0.9, 0.1, 0.2, 0.8]), Int32Array.from([0, 1]), 2);
 * m.accuracy; // 1
 */
import { QmlError } from '../core/errors.js';

export interface ReliabilityBin { lo: number; hi: number; count: number; confidence: number; accuracy: number }

export interface Metrics {
  n: number;
  accuracy: number;
  balanced_accuracy: number;
  precision: number[];
  recall: number[];
  f1_per_class: number[];
  /** Binary: F1 of the attack class; several classes: macro F1. */
  f1: number;
  macro_f1: number;
  detection_rate: number;
  false_positive_rate: number;
  /** Binary: AUC of P(attack); several classes: macro one-vs-rest AUC (null where a class is absent). */
  roc_auc: number | null;
  confusion: number[][];
  /** Expected calibration error over 15 equal-width confidence bins (Guo et al. 2017). */
  ece: number;
  reliability: ReliabilityBin[];
  /** Multi-class Brier score: mean Σ_c (p_c − [y = c])². */
  brier: number;
}

/** Area under the ROC curve by the rank statistic (Mann–Whitney U), ties counted half. */
export function rocAuc(scores: ArrayLike<number>, positive: ArrayLike<boolean>): number | null {
  const n = scores.length;
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let pos = 0, neg = 0, rankSum = 0;
  for (let i = 0; i < n;) {
    let j = i;
    while (j + 1 < n && scores[idx[j + 1]] === scores[idx[i]]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) if (positive[idx[k]]) { rankSum += rank; pos++; } else neg++;
    i = j + 1;
  }
  if (!pos || !neg) return null;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

export function classificationMetrics(probs: Float64Array, y: Int32Array, C: number, bins = 15): Metrics {
  const n = y.length;
  const confusion = Array.from({ length: C }, () => new Array<number>(C).fill(0));
  const rel = Array.from({ length: bins }, (_, b) => ({ lo: b / bins, hi: (b + 1) / bins, count: 0, conf: 0, acc: 0 }));
  let correct = 0, brier = 0;
  for (let r = 0; r < n; r++) {
    let best = 0;
    for (let c = 1; c < C; c++) if (probs[r * C + c] > probs[r * C + best]) best = c;
    confusion[y[r]][best]++;
    if (best === y[r]) correct++;
    const conf = probs[r * C + best];
    if (!Number.isFinite(conf)) throw new QmlError(`row ${r} has a non-finite class probability (${conf}): the model is numerically unstable at this input`);
    const b = Math.min(bins - 1, Math.floor(conf * bins));
    rel[b].count++; rel[b].conf += conf; rel[b].acc += best === y[r] ? 1 : 0;
    for (let c = 0; c < C; c++) brier += (probs[r * C + c] - (c === y[r] ? 1 : 0)) ** 2;
  }
  const precision: number[] = [], recall: number[] = [], f1s: number[] = [];
  for (let c = 0; c < C; c++) {
    const tp = confusion[c][c];
    let predicted = 0, actual = 0;
    for (let k = 0; k < C; k++) { predicted += confusion[k][c]; actual += confusion[c][k]; }
    const p = predicted ? tp / predicted : 0, rc = actual ? tp / actual : 0;
    precision.push(p); recall.push(rc); f1s.push(p + rc ? (2 * p * rc) / (p + rc) : 0);
  }
  const present = Array.from({ length: C }, (_, c) => confusion[c].reduce((a, v) => a + v, 0) > 0);
  const balanced = recall.filter((_, c) => present[c]).reduce((a, v) => a + v, 0) / Math.max(1, present.filter(Boolean).length);
  const macroF1 = f1s.filter((_, c) => present[c]).reduce((a, v) => a + v, 0) / Math.max(1, present.filter(Boolean).length);
  let attacks = 0, flagged = 0, normals = 0, falsePos = 0;
  for (let a = 0; a < C; a++) for (let b = 0; b < C; b++) {
    if (a === 0) { normals += confusion[a][b]; if (b !== 0) falsePos += confusion[a][b]; } else { attacks += confusion[a][b]; if (b !== 0) flagged += confusion[a][b]; }
  }
  let auc: number | null;
  if (C === 2) auc = rocAuc(Float64Array.from({ length: n }, (_, r) => probs[r * 2 + 1]), Array.from(y, (v) => v === 1));
  else {
    const aucs = Array.from({ length: C }, (_, c) => rocAuc(Float64Array.from({ length: n }, (_, r) => probs[r * C + c]), Array.from(y, (v) => v === c))).filter((v): v is number => v !== null);
    auc = aucs.length ? aucs.reduce((a, v) => a + v, 0) / aucs.length : null;
  }
  let ece = 0;
  const reliability = rel.map((b) => {
    if (b.count) ece += (b.count / n) * Math.abs(b.acc / b.count - b.conf / b.count);
    return { lo: b.lo, hi: b.hi, count: b.count, confidence: b.count ? b.conf / b.count : 0, accuracy: b.count ? b.acc / b.count : 0 };
  });
  return {
    n, accuracy: correct / n, balanced_accuracy: balanced, precision, recall, f1_per_class: f1s,
    f1: C === 2 ? f1s[1] : macroF1, macro_f1: macroF1,
    detection_rate: attacks ? flagged / attacks : 0, false_positive_rate: normals ? falsePos / normals : 0,
    roc_auc: auc, confusion, ece, reliability, brier: brier / n,
  };
}
