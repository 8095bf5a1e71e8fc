import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { computeEpsilon } from '../federated/privacy/rdp.js';

const cli = path.join(path.dirname(fileURLToPath(import.meta.url)), 'main.js');
const run = (args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
const base = ['federate', '--model', 'logreg', '--clients', '8', '--rounds', '3', '--max-rows', '700', '--root-rows', '20'];

test('federate --secure-agg --dp: each run carries secure_aggregation and privacy, ε from the accountant', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'qml6g-fedpriv-'));
  try {
    const r = run([...base, '--out', out, '--secure-agg', 'secagg+', '--dropout', '0.2', '--dp', 'noise=1.1,clip=1,delta=1e-5', '--fraction-fit', '0.75', '--json']);
    assert.equal(r.status, 0, r.stderr);
    const res = JSON.parse(r.stdout.trim().split('\n').pop()!);
    const run0 = res.runs[0];
    assert.equal(run0.secure_aggregation.aborted_rounds, 0);
    assert.ok(run0.secure_aggregation.max_abs_error_vs_plain_sum < 1e-5);
    const released = run0.rounds.filter((x: { skipped: boolean }) => !x.skipped).length;
    const expect = computeEpsilon({ noiseMultiplier: 1.1, samplingRate: 0.75, steps: released, delta: 1e-5 }).epsilon;
    assert.ok(Math.abs(run0.privacy.epsilon - expect) < 1e-9, `${run0.privacy.epsilon} vs ${expect}`);
    assert.equal(run0.privacy.delta, 1e-5);
    assert.ok(run0.privacy.membership_auc >= 0 && run0.privacy.membership_auc <= 1);
    assert.ok(fs.readFileSync(path.join(out, 'report.html'), 'utf8').includes('Membership inference'));
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});

test('federate refuses impossible privacy settings with one line and exit code 2', () => {
  const cases: [string[], RegExp][] = [
    [['--secure-agg', 'secagg', '--strategies', 'krum'], /cannot be combined.*client-side norm clipping/],
    [['--secure-agg', 'secagg', '--secure-agg-threshold', '9'], /exceeds the 8 share holders/],
    [['--secure-agg', 'secagg', '--secure-agg-threshold', '4'], /needs t > 8\/2/],
    [['--dp', 'noise=-1,clip=1,delta=1e-5'], /noise multiplier must be > 0/],
    [['--dp', 'noise=1,clip=1,delta=0'], /delta must be in \(0, 1\)/],
    [['--secure-agg', 'secagg++'], /unknown secure aggregation/],
  ];
  for (const [extra, re] of cases) {
    const r = run([...base, '--out', path.join(os.tmpdir(), 'qml6g-never-written'), ...extra, '--json']);
    assert.equal(r.status, 2, extra.join(' '));
    assert.match(r.stderr, re);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
});
