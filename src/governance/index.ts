/**
 * The governance layer's public API (see docs/architecture.md): the RFC 9162 audit log with signed
 * checkpoints and its verifier.
 *
 * @example
 * import os from 'node:os';
 * import path from 'node:path';
 * import { AuditLog, verifyLog } from 'qml6g';
 * const log = AuditLog.open(path.join(os.tmpdir(), `gov-${process.pid}.db`));
 * log.append({ decision_id: 'd1', output: 'attack', confidence: 0.97 });
 * verifyLog(log).ok; // true
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
