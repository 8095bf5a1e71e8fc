/**
 * Threat detection in the loop: flows drawn from a shipped intrusion-detection data set (benign and
 * attack rows of a held-out split, at the scenario's attack share), scored by the architecture's
 * detector. The classical detector is an MLP (16 hidden units) on 16 principal components; the
 * quantum one a variational classifier (6 qubits, angle encoding, 2 hardware-efficient layers) on 6.
 * With `detection.federated` each detector is trained by FedAvg across the working gNBs, each
 * holding a seeded share of the training rows (src/federated trainLocal + the aggregation rules).
 *
 * Attacks on this function and their defences:
 * - evasion: attack flows shaped to mimic benign traffic (mimicry, Wagner & Soto, CCS 2002): every
 *   traffic-shaping field moves a fraction α toward a random benign training flow; the defence is
 *   adversarial training on the same threat model (attack rows shaped with α ~ U(0, α) added to
 *   the training set as attacks, the data-augmentation form of Madry et al. 2018);
 * - poisoned federated round: one compromised gNB trains on flipped labels and boosts its update
 *   by 2n (model replacement, Bhagoji et al. 2019) in the last round; the defence aggregates with
 *   the coordinate-wise median (Yin et al. 2018).
 */
import { QmlError } from '../../core/errors.js';
import { Rng } from '../../core/rng.js';
import { loadDataset } from '../../qml/datasets.js';
import { Detector } from '../../qml/detector.js';
import { createModel, type ModelSpec } from '../../qml/models/registry.js';
import { Pipeline } from '../../qml/pipeline.js';
import { selectRows, stratifiedSplit, type LabeledData, type Table } from '../../qml/table.js';
import { trainLocal, type ClientSpec } from '../../federated/client.js';
import { coordinateMedian } from '../../federated/strategies/median.js';
import { mean } from '../../federated/vec.js';
import type { ScenarioConfig } from './config.js';

export const CLASSICAL_DETECTOR: ModelSpec = { type: 'mlp', hidden: [16] };
export const QUANTUM_DETECTOR: ModelSpec = { type: 'vqc', qubits: 6, layers: 2 };
/** Mimicry strength of the evasion attack (fraction of the way to a benign flow). */
export const EVASION_ALPHA = 0.7;

const datasets = new Map<string, LabeledData>();
function dataset(name: string): LabeledData {
  let d = datasets.get(name);
  if (!d) {
    d = loadDataset(name);
    if (d.classes.length !== 2) throw new QmlError(`detection.dataset "${name}" has ${d.classes.length} classes; the scenario needs a binary benign/attack set (e.g. cicids2017-binary, nsl-kdd, 5g-core)`, 'detection.dataset');
    datasets.set(name, d);
  }
  return d;
}

/** Which class index is "attack" (the non-benign/normal one). */
export function attackClass(d: LabeledData): number {
  const i = d.classes.findIndex((c) => /^(benign|normal)$/i.test(c));
  return i === 0 ? 1 : 0;
}

export interface FlowData { train: LabeledData; test: LabeledData; attack: number; benignTest: number[]; attackTest: number[]; benignTrain: number[]; shapeCols: number[] }

const splits = new Map<string, FlowData>();
/** The seeded train/test split of the scenario's flow data (cached per data set and seed). */
export function flowData(cfg: ScenarioConfig, seed: number): FlowData {
  const key = `${cfg.detection.dataset}|${seed}`;
  let f = splits.get(key);
  if (f) return f;
  const d = dataset(cfg.detection.dataset);
  const s = stratifiedSplit(d.labels, 0.5, seed);
  const train = selectRows(d, s.train), test = selectRows(d, s.test), attack = attackClass(d);
  const idx = (t: LabeledData, want: boolean) => Array.from({ length: t.table.rows }, (_, i) => i).filter((i) => (t.labels[i] === attack) === want);
  // The attacker shapes timing, size and count fields; ports and protocol identify the service and stay.
  const shapeCols = d.table.columns.map((c, j) => (c.kind === 'numeric' && !/port|protocol/i.test(c.name) ? j : -1)).filter((j) => j >= 0);
  f = { train, test, attack, benignTest: idx(test, false), attackTest: idx(test, true), benignTrain: idx(train, false), shapeCols };
  splits.set(key, f);
  return f;
}

/** Rows `idx` of a table, with the mimicry shaping applied to those marked in `shape` (fraction α each). */
export function flowTable(fd: FlowData, source: Table, idx: number[], alphas: Float64Array | null, rng: Rng): Table {
  const cols = source.columns.map((c) => (c.kind === 'numeric' ? { ...c, values: Float64Array.from(idx, (i) => c.values[i]) } : { ...c, values: idx.map((i) => c.values[i]) }));
  if (alphas) {
    for (let r = 0; r < idx.length; r++) {
      const a = alphas[r];
      if (!(a > 0)) continue;
      const b = fd.benignTrain[rng.int(fd.benignTrain.length)];
      for (const j of fd.shapeCols) {
        const c = cols[j] as { values: Float64Array }, src = fd.train.table.columns[j] as { values: Float64Array };
        const bv = src.values[b], v = c.values[r];
        if (Number.isFinite(bv) && Number.isFinite(v)) c.values[r] = v + a * (bv - v);
      }
    }
  }
  return { rows: idx.length, columns: cols as Table['columns'] };
}

export interface DetectorVariant { quantum: boolean; advTraining: boolean; poisoned: boolean; robustAggregation: boolean }

const trained = new Map<string, Detector>();

/** The architecture's detector for one seed (cached: the scenario says it is pre-trained). */
export function detectorFor(cfg: ScenarioConfig, seed: number, v: DetectorVariant): Detector {
  const clients = cfg.gnbs.positions.length - cfg.gnbs.damaged.length;
  const key = `${cfg.detection.dataset}|${seed}|${cfg.detection.federated ? `fed${cfg.detection.rounds}x${clients}` : 'central'}|${v.quantum}|${v.advTraining}|${v.poisoned}|${v.robustAggregation}`;
  let det = trained.get(key);
  if (det) return det;
  const fd = flowData(cfg, seed);
  let data = balanced(fd.train, fd.attack, seed);
  if (v.advTraining) {
    // Adversarial training on the evasion threat model: every attack row once more, shaped with α ~ U(0, α).
    const rng = new Rng(seed ^ 0x5eed);
    const atk = Array.from({ length: data.table.rows }, (_, i) => i).filter((i) => data.labels[i] === fd.attack);
    const alphas = Float64Array.from(atk, () => rng.next() * EVASION_ALPHA);
    const shaped = flowTable(fd, data.table, atk, alphas, rng);
    data = {
      ...data, table: { rows: data.table.rows + atk.length, columns: data.table.columns.map((c, j) => (c.kind === 'numeric'
        ? { ...c, values: concatF(c.values, (shaped.columns[j] as { values: Float64Array }).values) }
        : { ...c, values: [...c.values, ...(shaped.columns[j] as { values: string[] }).values] })) as Table['columns'] },
      labels: Int32Array.from([...data.labels, ...atk.map(() => fd.attack)]),
    };
  }
  const spec = v.quantum ? QUANTUM_DETECTOR : CLASSICAL_DETECTOR;
  const pipe = Pipeline.fit(data, { components: v.quantum ? QUANTUM_DETECTOR.qubits! : 16, range: v.quantum ? [0, Math.PI] : null });
  if (!cfg.detection.federated) {
    if (v.poisoned) throw new QmlError('the attack "poisoned-round" needs a federated detector (detection.federated: true)', '--attack');
    det = Detector.trainWith(pipe, data, spec, { epochs: v.quantum ? 8 : 20, seed, lr: v.quantum ? 0.05 : 0.01, classWeight: 'balanced', validation: 0 });
  } else det = federatedDetector(cfg, pipe, data, spec, seed, clients, v);
  trained.set(key, det);
  return det;
}

/**
 * The training rows balanced: each class sampled (seeded; with replacement when it has fewer rows) to
 * the same count, since federated clients train without class weights and the shipped flow sets are
 * attack-heavy.
 */
function balanced(d: LabeledData, attack: number, seed: number): LabeledData {
  const a: number[] = [], b: number[] = [];
  for (let i = 0; i < d.labels.length; i++) (d.labels[i] === attack ? a : b).push(i);
  if (!a.length || !b.length) return d;
  // At most PER_CLASS rows per class: the detectors are small and train once per seed.
  const rng = new Rng(seed ^ 0xba1);
  const pick = (rows: number[]) => (rows.length >= PER_CLASS ? (rng.shuffle(rows.slice()) as number[]).slice(0, PER_CLASS) : [...rows, ...Array.from({ length: PER_CLASS - rows.length }, () => rows[rng.int(rows.length)])]);
  return selectRows(d, [...pick(a), ...pick(b)]);
}
const PER_CLASS = 600;

function concatF(a: Float64Array, b: Float64Array): Float64Array {
  const o = new Float64Array(a.length + b.length);
  o.set(a); o.set(b, a.length);
  return o;
}

function federatedDetector(cfg: ScenarioConfig, pipe: Pipeline, data: LabeledData, spec: ModelSpec, seed: number, clients: number, v: DetectorVariant): Detector {
  const X = pipe.transform(data.table), C = data.classes.length, cols = X.cols;
  const rng = new Rng(seed ^ 0xfed);
  const order = rng.shuffle(Array.from({ length: X.rows }, (_, i) => i)) as number[];
  const parts = Array.from({ length: clients }, (_, k) => order.filter((_, i) => i % clients === k));
  const cdata = parts.map((rows) => ({ X: Float64Array.from(rows.flatMap((r) => Array.from(X.data.subarray(r * cols, (r + 1) * cols)))), rows: rows.length, cols, y: Int32Array.from(rows, (r) => data.labels[r]) }));
  const cspec: ClientSpec = { model: spec, epochs: v.quantum ? 2 : 4, batchSize: 32, optimizer: 'adam', lr: v.quantum ? 0.05 : 0.01 };
  const global = createModel(spec, cols, C, seed).params.slice();
  const R = cfg.detection.rounds;
  for (let round = 1; round <= R; round++) {
    const updates: Float64Array[] = [];
    const weights: number[] = [];
    for (let k = 0; k < clients; k++) {
      const malicious = v.poisoned && round === R && k === 0;
      // The compromised gNB trains on flipped labels, then boosts its update by n (model replacement).
      const d = malicious ? { ...cdata[k], y: Int32Array.from(cdata[k].y, (y) => C - 1 - y) } : cdata[k];
      // It also trains three times as long on its poisoned rows, then boosts by 2n so that its update
      // outweighs the honest ones in a mean even when their local steps happen to be large.
      const res = trainLocal({ client: k, round, seed: seed * 1000 + round * 31 + k, numClasses: C, spec: cspec, data: d, global, instructions: { proxMu: 0, ...(malicious ? { epochs: cspec.epochs * 3 } : {}) } });
      if (malicious) for (let i = 0; i < res.update.length; i++) res.update[i] *= 2 * clients;
      updates.push(res.update); weights.push(res.numExamples);
    }
    const agg = v.robustAggregation ? coordinateMedian(updates) : weightedMean(updates, weights);
    for (let i = 0; i < global.length; i++) global[i] += agg[i];
  }
  const model = createModel(spec, cols, C, seed);
  model.params.set(global);
  return new Detector(pipe, model, data.classes, { dataset: data.name, spec, seed, train: { rows: X.rows, epochs: R } });
}

function weightedMean(u: Float64Array[], w: number[]): Float64Array {
  const tot = w.reduce((s, x) => s + x, 0);
  if (!(tot > 0)) return mean(u);
  const out = new Float64Array(u[0].length);
  u.forEach((v, k) => { for (let i = 0; i < v.length; i++) out[i] += (w[k] / tot) * v[i]; });
  return out;
}
