/**
 * Step 8: adaptive attacks for flagged models (Tramèr et al. 2020, "On Adaptive Attacks to
 * Adversarial Example Defenses"; Athalye et al. 2018). When an honest-evaluation check flags a
 * model, the run escalates on its own before it reports:
 * - PGD on the logit-margin loss (never saturates) with more restarts and twice the steps;
 * - APGD with the DLR loss (targeted, Croce & Hein 2020) with the same step budget;
 * - BPDA: the victim forward, a differentiable surrogate trained on the victim's own outputs
 *   backward (through non-differentiable, shattered or saturating parts);
 * - a transfer attack from that surrogate;
 * - for the unbounded check, the margin PGD and BPDA with a very large budget.
 * The new attacks join the model's attack list (and so its per-row worst case), and the checks are
 * run again. A check that now passes is marked resolved; one that still fails carries `explained`:
 * what remains unproven and why, in numbers.
 */
import type { Check } from '../../attacks/honest.js';
import type { ModelEntry } from '../run.js';
import { modelChecks } from './checks.js';
import { worstCase } from '../worst-case.js';
import { evasionOn, startEarly, taskResult, timeTask, type AssessContext, type AssessStep } from '../state.js';
import { UNBOUNDED_RADIUS, type AdaptivePart, type AssessTask, type TaskResult } from '../tasks.js';

function pct(v: number): string { return `${(100 * v).toFixed(1)}%`; }
function ci(c: [number, number] | undefined): string { return c ? `[${pct(c[0])}, ${pct(c[1])}]` : ''; }

/** Why a check still fails after the adaptive attacks, in the numbers of the run. */
export function explain(check: Check, me: ModelEntry, rows: number, bbRows: number): string {
  const raw = me.attacks.filter((a) => a.space === 'raw');
  const wc = me.worst_case ?? [];
  if (check.name.startsWith('black-box')) {
    const parts: string[] = [];
    for (const b of raw.filter((a) => a.threat === 'black-box' || a.threat === 'transfer')) {
      const wbAll = raw.filter((a) => a.threat === 'white-box' && a.epsilon === b.epsilon);
      if (!wbAll.length) continue;
      const n = b.threat === 'black-box' ? bbRows : rows;
      const union = new Set<number>();
      for (const a of raw.filter((x) => x.threat === 'white-box' && x.epsilon <= b.epsilon)) for (const r of a.flipped ?? []) if (r < n) union.add(r);
      const only = (b.flipped ?? []).filter((r) => r < n && !union.has(r));
      if (only.length) parts.push(`${b.name} at ε=${b.epsilon} flips ${only.length} of ${n} rows that no white-box attack (${[...new Set(wbAll.map((a) => a.name))].join(', ')}) flips`);
    }
    return `${parts.join('; ') || 'a weaker-knowledge attack is still stronger on some rows'}. After margin-loss PGD with restarts, APGD-DLR, BPDA through a surrogate trained on the model's outputs${me.surrogate_agreement !== undefined ? ` (agreement ${pct(me.surrogate_agreement)})` : ''} and transfer from it, the gradients still do not lead to these records: the model's gradient is uninformative there (flat or saturated read-outs, integer rounding at the boundary). The headline is not overstated by this: the per-row worst case counts every attack, black-box included (${wc.map((w) => `ε=${w.epsilon}: ${pct(w.robust_accuracy)} ${ci(w.robust_accuracy_ci)}`).join('; ')}), but white-box robustness alone is unproven for this model.`;
  }
  if (check.name.startsWith('an unbounded')) {
    const ub = me.unbounded;
    const searchOnly = ub ? ub.reachable - new Set([...ub.flipped, ...(ub.adaptive_flipped ?? [])]).size : 0;
    return `${ub ? `${ub.reachable} of ${ub.correct} correct rows can be flipped by some valid record (${ub.exact ? 'exact' : `found by ${ub.methods.join(', ')}`}); ` : ''}the gradient attacks with no budget (DeepFool, PGD, margin PGD and BPDA at radii of 2, 10 and ${UNBOUNDED_RADIUS} standard deviations) miss ${searchOnly} of them, which only the corner search of the valid box reaches: far from the data the model's gradients vanish or point away from the boundary. Those rows count in the worst case only where a bounded attack flipped them.`;
  }
  if (check.name.startsWith('robust accuracy never increases')) {
    return `${check.detail}. Each ε is attacked independently on ${rows} rows, so a rise of a few rows is within the 95% intervals; the worst case counts records from smaller balls at every larger ε and never rises (${wc.map((w) => `ε=${w.epsilon}: ${pct(w.robust_accuracy)}`).join(', ')}).`;
  }
  if (check.name.startsWith('PGD is never weaker')) {
    return `${check.detail}. Even with the margin loss and restarts, FGSM's single step finds records PGD's iterates miss (the projection onto the valid records and the rounding of whole-number fields make the loss surface piecewise flat); both count in the worst case.`;
  }
  return check.detail;
}

/** The attack names an escalation runs, in the order the report lists them. */
function adaptiveNames(ctx: AssessContext, unboundedFailed: boolean): string[] {
  const { cfg } = ctx.state;
  const names = cfg.eps.some((e) => e > 0) ? ['pgd-margin', ...(cfg.attacks.includes('apgd-dlr') ? [] : ['apgd-dlr']), 'bpda', 'transfer:surrogate'] : [];
  return unboundedFailed ? [...names, 'pgd-margin (unbounded)', 'bpda (unbounded)'] : names;
}

/**
 * The pieces of one flagged model's escalation still to run (an interrupted run's finished entries
 * are reused), keyed for early start, the longest first: the unbounded ones (three radii each),
 * transfer from the surrogate (no early stop), then the bounded attacks, smaller ε first (fewer
 * rows stop early there).
 */
function adaptivePieces(ctx: AssessContext, model: string, unboundedFailed: boolean): Array<[string, AssessTask]> {
  const cached = ctx.previous?.models.find((m) => m.name === model)?.attacks ?? [];
  const eps = ctx.state.cfg.eps.filter((e) => e > 0);
  const piece = (part: AdaptivePart, e: number): [string, AssessTask] => [`adaptive ${model} ${part} ${e}`, { kind: 'adaptive', model, part, eps: e }];
  const out: Array<[string, AssessTask]> = [];
  const names = adaptiveNames(ctx, unboundedFailed);
  for (const n of names.filter((x) => x.endsWith('(unbounded)'))) out.push(piece(n as AdaptivePart, 0));
  for (const n of ['transfer:surrogate', 'pgd-margin', 'apgd-dlr', 'bpda'].filter((x) => names.includes(x))) {
    for (const e of eps) if (!cached.some((a) => a.name === n && a.epsilon === e)) out.push(piece(n as AdaptivePart, e));
  }
  // The surrogate's agreement with the model (the BPDA and transfer pieces distil the same surrogate).
  out.push(piece('surrogate', 0));
  return out;
}

/**
 * Starts a flagged model's escalation on the worker threads (with one thread: nothing, the step runs
 * it). The evasion step calls it as soon as the model's own attacks have flagged it, so the
 * escalation overlaps the other models' attacks instead of waiting for every step before it.
 */
export function startAdaptive(ctx: AssessContext, model: string, unboundedFailed: boolean): void {
  for (const [key, t] of adaptivePieces(ctx, model, unboundedFailed)) if (!ctx.state.pending?.has(key)) startEarly(ctx, key, t);
}

export const adaptiveStep: AssessStep = {
  name: 'adaptive',
  skip: (ctx) => !evasionOn(ctx.state.cfg),
  async run(ctx) {
    const { cfg, attack, bbRows } = ctx.state;
    const res = ctx.record;
    // Every flagged model's escalation is a set of independent pieces: they all run side by side (most
    // of them started during the evasion step), and are placed in model, ε and attack order.
    const flagged = res.models.map((me) => ({ me, failed: res.checks.filter((c) => c.model === me.name && !c.passed && !c.adaptive) })).filter((x) => x.failed.length);
    const unboundedFailed = (failed: Check[]) => failed.some((c) => c.name.startsWith('an unbounded'));
    for (const { me, failed } of flagged) {
      ctx.log(`  ${me.name}: ${failed.length} flag(s) (${failed.map((c) => c.name).join('; ')}): escalating with adaptive attacks ...`);
      startAdaptive(ctx, me.name, unboundedFailed(failed));
    }
    for (const { me, failed } of flagged) {
      const ub = unboundedFailed(failed);
      const done = new Map<string, TaskResult>();
      for (const [key, t] of adaptivePieces(ctx, me.name, ub)) {
        const r = await taskResult(ctx, key, t);
        timeTask(ctx, t, r);
        done.set(key, r);
      }
      const cached = ctx.previous?.models.find((m) => m.name === me.name)?.attacks ?? [];
      const attacks = adaptiveNames(ctx, ub);
      for (const e of cfg.eps.filter((x) => x > 0)) {
        for (const n of attacks.filter((x) => !x.endsWith('(unbounded)'))) {
          me.attacks.push(cached.find((a) => a.name === n && a.epsilon === e) ?? done.get(`adaptive ${me.name} ${n} ${e}`)!.entries![0]);
        }
      }
      const sur = done.get(`adaptive ${me.name} surrogate 0`);
      if (sur) me.surrogate_agreement = sur.agreement;
      if (ub && me.unbounded) {
        const more = [...(done.get(`adaptive ${me.name} pgd-margin (unbounded) 0`)?.adaptiveFlipped ?? []), ...(done.get(`adaptive ${me.name} bpda (unbounded) 0`)?.adaptiveFlipped ?? [])];
        me.unbounded.adaptive_flipped = [...new Set(more)];
      }
      me.worst_case = worstCase(me, cfg.eps);
      const more = me.unbounded?.adaptive_flipped ?? [];
      const again = modelChecks(me, attack.table.rows, bbRows, more);
      for (const c of failed) {
        const now = again.find((x) => x.name === c.name);
        const before = c.detail;
        if (now?.passed) {
          Object.assign(c, { passed: true, detail: now.detail, adaptive: { attacks, resolved: true, before } });
        } else {
          if (now) c.detail = now.detail;
          c.adaptive = { attacks, resolved: false, before };
          c.explained = explain(c, me, attack.table.rows, bbRows);
        }
      }
      // Checks that passed before may see the new attacks too (e.g. a new attack not monotone in ε): keep them honest.
      for (const now of again) {
        const c = res.checks.find((x) => x.model === me.name && x.name === now.name);
        if (c && c.passed && !c.adaptive && !now.passed) {
          Object.assign(c, { passed: false, detail: now.detail, adaptive: { attacks, resolved: false, before: c.detail } });
          c.explained = explain(c, me, attack.table.rows, bbRows);
        }
      }
      ctx.log(`  ${me.name}: ${failed.filter((c) => c.passed).length} of ${failed.length} flag(s) resolved by ${attacks.join(', ')}`);
      await ctx.checkpoint();
    }
  },
};
