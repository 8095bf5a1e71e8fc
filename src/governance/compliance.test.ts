import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import '../testing/shared.js';
import { generateKeyPair } from '../supply/signing.js';
import { AuditLog } from './audit-log.js';
import { evaluateRuleSet, loadRuleSets, parseRuleSet, RUN_FACTS, type RuleSet } from './compliance.js';
import { gatherRunEvidence, runFacts } from './run-evidence.js';
import { OversightQueue } from './oversight.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'qml6g-comply-'));
const keys = generateKeyPair(new Uint8Array(32).fill(5));

function results(robust: number): Record<string, unknown> {
  const attacks = [0, 0.25, 1].flatMap((eps) => [
    { name: 'pgd', threat: 'white-box', epsilon: eps, space: 'raw', robust_accuracy: eps === 0 ? 0.95 : eps === 0.25 ? robust : robust / 2 },
    { name: 'hsja', threat: 'black-box', epsilon: eps, space: 'raw', robust_accuracy: eps === 0 ? 0.95 : 0.9 },
  ]);
  return {
    format: 'qml6g-assess', status: 'complete', run_id: 'run-1', config: { seed: 1 }, seed: 1, version: '0.1.0',
    models: [
      { name: 'vqc', kind: 'quantum', clean_accuracy: 0.95, test: { accuracy: 0.95, f1: 0.9, ece: 0.05, n: 100 }, attacks },
      { name: 'logreg', kind: 'classical', clean_accuracy: 0.96, test: { accuracy: 0.96, f1: 0.92, ece: 0.04, n: 100 }, attacks: [] },
    ],
    checks: [{ model: 'vqc', name: 'PGD is never weaker than FGSM', passed: true }], noise_sweep: [{ model: 'vqc', strength: 1, accuracy: 0.9 }],
    training_threats: [{ attack: 'label-flip' }],
  };
}

test('the shipped rule sets load and cover AI Act Art. 12–15, NIST MEASURE 2.7 / MANAGE 2.4 and ETSI EN 304 223', () => {
  const sets = loadRuleSets();
  assert.deepEqual(sets.map((s) => s.id).sort(), ['etsi-en-304-223', 'eu-ai-act', 'nist-ai-rmf']);
  const reqs = sets.flatMap((s) => s.rules.map((r) => r.requirement)).join('\n');
  for (const art of ['Art. 12', 'Art. 13', 'Art. 14', 'Art. 15', 'MEASURE 2.7', 'MANAGE 2.4', 'Principle']) assert.ok(reqs.includes(art), art);
});

test('a malformed rule set is refused with an error naming the rule', () => {
  const base = (rule: Record<string, unknown>) => ({ format: 'qml6g-rules', version: 1, id: 'x', framework: 'test', rules: [{ id: 'ok', requirement: 'r', conditions: { all: [{ fact: 'run_complete', operator: 'equal', value: true }] } }, rule] });
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{ id: 'r-fact', requirement: 'r', conditions: { all: [{ fact: 'no_such_fact', operator: 'equal', value: 1 }] } }, /rule "r-fact".*unknown fact "no_such_fact"/],
    [{ id: 'r-op', requirement: 'r', conditions: { any: [{ fact: 'run_complete', operator: 'bigger', value: 1 }] } }, /rule "r-op".*any\[0\].*unknown operator "bigger"/],
    [{ id: 'r-req', conditions: { all: [{ fact: 'run_complete', operator: 'equal', value: true }] } }, /rule "r-req".*requirement/],
    [{ id: 'ok', requirement: 'dup', conditions: { all: [{ fact: 'run_complete', operator: 'equal', value: true }] } }, /rule "ok".*share this id/],
    [{ id: 'r-cond', requirement: 'r', conditions: [] }, /rule "r-cond".*"conditions" must be/],
    [{ id: 'r-ref', requirement: 'r', conditions: { all: [{ fact: 'worst_robust_accuracy', operator: 'greaterThan', value: { fact: 'declared_nothing' } }] } }, /rule "r-ref".*unknown fact "declared_nothing"/],
    [{ id: 'r-scope', requirement: 'r', scope: 'galaxy', conditions: { all: [{ fact: 'run_complete', operator: 'equal', value: true }] } }, /rule "r-scope".*scope/],
    [{ id: 'r-value', requirement: 'r', conditions: { all: [{ fact: 'run_complete', operator: 'equal' }] } }, /rule "r-value".*no "value"/],
  ];
  for (const [rule, re] of cases) {
    assert.throws(() => parseRuleSet(base(rule), 'mine.json'), (e: Error & { oneLine?: () => string }) => re.test(e.oneLine ? e.oneLine() : e.message), String(re));
  }
});

test('robust accuracy below the declared level fails with the evidence that says so; a lower declaration passes', async () => {
  const dir = path.join(tmp, 'run-a');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'results.json'), JSON.stringify(results(0.38)));
  const ev = gatherRunEvidence(dir, null);
  const facts = runFacts(ev, 0.25);
  assert.equal(facts.facts.worst_robust_accuracy, 0.38);
  assert.equal(facts.details.worst_robust_accuracy, 'pgd on vqc at ε = 0.25');
  for (const k of Object.keys(facts.facts)) assert.ok(k in RUN_FACTS, k);
  const ai = loadRuleSets().find((s) => s.id === 'eu-ai-act')!;
  const r = (await evaluateRuleSet(ai, facts)).find((x) => x.id === 'art15-adversarial-examples')!;
  assert.equal(r.passed, false);
  assert.match(r.evidence, /adversarial_evaluation_present = true .* is true; worst_robust_accuracy = 0\.38 \(pgd on vqc at ε = 0\.25\) is below the declared 0\.8 \(declared_robust_accuracy\) → fail/);
  const ok = (await evaluateRuleSet(ai, facts, [], { declared_robust_accuracy: 0.3 })).find((x) => x.id === 'art15-adversarial-examples')!;
  assert.equal(ok.passed, true);
  // Between grid points: the largest budget tried below the declared one is used and named.
  const f2 = runFacts(ev, 0.5);
  assert.match(f2.details.worst_robust_accuracy, /ε = 0\.25, the largest budget tried below the declared 0\.5/);
  // No log: the logging requirements fail, saying so.
  const art12 = (await evaluateRuleSet(ai, facts)).find((x) => x.id === 'art12-event-log')!;
  assert.equal(art12.passed, false);
  assert.match(art12.evidence, /audit_log_present = false is not true/);
});

test('per-decision rules check every logged decision of the run and name the failing ones; log, oversight and signatures become evidence', async () => {
  const dir = path.join(tmp, 'run-b');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'results.json'), JSON.stringify(results(0.9)));
  const log = AuditLog.open(path.join(tmp, 'b.db'), { keys });
  const good = (id: string, confidence: number, extra: Record<string, unknown> = {}) => ({
    type: 'decision', decision_id: id, time: '2026-01-01T00:00:00Z', command: 'assess', run: 'run-1',
    model: { id: 'vqc', artefact_hash: 'a'.repeat(64) }, input_hash: 'b'.repeat(64), output: 'attack', confidence,
    explanation: { ref: 'explain --row 1' }, policy: [{ rule: 'confidence >= 0.8', passed: confidence >= 0.8 }], risk_flags: [], acted: true, ...extra,
  });
  log.append(good('d1', 0.95));
  log.append(good('d2', 0.6, { oversight: 'sent to a person' }));
  log.append(good('d3', 0.55));
  log.append({ ...good('d4', 0.9), input_hash: undefined });
  log.append(good('other-run', 0.1, { run: 'run-2' }));
  new OversightQueue(log).submit({ decision_id: 'q1', action: 'a', safe_default: 'b', confidence: 0.2 });
  new OversightQueue(log).approve('q1', 'alice');
  log.checkpoint();
  const ev = gatherRunEvidence(dir, log, [keys.publicKey]);
  assert.equal(ev.decisions.length, 4);
  const ai = loadRuleSets().find((s) => s.id === 'eu-ai-act')!;
  const res = await evaluateRuleSet(ai, runFacts(ev, 0.25), ev.decisions);
  const rec = res.find((x) => x.id === 'art12-decision-record')!;
  assert.equal(rec.passed, false);
  assert.deepEqual(rec.decisions, { evaluated: 4, failed: 1, failing_ids: ['d4'] });
  assert.match(rec.evidence, /1 of 4 logged decisions fail \(first: d4: has_input_hash = false is not true\)/);
  const low = res.find((x) => x.id === 'art14-low-confidence-reviewed')!;
  assert.deepEqual(low.decisions?.failing_ids, ['d3']);
  for (const id of ['art12-event-log', 'art12-log-signed', 'art14-override-reverse', 'art14-stop', 'art13-interpretable-output']) assert.equal(res.find((x) => x.id === id)!.passed, true, id);
  const nist: RuleSet = loadRuleSets().find((s) => s.id === 'nist-ai-rmf')!;
  const n = await evaluateRuleSet(nist, runFacts(ev, 0.25), ev.decisions);
  assert.equal(n.find((x) => x.id === 'manage-2.4-responsibility')!.passed, true);
  log.close();
});
