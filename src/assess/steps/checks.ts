/**
 * Step 7: honest-evaluation checks per model (robust accuracy never rises with ε, PGD never weaker
 * than FGSM, the unbounded attack reaches ~100% of the rows any valid change can flip, weaker-
 * knowledge attacks never beat the white-box ones), and each model's per-row worst case.
 */
import { honestChecks, type Check } from '../../attacks/honest.js';
import type { AttackReport } from '../../attacks/attack.js';
import type { AttackEntry, ModelEntry } from '../run.js';
import { evasionOn, type AssessStep } from '../state.js';
import { worstCase } from '../worst-case.js';

/** Per ε: the rows (among the first `n`) that some white-box attack at that ε or below flipped. */
function whiteBoxUnion(me: ModelEntry, n: number): Map<number, Set<number>> {
  const out = new Map<number, Set<number>>();
  const wb = me.attacks.filter((a) => a.space === 'raw' && a.threat === 'white-box' && a.flipped);
  for (const e of new Set(wb.map((a) => a.epsilon))) {
    const s = new Set<number>();
    for (const a of wb) if (a.epsilon <= e) for (const r of a.flipped!) if (r < n) s.add(r);
    out.set(e, s);
  }
  return out;
}

/**
 * The checks of one model. `moreUnbounded`: rows flipped by further unbounded attacks (the adaptive
 * step's), counted with the unbounded attack's own.
 */
export function modelChecks(me: ModelEntry, rows: number, bbRows: number, moreUnbounded: number[] = []): Check[] {
  const raw = me.attacks.filter((a) => a.space === 'raw');
  const toReport = (a: Pick<AttackEntry, 'name' | 'threat' | 'epsilon'>, robust: number) => ({ ...a, robust_accuracy: robust, records: [], clean_accuracy: me.clean_accuracy } as unknown as AttackReport);
  // The white-box adversary is every white-box attack together: the per-row union at each ε, on all rows and on the black-box rows.
  const correct = new Set(me.attack_rows?.correct ?? []);
  const unionReports = (n: number) => [...whiteBoxUnion(me, n)].map(([e, s]) => toReport({ name: 'white-box worst case', threat: 'white-box', epsilon: e }, [...correct].filter((r) => r < n && !s.has(r)).length / Math.max(n, 1)));
  const whole = raw.filter((a) => a.threat === 'white-box').map((a) => toReport(a, a.robust_accuracy));
  const same = raw.filter((a) => a.threat === 'white-box').map((a) => toReport(a, a.subset_robust_accuracy ?? a.robust_accuracy));
  const weaker = raw.filter((a) => a.threat === 'black-box').map((a) => toReport(a, a.robust_accuracy));
  const transfer = raw.filter((a) => a.threat === 'transfer').map((a) => toReport(a, a.robust_accuracy));
  const ub = me.unbounded;
  const flippedUb = new Set([...(ub?.flipped ?? []), ...moreUnbounded]);
  const unboundedReport = ub ? ({ name: ub.attack, epsilon: Infinity, records: Array.from({ length: rows }, (_, i) => ({ success: flippedUb.has(i) })) } as unknown as AttackReport) : null;
  const reach = ub ? { reachable: ub.reachable, outOfReach: ub.out_of_reach, exact: ub.exact } : undefined;
  const checks = honestChecks(me.name, [...whole, ...(me.attack_rows ? unionReports(rows) : []), ...transfer], unboundedReport, rows, reach);
  // Black-box attacks ran on a subset of rows: compare them with white-box results on those same rows.
  const bbCheck = honestChecks(me.name, [...same, ...(me.attack_rows ? unionReports(bbRows) : []), ...weaker], null, bbRows).find((c) => c.name.startsWith('black-box'))!;
  const tr = checks.find((c) => c.name.startsWith('black-box'))!;
  return [...checks.filter((c) => !c.name.startsWith('black-box')), {
    model: me.name, name: tr.name, passed: tr.passed && bbCheck.passed,
    detail: [tr.passed ? '' : tr.detail, bbCheck.passed ? '' : bbCheck.detail].filter(Boolean).join('; ') || 'no weaker-knowledge attack beat the white-box ones (black-box compared on its own rows)',
  }];
}

export const checksStep: AssessStep = {
  name: 'checks',
  skip: (ctx) => !evasionOn(ctx.state.cfg),
  run(ctx) {
    const { attack, bbRows, cfg } = ctx.state;
    for (const me of ctx.record.models) {
      me.worst_case = worstCase(me, cfg.eps);
      ctx.record.checks.push(...modelChecks(me, attack.table.rows, bbRows));
    }
  },
};
