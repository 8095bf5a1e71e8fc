/**
 * Inner-product manipulation (Xie, Koyejo & Gupta 2019, "Fall of empires: breaking Byzantine-
 * tolerant SGD by inner product manipulation"): every malicious client uploads −ε·μ, μ the mean
 * honest update, so the aggregate's inner product with the true gradient turns negative while
 * each crafted update stays small. ε = 0.1 (the paper's choice against Krum) by default.
 */
import { mean } from '../vec.js';
import { known, replicate, type ByzantineAttack } from './attack.js';

export function ipm(epsilon = 0.1): ByzantineAttack {
  return {
    name: 'ipm', paper: 'Xie et al. 2019',
    craft: (k) => replicate(Float64Array.from(mean(known(k)), (x) => -epsilon * x), k.own.length),
  };
}
