import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { Rng } from '../core/rng.js';
import { fuzzTargets, mutant, tryInput, type FuzzTarget } from './fuzz.js';
import { repoRoot, sharedPath } from './shared.js';

// The shared reference circuits (OpenQASM 2) join the generated ones in the corpus.
const refDir = sharedPath('reference', 'qasm');
const refQasm = fs.existsSync(refDir) ? fs.readdirSync(refDir).filter((f) => f.endsWith('.json')).slice(0, 12).map((f) => (JSON.parse(fs.readFileSync(path.join(refDir, f), 'utf8')) as { qasm: string }).qasm) : [];
const targets = fuzzTargets(refQasm);
const byName = (n: string): FuzzTarget => targets.find((t) => t.name === n)!;

test('every input format: mutated shipped files are loaded or refused with a QmlError that says what and where (fast-check)', () => {
  for (const t of targets) {
    fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (seed) => {
      const f = tryInput(t, mutant(t, new Rng(seed)));
      assert.equal(f, null, f ? `${t.name}: ${f.error}\ninput: ${f.input.slice(0, 400)}` : '');
    }), { numRuns: t.name === 'model-file' ? 120 : 200 });
  }
});

test('every input format: arbitrary text and arbitrary JSON values are refused with a QmlError, never a crash', () => {
  for (const t of targets) {
    fc.assert(fc.property(fc.oneof(fc.string({ maxLength: 200 }), fc.json({ maxDepth: 4 }), fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v))), (text) => {
      const f = tryInput(t, text);
      assert.equal(f, null, f ? `${t.name}: ${f.error}\ninput: ${text.slice(0, 400)}` : '');
    }), { numRuns: 100 });
  }
});

test('the noise-file crashes of the issue are QmlErrors naming the bad entry', () => {
  const noise = byName('noise');
  const cases: Array<[unknown, RegExp]> = [
    [{ after_1q: [{ channel: 'kraus', operators: [null] }] }, /after_1q\[0\]/],
    [{ after_1q: [{ channel: 'kraus', operators: [[[[1, 0], [0, 0]], null]] }] }, /after_1q\[0\]/],
    [{ after_1q: [null] }, /after_1q\[0\]/],
    [{ rules: ['depolarizing'] }, /rules\[0\]/],
    [{ rules: [null] }, /rules\[0\]/],
    [{ rules: { gates: ['h'] } }, /rules/],
    [{ gates: { cx: [null] } }, /gates\.cx\[0\]/],
    [{ gates: [] }, /gates/],
  ];
  for (const [model, where] of cases) {
    try { noise.load(JSON.stringify(model)); assert.fail(`accepted ${JSON.stringify(model)}`); } catch (e) {
      assert.equal((e as Error).name, 'QmlError', `${JSON.stringify(model)}: ${(e as Error).stack}`);
      assert.match(`${(e as { where?: string }).where}: ${(e as Error).message}`, where);
    }
  }
});

test('the CLI answers every bad file with one line and exit code 2', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'qml6g-fuzz-'));
  const cli = path.join(repoRoot, 'dist', 'cli', 'main.js');
  const write = (name: string, text: string) => { const f = path.join(tmp, name); fs.writeFileSync(f, text); return f; };
  const rng = new Rng(5);
  const qasmGood = write('ok.qasm', 'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\nh q[0];\ncx q[0],q[1];\n');
  const runs: string[][] = [
    ['simulate', write('bad1.qasm', mutant(byName('openqasm'), rng).replace(/;/g, ';;(') )],
    ['simulate', write('bad2.qasm', 'OPENQASM 2.0;\nqreg q[2];\nfoo q[0];\n')],
    ['simulate', qasmGood, '--noise', write('noise1.json', JSON.stringify({ after_1q: [{ channel: 'kraus', operators: [null] }] }))],
    ['simulate', qasmGood, '--noise', write('noise2.json', JSON.stringify({ rules: ['x'] }))],
    ['simulate', qasmGood, '--noise', write('noise3.json', '{"after_1q": [')],
    ['train', '--data', write('bad.csv', 'a,b,label\n1,2\n'), '--model', 'logreg'],
    ['train', '--data', write('nan.csv', 'a,b,label\n1,NaN,x\n2,3,y\n'), '--model', 'logreg'],
    ['assess', '--config', write('cfg.json', JSON.stringify({ models: [null] }))],
    ['assess', '--config', write('cfg.yaml', 'eps: [0, "x"]\n')],
    ['evaluate', '--model', write('model.json', JSON.stringify({ format: 'qml6g-detector', version: 1, classes: ['a', 'b'], pipeline: { format: 'qml6g-pipeline', version: 1, columns: [null] }, model: {} })), '--data', 'iris', '--allow-unsigned'],
    ['verify', write('model2.json', '{"format":"qml6g-detector"'), '--key', write('key.json', '{"public_key": 5}')],
    ['poison', '--data', 'iris', '--model', 'logreg', '--attack', 'backdoor', '--trigger', '{"sepal_length": [null, 1]}'],
  ];
  for (const argv of runs) {
    const r = spawnSync(process.execPath, [cli, ...argv], { encoding: 'utf8' });
    // Progress may come first; the error is one line, the last one.
    const lines = r.stderr.trim().split('\n').filter(Boolean);
    assert.equal(r.status, 2, `${argv.join(' ')}: exit ${r.status}\n${r.stderr}`);
    assert.equal(lines.filter((l) => /error/i.test(l)).length, 1, `${argv.join(' ')}: ${r.stderr}`);
    assert.match(lines[lines.length - 1], /^qml6g: error: /, `${argv.join(' ')}: ${r.stderr}`);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  }
});

test('a register size or gate expansion beyond what any simulator runs is refused before memory runs out', () => {
  const q = byName('openqasm');
  for (const text of ['OPENQASM 2.0;\nqreg q[2147483648];\nbarrier q;\n', 'OPENQASM 2.0;\nqreg q[4000];\nqreg r[200];\n', 'OPENQASM 2.0;\nqreg q[1];\ncreg c[99999999];\n']) {
    assert.equal(tryInput(q, text), null);
    assert.throws(() => q.load(text), /at most 4096/);
  }
});
