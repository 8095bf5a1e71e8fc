import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../testing/shared.js';

const cli = path.join(repoRoot, 'dist', 'cli', 'main.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'qml6g-assess-'));
const small = {
  models: ['logreg', 'vqc'], attacks: ['fgsm', 'pgd', 'square', 'deepfool', 'transfer', 'encoding', 'param-tamper', 'readout'],
  eps: [0, 0.5, 2], angleEps: [0, 0.3], noise: [0, 2], trainRows: 300, attackRows: 16, blackBoxRows: 8, queries: 40, steps: 5, epochs: 6, qubits: 4, layers: 1, kernelRows: 100,
};
const write = (name: string, text: string) => { const f = path.join(tmp, name); fs.writeFileSync(f, text); return f; };
const run = (args: string[]) => {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', maxBuffer: 1 << 27 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
};

test('assess writes the report, results and tables, and --json prints the results contract', () => {
  const out = path.join(tmp, 'r1');
  const cfg = write('small.json', JSON.stringify(small));
  const r = run(['assess', '--config', cfg, '--out', out, '--seed', '5', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout.trim().split('\n').pop()!);
  assert.equal(j.dataset, 'nsl-kdd');
  assert.equal(j.seed, 5);
  assert.ok(typeof j.seconds === 'number');
  assert.deepEqual(j.models.map((m: { name: string }) => m.name), ['logreg', 'vqc']);
  for (const m of j.models) {
    assert.ok(m.kind === 'quantum' || m.kind === 'classical');
    assert.ok(m.clean_accuracy > 0.65, `${m.name}: clean accuracy ${m.clean_accuracy}`);
    for (const a of m.attacks) {
      for (const k of ['name', 'threat', 'epsilon', 'robust_accuracy', 'attack_success_rate']) assert.ok(k in a, `${m.name}/${a.name}: ${k}`);
      assert.ok(['white-box', 'black-box', 'transfer', 'quantum'].includes(a.threat));
    }
  }
  const vqc = j.models[1];
  assert.ok(vqc.attacks.some((a: { threat: string }) => a.threat === 'quantum'));
  assert.ok(vqc.attacks.some((a: { name: string }) => a.name === 'transfer:logreg'));
  assert.ok(j.checks.length > 0 && j.checks.every((c: { name: string; passed: boolean }) => typeof c.passed === 'boolean' && c.name));
  // Every robust accuracy carries its 95% interval; each model its per-row worst case per ε.
  type Wc = { epsilon: number; robust_accuracy: number; robust_accuracy_ci: [number, number] };
  for (const m of j.models) {
    for (const a of m.attacks) {
      assert.ok(Array.isArray(a.robust_accuracy_ci) && a.robust_accuracy_ci[0] <= a.robust_accuracy + 1e-12 && a.robust_accuracy <= a.robust_accuracy_ci[1] + 1e-12, `${m.name}/${a.name}@${a.epsilon}: ${a.robust_accuracy_ci}`);
    }
    assert.deepEqual(m.worst_case.map((w: Wc) => w.epsilon), small.eps);
    for (const w of m.worst_case as Wc[]) {
      // The worst case is never above any single raw-space attack at that ε.
      for (const a of m.attacks.filter((x: { space: string; epsilon: number; threat: string }) => x.space === 'raw' && x.epsilon === w.epsilon && x.threat !== 'black-box')) assert.ok(w.robust_accuracy <= a.robust_accuracy + 1e-12, `${m.name} ε=${w.epsilon}: worst case ${w.robust_accuracy} > ${a.name} ${a.robust_accuracy}`);
      assert.ok(w.robust_accuracy_ci[0] <= w.robust_accuracy && w.robust_accuracy <= w.robust_accuracy_ci[1]);
    }
    for (let i = 1; i < m.worst_case.length; i++) assert.ok(m.worst_case[i].robust_accuracy <= m.worst_case[i - 1].robust_accuracy, 'the worst case never rises with ε');
    assert.ok(m.unbounded && m.unbounded.reachable + m.unbounded.out_of_reach === m.unbounded.correct);
  }
  // Logistic regression: reachability is exact and the unbounded constrained DeepFool flips every reachable row.
  assert.equal(j.models[0].unbounded.exact, true);
  assert.equal(j.models[0].unbounded.flipped.length, j.models[0].unbounded.reachable);
  // A check that stays failed after the adaptive step says why.
  for (const c of j.checks) if (!c.passed) assert.ok(c.adaptive && typeof c.explained === 'string' && c.explained.length > 20, `${c.model}: ${c.name} unexplained`);
  for (const f of ['report.html', 'results.json', 'models.csv', 'attacks.csv', 'worst_case.csv', 'transfer.csv', 'noise.csv', 'checks.csv', 'leakage.csv', 'models/vqc.json']) assert.ok(fs.existsSync(path.join(out, f)), f);
  // what an intercepted state leaks: six encodings, noiseless and noisy, never below guessing
  assert.equal(j.leakage.length, 12);
  for (const l of j.leakage) assert.ok(l.success >= l.guessing - 1e-9 && l.success <= 1, JSON.stringify(l));
  assert.ok(j.summary.some((s: string) => s.startsWith('What a state in transit leaks')));
  const html = fs.readFileSync(path.join(out, 'report.html'), 'utf8');
  for (const part of ['<svg', 'Summary', 'Worst-case robust accuracy', 'Transfer', 'Honest-evaluation checks', 'Noise resilience', 'Quantum-specific attacks', 'Confusion matrices']) assert.ok(html.includes(part), part);
  assert.ok(!/https?:\/\//.test(html.replace(/xmlns="http:\/\/www\.w3\.org\/2000\/svg"/g, '')), 'self-contained: no external links');
  // Same seed, same numbers.
  const again = JSON.parse(run(['assess', '--config', cfg, '--out', path.join(tmp, 'r1b'), '--seed', '5', '--json']).stdout.trim().split('\n').pop()!);
  assert.deepEqual(again.models.map((m: { attacks: unknown[] }) => m.attacks.map((a) => (a as { robust_accuracy: number }).robust_accuracy)), j.models.map((m: { attacks: unknown[] }) => m.attacks.map((a) => (a as { robust_accuracy: number }).robust_accuracy)));
});

test('an interrupted assess keeps its results, says how to resume, and --resume finishes the run', async () => {
  const out = path.join(tmp, 'r2');
  const cfg = write('small2.json', JSON.stringify({ ...small, models: ['logreg', 'mlp', 'vqc'] }));
  const child = spawn(process.execPath, [cli, 'assess', '--config', cfg, '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const results = path.join(out, 'results.json');
  // Interrupt once the first model's results are on disk.
  await new Promise<void>((resolve) => {
    const t = setInterval(() => {
      try {
        const r = JSON.parse(fs.readFileSync(results, 'utf8'));
        if (r.models.length >= 1) { clearInterval(t); child.kill('SIGINT'); resolve(); }
      } catch { /* not written yet */ }
    }, 50);
  });
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)));
  assert.equal(code, 130, stderr);
  assert.match(stderr, /interrupted; the results so far are in .*results\.json\. Resume with the same options and --resume/);
  const partial = JSON.parse(fs.readFileSync(results, 'utf8'));
  assert.equal(partial.status, 'interrupted');
  assert.ok(partial.models.length >= 1);
  const r = run(['assess', '--config', cfg, '--out', out, '--resume', '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /resuming/);
  const done = JSON.parse(r.stdout.trim().split('\n').pop()!);
  assert.equal(done.status, 'complete');
  assert.deepEqual(done.models.map((m: { name: string }) => m.name), ['logreg', 'mlp', 'vqc']);
  // Resuming with other options is refused rather than mixing results.
  const other = run(['assess', '--config', cfg, '--out', out, '--resume', '--seed', '9']);
  assert.equal(other.code, 2);
  assert.match(other.stderr, /cannot resume: the options differ/);
});

const bad: Array<[string, string[], RegExp]> = [
  ['an unknown attack', ['--attacks', 'pgd,laser'], /unknown attack "laser"/],
  ['an unknown model', ['--models', 'vqc,forest'], /unknown model "forest"/],
  ['a negative epsilon', ['--eps', '0,-0.1'], /--eps: -0\.1 is negative/],
  ['a config with a wrong key', ['--config', 'BAD_KEY'], /bad\.yaml: epsilon: unknown key "epsilon"/],
  ['a config with a wrong type', ['--config', 'BAD_TYPE'], /type\.json: steps: "steps" must be an integer, got "many"/],
  ['an unreadable config', ['--config', 'MISSING'], /cannot read config: no such file/],
  ['malformed YAML', ['--config', 'BAD_YAML'], /broken\.yaml: invalid YAML/],
];

for (const [what, args, msg] of bad) {
  test(`assess bad input: ${what} → one line, exit code 2`, () => {
    const files: Record<string, string> = {
      BAD_KEY: write('bad.yaml', 'models: [vqc]\nepsilon: 0.1\n'),
      BAD_TYPE: write('type.json', '{"steps": "many"}'),
      MISSING: path.join(tmp, 'none.yaml'),
      BAD_YAML: write('broken.yaml', 'models: [vqc\n  eps: : :\n'),
    };
    const r = run(['assess', ...args.map((x) => files[x] ?? x), '--out', path.join(tmp, 'bad')]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, msg);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  });
}

test('assess --defenses adds the defence × attack matrix, with the undefended model as "none" and masking flagged', () => {
  const out = path.join(tmp, 'r3');
  const cfg = write('def.json', JSON.stringify({ ...small, models: ['mlp'], attacks: ['fgsm', 'pgd', 'square'], defenseRows: 200 }));
  const r = run(['assess', '--config', cfg, '--out', out, '--defenses', 'pgd-at,squeezing', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout.trim().split('\n').pop()!);
  assert.deepEqual(j.defenses.map((d: { name: string }) => d.name), ['none', 'pgd-at', 'squeezing']);
  for (const d of j.defenses) {
    for (const k of ['name', 'model', 'clean_accuracy', 'attacks', 'certified_accuracy', 'detection_auroc', 'honest']) assert.ok(k in d, `${d.name}: ${k}`);
    for (const a of d.attacks) for (const k of ['name', 'epsilon', 'robust_accuracy']) assert.ok(k in a);
  }
  assert.equal(j.defenses.find((d: { name: string }) => d.name === 'squeezing').honest, false, 'squeezing only masks gradients');
  assert.ok(fs.readFileSync(path.join(out, 'report.html'), 'utf8').includes('Defences against attacks'));
  const bad = run(['assess', '--config', cfg, '--out', out, '--defenses', 'moat']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /unknown defence "moat"/);
});

test('assess --threats training adds training_threats with the contract fields, a report section and a CSV', () => {
  const out = path.join(tmp, 'r-training');
  const cfg = write('training.json', JSON.stringify({ ...small, models: ['vqc', 'qsvm'], qubits: 6, trainRows: 700, kernelRows: 200, poisonRows: 500, threats: ['training'], poisonRates: [0.05, 0.1] }));
  const r = run(['assess', '--config', cfg, '--out', out, '--seed', '1', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout.trim().split('\n').pop()!);
  assert.ok(j.training_threats.length > 0);
  const keys = ['attack', 'model', 'poison_rate', 'clean_accuracy', 'attack_success_rate', 'defense', 'attack_success_rate_defended', 'clean_accuracy_defended'];
  for (const t of j.training_threats) for (const k of keys) assert.ok(k in t, `${t.attack}/${t.defense}: ${k}`);
  assert.deepEqual([...new Set(j.training_threats.map((t: { poison_rate: number }) => t.poison_rate))].sort(), [0.05, 0.1]);
  for (const a of ['backdoor', 'circuit-trigger', 'kernel-poison', 'model-file']) assert.ok(j.training_threats.some((t: { attack: string }) => t.attack === a), a);
  assert.ok(j.models.every((m: { attacks: unknown[] }) => m.attacks.length === 0), 'evasion skipped with --threats training alone');
  const html = fs.readFileSync(path.join(out, 'report.html'), 'utf8');
  assert.ok(html.includes('Training-time threats') && html.includes('backdoor on vqc'));
  assert.ok(fs.readFileSync(path.join(out, 'training_threats.csv'), 'utf8').startsWith('attack,model,goal,poison_rate'));
  const bad = run(['assess', '--threats', 'telepathy', '--out', path.join(tmp, 'bad')]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /unknown threat class "telepathy"/);
  const badRate = run(['assess', '--threats', 'training', '--poison-rates', '0,0.1', '--out', path.join(tmp, 'bad')]);
  assert.equal(badRate.code, 2);
  assert.match(badRate.stderr, /poison rate must be in \(0, 1\), got 0/);
});

test('qml6g poison runs a curve, writes its results as it goes, and refuses bad rates, triggers and names with exit code 2', () => {
  const out = path.join(tmp, 'poison');
  const r = run(['poison', '--data', 'nsl-kdd', '--max-rows', '800', '--model', 'logreg', '--attack', 'backdoor', '--rates', '0.02,0.1', '--defenses', 'spectral,strip', '--epochs', '20', '--out', out, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout.trim().split('\n').pop()!);
  assert.equal(j.records.length, 4);
  assert.ok(fs.existsSync(path.join(out, 'poison.json')) && fs.readFileSync(path.join(out, 'poison-curve.svg'), 'utf8').startsWith('<svg'));
  const table = run(['poison', '--data', 'nsl-kdd', '--max-rows', '600', '--model', 'logreg', '--attack', 'label-flip', '--rate', '0.1', '--defenses', 'knn']);
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /label-flip\s+logreg\s+10\.0%/);
  for (const [args, msg] of [
    [['--rate', '1.5'], /--rate.*poison rate must be in \(0, 1\), got 1\.5/],
    [['--rates', '0.1,0'], /--rates.*poison rate must be in \(0, 1\), got 0/],
    [['--trigger', '{"urgent": 3}'], /trigger\.urgent.*outside the data's domain/],
    [['--trigger', '{"flag": "NOPE"}'], /trigger\.flag.*not a category/],
    [['--trigger', '{not json'], /--trigger.*not valid JSON/],
    [['--attack', 'voodoo'], /unknown training-time attack "voodoo"/],
    [['--defenses', 'garlic'], /unknown training-time defence "garlic"/],
    [['--attack', 'kernel-poison'], /does not apply to a logreg model/],
  ] as Array<[string[], RegExp]>) {
    const b = run(['poison', '--data', 'nsl-kdd', '--max-rows', '300', '--model', 'logreg', '--epochs', '2', ...args]);
    assert.equal(b.code, 2, `${args.join(' ')}: ${b.stderr}`);
    assert.match(b.stderr, msg);
    assert.ok(!/at .*\.js:\d+/.test(b.stderr), 'no stack trace');
  }
});

test('assess takes the data options of train: --drop, --max-rows, --format, a BOM in the header', () => {
  const lines = ['\uFEFFsrc_bytes,dst_bytes,count,category,label'];
  for (let i = 0; i < 300; i++) {
    const attack = i % 2 === 0;
    lines.push(`${attack ? 1000 + (i % 17) * 40 : 200 + (i % 13) * 10},${attack ? i % 5 : 300 + (i % 11) * 7},${(i * 7) % 50},${attack ? 'dos' : 'none'},${attack ? 'attack' : 'normal'}`);
  }
  const data = write('leaky.csv', lines.join('\n'));
  const cfg = write('tiny.json', JSON.stringify({ ...small, models: ['logreg'], attacks: ['pgd'], eps: [0, 0.5], noise: [0] }));
  const out = path.join(tmp, 'drop');
  const r = run(['assess', '--config', cfg, '--data', data, '--label', 'label', '--format', 'csv', '--drop', 'category', '--max-rows', '200', '--out', out, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout.trim().split('\n').pop()!);
  assert.equal(j.rows.train + j.rows.test, 200);
  assert.deepEqual(j.config.drop, ['category']);
  assert.ok(!j.notes.some((n: string) => n.includes('"category"')), 'the dropped column is gone');
  // Without --drop the leaking column is named on stderr.
  const r2 = run(['assess', '--config', cfg, '--data', data, '--label', 'label', '--max-rows', '200', '--out', path.join(tmp, 'nodrop'), '--json']);
  assert.equal(r2.code, 0, r2.stderr);
  assert.match(r2.stderr, /column "category" predicts the label on 100\.0% of rows/);
  const bad = run(['assess', '--data', data, '--drop', 'nope', '--out', path.join(tmp, 'bad')]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr.trim(), /dropped column "nope" not found/);
  assert.equal(bad.stderr.trim().split('\n').length, 1);
});

test('assess gives the same results on one thread and on a pool of worker threads (tasks are seeded, placed in a fixed order)', () => {
  const cfg = write('threads.json', JSON.stringify({ ...small, models: ['logreg', 'vqc', 'qsvm'], attacks: ['fgsm', 'pgd', 'apgd-dlr', 'square', 'deepfool', 'transfer', 'encoding', 'readout'], noise: [0, 1], mitigate: true }));
  const strip = (f: string) => {
    const j = JSON.parse(fs.readFileSync(f, 'utf8'));
    for (const m of j.models) { delete m.train_seconds; for (const a of m.attacks) { delete a.seconds; delete a.cpu_seconds; } }
    for (const k of ['seconds', 'timing', 'task_timing', 'threads', 'config', 'config_hash', 'run_id', 'summary', 'audit']) delete j[k];
    return j;
  };
  const outs = [1, 3].map((t) => {
    const out = path.join(tmp, `threads${t}`);
    const r = run(['assess', '--config', cfg, '--out', out, '--threads', String(t)]);
    assert.equal(r.code, 0, r.stderr);
    return strip(path.join(out, 'results.json'));
  });
  assert.ok(outs[0].models.every((m: { attacks: unknown[] }) => m.attacks.length > 0));
  assert.ok(outs[0].noise_sweep.some((x: { mitigated_accuracy: number | null }) => typeof x.mitigated_accuracy === 'number'));
  assert.deepEqual(outs[1], outs[0]);
});
