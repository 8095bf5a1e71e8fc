import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QmlError } from '../core/errors.js';
import { loadDataset } from '../qml/datasets.js';
import { selectRows, stratifiedSplit } from '../qml/table.js';
import { Detector } from '../qml/detector.js';
import { predict } from '../qml/model.js';
import { VariationalClassifier } from '../qml/models/vqc.js';
import { insertAfterEncoding } from '../qml/circuits.js';
import { createModel } from '../qml/models/registry.js';
import type { KernelSVM } from '../qml/models/kernel-svm.js';
import { kernelTargetAlignment } from '../qml/models/kernel-svm.js';
import { verifyDetectorText } from '../supply/signing.js';
import { activateFeatureTrigger, checkRate, defaultTrigger, featureTriggerBackdoor, kernelPoisoning, labelFlip, stampTrigger, validateTrigger } from './primitives.js';
import { activationClustering, outlierSanitize, spectralSignatures, stripThreshold } from './defenses.js';
import { rowsOf } from '../sim/batch.js';
import { runPoisonExperiment, type PoisonRecord } from './experiment.js';
import { randomLabelFlip, targetedLabelFlip } from './attacks/label-flip.js';
import { applyCircuitTrigger, circuitTriggerAttack } from './attacks/circuit-trigger.js';
import { cleanLabelAttack } from './attacks/clean-label.js';
import { modelFileBackdoor } from './attacks/model-file.js';
import type { TrainingAttack } from './threat.js';
import { trainingAttack } from './registry.js';
import { trainingDefense } from './training-defenses.js';

const kdd = loadDataset('nsl-kdd', { maxRows: 1500, seed: 1 });
const vqc = { type: 'vqc' as const, qubits: 8, layers: 2 };
const fast = { epochs: 6 };
const one = (r: { records: PoisonRecord[] }, defense?: string) => r.records.find((x) => !defense || x.defense === defense)!;

function throwsNaming(f: () => unknown, where: RegExp, message: RegExp): void {
  assert.throws(f, (e: unknown) => e instanceof QmlError && where.test(e.where ?? '') && message.test(e.message) && e.exitCode === 2);
}

test('a poison rate outside (0, 1) is refused, naming the rate', () => {
  for (const r of [0, 1, -0.1, 1.5, Number.NaN]) {
    throwsNaming(() => checkRate(r), /rate/, /poison rate must be in \(0, 1\)/);
    throwsNaming(() => labelFlip(kdd, r, 1), /rate/, /poison rate/);
    throwsNaming(() => runPoisonExperiment({ data: kdd, spec: { type: 'logreg' }, attack: 'label-flip', rate: r, seed: 1 }), /rate/, /poison rate/);
  }
});

test('a trigger that violates the data\'s domain is refused, naming the field', () => {
  // `urgent` is always 0 in this sample: 3 is a value no record carries.
  throwsNaming(() => validateTrigger({ urgent: 3 }, kdd.table), /trigger\.urgent/, /outside the data's domain \[0, 0\]/);
  throwsNaming(() => validateTrigger({ flag: 'XYZ' }, kdd.table), /trigger\.flag/, /not a category/);
  throwsNaming(() => validateTrigger({ no_such_field: 1 }, kdd.table), /trigger\.no_such_field/, /not a column/);
  throwsNaming(() => validateTrigger({ src_bytes: 10.5 }, kdd.table), /trigger\.src_bytes/, /whole numbers/);
  throwsNaming(() => validateTrigger({ src_bytes: [500, 100] }, kdd.table), /trigger\.src_bytes/, /empty/);
  throwsNaming(() => validateTrigger({ src_bytes: 'big' }, kdd.table), /trigger\.src_bytes/, /finite number or a range/);
  throwsNaming(() => validateTrigger({}, kdd.table), /trigger/, /at least one field/);
  throwsNaming(() => featureTriggerBackdoor(kdd, 0.05, { urgent: 3 }, 0, 1), /trigger\.urgent/, /domain/);
  // The default trigger is valid by construction, and stamping keeps every value inside the domain.
  const t = defaultTrigger(kdd.table);
  validateTrigger(t, kdd.table);
  const stamped = stampTrigger(kdd.table, [0, 1, 2], t, 1);
  validateTrigger(Object.fromEntries(Object.keys(t).map((f) => {
    const c = stamped.columns.find((x) => x.name === f)!;
    return [f, c.values[1]];
  })), kdd.table);
});

test('label flipping relabels exactly the budget; targeted flips only move rows into the target class', () => {
  const r = labelFlip(kdd, 0.1, 3);
  assert.equal(r.poisoned.length, Math.round(0.1 * kdd.table.rows));
  let changed = 0;
  for (let i = 0; i < kdd.labels.length; i++) if (r.data.labels[i] !== kdd.labels[i]) changed++;
  assert.equal(changed, r.poisoned.length);
  const t = labelFlip(kdd, 0.1, 3, 0);
  for (const i of t.poisoned) { assert.notEqual(kdd.labels[i], 0); assert.equal(t.data.labels[i], 0); }
});

test('targeted label flipping sends more records to the target class than random flipping of the same budget', () => {
  // Random flips scored the targeted way: how many other-class records end up in the target class.
  const randomAsTargeted: TrainingAttack = { name: 'random-flip', goal: 'targeted', poison: (ctx) => ({ ...randomLabelFlip.poison(ctx), goal: 'targeted' }) };
  const t = one(runPoisonExperiment({ data: kdd, spec: vqc, trainConfig: fast, attack: 'targeted-flip', rate: 0.1, seed: 1 }));
  const r = one(runPoisonExperiment({ data: kdd, spec: vqc, trainConfig: fast, attack: randomAsTargeted, rate: 0.1, seed: 1 }));
  assert.ok(t.attack_success_rate > r.attack_success_rate + 0.03, `targeted ${t.attack_success_rate} vs random ${r.attack_success_rate}`);
});

/** The random baseline of a backdoor: the same number of rows relabelled to the target, no trigger planted; success measured with the trigger. */
function relabelOnly(trigger: ReturnType<typeof defaultTrigger>): TrainingAttack {
  return {
    name: 'relabel-only', goal: 'backdoor',
    poison(ctx) {
      const o = targetedLabelFlip.poison(ctx);
      return { ...o, goal: 'backdoor', activate: activateFeatureTrigger(trigger, ctx.target, ctx.seed + 1) };
    },
  };
}

test('a feature-trigger backdoor on an 8-qubit VQC beats relabelling the same budget without a trigger, and spectral signatures / activation clustering on the model remove it', () => {
  const trigger = defaultTrigger(kdd.table);
  const bd = runPoisonExperiment({ data: kdd, spec: vqc, trainConfig: fast, attack: 'backdoor', rate: 0.05, seed: 1, trigger, defenses: ['spectral', 'spectral-readout', 'activation-clustering'] });
  const base = runPoisonExperiment({ data: kdd, spec: vqc, trainConfig: fast, attack: relabelOnly(trigger), rate: 0.05, seed: 1 });
  const r = one(bd, 'spectral'), b = one(base);
  assert.ok(r.attack_success_rate > 0.9, `backdoor success ${r.attack_success_rate}`);
  assert.ok(r.attack_success_rate > b.attack_success_rate + 0.5, `backdoor ${r.attack_success_rate} vs relabel-only ${b.attack_success_rate}`);
  assert.ok(r.clean_accuracy >= r.baseline_accuracy - 0.03, `clean accuracy ${r.clean_accuracy} vs ${r.baseline_accuracy}`);
  for (const d of ['spectral', 'spectral-readout', 'activation-clustering']) {
    const x = one(bd, d);
    assert.ok(x.attack_success_rate_defended < x.attack_success_rate - 0.5, `${d}: ${x.attack_success_rate} → ${x.attack_success_rate_defended}`);
    assert.ok(x.detection!.recall! > 0.9, `${d} recall ${x.detection!.recall}`);
  }
});

test('spectral signatures score the poisoned cluster highest; activation clustering isolates it as a minority', () => {
  const split = stratifiedSplit(kdd.labels, 0.3, 1);
  const tr = selectRows(kdd, split.train);
  const p = featureTriggerBackdoor(tr, 0.05, defaultTrigger(tr.table), 0, 2);
  const det = Detector.train(p.data, vqc, { ...fast, seed: 1 });
  const X = det.inputs(p.data.table);
  const ss = spectralSignatures(X, p.data.labels, 0.05);
  const kept = new Set(ss.keep);
  assert.equal(p.poisoned.filter((i) => kept.has(i)).length, 0, 'every poisoned row removed');
  const ac = activationClustering(det.model.embed!(X), p.data.labels, { seed: 1 });
  assert.ok(ac.shares[0] < 0.35, `target-class minority share ${ac.shares[0]}`);
  assert.throws(() => spectralSignatures(X, p.data.labels, 0), /expected poison fraction/);
});

test('a circuit trigger is exactly an extra rotation after the encoding, and planting it beats the unpoisoned model', () => {
  const m = VariationalClassifier.create({ qubits: 4, encoding: 'angle-y', ansatz: 'hea-ring', layers: 2 }, 4, 2, { seed: 3 });
  const X = { data: Float64Array.from({ length: 20 }, (_, i) => (i * 0.37) % Math.PI), rows: 5, cols: 4 };
  const withGate = new VariationalClassifier(m.arch, 4, 2, m.params, {}, (b) => insertAfterEncoding(b, () => ({ ops: [1, 2].map((w) => ({ kind: 'gate' as const, gate: 'ry', wires: [w], params: [0.9] })), params: 0 })));
  const a = m.predictProba(applyCircuitTrigger(X, [0, 1, 2, 3, 4], { wires: [1, 2], angle: 0.9 })), b = withGate.predictProba(X);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) < 1e-12, `row ${i}: ${a[i]} vs ${b[i]}`);
  throwsNaming(() => applyCircuitTrigger(X, [0], { wires: [7], angle: 1 }), /trigger\.wires/, /not a qubit/);
  const ct = runPoisonExperiment({ data: kdd, spec: vqc, trainConfig: fast, attack: 'circuit-trigger', rate: 0.05, seed: 1, defenses: ['spectral', 'outlier', 'outlier-kernel'] });
  const r = one(ct);
  assert.ok(r.attack_success_rate > 0.9 && r.baseline_attack_success_rate < 0.2, `planted ${r.attack_success_rate}, unpoisoned ${r.baseline_attack_success_rate}`);
  // Offset angles leave the encoding's range: outliers in the inputs and in the projected-kernel space.
  for (const d of ['spectral', 'outlier', 'outlier-kernel']) assert.ok(one(ct, d).attack_success_rate_defended < 0.2, `after ${d}: ${one(ct, d).attack_success_rate_defended}`);
  throwsNaming(() => runPoisonExperiment({ data: kdd, spec: { type: 'mlp' }, attack: circuitTriggerAttack(), rate: 0.05, seed: 1 }), /--attack/, /does not apply/);
});

test('clean-label feature collisions flip their targets; unperturbed base rows (the same budget) do not', () => {
  const r = one(runPoisonExperiment({ data: kdd, spec: vqc, trainConfig: fast, attack: 'clean-label', rate: 0.05, seed: 1 }));
  const b = one(runPoisonExperiment({ data: kdd, spec: vqc, trainConfig: fast, attack: cleanLabelAttack({ budget: 1e-12, opacity: 0 }), rate: 0.05, seed: 1 }));
  assert.ok(r.attack_success_rate >= 0.6, `clean-label success ${r.attack_success_rate}`);
  assert.ok(r.attack_success_rate >= b.attack_success_rate + 0.4, `collisions ${r.attack_success_rate} vs unperturbed ${b.attack_success_rate}`);
});

test('clean-label poisons keep their labels and stay within their L∞ budget of the base rows', () => {
  const split = stratifiedSplit(kdd.labels, 0.3, 1);
  const tr = selectRows(kdd, split.train), te = selectRows(kdd, split.test);
  const clean = Detector.train(tr, vqc, { ...fast, seed: 1 });
  const o = cleanLabelAttack({ budget: 0.3, steps: 5 }).poison({ train: tr, test: te, clean, spec: vqc, trainConfig: fast, rate: 0.02, seed: 1, target: 0 });
  const X = clean.inputs(tr.table), d = X.cols;
  assert.deepEqual(Array.from(o.inputs!.y), Array.from(tr.labels));
  for (const i of o.poisoned) {
    assert.equal(tr.labels[i], 0);
    for (let j = 0; j < d; j++) assert.ok(Math.abs(o.inputs!.X.data[i * d + j] - X.data[i * d + j]) <= 0.3 + 1e-12);
  }
});

test('quantum-kernel poisoning (Biggio et al.) costs a QSVM more accuracy than random label flipping at the same 5% budget', () => {
  const data = loadDataset('nsl-kdd', { maxRows: 4000, seed: 1 });
  // The attack of the paper against the kernel as given (s = 1): a bandwidth tuned by validation is
  // a different victim (README: the defaults choose it), measured separately.
  const spec = { type: 'qsvm' as const, qubits: 6, svm: { bandwidth: 1 } };
  let kernel = 0, flip = 0;
  for (const seed of [1, 2, 3]) {
    const s = stratifiedSplit(data.labels, 0.85, seed);
    const cfg = { train: selectRows(data, s.train), test: selectRows(data, s.test), spec, rate: 0.05, seed };
    const k = one(runPoisonExperiment({ ...cfg, attack: 'kernel-poison' })), f = one(runPoisonExperiment({ ...cfg, attack: 'label-flip' }));
    kernel += k.baseline_accuracy - k.clean_accuracy;
    flip += f.baseline_accuracy - f.clean_accuracy;
  }
  assert.ok(kernel > 0.01 && kernel >= 2 * flip, `accuracy lost over three seeds: kernel poisoning ${kernel}, label flipping ${flip}`);
});

test('alignment poisoning lowers kernel-target alignment more than random flips of the same rows budget', () => {
  const det = Detector.train(kdd, { type: 'qsvm', qubits: 4, svm: { C: 10 } }, { seed: 1 });
  const X = det.inputs(kdd.table), y = kdd.labels;
  const n = 300, Xs = rowsOf(X, Array.from({ length: n }, (_, i) => i)), ys = y.slice(0, n);
  const make = () => createModel({ type: 'qsvm', qubits: 4, svm: { C: 10 } }, 4, 2, 1) as KernelSVM;
  const r = kernelPoisoning(make, Xs, ys, Xs, ys, 0.05, 1, { objective: 'alignment', steps: 4, stepSize: 0.3, lo: 0, hi: Math.PI });
  const K = make().gram(Xs);
  const clean = kernelTargetAlignment(K, n, ys);
  const random = [1, 2, 3, 4, 5].map((s) => kernelTargetAlignment(K, n, labelFlip({ ...kdd, labels: ys }, 0.05, s).data.labels));
  const mean = random.reduce((a, v) => a + v, 0) / random.length;
  assert.ok(r.alignment < mean - 0.01 && mean < clean, `alignment: clean ${clean}, random flips ${random.join(', ')}, poisoned ${r.alignment}`);
  assert.throws(() => kernelPoisoning(make, Xs, Int32Array.from(ys, () => 2), Xs, ys, 0.05, 1), /binary labels/);
});

test('kNN sanitisation (input and quantum-kernel distance) and loss trimming lower the damage of label flipping', () => {
  const rec = runPoisonExperiment({ data: kdd, spec: { type: 'vqc', qubits: 4, layers: 2 }, trainConfig: fast, attack: 'label-flip', rate: 0.2, seed: 1, defenses: ['knn', 'knn-kernel', 'outlier-kernel', 'loss-trim'] });
  for (const d of ['knn', 'knn-kernel']) {
    const r = one(rec, d);
    assert.ok(r.attack_success_rate_defended < r.attack_success_rate / 2, `${d}: ${r.attack_success_rate} → ${r.attack_success_rate_defended}`);
    assert.ok(r.detection!.precision! > 0.7 && r.detection!.recall! > 0.7, `${d} detection ${JSON.stringify(r.detection)}`);
  }
  const lt = one(rec, 'loss-trim');
  assert.ok(lt.detection!.recall! > 0.7, `loss trimming finds the flipped rows: ${JSON.stringify(lt.detection)}`);
  // Targeted flips (attacks relabelled normal): trimming the highest-loss rows lowers their success.
  const tf = runPoisonExperiment({ data: kdd, spec: vqc, trainConfig: fast, attack: 'targeted-flip', rate: 0.1, seed: 1, defenses: ['loss-trim', 'knn'] });
  for (const d of ['loss-trim', 'knn']) {
    const x = one(tf, d);
    assert.ok(x.attack_success_rate_defended < x.attack_success_rate - 0.02, `${d}: ${x.attack_success_rate} → ${x.attack_success_rate_defended}`);
  }
});

test('outlier removal in quantum-kernel feature space equals the Euclidean rule on explicit feature vectors', () => {
  // For a linear kernel K = XXᵀ the kernel-space centroid distance is the Euclidean one.
  const X = { data: Float64Array.from({ length: 60 }, (_, i) => Math.sin(i * 1.7) * (i === 30 ? 9 : 1)), rows: 20, cols: 3 };
  const y = Int32Array.from({ length: 20 }, (_, i) => i % 2);
  const K = new Float64Array(400);
  for (let i = 0; i < 20; i++) for (let j = 0; j < 20; j++) { let s = 0; for (let t = 0; t < 3; t++) s += X.data[i * 3 + t] * X.data[j * 3 + t]; K[i * 20 + j] = s; }
  assert.deepEqual(outlierSanitize(X, y, 1.5, K), outlierSanitize(X, y, 1.5));
});

test('a parameter backdoor in a tampered model file works, and the signature check refuses the file', () => {
  const rec = runPoisonExperiment({ data: kdd, spec: vqc, trainConfig: fast, attack: 'model-file', rate: 0.05, seed: 1, defenses: ['signature', 'spectral'] });
  const r = one(rec, 'signature');
  assert.ok(r.attack_success_rate > r.baseline_attack_success_rate + 0.3, `tampered ${r.attack_success_rate} vs intact ${r.baseline_attack_success_rate}`);
  assert.match(r.note!, /refused: signed by key .* not trusted/);
  assert.equal(r.attack_success_rate_defended, r.baseline_attack_success_rate);
  assert.equal(rec.records.length, 1, 'training-data defences do not apply to a delivered file');
  // The tampered file itself: intact as a file, but not from the operator.
  const split = stratifiedSplit(kdd.labels, 0.3, 1);
  const tr = selectRows(kdd, split.train);
  const clean = Detector.train(tr, vqc, { ...fast, seed: 1 });
  const o = modelFileBackdoor.poison({ train: tr, clean, spec: vqc, trainConfig: fast, rate: 0.05, seed: 1, target: 0 });
  assert.equal(verifyDetectorText(o.tampered!.fileText).ok, true);
  assert.equal(verifyDetectorText(o.tampered!.fileText, []).ok, false);
  // A random perturbation of the parameters of the same size plants nothing.
  const diff = o.tampered!.detector.model.params.map((v, i) => v - clean.model.params[i]);
  const norm = Math.hypot(...diff);
  const rnd = Detector.fromJSON(JSON.parse(JSON.stringify(clean.toJSON())));
  const dir = diff.map((_, i) => Math.sin(i * 12.9898) );
  const dn = Math.hypot(...dir);
  rnd.model.params.forEach((v, i) => { rnd.model.params[i] = v + (norm * dir[i]) / dn; });
  const te = selectRows(kdd, split.test);
  const act = o.activate!(rnd, te), actT = o.activate!(o.tampered!.detector, te);
  const toTarget = (det: Detector, X: typeof act.X) => predict(det.model, X).reduce((a, v) => a + (v === 0 ? 1 : 0), 0) / X.rows;
  assert.ok(toTarget(o.tampered!.detector, actT.X) > toTarget(rnd, act.X) + 0.2, `tampered ${toTarget(o.tampered!.detector, actT.X)} vs random ${toTarget(rnd, act.X)}`);
});

test('STRIP rejects some triggered inputs of a backdoored model and the decision threshold comes from clean rows', () => {
  const rec = runPoisonExperiment({ data: kdd, spec: vqc, trainConfig: fast, attack: 'backdoor', rate: 0.05, seed: 1, defenses: ['strip'] });
  const r = one(rec, 'strip');
  assert.ok(r.attack_success_rate_defended < r.attack_success_rate, `STRIP: ${r.attack_success_rate} → ${r.attack_success_rate_defended}`);
  assert.ok(r.rejected_clean_rate! > 0 && r.rejected_clean_rate! < 0.15, `clean rejection ${r.rejected_clean_rate}`);
  // The band keeps 1 − frr of the clean entropies it was set on, split over both tails or all below.
  const h = Float64Array.from({ length: 1000 }, (_, i) => Math.sin(i * 7.1) ** 2);
  const outside = (b: { lo: number; hi: number }) => h.filter((v) => v < b.lo || v > b.hi).length / h.length;
  assert.ok(Math.abs(outside(stripThreshold(h, 0.1, 'both')) - 0.1) < 0.01 && Math.abs(outside(stripThreshold(h, 0.1, 'low')) - 0.1) < 0.01);
  assert.equal(stripThreshold(h, 0.1, 'low').hi, Infinity);
});

test('the alignment monitor stays quiet on clean training data and sanitises kernel-poisoned data', () => {
  const data = loadDataset('nsl-kdd', { maxRows: 4000, seed: 1 });
  const s = stratifiedSplit(data.labels, 0.85, 1);
  const cfg = { train: selectRows(data, s.train), test: selectRows(data, s.test), spec: { type: 'qsvm' as const, qubits: 6, svm: { bandwidth: 1 } }, rate: 0.05, seed: 1, defenses: ['alignment'] };
  const r = one(runPoisonExperiment({ ...cfg, attack: 'kernel-poison' }));
  assert.match(r.note!, /^alarm/);
  assert.ok(r.detection!.recall! > 0.5, `alignment response recall ${JSON.stringify(r.detection)}`);
  assert.ok(r.clean_accuracy_defended > r.clean_accuracy, `accuracy ${r.clean_accuracy} → ${r.clean_accuracy_defended}`);
  // On clean training data the same monitor, against a clean reference, does not alarm.
  const tr = selectRows(cfg.train, Array.from({ length: 500 }, (_, i) => i)), ref = selectRows(cfg.train, Array.from({ length: 100 }, (_, i) => 500 + i));
  const victim = Detector.train(tr, cfg.spec, { seed: 1 });
  const quiet = trainingDefense('alignment').defend({
    victim, X: victim.inputs(tr.table), y: tr.labels, eps: 0.05, seed: 1, reference: { X: victim.inputs(ref.table), y: ref.labels },
  });
  assert.equal(quiet.kind, 'accept', JSON.stringify(quiet));
});

test('unknown attack and defence names are refused with the known names', () => {
  throwsNaming(() => trainingAttack('poison-ivy'), /--attack/, /known: label-flip/);
  throwsNaming(() => trainingDefense('garlic'), /--defenses/, /known: knn/);
  throwsNaming(() => runPoisonExperiment({ data: kdd, spec: { type: 'logreg' }, attack: 'label-flip', rate: 0.1, seed: 1, target: 'martians' }), /--target/, /not one of normal, attack/);
  throwsNaming(() => runPoisonExperiment({ data: kdd, spec: { type: 'vqc' }, attack: 'kernel-poison', rate: 0.1, seed: 1 }), /--attack/, /does not apply/);
});

