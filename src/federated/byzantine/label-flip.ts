/**
 * Label flipping (Tolpegin, Truex, Gursoy & Liu 2020, "Data poisoning attacks against federated
 * learning systems"; Fang et al. 2020): a malicious client trains honestly on its rows with every
 * label changed to another class (c → C − 1 − c, so binary labels swap).
 */
import type { ByzantineAttack } from './attack.js';

export function labelFlipAttack(): ByzantineAttack {
  return {
    name: 'label-flip', paper: 'Tolpegin et al. 2020',
    poison: (d) => {
      const C = d.classes.length;
      return { ...d, labels: Int32Array.from(d.labels, (y) => C - 1 - y) };
    },
  };
}
