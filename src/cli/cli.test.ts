import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot, sharedPath, assertClose } from '../testing/shared.js';

const cli = path.join(repoRoot, 'dist', 'cli', 'main.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'qml6g-cli-'));

function run(args: string[], opts: { shell?: string } = {}): { code: number; stdout: string; stderr: string } {
  const r = opts.shell
    ? spawnSync('bash', ['-c', opts.shell], { encoding: 'utf8', maxBuffer: 1 << 28 })
    : spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function write(name: string, text: string): string {
  const f = path.join(tmp, name);
  fs.writeFileSync(f, text);
  return f;
}

function refQasm(name: string): { file: string; ref: Record<string, unknown> } {
  const ref = JSON.parse(fs.readFileSync(sharedPath('reference', 'qasm', `${name}.json`), 'utf8'));
  return { file: write(`${name}.qasm`, ref.qasm), ref };
}

test('simulate --json prints the contract fields and matches the reference', () => {
  const { file, ref } = refQasm('qasmbench_small_deutsch_n2');
  const r = run(['simulate', file, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
  assert.equal(out.num_qubits, 2);
  assert.deepEqual(Object.keys(out.probabilities).sort(), Object.keys(ref.probabilities as object).sort());
  for (const [k, v] of Object.entries(ref.probabilities as Record<string, number>)) assertClose(out.probabilities[k], v, 1e-9, k);
  assert.equal(out.statevector.length, 4);
  assert.equal(out.density_matrix, null);
  assert.equal(out.counts, undefined);
  assert.ok(out.version && out.seed === 0);
});

test('simulate reads OpenQASM 3 (chosen by the version line) and binds input parameters with --params', () => {
  const { ref } = refQasm('qasmbench_small_deutsch_n2');
  const q3 = (ref.qasm as string).replace(/OPENQASM 2\.0;/, 'OPENQASM 3.0;').replace('qelib1.inc', 'stdgates.inc')
    .replace(/qreg (\w+)\[(\d+)\];/g, 'qubit[$2] $1;').replace(/creg (\w+)\[(\d+)\];/g, 'bit[$2] $1;')
    .replace(/measure ([^;]+?) -> ([^;]+?);/g, '$2 = measure $1;');
  const r = run(['simulate', write('deutsch3.qasm', q3), '--json']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
  for (const [k, v] of Object.entries(ref.probabilities as Record<string, number>)) assertClose(out.probabilities[k], v, 1e-9, k);
  const pf = write('p3.qasm', 'OPENQASM 3;\ninclude "stdgates.inc";\ninput float[64] t;\nqubit q;\nfor int k in [1:2] ry(t / 2) q;\n');
  const p = run(['simulate', pf, '--json', '--params', String(Math.PI / 3)]);
  assert.equal(p.code, 0, p.stderr);
  assertClose(JSON.parse(p.stdout.trim().split('\n').pop()!).probabilities['1'], Math.sin(Math.PI / 6) ** 2, 1e-12, 'p(1) = sin^2(t/2)');
  const bad = run(['simulate', write('w3.qasm', 'OPENQASM 3;\nqubit q;\n  while (true) { }\n')]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /w3\.qasm:3:3: "while" is outside the OpenQASM 3 subset/);
  assert.equal(bad.stderr.trim().split('\n').length, 1);
});

test('simulate with a noise file gives the density matrix and no statevector; shots are seeded', () => {
  const { file, ref } = refQasm('noisy_03_n3');
  const noise = write('noise.json', JSON.stringify({
    after_1q: [{ channel: 'depolarizing', p: 0.01 }, { channel: 'amplitude_damping', gamma: 0.05 }],
    after_2q: [{ channel: 'depolarizing', p: 0.02 }, { channel: 'amplitude_damping', gamma: 0.05 }],
    readout: { p1_given_0: 0.02, p0_given_1: 0.05 },
  }));
  const a = JSON.parse(run(['simulate', file, '--json', '--noise', noise, '--shots', '500', '--seed', '3']).stdout);
  const b = JSON.parse(run(['simulate', file, '--json', '--noise', noise, '--shots', '500', '--seed', '3']).stdout);
  assert.equal(a.statevector, null);
  const dm = ref.density_matrix as number[][][];
  for (let i = 0; i < 8; i++) for (let j = 0; j < 8; j++) assertClose(a.density_matrix[i][j][0], dm[i][j][0], 1e-9, `rho[${i}][${j}]`);
  assert.deepEqual(a.counts, b.counts, 'same seed, same counts');
  assert.equal(Object.values(a.counts as Record<string, number>).reduce((x, y) => x + y, 0), 500);
});

test('a large JSON result survives a pipe intact', () => {
  const { file } = refQasm('qasmbench_medium_bv_n14');
  const r = run([], { shell: `"${process.execPath}" "${cli}" simulate "${file}" --json | cat` });
  assert.equal(r.code, 0, r.stderr);
  assert.ok(r.stdout.length > 1 << 16, `output is ${r.stdout.length} bytes`);
  const out = JSON.parse(r.stdout);
  assert.equal(out.statevector.length, 2 ** 14);
});

const bad: Array<[string, () => string[], RegExp]> = [
  ['an unknown gate, with line and column', () => ['simulate', write('g.qasm', 'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[1];\nfoo q[0];\n'), '--json'], /g\.qasm:4:1: unknown gate "foo"/],
  ['a qubit out of range', () => ['simulate', write('r.qasm', 'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\nh q[2];\n')], /index 2 is out of range/],
  ['a NaN angle', () => ['simulate', write('n.qasm', 'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[1];\nrx(0/0) q[0];\n')], /evaluates to NaN/],
  ['too many qubits for memory', () => ['simulate', write('big.qasm', 'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[40];\nh q[0];\n')], /40-qubit statevector needs 16\.0 TiB/],
  ['an unreadable file', () => ['simulate', path.join(tmp, 'missing.qasm')], /cannot read QASM file: no such file/],
  ['malformed noise JSON', () => ['simulate', refQasm('random_00_n2').file, '--noise', write('bad.json', '{"after_1q": [')], /bad\.json: invalid JSON/],
  ['a non-trace-preserving Kraus set', () => ['simulate', refQasm('random_00_n2').file, '--noise', write('k.json', JSON.stringify({ after_1q: [{ channel: 'kraus', operators: [[[1, 0], [0, 1]], [[0, 1], [0, 0]]] }] }))], /k\.json: noise\.after_1q\[0\]: Kraus operators are not trace preserving/],
  ['an unknown channel name', () => ['simulate', refQasm('random_00_n2').file, '--noise', write('c.json', '{"after_2q":[{"channel":"bogus"}]}')], /unknown channel "bogus"/],
  ['an unknown option', () => ['simulate', refQasm('random_00_n2').file, '--shot', '3'], /unknown option --shot/],
  ['a non-integer shot count', () => ['simulate', refQasm('random_00_n2').file, '--shots', 'many'], /--shots must be an integer/],
  ['an unknown command', () => ['simulat'], /unknown command "simulat"/],
];

for (const [what, args, msg] of bad) {
  test(`bad input gives one clear line and exit code 2: ${what}`, () => {
    const r = run(args());
    assert.equal(r.code, 2, `exit code (stderr: ${r.stderr})`);
    assert.match(r.stderr, msg);
    assert.equal(r.stderr.trim().split('\n').length, 1, `one line, got: ${r.stderr}`);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    assert.equal(r.stdout, '', 'nothing on stdout');
  });
}

test('demo runs and its three gradient methods agree', () => {
  const r = run(['demo', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  const [a, p, f] = out.gradients;
  for (let i = 0; i < a.dparams.length; i++) {
    assertClose(p.dparams[i], a.dparams[i], 1e-9, 'shift vs adjoint');
    assertClose(f.dparams[i], a.dparams[i], 1e-6, 'fd vs adjoint');
  }
});
