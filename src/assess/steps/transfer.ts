/** Step 4: PGD points crafted on each model, replayed on every other one (a matrix of transfer rates). */
import { RawTarget } from '../../attacks/target.js';
import { scoreAdversarial } from '../../attacks/attack.js';
import { threatModel } from '../../attacks/threat.js';
import { entryOf } from './evasion.js';
import { evasionOn, type AssessStep } from '../state.js';

export const transferStep: AssessStep = {
  name: 'transfer',
  skip: (ctx) => !evasionOn(ctx.state.cfg) || !ctx.state.cfg.attacks.includes('transfer') || ctx.state.epsT <= 0,
  async run(ctx) {
    const { attack, train, constraints, detectors, epsT, cfg } = ctx.state;
    const res = ctx.record;
    res.transfer.epsilon = epsT;
    const threat = threatModel({ epsilon: epsT, norm: cfg.norm, space: 'raw', constraints });
    for (const [from, Xadv] of ctx.state.pgdPoints) {
      const srcDet = detectors.get(from)!;
      const srcTarget = new RawTarget(srcDet, attack.table, constraints, train.table);
      const fooledSrc = scoreAdversarial({ name: 'x', knowledge: 'transfer' }, srcTarget, srcTarget.initial(), Xadv, srcDet.labelsFor(attack), attack.table.rows, threat, 0);
      for (const me of res.models) {
        if (me.name === from) continue;
        const det = detectors.get(me.name)!;
        const tgt = new RawTarget(det, attack.table, constraints, train.table);
        const r = scoreAdversarial({ name: `transfer:${from}`, knowledge: 'transfer' }, tgt, tgt.initial(), Xadv, det.labelsFor(attack), attack.table.rows, threat, 0);
        let both = 0, src = 0;
        r.records.forEach((rec, i) => { if (fooledSrc.records[i].success) { src++; if (rec.success) both++; } });
        res.transfer.pairs.push({ from, to: me.name, robust_accuracy: r.robust_accuracy, transfer_rate: src ? both / src : 0 });
        me.attacks.push(entryOf(ctx, r, attack.table.rows, `transfer:${from}`));
      }
    }
  },
};
