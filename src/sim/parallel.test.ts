import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';

/**
 * Runs one script in a fresh process (the automatic team is process-wide) with QML6G_THREADS set,
 * and returns what it printed last (a SHA-256 of the doubles' bytes, so comparisons are exact).
 */
function run(threads: number, body: string): { used: Record<string, number> | null; bytes: string } {
  // The crossovers are fixed here (the calibration would follow the machine's load), so the team
  // is taken whenever it is up: the test checks the split, not where it pays.
  const script = `
    import { createHash } from 'node:crypto';
    import { autoTeam } from './dist/index.js';
    const team = autoTeam();
    if (team) while (!team.alive) await new Promise((r) => setTimeout(r, 2));
    const result = await (async () => { ${body} })();
    const f = Float64Array.from(result);
    console.log(JSON.stringify({ used: team ? team.stats : null, bytes: createHash('sha256').update(new Uint8Array(f.buffer)).digest('hex') }));
    if (team) await team.close();
  `;
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: new URL('../..', import.meta.url), env: { ...process.env, QML6G_THREADS: String(threads), QML6G_TEAM_MIN_QUBITS: '12', QML6G_TEAM_MIN_WORK: '1' }, encoding: 'utf8',
  }).trim().split('\n').pop()!);
}

const simdOn = (() => execFileSync(process.execPath, ['--input-type=module', '-e', "import { simdStatus } from './dist/index.js'; console.log(simdStatus().active)"], { cwd: new URL('../..', import.meta.url), encoding: 'utf8' }).trim() === 'true')();

test('a large statevector simulation takes the automatic team and leaves exactly the state one thread leaves', { skip: !simdOn && 'needs the SIMD kernels' }, () => {
  const body = `
    const { CircuitBuilder, simulate } = await import('./dist/index.js');
    const n = 15, b = new CircuitBuilder(n);
    for (let l = 0; l < 2; l++) {
      for (let q = 0; q < n; q++) { b.ry(q, 0.3 + 0.11 * q + l); b.rz(q, 0.7 - 0.05 * q); }
      for (let q = 0; q + 1 < n; q++) b.cx(q, q + 1);
      b.gate('crz', [n - 1, 0], [0.4]);
    }
    return simulate(b.build()).statevector.data;
  `;
  const one = run(1, body), two = run(2, body);
  assert.equal(one.used, null, 'QML6G_THREADS=1: no team');
  assert.ok(two.used && two.used.gates + two.used.blocked > 0, `the team ran gates: ${JSON.stringify(two.used)}`);
  assert.equal(two.bytes, one.bytes, 'same amplitudes to the bit');
});

test('a large batch takes the automatic team and gives exactly the values one thread gives', { skip: !simdOn && 'needs the SIMD kernels' }, () => {
  const body = `
    const { CircuitBuilder, batchExpectations, param, input, Z, observable } = await import('./dist/index.js');
    const b = new CircuitBuilder(6);
    for (let l = 0; l < 4; l++) { for (let q = 0; q < 6; q++) { b.ry(q, input(q % 3)); b.rz(q, param(6 * l + q)); } for (let q = 0; q < 5; q++) b.cx(q, q + 1); }
    const rows = 700, X = Float64Array.from({ length: rows * 3 }, (_, i) => Math.sin(i)), P = Float64Array.from({ length: rows * 24 }, (_, i) => Math.cos(i));
    return batchExpectations(b.build(), [Z(0), observable([[0.5, 'X1 Y2'], [0.25, 'Z3 Z5']])], { inputs: X, inputCols: 3, paramRows: P, paramCols: 24 });
  `;
  const one = run(1, body), two = run(2, body);
  assert.equal(one.used, null);
  assert.ok(two.used && two.used.batches > 0, `the team ran the batch: ${JSON.stringify(two.used)}`);
  assert.equal(two.bytes, one.bytes, 'same values to the bit');
});
