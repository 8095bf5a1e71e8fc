/**
 * `npm run bench -- cutting`: circuit cutting against the uncut simulation.
 *
 * 1. A 24-qubit circuit (two 12-qubit hardware-efficient blocks joined by a CZ and an RZZ) cut for
 *    12-qubit devices: fragment count, cuts, sampling overhead, the wall time of planning and of the
 *    exact reconstruction against one uncut statevector simulation, and their agreement.
 *    (--quick: 20 qubits onto 10-qubit devices.)
 * 3. Federated clients on narrow devices: one FedAvg run on iris (4-qubit VQC, 3 clients) with every
 *    client on a 4-qubit device, on 2-qubit devices (exact), and on 2-qubit devices with 1024
 *    shots: accuracy, and per round the client seconds, fragment shots and reconstructions.
 * 2. The accuracy cost of shots: an 8-qubit VQC trained on breast-cancer, evaluated uncut, cut for
 *    4-qubit devices exactly, and cut with S QPD samples per read-out term (S = 100, 1000, 10000),
 *    with the fragment shots spent.
 */
import { CircuitBuilder, type Circuit } from '../../sim/circuit.js';
import { Evaluator } from '../../sim/evaluator.js';
import { pauli } from '../../sim/observable.js';
import { planCuts } from '../../sim/cutting/fragments.js';
import { CutEvaluator } from '../../sim/cutting/reconstruct.js';
import { loadDataset } from '../../qml/datasets.js';
import { selectRows, stratifiedSplit } from '../../qml/table.js';
import { Detector } from '../../qml/detector.js';
import { modelFromJSON } from '../../qml/models/registry.js';
import type { Execution } from '../../qml/model.js';
import type { VariationalClassifier } from '../../qml/models/vqc.js';
import { version } from '../../core/version.js';
import { defaultFederateConfig, prepareFederation, runFederated, type FederateConfig } from '../../federated/experiment.js';
import { ClientPool } from '../../federated/pool.js';
import { info, printJson, printLine } from '../../cli/io.js';
import type { SuiteOptions } from '../suite.js';

export const help = 'circuit cutting: fragments and wall time against the uncut simulation (24 qubits onto 12-qubit devices), accuracy cost of shots';

function twoBlocks(n: number, layers: number): Circuit {
  const h = n / 2, b = new CircuitBuilder(n);
  for (let l = 0; l < layers; l++) {
    for (let q = 0; q < n; q++) b.ry(q, 0.1 + 0.37 * q + 0.11 * l).rz(q, 0.2 * q - 0.3 * l);
    for (const off of [0, h]) for (let q = 0; q + 1 < h; q++) b.cx(off + q, off + q + 1);
    if (l === 0) b.cz(h - 1, h);
    if (l === layers - 1) b.rzz(0, n - 1, 0.7);
  }
  return b.build();
}

const time = <T>(f: () => T): [T, number] => { const t = performance.now(); const r = f(); return [r, (performance.now() - t) / 1000]; };

/** Part 1: the wide circuit cut for half-width devices against one uncut simulation (also in the sim suite). */
export function benchCutCircuit(quick: boolean) {
  const n = quick ? 20 : 24, K = n / 2, layers = 3;
  const c = twoBlocks(n, layers);
  const obs = [pauli(`Z0 Z${n - 1}`), pauli(`X${K - 1} Z${K}`), pauli(`Y3 Y${n - 3}`)];
  info(`cutting: ${n}-qubit circuit (${c.ops.length} gates) onto ${K}-qubit devices`);
  const [plan, planS] = time(() => planCuts(c, { maxQubits: K }));
  info(`cutting: ${plan.cuts.length} cut(s) (${plan.method}), ${plan.fragments.length} fragments; uncut simulation...`);
  const [uncut, uncutS] = time(() => new Evaluator(c, obs).values([], []));
  const [cut, cutS] = time(() => new CutEvaluator(plan, obs).values([], []));
  const maxDiff = Math.max(...Array.from(cut, (v, i) => Math.abs(v - uncut[i])));
  return {
    qubits: n, device_qubits: K, gates: c.ops.length, cuts: plan.cuts.length, described: plan.described, fragments: plan.fragments.length,
    fragment_qubits: plan.fragments.map((f) => f.circuit.numQubits), sampling_overhead: plan.samplingOverhead, method: plan.method,
    plan_seconds: planS, uncut_seconds: uncutS, cut_exact_seconds: cutS, speedup: uncutS / cutS, max_abs_difference: maxDiff,
  };
}

export function formatCutCircuit(c: ReturnType<typeof benchCutCircuit>): string[] {
  return [
    `${c.qubits} qubits (${c.gates} gates) onto ${c.device_qubits}-qubit devices: ${c.cuts} cut(s) [${c.described.join('; ')}], ${c.fragments} fragments of ${c.fragment_qubits.join(', ')} qubits, sampling overhead ${c.sampling_overhead}`,
    `  plan ${c.plan_seconds.toFixed(3)} s; uncut statevector ${c.uncut_seconds.toFixed(2)} s; exact reconstruction from fragments ${c.cut_exact_seconds.toFixed(3)} s (${c.speedup.toFixed(1)}x); max |difference| ${c.max_abs_difference.toExponential(2)}`,
  ];
}

export async function run({ quick, json }: SuiteOptions): Promise<void> {
  const circuit = benchCutCircuit(quick);
  info('cutting: accuracy cost of shots (8-qubit VQC on 4-qubit devices, breast-cancer)...');
  const data = loadDataset('breast-cancer', { seed: 0 });
  const s = stratifiedSplit(data.labels, 0.3, 1);
  const train = selectRows(data, s.train), test = selectRows(data, s.test);
  const testRows = quick ? selectRows(test, Array.from({ length: 40 }, (_, i) => i)) : test;
  const det = Detector.train(train, { type: 'vqc', qubits: 8, layers: 1, ansatz: 'hea-linear' }, { epochs: quick ? 3 : 8, seed: 0 });
  const rerun = (execution: Execution) => {
    const m = modelFromJSON({ ...det.model.toJSON(), execution }) as VariationalClassifier;
    const d2 = new Detector(det.pipeline, m, det.classes, det.meta);
    const [metrics, secs] = time(() => d2.evaluate(testRows));
    return { accuracy: metrics.accuracy, roc_auc: metrics.roc_auc, seconds: secs, shots_used: m.layer.cut?.shotsUsed ?? 0, overhead: m.layer.cut?.plan.samplingOverhead ?? 1 };
  };
  const rows = [{ setting: 'uncut exact', ...rerun({}) }, { setting: 'cut exact', ...rerun({ device: { qubits: 4 } }) }];
  for (const S of quick ? [100, 1000] : [100, 1000, 10000]) rows.push({ setting: `cut, ${S} samples`, ...rerun({ device: { qubits: 4 }, shots: S, seed: 1 }) });
  info('cutting: federated clients on narrow devices (iris, 4-qubit VQC, 3 clients)...');
  const base: FederateConfig = { ...defaultFederateConfig(), data: 'iris', model: { type: 'vqc', qubits: 4, layers: 1 }, clients: 3, rounds: quick ? 2 : 4, batchSize: 8, lr: 0.05, rootRows: 10, seed: 0 };
  const pool = ClientPool.create(1);
  const federated = [];
  try {
    for (const [setting, extra] of [['4-qubit devices', {}], ['2-qubit devices, exact', { deviceQubits: 2 }], ['2-qubit devices, 1024 shots', { deviceQubits: 2, devices: 'shots' }]] as const) {
      const cfg = { ...base, ...extra } as FederateConfig;
      const r = await runFederated(prepareFederation(cfg), 'fedavg', 'none', { pool });
      const per = (k: 'client_seconds' | 'cut_shots' | 'cut_evaluations') => r.rounds.reduce((a, x) => a + x[k], 0) / r.rounds.length;
      federated.push({ setting, final_accuracy: r.final_accuracy, client_seconds_per_round: per('client_seconds'), fragment_shots_per_round: per('cut_shots'), reconstructions_per_round: per('cut_evaluations') });
    }
  } finally { await pool.close(); }
  const result = { suite: 'cutting', quick, circuit, shots: { dataset: 'breast-cancer', test_rows: testRows.table.rows, rows }, federated, version: version() };
  if (json) { printJson(result); return; }
  for (const l of formatCutCircuit(circuit)) printLine(l);
  printLine(`accuracy cost of shots (8-qubit VQC, 4-qubit devices, ${testRows.table.rows} test rows):`);
  for (const r of rows) printLine(`  ${r.setting.padEnd(20)} accuracy ${r.accuracy.toFixed(4)}  ROC-AUC ${r.roc_auc === null ? 'n/a' : r.roc_auc.toFixed(4)}  fragment shots ${r.shots_used}  ${r.seconds.toFixed(1)} s`);
  printLine(`federated (iris, 4-qubit VQC, 3 clients, ${base.rounds} rounds of FedAvg), per round:`);
  for (const f of federated) printLine(`  ${f.setting.padEnd(28)} final accuracy ${(f.final_accuracy ?? 0).toFixed(4)}  client seconds ${f.client_seconds_per_round.toFixed(2)}  fragment shots ${Math.round(f.fragment_shots_per_round)}  reconstructions ${Math.round(f.reconstructions_per_round)}`);
}
