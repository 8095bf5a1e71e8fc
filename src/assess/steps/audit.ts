/**
 * Step: the detectors' verdicts on a bounded, seeded sample of the scored test rows go into the
 * tamper-evident audit log ($QML6G_HOME/audit.db, or QML6G_AUDIT_LOG), one entry per model and row,
 * the first rows of each model with a KernelSHAP explanation attached; a signed checkpoint closes it.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { stratifiedSubset } from '../../qml/table.js';
import { AuditLog, defaultLogFile } from '../../governance/audit-log.js';
import { logDetectorDecisions } from '../../governance/decisions.js';
import { runIdOf } from '../../governance/run-evidence.js';
import type { AssessStep } from '../state.js';

/** Verdicts logged per model (a bounded sample: the log records decisions, not whole test sets). */
export const AUDIT_ROWS = 20;

export const auditStep: AssessStep = {
  name: 'audit',
  restore(ctx) {
    if (ctx.previous?.audit) ctx.record.audit = ctx.previous.audit;
  },
  run(ctx) {
    const { cfg, test, detectors } = ctx.state;
    const file = process.env.QML6G_AUDIT_LOG || defaultLogFile();
    const rows = stratifiedSubset(test.labels, Math.min(AUDIT_ROWS, test.table.rows), cfg.seed + 13).sort((a, b) => a - b);
    const log = AuditLog.open(file);
    try {
      const run = runIdOf(ctx.record as unknown as Record<string, unknown>);
      const models = ctx.record.models.filter((m) => detectors.has(m.name)).map((m) => {
        const f = path.join(cfg.out, m.file);
        return { name: m.name, detector: detectors.get(m.name)!, file: m.file, artefactHash: crypto.createHash('sha256').update(fs.readFileSync(f)).digest('hex') };
      });
      ctx.log(`logging ${rows.length} verdicts per model (${models.length} models) into the audit log ${file} ...`);
      const r = logDetectorDecisions(log, { command: 'assess', run, dataset: ctx.record.dataset, table: test.table, rows, detectors: models, seed: cfg.seed });
      ctx.record.audit = { log: file, run, decisions: r.decisions, first_index: r.first, tree_size: r.tree_size, root: r.root, explained: r.explained, explanations: r.explanations };
    } finally {
      log.close();
    }
  },
};
