import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = path.join(repoRoot, 'dist', 'cli', 'main.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'qml6g-scen-cli-'));
const qml = (...args: string[]) => spawnSync(process.execPath, [cli, 'scenario', ...args], { encoding: 'utf8', cwd: tmp, env: { ...process.env, QML6G_HOME: path.join(tmp, 'home'), QML6G_NO_STORE: '1' } });

function expectOneLine(r: ReturnType<typeof qml>, pattern: RegExp): void {
  assert.equal(r.status, 2, r.stderr);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0], pattern);
  assert.doesNotMatch(r.stderr, /at .*\.js:\d+/);
}

test('scenario: a file with a wrong key, an unknown attack, an impossible satellite geometry: one line, exit code 2', () => {
  const good = JSON.parse(fs.readFileSync(path.join(repoRoot, 'data', 'scenarios', 'emergency-response.json'), 'utf8'));
  const bad = structuredClone(good);
  bad.detection.flow_per_step = 3;
  fs.writeFileSync(path.join(tmp, 'bad.json'), JSON.stringify(bad));
  expectOneLine(qml('bad.json', '--json'), /bad\.json: detection: unknown key "flow_per_step"/);
  expectOneLine(qml('industrial-automation', '--attack', 'evasion,teleport'), /unknown attack "teleport"/);
  const below = structuredClone(good);
  below.satellites = [{ altitude_km: 600, inclination_deg: 53, raan_deg: 150, phase_deg: 238 }];
  fs.writeFileSync(path.join(tmp, 'below.yaml'), JSON.stringify(below));
  expectOneLine(qml('below.yaml'), /satellites\[0\].*below the minimum elevation.*impossible geometry/);
  expectOneLine(qml('no-such-scenario'), /unknown scenario "no-such-scenario"/);
});

test('scenario --json prints the contract object: seven indicators for both architectures, what-if rows, routing', () => {
  const r = qml('industrial-automation', '--quick', '--seeds', '2', '--attack', 'qkd-eavesdrop', '--json', '--audit', path.join(tmp, 'audit.db'));
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
  assert.equal(out.scenario, 'industrial-automation');
  assert.equal(out.seeds, 2);
  assert.deepEqual(out.indicators.map((i: { name: string }) => i.name), ['decision_latency', 'spectrum_utilisation', 'detection_rate', 'false_positive_rate', 'resilience_under_attack', 'energy_cost', 'service_continuity']);
  for (const i of out.indicators) for (const a of ['classical', 'hybrid']) { assert.equal(typeof i[a].mean, 'number'); assert.equal(i[a].ci95.length, 2); }
  assert.equal(out.what_if.length, 7 * 2);
  for (const w of out.what_if) for (const k of ['attack', 'defense', 'indicator', 'architecture', 'baseline', 'attacked', 'defended']) assert.ok(k in w, k);
  assert.ok(out.routing.quantum_share > 0 && out.routing.quantum_share <= 1);
  assert.match(out.routing.policy, /qubits/);
  assert.ok(fs.existsSync(path.join(tmp, 'scenario-industrial-automation', 'results.json')));
  assert.match(fs.readFileSync(path.join(tmp, 'scenario-industrial-automation', 'report.html'), 'utf8'), /<svg/);
  // The per-step trace of the first seed: every architecture and variant, one row per simulated step.
  const trace = fs.readFileSync(path.join(tmp, 'scenario-industrial-automation', 'trace.csv'), 'utf8').trim().split('\n');
  assert.equal(trace[0], 'seed,architecture,variant,t_s,spectrum_utilisation,service_continuity,detection_rate,decision_latency');
  const steps = Math.max(12, Math.floor(120 / 4 / 4));
  assert.equal(trace.length - 1, 2 * 3 * steps, 'classical and hybrid × baseline, attack, defended × steps');
});
