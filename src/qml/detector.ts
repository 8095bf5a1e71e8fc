/**
 * A threat detector = the fitted preprocessing pipeline + a model + the class names, saved together
 * so that a model file predicts from raw traffic records and gradients reach raw features.
 *
 * @example
 * import { loadDataset, Detector } from 'qml6g';
 * const train = loadDataset('iris');
 * const det = Detector.train(train, { type: 'logreg' }, { epochs: 50, seed: 1 });
 * det.evaluate(train).accuracy;
 * const copy = Detector.fromJSON(JSON.parse(JSON.stringify(det)));
 */
import { QmlError } from '../core/errors.js';
import { version } from '../core/version.js';
import type { RowMatrix } from '../sim/batch.js';
import { classificationMetrics, type Metrics } from './metrics.js';
import type { Model } from './model.js';
import { createModel, featureBudget, modelFromJSON, type ModelSpec } from './models/registry.js';
import { Pipeline, type PipelineConfig } from './pipeline.js';
import { dataFingerprint, type LabeledData, type Table } from './table.js';
import { trainModel, type TrainConfig, type TrainResult } from './train.js';

export interface DetectorMeta {
  dataset: string;
  spec: ModelSpec;
  seed: number;
  train: Omit<TrainConfig, 'onCheckpoint' | 'onEpoch' | 'onProgress' | 'log'> & { rows: number };
  history?: TrainResult['history'];
  seconds?: number;
  notes?: string[];
  /** SHA-256 of the training table (names and values): which data the model learned from. */
  data_fingerprint?: string;
}

export class Detector {
  constructor(readonly pipeline: Pipeline, readonly model: Model, readonly classes: string[], readonly meta: DetectorMeta) {
    if (model.numClasses !== classes.length) throw new QmlError(`the model has ${model.numClasses} classes, the detector names ${classes.length}`);
    if (model.numFeatures !== pipeline.outputDim) throw new QmlError(`the model takes ${model.numFeatures} features, the pipeline gives ${pipeline.outputDim}`);
  }

  /** Fits the pipeline on the training rows, then the model. */
  static train(data: LabeledData, spec: ModelSpec, cfg: TrainConfig & { pipeline?: Partial<PipelineConfig> } = {}): Detector {
    const quantumBudget = featureBudget(spec, Number.MAX_SAFE_INTEGER);
    const pipeConfig: PipelineConfig = {
      components: quantumBudget === Number.MAX_SAFE_INTEGER ? 10_000 : quantumBudget,
      // Classical models see standardised features; angle encodings get [0, π].
      range: spec.type === 'logreg' || spec.type === 'mlp' || spec.type === 'svm' || spec.type === 'hybrid' ? null : [0, Math.PI],
      ...cfg.pipeline,
    };
    return Detector.trainWith(Pipeline.fit(data, pipeConfig), data, spec, cfg);
  }

  /**
   * Trains a model behind an already fitted pipeline: on `data`'s rows, or on model inputs `X` with
   * labels `y` when given (poisoning experiments craft training points in the model's input space).
   */
  static trainWith(pipeline: Pipeline, data: LabeledData, spec: ModelSpec, cfg: TrainConfig & { pipeline?: Partial<PipelineConfig> } = {}, X?: RowMatrix, y?: Int32Array): Detector {
    const seed = cfg.seed ?? 0;
    const inputs = X ?? pipeline.transform(data.table), labels = y ?? data.labels;
    const model = createModel(spec, inputs.cols, data.classes.length, seed);
    const { onCheckpoint, onEpoch, onProgress, log, pipeline: _p, ...plain } = cfg;
    void _p;
    const res = trainModel(model, inputs, labels, { ...cfg, onCheckpoint, onEpoch, onProgress, log });
    return new Detector(pipeline, model, data.classes, {
      dataset: data.name, spec, seed, train: { ...plain, rows: inputs.rows }, history: res.history, seconds: res.seconds, notes: data.notes,
      data_fingerprint: dataFingerprint(data.table),
    });
  }

  inputs(table: Table): RowMatrix {
    return this.pipeline.transform(table);
  }

  predictProba(table: Table): Float64Array {
    return this.model.predictProba(this.inputs(table));
  }

  /** Maps a data set's class names onto this detector's (a test file may lack some classes). */
  labelsFor(data: LabeledData): Int32Array {
    const map = data.classes.map((c) => {
      const i = this.classes.indexOf(c);
      if (i < 0) throw new QmlError(`class "${c}" of ${data.name} is not one the detector was trained on (${this.classes.join(', ')})`);
      return i;
    });
    return Int32Array.from(data.labels, (l) => map[l]);
  }

  evaluate(data: LabeledData): Metrics {
    return classificationMetrics(this.predictProba(data.table), this.labelsFor(data), this.classes.length);
  }

  /** ∂ℓ_r/∂x for raw numeric columns (rows × numeric columns), through the pipeline. */
  rawGradient(data: LabeledData): { columns: string[]; grad: RowMatrix } {
    const X = this.inputs(data.table);
    const g = this.model.lossGrad(X, this.labelsFor(data), { wrtInputs: true, skipParams: true });
    return { columns: this.pipeline.numericColumns(), grad: this.pipeline.vjp(data.table, { data: g.dinputs!, rows: X.rows, cols: X.cols }) };
  }

  toJSON(): Record<string, unknown> {
    return {
      format: 'qml6g-detector', version: 1, qml6g_version: version(),
      classes: this.classes, meta: this.meta, pipeline: this.pipeline.toJSON(), model: this.model.toJSON(),
    };
  }

  static fromJSON(j: unknown, where = 'model file'): Detector {
    const d = j as Record<string, unknown>;
    if (!d || typeof d !== 'object' || d.format !== 'qml6g-detector') throw new QmlError('not a qml6g detector (format "qml6g-detector")', where);
    if (d.version !== 1) throw new QmlError(`unsupported detector version ${String(d.version)}`, where);
    if (!Array.isArray(d.classes) || d.classes.some((c) => typeof c !== 'string')) throw new QmlError('"classes" must be a list of names', where);
    try {
      return new Detector(Pipeline.fromJSON(d.pipeline), modelFromJSON(d.model), d.classes as string[], d.meta as DetectorMeta);
    } catch (e) {
      if (e instanceof QmlError) throw new QmlError(e.message, `${where}${e.where ? `: ${e.where}` : ''}`);
      throw new QmlError(`cannot load: ${(e as Error).message}`, where);
    }
  }
}
