import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import '../testing/shared.js';
import { generateKeyPair } from '../supply/signing.js';
import { AuditLog } from './audit-log.js';
import { escalationReasons, OversightQueue, defaultOversightPolicy } from './oversight.js';
import { verifyLog } from './verify.js';

const keys = generateKeyPair(new Uint8Array(32).fill(3));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'qml6g-oversee-'));

test('policy sends low-confidence, high-impact and flagged decisions to a person, others run automatically', () => {
  const d = { decision_id: 'x', action: 'allow', safe_default: 'block', confidence: 0.95 };
  assert.deepEqual(escalationReasons(d), []);
  assert.match(escalationReasons({ ...d, confidence: 0.5 })[0], /low confidence/);
  assert.deepEqual(escalationReasons({ ...d, impact: 'high' }), ['high impact']);
  assert.deepEqual(escalationReasons({ ...d, risk_flags: ['quantum-classical-disagreement', 'other'] }), ['flagged: quantum-classical-disagreement']);
});

test('approve, override, reverse and the deadline each resolve a decision and write an audit entry naming who; the queue survives a restart', () => {
  const file = path.join(tmp, 'q.db');
  let now = new Date('2026-01-01T00:00:00Z');
  const clock = () => now;
  let log = AuditLog.open(file, { keys });
  let q = new OversightQueue(log, { ...defaultOversightPolicy, deadlineSeconds: 60 }, clock);
  const base = { action: { isolate: 'gNB-7' }, safe_default: { isolate: null }, confidence: 0.4 };
  for (const id of ['a', 'b', 'c', 'd']) assert.equal(q.submit({ decision_id: id, ...base }).status, 'pending');
  assert.equal(q.submit({ decision_id: 'auto', ...base, confidence: 0.99 }).status, 'approved');
  assert.throws(() => q.submit({ decision_id: 'a', ...base }), /already submitted/);
  log.close();

  // Restart: the pending items are still there.
  log = AuditLog.open(file, { keys });
  q = new OversightQueue(log, { ...defaultOversightPolicy, deadlineSeconds: 60 }, clock);
  assert.deepEqual(q.list().map((i) => i.id), ['a', 'b', 'c', 'd']);
  assert.equal(q.approve('a', 'alice').outcome && (q.item('a').outcome as { isolate: string }).isolate, 'gNB-7');
  assert.deepEqual(q.override('b', 'bob', { isolate: 'gNB-8' }, 'wrong cell').outcome, { isolate: 'gNB-8' });
  assert.deepEqual(q.reverse('a', 'carol').outcome, { isolate: null });
  assert.deepEqual(q.reverse('auto', 'carol', 'false alarm').outcome, { isolate: null });
  assert.throws(() => q.approve('a', 'alice'), /is reversed/);
  assert.throws(() => q.approve('zzz', 'alice'), /unknown decision "zzz"/);
  assert.throws(() => q.approve('c', ''), /say who acts/);
  now = new Date('2026-01-01T00:02:00Z');
  const left = q.list();
  assert.deepEqual(left, []);
  assert.equal(q.item('c').status, 'expired');
  assert.deepEqual(q.item('c').outcome, { isolate: null });
  const actions = [...log.entries()].map((e) => e.entry as Record<string, unknown>).filter((e) => e.type === 'human_action');
  assert.deepEqual(actions.map((e) => [e.action, e.decision_id, e.who]), [
    ['approved', 'a', 'alice'], ['overridden', 'b', 'bob'], ['reversed', 'a', 'carol'], ['reversed', 'auto', 'carol'],
    ['expired', 'c', 'deadline (nobody acted in time)'], ['expired', 'd', 'deadline (nobody acted in time)'],
  ]);
  log.close();
  const v = AuditLog.open(file, { readonly: true });
  assert.ok(verifyLog(v, { trusted: [keys.publicKey] }).ok);
  v.close();
});

test('stop halts the automated loop in its safe state and says so, pending items take their safe default, until a person resumes', () => {
  const file = path.join(tmp, 's.db');
  let log = AuditLog.open(file, { keys });
  let q = new OversightQueue(log);
  q.submit({ decision_id: 'p1', action: 'reroute', safe_default: 'keep route', confidence: 0.3 });
  const s = q.stop('dana', 'suspected poisoning');
  assert.equal(s.state.state, 'stopped');
  assert.equal(s.safe_defaults_applied, 1);
  assert.match(s.message, /halted in its safe state/);
  assert.equal(q.item('p1').status, 'stopped');
  assert.equal(q.item('p1').outcome, 'keep route');
  log.close();
  log = AuditLog.open(file, { keys });
  q = new OversightQueue(log);
  assert.throws(() => q.submit({ decision_id: 'p2', action: 'x', safe_default: 'y', confidence: 0.99 }), /stopped \(by dana .*suspected poisoning\).*safe state/);
  assert.throws(() => q.assertRunning(), /stopped/);
  q.resume('erin', 'cleared');
  assert.equal(q.submit({ decision_id: 'p2', action: 'x', safe_default: 'y', confidence: 0.99 }).status, 'approved');
  const who = [...log.entries()].map((e) => e.entry as Record<string, unknown>).filter((e) => e.type === 'human_action').map((e) => `${e.action}:${e.who}`);
  assert.deepEqual(who, ['stopped:dana', 'stop:dana', 'resume:erin']);
  log.close();
});

test('malformed decisions are refused with what is wrong', () => {
  const log = AuditLog.open(path.join(tmp, 'm.db'), { keys });
  const q = new OversightQueue(log);
  assert.throws(() => q.submit({ decision_id: '', action: 1, safe_default: 0, confidence: 0.5 }), /decision_id/);
  assert.throws(() => q.submit({ decision_id: 'a', action: 1, safe_default: 0, confidence: Number.NaN }), /confidence/);
  assert.throws(() => q.submit({ decision_id: 'a', action: 1, confidence: 0.5 } as never), /safe_default/);
  assert.equal(log.size, 0);
  log.close();
});

test('a submitted decision is itself an audit entry with the policy\'s verdict and its routing', () => {
  const log = AuditLog.open(path.join(tmp, 'e.db'), { keys });
  const q = new OversightQueue(log);
  q.submit({ decision_id: 'x1', action: 'reroute', safe_default: 'keep', confidence: 0.95, impact: 'high', risk_flags: ['drift'] });
  const e = log.entry(0) as Record<string, unknown>;
  assert.equal(e.type, 'decision');
  assert.equal(e.oversight, 'sent to a person');
  assert.deepEqual(e.escalation, ['high impact', 'flagged: drift']);
  assert.deepEqual((e.policy as Array<{ passed: boolean }>).map((p) => p.passed), [true, false, false]);
  assert.equal(e.human_action, null);
  log.close();
});
