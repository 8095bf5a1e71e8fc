/**
 * Model replacement (Bagdasaryan, Veit, Hua, Estrin & Shmatikov 2020, "How to backdoor federated
 * learning"): the attacker trains on backdoored rows and scales its update by γ = n/η (η the
 * server learning rate, 1 here), shared among the m malicious participants (γ = n/m each), so the
 * averaged model is replaced by the backdoored one: G + (1/n)·Σ γ(X − G) ≈ X.
 */
import type { ByzantineAttack } from './attack.js';
import { backdoorRows } from './backdoor.js';

export function modelReplacement(rate = 0.5): ByzantineAttack {
  return {
    name: 'model-replacement', paper: 'Bagdasaryan et al. 2020', backdoor: true,
    poison: (d, s) => backdoorRows(d, s, rate),
    craft: (k) => {
      const gamma = k.n / Math.max(1, k.own.length);
      return k.own.map((u) => Float64Array.from(u, (x) => gamma * x));
    },
  };
}
