/**
 * A Little Is Enough (Baruch, Baruch & Goldberg 2019): every malicious client uploads the same
 * vector, shifted from the coordinate-wise mean μ of the honest updates by z·σ (σ their
 * coordinate-wise standard deviation), with z = Φ⁻¹((n − s)/n), s = ⌊n/2 + 1⌋ − m: the largest
 * shift that still leaves the crafted updates inside the crowd that median, trimmed mean and Krum
 * trust. Full-knowledge variant (μ, σ over every honest update of the round).
 *
 * Direction of the shift:
 *  - 'paper' (default): the paper crafts μ − z·σ on the workers' gradients. Our updates are
 *    Δ = w_local − w_global, which for one SGD step is −η·g, so the same vector in update space is
 *    μ_Δ + z·σ_Δ: every coordinate pushed the same way, whatever the benign direction.
 *  - 'against-mean': the same magnitude z·σ_j applied against the benign mean in each coordinate,
 *    μ_j − z·σ_j·sign(μ_j): the shift then slows (or, where |μ_j| < z·σ_j after aggregation,
 *    reverses) the honest progress instead of adding a drift the honest gradients correct. This is
 *    the direction Shejwalkar & Houmansadr 2021 call the inverse-sign perturbation; it is not the
 *    paper's literal vector and is reported as a variant beside it.
 */
import { mean, stdDev } from '../vec.js';
import { known, normalQuantile, replicate, type ByzantineAttack } from './attack.js';

export type AlieDirection = 'paper' | 'against-mean';

export function alieZ(n: number, m: number): number {
  const s = Math.floor(n / 2 + 1) - m;
  return normalQuantile((n - s) / n);
}

/** The crafted update from the honest updates (one vector, sent by every malicious client). */
export function alieVector(honest: readonly Float64Array[], z: number, direction: AlieDirection = 'paper'): Float64Array {
  const mu = mean(honest), sd = stdDev(honest, mu);
  return direction === 'paper'
    ? Float64Array.from(mu, (x, i) => x + z * sd[i])
    : Float64Array.from(mu, (x, i) => x - Math.sign(x) * z * sd[i]);
}

export function alie(opts: { z?: number; direction?: AlieDirection } = {}): ByzantineAttack {
  const direction = opts.direction ?? 'paper';
  return {
    name: direction === 'paper' ? 'alie' : 'alie-against-mean', paper: 'Baruch et al. 2019',
    craft: (k) => replicate(alieVector(known(k), opts.z ?? alieZ(k.n, k.own.length), direction), k.own.length),
  };
}
