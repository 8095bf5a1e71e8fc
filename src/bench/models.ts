/**
 * `npm run bench -- models` / `qml6g bench models [--json]`: quantum and classical detectors side by
 * side on the shipped data, in one run with one seed, to check the accuracy targets:
 * - NSL-KDD binary, KDDTrain+_20Percent with a stratified 30% held out (published reference:
 *   a 4-qubit VQC reached 88% against 97% for an MLP on this subset, Thomos & Andronikos 2026);
 * - NSL-KDD binary, KDDTrain+_20Percent → KDDTest+ (the hard split, unseen attack types);
 * - 5G jamming (5G_JDD), stratified 30% held out (its rows repeat, so this split is optimistic).
 */
import { version } from '../core/version.js';
import { loadDataset } from '../qml/datasets.js';
import { Detector } from '../qml/detector.js';
import type { ModelSpec } from '../qml/models/registry.js';
import { selectRows, stratifiedSplit, type LabeledData } from '../qml/table.js';

export interface ModelsBenchRow { task: string; model: string; kind: string; accuracy: number; balanced_accuracy: number; roc_auc: number | null; f1: number; seconds: number }
export interface ModelsBenchResult { bench: 'models'; version: string; seed: number; rows: ModelsBenchRow[]; checks: Array<{ name: string; passed: boolean; detail: string }>; seconds: number }

/** The detectors compared, with their epoch budgets (the hybrid is cheap per epoch and needs more). */
const MODELS: Array<[ModelSpec, number]> = [
  [{ type: 'vqc', qubits: 8, layers: 4 }, 10],
  [{ type: 'reupload', qubits: 8, layers: 3 }, 10],
  [{ type: 'qsvm', qubits: 8 }, 0],
  [{ type: 'hybrid', qubits: 6, layers: 3 }, 40],
  [{ type: 'logreg' }, 40],
  [{ type: 'mlp' }, 40],
  [{ type: 'svm' }, 0],
];

function held(d: LabeledData, seed: number): [LabeledData, LabeledData] {
  const s = stratifiedSplit(d.labels, 0.3, seed);
  return [selectRows(d, s.train), selectRows(d, s.test)];
}

export function benchModels(opts: { quick?: boolean; seed?: number; log?: (s: string) => void } = {}): ModelsBenchResult {
  const log = opts.log ?? (() => {});
  const seed = opts.seed ?? 1, t0 = performance.now();
  const cap = opts.quick ? 3000 : undefined;
  const nsl = loadDataset('nsl-kdd', { maxRows: cap, seed });
  const [nslTrain, nslTest] = held(nsl, seed);
  const hard = loadDataset('nsl-kdd-test', { maxRows: cap, seed });
  const jam = loadDataset('5g-jamming', { maxRows: cap ?? 8000, seed });
  const [jamTrain, jamTest] = held(jam, seed);
  const tasks: Array<[string, LabeledData, LabeledData[]]> = [
    ['nsl-kdd 70/30', nslTrain, [nslTest]],
    ['nsl-kdd-20% → KDDTest+', nsl, [hard]],
    ['5g-jamming 70/30', jamTrain, [jamTest]],
  ];
  const rows: ModelsBenchRow[] = [];
  for (const [task, train, [test]] of tasks) {
    for (const [spec, epochs] of MODELS) {
      const ts = performance.now();
      const det = Detector.train(train, spec, { epochs: Math.max(1, opts.quick ? Math.ceil(epochs / 3) : epochs), patience: 8, seed, log: (s) => log(`  ${s}`) });
      const m = det.evaluate(test);
      const row = { task, model: spec.type, kind: det.model.kind, accuracy: m.accuracy, balanced_accuracy: m.balanced_accuracy, roc_auc: m.roc_auc, f1: m.f1, seconds: (performance.now() - ts) / 1000 };
      rows.push(row);
      log(`${task.padEnd(26)} ${spec.type.padEnd(9)} accuracy ${m.accuracy.toFixed(4)}  balanced ${m.balanced_accuracy.toFixed(4)}  AUC ${m.roc_auc?.toFixed(4)}  (${row.seconds.toFixed(1)} s)`);
    }
  }
  const acc = (task: string, model: string) => rows.find((r) => r.task === task && r.model === model)!.accuracy;
  const t1 = 'nsl-kdd 70/30';
  const mlp = acc(t1, 'mlp');
  const bestClassical = Math.max(...rows.filter((r) => r.task === '5g-jamming 70/30' && r.kind === 'classical').map((r) => r.accuracy));
  const bestQuantum = Math.max(...rows.filter((r) => r.task === '5g-jamming 70/30' && r.kind === 'quantum').map((r) => r.accuracy));
  const checks = [
    ...['vqc', 'qsvm'].map((m) => ({ name: `${m} ≥ 95% on NSL-KDD 70/30`, passed: acc(t1, m) >= 0.95, detail: `${(100 * acc(t1, m)).toFixed(2)}%` })),
    ...['vqc', 'qsvm'].map((m) => ({ name: `${m} ≥ 98% of the MLP on NSL-KDD 70/30`, passed: acc(t1, m) >= 0.98 * mlp, detail: `${(100 * acc(t1, m) / mlp).toFixed(1)}% of ${(100 * mlp).toFixed(2)}%` })),
    { name: 'a quantum model within 2 points of the best classical on 5G jamming', passed: bestQuantum >= bestClassical - 0.02, detail: `quantum ${(100 * bestQuantum).toFixed(2)}%, classical ${(100 * bestClassical).toFixed(2)}%` },
  ];
  for (const c of checks) log(`${c.passed ? 'PASS' : 'MISS'} ${c.name}: ${c.detail}`);
  return { bench: 'models', version: version(), seed, rows, checks, seconds: (performance.now() - t0) / 1000 };
}
