import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../testing/shared.js';

const cli = path.join(repoRoot, 'dist', 'cli', 'main.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'qml6g-fedch-'));
const run = (args: string[]) => {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const lines = (r.stdout ?? '').trim().split('\n');
  let json: Record<string, unknown> = {};
  try { json = JSON.parse(lines[lines.length - 1]); } catch { /* not JSON */ }
  return { code: r.status ?? -1, stderr: r.stderr, json };
};

test('qml6g federate --channel qkd+pqc --eve: per-link QBER, aborts and bytes per round in results; excluded and tampered clients counted as failures', () => {
  const out = path.join(tmp, 'run');
  const r = run(['federate', '--quick', '--model', 'logreg', '--clients', '3', '--rounds', '2', '--threads', '1', '--channel', 'qkd+pqc', '--eve', '1:intercept:1,2:tamper', '--qkd-policy', 'exclude', '--qkd-pulses', '400000', '--out', out, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const runRec = (r.json.runs as Array<Record<string, unknown>>)[0];
  const ch = runRec.channel as { mode: string; links: Array<Record<string, unknown>>; rounds: Array<Record<string, unknown>> };
  assert.equal(ch.mode, 'qkd+pqc');
  assert.equal(ch.links[1].exclusions, 2);
  assert.equal(ch.links[2].refused, 2);
  assert.ok((ch.links[0].mean_qber as number) < 0.06);
  for (const x of ch.rounds) for (const k of ['round', 'client', 'qber', 'key_rate', 'qkd_aborted', 'bytes_up', 'bytes_down']) assert.ok(k in x, `round record lacks ${k}`);
  const rounds = runRec.rounds as Array<Record<string, number>>;
  assert.ok(rounds.every((x) => x.failures === 2 && x.participants === 1));
  const failures = fs.readFileSync(path.join(out, 'failures.csv'), 'utf8');
  assert.match(failures, /refused,update refused \(tampered\)/);
  assert.match(failures, /refused,excluded: no QKD key/);
  assert.match(fs.readFileSync(path.join(out, 'report.html'), 'utf8'), /<h2>Secure channel<\/h2>/);
});

test('qml6g federate: bad channel options are one line and exit code 2', () => {
  const base = ['federate', '--quick', '--model', 'logreg', '--clients', '3', '--rounds', '1', '--out', path.join(tmp, 'bad')];
  for (const [extra, re] of [
    [['--channel', 'quantum'], /unknown channel/],
    [['--eve', '1:pns'], /--eve needs --channel/],
    [['--channel', 'qkd+pqc', '--eve', '5:pns'], /client in 0\.\.2/],
    [['--channel', 'pqc', '--eve', '1:intercept:0.5'], /need --channel qkd\+pqc/],
    [['--channel', 'qkd+pqc', '--qkd-policy', 'ignore'], /unknown policy/],
  ] as Array<[string[], RegExp]>) {
    const r = run([...base, ...extra]);
    assert.equal(r.code, 2, `${extra.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re);
    assert.equal(r.stderr.trim().split('\n').length, 1);
  }
});

test('a resumed federated run keeps the channel records of the rounds it finished before the interruption', async () => {
  const { federateConfigFromArgs, runFederateJob } = await import('./federate.js');
  const out = path.join(tmp, 'resume');
  const o = federateConfigFromArgs(['--quick', '--model', 'logreg', '--clients', '2', '--rounds', '3', '--channel', 'pqc', '--eve', '1:tamper', '--out', out]);
  let rounds = 0;
  await assert.rejects(runFederateJob(o.cfg, { out, threads: 1, resume: false, quiet: true, log: () => undefined, handleSignals: false, recorder: false, channel: o.channel, shouldStop: () => rounds++ >= 2 }), /interrupted/);
  const partial = JSON.parse(fs.readFileSync(path.join(out, 'results.json'), 'utf8'));
  const done = partial.runs[0].rounds.length;
  assert.ok(done >= 1 && done < 3, `${done} rounds before the stop`);
  const res = await runFederateJob(o.cfg, { out, threads: 1, resume: true, quiet: true, log: () => undefined, handleSignals: false, recorder: false, channel: o.channel });
  const ch = res.runs[0].channel as { rounds: Array<{ round: number; client: number; refused: number }>; links: Array<{ refused: number }> };
  assert.deepEqual([...new Set(ch.rounds.map((x) => x.round))], [1, 2, 3]);
  assert.equal(ch.links[1].refused, 3);
});
