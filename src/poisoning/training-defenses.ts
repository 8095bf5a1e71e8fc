/**
 * Defences against training-time threats, each behind the TrainingDefense interface: sanitisers
 * return the training rows to keep (the victim is retrained on them), STRIP filters inputs at
 * inference, the alignment monitor sanitises only when it alarms, and the signature check refuses a
 * model file that is tampered or signed by an untrusted key.
 *
 * @example
 * import { loadDataset, runPoisonExperiment } from 'qml6g';
 * const r = runPoisonExperiment({ data: loadDataset('nsl-kdd', { maxRows: 1500 }), spec: { type: 'vqc', qubits: 8, layers: 2 },
 *   trainConfig: { epochs: 6 }, attack: 'backdoor', rate: 0.05, seed: 1, defenses: ['spectral', 'strip'] });
 * r.records.map((x) => [x.defense, x.attack_success_rate, x.attack_success_rate_defended]);
 */
import { QmlError } from '../core/errors.js';
import type { RowMatrix } from '../sim/batch.js';
import { KernelSVM } from '../qml/models/kernel-svm.js';
import { kernelTargetAlignment } from '../qml/models/kernel-svm.js';
import { verifyDetectorText } from '../supply/signing.js';
import { activationClustering, knnSanitize, lossTrim, outlierSanitize, spectralSignatures, stripEntropy, stripThreshold } from './defenses.js';
import type { TrainingDefense, TrainingDefenseContext } from './threat.js';

/** The quantum kernel the kernel-space defences measure in: the victim's own, or a fidelity kernel on an angle encoding. */
function gram(ctx: TrainingDefenseContext, A: RowMatrix = ctx.X, B: RowMatrix = A): Float64Array {
  const m = ctx.victim.model;
  if (A.cols > 16 && !(m instanceof KernelSVM)) throw new QmlError(`a quantum-kernel defence on ${A.cols} features would simulate ${A.cols} qubits; use it with a quantum model's inputs (at most 16 features)`, 'defense');
  const svm = m instanceof KernelSVM && m.kernel.kind !== 'rbf' ? m
    : new KernelSVM({ kind: 'fidelity', arch: { qubits: A.cols, encoding: 'angle-y', reps: 1 } }, A.cols, 2);
  if (svm === m && A.cols !== m.numFeatures) throw new QmlError('kernel defence: inputs do not match the kernel');
  return svm.gram(A, B === A ? undefined : B);
}

/** The representation backdoor defences inspect: the model's read-outs / last hidden layer, else its inputs. */
export function representation(ctx: TrainingDefenseContext): RowMatrix {
  const m = ctx.victim.model;
  return m.embed ? m.embed(ctx.X) : ctx.X;
}

/** Each row's inputs (encoding angles) followed by its read-outs: what the circuit is given and what it makes of it. */
function inputsAndReadouts(ctx: TrainingDefenseContext): RowMatrix {
  const R = representation(ctx);
  if (R === ctx.X) return R;
  const a = ctx.X.cols, b = R.cols, out = new Float64Array(ctx.X.rows * (a + b));
  for (let i = 0; i < ctx.X.rows; i++) {
    out.set(ctx.X.data.subarray(i * a, (i + 1) * a), i * (a + b));
    out.set(R.data.subarray(i * b, (i + 1) * b), i * (a + b) + a);
  }
  return { data: out, rows: ctx.X.rows, cols: a + b };
}

const budget = (ctx: TrainingDefenseContext) => Math.min(0.5, 1.5 * ctx.eps);

export const TRAINING_DEFENSES: Record<string, TrainingDefense> = {
  knn: { name: 'knn', needs: 'training-data', defend: (ctx) => ({ kind: 'sanitize', keep: knnSanitize(ctx.X, ctx.y, 10) }) },
  'knn-kernel': {
    name: 'knn-kernel', needs: 'training-data',
    defend(ctx) {
      const K = gram(ctx), n = ctx.X.rows;
      // Fidelity-kernel distance in Hilbert space: ‖φ(x) − φ(x')‖² = K(x,x) + K(x',x') − 2K(x,x').
      return { kind: 'sanitize', keep: knnSanitize(ctx.X, ctx.y, 10, (i, j) => K[i * n + i] + K[j * n + j] - 2 * K[i * n + j]) };
    },
  },
  outlier: { name: 'outlier', needs: 'training-data', defend: (ctx) => ({ kind: 'sanitize', keep: outlierSanitize(ctx.X, ctx.y, 2.5) }) },
  'outlier-kernel': {
    name: 'outlier-kernel', needs: 'training-data',
    defend(ctx) {
      // In the projected quantum kernel's feature space (the per-qubit Bloch vectors, Huang et al.
      // 2021): fidelity kernels on 8 qubits concentrate, leaving every row about equally far from its
      // class centroid, while one-qubit reduced states keep the geometry that outliers break.
      if (ctx.X.cols > 16) throw new QmlError(`a quantum-kernel defence on ${ctx.X.cols} features would simulate ${ctx.X.cols} qubits; use it with a quantum model's inputs (at most 16 features)`, 'defense');
      const q = ctx.X.cols, proj = new KernelSVM({ kind: 'projected', arch: { qubits: q, encoding: 'angle-y', reps: 1 } }, q, 2);
      const B = { data: proj.featureStates(ctx.X), rows: ctx.X.rows, cols: 3 * q };
      return { kind: 'sanitize', keep: outlierSanitize(B, ctx.y, 2), note: 'projected-kernel (Bloch vector) feature space' };
    },
  },
  spectral: {
    name: 'spectral', needs: 'training-data',
    defend: (ctx) => ({ kind: 'sanitize', keep: spectralSignatures(ctx.X, ctx.y, ctx.eps).keep, note: 'representation: model inputs (encoding angles)' }),
  },
  'spectral-readout': {
    // Read-outs alone separated the poison in some seeds and not others on NSL-KDD (44 of 53, 9 of
    // 140, 120 of 140 poisoned rows caught); joined with the encoding angles, all of them.
    name: 'spectral-readout', needs: 'training-data',
    defend: (ctx) => ({ kind: 'sanitize', keep: spectralSignatures(inputsAndReadouts(ctx), ctx.y, ctx.eps).keep, note: 'representation: inputs and read-outs (last hidden layer)' }),
  },
  'activation-clustering': {
    name: 'activation-clustering', needs: 'training-data',
    defend: (ctx) => ({ kind: 'sanitize', keep: activationClustering(representation(ctx), ctx.y, { seed: ctx.seed }).keep }),
  },
  // Trimming ε, not 1.5·ε: the extra rows it would drop are the hardest clean ones, near the boundary.
  'loss-trim': { name: 'loss-trim', needs: 'training-data', defend: (ctx) => ({ kind: 'sanitize', keep: lossTrim(ctx.victim.model, ctx.X, ctx.y, Math.min(0.5, ctx.eps)) }) },
  alignment: {
    name: 'alignment', needs: 'training-data',
    defend(ctx) {
      // Per-row kernel-target alignment against the trusted sample: how much closer (in the quantum
      // kernel) a row is to trusted rows of its own label than to those of the other labels. Clean
      // rows look like the trusted rows themselves (scored leave-one-out); flipped or dragged rows
      // fall below. The monitor alarms when more training rows fall under the trusted 5th
      // percentile than chance allows (binomial, three standard deviations); the response drops
      // the 1.5·ε·n lowest rows.
      const R = ctx.reference, m = R.X.rows, n = ctx.X.rows;
      const Kt = gram(ctx, ctx.X, R.X), Kr = gram(ctx, R.X);
      const margin = (K: Float64Array, row: number, label: number, skip: number) => {
        let same = 0, ns = 0, other = 0, no = 0;
        for (let j = 0; j < m; j++) {
          if (j === skip) continue;
          if (R.y[j] === label) { same += K[row * m + j]; ns++; } else { other += K[row * m + j]; no++; }
        }
        return (ns ? same / ns : 0) - (no ? other / no : 0);
      };
      const ref = Array.from({ length: m }, (_, r) => margin(Kr, r, R.y[r], r)).sort((x, z) => x - z);
      const tau = ref[Math.floor(0.05 * m)];
      const score = Float64Array.from({ length: n }, (_, i) => margin(Kt, i, ctx.y[i], -1));
      const below = score.reduce((c, v) => c + (v < tau ? 1 : 0), 0) / n;
      const limit = 0.05 + 3 * Math.sqrt((0.05 * 0.95) / n);
      const kta = kernelTargetAlignment(Kr, m, R.y);
      const status = `${(100 * below).toFixed(1)}% of training rows below the trusted 5th percentile (limit ${(100 * limit).toFixed(1)}%); trusted alignment ${kta.toFixed(4)}`;
      if (below <= limit) return { kind: 'accept', note: `no alarm: ${status}` };
      const order = Array.from({ length: n }, (_, i) => i).sort((x, z) => score[x] - score[z]);
      const drop = new Set(order.slice(0, Math.round(budget(ctx) * n)));
      return { kind: 'sanitize', keep: order.filter((i) => !drop.has(i)).sort((x, z) => x - z), note: `alarm: ${status}` };
    },
  },
  strip: {
    name: 'strip', needs: 'model',
    defend(ctx) {
      const pool = ctx.reference.X, model = ctx.victim.model;
      const frr = 0.05, { lo, hi } = stripThreshold(stripEntropy(model, pool, pool, 10, 0.5, ctx.seed), frr, 'both');
      return {
        kind: 'filter', note: `entropy band [${lo.toFixed(4)}, ${hi.toFixed(4)}] at ${frr * 100}% clean rejection`,
        reject: (X) => Uint8Array.from(stripEntropy(model, X, pool, 10, 0.5, ctx.seed + 1), (h) => (h < lo || h > hi ? 1 : 0)),
      };
    },
  },
  signature: {
    name: 'signature', needs: 'file',
    defend(ctx) {
      if (!ctx.file) return { kind: 'accept', note: 'no model file to verify' };
      const v = verifyDetectorText(ctx.file.text, ctx.file.trusted);
      return v.ok ? { kind: 'accept', note: v.reason } : { kind: 'refuse', reason: v.reason };
    },
  },
};

export const TRAINING_DEFENSE_NAMES = Object.keys(TRAINING_DEFENSES);

export function trainingDefense(name: string): TrainingDefense {
  const d = TRAINING_DEFENSES[name];
  if (!d) throw new QmlError(`unknown training-time defence "${name}" (known: ${TRAINING_DEFENSE_NAMES.join(', ')})`, '--defenses');
  return d;
}
