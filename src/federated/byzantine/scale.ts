/**
 * Scaled updates: explicit boosting (Bhagoji, Chakraborty, Mittal & Calo 2019, "Analyzing
 * federated learning through an adversarial lens"; the scaling of Bagdasaryan et al. 2020). The
 * malicious client trains on its rows with the labels flipped (its adversarial objective) and
 * uploads that update multiplied by λ = n/m (n participants, m malicious), the boost that lets m
 * clients outweigh the n − m honest ones in a mean. A boosted honest update would only take a
 * longer step downhill; boosting is what turns a minority into the majority.
 */
import type { ByzantineAttack } from './attack.js';
import { labelFlipAttack } from './label-flip.js';

export function scaleAttack(lambda?: number): ByzantineAttack {
  return {
    name: 'scale', paper: 'Bhagoji et al. 2019',
    poison: labelFlipAttack().poison,
    craft: (k) => {
      const g = lambda ?? k.n / Math.max(1, k.own.length);
      return k.own.map((u) => Float64Array.from(u, (x) => g * x));
    },
  };
}
