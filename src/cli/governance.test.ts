import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { repoRoot } from '../testing/shared.js';
import { fromHex, verifyConsistency, verifyInclusion } from '../governance/merkle.js';

const cli = path.join(repoRoot, 'dist', 'cli', 'main.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'qml6g-gov-cli-'));

function run(args: string[], input?: string): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', input, maxBuffer: 1 << 26 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
const last = (s: string) => JSON.parse(s.trim().split('\n').pop()!);

test('audit append, prove, consistency, checkpoint and verify keep the command-line contract', () => {
  const log = path.join(tmp, 'a.db');
  const lines = Array.from({ length: 13 }, (_, i) => JSON.stringify({ decision_id: `d${i}`, output: 'benign', confidence: 0.9 })).join('\n');
  const ap = run(['audit', 'append', '--log', log], `${lines}\n`);
  assert.equal(ap.code, 0, ap.stderr);
  const a = last(ap.stdout);
  assert.deepEqual(Object.keys(a).sort(), ['appended', 'root', 'tree_size']);
  assert.equal(a.appended, 13);
  assert.equal(a.tree_size, 13);
  assert.match(a.root, /^[0-9a-f]{64}$/);
  const p = last(run(['audit', 'prove', '5', '--log', log, '--json']).stdout);
  assert.deepEqual(Object.keys(p).sort(), ['leaf_hash', 'leaf_index', 'proof', 'root', 'tree_size']);
  assert.equal(p.root, a.root);
  assert.ok(verifyInclusion(5, 13, fromHex(p.leaf_hash), p.proof.map(fromHex), fromHex(p.root)));
  const p8 = last(run(['audit', 'prove', '5', '--size', '8', '--log', log, '--json']).stdout);
  assert.equal(p8.tree_size, 8);
  const c = last(run(['audit', 'consistency', '--from', '8', '--to', '13', '--log', log, '--json']).stdout);
  assert.deepEqual(Object.keys(c).sort(), ['proof', 'root1', 'root2', 'size1', 'size2']);
  assert.equal(c.root1, p8.root);
  assert.ok(verifyConsistency(8, 13, c.proof.map(fromHex), fromHex(c.root1), fromHex(c.root2)));
  const cpFile = path.join(tmp, 'cp.json');
  const cp = last(run(['audit', 'checkpoint', '--log', log, '--out', cpFile]).stdout);
  assert.equal(cp.tree_size, 13);
  assert.equal(cp.root, a.root);
  const v = run(['audit', 'verify', '--log', log, '--checkpoint', cpFile]);
  assert.equal(v.code, 0, v.stdout + v.stderr);
  assert.match(v.stdout, /intact: 13 entries/);

  // Tampering: exit 1 with what and where.
  const bad = path.join(tmp, 'bad.db');
  fs.copyFileSync(log, bad);
  const db = new Database(bad);
  db.exec('DROP TRIGGER entries_append_only_u');
  db.prepare('UPDATE entries SET data = ? WHERE idx = 7').run('{"decision_id":"d7","output":"attack"}');
  db.close();
  const t = run(['audit', 'verify', '--log', bad, '--checkpoint', cpFile]);
  assert.equal(t.code, 1);
  assert.match(t.stdout, /entry 7: its content does not hash to its recorded leaf hash \(edited\)/);
  const tj = last(run(['audit', 'verify', '--log', bad, '--json']).stdout);
  assert.equal(tj.ok, false);
  assert.deepEqual(tj.problems[0], { what: 'its content does not hash to its recorded leaf hash (edited)', where: 'entry 7' });
});

test('audit: bad input is one line and exit code 2 (unknown entry, a checkpoint of another log, malformed lines)', () => {
  const log = path.join(tmp, 'b.db');
  assert.equal(run(['audit', 'append', '--log', log], '{"x":1}\n{"x":2}\n').code, 0);
  const other = path.join(tmp, 'c.db');
  assert.equal(run(['audit', 'append', '--log', other], '{"y":1}\n').code, 0);
  const otherCp = path.join(tmp, 'other-cp.json');
  run(['audit', 'checkpoint', '--log', other, '--out', otherCp]);
  const cases: Array<[string[], string | undefined, RegExp]> = [
    [['audit', 'prove', '9', '--log', log, '--json'], undefined, /unknown entry 9/],
    [['audit', 'prove', '1', '--size', '5', '--log', log], undefined, /beyond the log/],
    [['audit', 'consistency', '--from', '3', '--to', '1', '--log', log], undefined, /beyond the log|must not exceed/],
    [['audit', 'verify', '--log', log, '--checkpoint', otherCp], undefined, /another log/],
    [['audit', 'verify', '--log', path.join(tmp, 'none.db')], undefined, /does not exist/],
    [['audit', 'append', '--log', log], '{"ok":1}\nnot json\n', /stdin:2: invalid JSON/],
    [['audit', 'append', '--log', log], '[1,2]\n', /must be a JSON object/],
    [['audit', 'frobnicate', '--log', log], undefined, /unknown audit command/],
  ];
  for (const [args, input, re] of cases) {
    const r = run(args, input);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, re);
  }
  // The malformed batch appended nothing.
  assert.equal(last(run(['audit', 'prove', '0', '--log', log, '--json']).stdout).tree_size, 2);
});

test('explain --json keeps the contract: base_value, prediction, values per raw feature, exact; values sum to prediction − base_value', () => {
  const model = path.join(tmp, 'iris-logreg.json');
  const home = path.join(tmp, 'home');
  const env = { ...process.env, QML6G_HOME: home };
  const tr = spawnSync(process.execPath, [cli, 'train', '--data', 'iris', '--model', 'logreg', '--epochs', '5', '--out', model], { encoding: 'utf8', env });
  assert.equal(tr.status, 0, tr.stderr);
  const r = spawnSync(process.execPath, [cli, 'explain', '--model', model, '--data', 'iris', '--row', '7', '--json'], { encoding: 'utf8', env });
  assert.equal(r.status, 0, r.stderr);
  const e = last(r.stdout);
  for (const k of ['base_value', 'prediction', 'values', 'exact']) assert.ok(k in e, k);
  assert.equal(e.exact, true);
  assert.equal(Object.keys(e.values).length, 4);
  const sum = Object.values(e.values as Record<string, number>).reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(sum - (e.prediction - e.base_value)) < 1e-12);
  const bad = spawnSync(process.execPath, [cli, 'explain', '--model', model, '--data', 'iris', '--row', '500'], { encoding: 'utf8', env });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /row 500 is outside/);
  const cls = spawnSync(process.execPath, [cli, 'explain', '--model', model, '--data', 'iris', '--row', '1', '--class', 'nope'], { encoding: 'utf8', env });
  assert.equal(cls.status, 2);
  assert.match(cls.stderr, /unknown class "nope"/);
});

test('oversee: submit, list, approve, override, reverse, stop and resume from the command line; bad input exits 2', () => {
  const log = path.join(tmp, 'o.db');
  const dec = (id: string, c: number) => JSON.stringify({ decision_id: id, action: { reroute: 'ntn' }, safe_default: { reroute: null }, confidence: c });
  const s = run(['oversee', 'submit', '--log', log, '--json'], `${dec('r1', 0.4)}\n${dec('r2', 0.5)}\n${dec('r3', 0.99)}\n`);
  assert.equal(s.code, 0, s.stderr);
  assert.equal(last(s.stdout).pending, 2);
  assert.deepEqual(last(run(['oversee', 'list', '--log', log, '--json']).stdout).items.map((i: { id: string }) => i.id), ['r1', 'r2']);
  assert.equal(run(['oversee', 'approve', 'r1', '--who', 'alice', '--log', log]).code, 0);
  const o = run(['oversee', 'override', 'r2', '--action', '{"reroute":"tn"}', '--who', 'bob', '--log', log, '--json']);
  assert.deepEqual(last(o.stdout).outcome, { reroute: 'tn' });
  assert.equal(last(run(['oversee', 'reverse', 'r3', '--who', 'carol', '--log', log, '--json']).stdout).status, 'reversed');
  const st = run(['oversee', 'stop', '--who', 'dana', '--reason', 'drill', '--log', log]);
  assert.match(st.stdout, /halted in its safe state/);
  const refused = run(['oversee', 'submit', '--log', log], `${dec('r4', 0.99)}\n`);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /stopped \(by dana/);
  assert.match(run(['oversee', 'list', '--log', log]).stdout, /STOPPED by dana/);
  assert.equal(run(['oversee', 'resume', '--who', 'erin', '--log', log]).code, 0);
  for (const [args, re] of [
    [['oversee', 'approve', 'nope', '--who', 'x', '--log', log], /unknown decision "nope"/],
    [['oversee', 'approve', 'r1', '--who', 'x', '--log', log], /is approved/],
    [['oversee', 'override', 'r1', '--action', '{bad', '--log', log], /--action is not valid JSON/],
    [['oversee', 'dance', '--log', log], /unknown oversee command/],
  ] as Array<[string[], RegExp]>) {
    const r = run(args);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.stderr, re);
  }
  const v = run(['audit', 'verify', '--log', log]);
  assert.equal(v.code, 0, v.stdout);
});

test('comply writes compliance.json and .md with requirement, evidence and pass/fail; a malformed rule set is one line naming the rule, exit 2', () => {
  const dir = path.join(tmp, 'run');
  fs.mkdirSync(dir, { recursive: true });
  const attacks = [{ name: 'pgd', threat: 'white-box', epsilon: 0.25, space: 'raw', robust_accuracy: 0.38 }];
  fs.writeFileSync(path.join(dir, 'results.json'), JSON.stringify({ format: 'qml6g-assess', status: 'complete', run_id: 'r', seed: 0, config: {}, version: '0.1.0', models: [{ name: 'vqc', kind: 'quantum', clean_accuracy: 0.9, attacks }], checks: [] }));
  const log = path.join(tmp, 'comply.db');
  assert.equal(run(['audit', 'append', '--log', log], '{"type":"decision","run":"r","decision_id":"x"}\n').code, 0);
  const r = run(['comply', dir, '--log', log, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const rep = last(r.stdout);
  const adv = rep.requirements.find((x: { id: string }) => x.id === 'art15-adversarial-examples');
  assert.equal(adv.passed, false);
  assert.match(adv.evidence, /worst_robust_accuracy = 0\.38 .* is below the declared 0\.8/);
  assert.ok(fs.existsSync(path.join(dir, 'compliance.json')) && fs.existsSync(path.join(dir, 'compliance.md')));
  assert.match(fs.readFileSync(path.join(dir, 'compliance.md'), 'utf8'), /\| \*\*fail\*\* \|/);
  assert.equal(run(['comply', dir, '--log', log, '--strict']).code, 1);
  const decl = path.join(tmp, 'decl.json');
  fs.writeFileSync(decl, '{"declared_robust_accuracy": 0.3}');
  const low = last(run(['comply', dir, '--log', log, '--declare', decl, '--json']).stdout);
  assert.equal(low.requirements.find((x: { id: string }) => x.id === 'art15-adversarial-examples').passed, true);
  const bad = path.join(tmp, 'bad-rules.json');
  fs.writeFileSync(bad, JSON.stringify({ format: 'qml6g-rules', version: 1, id: 'b', framework: 'f', rules: [{ id: 'art-x', requirement: 'r', conditions: { all: [{ fact: 'nonsense', operator: 'equal', value: 1 }] } }] }));
  const b = run(['comply', dir, '--rules', bad]);
  assert.equal(b.code, 2);
  assert.equal(b.stderr.trim().split('\n').length, 1);
  assert.match(b.stderr, /rule "art-x".*unknown fact "nonsense"/);
  assert.equal(run(['comply', path.join(tmp, 'nowhere')]).code, 2);
});

test('assess logs its detectors\' verdicts (a bounded sample, the first explained) into the audit log, which verifies and feeds comply', () => {
  const home = path.join(tmp, 'assess-home');
  const out = path.join(tmp, 'assess-out');
  const env = { ...process.env, QML6G_HOME: home, QML6G_AUDIT_LOG: '' };
  const a = spawnSync(process.execPath, [cli, 'assess', '--quick', '--models', 'logreg', '--attacks', 'fgsm', '--eps', '0,0.25', '--noise', '0', '--max-rows', '400', '--out', out], { encoding: 'utf8', env });
  assert.equal(a.status, 0, a.stderr);
  const res = JSON.parse(fs.readFileSync(path.join(out, 'results.json'), 'utf8'));
  assert.equal(res.audit.decisions, 20);
  assert.equal(res.audit.explained, 1);
  const log = path.join(home, 'audit.db');
  const v = spawnSync(process.execPath, [cli, 'audit', 'verify', '--log', log, '--json'], { encoding: 'utf8', env });
  assert.equal(v.status, 0, v.stdout);
  const vr = last(v.stdout);
  assert.equal(vr.tree_size, 20);
  assert.equal(vr.signed_size, 20);
  const e = last(spawnSync(process.execPath, [cli, 'audit', 'show', '0', '--log', log], { encoding: 'utf8', env }).stdout);
  for (const k of ['decision_id', 'time', 'command', 'run', 'model', 'input_hash', 'output', 'confidence', 'explanation', 'policy', 'risk_flags', 'human_action']) assert.ok(k in e, k);
  assert.equal(e.run, res.audit.run);
  assert.match(e.model.artefact_hash, /^[0-9a-f]{64}$/);
  const c = spawnSync(process.execPath, [cli, 'comply', out, '--json'], { encoding: 'utf8', env });
  assert.equal(c.status, 0, c.stderr);
  const rep = last(c.stdout);
  const get = (id: string) => rep.requirements.find((x: { id: string }) => x.id === id);
  assert.equal(get('art12-event-log').passed, true, get('art12-event-log').evidence);
  assert.equal(get('art12-decision-record').passed, true, get('art12-decision-record').evidence);
  assert.equal(get('art13-interpretable-output').passed, true);
});
