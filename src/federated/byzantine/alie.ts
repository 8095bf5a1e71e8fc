/**
 * A Little Is Enough (Baruch, Baruch & Goldberg 2019): every malicious client uploads μ − z·σ,
 * with μ, σ the coordinate-wise mean and standard deviation of the honest updates and
 * z = Φ⁻¹((n − s)/n), s = ⌊n/2 + 1⌋ − m: the largest shift that still leaves the crafted updates
 * inside the crowd that median, trimmed mean and Krum trust. Full-knowledge variant.
 */
import { mean, stdDev } from '../vec.js';
import { known, normalQuantile, replicate, type ByzantineAttack } from './attack.js';

export function alieZ(n: number, m: number): number {
  const s = Math.floor(n / 2 + 1) - m;
  return normalQuantile((n - s) / n);
}

export function alie(z?: number): ByzantineAttack {
  return {
    name: 'alie', paper: 'Baruch et al. 2019',
    craft: (k) => {
      const h = known(k), mu = mean(h), sd = stdDev(h, mu), zz = z ?? alieZ(k.n, k.own.length);
      return replicate(Float64Array.from(mu, (x, i) => x - zz * sd[i]), k.own.length);
    },
  };
}
