import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../core/rng.js';
import { QmlError } from '../core/errors.js';
import { assertClose } from '../testing/shared.js';
import type { RowMatrix } from '../sim/batch.js';
import { CircuitBuilder, input, param, sum } from '../sim/circuit.js';
import { VariationalClassifier } from './models/vqc.js';
import { HybridNetwork } from './models/hybrid.js';
import { CircuitClassifier } from './models/circuit-classifier.js';
import { createModel, modelFromJSON } from './models/registry.js';
import { KernelSVM } from './models/kernel-svm.js';
import type { Model } from './model.js';

function rows(rng: Rng, r: number, d: number): RowMatrix {
  return { data: Float64Array.from({ length: r * d }, () => rng.next() * Math.PI), rows: r, cols: d };
}

function sameProbs(a: Model, b: Model, X: RowMatrix, tol: number, what: string): void {
  const p = a.predictProba(X), q = b.predictProba(X);
  for (let i = 0; i < p.length; i++) assertClose(q[i], p[i], tol, `${what}[${i}]`);
}

test('a 12-qubit VQC on 6-qubit devices gives the same class probabilities as the uncut model (exact)', () => {
  const arch = { qubits: 12, encoding: 'angle-y' as const, ansatz: 'hea-ring' as const, layers: 2 };
  const uncut = VariationalClassifier.create(arch, 12, 3, { seed: 4 });
  for (let i = 0; i < uncut.params.length; i++) uncut.params[i] += 0.5 * Math.sin(3 * i);
  const cut = new VariationalClassifier(arch, 12, 3, Float64Array.from(uncut.params), { device: { qubits: 6 } });
  const plan = cut.layer.cut!.plan;
  assert.ok(plan.fragments.length >= 2 && plan.fragments.every((f) => f.circuit.numQubits <= 6), 'fragments fit 6 qubits');
  assert.ok(plan.samplingOverhead > 1);
  sameProbs(uncut, cut, rows(new Rng(1), 6, 12), 1e-10, 'vqc');
  // the device survives the model file
  const again = modelFromJSON(JSON.parse(JSON.stringify(cut.toJSON()))) as VariationalClassifier;
  assert.ok(again.layer.cut);
});

test('re-uploading, hybrid and circuit classifiers through cutting match their uncut selves (exact)', () => {
  const rng = new Rng(2);
  const re = createModel({ type: 'reupload', qubits: 6, layers: 2 }, 6, 2, 3);
  const reCut = createModel({ type: 'reupload', qubits: 6, layers: 2, execution: { device: { qubits: 3 } } }, 6, 2, 3);
  reCut.params.set(re.params);
  sameProbs(re, reCut, rows(rng, 4, 6), 1e-10, 'reupload');
  const hy = HybridNetwork.create({ qubits: 6, encoding: 'angle-y', ansatz: 'hea-linear', layers: 1 }, 5, 2, { seed: 1 });
  const hyCut = new HybridNetwork(hy.arch, 5, 2, Float64Array.from(hy.params), { device: { qubits: 3, kinds: 'wire' } });
  assert.ok(hyCut.layer.cut!.plan.cuts.every((c) => c.kind === 'wire'));
  sameProbs(hy, hyCut, rows(rng, 4, 5), 1e-10, 'hybrid');
  const b = new CircuitBuilder(4);
  for (let q = 0; q < 4; q++) b.rx(q, sum(input(q), param(q)));
  b.cz(0, 1).cx(1, 2).rzz(2, 3, param(4)).cx(3, 0);
  const c = b.build();
  const params = Float64Array.from([0.1, -0.4, 0.8, 0.3, 1.1]);
  sameProbs(new CircuitClassifier(c, 2, 4, params), new CircuitClassifier(c, 2, 4, params, { device: { qubits: 2 } }), rows(rng, 5, 4), 1e-10, 'circuit');
});

test('with shots the cut model samples around the exact probabilities and spends fragment shots', () => {
  const arch = { qubits: 6, encoding: 'angle-y' as const, ansatz: 'hea-linear' as const, layers: 1, readout: 'born' as const };
  const exact = VariationalClassifier.create(arch, 6, 2, { seed: 7 });
  const shots = new VariationalClassifier(arch, 6, 2, Float64Array.from(exact.params), { shots: 4000, seed: 1, device: { qubits: 3 } });
  const X = rows(new Rng(3), 5, 6);
  const p = exact.predictProba(X), q = shots.predictProba(X);
  const sd = Math.sqrt(shots.layer.cut!.plan.samplingOverhead / 4000) / 2; // P(0) = (1 + ⟨Z⟩)/2
  for (let i = 0; i < p.length; i++) assert.ok(Math.abs(p[i] - q[i]) < 5 * sd, `${p[i]} vs ${q[i]}`);
  assert.ok(shots.layer.cut!.shotsUsed >= 5 * 4000 * 2);
  // the shift-rule gradient with shots scatters around the exact one
  const y = Int32Array.from([0, 1, 0, 1, 0]);
  const ge = exact.lossGrad(X, y).dparams, gs = shots.lossGrad(X, y).dparams;
  // each component is Σ_r g_r (ê₊ − ê₋)/2 / R with Var ê± = (γ² − ⟨Z⟩²)/S ≤ γ²/S and g_r = ∂ℓ_r/∂⟨Z⟩
  const gamma2 = shots.layer.cut!.plan.samplingOverhead;
  let sum = 0;
  for (let r = 0; r < 5; r++) { const p0 = p[2 * r], p1 = p[2 * r + 1]; const gr = y[r] === 0 ? -1 / (2 * p0) : 1 / (2 * p1); sum += gr * gr; }
  const sdk = Math.sqrt((sum * 2 * gamma2) / 4000) / 2 / 5;
  const P = shots.layer.numParams;
  for (let i = 0; i < P; i++) assert.ok(Math.abs(gs[i] - ge[i]) < 6 * sdk, `dθ[${i}]: ${gs[i]} vs ${ge[i]} (sd ${sdk})`);
});

test('training through the fragments: the shift-rule gradient reconstructed from cut circuits equals the uncut adjoint gradient', () => {
  const rng = new Rng(8);
  const arch = { qubits: 6, encoding: 'angle-y' as const, ansatz: 'hea-ring' as const, layers: 2 };
  const uncut = VariationalClassifier.create(arch, 6, 3, { seed: 3 });
  const cut = new VariationalClassifier(arch, 6, 3, Float64Array.from(uncut.params), { device: { qubits: 3, gradient: 'shift' } });
  const X = rows(rng, 3, 6), y = Int32Array.from([0, 2, 1]);
  const a = uncut.lossGrad(X, y, { wrtInputs: true }), b = cut.lossGrad(X, y, { wrtInputs: true });
  assertClose(b.loss, a.loss, 1e-10, 'loss');
  for (let i = 0; i < a.dparams.length; i++) assertClose(b.dparams[i], a.dparams[i], 1e-9, `dθ[${i}]`);
  for (let i = 0; i < a.dinputs!.length; i++) assertClose(b.dinputs![i], a.dinputs![i], 1e-9, `dx[${i}]`);
  assert.ok(cut.layer.cut!.evaluations >= 3 * (2 * uncut.layer.numParams + 1));
  const hy = HybridNetwork.create({ qubits: 4, encoding: 'angle-y', ansatz: 'hea-linear', layers: 1 }, 5, 2, { seed: 5 });
  const hyCut = new HybridNetwork(hy.arch, 5, 2, Float64Array.from(hy.params), { device: { qubits: 2, gradient: 'shift' } });
  const Xh = rows(rng, 3, 5), yh = Int32Array.from([1, 0, 1]);
  const ha = hy.lossGrad(Xh, yh, { wrtInputs: true }), hb = hyCut.lossGrad(Xh, yh, { wrtInputs: true });
  for (let i = 0; i < ha.dparams.length; i++) assertClose(hb.dparams[i], ha.dparams[i], 1e-9, `hybrid dθ[${i}]`);
  for (let i = 0; i < ha.dinputs!.length; i++) assertClose(hb.dinputs![i], ha.dinputs![i], 1e-9, `hybrid dx[${i}]`);
  // a parameter driving a controlled rotation (QCNN pooling) has no two-term rule: refused, not approximated
  const q = new VariationalClassifier({ qubits: 4, encoding: 'angle-y', ansatz: 'qcnn', layers: 1 }, 4, 2, null, { device: { qubits: 2, gradient: 'shift' } });
  assert.throws(() => q.lossGrad(rows(rng, 1, 4), Int32Array.from([0])), (e: unknown) => e instanceof QmlError && /shift rule/.test(e.message));
});

test('each fragment on its own noisy device changes the prediction; amplitude encoding cannot be cut', () => {
  const arch = { qubits: 4, encoding: 'angle-y' as const, ansatz: 'hea-linear' as const, layers: 1 };
  const clean = new VariationalClassifier(arch, 4, 2, null, { device: { qubits: 2 } });
  clean.params.set(VariationalClassifier.create(arch, 4, 2, { seed: 2 }).params);
  const F = clean.layer.cut!.plan.fragments.length;
  const noisy = new VariationalClassifier(arch, 4, 2, Float64Array.from(clean.params), {
    device: { qubits: 2, noise: Array.from({ length: F }, (_, f) => (f === 0 ? { after_1q: [{ channel: 'depolarizing' as const, p: 0.2 }] } : undefined)) },
  });
  const X = rows(new Rng(4), 3, 4);
  const a = clean.predictProba(X), b = noisy.predictProba(X);
  assert.ok(a.some((v, i) => Math.abs(v - b[i]) > 1e-3));
  assert.throws(() => VariationalClassifier.create({ qubits: 4, encoding: 'amplitude', ansatz: 'hea-ring', layers: 1 }, 8, 2, { execution: { device: { qubits: 2 } } }), QmlError);
});

test('a projected-kernel QSVM on small devices: Bloch vectors from the fragments give the uncut kernel and predictions; the fidelity kernel is refused', () => {
  const rng = new Rng(9);
  const arch = { qubits: 6, encoding: 'iqp' as const, reps: 1 };
  const X = rows(rng, 30, 6), y = Int32Array.from({ length: 30 }, (_, i) => (X.data[i * 6] + X.data[i * 6 + 3] > Math.PI ? 1 : 0));
  const uncut = new KernelSVM({ kind: 'projected', arch }, 6, 2, { C: 10 });
  const cut = new KernelSVM({ kind: 'projected', arch }, 6, 2, { C: 10, execution: { device: { qubits: 3 } } });
  assert.ok(cut.cut && cut.cut.plan.cuts.length >= 1, 'the IQP entanglers are cut');
  const Ku = uncut.gram(X), Kc = cut.gram(X);
  for (let i = 0; i < Ku.length; i++) assertClose(Kc[i], Ku[i], 1e-10, `K[${i}]`);
  uncut.fit(X, y, { seed: 1 }); cut.fit(X, y, { seed: 1 });
  sameProbs(uncut, cut, rows(rng, 5, 6), 1e-9, 'qsvm');
  assert.throws(() => new KernelSVM({ kind: 'fidelity', arch }, 6, 2, { execution: { device: { qubits: 3 } } }), (e: unknown) => e instanceof QmlError && /projected/.test(e.message));
});
