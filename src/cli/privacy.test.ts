import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const cli = path.join(path.dirname(fileURLToPath(import.meta.url)), 'main.js');
const run = (args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });

test('qml6g privacy --json answers {epsilon, optimal_order} as TensorFlow Privacy does', () => {
  // TF Privacy compute_dp_sgd_privacy_test: n=60000, batch 150, σ=1.3, 15 epochs, δ=1e-5 → 0.7242234026109595 at order 19
  const r = run(['privacy', '--noise-multiplier', '1.3', '--sampling-rate', String(150 / 60000), '--steps', '6000', '--delta', '1e-5', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
  assert.ok(Math.abs(out.epsilon / 0.7242234026109595 - 1) < 0.01);
  assert.equal(out.optimal_order, 19);
});

test('qml6g privacy refuses a non-positive noise multiplier and δ outside (0, 1) with exit code 2', () => {
  for (const bad of [['--noise-multiplier', '0'], ['--noise-multiplier', '-2'], ['--delta', '0'], ['--delta', '1.5']]) {
    const args = { '--noise-multiplier': '1', '--sampling-rate': '0.01', '--steps': '10', '--delta': '1e-5', [bad[0]]: bad[1] };
    const r = run(['privacy', ...Object.entries(args).flat(), '--json']);
    assert.equal(r.status, 2, bad.join(' '));
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.match(r.stderr, /qml6g: error: --(noise-multiplier|delta)/);
  }
});
