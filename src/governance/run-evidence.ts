/**
 * The evidence a compliance check reads for one run: its results record (an assess output folder or
 * its results.json), its model files (signature and hashes re-verified), and the audit log (verified,
 * with this run's decisions, the human actions and the oversight queue). Plain data in, plain facts out.
 *
 * @example
 * // const ev = gatherRunEvidence('qml6g-report', log);
 * // const { facts, details } = runFacts(ev, 0.25);
 * // facts.worst_robust_accuracy, details.worst_robust_accuracy  // 0.38, 'pgd on vqc at ε = 0.25'
 */
import fs from 'node:fs';
import path from 'node:path';
import { QmlError } from '../core/errors.js';
import { trustedKeys } from '../supply/keys.js';
import { verifyDetectorText } from '../supply/signing.js';
import type { AuditLog } from './audit-log.js';
import type { Facts, FactValue } from './compliance.js';
import { verifyLog, type VerifyReport } from './verify.js';

interface AttackLike { name: string; threat: string; epsilon: number; space: string; robust_accuracy: number }
interface ModelLike { name: string; kind: string; clean_accuracy: number; test?: Record<string, unknown>; attacks?: AttackLike[]; file?: string }

export interface RunEvidence {
  resultsFile: string;
  results: Record<string, unknown>;
  runId: string;
  models: Array<{ file: string; ok: boolean; reason: string }>;
  log: { file: string; report: VerifyReport; humanActions: Array<Record<string, unknown>>; oversight: { available: boolean; state: string | null; pastDeadline: number } } | null;
  decisions: Array<Record<string, unknown>>;
}

/** The identifier under which a run's decisions are logged: the job runner's run_id, else the config hash. */
export function runIdOf(results: Record<string, unknown>): string {
  if (typeof results.run_id === 'string' && results.run_id) return results.run_id;
  return `${String(results.format ?? 'run')}:${String(results.config_hash ?? 'unknown')}`;
}

export function gatherRunEvidence(run: string, log: AuditLog | null, trusted: Uint8Array[] = trustedKeys()): RunEvidence {
  const resultsFile = fs.existsSync(run) && fs.statSync(run).isDirectory() ? path.join(run, 'results.json') : run;
  if (!fs.existsSync(resultsFile)) throw new QmlError('no results.json here (give an assess output folder or its results.json)', resultsFile);
  let results: Record<string, unknown>;
  try {
    results = JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new QmlError(`invalid JSON: ${(e as Error).message}`, resultsFile);
  }
  if (!results || typeof results !== 'object' || Array.isArray(results)) throw new QmlError('not a results record (a JSON object expected)', resultsFile);
  if (!Array.isArray(results.models)) throw new QmlError('not a run\'s results record: no "models" list', resultsFile);
  const dir = path.dirname(resultsFile);
  const models = (results.models as ModelLike[]).filter((m) => typeof m.file === 'string').map((m) => {
    const f = path.join(dir, m.file!);
    if (!fs.existsSync(f)) return { file: m.file!, ok: false, reason: 'the model file is missing' };
    const v = verifyDetectorText(fs.readFileSync(f, 'utf8'), trusted);
    return { file: m.file!, ok: v.ok, reason: v.reason };
  });
  const runId = runIdOf(results);
  if (!log) return { resultsFile, results, runId, models, log: null, decisions: [] };
  const report = verifyLog(log, { trusted });
  const decisions: Array<Record<string, unknown>> = [];
  const humanActions: Array<Record<string, unknown>> = [];
  for (const { entry } of log.entries()) {
    const e = entry as Record<string, unknown>;
    if (e.type === 'decision' && e.run === runId) decisions.push(e);
    else if (e.type === 'human_action') humanActions.push(e);
  }
  let oversight = { available: false, state: null as string | null, pastDeadline: 0 };
  const hasQueue = log.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'oversight_control'").get();
  if (hasQueue) {
    const st = log.db.prepare('SELECT state FROM oversight_control WHERE id = 1').pluck().get() as string | undefined;
    const past = log.db.prepare("SELECT count(*) FROM oversight_items WHERE status = 'pending' AND deadline <= ?").pluck().get(new Date().toISOString()) as number;
    oversight = { available: true, state: st ?? null, pastDeadline: past };
  }
  return { resultsFile, results, runId, models, log: { file: log.file, report, humanActions, oversight }, decisions };
}

/** The run-scope facts (see RUN_FACTS) and a short detail per fact for the evidence text. */
export function runFacts(ev: RunEvidence, declaredEpsilon: number): Facts {
  const r = ev.results;
  const models = r.models as ModelLike[];
  const f: Record<string, FactValue> = {};
  const d: Record<string, string> = {};
  f.run_complete = r.status === 'complete';
  d.run_complete = `status ${JSON.stringify(r.status ?? null)}`;
  f.config_recorded = !!r.config && typeof r.config === 'object';
  f.seed_recorded = Number.isInteger(r.seed);
  f.version_recorded = typeof r.version === 'string' && r.version !== 'unknown';
  f.models_assessed = models.length;
  f.quantum_models = models.filter((m) => m.kind === 'quantum').length;
  f.classical_models = models.filter((m) => m.kind === 'classical').length;
  f.classical_baseline_present = (f.classical_models as number) > 0;
  d.classical_baseline_present = `${f.quantum_models} quantum, ${f.classical_models} classical`;
  f.accuracy_metrics_reported = models.length > 0 && models.every((m) => m.test && typeof m.test.accuracy === 'number' && typeof m.test.f1 === 'number' && typeof m.test.ece === 'number' && typeof m.test.n === 'number');
  const acc = models.map((m) => m.clean_accuracy).filter((x) => typeof x === 'number');
  f.clean_accuracy_min = acc.length ? Math.min(...acc) : null;
  if (acc.length) d.clean_accuracy_min = models.reduce((a, b) => (b.clean_accuracy < a.clean_accuracy ? b : a)).name;
  const eces = models.map((m) => m.test?.ece).filter((x): x is number => typeof x === 'number');
  f.ece_max = eces.length ? Math.max(...eces) : null;
  const attacks = models.flatMap((m) => (m.attacks ?? []).map((a) => ({ m, a })));
  const pos = attacks.filter((x) => x.a.epsilon > 0);
  f.white_box_attacks = pos.filter((x) => x.a.threat === 'white-box').length;
  f.black_box_attacks = pos.filter((x) => x.a.threat === 'black-box').length;
  f.quantum_attacks = pos.filter((x) => x.a.threat === 'quantum').length;
  f.adversarial_evaluation_present = pos.some((x) => x.a.threat === 'white-box' || x.a.threat === 'black-box');
  d.adversarial_evaluation_present = `${f.white_box_attacks} white-box, ${f.black_box_attacks} black-box results at ε > 0`;
  // Robust accuracy at the declared budget (raw-feature attacks; transfer is weaker by construction).
  const raw = pos.filter((x) => x.a.space === 'raw' && x.a.threat !== 'transfer');
  const atOrBelow = raw.filter((x) => x.a.epsilon <= declaredEpsilon + 1e-12);
  if (atOrBelow.length) {
    const eps = Math.max(...atOrBelow.map((x) => x.a.epsilon));
    const worst = atOrBelow.filter((x) => x.a.epsilon === eps).reduce((a, b) => (b.a.robust_accuracy < a.a.robust_accuracy ? b : a));
    f.worst_robust_accuracy = worst.a.robust_accuracy;
    d.worst_robust_accuracy = `${worst.a.name} on ${worst.m.name} at ε = ${eps}${eps < declaredEpsilon ? `, the largest budget tried below the declared ${declaredEpsilon}` : ''}`;
  } else {
    f.worst_robust_accuracy = null;
    d.worst_robust_accuracy = raw.length ? `no attack at or below the declared ε = ${declaredEpsilon}` : 'no raw-feature attack in this run';
  }
  const checks = Array.isArray(r.checks) ? (r.checks as Array<{ passed: boolean; model: string; name: string }>) : [];
  f.honest_checks_run = checks.length;
  f.honest_checks_failed = checks.filter((c) => !c.passed).length;
  if (f.honest_checks_failed) d.honest_checks_failed = checks.filter((c) => !c.passed).slice(0, 3).map((c) => `${c.model}: ${c.name}`).join('; ');
  f.noise_evaluated = Array.isArray(r.noise_sweep) && r.noise_sweep.length > 0;
  f.poisoning_evaluated = Array.isArray(r.training_threats) && r.training_threats.length > 0;
  f.defenses_evaluated = Array.isArray(r.defenses) && r.defenses.length > 0;
  f.model_files = ev.models.length;
  const bad = ev.models.filter((m) => !m.ok);
  f.model_files_unsigned_or_tampered = bad.length;
  d.model_files_unsigned_or_tampered = bad.length ? bad.slice(0, 3).map((m) => `${m.file}: ${m.reason}`).join('; ') : `${ev.models.length} verified`;
  const L = ev.log;
  f.audit_log_present = !!L;
  f.audit_log_intact = L ? L.report.ok : false;
  if (L && !L.report.ok) d.audit_log_intact = L.report.problems.slice(0, 2).map((p) => `${p.where}: ${p.what}`).join('; ');
  f.audit_log_entries = L ? L.report.tree_size : 0;
  f.audit_log_unsigned_entries = L ? L.report.tree_size - L.report.signed_size : null;
  f.decisions_logged = ev.decisions.length;
  d.decisions_logged = `run ${ev.runId}`;
  f.decisions_with_explanation = ev.decisions.filter((e) => e.explanation !== undefined && e.explanation !== null).length;
  f.oversight_available = L ? L.oversight.available : false;
  f.stop_mechanism = L ? L.oversight.available : false;
  f.oversight_state = L?.oversight.state ?? null;
  f.human_actions_logged = L ? L.humanActions.length : 0;
  f.human_actions_without_actor = L ? L.humanActions.filter((h) => typeof h.who !== 'string' || !h.who).length : 0;
  f.pending_past_deadline = L ? L.oversight.pastDeadline : 0;
  return { facts: f, details: d };
}
