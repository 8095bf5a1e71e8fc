import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from '../testing/shared.js';

const cli = path.join(repoRoot, 'dist', 'cli', 'main.js');
const run = (args: string[]) => {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
};

test('qml6g leakage --json: Helstrom per encoding and transit noise, never below guessing, falling with noise', () => {
  const r = run(['leakage', '--data', 'breast-cancer', '--qubits', '3', '--encodings', 'angle-y,zz,amplitude', '--transit', '0,0.3', '--rows-per-class', '60', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
  assert.equal(out.results.length, 6);
  for (const x of out.results) {
    assert.equal(x.measurement, 'helstrom');
    assert.ok(x.success >= x.guessing - 1e-12 && x.success <= 1, JSON.stringify(x));
  }
  for (let i = 0; i < 6; i += 2) assert.ok(out.results[i].success > out.results[i + 1].success, 'transit noise lowers leakage');
});

test('qml6g leakage bad input → one line, exit 2', () => {
  for (const args of [['leakage', '--data', 'iris', '--encodings', 'nope'], ['leakage', '--data', 'iris', '--transit', '1.5'], ['leakage', '--data', 'iris', '--qubits', '12'], ['leakage']]) {
    const r = run(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
});
