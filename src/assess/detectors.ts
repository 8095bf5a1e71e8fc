/**
 * How `qml6g assess` builds and trains each detector from its configuration: one place, so the
 * generalisation measurement (scripts/generalisation.mjs) trains exactly what assess trains.
 */
import { loadDataset, isNamedDataset, type DataFormat } from '../qml/datasets.js';
import { selectRows, stratifiedSplit, type LabeledData } from '../qml/table.js';
import type { ModelSpec, ModelType } from '../qml/models/registry.js';
import type { Model } from '../qml/model.js';
import { KernelSVM } from '../qml/models/kernel-svm.js';
import { VariationalClassifier } from '../qml/models/vqc.js';
import type { TrainConfig } from '../qml/train.js';
import type { AssessConfig } from './config.js';
import type { ModelEntry } from './run.js';

type ModelConfig = Pick<AssessConfig, 'qubits' | 'layers' | 'kernelRows' | 'epochs' | 'seed'>;

/**
 * The model spec assess trains for `name`. The VQC is the data re-uploading classifier (the encoding
 * before every layer, Pérez-Salinas et al. 2020) reading ⟨X⟩, ⟨Y⟩, ⟨Z⟩ of every qubit: with one
 * upload and ⟨Z⟩ alone, 8 numbers feed the soft-max head, and on the data sets it was not tuned on
 * it trailed logistic regression (CIC-IDS2017, 16 classes: 82% against 97%). The kernel models
 * choose their bandwidth and C on validation folds of the training rows (KernelSVM).
 */
export function assessSpec(cfg: ModelConfig, name: ModelType): ModelSpec {
  const base: ModelSpec = { type: name, qubits: name === 'hybrid' ? Math.min(cfg.qubits, 6) : cfg.qubits, layers: cfg.layers, svm: { maxTrain: cfg.kernelRows } };
  return name === 'vqc' ? { ...base, reupload: true, readout: 'xyz' } : base;
}

/** The training schedule assess uses for `name`: the same number of epochs for every gradient-trained model. */
export function assessTrainConfig(cfg: ModelConfig, name: ModelType): TrainConfig {
  void name;
  return { epochs: cfg.epochs * 3, seed: cfg.seed, patience: 6 };
}

/** The stratified sample and its 70/30 train/test split that assess trains and scores on. */
export function assessSplit(cfg: Pick<AssessConfig, 'data' | 'label' | 'format' | 'maxRows' | 'trainRows' | 'seed' | 'drop'>): { data: LabeledData; train: LabeledData; test: LabeledData } {
  const named = isNamedDataset(cfg.data);
  const data = loadDataset(cfg.data, { label: cfg.label, format: (named ? undefined : cfg.format) as DataFormat | undefined, maxRows: Math.min(cfg.maxRows ?? Infinity, Math.round(cfg.trainRows / 0.7)), seed: cfg.seed, drop: cfg.drop });
  const split = stratifiedSplit(data.labels, 0.3, cfg.seed + 1);
  return { data, train: selectRows(data, split.train), test: selectRows(data, split.test) };
}


/** The best quantum and the best classical detector by clean test accuracy (the same test rows). */
export interface DetectorComparison {
  best_quantum: string;
  quantum_accuracy: number;
  best_classical: string;
  classical_accuracy: number;
  /** quantum_accuracy / classical_accuracy. */
  ratio: number;
  test_rows: number;
}

export function compareDetectors(models: Pick<ModelEntry, 'name' | 'kind' | 'test'>[]): DetectorComparison | null {
  const best = (kind: 'quantum' | 'classical') => models.filter((m) => m.kind === kind).reduce<typeof models[number] | null>((b, m) => (!b || m.test.accuracy > b.test.accuracy ? m : b), null);
  const q = best('quantum'), c = best('classical');
  if (!q || !c) return null;
  return { best_quantum: q.name, quantum_accuracy: q.test.accuracy, best_classical: c.name, classical_accuracy: c.test.accuracy, ratio: q.test.accuracy / Math.max(c.test.accuracy, 1e-12), test_rows: q.test.n };
}

/** One plain sentence on the comparison, for the summary and the report. */
export function comparisonSentence(c: DetectorComparison): string {
  const p = (v: number) => `${(100 * v).toFixed(1)}%`;
  const verdict = c.ratio >= 1 ? 'level with or ahead of it' : c.ratio >= 0.98 ? 'within 2% of it' : `behind it by ${(100 * (c.classical_accuracy - c.quantum_accuracy)).toFixed(1)} points`;
  return `Best quantum detector: ${c.best_quantum} at ${p(c.quantum_accuracy)} clean test accuracy, ${p(c.ratio)} of the best classical detector (${c.best_classical}, ${p(c.classical_accuracy)}) on the same ${c.test_rows} test rows: ${verdict}.`;
}

/** What a trained detector is, in one line for the report's notes (circuit models and kernels). */
export function describeDetector(name: string, m: Model): string | null {
  if (m instanceof VariationalClassifier) {
    const a = m.arch, ro = a.readout === 'xyz' ? '⟨X⟩, ⟨Y⟩, ⟨Z⟩ of every qubit' : a.readout === 'born' ? 'the Born rule on qubit 0' : '⟨Z⟩ of every qubit';
    return `${name}: ${a.qubits}-qubit ${a.reupload ? 'data re-uploading classifier (the encoding before each of' : 'variational classifier (one encoding, then'} ${a.layers} ${a.ansatz} layers${a.reupload ? ')' : ')'}, ${a.encoding} encoding, ${ro} into the head`;
  }
  if (m instanceof KernelSVM) {
    return `${name}: ${m.kernel.kind} kernel SVM on ${m.support?.rows ?? 0} training rows, bandwidth s = ${m.bandwidth} (the kernel sees s·x) and C = ${m.chosenC}${m.options.bandwidth === undefined && m.options.C === undefined ? ', both chosen by 3-fold validation on the training rows' : ''}`;
  }
  return null;
}
