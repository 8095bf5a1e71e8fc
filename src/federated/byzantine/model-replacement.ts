/**
 * Model replacement (Bagdasaryan, Veit, Hua, Estrin & Shmatikov 2020, "How to backdoor federated
 * learning"): in the round(s) where it is selected, the attacker trains a backdoored model X from
 * the global model G on a mix of its clean and backdoored rows, and uploads γ(X − G) with γ = n/η
 * (η the server learning rate, 1 here), shared among the m malicious participants (γ = n/m each),
 * so the averaged model is replaced by the backdoored one: G + (1/n)·Σ γ(X − G) ≈ X. The paper's
 * attack is single-shot (or a few rounds), launched once the global model is close to convergence,
 * and the backdoor has to survive the honest rounds that follow. Outside its attack rounds the
 * attacker uploads nothing (it is not among the participants), so the poisoned rows it holds act
 * only through the boosted update of the attack round.
 */
import type { ByzantineAttack } from './attack.js';
import { backdoorRows } from './backdoor.js';

/** The default attack round: three quarters into the run (near convergence, with honest rounds after). */
export function replacementRound(totalRounds: number): number {
  return Math.max(1, Math.ceil(0.75 * totalRounds));
}

/**
 * @param rate fraction of the attacker's non-target rows stamped with the trigger and relabelled
 * @param attackRounds rounds (1-based) in which the attacker acts; default `[replacementRound(R)]`
 */
export function modelReplacement(rate = 0.5, attackRounds?: number[]): ByzantineAttack {
  return {
    name: 'model-replacement', paper: 'Bagdasaryan et al. 2020', backdoor: true,
    poison: (d, s) => backdoorRows(d, s, rate),
    active: (round, total) => (attackRounds ?? [replacementRound(total)]).includes(round),
    craft: (k) => {
      const gamma = k.n / Math.max(1, k.own.length);
      return k.own.map((u) => Float64Array.from(u, (x) => gamma * x));
    },
  };
}
