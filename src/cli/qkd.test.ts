import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../testing/shared.js';

const cli = path.join(repoRoot, 'dist', 'cli', 'main.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'qml6g-qkd-'));

function run(args: string[]): { code: number; stdout: string; stderr: string; json: Record<string, unknown> } {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const lines = (r.stdout ?? '').trim().split('\n');
  let json: Record<string, unknown> = {};
  try { json = JSON.parse(lines[lines.length - 1]); } catch { /* not JSON */ }
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, json };
}

test('qml6g qkd --distance --json prints the contract fields', () => {
  const r = run(['qkd', '--distance', '20', '--pulses', '400000', '--seed', '3', '--json']);
  assert.equal(r.code, 0, r.stderr);
  for (const k of ['qber', 'sifted_bits', 'final_key_bits', 'key_rate_per_pulse', 'asymptotic_rate_per_pulse', 'aborted', 'abort_reason', 'cascade', 'decoy']) assert.ok(k in r.json, `missing ${k}`);
  const c = r.json.cascade as Record<string, unknown>, d = r.json.decoy as Record<string, unknown>;
  for (const k of ['efficiency', 'disclosed_bits', 'residual_errors']) assert.ok(k in c, `missing cascade.${k}`);
  for (const k of ['y1_lower', 'e1_upper']) assert.ok(k in d, `missing decoy.${k}`);
  assert.equal(r.json.aborted, false);
  assert.ok((r.json.final_key_bits as number) > 0);
  const eve = run(['qkd', '--distance', '20', '--pulses', '400000', '--eve', 'intercept:1', '--json']);
  assert.equal(eve.code, 0);
  assert.equal(eve.json.aborted, true);
  assert.match(String(eve.json.abort_reason), /QBER/);
});

test('qml6g qkd --sweep --analytic: curve and maximum distances, table and chart', () => {
  const svg = path.join(tmp, 'rate.svg');
  const r = run(['qkd', '--sweep', '0:150:30', '--analytic', '--json', '--plot', svg]);
  assert.equal(r.code, 0, r.stderr);
  const curve = r.json.curve as Array<Record<string, number>>;
  assert.equal(curve.length, 6);
  for (const k of ['distance_km', 'rate_gllp', 'rate_decoy_infinite', 'rate_decoy_vacuum_weak', 'mu_opt']) assert.ok(k in curve[0], `missing ${k}`);
  const m = r.json.max_distance_km as Record<string, number>;
  assert.ok(Math.abs(m.decoy_infinite - 142) < 1.5 && Math.abs(m.decoy_vacuum_weak - 141) < 1.5 && Math.abs(m.gllp - 40) < 3);
  assert.match(fs.readFileSync(svg, 'utf8'), /^<svg/);
  const t = run(['qkd', '--sweep', '0:60:20', '--analytic']);
  assert.match(t.stdout, /rate reaches zero at: GLLP 40\.\d km/);
});

test('qml6g qkd cascade and finite-key print their contract fields', () => {
  const c = run(['qkd', 'cascade', '--qber', '0.02', '--bits', '10000', '--runs', '5', '--schedule', 'original', '--seed', '2', '--json']);
  assert.equal(c.code, 0, c.stderr);
  for (const k of ['efficiency_mean', 'efficiency_std', 'frame_error_rate', 'ask_parity_messages_mean']) assert.ok(k in c.json, `missing ${k}`);
  assert.ok(Math.abs((c.json.efficiency_mean as number) - 1.16) < 0.04);
  const f = run(['qkd', 'finite-key', '--n', '100000', '--k', '10000', '--qber', '0.01', '--eps-sec', '1e-10', '--eps-cor', '1e-15', '--json']);
  assert.equal(f.code, 0, f.stderr);
  assert.equal(f.json.key_length, 57823);
  const g = run(['qkd', 'finite-key', '--n', '100000', '--k', '10000', '--qber', '0.01', '--leak', '0', '--json']);
  assert.ok((g.json.key_length as number) > 57823);
});

test('qml6g qkd: bad input is one line and exit code 2', () => {
  const cases: Array<[string[], RegExp]> = [
    [['qkd', '--distance', '-5'], /distance/],
    [['qkd', '--distance', '5', '--mu', '0'], /μ/],
    [['qkd', '--distance', '5', '--mu', '-0.3'], /μ/],
    [['qkd', '--distance', '5', '--eta-bob', '1.5'], /eta-bob/],
    [['qkd', '--distance', '5', '--e-detector', '-0.1'], /e-detector/],
    [['qkd', '--distance', '5', '--eve', 'intercept:1.2'], /--eve/],
    [['qkd', '--distance', '5', '--eve', 'laser'], /unknown eavesdropper/],
    [['qkd', '--distance', '5', '--decoy', 'many'], /unknown decoy/],
    [['qkd', '--sweep', '10:0:5', '--analytic'], /--sweep/],
    [['qkd', '--sweep', 'a:b', '--analytic'], /--sweep/],
    [['qkd'], /exactly one of/],
    [['qkd', 'cascade', '--qber', '0.7'], /qber/],
    [['qkd', 'cascade', '--qber', '0.1', '--schedule', 'fast'], /schedule/],
    [['qkd', 'finite-key', '--n', '1000', '--k', '100', '--qber', '0.01', '--eps-sec', '0'], /eps-sec/],
    [['qkd', 'finite-key', '--n', '1000', '--qber', '0.01'], /--k/],
  ];
  for (const [args, re] of cases) {
    const r = run(args);
    assert.equal(r.code, 2, `${args.join(' ')}: exit ${r.code} ${r.stderr}`);
    assert.match(r.stderr, re, args.join(' '));
    assert.equal(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr}`);
    assert.doesNotMatch(r.stderr, /at .*\.js:\d+/);
  }
});

test('qml6g qkd serve: listens on a free port, serves ETSI 014 requests, answers bad ones with 400 + JSON, stops on SIGINT', async () => {
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, [cli, 'qkd', 'serve', '--port', '0', '--json', '--links', 'e1:agg', '--distance', '10', '--pulses', '400000'], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const line = await new Promise<string>((resolve, reject) => {
      let buf = '';
      child.stdout.on('data', (d) => { buf += d; if (buf.includes('\n')) resolve(buf.split('\n')[0]); });
      child.on('exit', (c) => reject(new Error(`exited ${c}`)));
    });
    const { url, port } = JSON.parse(line) as { url: string; port: number };
    assert.ok(port > 0);
    const ok = await fetch(`${url}/api/v1/keys/agg/enc_keys`, { method: 'POST', headers: { 'X-SAE-ID': 'e1', 'content-type': 'application/json' }, body: '{"number":1,"size":256}' });
    assert.equal(ok.status, 200);
    assert.equal(((await ok.json()) as { keys: unknown[] }).keys.length, 1);
    const bad = await fetch(`${url}/api/v1/keys/agg/enc_keys`, { method: 'POST', headers: { 'X-SAE-ID': 'e1', 'content-type': 'application/json' }, body: 'not json' });
    assert.equal(bad.status, 400);
    assert.match(String(((await bad.json()) as { message: string }).message), /JSON/);
  } finally {
    const exited = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    child.kill('SIGINT');
    assert.equal(await exited, 0);
  }
  const r = run(['qkd', 'serve', '--links', 'lonely']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--links/);
});

test('qml6g qkd --sweep with simulation: results.json after every distance, --resume restores finished distances', () => {
  const out = path.join(tmp, 'sweep');
  const args = ['qkd', '--sweep', '10:30:20', '--pulses', '200000', '--repeats', '2', '--out', out, '--json'];
  const a = run(args);
  assert.equal(a.code, 0, a.stderr);
  const sim = a.json.simulated as Array<Record<string, number | string>>;
  assert.ok(sim.length >= 4 && sim.every((p) => typeof p.rate === 'number' && typeof p.rate_stderr === 'number' && (p.ci_low as number) <= (p.rate_signed as number) && (p.rate_signed as number) <= (p.ci_high as number)));
  const saved = JSON.parse(fs.readFileSync(path.join(out, 'results.json'), 'utf8'));
  assert.equal(saved.status, 'complete');
  assert.deepEqual(saved.steps_done, ['simulate:10', 'simulate:30']);
  const b = run([...args, '--resume']);
  assert.equal(b.code, 0, b.stderr);
  assert.deepEqual(b.json.simulated, a.json.simulated);
  const c = run(['qkd', '--sweep', '10:30:20', '--pulses', '300000', '--repeats', '2', '--out', out, '--resume']);
  assert.equal(c.code, 2);
  assert.match(c.stderr, /options differ/);
});
