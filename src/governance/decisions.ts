/**
 * Automated decisions as audit entries: one canonical-JSON entry per verdict with its id, time, the
 * command and run, the model and the SHA-256 of its artefact, a hash of the input row, the output
 * and confidence, an explanation (KernelSHAP for the first rows of each model, a reference to
 * `qml6g explain` for the rest), the policy rules evaluated with their results, risk flags
 * (low confidence, quantum/classical disagreement), and the human action (none yet).
 *
 * @example
 * // logDetectorDecisions(log, { command: 'assess', run: 'run-1', dataset: 'nsl-kdd', table, rows: [0, 1, 2],
 * //   detectors: [{ name: 'vqc', detector, artefactHash }], seed: 0 });
 */
import crypto from 'node:crypto';
import { QmlError } from '../core/errors.js';
import type { Detector } from '../qml/detector.js';
import type { Table } from '../qml/table.js';
import { canonicalJson } from '../supply/signing.js';
import type { AuditLog } from './audit-log.js';
import { defaultOversightPolicy, escalationReasons, type OversightPolicy } from './oversight.js';
import { explainPrediction } from './shap.js';

export interface DecisionEntry {
  type: 'decision';
  decision_id: string;
  time: string;
  command: string;
  run: string;
  dataset: string;
  row: number;
  model: { id: string; type: string; kind: 'quantum' | 'classical'; artefact_hash: string };
  input_hash: string;
  output: string;
  confidence: number;
  probabilities: Record<string, number>;
  explanation: Record<string, unknown>;
  policy: Array<{ rule: string; passed: boolean }>;
  risk_flags: string[];
  /** Evaluation verdicts act on nothing; operational decisions (scenarios) do. */
  acted: boolean;
  oversight: string;
  human_action: null;
}

/** SHA-256 of one raw row (column names and values, canonical JSON). */
export function rowHash(t: Table, r: number): string {
  const o: Record<string, unknown> = {};
  for (const c of t.columns) o[c.name] = c.kind === 'numeric' ? (Number.isNaN(c.values[r]) ? null : c.values[r]) : c.values[r];
  return crypto.createHash('sha256').update(canonicalJson(o)).digest('hex');
}

export interface DecisionLogOptions {
  command: string;
  run: string;
  dataset: string;
  table: Table;
  /** The rows whose verdicts are logged (a bounded sample). */
  rows: number[];
  detectors: Array<{ name: string; detector: Detector; artefactHash: string; file?: string }>;
  /** Rows per model explained with KernelSHAP inside the entry (default 1); the others carry a reference. */
  explainRows?: number;
  /** KernelSHAP budget for the attached explanations (coalitions beyond 12 features, background rows). */
  explainSamples?: number;
  explainBackground?: number;
  policy?: OversightPolicy;
  acted?: boolean;
  seed?: number;
  time?: Date;
}

/** Scores the rows with every detector and appends one decision entry per (model, row) in one transaction. */
export interface AttachedExplanation { model: string; kind: string; decision_id: string; row: number; class: string; prediction: number; base_value: number; exact: boolean; values: Record<string, number>; std_errors?: Record<string, number> }

export function logDetectorDecisions(log: AuditLog, o: DecisionLogOptions): { decisions: number; first: number; tree_size: number; root: string; explained: number; explanations: AttachedExplanation[] } {
  for (const r of o.rows) if (!Number.isInteger(r) || r < 0 || r >= o.table.rows) throw new QmlError(`row ${r} is outside the data (0 to ${o.table.rows - 1})`);
  const policy = o.policy ?? defaultOversightPolicy;
  const time = (o.time ?? new Date()).toISOString();
  const sub: Table = { rows: o.rows.length, columns: o.table.columns.map((c) => (c.kind === 'numeric' ? { ...c, values: Float64Array.from(o.rows, (r) => c.values[r]) } : { ...c, values: o.rows.map((r) => c.values[r]) })) };
  const hashes = o.rows.map((r) => rowHash(o.table, r));
  const verdicts = o.detectors.map(({ detector }) => {
    const p = detector.predictProba(sub), C = detector.classes.length;
    return o.rows.map((_, i) => {
      let b = 0;
      for (let c = 1; c < C; c++) if (p[i * C + c] > p[i * C + b]) b = c;
      return { cls: b, p: Array.from(p.subarray(i * C, (i + 1) * C)) };
    });
  });
  // Quantum/classical disagreement: the same row judged differently by the two kinds of model.
  const kinds = o.detectors.map((d) => d.detector.model.kind);
  const entries: DecisionEntry[] = [];
  let explained = 0;
  const explanations: AttachedExplanation[] = [];
  o.detectors.forEach(({ name, detector, artefactHash, file }, k) => {
    o.rows.forEach((row, i) => {
      const v = verdicts[k][i];
      const output = detector.classes[v.cls];
      const confidence = v.p[v.cls];
      const other = o.detectors.map((d, j) => ({ j, out: d.detector.classes[verdicts[j][i].cls] })).filter(({ j }) => kinds[j] !== kinds[k]);
      const flags: string[] = [];
      if (other.some((x) => x.out !== output)) flags.push('quantum-classical-disagreement');
      const reasons = escalationReasons({ decision_id: '', action: output, safe_default: null, confidence, risk_flags: flags }, policy);
      if (confidence < policy.minConfidence) flags.push('low-confidence');
      let explanation: Record<string, unknown>;
      if (i < (o.explainRows ?? 1)) {
        const e = explainPrediction(detector, sub, i, { samples: o.explainSamples ?? 256, maxBackground: o.explainBackground ?? 16, seed: o.seed ?? 0, background: sub, classIndex: v.cls });
        const top = [...e.features].sort((a, b) => Math.abs(e.values[b]) - Math.abs(e.values[a])).slice(0, 8);
        explanation = {
          method: 'kernel-shap (Lundberg & Lee 2017)', exact: e.exact, class: e.class, base_value: e.base_value, prediction: e.prediction,
          top: Object.fromEntries(top.map((f) => [f, e.values[f]])), std_errors: e.exact ? undefined : Object.fromEntries(top.map((f) => [f, e.std_errors[f]])),
          background_rows: e.background_rows, coalitions: e.coalitions,
        };
        explained++;
        explanations.push({
          model: name, kind: detector.model.kind, decision_id: `${o.run}/${name}/${row}`, row, class: e.class, prediction: e.prediction, base_value: e.base_value, exact: e.exact,
          values: explanation.top as Record<string, number>, ...(e.exact ? {} : { std_errors: explanation.std_errors as Record<string, number> }),
        });
      } else {
        explanation = { ref: `qml6g explain --model ${file ?? `${name}.json`} --data ${o.dataset} --row ${row}`, method: 'kernel-shap (Lundberg & Lee 2017)' };
      }
      entries.push({
        type: 'decision', decision_id: `${o.run}/${name}/${row}`, time, command: o.command, run: o.run, dataset: o.dataset, row,
        model: { id: name, type: detector.meta.spec.type, kind: detector.model.kind, artefact_hash: artefactHash }, input_hash: hashes[i],
        output, confidence, probabilities: Object.fromEntries(detector.classes.map((c, j) => [c, v.p[j]])), explanation,
        policy: [
          { rule: `confidence >= ${policy.minConfidence}`, passed: confidence >= policy.minConfidence },
          { rule: `no escalation flag (${policy.escalateFlags.join(', ')})`, passed: !flags.some((f) => policy.escalateFlags.includes(f)) },
        ],
        risk_flags: flags, acted: o.acted ?? false,
        oversight: (o.acted ?? false) ? (reasons.length ? 'sent to a person' : 'applied automatically') : 'evaluation verdict (no action taken)',
        human_action: null,
      });
    });
  });
  const r = log.appendMany(entries);
  return { decisions: entries.length, first: r.first, tree_size: r.tree_size, root: r.root, explained, explanations };
}
