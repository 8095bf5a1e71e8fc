/**
 * Gaussian noise (the "Gaussian attack" of Blanchard et al. 2017 and Fang et al. 2020): each
 * malicious client uploads N(0, σ²) noise instead of an update (σ = 1 by default, in parameter
 * units).
 */
import type { ByzantineAttack } from './attack.js';

export function gaussianAttack(sigma = 1): ByzantineAttack {
  return {
    name: 'gaussian', paper: 'Blanchard et al. 2017',
    craft: (k) => k.own.map((u) => Float64Array.from(u, () => sigma * k.rng.normal())),
  };
}
