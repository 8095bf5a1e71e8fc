/**
 * Sign flipping (Li, Xu, Chen, Giannakis & Ling 2019, "RSA: Byzantine-robust stochastic
 * aggregation"): each malicious client uploads −λ·Δ, its honest update
 * reversed and boosted. λ = 5 by default: at 20 % malicious, f·λ > n − f, so the plain mean
 * points uphill.
 */
import type { ByzantineAttack } from './attack.js';

export function signFlip(lambda = 5): ByzantineAttack {
  return {
    name: 'sign-flip', paper: 'Li et al. 2019',
    craft: (k) => k.own.map((u) => Float64Array.from(u, (x) => -lambda * x)),
  };
}
