/**
 * `npm run bench -- train` / `qml6g bench train [--json]`: one epoch of an 8-qubit, 4-layer VQC
 * over 10,000 rows with adjoint gradients (the single-thread trainer, mini-batches of 32), and a
 * 1,000 x 1,000 fidelity kernel matrix on 8 qubits.
 */
import { version } from '../core/version.js';
import { Rng } from '../core/rng.js';
import { VariationalClassifier } from '../qml/models/vqc.js';
import { KernelSVM } from '../qml/models/kernel-svm.js';
import { trainModel } from '../qml/train.js';

export interface TrainBenchResult {
  bench: 'train';
  version: string;
  vqc_epoch: { rows: number; qubits: number; layers: number; parameters: number; seconds: number; microseconds_per_row: number };
  kernel_matrix: { rows: number; qubits: number; seconds_states: number; seconds_matrix: number; seconds: number };
  seconds: number;
}

export function benchTrain(opts: { quick?: boolean; log?: (s: string) => void } = {}): TrainBenchResult {
  const log = opts.log ?? (() => {});
  const t0 = performance.now();
  const rng = new Rng(1);
  const rows = opts.quick ? 2000 : 10000, d = 8;
  const X = { data: Float64Array.from({ length: rows * d }, () => rng.next() * Math.PI), rows, cols: d };
  const y = Int32Array.from({ length: rows }, (_, i) => (X.data[i * d] + X.data[i * d + 1] > Math.PI ? 1 : 0));
  const model = VariationalClassifier.create({ qubits: 8, layers: 4, encoding: 'angle-y', ansatz: 'hea-ring' }, d, 2, { seed: 1 });
  log(`one epoch of an 8-qubit, 4-layer VQC over ${rows} rows ...`);
  const te = performance.now();
  trainModel(model, X, y, { epochs: 1, batchSize: 32, validation: 0, seed: 1 });
  const epoch = (performance.now() - te) / 1000;
  log(`  ${epoch.toFixed(2)} s (${((epoch / rows) * 1e6).toFixed(0)} µs per row)`);
  const n = opts.quick ? 300 : 1000;
  const K = new KernelSVM({ kind: 'fidelity', arch: { qubits: 8, encoding: 'angle-y' } }, d, 2);
  const A = { data: X.data.slice(0, n * d), rows: n, cols: d };
  log(`${n} x ${n} fidelity kernel on 8 qubits ...`);
  const ts = performance.now();
  const states = K.featureStates(A);
  const tm = performance.now();
  K.kernelMatrix(states, n, states, n);
  const te2 = performance.now();
  log(`  ${((te2 - ts) / 1000).toFixed(2)} s (${((tm - ts) / 1000).toFixed(2)} s states, ${((te2 - tm) / 1000).toFixed(2)} s matrix)`);
  return {
    bench: 'train', version: version(),
    vqc_epoch: { rows, qubits: 8, layers: 4, parameters: model.params.length, seconds: epoch, microseconds_per_row: (epoch / rows) * 1e6 },
    kernel_matrix: { rows: n, qubits: 8, seconds_states: (tm - ts) / 1000, seconds_matrix: (te2 - tm) / 1000, seconds: (te2 - ts) / 1000 },
    seconds: (performance.now() - t0) / 1000,
  };
}
