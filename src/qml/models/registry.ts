/**
 * Every model type by name: build one from a spec, or load one from its JSON. A new model is one
 * file implementing Model plus one entry here.
 */
import { QmlError } from '../../core/errors.js';
import type { Architecture, Ansatz, Encoding } from '../circuits.js';
import type { Execution, Model } from '../model.js';
import { VariationalClassifier } from './vqc.js';
import { HybridNetwork } from './hybrid.js';
import { LogisticRegression } from './logreg.js';
import { MLP } from './mlp.js';
import { KernelSVM, type SvmOptions } from './kernel-svm.js';
import { CircuitClassifier } from './circuit-classifier.js';
import type { Circuit } from '../../sim/circuit.js';

export const MODEL_TYPES = ['vqc', 'reupload', 'qsvm', 'hybrid', 'logreg', 'mlp', 'svm'] as const;
export type ModelType = (typeof MODEL_TYPES)[number];

export interface ModelSpec {
  type: ModelType;
  qubits?: number;
  layers?: number;
  encoding?: Encoding;
  ansatz?: Ansatz;
  /** MLP hidden sizes (default [32, 16]). */
  hidden?: number[];
  /**
   * Read-out of vqc / reupload / hybrid: 'z' (default: ⟨Z⟩ per qubit into a soft-max head), 'xyz'
   * (⟨X⟩, ⟨Y⟩, ⟨Z⟩ per qubit into the head) or, for vqc / reupload, 'born' (binary Born rule, certifiable).
   */
  readout?: 'z' | 'xyz' | 'born';
  /** vqc: re-upload the encoding before every layer (Pérez-Salinas et al. 2020); what 'reupload' always does. */
  reupload?: boolean;
  /** QSVM kernel (default fidelity). */
  kernel?: 'fidelity' | 'projected';
  svm?: SvmOptions;
  execution?: Execution;
}

export function isQuantumType(t: string): boolean {
  return t === 'vqc' || t === 'reupload' || t === 'qsvm' || t === 'hybrid';
}

export function checkModelType(t: string): ModelType {
  if (!(MODEL_TYPES as readonly string[]).includes(t)) throw new QmlError(`unknown model "${t}" (known: ${MODEL_TYPES.join(', ')})`, '--model');
  return t as ModelType;
}

function arch(spec: ModelSpec, defaults: Partial<Architecture>): Architecture {
  return {
    ...(spec.readout === 'born' || spec.readout === 'xyz' ? { readout: spec.readout } : {}),
    qubits: spec.qubits ?? 8,
    layers: spec.layers ?? defaults.layers ?? 4,
    encoding: spec.encoding ?? defaults.encoding ?? 'angle-y',
    ansatz: spec.ansatz ?? defaults.ansatz ?? 'hea-ring',
    reupload: spec.reupload ?? defaults.reupload,
  };
}

/** Number of input features a model takes from the pipeline (the feature budget). */
export function featureBudget(spec: ModelSpec, available: number): number {
  switch (spec.type) {
    case 'vqc': case 'reupload': case 'qsvm': {
      const q = spec.qubits ?? 8, e = spec.encoding ?? 'angle-y';
      const cap = e === 'dense' ? 2 * q : e === 'amplitude' ? 2 ** q : q;
      return Math.min(cap, available);
    }
    // Classical models and the hybrid's dense front end take every feature.
    default: return available;
  }
}

export function createModel(spec: ModelSpec, numFeatures: number, numClasses: number, seed: number): Model {
  const type = checkModelType(spec.type);
  switch (type) {
    case 'vqc': return VariationalClassifier.create(arch(spec, {}), numFeatures, numClasses, { seed, execution: spec.execution });
    case 'reupload': return VariationalClassifier.create(arch(spec, { reupload: true, layers: 3 }), numFeatures, numClasses, { seed, execution: spec.execution });
    case 'hybrid': return HybridNetwork.create(arch(spec, { layers: 2 }), numFeatures, numClasses, { seed, execution: spec.execution });
    case 'qsvm': {
      const a = { qubits: spec.qubits ?? 8, encoding: spec.encoding ?? 'angle-y', reps: 1 } as const;
      return new KernelSVM(spec.kernel === 'projected' ? { kind: 'projected', arch: a } : { kind: 'fidelity', arch: a }, numFeatures, numClasses, { ...spec.svm, execution: spec.execution });
    }
    case 'logreg': return LogisticRegression.create(numFeatures, numClasses, { seed });
    case 'mlp': return MLP.create(numFeatures, spec.hidden ?? [32, 16], numClasses, { seed });
    case 'svm': return new KernelSVM({ kind: 'rbf' }, numFeatures, numClasses, spec.svm);
  }
}

function floats(j: Record<string, unknown>, key: string): Float64Array {
  const a = j[key];
  if (!Array.isArray(a) || a.some((v) => typeof v !== 'number' || !Number.isFinite(v))) throw new QmlError(`"${key}" must be a list of finite numbers (corrupt model file?)`, `model.${key}`);
  return Float64Array.from(a as number[]);
}

/** Wrapper models (inference defences) register how they load, so qml keeps no dependency on defences. */
const wrappers: Record<string, (j: Record<string, unknown>, inner: Model) => Model> = {};
export function registerWrapper(type: string, load: (j: Record<string, unknown>, inner: Model) => Model): void {
  wrappers[type] = load;
}

export function modelFromJSON(j: unknown): Model {
  const m = j as Record<string, unknown>;
  if (!m || typeof m !== 'object' || m.format !== 'qml6g-model' || m.version !== 1) throw new QmlError('not a qml6g model (format "qml6g-model", version 1)', 'model');
  const d = m.numFeatures as number, C = m.numClasses as number;
  if (!Number.isInteger(d) || d < 1 || !Number.isInteger(C) || C < 2) throw new QmlError('numFeatures and numClasses must be positive integers (corrupt model file?)', 'model');
  switch (m.type) {
    case 'vqc': case 'reupload': return new VariationalClassifier(m.arch as Architecture, d, C, floats(m, 'params'), (m.execution ?? {}) as Execution);
    case 'hybrid': return new HybridNetwork(m.arch as Architecture, d, C, floats(m, 'params'), (m.execution ?? {}) as Execution);
    case 'logreg': return new LogisticRegression(d, C, floats(m, 'params'), m.l2 as number);
    case 'mlp': return new MLP(d, m.hidden as number[], C, floats(m, 'params'), m.l2 as number);
    case 'qsvm': case 'svm': return KernelSVM.fromJSON(m);
    case 'circuit': return new CircuitClassifier(m.circuit as Circuit, m.readoutQubit as number, d, floats(m, 'params'), (m.execution ?? {}) as Execution);
    default: {
      // Wrapper models (inference defences, ensembles) load through their registered loaders.
      const w = wrappers[String(m.type)];
      if (!w) throw new QmlError(`unknown model type "${String(m.type)}" in model file`, 'model.type');
      return w(m, m.inner === undefined ? (undefined as unknown as Model) : modelFromJSON(m.inner));
    }
  }
}
