/**
 * Step 3: evasion attacks in raw traffic features under the domain constraints (white-box on every
 * attack row, black-box on a subset within a query budget), then the unbounded check's inputs:
 * constrained DeepFool with no budget and which rows any valid change can flip at all.
 */
import { Rng } from '../../core/rng.js';
import { selectRows } from '../../qml/table.js';
import { RawTarget } from '../../attacks/target.js';
import { evasionAttack } from '../../attacks/registry.js';
import { argmaxRows, runAttack, scoreAdversarial, type AttackReport } from '../../attacks/attack.js';
import { threatModel } from '../../attacks/threat.js';
import { DeepFool } from '../../attacks/evasion/deepfool.js';
import { reachability } from '../../attacks/reach.js';
import { wilsonInterval } from '../../core/stats.js';
import { threadCpuSeconds } from '../../core/cpu.js';
import type { AttackEntry, UnboundedEntry } from '../run.js';
import { evasionOn, reuse, type AssessContext, type AssessStep } from '../state.js';

const MINIMAL = new Set(['cw', 'deepfool', 'hopskipjump']);
const BLACK_BOX = new Set(['square', 'hopskipjump']);
const NOT_EVASION = new Set(['transfer', 'encoding', 'readout', 'interception', 'noise-injection']);

/** An attack report as a results entry (white-box ones also scored on the black-box rows alone), with 95% Wilson intervals. */
export function entryOf(ctx: AssessContext, r: AttackReport, rows: number, name = r.name): AttackEntry {
  const n = ctx.state.bbRows;
  const subsetRobust = r.records.slice(0, n).filter((x) => x.correct && !x.success).length / Math.max(n, 1);
  const robust = r.records.filter((x) => x.correct && !x.success).length, correct = r.records.filter((x) => x.correct).length;
  const flipped: number[] = [];
  r.records.forEach((x, i) => { if (x.success) flipped.push(i); });
  return {
    subset_robust_accuracy: r.threat === 'white-box' ? subsetRobust : undefined,
    name, threat: r.threat, epsilon: r.epsilon, robust_accuracy: r.robust_accuracy, robust_accuracy_ci: wilsonInterval(robust, r.records.length),
    attack_success_rate: r.attack_success_rate, attack_success_rate_ci: wilsonInterval(flipped.length, correct), clean_accuracy: r.clean_accuracy, flipped,
    space: r.space, norm: r.norm, rows, mean_queries: r.mean_queries, mean_perturbation: r.mean_perturbation, median_perturbation: r.median_perturbation,
    ece_clean: r.ece_clean, ece_adversarial: r.ece_adversarial, seconds: r.seconds,
  };
}

/**
 * The unbounded check's inputs, sound under the domain constraints: constrained DeepFool with no
 * budget in the raw attack space, and which rows any valid change can flip at all (exact for linear
 * models, by search otherwise: see attacks/reach.ts).
 */
export function unboundedEntry(target: RawTarget, X0: Float64Array, y: Int32Array, rows: number, seed: number, steps: number): UnboundedEntry {
  const df = runAttack(new DeepFool(50), target, X0, y, rows, threatModel({ epsilon: Infinity, norm: 'l2', space: 'raw', constraints: target.constraints, steps }), seed);
  const reach = reachability(target, X0, y, rows, { seed, steps, known: Uint8Array.from(df.records, (x) => (x.success ? 1 : 0)) });
  // The gradient attacks without a budget (DeepFool, then PGD far outside the data) are the unbounded
  // attack; rows only the corner search reaches are what the gradients miss.
  const gradient = new Set(reach.methods.map((m, i) => (m.startsWith('corner') ? -1 : i)).filter((i) => i >= 0));
  const flipped: number[] = [];
  for (let r = 0; r < rows; r++) if (reach.reached[r] && gradient.has(reach.via[r]) && !(reach.exact && !df.records[r].success)) flipped.push(r);
  return { attack: reach.exact ? 'deepfool' : 'deepfool + pgd (no budget)', flipped, correct: reach.correct, reachable: reach.reachable, out_of_reach: reach.outOfReach, exact: reach.exact, methods: reach.methods };
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
        // Early stop (AutoAttack's rule) everywhere except PGD at the transfer ε, whose points are
        // replayed on the other models and should be as confident as the full run makes them.
        const threatAt = (eps: number) => threatModel({ epsilon: eps, norm: cfg.norm, space: 'raw', constraints, steps: cfg.steps, queries: cfg.queries, restarts: 1, earlyStop: !(a === 'pgd' && eps === epsT) });
        if (MINIMAL.has(a)) {
          const cached = cfg.eps.map((e) => reuse(ctx, me.name, a, e));
          if (cached.every(Boolean)) { me.attacks.push(...(cached as AttackEntry[])); done += cfg.eps.length; continue; }
          // One run finds each row's smallest perturbation; score it at every ε.
          const ts = performance.now(), c0 = threadCpuSeconds(), q0 = tgt.queries;
          const advX = atk.run({ target: tgt, X0: XX, y: yy, rows, threat: threatAt(Math.max(...cfg.eps)), rng: new Rng(cfg.seed) }).X;
          const q = (tgt.queries - q0) / rows, secs = (performance.now() - ts) / 1000, cpu = threadCpuSeconds() - c0;
          for (const eps of cfg.eps) {
            me.attacks.push({ ...entryOf(ctx, scoreAdversarial(atk, tgt, XX, advX, yy, rows, threatAt(eps), q, undefined, secs / cfg.eps.length), rows), cpu_seconds: cpu / cfg.eps.length });
            ctx.progress(`attack ${me.name}`, ++done, units);
          }
        } else {
          for (const eps of cfg.eps) {
            // PGD at the transfer ε always runs: its points feed the transfer step.
            const cached = reuse(ctx, me.name, a, eps);
            if (cached && !(a === 'pgd' && eps === epsT)) { me.attacks.push(cached); ctx.progress(`attack ${me.name}`, ++done, units); continue; }
            const ts = performance.now(), c0 = threadCpuSeconds(), q0 = tgt.queries;
            const o = eps === 0 ? { X: Float64Array.from(XX), steps: undefined } : atk.run({ target: tgt, X0: XX, y: yy, rows, threat: threatAt(eps), rng: new Rng(cfg.seed) });
            const r = scoreAdversarial(atk, tgt, XX, o.X, yy, rows, threatAt(eps), (tgt.queries - q0) / rows, o.steps, (performance.now() - ts) / 1000);
            me.attacks.push({ ...entryOf(ctx, r, rows), cpu_seconds: threadCpuSeconds() - c0 });
            if (a === 'pgd' && eps === epsT) ctx.state.pgdPoints.set(me.name, o.X);
            ctx.progress(`attack ${me.name}`, ++done, units);
          }
        }
        await ctx.checkpoint();
      }
      const clean = argmaxRows(full.proba(X0, attack.table.rows), attack.table.rows, det.classes.length);
      me.attack_rows = { n: attack.table.rows, correct: Array.from({ length: attack.table.rows }, (_, i) => i).filter((i) => clean[i] === y[i]) };
      // Unbounded check: constrained DeepFool in the raw space with no budget, against what any valid change can reach.
      if (!me.unbounded) {
        me.unbounded = ctx.previous?.models.find((m) => m.name === me.name)?.unbounded ?? unboundedEntry(full, X0, y, attack.table.rows, cfg.seed, cfg.steps);
        await ctx.checkpoint();
      }
    }
  },
};
