/**
 * Min-Max and Min-Sum (Shejwalkar & Houmansadr 2021, "Manipulating the Byzantine: optimizing
 * model poisoning attacks and defenses for federated learning"), full knowledge: the malicious
 * update is μ + γ·p with p = −σ (the coordinate-wise standard deviation, the paper's "std"
 * perturbation) and γ the largest value (binary search from γ = 10, as in the paper) such that
 *  - Min-Max: its largest distance to an honest update is at most the largest honest pairwise
 *    distance;
 *  - Min-Sum: its sum of squared distances to the honest updates is at most the largest such sum
 *    of an honest update.
 */
import { mean, sqDist, stdDev } from '../vec.js';
import { known, replicate, type AttackKnowledge, type ByzantineAttack } from './attack.js';

export function optimiseGamma(h: Float64Array[], mu: Float64Array, p: Float64Array, ok: (c: Float64Array) => boolean, gammaInit = 10, tol = 1e-5): number {
  let gamma = gammaInit, step = gammaInit / 2, best = 0;
  const c = new Float64Array(mu.length);
  while (Math.abs(step) > tol) {
    for (let i = 0; i < c.length; i++) c[i] = mu[i] + gamma * p[i];
    if (ok(c)) { best = gamma; gamma += step; } else gamma -= step;
    step /= 2;
  }
  return best;
}

function craftWith(k: AttackKnowledge, kind: 'max' | 'sum'): Float64Array[] {
  const h = known(k), mu = mean(h), p = stdDev(h, mu).map((x) => -x);
  let bound = 0;
  if (kind === 'max') {
    for (let i = 0; i < h.length; i++) for (let j = i + 1; j < h.length; j++) bound = Math.max(bound, sqDist(h[i], h[j]));
  } else {
    for (const a of h) bound = Math.max(bound, h.reduce((s, b) => s + sqDist(a, b), 0));
  }
  const ok = kind === 'max'
    ? (c: Float64Array) => h.every((u) => sqDist(c, u) <= bound)
    : (c: Float64Array) => h.reduce((s, u) => s + sqDist(c, u), 0) <= bound;
  const gamma = optimiseGamma(h, mu, p, ok);
  return replicate(Float64Array.from(mu, (x, i) => x + gamma * p[i]), k.own.length);
}

export function minMax(): ByzantineAttack {
  return { name: 'min-max', paper: 'Shejwalkar & Houmansadr 2021', craft: (k) => craftWith(k, 'max') };
}

export function minSum(): ByzantineAttack {
  return { name: 'min-sum', paper: 'Shejwalkar & Houmansadr 2021', craft: (k) => craftWith(k, 'sum') };
}
