/**
 * Governance bench: audit-log appends per second with a signed checkpoint every 1,000 entries
 * (target ≥ 5,000/s), inclusion and consistency proof time at 10⁶ entries (target ≤ 5 ms), and exact
 * KernelSHAP over 8 raw features of an 8-qubit VQC (target ≤ 1 s per decision).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Rng } from '../../core/rng.js';
import { AuditLog } from '../../governance/audit-log.js';
import { fromHex, verifyConsistency, verifyInclusion } from '../../governance/merkle.js';
import { explainPrediction } from '../../governance/shap.js';
import { loadDataset } from '../../qml/datasets.js';
import { Detector } from '../../qml/detector.js';
import type { LabeledData } from '../../qml/table.js';
import { generateKeyPair } from '../../supply/signing.js';
import { info, printJson, printLine } from '../../cli/io.js';
import type { SuiteOptions } from '../suite.js';

export const help = 'audit-log appends/s (checkpoint every 1,000), proof time at 10^6 entries, exact KernelSHAP on an 8-qubit VQC';

const entry = (i: number) => ({ type: 'decision', decision_id: `d${i}`, time: '2026-01-01T00:00:00.000Z', model: { id: 'vqc', artefact_hash: 'ab'.repeat(32) }, input_hash: 'cd'.repeat(32), output: i % 3 ? 'benign' : 'attack', confidence: 0.5 + (i % 50) / 100 });

/** CPU seconds of this process since `c0`: on a shared machine wall time also counts other jobs. */
function cpuSeconds(c0: NodeJS.CpuUsage): number {
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1e6;
}

export async function run({ quick, json }: SuiteOptions): Promise<void> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'qml6g-bench-gov-'));
  const keys = generateKeyPair(new Uint8Array(32).fill(1));
  try {
    // 1. Appends, each acknowledged (its own committed transaction), and in batches of 1,000.
    const nAppend = quick ? 5000 : 20000;
    const one = AuditLog.open(path.join(tmp, 'appends.db'), { keys, checkpointEvery: 1000 });
    let t0 = performance.now();
    let c0 = process.cpuUsage();
    for (let i = 0; i < nAppend; i++) one.append(entry(i));
    const singleSec = (performance.now() - t0) / 1000;
    const singleCpu = cpuSeconds(c0);
    one.close();
    const batch = AuditLog.open(path.join(tmp, 'batch.db'), { keys, checkpointEvery: 1000 });
    t0 = performance.now();
    for (let i = 0; i < nAppend; i += 1000) batch.appendMany(Array.from({ length: 1000 }, (_, j) => entry(i + j)));
    const batchSec = (performance.now() - t0) / 1000;
    batch.close();
    info(`appends: ${(nAppend / singleSec).toFixed(0)}/s one by one (${(nAppend / singleCpu).toFixed(0)}/s of CPU time), ${(nAppend / batchSec).toFixed(0)}/s in batches of 1,000 (checkpoint every 1,000)`);

    // 2. Proofs at 10⁶ entries (10⁵ with --quick).
    const N = quick ? 100_000 : 1_000_000;
    const big = AuditLog.open(path.join(tmp, 'big.db'), { keys, checkpointEvery: 100_000 });
    t0 = performance.now();
    for (let i = 0; i < N; i += 10_000) {
      big.appendMany(Array.from({ length: 10_000 }, (_, j) => entry(i + j)));
      if ((i / 10_000) % 20 === 0) info(`building the log: ${i + 10_000} of ${N}`);
    }
    const buildSec = (performance.now() - t0) / 1000;
    const rng = new Rng(7), P = 200;
    const root = fromHex(big.root());
    let incl = 0, cons = 0, ok = true;
    for (let k = 0; k < P; k++) {
      const idx = rng.int(N);
      let t = performance.now();
      const p = big.inclusionProof(idx);
      incl += performance.now() - t;
      ok &&= verifyInclusion(idx, N, fromHex(p.leaf_hash), p.proof.map(fromHex), root);
      const m = 1 + rng.int(N - 1);
      t = performance.now();
      const c = big.consistencyProof(m, N);
      cons += performance.now() - t;
      ok &&= verifyConsistency(m, N, c.proof.map(fromHex), fromHex(c.root1), root);
    }
    big.close();
    info(`proofs at ${N} entries: inclusion ${(incl / P).toFixed(3)} ms, consistency ${(cons / P).toFixed(3)} ms (all verified: ${ok})`);

    // 3. Exact KernelSHAP, 8 raw features, 8-qubit VQC.
    const bc = loadDataset('breast-cancer');
    const d: LabeledData = { ...bc, table: { rows: bc.table.rows, columns: bc.table.columns.slice(0, 8) } };
    const det = Detector.train(d, { type: 'vqc', qubits: 8, layers: 3 }, { epochs: 1, seed: 1 });
    const rows = quick ? 3 : 10;
    t0 = performance.now();
    c0 = process.cpuUsage();
    let exact = true;
    for (let r = 0; r < rows; r++) exact &&= explainPrediction(det, d.table, r * 7, { maxBackground: 32, seed: r }).exact;
    const shapSec = (performance.now() - t0) / 1000 / rows;
    const shapCpu = cpuSeconds(c0) / rows;
    info(`KernelSHAP exact over 8 features (256 coalitions x 32 background rows) on the VQC: ${shapSec.toFixed(3)} s per decision`);

    const res = {
      appends: { entries: nAppend, checkpoint_every: 1000, per_second_acknowledged_each: nAppend / singleSec, per_cpu_second_acknowledged_each: nAppend / singleCpu, per_second_batches_of_1000: nAppend / batchSec, target_per_second: 5000 },
      proofs: { tree_size: N, build_seconds: buildSec, inclusion_ms: incl / P, consistency_ms: cons / P, verified: ok, target_ms: 5 },
      kernel_shap: { model: 'vqc (8 qubits, 3 layers)', features: 8, coalitions: 256, background_rows: 32, exact, seconds_per_decision: shapSec, cpu_seconds_per_decision: shapCpu, target_seconds: 1 },
    };
    if (json) printJson(res);
    else {
      printLine(`audit appends (checkpoint every 1,000): ${res.appends.per_second_acknowledged_each.toFixed(0)}/s acknowledged one by one (${res.appends.per_cpu_second_acknowledged_each.toFixed(0)} per CPU second), ${res.appends.per_second_batches_of_1000.toFixed(0)}/s in batches (target ≥ 5,000/s)`);
      printLine(`proofs at ${N} entries: inclusion ${res.proofs.inclusion_ms.toFixed(3)} ms, consistency ${res.proofs.consistency_ms.toFixed(3)} ms (target ≤ 5 ms)`);
      printLine(`exact KernelSHAP, 8 features, VQC: ${shapSec.toFixed(3)} s per decision, ${shapCpu.toFixed(3)} CPU s (target ≤ 1 s)`);
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
