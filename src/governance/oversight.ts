/**
 * Human oversight (EU AI Act Art. 14; NIST AI RMF MANAGE 2.4): automated decisions that policy
 * sends to a person — low confidence, high impact, or flagged by the uncertainty or
 * quantum/classical disagreement detectors — wait in a persistent queue (SQLite, beside the audit
 * log) with a deadline and a safe default. A person approves, overrides (with another action),
 * reverses (back to the safe default, also after the fact), or presses stop: the automated loop then
 * refuses every further decision, pending items take their safe default, and it says so until a
 * person resumes it. Every decision and every human action is an audit entry naming who acted.
 *
 * @example
 * import os from 'node:os';
 * import path from 'node:path';
 * import { AuditLog, OversightQueue } from 'qml6g';
 * const log = AuditLog.open(path.join(os.tmpdir(), `oversee-${process.pid}.db`));
 * const q = new OversightQueue(log);
 * const r = q.submit({ decision_id: 'd1', action: { isolate: 'gNB-7' }, confidence: 0.55, safe_default: { isolate: null } });
 * r.status; // 'pending' (confidence below the policy's 0.8)
 * q.approve('d1', 'alice');
 * log.close();
 */
import { QmlError } from '../core/errors.js';
import type { Db } from '../core/sqlite.js';
import type { AuditLog } from './audit-log.js';

export interface OversightPolicy {
  /** Decisions below this confidence go to a person (default 0.8). */
  minConfidence: number;
  /** Impact levels that always go to a person (default ['high']). */
  escalateImpact: string[];
  /** Risk flags that send a decision to a person (default: uncertain, quantum-classical-disagreement, adversarial-suspected, drift). */
  escalateFlags: string[];
  /** Seconds a person has before the safe default applies (default 900). */
  deadlineSeconds: number;
}

export const defaultOversightPolicy: OversightPolicy = {
  minConfidence: 0.8,
  escalateImpact: ['high'],
  escalateFlags: ['uncertain', 'quantum-classical-disagreement', 'adversarial-suspected', 'drift'],
  deadlineSeconds: 900,
};

export interface ProposedDecision {
  decision_id: string;
  /** What the automated system would do (any JSON). */
  action: unknown;
  confidence: number;
  /** What happens when nobody approves in time, on stop, or on reversal (any JSON). */
  safe_default: unknown;
  impact?: string;
  risk_flags?: string[];
  [k: string]: unknown;
}

export type ItemStatus = 'pending' | 'approved' | 'overridden' | 'reversed' | 'expired' | 'stopped';

export interface OversightItem {
  id: string;
  created: string;
  deadline: string;
  decision: ProposedDecision;
  safe_default: unknown;
  reasons: string[];
  status: ItemStatus;
  outcome: unknown;
  actor: string | null;
  acted_at: string | null;
  note: string | null;
}

export interface ControlState { state: 'running' | 'stopped'; actor: string | null; at: string | null; reason: string | null }

/** Why a person must look at this decision (empty: it may run automatically). Pure. */
export function escalationReasons(d: ProposedDecision, policy: OversightPolicy = defaultOversightPolicy): string[] {
  const out: string[] = [];
  if (!(d.confidence >= policy.minConfidence)) out.push(`low confidence (${Number.isFinite(d.confidence) ? d.confidence.toFixed(3) : String(d.confidence)} < ${policy.minConfidence})`);
  if (d.impact !== undefined && policy.escalateImpact.includes(d.impact)) out.push(`${d.impact} impact`);
  for (const f of d.risk_flags ?? []) if (policy.escalateFlags.includes(f)) out.push(`flagged: ${f}`);
  return out;
}

function checkDecision(d: ProposedDecision): void {
  if (!d || typeof d !== 'object') throw new QmlError('a decision must be a JSON object', 'decision');
  if (typeof d.decision_id !== 'string' || !d.decision_id) throw new QmlError('a decision needs a non-empty "decision_id"', 'decision.decision_id');
  if (typeof d.confidence !== 'number' || !Number.isFinite(d.confidence) || d.confidence < 0 || d.confidence > 1) throw new QmlError(`"confidence" must be a number in [0, 1], got ${JSON.stringify(d.confidence)}`, `decision ${d.decision_id}`);
  if (d.action === undefined) throw new QmlError('a decision needs an "action"', `decision ${d.decision_id}`);
  if (d.safe_default === undefined) throw new QmlError('a decision needs a "safe_default" (what happens if nobody acts)', `decision ${d.decision_id}`);
  if (d.risk_flags !== undefined && (!Array.isArray(d.risk_flags) || d.risk_flags.some((f) => typeof f !== 'string'))) throw new QmlError('"risk_flags" must be a list of strings', `decision ${d.decision_id}`);
}

interface Row { id: string; created: string; deadline: string; decision: string; safe_default: string; reasons: string; status: ItemStatus; outcome: string | null; actor: string | null; acted_at: string | null; note: string | null }

const parseRow = (r: Row): OversightItem => ({
  id: r.id, created: r.created, deadline: r.deadline, decision: JSON.parse(r.decision), safe_default: JSON.parse(r.safe_default), reasons: JSON.parse(r.reasons),
  status: r.status, outcome: r.outcome === null ? null : JSON.parse(r.outcome), actor: r.actor, acted_at: r.acted_at, note: r.note,
});

export class OversightQueue {
  private readonly db: Db;
  constructor(readonly log: AuditLog, readonly policy: OversightPolicy = defaultOversightPolicy, private readonly clock: () => Date = () => new Date()) {
    this.db = log.db;
  }

  state(): ControlState {
    return this.db.prepare('SELECT state, actor, at, reason FROM oversight_control WHERE id = 1').get() as ControlState;
  }

  /** Throws (exit code 2 in the CLI) while a person has stopped the automated loop. */
  assertRunning(): void {
    const s = this.state();
    if (s.state === 'stopped') throw new QmlError(`automated decisions are stopped (by ${s.actor} at ${s.at}${s.reason ? `: ${s.reason}` : ''}); the system holds its safe state; qml6g oversee resume --who NAME restarts it`);
  }

  /**
   * Routes an automated decision: logged, then either applied automatically or queued for a person.
   * Refused while stopped.
   */
  submit(d: ProposedDecision): OversightItem {
    checkDecision(d);
    const now = this.clock();
    return this.db.transaction(() => {
      this.assertRunning();
      this.expireAt(now);
      if (this.db.prepare('SELECT 1 FROM oversight_items WHERE id = ?').get(d.decision_id)) throw new QmlError(`decision "${d.decision_id}" was already submitted`, 'decision.decision_id');
      const reasons = escalationReasons(d, this.policy);
      const deadline = new Date(now.getTime() + this.policy.deadlineSeconds * 1000).toISOString();
      const auto = reasons.length === 0;
      this.db.prepare('INSERT INTO oversight_items (id, created, deadline, decision, safe_default, reasons, status, outcome, actor, acted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
        d.decision_id, now.toISOString(), deadline, JSON.stringify(d), JSON.stringify(d.safe_default), JSON.stringify(reasons),
        auto ? 'approved' : 'pending', auto ? JSON.stringify(d.action) : null, auto ? 'policy (automatic)' : null, auto ? now.toISOString() : null,
      );
      // The decision itself is the audit entry, with the policy's verdict on it.
      this.log.append({
        ...d, type: 'decision', time: typeof d.time === 'string' ? d.time : now.toISOString(), risk_flags: d.risk_flags ?? [], acted: true,
        oversight: auto ? 'applied automatically' : 'sent to a person', escalation: reasons, deadline: auto ? null : deadline,
        policy: [
          { rule: `confidence >= ${this.policy.minConfidence}`, passed: d.confidence >= this.policy.minConfidence },
          { rule: `impact not in (${this.policy.escalateImpact.join(', ')})`, passed: !(d.impact !== undefined && this.policy.escalateImpact.includes(d.impact)) },
          { rule: `no escalation flag (${this.policy.escalateFlags.join(', ')})`, passed: !(d.risk_flags ?? []).some((f) => this.policy.escalateFlags.includes(f)) },
        ],
        human_action: null,
      });
      return this.item(d.decision_id);
    }).immediate();
  }

  item(id: string): OversightItem {
    const r = this.db.prepare('SELECT * FROM oversight_items WHERE id = ?').get(id) as Row | undefined;
    if (!r) throw new QmlError(`unknown decision "${id}" (qml6g oversee list --all shows them)`);
    return parseRow(r);
  }

  /** Items, oldest first (default: pending only). Applies safe defaults whose deadline passed first. */
  list(opts: { all?: boolean } = {}): OversightItem[] {
    this.expire();
    const rows = (opts.all
      ? this.db.prepare('SELECT * FROM oversight_items ORDER BY created, id').all()
      : this.db.prepare("SELECT * FROM oversight_items WHERE status = 'pending' ORDER BY deadline, id").all()) as Row[];
    return rows.map(parseRow);
  }

  /** Pending items past their deadline take their safe default (actor "deadline"). */
  expire(): number {
    if (this.readonly()) return 0;
    return this.db.transaction(() => this.expireAt(this.clock())).immediate();
  }

  private readonly(): boolean {
    return this.db.readonly;
  }

  private expireAt(now: Date): number {
    const due = this.db.prepare("SELECT * FROM oversight_items WHERE status = 'pending' AND deadline <= ?").all(now.toISOString()) as Row[];
    for (const r of due) this.resolve(parseRow(r), 'expired', JSON.parse(r.safe_default), 'deadline (nobody acted in time)', now, 'safe default applied at the deadline');
    return due.length;
  }

  private resolve(it: OversightItem, status: ItemStatus, outcome: unknown, who: string, now: Date, note: string | null): OversightItem {
    this.db.prepare('UPDATE oversight_items SET status = ?, outcome = ?, actor = ?, acted_at = ?, note = ? WHERE id = ?').run(status, JSON.stringify(outcome), who, now.toISOString(), note, it.id);
    this.log.append({ type: 'human_action', action: status, decision_id: it.id, who, time: now.toISOString(), previous_status: it.status, outcome, note });
    return { ...it, status, outcome, actor: who, acted_at: now.toISOString(), note };
  }

  private act(id: string, who: string, allowed: ItemStatus[], status: ItemStatus, outcome: (it: OversightItem) => unknown, note?: string): OversightItem {
    if (typeof who !== 'string' || !who.trim()) throw new QmlError('say who acts (--who NAME): every human action is logged with its author');
    const now = this.clock();
    return this.db.transaction(() => {
      this.expireAt(now);
      const it = this.item(id);
      if (!allowed.includes(it.status)) throw new QmlError(`decision "${id}" is ${it.status}${it.actor ? ` (by ${it.actor})` : ''}; ${status === 'reversed' ? 'only an applied decision can be reversed' : 'only a pending decision can be'} ${status === 'approved' ? 'approved' : status === 'overridden' ? 'overridden' : status}`);
      return this.resolve(it, status, outcome(it), who, now, note ?? null);
    }).immediate();
  }

  approve(id: string, who: string, note?: string): OversightItem {
    return this.act(id, who, ['pending'], 'approved', (it) => it.decision.action, note);
  }

  /** A person replaces the proposed action with their own. */
  override(id: string, who: string, action: unknown, note?: string): OversightItem {
    if (action === undefined) throw new QmlError('an override needs the action to apply instead (--action JSON)');
    return this.act(id, who, ['pending'], 'overridden', () => action, note);
  }

  /** Undoes an applied decision (automatic, approved, overridden or expired): the safe default applies. */
  reverse(id: string, who: string, note?: string): OversightItem {
    return this.act(id, who, ['approved', 'overridden', 'expired'], 'reversed', (it) => it.safe_default, note);
  }

  /** Halts the automated loop: no further automated decision; pending items take their safe default. */
  stop(who: string, reason?: string): { state: ControlState; safe_defaults_applied: number; message: string } {
    if (typeof who !== 'string' || !who.trim()) throw new QmlError('say who stops the system (--who NAME)');
    const now = this.clock();
    return this.db.transaction(() => {
      const pending = (this.db.prepare("SELECT * FROM oversight_items WHERE status = 'pending'").all() as Row[]).map(parseRow);
      for (const it of pending) this.resolve(it, 'stopped', it.safe_default, who, now, `stop: ${reason ?? 'no reason given'}`);
      this.db.prepare("UPDATE oversight_control SET state = 'stopped', actor = ?, at = ?, reason = ? WHERE id = 1").run(who, now.toISOString(), reason ?? null);
      this.log.append({ type: 'human_action', action: 'stop', who, time: now.toISOString(), reason: reason ?? null, safe_defaults_applied: pending.map((p) => p.id) });
      const message = `stopped by ${who}: the automated loop is halted in its safe state (${pending.length} pending decision(s) set to their safe default; no automated decision runs until qml6g oversee resume)`;
      return { state: this.state(), safe_defaults_applied: pending.length, message };
    }).immediate();
  }

  resume(who: string, reason?: string): ControlState {
    if (typeof who !== 'string' || !who.trim()) throw new QmlError('say who resumes the system (--who NAME)');
    const now = this.clock();
    return this.db.transaction(() => {
      this.db.prepare("UPDATE oversight_control SET state = 'running', actor = ?, at = ?, reason = ? WHERE id = 1").run(who, now.toISOString(), reason ?? null);
      this.log.append({ type: 'human_action', action: 'resume', who, time: now.toISOString(), reason: reason ?? null });
      return this.state();
    }).immediate();
  }
}
