/**
 * Scaled updates (the boosting of Bagdasaryan et al. 2020 and Bhagoji et al. 2019, without a
 * backdoor): each malicious client uploads λ·Δ, its honest update blown up by λ = 100 (default),
 * so a mean takes a step far past any minimum.
 */
import type { ByzantineAttack } from './attack.js';

export function scaleAttack(lambda = 100): ByzantineAttack {
  return {
    name: 'scale', paper: 'Bhagoji et al. 2019; Bagdasaryan et al. 2020',
    craft: (k) => k.own.map((u) => Float64Array.from(u, (x) => lambda * x)),
  };
}
