/**
 * `qml6g comply RUN [--log FILE] [--rules FILE|DIR,...] [--declare FILE]`: evaluates the compliance
 * rule sets (EU AI Act Art. 12–15, NIST AI RMF MEASURE 2.7 / MANAGE 2.4, ETSI EN 304 223) against a
 * run (an assess output folder or its results.json), its model files and the audit log; writes
 * compliance.json and compliance.md beside the results and prints each requirement with its
 * evidence and pass/fail. Exit 0 (1 with --strict when a requirement fails); 2 for bad input.
 */
import fs from 'node:fs';
import path from 'node:path';
import { QmlError } from '../../core/errors.js';
import { version } from '../../core/version.js';
import { AuditLog, defaultLogFile } from '../../governance/audit-log.js';
import { evaluateRuleSet, loadRuleSets, rulesDir, type FactValue, type RequirementResult } from '../../governance/compliance.js';
import { gatherRunEvidence, runFacts } from '../../governance/run-evidence.js';
import { parseArgs, usage, type Flags } from '../args.js';
import { printJson, printLine, readJson, writeFileAtomic } from '../io.js';

export const help = 'compliance report of a run: EU AI Act Art. 12-15, NIST AI RMF, ETSI EN 304 223 rules as data';

const flags: Flags = {
  log: { type: 'string', help: 'the audit log to draw evidence from (default $QML6G_HOME/audit.db when it exists)' },
  rules: { type: 'string', help: 'comma-separated rule set files or folders (default: the shipped rule sets)' },
  declare: { type: 'string', help: 'JSON file of declared levels (declared_robust_accuracy, declared_epsilon, ...)' },
  out: { type: 'string', help: 'write the JSON report here (default: compliance.json beside results.json)' },
  strict: { type: 'boolean', help: 'exit 1 when a requirement fails' },
  json: { type: 'boolean', help: 'print the report as one JSON object (last line)' },
  help: { type: 'boolean', help: 'show this help' },
};

function markdown(report: { run: string; requirements: RequirementResult[]; passed: number; failed: number }): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const lines = [`# Compliance report: ${report.run}`, '', `${report.passed} requirements pass, ${report.failed} fail.`, ''];
  for (const fw of [...new Set(report.requirements.map((r) => r.framework))]) {
    lines.push(`## ${fw}`, '', '| requirement | evidence | result |', '|---|---|---|');
    for (const r of report.requirements.filter((x) => x.framework === fw)) lines.push(`| ${esc(r.requirement)} | ${esc(r.evidence)} | ${r.passed ? 'pass' : '**fail**'} |`);
    lines.push('');
  }
  return lines.join('\n');
}

export async function run(argv: string[]): Promise<void> {
  const a = parseArgs(argv, flags, 'comply');
  if (a.flags.help) { printLine(usage('comply', 'RUN [options]   (RUN: an assess output folder or its results.json)', flags)); return; }
  if (a.positional.length !== 1) throw new QmlError('comply needs exactly one RUN (an assess output folder or its results.json)');
  const runArg = a.positional[0];
  const sets = loadRuleSets(a.flags.rules ? String(a.flags.rules).split(',').map((s) => s.trim()).filter(Boolean) : [rulesDir]);
  let declare: Record<string, FactValue> = {};
  if (a.flags.declare) {
    const j = readJson(a.flags.declare as string, 'declarations');
    if (!j || typeof j !== 'object' || Array.isArray(j)) throw new QmlError('declarations must be a JSON object of declared_* levels', a.flags.declare as string);
    for (const [k, v] of Object.entries(j)) {
      if (!k.startsWith('declared_')) throw new QmlError(`declaration "${k}" must be named declared_*`, a.flags.declare as string);
      if (!['number', 'string', 'boolean'].includes(typeof v)) throw new QmlError(`declaration "${k}" must be a number, a string or a boolean`, a.flags.declare as string);
    }
    declare = j as Record<string, FactValue>;
  }
  const logFile = (a.flags.log as string | undefined) ?? (fs.existsSync(defaultLogFile()) ? defaultLogFile() : undefined);
  const log = logFile ? AuditLog.open(logFile, { readonly: true }) : null;
  let requirements: RequirementResult[] = [];
  let ev;
  try {
    ev = gatherRunEvidence(runArg, log);
    for (const s of sets) {
      const eps = Number(declare.declared_epsilon ?? s.declarations?.declared_epsilon ?? 0.25);
      requirements = requirements.concat(await evaluateRuleSet(s, runFacts(ev, eps), ev.decisions, declare));
    }
  } finally {
    log?.close();
  }
  const passed = requirements.filter((r) => r.passed).length;
  const report = {
    format: 'qml6g-compliance', version: version(), generated: new Date().toISOString(), run: ev.runId, results: path.basename(ev.resultsFile),
    log: logFile ?? null, rule_sets: sets.map((s) => ({ id: s.id, framework: s.framework, source: s.source })), declarations: declare,
    passed, failed: requirements.length - passed, requirements,
  };
  const outJson = (a.flags.out as string | undefined) ?? path.join(path.dirname(ev.resultsFile), 'compliance.json');
  writeFileAtomic(outJson, `${JSON.stringify(report, null, 1)}\n`);
  writeFileAtomic(outJson.replace(/\.json$/, '') + '.md', markdown(report));
  if (a.flags.json) printJson(report);
  else {
    for (const r of requirements) printLine(`${r.passed ? 'PASS' : 'FAIL'}  ${r.requirement}\n      ${r.evidence}`);
    printLine(`${passed} of ${requirements.length} requirements pass; report: ${outJson}`);
  }
  if (a.flags.strict && passed < requirements.length) process.exitCode = 1;
}
