import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../testing/shared.js';

const cli = path.join(repoRoot, 'dist', 'cli', 'main.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'qml6g-opt-'));

function run(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, 'optimize', ...args], { encoding: 'utf8', maxBuffer: 1 << 26, env: { ...process.env, QML6G_NO_STORE: '1' } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function lastJson(stdout: string): Record<string, unknown> {
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]);
}

test('optimize --json keeps the contract: problem, n_variables, optimum, optimum_proven, results with solver, objective, feasible, ratio, seconds and the QAOA fields', () => {
  const r = run(['--problem', 'maxcut', '--random-regular', '3', '--nodes', '10', '--solvers', 'qaoa,exact,sa,tabu,greedy', '--p', '2', '--angles', 'fixed', '--shots', '200', '--seed', '3', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const j = lastJson(r.stdout);
  assert.equal(j.problem, 'maxcut');
  assert.equal(j.n_variables, 10);
  assert.equal(j.optimum_proven, true);
  assert.equal(typeof j.optimum, 'number');
  const res = j.results as Array<Record<string, unknown>>;
  assert.deepEqual(res.map((x) => x.solver), ['qaoa', 'exact', 'sa', 'tabu', 'greedy']);
  for (const x of res) for (const k of ['solver', 'objective', 'feasible', 'ratio', 'seconds']) assert.ok(k in x, `${x.solver} lacks ${k}`);
  const q = res[0];
  assert.equal(q.p, 2);
  assert.ok((q.expectation as number) > 0 && (q.expectation as number) <= (j.optimum as number));
  assert.ok((q.probability_optimal as number) > 0 && (q.probability_optimal as number) < 1);
  assert.equal(res[1].ratio, 1);
  // The fixed angles at p = 2 guarantee ⟨cut⟩ ≥ 0.7559·|E| on large-girth graphs; here ⟨cut⟩/optimum is at least that.
  assert.ok((q.expectation as number) / (j.optimum as number) >= 0.7559);
});

test('optimize colouring without --colors reports the number of colours; with --colors the conflicts; plots land in --out', () => {
  const out = path.join(tmp, 'col');
  const r = run(['--problem', 'coloring', '--generate', 'myciel:k=3', '--solvers', 'exact,dsatur,sa', '--json', '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  const j = lastJson(r.stdout);
  assert.equal(j.optimum, 4);
  assert.equal(j.optimum_proven, true);
  assert.ok(fs.existsSync(path.join(out, 'results.json')));
  assert.ok(fs.readFileSync(path.join(out, 'quality-vs-time.svg'), 'utf8').startsWith('<svg'));
  const r2 = run(['--problem', 'coloring', '--generate', 'cycle:n=5', '--colors', '2', '--solvers', 'exact,qaoa', '--p', '1', '--shots', '64', '--json', '--out', path.join(tmp, 'c5')]);
  assert.equal(r2.code, 0, r2.stderr);
  const j2 = lastJson(r2.stdout);
  assert.equal(j2.optimum, 1, 'an odd cycle with two colours keeps one conflict');
  assert.ok(fs.existsSync(path.join(tmp, 'c5', 'qaoa-landscape-p1.svg')));
  assert.ok(fs.existsSync(path.join(tmp, 'c5', 'qaoa-convergence.svg')));
});

test('optimize bad input: malformed instance (file:line), contradictory constraints, too many qubits (memory), p ≤ 0: one line, exit 2', () => {
  const bad = path.join(tmp, 'bad.col');
  fs.writeFileSync(bad, 'c test\np edge 3 2\ne 1 2\ne 2 x\n');
  const cases: Array<[string[], RegExp]> = [
    [['--problem', 'coloring', '--graph', bad, '--colors', '2'], /bad\.col:4: expected "e u v"/],
    [['--problem', 'maxcut', '--random-regular', '3', '--nodes', '40', '--solvers', 'qaoa'], /QAOA on 40 qubits needs .*(GiB|TiB)/],
    [['--problem', 'maxcut', '--random-regular', '3', '--nodes', '8', '--solvers', 'qaoa', '--p', '0'], /--p must be a positive integer/],
    [['--problem', 'tasks', '--instance', writeJson('fleet.json', { agents: 2, tasks: 3, cost: [[1, 2, 3], [3, 2, 1]], load: [2, 2, 2], capacity: [1, 1], arrival: [[0, 0, 0], [0, 0, 0]], deadline: [5, 5, 5] })], /contradictory constraints/],
    [['--problem', 'fap', '--instance', writeText('bad.wcsp', 'x 2 2 1 10\n2 2\n2 0 1 0 1\n0 7 3\n')], /bad\.wcsp:4: /],
    [['--problem', 'nope', '--generate', 'cycle:n=4'], /unknown problem "nope"/],
  ];
  for (const [args, re] of cases) {
    const r = run(args);
    assert.equal(r.code, 2, `${args.join(' ')}: exit ${r.code}: ${r.stderr}`);
    const lines = r.stderr.trim().split('\n').filter((l) => l.startsWith('qml6g: error'));
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], re);
    assert.ok(!/\n\s+at /.test(r.stderr), 'no stack trace');
  }
});

function writeJson(name: string, v: unknown): string {
  return writeText(name, JSON.stringify(v));
}
function writeText(name: string, s: string): string {
  const f = path.join(tmp, name);
  fs.writeFileSync(f, s);
  return f;
}

test('optimize on the shipped CELAR6-SUB0 reports the heuristics against the published optimum 159', () => {
  const r = run(['--problem', 'fap', '--instance', path.join(repoRoot, 'data', 'fap', 'CELAR6-SUB0.wcsp.gz'), '--solvers', 'sa,greedy', '--time-limit', '2', '--seed', '1', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const j = lastJson(r.stdout);
  assert.equal(j.problem, 'fap');
  assert.equal(j.optimum, 159);
  assert.match(String(j.optimum_source), /CELAR6-SUB0/);
  for (const x of j.results as Array<Record<string, number>>) {
    assert.ok(x.objective >= 159, `${x.solver} below the proven optimum: ${x.objective}`);
    assert.ok(x.ratio > 0 && x.ratio <= 1);
  }
});
