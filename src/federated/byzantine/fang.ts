/**
 * Local model poisoning (Fang, Cao, Jia & Gong 2020, "Local model poisoning attacks to
 * Byzantine-robust federated learning"), full knowledge, with the rule the attacker targets:
 *  - against Krum, Multi-Krum and Bulyan: every malicious update is −λ·s (s the sign of the
 *    benign mean update), with λ halved from a bound until Krum would select it;
 *  - against everything else (trimmed mean, median, means): per coordinate j, with s_j the
 *    benign direction, values are drawn beyond the benign extreme on the other side: in
 *    [w_max, b·w_max] (or [w_max, w_max/b] when w_max ≤ 0) if s_j < 0, and in [w_min/b, w_min]
 *    (or [b·w_min, w_min] when w_min ≤ 0) if s_j > 0, with b = 2.
 */
import { mean, norm } from '../vec.js';
import { multiKrumSelect } from '../strategies/krum.js';
import { known, replicate, type AttackKnowledge, type ByzantineAttack } from './attack.js';

export function fangTrimmed(k: AttackKnowledge, b = 2): Float64Array[] {
  const h = known(k), mu = mean(h), d = mu.length;
  const lo = new Float64Array(d).fill(Infinity), hi = new Float64Array(d).fill(-Infinity);
  for (const u of h) for (let i = 0; i < d; i++) { lo[i] = Math.min(lo[i], u[i]); hi[i] = Math.max(hi[i], u[i]); }
  return k.own.map(() => Float64Array.from(mu, (m, i) => {
    const r = k.rng.next();
    if (m < 0) return hi[i] > 0 ? hi[i] + r * (b - 1) * hi[i] : hi[i] + r * (hi[i] / b - hi[i]);
    return lo[i] > 0 ? lo[i] / b + r * (lo[i] - lo[i] / b) : b * lo[i] + r * (lo[i] - b * lo[i]);
  }));
}

export function fangKrum(k: AttackKnowledge): Float64Array[] {
  const h = k.benign.length ? k.benign : k.own, mu = mean(known(k)), m = k.own.length;
  const s = Float64Array.from(mu, Math.sign);
  const f = Math.max(m, 1);
  let lambda = (2 * Math.max(...h.map(norm))) / Math.sqrt(Math.max(1, mu.length));
  for (let t = 0; t < 30; t++) {
    const crafted = replicate(Float64Array.from(s, (x) => -lambda * x), m);
    const all = [...h, ...crafted];
    if (all.length > 2 * f + 2 && multiKrumSelect(all, f, 1)[0] >= h.length) return crafted;
    lambda /= 2;
  }
  return replicate(Float64Array.from(s, (x) => -lambda * x), m);
}

export function fang(): ByzantineAttack {
  return {
    name: 'fang', paper: 'Fang et al. 2020',
    craft: (k) => (['krum', 'multi-krum', 'bulyan'].includes(k.strategy) ? fangKrum(k) : fangTrimmed(k)),
  };
}
