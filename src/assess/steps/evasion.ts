/**
 * Step 3: evasion attacks in raw traffic features under the domain constraints (white-box on every
 * attack row, black-box on a subset within a query budget), then the unbounded DeepFool run the
 * honest checks need.
 */
import { Rng } from '../../core/rng.js';
import { selectRows } from '../../qml/table.js';
import { InputTarget, RawTarget } from '../../attacks/target.js';
import { evasionAttack } from '../../attacks/registry.js';
import { runAttack, scoreAdversarial, type AttackReport } from '../../attacks/attack.js';
import { threatModel } from '../../attacks/threat.js';
import type { AttackEntry } from '../run.js';
import { evasionOn, reuse, type AssessContext, type AssessStep } from '../state.js';

const MINIMAL = new Set(['cw', 'deepfool', 'hopskipjump']);
const BLACK_BOX = new Set(['square', 'hopskipjump']);
const NOT_EVASION = new Set(['transfer', 'encoding', 'readout', 'interception', 'noise-injection']);

/** An attack report as a results entry (white-box ones also scored on the black-box rows alone). */
export function entryOf(ctx: AssessContext, r: AttackReport, rows: number, name = r.name): AttackEntry {
  const n = ctx.state.bbRows;
  const subsetRobust = r.records.slice(0, n).filter((x) => x.correct && !x.success).length / Math.max(n, 1);
  return {
    subset_robust_accuracy: r.threat === 'white-box' ? subsetRobust : undefined,
    name, threat: r.threat, epsilon: r.epsilon, robust_accuracy: r.robust_accuracy, attack_success_rate: r.attack_success_rate,
    space: r.space, norm: r.norm, rows, mean_queries: r.mean_queries, mean_perturbation: r.mean_perturbation, median_perturbation: r.median_perturbation,
    ece_clean: r.ece_clean, ece_adversarial: r.ece_adversarial, seconds: r.seconds,
  };
}

export const evasionStep: AssessStep = {
  name: 'evasion',
  skip: (ctx) => !evasionOn(ctx.state.cfg),
  async run(ctx) {
    const { cfg, attack, train, constraints, bbRows, detectors, epsT } = ctx.state;
    const evasion = cfg.attacks.filter((a) => !NOT_EVASION.has(a) && !a.startsWith('param'));
    for (const me of ctx.record.models) {
      const det = detectors.get(me.name)!;
      const full = new RawTarget(det, attack.table, constraints, train.table);
      const y = det.labelsFor(attack);
      const X0 = full.initial();
      const bb = selectRows(attack, Array.from({ length: bbRows }, (_, i) => i));
      const bbTarget = new RawTarget(det, bb.table, constraints, train.table);
      const units = evasion.length * cfg.eps.length;
      let done = 0;
      for (const a of evasion) {
        const atk = evasionAttack(a, cfg.quick ? 0.5 : 0.7);
        const black = BLACK_BOX.has(a);
        const tgt = black ? bbTarget : full, rows = black ? bbRows : attack.table.rows;
        const yy = black ? y.subarray(0, bbRows) : y, XX = black ? bbTarget.initial() : X0;
        const threatAt = (eps: number) => threatModel({ epsilon: eps, norm: cfg.norm, space: 'raw', constraints, steps: cfg.steps, queries: cfg.queries, restarts: 1 });
        if (MINIMAL.has(a)) {
          const cached = cfg.eps.map((e) => reuse(ctx, me.name, a, e));
          if (cached.every(Boolean)) { me.attacks.push(...(cached as AttackEntry[])); done += cfg.eps.length; continue; }
          // One run finds each row's smallest perturbation; score it at every ε.
          const ts = performance.now(), q0 = tgt.queries;
          const advX = atk.run({ target: tgt, X0: XX, y: yy, rows, threat: threatAt(Math.max(...cfg.eps)), rng: new Rng(cfg.seed) }).X;
          const q = (tgt.queries - q0) / rows, secs = (performance.now() - ts) / 1000;
          for (const eps of cfg.eps) {
            me.attacks.push(entryOf(ctx, scoreAdversarial(atk, tgt, XX, advX, yy, rows, threatAt(eps), q, undefined, secs / cfg.eps.length), rows));
            ctx.progress(`attack ${me.name}`, ++done, units);
          }
        } else {
          for (const eps of cfg.eps) {
            // PGD at the transfer ε always runs: its points feed the transfer step.
            const cached = reuse(ctx, me.name, a, eps);
            if (cached && !(a === 'pgd' && eps === epsT)) { me.attacks.push(cached); ctx.progress(`attack ${me.name}`, ++done, units); continue; }
            const ts = performance.now(), q0 = tgt.queries;
            const o = eps === 0 ? { X: Float64Array.from(XX), steps: undefined } : atk.run({ target: tgt, X0: XX, y: yy, rows, threat: threatAt(eps), rng: new Rng(cfg.seed) });
            const r = scoreAdversarial(atk, tgt, XX, o.X, yy, rows, threatAt(eps), (tgt.queries - q0) / rows, o.steps, (performance.now() - ts) / 1000);
            me.attacks.push(entryOf(ctx, r, rows));
            if (a === 'pgd' && eps === epsT) ctx.state.pgdPoints.set(me.name, o.X);
            ctx.progress(`attack ${me.name}`, ++done, units);
          }
        }
        await ctx.checkpoint();
      }
      // Unbounded check: DeepFool on the model's own inputs, with no ε limit, must reach nearly every row.
      const Z = det.inputs(attack.table);
      ctx.state.unbounded.set(me.name, runAttack(evasionAttack('deepfool'), new InputTarget(det.model), Z.data, y, Z.rows, threatModel({ epsilon: 1e9, steps: cfg.steps, norm: 'l2' }), cfg.seed));
    }
  },
};
