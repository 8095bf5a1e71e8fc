/** Step 1: a stratified sample, a held-out test split, attack rows from it, the domain constraints. */
import { selectRows, stratifiedSubset } from '../../qml/table.js';
import { assessSplit } from '../detectors.js';
import { NSL_KDD_CONSTRAINTS } from '../../attacks/target.js';
import { inferConstraints } from '../run.js';
import type { AssessStep } from '../state.js';

export const dataStep: AssessStep = {
  name: 'data',
  run(ctx) {
    const cfg = ctx.state.cfg;
    const { data, train, test } = assessSplit(cfg);
    for (const n of data.notes) if (n.startsWith('warning')) ctx.log(n);
    const attack = selectRows(test, stratifiedSubset(test.labels, Math.min(cfg.attackRows, test.table.rows), cfg.seed + 2));
    const bbRows = Math.min(cfg.blackBoxRows, attack.table.rows);
    const constraints = cfg.constraints ?? (data.name.startsWith('nsl-kdd') ? NSL_KDD_CONSTRAINTS : inferConstraints(train));
    const positive = cfg.eps.filter((e) => e > 0);
    Object.assign(ctx.state, { train, test, attack, bbRows, constraints, epsT: positive[Math.floor(positive.length / 2)] ?? 0 });
    const r = ctx.record;
    r.dataset = data.name;
    r.classes = data.classes;
    r.rows = { train: train.table.rows, test: test.table.rows, attack: attack.table.rows, black_box: bbRows };
    r.notes = [...data.notes, `raw-space attacks move only the attacker-controlled columns: ${constraints.mutable.join(', ')}; ε is in standard deviations of each column`];
  },
};
