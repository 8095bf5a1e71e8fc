/**
 * Every automated decision of the twin (a channel plan, a routing plan, a task assignment, the
 * verdicts on a batch of flows) goes through the governance layer: submitted to the oversight
 * queue, which appends it to the tamper-evident audit log with the policy's verdict and either
 * applies it or holds it for a person. A held decision does not act within the step: the twin
 * applies its safe default (keep the previous channel plan or routes, nearest-agent dispatch, or
 * for flows the verdicts themselves, since a person reviews blocked flows after the fact).
 */
import type { AuditLog } from '../../governance/audit-log.js';
import { OversightQueue, type OversightPolicy } from '../../governance/oversight.js';
import type { Fn } from './modules.js';

/** The scenario's oversight policy: low-confidence or infeasible plans and flagged verdicts go to a person. */
export const SCENARIO_POLICY: OversightPolicy = {
  minConfidence: 0.6,
  escalateImpact: ['high'],
  escalateFlags: ['infeasible', 'integrity-failure', 'adversarial-suspected'],
  deadlineSeconds: 900,
};

export interface Proposal {
  fn: Fn;
  step: number;
  module: 'quantum' | 'classical';
  reason: string;
  action: unknown;
  safeDefault: unknown;
  confidence: number;
  riskFlags: string[];
  explanation: Record<string, unknown>;
}

export class DecisionGateway {
  decisions = 0;
  held = 0;
  private readonly queue: OversightQueue | null;
  constructor(log: AuditLog | null, readonly runId: string, private readonly simStart = Date.UTC(2026, 0, 1)) {
    let now = simStart;
    this.queue = log ? new OversightQueue(log, SCENARIO_POLICY, () => new Date(now)) : null;
    this.setTime = (t: number) => { now = simStart + t * 1000; };
  }
  setTime: (t: number) => void;

  /** Logs the decision; true when it applies now, false when it waits for a person (the safe default acts). */
  submit(p: Proposal): boolean {
    this.decisions++;
    // One step can hold several decisions of a function (a channel plan per interference component).
    const id = `${this.runId}/${p.step}/${p.fn}/${this.decisions}`;
    let applied: boolean;
    if (this.queue) {
      const item = this.queue.submit({
        decision_id: id, action: p.action, confidence: p.confidence, safe_default: p.safeDefault, risk_flags: p.riskFlags,
        command: 'scenario', run: this.runId, function: p.fn, module: p.module, routing_reason: p.reason, explanation: p.explanation,
      });
      applied = item.status === 'approved';
    } else applied = p.confidence >= SCENARIO_POLICY.minConfidence && !p.riskFlags.some((f) => SCENARIO_POLICY.escalateFlags.includes(f));
    if (!applied) this.held++;
    return applied;
  }
}
