// Measures the issue-5 target: PGD adversarial training of an 8-qubit VQC on NSL-KDD (input space).
// Run after npm run build: node scripts/adversarial-training-vqc.mjs [epsilon] [mix]
import { loadDataset } from '../dist/qml/datasets.js';
import { stratifiedSplit, selectRows } from '../dist/qml/table.js';
import { Detector } from '../dist/qml/detector.js';
import { InputTarget } from '../dist/attacks/target.js';
import { evasionAttack } from '../dist/attacks/registry.js';
import { runAttack } from '../dist/attacks/attack.js';
import { threatModel } from '../dist/attacks/threat.js';
import { RobustTraining } from '../dist/defenses/adversarial-training.js';
const seed = 1, eps = Number(process.argv[2] ?? 0.3);
const all = loadDataset('nsl-kdd', { maxRows: 4300, seed });
const s = stratifiedSplit(all.labels, 0.3, seed);
const tr = selectRows(all, s.train), te = selectRows(all, s.test.slice(0, 300));
let t0 = Date.now();
const det = Detector.train(tr, { type: 'vqc', qubits: 8, layers: 3 }, { epochs: 8, seed });
const base = (Date.now() - t0) / 1000;
const X = det.inputs(tr.table), y = det.labelsFor(tr), Xt = det.inputs(te.table), yt = det.labelsFor(te);
const evalM = (m, name) => {
  const r = runAttack(evasionAttack('pgd'), new InputTarget(m), Xt.data, yt, Xt.rows, threatModel({ epsilon: eps, steps: 10 }), seed);
  const sq = runAttack(evasionAttack('square'), new InputTarget(m), Xt.data, yt, Xt.rows, threatModel({ epsilon: eps, queries: 300 }), seed);
  console.log(name, 'clean', r.clean_accuracy.toFixed(3), 'PGD', r.robust_accuracy.toFixed(3), 'Square', sq.robust_accuracy.toFixed(3));
  return r;
};
const a = evalM(det.model, 'undefended');
t0 = Date.now();
const d = new RobustTraining({ method: 'pgd-at', epsilon: eps, steps: 3, mix: Number(process.argv[3] ?? 1), train: { epochs: 8 } }).apply({ X, y, seed, base: det.model, baseSeconds: base });
const b = evalM(d.model, `pgd-at (x${d.trainTimeMultiple.toFixed(1)} time)`);
console.log('gain', ((b.robust_accuracy - a.robust_accuracy) * 100).toFixed(1), 'points; clean cost', ((a.clean_accuracy - b.clean_accuracy) * 100).toFixed(1), 'points; eps', eps, 'seed', seed);
