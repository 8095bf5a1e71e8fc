/**
 * `qml6g train --data NAME|FILE.csv --model TYPE [...]` trains a detector and reports test metrics;
 * `qml6g evaluate --model model.json --data ...` scores a saved one. With --json the last line is
 * one JSON object: accuracy, balanced_accuracy, f1, false_positive_rate, roc_auc, ece, n_test,
 * model, seed, seconds and more.
 */
import fs from 'node:fs';
import { QmlError } from '../core/errors.js';
import { version } from '../core/version.js';
import { ANSATZE, ENCODINGS, type Ansatz, type Encoding } from '../qml/circuits.js';
import { Detector } from '../qml/detector.js';
import type { CutForward } from '../qml/cut-execution.js';
import type { Metrics } from '../qml/metrics.js';
import { checkModelType, featureBudget, isQuantumType, MODEL_TYPES, type ModelSpec } from '../qml/models/registry.js';
import type { NoiseModel } from '../sim/noise.js';
import type { DeviceExecution, Execution } from '../qml/model.js';
import { modelFromJSON } from '../qml/models/registry.js';
import { parseArgs, usage, type Flags } from './args.js';
import { dataFlags, loadFromFlags, trainTestFromFlags } from './data-args.js';
import { info, printJson, printLine, Progress, readJson, readText, writeFileAtomic } from './io.js';
import { signDetectorJSON, signedFileText, verifyDetectorText } from '../supply/signing.js';
import { signingKey, trustedKeys } from '../supply/keys.js';
import { recordRun } from '../store/recorder.js';

/** Devices narrower than the model: its circuit runs cut into fragments (src/sim/cutting). */
const deviceFlags: Flags = {
  'device-qubits': { type: 'int', help: 'devices hold this many qubits: wider quantum models run through circuit cutting' },
  'max-overhead': { type: 'number', help: 'with --device-qubits: refuse cut plans whose sampling overhead Π γ² exceeds this', default: 1e6 },
};

function deviceFrom(flags: Record<string, unknown>): DeviceExecution | undefined {
  const k = flags['device-qubits'] as number | undefined;
  if (k === undefined) return undefined;
  if (k < 1) throw new QmlError(`--device-qubits must be positive, got ${k}`, '--device-qubits');
  return { qubits: k, maxOverhead: flags['max-overhead'] as number };
}

/** The cut plan a quantum model runs through, as reported numbers (null when it runs uncut). */
function cutInfoOf(model: unknown, K: number): Record<string, unknown> | null {
  const m = model as { layer?: { cut: CutForward | null }; cut?: CutForward | null };
  // (vqc/reupload/hybrid keep the cut in their quantum layer; circuit classifiers and QSVMs on the model)
  const cut = m.layer ? m.layer.cut : m.cut ?? null;
  if (!cut) return null;
  info(`${cut.plan.cuts.length} cut(s), ${cut.plan.fragments.length} fragment(s) of at most ${K} qubits, sampling overhead ${cut.plan.samplingOverhead.toPrecision(4)}`);
  return { device_qubits: K, fragments: cut.plan.fragments.length, cuts: cut.plan.cuts.length, sampling_overhead: cut.plan.samplingOverhead, shots_used: cut.shotsUsed };
}

const trainFlags: Flags = {
  ...dataFlags,
  test: { type: 'string', help: 'test set: a named set or a file (default: a stratified split of --data)' },
  split: { type: 'number', help: 'fraction held out for testing when there is no --test', default: 0.3 },
  model: { type: 'string', help: MODEL_TYPES.join(' | '), default: 'vqc' },
  qubits: { type: 'int', help: 'qubits of a quantum model', default: 8 },
  layers: { type: 'int', help: 'ansatz layers', default: 4 },
  encoding: { type: 'string', help: ENCODINGS.join(' | '), default: 'angle-y' },
  ansatz: { type: 'string', help: ANSATZE.join(' | '), default: 'hea-ring' },
  kernel: { type: 'string', help: 'QSVM kernel: fidelity | projected', default: 'fidelity' },
  features: { type: 'int', help: 'features after preprocessing (default: what the encoding takes; all for classical models)' },
  epochs: { type: 'int', help: 'training epochs', default: 20 },
  'batch-size': { type: 'int', help: 'mini-batch size', default: 32 },
  lr: { type: 'number', help: 'learning rate (default per optimizer)' },
  optimizer: { type: 'string', help: 'adam | sgd | spsa', default: 'adam' },
  'class-weight': { type: 'string', help: 'balanced | none', default: 'balanced' },
  patience: { type: 'int', help: 'early-stopping patience in epochs', default: 5 },
  shots: { type: 'int', help: 'run the quantum model with this many shots' },
  noise: { type: 'string', help: 'run the quantum model under this noise model (JSON file)' },
  ...deviceFlags,
  seed: { type: 'int', help: 'random seed', default: 0 },
  out: { type: 'string', help: 'save the trained detector here (written atomically)' },
  json: { type: 'boolean', help: 'print the results as one JSON object (last line)' },
  help: { type: 'boolean', help: 'show this help' },
};

function summary(m: Metrics): Record<string, unknown> {
  return {
    accuracy: m.accuracy, balanced_accuracy: m.balanced_accuracy, f1: m.f1, macro_f1: m.macro_f1,
    detection_rate: m.detection_rate, false_positive_rate: m.false_positive_rate, roc_auc: m.roc_auc,
    ece: m.ece, brier: m.brier, n_test: m.n, confusion: m.confusion,
    precision: m.precision, recall: m.recall, f1_per_class: m.f1_per_class, reliability: m.reliability,
  };
}

function printMetrics(m: Metrics, classes: string[]): void {
  const f = (v: number | null) => (v === null ? 'n/a' : v.toFixed(4));
  printLine(`accuracy ${f(m.accuracy)}  balanced ${f(m.balanced_accuracy)}  F1 ${f(m.f1)}  ROC-AUC ${f(m.roc_auc)}  detection ${f(m.detection_rate)}  FPR ${f(m.false_positive_rate)}  ECE ${f(m.ece)}  (n = ${m.n})`);
  printLine('confusion (rows: true, columns: predicted):');
  const w = Math.max(8, ...classes.map((c) => c.length + 1));
  printLine(' '.repeat(w) + classes.map((c) => c.padStart(w)).join(''));
  m.confusion.forEach((row, i) => printLine(classes[i].padEnd(w) + row.map((v) => String(v).padStart(w)).join('')));
}

export function runTrain(argv: string[]): void {
  const a = parseArgs(argv, trainFlags, 'train');
  if (a.flags.help) { printLine(usage('train', '--data NAME|FILE.csv --model TYPE [options]', trainFlags)); return; }
  if (a.positional.length) throw new QmlError(`unexpected argument "${a.positional[0]}"`);
  const type = checkModelType(a.flags.model as string);
  const encoding = a.flags.encoding as Encoding, ansatz = a.flags.ansatz as Ansatz;
  if (!ENCODINGS.includes(encoding)) throw new QmlError(`unknown encoding "${encoding}" (known: ${ENCODINGS.join(', ')})`, '--encoding');
  if (!ANSATZE.includes(ansatz)) throw new QmlError(`unknown ansatz "${ansatz}" (known: ${ANSATZE.join(', ')})`, '--ansatz');
  const cw = a.flags['class-weight'] as string;
  if (cw !== 'balanced' && cw !== 'none') throw new QmlError(`--class-weight must be balanced or none, got "${cw}"`);
  const kernel = a.flags.kernel as string;
  if (kernel !== 'fidelity' && kernel !== 'projected') throw new QmlError(`--kernel must be fidelity or projected, got "${kernel}"`);
  const noise = a.flags.noise ? (readJson(a.flags.noise as string, 'noise file') as NoiseModel) : undefined;
  const shots = a.flags.shots as number | undefined;
  if (shots !== undefined && shots < 1) throw new QmlError(`--shots must be positive, got ${shots}`);
  const out = a.flags.out as string | undefined;
  const seed = a.flags.seed as number;
  const t0 = performance.now();
  const device = deviceFrom(a.flags);
  if (device && type === 'qsvm' && kernel !== 'projected') throw new QmlError('--device-qubits cuts the projected QSVM kernel (--kernel projected), whose Bloch vectors are Pauli expectations; the fidelity kernel is not cut', '--device-qubits');
  const { train, test, split } = trainTestFromFlags(a.flags);
  for (const n of train.notes) info(`note: ${n}`);
  const spec: ModelSpec = {
    type, qubits: a.flags.qubits as number, layers: a.flags.layers as number, encoding, ansatz, kernel: kernel as 'fidelity' | 'projected',
    execution: noise || shots || device ? { noise, shots, seed, ...(device ? { device } : {}) } : undefined,
  };
  if (device && !isQuantumType(type)) info('note: --device-qubits applies to quantum models only');
  if (!isQuantumType(type) && (noise || shots)) info('note: --noise and --shots apply to quantum models only');
  info(`training ${type} on ${train.name} (${train.table.rows} rows, ${train.classes.length} classes: ${train.classes.join(', ')}); testing on ${split} (${test.table.rows} rows)`);
  const bar = new Progress(`train ${type}`, 100, !!a.flags.json && !process.stderr.isTTY);
  const features = a.flags.features as number | undefined;
  if (features !== undefined) {
    if (features < 1) throw new QmlError(`--features must be positive, got ${features}`);
    const cap = featureBudget(spec, Number.MAX_SAFE_INTEGER);
    if (isQuantumType(type) && type !== 'hybrid' && features > cap) {
      throw new QmlError(`${features} features do not fit the ${encoding} encoding on ${spec.qubits} qubits (at most ${cap}); lower --features or raise --qubits`, '--features');
    }
  }
  // Recorded in the experiment store as it goes: the loss curve per epoch, then the test metrics and the model.
  const rec = recordRun('train', { data: a.flags.data, test: a.flags.test, split: a.flags.split, spec, features, epochs: a.flags.epochs, 'batch-size': a.flags['batch-size'], lr: a.flags.lr, optimizer: a.flags.optimizer, 'class-weight': cw, patience: a.flags.patience, seed }, seed,
    { params: { model: type, dataset: train.name, epochs: a.flags.epochs, optimizer: a.flags.optimizer } });
  const det = Detector.train(train, spec, {
    pipeline: features !== undefined ? { components: features } : undefined,
    epochs: a.flags.epochs as number, batchSize: a.flags['batch-size'] as number, lr: a.flags.lr as number | undefined,
    optimizer: a.flags.optimizer as 'adam' | 'sgd' | 'spsa', classWeight: cw, patience: a.flags.patience as number, seed,
    log: info,
    onProgress: (done, total) => bar.tick(Math.round((100 * done) / total)),
    onEpoch: (e) => {
      rec.metrics([{ key: 'loss', value: e.loss, step: e.epoch }, ...(e.val_loss !== null ? [{ key: 'val_loss', value: e.val_loss, step: e.epoch }, { key: 'val_accuracy', value: e.val_accuracy!, step: e.epoch }] : [])]);
      if (!a.flags.json) info(`epoch ${e.epoch}: loss ${e.loss.toFixed(4)}${e.val_loss !== null ? `, validation loss ${e.val_loss.toFixed(4)}, accuracy ${e.val_accuracy!.toFixed(4)}` : ''}`); },
    onCheckpoint: out ? (_m, ep) => { void ep; } : undefined,
  });
  const metrics = det.evaluate(test);
  // Saved models are signed (ML-DSA-65) with this user's key, so evaluate and verify can check them.
  if (out) writeFileAtomic(out, signedFileText(signDetectorJSON(det.toJSON(), signingKey())));
  const seconds = (performance.now() - t0) / 1000;
  const result = {
    ...summary(metrics), model: type, kind: det.model.kind, seed, seconds, dataset: train.name, test: split, n_train: train.table.rows,
    classes: det.classes, features: det.pipeline.outputDim, parameters: det.model.params.length, epochs_run: det.meta.history?.length ?? 0,
    config: spec, saved: out ?? null, notes: train.notes,
    ...(device ? { cutting: cutInfoOf(det.model, device.qubits) } : {}), version: version(),
  };
  rec.metrics(['accuracy', 'balanced_accuracy', 'f1', 'detection_rate', 'false_positive_rate', 'roc_auc', 'ece'].flatMap((k) => {
    const v = (metrics as unknown as Record<string, unknown>)[k];
    return typeof v === 'number' ? [{ key: k, value: v, step: 0 }] : [];
  }));
  if (out) rec.artifactFile(out, 'model.json');
  rec.end('complete');
  if (a.flags.json) { printJson({ ...result, run_id: rec.enabled ? rec.id : undefined }); return; }
  printMetrics(metrics, det.classes);
  printLine(`${type} (${det.model.kind}, ${det.model.params.length} parameters, ${det.pipeline.outputDim} features) trained in ${seconds.toFixed(1)} s, seed ${seed}${out ? `; saved to ${out}` : ''}`);
}

const evalFlags: Flags = {
  ...dataFlags,
  model: { type: 'string', help: 'a detector saved by qml6g train --out' },
  'allow-unsigned': { type: 'boolean', help: 'load a model without a trusted signature (research only)' },
  ...deviceFlags,
  shots: { type: 'int', help: 'with --device-qubits: QPD samples per read-out term (exact when omitted)' },
  key: { type: 'string', help: 'also trust this public key file' },
  seed: { type: 'int', help: 'seed for --max-rows sampling', default: 0 },
  json: { type: 'boolean', help: 'print the results as one JSON object (last line)' },
  help: { type: 'boolean', help: 'show this help' },
};

/**
 * Loads a detector file. By default it must carry an intact signature from a trusted key (this
 * user's own, $QML6G_HOME/trusted/, or --key files); `allowUnsigned` skips the check (research only).
 */
export function loadDetector(file: string, opts: { allowUnsigned?: boolean; keys?: string[] } = {}): Detector {
  if (!fs.existsSync(file)) throw new QmlError('cannot read model file: no such file', file);
  const text = readText(file, 'model file');
  const json = readJson(file, 'model file');
  const det = Detector.fromJSON(json, file);
  if (!opts.allowUnsigned) {
    const v = verifyDetectorText(text, trustedKeys(opts.keys ?? []));
    if (!v.ok) throw new QmlError(`refusing to load: ${v.reason} (qml6g verify explains; --allow-unsigned loads it anyway, for research)`, file);
  }
  return det;
}

export function runEvaluate(argv: string[]): void {
  const a = parseArgs(argv, evalFlags, 'evaluate');
  if (a.flags.help) { printLine(usage('evaluate', '--model model.json --data NAME|FILE.csv [options]', evalFlags)); return; }
  if (!a.flags.model) throw new QmlError('--model is required (a file saved by qml6g train --out)');
  const t0 = performance.now();
  let det = loadDetector(a.flags.model as string, { allowUnsigned: !!a.flags['allow-unsigned'], keys: a.flags.key ? [a.flags.key as string] : [] });
  const device = deviceFrom(a.flags);
  const shots = a.flags.shots as number | undefined;
  if (shots !== undefined && (shots < 1 || !device)) throw new QmlError(shots < 1 ? `--shots must be positive, got ${shots}` : '--shots goes with --device-qubits here (a model file keeps its own execution)', '--shots');
  let cutInfo: Record<string, unknown> | null = null;
  if (device) {
    // The same trained model, re-run on narrower devices: its circuit is cut into fragments.
    const j = det.model.toJSON() as { execution?: Execution; type: string };
    if (!['vqc', 'reupload', 'hybrid', 'circuit', 'qsvm'].includes(j.type)) throw new QmlError(`--device-qubits runs vqc, reupload, hybrid, circuit and projected-kernel qsvm models through cutting, not "${j.type}"`, '--device-qubits');
    const withDevice = (e?: Execution): Execution => ({ ...(e ?? {}), ...(shots ? { shots } : {}), device });
    const opts = (j as { options?: { execution?: Execution } }).options;
    const model = modelFromJSON(j.type === 'qsvm' ? { ...j, options: { ...(opts ?? {}), execution: withDevice(opts?.execution) } } : { ...j, execution: withDevice(j.execution) });
    det = new Detector(det.pipeline, model, det.classes, det.meta);
    cutInfo = cutInfoOf(model, device.qubits);
    if (!cutInfo) info(`note: the model fits ${device.qubits}-qubit devices uncut`);
  }
  const data = loadFromFlags(a.flags, 'data');
  const metrics = det.evaluate(data);
  if (cutInfo) cutInfo = { ...cutInfo, shots_used: cutInfoOf(det.model, device!.qubits)!.shots_used };
  const result = {
    ...summary(metrics), model: det.meta.spec.type, kind: det.model.kind, seed: det.meta.seed, seconds: (performance.now() - t0) / 1000, dataset: data.name, classes: det.classes,
    ...(device ? { cutting: cutInfo, shots: shots ?? null } : {}), version: version(),
  };
  if (a.flags.json) { printJson(result); return; }
  printMetrics(metrics, det.classes);
}
