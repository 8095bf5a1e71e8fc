/**
 * The governance layer's public API (see docs/architecture.md, "Inside governance"): the RFC 9162
 * audit log with signed checkpoints and its verifier, KernelSHAP explanations and the shot-noise
 * check, allocation/route explanations, the human-oversight queue, and compliance rules as data.
 *
 * @example
 * import os from 'node:os';
 * import path from 'node:path';
 * import { AuditLog, verifyLog, fromHex, verifyInclusion, OversightQueue, loadDataset, Detector, explainPrediction, loadRuleSets, evaluateRuleSet } from 'qml6g';
 * // 1. A tamper-evident log: append, prove, verify.
 * const log = AuditLog.open(path.join(os.tmpdir(), `gov-${process.pid}.db`));
 * const { index } = log.append({ decision_id: 'd1', output: 'attack', confidence: 0.97 });
 * const p = log.inclusionProof(index);
 * verifyInclusion(p.leaf_index, p.tree_size, fromHex(p.leaf_hash), p.proof.map(fromHex), fromHex(p.root)); // true
 * verifyLog(log).ok; // true
 * // 2. Human oversight: a low-confidence decision waits for a person.
 * const q = new OversightQueue(log);
 * q.submit({ decision_id: 'd2', action: { isolate: 'gNB-7' }, safe_default: { isolate: null }, confidence: 0.4 }).status; // 'pending'
 * q.override('d2', 'alice', { isolate: null }, 'false alarm');
 * // 3. An explanation in raw features (exact: 4 features).
 * const iris = loadDataset('iris');
 * const det = Detector.train(iris, { type: 'logreg' }, { epochs: 20, seed: 1 });
 * const e = explainPrediction(det, iris.table, 0, { seed: 1 });
 * e.exact; // true; Object.values(e.values) sums to e.prediction - e.base_value
 * // 4. Compliance rules as data, over facts.
 * const [ai] = loadRuleSets().filter((s) => s.id === 'eu-ai-act');
 * // evaluateRuleSet(ai, runFacts(gatherRunEvidence('qml6g-report', log), 0.25)) → requirements with evidence
 * log.close();
 */
export {
  leafHash, nodeHash, emptyRoot, rootOf, rangeHash, inclusionPath, consistencyPath, inclusionProofOf, consistencyProofOf,
  verifyInclusion, verifyConsistency, toHex, fromHex, levelsOf, type Hash, type SubtreeSource,
} from './merkle.js';
export { signCheckpoint, verifyCheckpoint, parseCheckpoint, type Checkpoint, type TreeHead } from './checkpoint.js';
export { AuditLog, defaultLogFile, type AuditLogOptions, type InclusionProof, type ConsistencyProof } from './audit-log.js';
export { verifyLog, type VerifyReport, type VerifyOptions, type Problem } from './verify.js';
export { governanceMigrations } from './migrations.js';
export { kernelShap, explainPrediction, kernelShapSolve, shapleyKernel, type ShapOptions, type ShapResult, type ProbaFn } from './shap.js';
export { OversightQueue, escalationReasons, defaultOversightPolicy, type OversightPolicy, type ProposedDecision, type OversightItem, type ItemStatus, type ControlState } from './oversight.js';
export {
  loadRuleSets, parseRuleSet, evaluateRuleSet, decisionFacts, rulesDir, RUN_FACTS, DECISION_FACTS,
  type RuleSet, type ComplianceRule, type RequirementResult, type Facts, type FactValue, type ConditionOutcome,
} from './compliance.js';
export { gatherRunEvidence, runFacts, runIdOf, type RunEvidence } from './run-evidence.js';
export { explainAllocation, explainRoute, type AllocationProblem, type AllocationConstraint, type AllocationExplanation, type RouteEdge } from './allocation.js';
export { logDetectorDecisions, rowHash, type DecisionEntry, type DecisionLogOptions } from './decisions.js';
export { shotNoiseCheck, withShots, type ShotNoiseReport } from './shot-noise.js';
