/**
 * Clean-label poisoning by feature collision (Shafahi et al. 2018, "Poison Frogs!"): the attacker
 * wants a few of its own records (targets, of another class) classified as the base class. It takes
 * base-class training rows near each target, moves each within an L∞ budget so that the clean
 * model's representation (a quantum model's read-outs) collides with the target's, and leaves the
 * labels correct — a reviewer checking labels finds nothing. Optimisation: forward-backward
 * splitting as in the paper (a gradient step on ‖φ(p) − φ(t)‖², then the proximal step towards the
 * base), starting from a 30% watermark of the target, projected onto the budget and the input box.
 */
import { QmlError } from '../../core/errors.js';
import { Rng } from '../../core/rng.js';
import type { RowMatrix } from '../../sim/batch.js';
import { argmaxRows, type Model } from '../../qml/model.js';
import { checkRate, otherClassRows } from '../primitives.js';
import type { TrainingAttack } from '../threat.js';

export interface CleanLabelOptions {
  /** Target records to get misclassified (default 5); the budget is split evenly among them. */
  targets?: number;
  /** L∞ distance a poison may move from its base row (input units; default 0.5). */
  budget?: number;
  steps?: number;
  /** Weight of the proximity term (β in the paper, scaled to the representation). */
  beta?: number;
  /** Watermark opacity of the starting point. */
  opacity?: number;
  /** Choose the targets among the correctly classified records closest to the boundary (default true). */
  nearBoundary?: boolean;
}

/** The representation the collision is made in: read-outs when the model has them, else probabilities. */
function represent(model: Model, X: RowMatrix): RowMatrix {
  if (model.embed) return model.embed(X);
  return { data: model.predictProba(X), rows: X.rows, cols: model.numClasses };
}

export function cleanLabelAttack(opts: CleanLabelOptions = {}): TrainingAttack {
  return {
    name: 'clean-label',
    goal: 'targeted',
    poison(ctx) {
      checkRate(ctx.rate);
      const test = ctx.test;
      if (!test) throw new QmlError('clean-label poisoning needs the attacker\'s target records (a test set)', 'test');
      const model = ctx.clean.model, X = ctx.clean.inputs(ctx.train.table), y = ctx.train.labels, d = X.cols, n = X.rows;
      const Xt = ctx.clean.inputs(test.table), yt = ctx.clean.labelsFor(test);
      const rng = new Rng(ctx.seed);
      // Targets: records of other classes that the clean model gets right (otherwise nothing to flip).
      const p0 = model.predictProba(Xt), C = model.numClasses, pred = argmaxRows(p0, Xt.rows, C);
      const candidates = otherClassRows(yt, ctx.target).filter((i) => pred[i] === yt[i]);
      rng.shuffle(candidates);
      // With `nearBoundary` the attacker sends the records the clean model is least sure about
      // (still right): the ones a few poisons can move. Otherwise targets are drawn at random.
      if (opts.nearBoundary ?? true) candidates.sort((a, b) => p0[a * C + yt[a]] - p0[b * C + yt[b]]);
      const nT = Math.min(opts.targets ?? 5, candidates.length);
      if (!nT) throw new QmlError('no test record of another class is classified correctly: nothing to target', 'test');
      const targets = candidates.slice(0, nT).sort((a, b) => a - b);
      const budgetRows = Math.round(ctx.rate * n), per = Math.max(1, Math.floor(budgetRows / nT));
      const base = Array.from({ length: n }, (_, i) => i).filter((i) => y[i] === ctx.target);
      let lo = Infinity, hi = -Infinity;
      for (const v of X.data) { if (v < lo) lo = v; if (v > hi) hi = v; }
      const eps = opts.budget ?? 0.5, steps = opts.steps ?? 40, opacity = opts.opacity ?? 0.3;
      const Xp = { data: Float64Array.from(X.data), rows: n, cols: d };
      const used = new Set<number>(), poisoned: number[] = [];
      for (const t of targets) {
        const xt = Xt.data.subarray(t * d, (t + 1) * d);
        // Bases: the nearest unused base-class rows to the target (the collision is then shortest).
        const dist = (i: number) => { let s = 0; for (let j = 0; j < d; j++) s += (X.data[i * d + j] - xt[j]) ** 2; return s; };
        const bases = base.filter((i) => !used.has(i)).sort((a, b) => dist(a) - dist(b)).slice(0, per);
        bases.forEach((i) => used.add(i));
        const ft = represent(model, { data: Float64Array.from(xt), rows: 1, cols: d }).data;
        const m = ft.length, beta = opts.beta ?? 0.1, lr = 0.5;
        const P = { data: new Float64Array(bases.length * d), rows: bases.length, cols: d };
        bases.forEach((b, k) => { for (let j = 0; j < d; j++) P.data[k * d + j] = X.data[b * d + j] + opacity * (xt[j] - X.data[b * d + j]); });
        project(P, X, bases, eps, lo, hi);
        for (let s = 0; s < steps; s++) {
          const g = collisionGradient(model, P, ft, m);
          for (let k = 0; k < bases.length; k++) {
            for (let j = 0; j < d; j++) {
              const xb = X.data[bases[k] * d + j];
              const v = P.data[k * d + j] - lr * g[k * d + j];
              P.data[k * d + j] = (v + lr * beta * xb) / (1 + lr * beta);
            }
          }
          project(P, X, bases, eps, lo, hi);
        }
        bases.forEach((b, k) => Xp.data.set(P.data.subarray(k * d, (k + 1) * d), b * d));
        poisoned.push(...bases);
      }
      return {
        goal: this.goal, inputs: { X: Xp, y: Int32Array.from(y) }, poisoned: poisoned.sort((a, b) => a - b), targets, victimTraining: 'fine-tune-head',
        config: { rate: ctx.rate, seed: ctx.seed, base_class: ctx.train.classes[ctx.target], targets: nT, budget_linf: eps, steps, opacity },
      };
    },
  };
}

/** Each poison back inside its base's L∞ ball and the input box. */
function project(P: RowMatrix, X: RowMatrix, bases: number[], eps: number, lo: number, hi: number): void {
  const d = P.cols;
  for (let k = 0; k < bases.length; k++) {
    for (let j = 0; j < d; j++) {
      const xb = X.data[bases[k] * d + j];
      P.data[k * d + j] = Math.min(hi, Math.max(lo, Math.min(xb + eps, Math.max(xb - eps, P.data[k * d + j]))));
    }
  }
}

/** ∇_p ½‖φ(p) − φ_t‖² for every poison row, by central differences batched over all rows and directions. */
function collisionGradient(model: Model, P: RowMatrix, ft: Float64Array, m: number): Float64Array {
  const d = P.cols, R = P.rows, h = 1e-4;
  const Z = { data: new Float64Array(R * 2 * d * d), rows: R * 2 * d, cols: d };
  for (let k = 0; k < R; k++) {
    for (let j = 0; j < d; j++) {
      for (let s = 0; s < 2; s++) {
        const row = (k * d + j) * 2 + s;
        Z.data.set(P.data.subarray(k * d, (k + 1) * d), row * d);
        Z.data[row * d + j] += s ? -h : h;
      }
    }
  }
  const F = represent(model, Z).data;
  const g = new Float64Array(R * d);
  for (let k = 0; k < R; k++) {
    for (let j = 0; j < d; j++) {
      const a = ((k * d + j) * 2) * m, b = a + m;
      let s = 0;
      for (let t = 0; t < m; t++) s += 0.5 * ((F[a + t] - ft[t]) ** 2 - (F[b + t] - ft[t]) ** 2);
      g[k * d + j] = s / (2 * h);
    }
  }
  return g;
}
