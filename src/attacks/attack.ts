/**
 * The Attack interface and what every attack run reports. An evasion attack takes a target, clean
 * rows, labels and a threat model and returns adversarial rows; the runner then scores them:
 * robust accuracy, attack success rate (the fraction of initially correct rows the attack flips),
 * perturbation norms, queries and steps per row. A new attack is one small file implementing
 * EvasionAttack plus one registry entry.
 */
import { Rng } from '../core/rng.js';
import { QmlError } from '../core/errors.js';
import { classificationMetrics } from '../qml/metrics.js';
import { argmaxRows } from '../qml/model.js';
import type { AttackTarget } from './target.js';
import { perturbationNorms, projectBall, type Knowledge, type ThreatModel } from './threat.js';

export interface AttackContext {
  target: AttackTarget;
  X0: Float64Array;
  y: Int32Array;
  rows: number;
  threat: ThreatModel;
  rng: Rng;
}

export interface AttackOutput {
  X: Float64Array;
  /** Per-row steps taken (iterations), when meaningful. */
  steps?: Int32Array;
}

export interface EvasionAttack {
  readonly name: string;
  readonly knowledge: Knowledge;
  /** True for attacks that search for the smallest perturbation (C&W, DeepFool, HopSkipJump) instead of staying inside ε. */
  readonly minimal?: boolean;
  run(ctx: AttackContext): AttackOutput;
}

export interface SampleRecord { correct: boolean; success: boolean; linf: number; l2: number; l0: number; queries: number; steps: number }

export interface AttackReport {
  name: string;
  threat: Knowledge | 'quantum';
  epsilon: number;
  norm: string;
  space: string;
  clean_accuracy: number;
  robust_accuracy: number;
  attack_success_rate: number;
  mean_queries: number;
  /** Minimal-perturbation attacks: mean and median norm over the rows they flipped (null otherwise). */
  mean_perturbation: number | null;
  median_perturbation: number | null;
  ece_clean: number;
  ece_adversarial: number;
  records: SampleRecord[];
  seconds: number;
}

export { argmaxRows };

/** log p_y − max_{k≠y} log p_k per row: negative once the row is misclassified. */
export function margins(p: Float64Array, y: Int32Array, rows: number, C: number): Float64Array {
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let other = -Infinity;
    for (let c = 0; c < C; c++) if (c !== y[r]) other = Math.max(other, Math.log(Math.max(p[r * C + c], 1e-300)));
    out[r] = Math.log(Math.max(p[r * C + y[r]], 1e-300)) - other;
  }
  return out;
}

/** The runner-up class of each row (highest probability other than the label). */
export function runnerUp(p: Float64Array, y: Int32Array, rows: number, C: number): Int32Array {
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let b = -1;
    for (let c = 0; c < C; c++) if (c !== y[r] && (b < 0 || p[r * C + c] > p[r * C + b])) b = c;
    out[r] = b;
  }
  return out;
}

/** Runs an evasion attack and scores it. */
export function runAttack(attack: EvasionAttack, target: AttackTarget, X0: Float64Array, y: Int32Array, rows: number, threat: ThreatModel, seed: number): AttackReport {
  if (X0.length !== rows * target.dim) throw new QmlError(`${rows} rows of ${target.dim} values expected, got ${X0.length} values`);
  const t0 = performance.now();
  const q0 = target.queries;
  const out = threat.epsilon === 0 && !attack.minimal ? { X: Float64Array.from(X0) } : attack.run({ target, X0, y, rows, threat, rng: new Rng(seed) });
  const queriesPerRow = (target.queries - q0) / rows;
  return scoreAdversarial(attack, target, X0, out.X, y, rows, threat, queriesPerRow, out.steps, (performance.now() - t0) / 1000);
}

/**
 * Scores adversarial rows against a threat model. Every point is first made a valid record (domain
 * constraints; integer fields rounded toward the clean value for ε-bounded attacks). A
 * minimal-perturbation attack's points count as successes only where they fit inside ε, so one run
 * of it scores a whole ε grid.
 */
export function scoreAdversarial(
  attack: Pick<EvasionAttack, 'name' | 'knowledge' | 'minimal'>, target: AttackTarget, X0: Float64Array, Xadv: Float64Array, y: Int32Array, rows: number,
  threat: ThreatModel, queriesPerRow: number, steps?: Int32Array, seconds = 0,
): AttackReport {
  const C = target.numClasses;
  const X = Float64Array.from(Xadv);
  if (!attack.minimal) {
    target.constrain(X, X0, rows, 'toward');
    for (let r = 0; r < rows; r++) projectBall(X, X0, target.scale, threat.norm, threat.epsilon, r * target.dim, target.dim);
  }
  const pClean = target.proba(X0, rows);
  const clean = argmaxRows(pClean, rows, C);
  const pAdv = target.proba(X, rows);
  let adv = argmaxRows(pAdv, rows, C);
  // Per-row norm of the minimal-perturbation point itself (before any pull-back onto the ε-ball).
  const minimalNorm = Float64Array.from({ length: rows }, (_, r) => {
    const n = perturbationNorms(X, X0, target.scale, r * target.dim, target.dim);
    return adv[r] !== y[r] ? (threat.norm === 'linf' ? n.linf : threat.norm === 'l2' ? n.l2 : n.l0) : Infinity;
  });
  if (attack.minimal && Number.isFinite(threat.epsilon)) {
    // A minimal-perturbation point found beyond ε may still leave an adversarial record once pulled
    // back onto the ε-ball (and rounded toward the clean value): score that record at this ε.
    let far: number[] = [];
    for (let r = 0; r < rows; r++) {
      const n = perturbationNorms(X, X0, target.scale, r * target.dim, target.dim);
      const size = threat.norm === 'linf' ? n.linf : threat.norm === 'l2' ? n.l2 : n.l0;
      if (adv[r] !== y[r] && clean[r] === y[r] && size > threat.epsilon * (1 + 1e-9) + 1e-12) far.push(r);
    }
    // Two pull-backs per row: the minimal perturbation's direction stretched to the ε-sphere (for L∞:
    // every moved field to ±ε in the direction it moved), then the plain projection onto the ball.
    for (const mode of ['stretch', 'project'] as const) {
      if (!far.length) break;
      const d = target.dim, P = new Float64Array(far.length * d), P0 = new Float64Array(far.length * d);
      far.forEach((r, a) => {
        P0.set(X0.subarray(r * d, (r + 1) * d), a * d);
        const n = perturbationNorms(X, X0, target.scale, r * d, d);
        for (let j = 0; j < d; j++) {
          const i = r * d + j, sc = target.scale ? target.scale[j] : 1, dj = X[i] - X0[i];
          P[a * d + j] = mode === 'project' || threat.norm === 'l0' ? X[i]
            : threat.norm === 'linf' ? X0[i] + (Math.abs(dj) > 1e-12 * sc ? Math.sign(dj) * threat.epsilon * sc : 0)
              : X0[i] + dj * (threat.epsilon / Math.max(n.l2, 1e-300));
        }
      });
      for (let a = 0; a < far.length; a++) projectBall(P, P0, target.scale, threat.norm, threat.epsilon, a * d, d);
      target.constrain(P, P0, far.length, 'toward', far);
      for (let a = 0; a < far.length; a++) projectBall(P, P0, target.scale, threat.norm, threat.epsilon, a * d, d);
      const pp = target.proba(P, far.length, far), pr = argmaxRows(pp, far.length, C);
      const left: number[] = [];
      far.forEach((r, a) => {
        if (pr[a] === y[r]) { left.push(r); return; }
        X.set(P.subarray(a * d, (a + 1) * d), r * d);
        for (let c = 0; c < C; c++) pAdv[r * C + c] = pp[a * C + c];
      });
      far = left;
      adv = argmaxRows(pAdv, rows, C);
    }
  }
  const records: SampleRecord[] = [];
  let correct = 0, robust = 0, flipped = 0;
  const norms: number[] = [];
  for (let r = 0; r < rows; r++) {
    const n = perturbationNorms(X, X0, target.scale, r * target.dim, target.dim);
    const size = threat.norm === 'linf' ? n.linf : threat.norm === 'l2' ? n.l2 : n.l0;
    const within = size <= threat.epsilon * (1 + 1e-9) + 1e-12;
    const ok = clean[r] === y[r];
    const success = ok && adv[r] !== y[r] && within;
    if (ok) correct++;
    if (ok && !success) robust++;
    if (success) flipped++;
    if (attack.minimal && ok && Number.isFinite(minimalNorm[r])) norms.push(minimalNorm[r]);
    records.push({ correct: ok, success, ...n, queries: queriesPerRow, steps: steps ? steps[r] : 0 });
  }
  norms.sort((a, b) => a - b);
  return {
    name: attack.name, threat: attack.knowledge, epsilon: threat.epsilon, norm: threat.norm, space: threat.space,
    clean_accuracy: correct / rows, robust_accuracy: robust / rows, attack_success_rate: correct ? flipped / correct : 0,
    mean_queries: queriesPerRow,
    mean_perturbation: attack.minimal && norms.length ? norms.reduce((a, v) => a + v, 0) / norms.length : null,
    median_perturbation: attack.minimal && norms.length ? norms[Math.floor(norms.length / 2)] : null,
    ece_clean: classificationMetrics(pClean, y, C).ece, ece_adversarial: classificationMetrics(pAdv, y, C).ece,
    records, seconds,
  };
}
