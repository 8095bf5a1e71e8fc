/**
 * Compliance rules as data: rule sets (data/governance/rules/*.json) for the EU AI Act Art. 12–15,
 * NIST AI RMF MEASURE 2.7 / MANAGE 2.4 and ETSI EN 304 223, evaluated with json-rules-engine over
 * facts drawn from a run's results, its model files and the audit log — per run, and per logged
 * decision for rules with `"scope": "decision"`. Each requirement is reported with the evidence its
 * conditions read ("worst_robust_accuracy = 0.38 (pgd on vqc at ε = 0.25) is below the required
 * 0.8 (declared_robust_accuracy) → fail"). A malformed rule set is a QmlError naming the rule.
 *
 * @example
 * import { loadRuleSets, evaluateRuleSet } from 'qml6g';
 * const [ai] = loadRuleSets().filter((s) => s.id === 'eu-ai-act');
 * // const req = await evaluateRuleSet(ai, { facts: runFacts, details: {} }, decisions);
 * // req.find((r) => r.id === 'art15-adversarial-examples')?.passed
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Engine, type RuleResult } from 'json-rules-engine';
import { QmlError } from '../core/errors.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/** The rule sets shipped with qml6g (dist/governance → ../../data/governance/rules). */
export const rulesDir = path.resolve(here, '..', '..', 'data', 'governance', 'rules');

export type FactValue = number | string | boolean | null;

/** The facts a run-scope rule may read, with what each means. */
export const RUN_FACTS: Record<string, string> = {
  run_complete: 'the run finished (status "complete")',
  config_recorded: 'the run records its configuration',
  seed_recorded: 'the run records its seed',
  version_recorded: 'the run records the qml6g version',
  models_assessed: 'number of models assessed',
  quantum_models: 'number of quantum models',
  classical_models: 'number of classical models',
  classical_baseline_present: 'a classical model is assessed beside every quantum one',
  accuracy_metrics_reported: 'every model reports held-out accuracy, F1, calibration (ECE) and its test size',
  clean_accuracy_min: 'lowest held-out accuracy over the models',
  ece_max: 'highest expected calibration error over the models',
  adversarial_evaluation_present: 'evasion attacks were run at a positive budget',
  white_box_attacks: 'white-box attack results at a positive budget',
  black_box_attacks: 'black-box attack results at a positive budget',
  quantum_attacks: 'quantum-specific attack results at a positive budget',
  worst_robust_accuracy: 'lowest robust accuracy over models and raw-feature attacks at the declared budget',
  honest_checks_run: 'honest-evaluation checks run',
  honest_checks_failed: 'honest-evaluation checks that failed (signs of gradient masking)',
  noise_evaluated: 'a hardware-noise sweep was run',
  poisoning_evaluated: 'training-time threats (poisoning, backdoors) were assessed',
  defenses_evaluated: 'a defence × attack matrix was run',
  model_files: 'model files of the run',
  model_files_unsigned_or_tampered: 'model files without an intact signature from a trusted key',
  audit_log_present: 'an audit log was found',
  audit_log_intact: 'the audit log verifies (tree and signed checkpoints)',
  audit_log_entries: 'entries in the audit log',
  audit_log_unsigned_entries: 'entries not yet covered by a signed checkpoint',
  decisions_logged: 'decisions of this run in the audit log',
  decisions_with_explanation: 'logged decisions of this run that carry an explanation or a reference to one',
  oversight_available: 'the human-oversight queue exists beside the log',
  stop_mechanism: 'a stop procedure that halts the automated loop in a safe state exists',
  oversight_state: 'the automated loop\'s state (running or stopped)',
  human_actions_logged: 'human actions in the audit log',
  human_actions_without_actor: 'human actions in the log that do not name who acted',
  pending_past_deadline: 'queued decisions past their deadline and still unresolved',
};

/** The facts a decision-scope rule may read (one logged decision). */
export const DECISION_FACTS: Record<string, string> = {
  has_decision_id: 'the entry has a decision id',
  has_time: 'the entry has a time',
  has_command: 'the entry names the command',
  has_run: 'the entry names the run',
  has_model_id: 'the entry names the model',
  has_model_hash: 'the entry carries the model artefact\'s hash',
  has_input_hash: 'the entry carries a hash of the input',
  has_output: 'the entry carries the output',
  has_confidence: 'the entry carries a confidence',
  confidence: 'the decision\'s confidence',
  has_explanation: 'the entry carries an explanation or a reference to one',
  policy_rules_evaluated: 'policy rules recorded with their results',
  risk_flags: 'number of risk flags',
  routed_to_person: 'the decision was sent to a person',
  acted: 'the decision acted on something (false for evaluation-only verdicts)',
};

const OPERATORS = new Set(['equal', 'notEqual', 'lessThan', 'lessThanInclusive', 'greaterThan', 'greaterThanInclusive', 'in', 'notIn', 'contains', 'doesNotContain']);

type Condition = { fact: string; operator: string; value: FactValue | FactValue[] | { fact: string } };
export type ConditionNode = { all: ConditionNode[] } | { any: ConditionNode[] } | { not: ConditionNode } | Condition;

export interface ComplianceRule {
  id: string;
  requirement: string;
  /** 'run' (default): one verdict from the run's facts; 'decision': every logged decision must pass. */
  scope?: 'run' | 'decision';
  conditions: { all: ConditionNode[] } | { any: ConditionNode[] } | { not: ConditionNode };
}

export interface RuleSet {
  format: 'qml6g-rules';
  version: 1;
  id: string;
  framework: string;
  /** Levels the deployer declares (facts named declared_*), overridable per evaluation. */
  declarations?: Record<string, number | string | boolean>;
  rules: ComplianceRule[];
  /** Where it was read from. */
  source?: string;
}

function checkNode(node: unknown, known: Record<string, unknown>, where: string): void {
  if (!node || typeof node !== 'object' || Array.isArray(node)) throw new QmlError('a condition must be an object ({"all": [...]}, {"any": [...]}, {"not": ...} or {"fact", "operator", "value"})', where);
  const n = node as Record<string, unknown>;
  if ('all' in n || 'any' in n) {
    const k = 'all' in n ? 'all' : 'any';
    const list = n[k];
    if (!Array.isArray(list) || !list.length) throw new QmlError(`"${k}" must be a non-empty list of conditions`, where);
    list.forEach((c, i) => checkNode(c, known, `${where}.${k}[${i}]`));
    return;
  }
  if ('not' in n) { checkNode(n.not, known, `${where}.not`); return; }
  if (typeof n.fact !== 'string') throw new QmlError('a condition needs "fact" (a string)', where);
  if (!(n.fact in known)) throw new QmlError(`unknown fact "${n.fact}" (known: ${Object.keys(known).join(', ')})`, where);
  if (typeof n.operator !== 'string' || !OPERATORS.has(n.operator)) throw new QmlError(`unknown operator ${JSON.stringify(n.operator)} (known: ${[...OPERATORS].join(', ')})`, where);
  if (!('value' in n)) throw new QmlError(`condition on "${n.fact}" has no "value"`, where);
  const v = n.value as Record<string, unknown> | null;
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    if (typeof v.fact !== 'string' || !(v.fact in known)) throw new QmlError(`"value" refers to unknown fact ${JSON.stringify(v.fact)}`, where);
  }
}

/** Validates a parsed rule set; every error names the rule (and the condition path) it is in. */
export function parseRuleSet(json: unknown, source: string): RuleSet {
  const s = json as Record<string, unknown>;
  if (!s || typeof s !== 'object' || Array.isArray(s)) throw new QmlError('a rule set must be a JSON object', source);
  if (s.format !== 'qml6g-rules' || s.version !== 1) throw new QmlError('not a qml6g rule set (format "qml6g-rules", version 1)', source);
  if (typeof s.id !== 'string' || !s.id) throw new QmlError('the rule set needs an "id"', source);
  if (typeof s.framework !== 'string') throw new QmlError('the rule set needs a "framework" (what it checks against)', source);
  const decl = (s.declarations ?? {}) as Record<string, unknown>;
  if (typeof decl !== 'object' || Array.isArray(decl)) throw new QmlError('"declarations" must be an object', source);
  for (const [k, v] of Object.entries(decl)) {
    if (!k.startsWith('declared_')) throw new QmlError(`declaration "${k}" must be named declared_*`, `${source}: declarations`);
    if (!['number', 'string', 'boolean'].includes(typeof v) || (typeof v === 'number' && !Number.isFinite(v))) throw new QmlError(`declaration "${k}" must be a finite number, a string or a boolean`, `${source}: declarations`);
  }
  if (!Array.isArray(s.rules) || !s.rules.length) throw new QmlError('the rule set needs a non-empty "rules" list', source);
  const seen = new Set<string>();
  (s.rules as unknown[]).forEach((r0, i) => {
    const r = r0 as Record<string, unknown>;
    const name = r && typeof r.id === 'string' && r.id ? r.id : `#${i}`;
    const where = `${source}: rule "${name}"`;
    if (!r || typeof r !== 'object' || typeof r.id !== 'string' || !r.id) throw new QmlError('a rule needs an "id"', where);
    if (seen.has(r.id)) throw new QmlError('two rules share this id', where);
    seen.add(r.id);
    if (typeof r.requirement !== 'string' || !r.requirement) throw new QmlError('a rule needs a "requirement" (the provision it checks)', where);
    const scope = r.scope ?? 'run';
    if (scope !== 'run' && scope !== 'decision') throw new QmlError(`"scope" must be "run" or "decision", got ${JSON.stringify(r.scope)}`, where);
    const known = { ...(scope === 'run' ? RUN_FACTS : DECISION_FACTS), ...decl };
    const c = r.conditions as Record<string, unknown>;
    if (!c || typeof c !== 'object' || !('all' in c || 'any' in c || 'not' in c)) throw new QmlError('"conditions" must be {"all": [...]}, {"any": [...]} or {"not": ...}', where);
    checkNode(c, known, `${where}: conditions`);
  });
  return { ...(s as unknown as RuleSet), source };
}

/** Reads rule sets: the shipped ones (default), or the given files and folders. */
export function loadRuleSets(paths: string[] = [rulesDir]): RuleSet[] {
  const files: string[] = [];
  for (const p of paths) {
    if (!fs.existsSync(p)) throw new QmlError('no such rule set file or folder', p);
    if (fs.statSync(p).isDirectory()) files.push(...fs.readdirSync(p).filter((f) => f.endsWith('.json')).sort().map((f) => path.join(p, f)));
    else files.push(p);
  }
  if (!files.length) throw new QmlError('no rule sets (*.json) found', paths.join(', '));
  return files.map((f) => {
    let j: unknown;
    try {
      j = JSON.parse(fs.readFileSync(f, 'utf8'));
    } catch (e) {
      throw new QmlError(`invalid JSON: ${(e as Error).message}`, f);
    }
    return parseRuleSet(j, path.basename(f));
  });
}

export interface Facts { facts: Record<string, FactValue>; details: Record<string, string> }

export interface ConditionOutcome { fact: string; found: FactValue; operator: string; required: unknown; against?: string; passed: boolean }

export interface RequirementResult {
  framework: string;
  rule_set: string;
  id: string;
  requirement: string;
  scope: 'run' | 'decision';
  passed: boolean;
  evidence: string;
  conditions: ConditionOutcome[];
  /** Decision-scope rules: how many decisions were checked and which failed. */
  decisions?: { evaluated: number; failed: number; failing_ids: string[] };
}

const OP_TEXT: Record<string, [string, string]> = {
  equal: ['is', 'is not'], notEqual: ['is not', 'is'], lessThan: ['is below', 'is not below'], lessThanInclusive: ['is at most', 'is above'],
  greaterThan: ['is above', 'is not above'], greaterThanInclusive: ['reaches', 'is below'], in: ['is one of', 'is not one of'], notIn: ['is not one of', 'is one of'],
  contains: ['contains', 'does not contain'], doesNotContain: ['does not contain', 'contains'],
};
const fmt = (v: unknown): string => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : Number(v.toPrecision(4)).toString()) : JSON.stringify(v));

function leaves(node: Record<string, unknown>, out: Array<Record<string, unknown>> = []): Array<Record<string, unknown>> {
  if (Array.isArray(node.all)) for (const c of node.all) leaves(c as Record<string, unknown>, out);
  else if (Array.isArray(node.any)) for (const c of node.any) leaves(c as Record<string, unknown>, out);
  else if (node.not) leaves(node.not as Record<string, unknown>, out);
  else out.push(node);
  return out;
}

function outcomes(r: RuleResult, facts: Record<string, FactValue>): ConditionOutcome[] {
  return leaves(r.conditions as unknown as Record<string, unknown>).map((c) => {
    const v = c.value as { fact?: string } | FactValue;
    const ref = v && typeof v === 'object' && !Array.isArray(v) && typeof v.fact === 'string' ? v.fact : undefined;
    return {
      fact: c.fact as string, found: (facts[c.fact as string] ?? null) as FactValue, operator: c.operator as string,
      required: ref ? facts[ref] : v, ...(ref ? { against: ref } : {}), passed: c.result === true,
    };
  });
}

function sentence(o: ConditionOutcome, details: Record<string, string>): string {
  const [yes, no] = OP_TEXT[o.operator] ?? [o.operator, `not ${o.operator}`];
  const detail = details[o.fact] ? ` (${details[o.fact]})` : '';
  const found = o.found === null ? 'not measured' : fmt(o.found);
  return `${o.fact} = ${found}${detail} ${o.passed ? yes : no} ${o.against ? `the declared ${fmt(o.required)} (${o.against})` : fmt(o.required)}`;
}

async function runEngine(rules: ComplianceRule[], facts: Record<string, FactValue>): Promise<Map<string, RuleResult>> {
  const engine = new Engine([], { allowUndefinedFacts: true });
  for (const r of rules) engine.addRule({ name: r.id, conditions: r.conditions as never, event: { type: r.id } });
  const res = await engine.run({ ...facts });
  const out = new Map<string, RuleResult>();
  for (const rr of [...res.results, ...res.failureResults]) out.set(String(rr.name), rr);
  return out;
}

/** A logged decision as decision-scope facts. */
export function decisionFacts(e: Record<string, unknown>): Record<string, FactValue> {
  const has = (v: unknown) => v !== undefined && v !== null && v !== '';
  const model = (e.model ?? {}) as Record<string, unknown>;
  const explanation = e.explanation as unknown;
  return {
    has_decision_id: has(e.decision_id), has_time: has(e.time), has_command: has(e.command), has_run: has(e.run),
    has_model_id: has(model.id), has_model_hash: typeof model.artefact_hash === 'string' && /^[0-9a-f]{64}$/.test(model.artefact_hash),
    has_input_hash: typeof e.input_hash === 'string' && /^[0-9a-f]{64}$/.test(e.input_hash), has_output: has(e.output),
    has_confidence: typeof e.confidence === 'number', confidence: typeof e.confidence === 'number' ? e.confidence : null,
    has_explanation: has(explanation), policy_rules_evaluated: Array.isArray(e.policy) ? e.policy.length : 0,
    risk_flags: Array.isArray(e.risk_flags) ? e.risk_flags.length : 0,
    routed_to_person: e.oversight === 'sent to a person' || e.oversight === 'queued', acted: e.acted !== false,
  };
}

/**
 * Evaluates one rule set: run-scope rules once over `run`, decision-scope rules over every decision
 * (all must pass). Declarations come from the rule set unless `declare` overrides them.
 */
export async function evaluateRuleSet(set: RuleSet, run: Facts, decisions: Array<Record<string, unknown>> = [], declare: Record<string, FactValue> = {}): Promise<RequirementResult[]> {
  const decl: Record<string, FactValue> = { ...(set.declarations ?? {}), ...declare };
  const runRules = set.rules.filter((r) => (r.scope ?? 'run') === 'run');
  const decRules = set.rules.filter((r) => r.scope === 'decision');
  const facts = { ...run.facts, ...decl };
  const runRes = await runEngine(runRules, facts);
  const out: RequirementResult[] = [];
  for (const r of set.rules) {
    if ((r.scope ?? 'run') === 'run') {
      const rr = runRes.get(r.id)!;
      const conds = outcomes(rr, facts);
      const passed = rr.result === true;
      out.push({ framework: set.framework, rule_set: set.id, id: r.id, requirement: r.requirement, scope: 'run', passed, conditions: conds, evidence: `${conds.map((c) => sentence(c, run.details)).join('; ')} → ${passed ? 'pass' : 'fail'}` });
      continue;
    }
    let failed = 0;
    const failing: string[] = [];
    let firstFail: ConditionOutcome[] | null = null;
    for (const d of decisions) {
      const df = { ...decisionFacts(d), ...decl };
      const rr = (await runEngine(decRules.filter((x) => x.id === r.id), df)).get(r.id)!;
      if (rr.result !== true) {
        failed++;
        if (failing.length < 10) failing.push(String(d.decision_id ?? '?'));
        firstFail ??= outcomes(rr, df);
      }
    }
    const passed = decisions.length > 0 && failed === 0;
    const evidence = !decisions.length
      ? 'no logged decisions of this run to check → fail'
      : failed === 0
        ? `all ${decisions.length} logged decisions pass → pass`
        : `${failed} of ${decisions.length} logged decisions fail (first: ${failing[0]}: ${firstFail!.filter((c) => !c.passed).map((c) => sentence(c, {})).join('; ')}) → fail`;
    out.push({ framework: set.framework, rule_set: set.id, id: r.id, requirement: r.requirement, scope: 'decision', passed, conditions: firstFail ?? [], evidence, decisions: { evaluated: decisions.length, failed, failing_ids: failing } });
  }
  return out;
}
