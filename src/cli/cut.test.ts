import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot, assertClose } from '../testing/shared.js';

const cli = path.join(repoRoot, 'dist', 'cli', 'main.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'qml6g-cut-'));
const run = (args: string[]) => {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
};
const qasm = path.join(tmp, 'ghz-ish.qasm');
fs.writeFileSync(qasm, `OPENQASM 2.0;
include "qelib1.inc";
qreg q[8];
ry(0.4) q[0]; cx q[0],q[1]; ry(0.3) q[1]; cx q[1],q[2]; cx q[2],q[3]; rx(0.5) q[3];
cx q[3],q[4]; ry(0.2) q[4]; cx q[4],q[5]; cx q[5],q[6]; rzz(0.9) q[6],q[7]; rx(1.1) q[7]; cz q[7],q[0];
`);

test('qml6g cut --json prints exactly the contract fields and the exact reconstruction equals the uncut value', () => {
  const r = run(['cut', qasm, '--max-qubits', '4', '--observable', 'Z0 Z7', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
  assert.deepEqual(Object.keys(out).sort(), ['cuts', 'expectation', 'fragments', 'sampling_overhead', 'shots_used', 'uncut_expectation']);
  assertClose(out.expectation, out.uncut_expectation, 1e-10, 'exact');
  assert.ok(out.fragments >= 2 && out.cuts >= 1);
  assert.equal(out.shots_used, 0);
  assert.match(r.stderr, /sampling overhead/, 'the overhead is reported before the run');
});

test('qml6g cut --shots samples within a few standard errors and reports the fragment shots spent', () => {
  const r = run(['cut', qasm, '--max-qubits', '4', '--observable', 'Z0 Z7', '--shots', '4000', '--seed', '3', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
  assert.equal(out.shots_used, 4000 * out.fragments);
  const sd = Math.sqrt(out.sampling_overhead / 4000);
  assert.ok(Math.abs(out.expectation - out.uncut_expectation) < 5 * sd, `${out.expectation} vs ${out.uncut_expectation}`);
});

const noiseFile = path.join(tmp, 'noise.json'), readoutFile = path.join(tmp, 'readout.json');
fs.writeFileSync(noiseFile, JSON.stringify({ after_1q: [{ channel: 'depolarizing', p: 0.05 }], after_2q: [{ channel: 'depolarizing', p: 0.1 }] }));
fs.writeFileSync(readoutFile, JSON.stringify({ readout: { p1_given_0: 0.02, p0_given_1: 0.03 } }));

test('qml6g cut --noise runs every fragment on a noisy device: the value moves away from the noiseless one', () => {
  const r = run(['cut', qasm, '--max-qubits', '4', '--observable', 'Z0 Z7', '--noise', noiseFile, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
  assert.ok(Math.abs(out.expectation) < Math.abs(out.uncut_expectation) - 1e-3, `${out.expectation} vs noiseless ${out.uncut_expectation}`);
});

test('qml6g cut bad input: device too narrow, missing qubit, overhead budget, missing flags → one line, exit 2', () => {
  const cases: string[][] = [
    ['cut', qasm, '--max-qubits', '1', '--observable', 'Z0', '--kinds', 'wire'],
    ['cut', qasm, '--max-qubits', '4', '--observable', 'Z0 Z8'],
    ['cut', qasm, '--max-qubits', '2', '--observable', 'Z0', '--max-overhead', '50'],
    ['cut', qasm, '--observable', 'Z0'],
    ['cut', qasm, '--max-qubits', '4', '--observable', 'Q0'],
    ['cut', path.join(tmp, 'missing.qasm'), '--max-qubits', '4', '--observable', 'Z0'],
    ['cut', qasm, '--max-qubits', '4', '--observable', 'Z0', '--noise', `${noiseFile},${noiseFile},${noiseFile},${noiseFile},${noiseFile}`],
    ['cut', qasm, '--max-qubits', '4', '--observable', 'Z0', '--noise', readoutFile],
  ];
  for (const args of cases) {
    const r = run(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.doesNotMatch(r.stderr, /at .*\.js/);
  }
});

test('qml6g evaluate --device-qubits: a trained model re-run through cutting keeps its exact metrics, and the overhead budget refuses', () => {
  const model = path.join(tmp, 'vqc.json');
  const t = run(['train', '--data', 'iris', '--model', 'vqc', '--qubits', '4', '--layers', '1', '--epochs', '4', '--out', model, '--json']);
  assert.equal(t.code, 0, t.stderr);
  const plain = JSON.parse(run(['evaluate', '--model', model, '--data', 'iris', '--json']).stdout.trim().split('\n').pop()!);
  const r = run(['evaluate', '--model', model, '--data', 'iris', '--device-qubits', '2', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const cut = JSON.parse(r.stdout.trim().split('\n').pop()!);
  assert.equal(cut.cutting.device_qubits, 2);
  assert.ok(cut.cutting.fragments >= 2);
  assert.deepEqual(cut.confusion, plain.confusion);
  assertClose(cut.roc_auc, plain.roc_auc, 1e-9, 'ROC-AUC');
  const bad = run(['evaluate', '--model', model, '--data', 'iris', '--device-qubits', '2', '--max-overhead', '10']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /budget/);
});

test('qml6g cut --export writes plan.json and every fragment variant as OpenQASM that parses back', async () => {
  const { parseQasm } = await import('../sim/qasm.js');
  const dir = path.join(tmp, 'export');
  const r = run(['cut', qasm, '--max-qubits', '4', '--observable', 'Z0 Z7', '--kinds', 'gate', '--export', dir, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const plan = JSON.parse(fs.readFileSync(path.join(dir, 'plan.json'), 'utf8'));
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
  assert.equal(plan.fragments.length, out.fragments);
  assert.equal(plan.qpd_terms.length, out.cuts);
  for (const f of plan.fragments) {
    // gate cuts only: five actions per site
    assert.equal(f.variants.length, 5 ** f.sites.length);
    for (const v of f.variants) {
      const c = parseQasm(fs.readFileSync(path.join(dir, v.file), 'utf8'));
      assert.ok(c.numQubits <= 4);
      assert.equal(c.ops.filter((o) => o.kind === 'measure').length, v.sign_clbits.length);
    }
  }
});
