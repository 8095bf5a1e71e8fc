/**
 * Step 7: honest-evaluation checks per model (robust accuracy never rises with ε, PGD never weaker
 * than FGSM, the unbounded attack reaches ~100%, weaker-knowledge attacks never beat white-box ones).
 */
import { honestChecks } from '../../attacks/honest.js';
import type { AttackReport } from '../../attacks/attack.js';
import type { AttackEntry } from '../run.js';
import { evasionOn, type AssessStep } from '../state.js';

export const checksStep: AssessStep = {
  name: 'checks',
  skip: (ctx) => !evasionOn(ctx.state.cfg),
  run(ctx) {
    const { attack, bbRows, unbounded } = ctx.state;
    const res = ctx.record;
    for (const me of res.models) {
      const raw = me.attacks.filter((a) => a.space === 'raw');
      // Black-box attacks ran on a subset of rows: compare them with white-box results on those same rows.
      const toReport = (a: AttackEntry, robust: number) => ({ ...a, robust_accuracy: robust, records: [], clean_accuracy: me.clean_accuracy } as unknown as AttackReport);
      const whole = raw.filter((a) => a.threat === 'white-box').map((a) => toReport(a, a.robust_accuracy));
      const same = raw.filter((a) => a.threat === 'white-box').map((a) => toReport(a, a.subset_robust_accuracy ?? a.robust_accuracy));
      const weaker = raw.filter((a) => a.threat === 'black-box').map((a) => toReport(a, a.robust_accuracy));
      const transfer = raw.filter((a) => a.threat === 'transfer').map((a) => toReport(a, a.robust_accuracy));
      const checks = honestChecks(me.name, [...whole, ...transfer], unbounded.get(me.name) ?? null, attack.table.rows);
      const bbCheck = honestChecks(me.name, [...same, ...weaker], null, bbRows).find((c) => c.name.startsWith('black-box'))!;
      const tr = checks.find((c) => c.name.startsWith('black-box'))!;
      res.checks.push(...checks.filter((c) => !c.name.startsWith('black-box')), {
        model: me.name, name: tr.name, passed: tr.passed && bbCheck.passed,
        detail: [tr.passed ? '' : tr.detail, bbCheck.passed ? '' : bbCheck.detail].filter(Boolean).join('; ') || 'no weaker-knowledge attack beat the white-box ones (black-box compared on its own rows)',
      });
    }
  },
};
