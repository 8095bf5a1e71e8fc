import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../testing/shared.js';

const cli = path.join(repoRoot, 'dist', 'cli', 'main.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'qml6g-federate-'));
const env = { ...process.env, QML6G_NO_STORE: '1' };
const run = (args: string[]) => {
  const r = spawnSync(process.execPath, [cli, 'federate', ...args], { encoding: 'utf8', maxBuffer: 1 << 27, env });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
};
const small = ['--data', 'nsl-kdd', '--max-rows', '1500', '--model', 'logreg', '--clients', '10', '--threads', '1'];

test('federate --json prints the contract: runs (none always included) with rounds, the central reference, config, seed, version, seconds; report and CSVs written', () => {
  const out = path.join(tmp, 'ok');
  const r = run([...small, '--rounds', '3', '--strategies', 'fedavg,median', '--attacks', 'sign-flip', '--malicious', '0.2', '--dropout', '0.1', '--seed', '3', '--out', out, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout.trim().split('\n').pop()!);
  for (const k of ['runs', 'centralized_accuracy', 'config', 'seed', 'version', 'seconds']) assert.ok(k in j, k);
  assert.equal(j.seed, 3);
  assert.deepEqual(j.runs.map((x: { strategy: string; attack: string }) => `${x.strategy}/${x.attack}`), ['fedavg/none', 'fedavg/sign-flip', 'median/none', 'median/sign-flip']);
  for (const x of j.runs) {
    for (const k of ['strategy', 'attack', 'malicious_fraction', 'final_accuracy', 'backdoor_success', 'rounds']) assert.ok(k in x, k);
    assert.equal(x.backdoor_success, null);
    assert.equal(x.malicious_fraction, x.attack === 'none' ? 0 : 0.2);
    assert.equal(x.rounds.length, 3);
    for (const rd of x.rounds) for (const k of ['round', 'accuracy', 'loss', 'participants', 'failures', 'skipped']) assert.ok(k in rd, k);
  }
  assert.ok(j.runs[1].final_accuracy < j.runs[0].final_accuracy - 0.3, 'sign flip collapses fedavg');
  assert.match(r.stderr, /\[fedavg × none\] round 1\/3: accuracy/);
  for (const f of ['results.json', 'report.html', 'runs.csv', 'rounds.csv', 'failures.csv']) assert.ok(fs.existsSync(path.join(out, f)), f);
  const html = fs.readFileSync(path.join(out, 'report.html'), 'utf8');
  assert.ok((html.match(/<svg/g) ?? []).length >= 4, 'curves and matrix rendered');
  assert.equal(fs.readFileSync(path.join(out, 'rounds.csv'), 'utf8').trim().split('\n').length, 1 + 4 * 3);
});

test('bad input: one line naming it, exit code 2', () => {
  const cases: Array<[string[], RegExp]> = [
    [['--strategies', 'fedsgd'], /--strategies: unknown strategy "fedsgd"/],
    [['--attacks', 'evil'], /--attacks: unknown attack "evil"/],
    [['--strategies', 'krum', '--malicious', '0.4'], /--malicious: krum: Krum needs n > 2f \+ 2, got n = 10, f = 4/],
    [['--strategies', 'bulyan', '--malicious', '0.2'], /Bulyan needs n ≥ 4f \+ 3/],
    [['--clients', '1000'], /--clients: 1000 clients need at least 2000 training rows/],
    [['--partition', 'dirichlet', '--alpha', '0'], /--alpha: .*α > 0/],
    [['--partition', 'dirichlet', '--alpha', '-1'], /--alpha/],
    [['--rounds', '0'], /--rounds: must be an integer ≥ 1, got 0/],
    [['--partition', 'shards'], /unknown partition "shards"/],
    [['--dropout', '2'], /--dropout: must be a probability/],
    [['--model', 'qsvm'], /cannot be trained federatedly/],
    [['--model', 'logreg', '--attacks', 'noisy-device'], /noisy-device attacks a quantum device/],
    [['--data', path.join(tmp, 'missing.csv')], /missing.csv: cannot read data file: no such file/],
  ];
  const bad = path.join(tmp, 'client.csv');
  fs.writeFileSync(bad, 'a,b,label\n1,2,normal\n3,4,attack\n');
  cases.push([['--client-files', `${bad},${bad}`, '--clients', '2'], /client.csv: client data does not fit: 2 feature columns/]);
  for (const [args, re] of cases) {
    const r = run([...small, '--rounds', '2', '--out', path.join(tmp, 'bad'), ...args]);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    const lines = r.stderr.trim().split('\n');
    assert.match(lines[lines.length - 1], re, args.join(' '));
    assert.ok(!/\n\s+at /.test(r.stderr), 'no stack trace');
  }
});

test('an interrupt keeps every finished round and --resume finishes with the same rounds as an uninterrupted run', async () => {
  const out = path.join(tmp, 'int');
  const args = [...small, '--model', 'mlp', '--rounds', '40', '--strategies', 'fedavg', '--seed', '2', '--out', out];
  const child = spawn(process.execPath, [cli, 'federate', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
  let err = '';
  child.stderr.on('data', (d) => { err += String(d); });
  await new Promise<void>((resolve) => {
    const t = setInterval(() => { if (/\[fedavg × none\] round 3\//.test(err)) { clearInterval(t); child.kill('SIGINT'); resolve(); } }, 20);
  });
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)));
  assert.equal(code, 130, err);
  const saved = JSON.parse(fs.readFileSync(path.join(out, 'results.json'), 'utf8'));
  assert.equal(saved.status, 'interrupted');
  const kept = saved.runs[0].rounds.length;
  assert.ok(kept >= 3 && kept < 40, `kept ${kept} rounds`);
  const r = run([...args, '--resume', '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /resuming after round \d+/);
  const resumed = JSON.parse(r.stdout.trim().split('\n').pop()!);
  const full = run([...args, '--out', path.join(tmp, 'full'), '--json']);
  const fj = JSON.parse(full.stdout.trim().split('\n').pop()!);
  assert.deepEqual(resumed.runs[0].rounds.map((x: { accuracy: number }) => x.accuracy), fj.runs[0].rounds.map((x: { accuracy: number }) => x.accuracy));
  assert.equal(resumed.runs[0].rounds.length, 40);
});
