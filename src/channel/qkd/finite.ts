/**
 * Finite-key lengths.
 *
 * Tomamichel, Lim, Gisin & Renner, "Tight finite-key analysis for quantum cryptography",
 * Nat. Commun. 3, 634 (2012), eq. (2): with n raw-key bits (X basis), k parameter-estimation bits
 * (Z basis), a tolerated error rate Q_tol and an ideal qubit source (q = 1),
 *   ℓ ≤ n [1 − h(Q_tol + μ)] − leak_EC − log2(2 / (ε_sec² ε_cor)),
 *   μ = sqrt( (n + k)/(n k) · (k + 1)/k · ln(2/ε_sec) )
 * (μ from Serfling's bound for sampling k of n + k without replacement, Supplementary Note 2; a
 * preprint version writes ln(4/ε_sec), which moves μ by under 1.5% at ε_sec ≤ 10⁻⁹). Their eq. (3)
 * rates the protocol by the expected key per qubit sent, r = (1 − ε_rob)·ℓ/M(n, k), where Alice and
 * Bob pick X with p_x = (1 + √(k/n))⁻¹, so that M(n, k) = n/p_x² = (√n + √k)² signals yield n
 * matching X and k matching Z outcomes.
 *
 * Lim, Curty, Walenta, Xu & Zbinden, "Concise security bounds for practical decoy-state quantum key
 * distribution", Phys. Rev. A 89, 022307 (2014), eqs. (1)–(5): three intensities μ1 > μ2 + μ3,
 * μ2 > μ3 ≥ 0, key from the Z basis, phase errors from the X basis, Hoeffding bounds on the counts.
 */
import { QmlError } from '../../core/errors.js';
import { h2 } from './entropy.js';

export interface TomamichelInput { n: number; k: number; qber: number; epsSec: number; epsCor: number; leakEc?: number }

export function tomamichelMu(n: number, k: number, epsSec: number): number {
  return Math.sqrt(((n + k) / (n * k)) * ((k + 1) / k) * Math.log(2 / epsSec));
}

/** The secure key length of Tomamichel et al. 2012 (bits, ≥ 0); leak_EC defaults to 1.1·n·h(Q). */
export function tomamichelKeyLength(o: TomamichelInput): { key_length: number; mu: number; leak_ec: number } {
  const { n, k, qber, epsSec, epsCor } = o;
  if (!Number.isInteger(n) || n < 1) throw new QmlError(`--n must be a positive integer, got ${n}`, 'n');
  if (!Number.isInteger(k) || k < 1) throw new QmlError(`--k must be a positive integer, got ${k}`, 'k');
  if (!(qber >= 0 && qber <= 0.5)) throw new QmlError(`--qber must be in [0, 0.5], got ${qber}`, 'qber');
  if (!(epsSec > 0 && epsSec < 1)) throw new QmlError(`--eps-sec must be in (0, 1), got ${epsSec}`, 'eps-sec');
  if (!(epsCor > 0 && epsCor < 1)) throw new QmlError(`--eps-cor must be in (0, 1), got ${epsCor}`, 'eps-cor');
  const leak = o.leakEc ?? 1.1 * n * h2(qber);
  if (!(leak >= 0) || !Number.isFinite(leak)) throw new QmlError(`--leak must be ≥ 0, got ${leak}`, 'leak');
  const mu = tomamichelMu(n, k, epsSec);
  const qm = Math.min(0.5, qber + mu);
  const l = n * (1 - h2(qm)) - leak - Math.log2(2 / (epsSec * epsSec * epsCor));
  return { key_length: Math.max(0, Math.floor(l)), mu, leak_ec: leak };
}

/**
 * Tomamichel et al.'s expected secret key rate, eq. (3), for a security rate ε/ℓ (their Table II
 * fixes ε/ℓ = 10⁻¹⁴ with ε = ε_sec + ε_cor, here split evenly): ℓ solves ℓ = ℓ(ε_sec = ε_cor = (ε/ℓ)·ℓ/2)
 * by fixed-point iteration (ℓ enters only through log ε, so it settles in a few steps).
 *
 * leak_EC = 1.1·n·h(Q) at the channel's error rate Q by default. The paper's Discussion states that
 * Table II was optimised with leak_EC = ξ·n·h(Q_tol), ξ = 1.1, and ε_rob bounded by the probability
 * that the sampled error rate exceeds Q_tol; `leakOn: 'qtol'` evaluates that reading. Neither reading
 * reproduces the whole table (see finite.test.ts): with h(Q) the n = 10⁶ rows match and the smaller n
 * fall short of the published rates by roughly 530 (n = 10⁴) and 1,450 (n = 10⁵) key bits at either
 * QBER; with h(Q_tol) every row's published rate lies above the maximum of eq. (3) over k, and the
 * table's own (Q_tol, ε_rob) pairs could not be optimal, since ε_rob would have to fall faster in
 * Q_tol − Q than any sampling bound does.
 */
export function tomamichelExpectedRate(o: { n: number; k: number; qber: number; qtol: number; epsPerBit: number; epsRob: number; leakOn?: 'qber' | 'qtol' }): { rate: number; key_length: number; signals: number; p_x: number } {
  const { n, k, qber, qtol, epsPerBit, epsRob } = o;
  if (!(epsPerBit > 0 && epsPerBit < 1)) throw new QmlError(`ε/ℓ must be in (0, 1), got ${epsPerBit}`, 'eps-per-bit');
  if (!(epsRob >= 0 && epsRob < 1)) throw new QmlError(`ε_rob must be in [0, 1), got ${epsRob}`, 'eps-rob');
  const leakEc = 1.1 * n * h2(o.leakOn === 'qtol' ? qtol : qber);
  let l = n / 2;
  for (let i = 0; i < 30; i++) {
    const eps = Math.min(0.5, epsPerBit * Math.max(1, l));
    const next = tomamichelKeyLength({ n, k, qber: qtol, epsSec: eps / 2, epsCor: eps / 2, leakEc }).key_length;
    if (next === l) break;
    l = next;
  }
  const signals = (Math.sqrt(n) + Math.sqrt(k)) ** 2;
  return { rate: ((1 - epsRob) * l) / signals, key_length: l, signals, p_x: 1 / (1 + Math.sqrt(k / n)) };
}

export interface LimCounts {
  /** intensities μ1 > μ2 + μ3, μ2 > μ3 ≥ 0, and the probabilities of sending them */
  mu: [number, number, number];
  p: [number, number, number];
  /** detections in the Z basis (basis-matched) per intensity, and in the X basis */
  nZ: [number, number, number];
  nX: [number, number, number];
  /** errors in the X basis per intensity */
  mX: [number, number, number];
  /** errors in the Z basis per intensity (only their total enters leak_EC when not given) */
  mZ: [number, number, number];
  epsSec: number;
  epsCor: number;
  /** bits disclosed by error correction */
  leakEc: number;
}

export interface LimResult { key_length: number; s_z0: number; s_z1: number; s_x1: number; v_x1: number; phi_z: number }

/** The finite decoy-state key length of Lim et al. 2014. */
export function limKeyLength(c: LimCounts): LimResult {
  const [m1, m2, m3] = c.mu;
  if (!(m1 > m2 + m3 && m2 > m3 && m3 >= 0)) throw new QmlError(`Lim et al. need μ1 > μ2 + μ3 and μ2 > μ3 ≥ 0, got ${c.mu.join(', ')}`, 'mu');
  const eps1 = c.epsSec / 21;
  // τ_n = Σ_k p_k e^(−k) kⁿ / n!, needed for n = 0 and 1 (where n! = 1).
  const tau = (m: 0 | 1) => c.mu.reduce((s, x, i) => s + c.p[i] * Math.exp(-x) * Math.pow(x, m), 0);
  const t0 = tau(0), t1 = tau(1);
  const bounds = (counts: [number, number, number]) => {
    const tot = counts[0] + counts[1] + counts[2];
    const d = Math.sqrt((tot / 2) * Math.log(1 / eps1));
    return {
      lo: counts.map((x, i) => (Math.exp(c.mu[i]) / c.p[i]) * (x - d)) as number[],
      hi: counts.map((x, i) => (Math.exp(c.mu[i]) / c.p[i]) * (x + d)) as number[],
    };
  };
  const single = (counts: [number, number, number]) => {
    const b = bounds(counts);
    const s0 = Math.max(0, (t0 * (m2 * b.lo[2] - m3 * b.hi[1])) / (m2 - m3));
    const s1 = (t1 * m1 * (b.lo[1] - b.hi[2] - ((m2 * m2 - m3 * m3) / (m1 * m1)) * (b.hi[0] - s0 / t0))) / (m1 * (m2 - m3) - m2 * m2 + m3 * m3);
    return { s0, s1: Math.max(0, s1) };
  };
  const z = single(c.nZ), x = single(c.nX);
  const eb = bounds(c.mX);
  const vX1 = Math.max(0, (t1 * (eb.hi[1] - eb.lo[2])) / (m2 - m3));
  let phi = 0.5;
  if (x.s1 > 0 && z.s1 > 0) {
    const b = Math.min(0.5, vX1 / x.s1);
    const gamma = (a: number, bb: number, cc: number, dd: number) => {
      if (bb <= 0 || bb >= 1) return 0;
      return Math.sqrt((((cc + dd) * (1 - bb) * bb) / (cc * dd * Math.LN2)) * Math.log2(((cc + dd) / (cc * dd * (1 - bb) * bb)) * ((21 * 21) / (a * a))));
    };
    phi = Math.min(0.5, b + gamma(c.epsSec, b, z.s1, x.s1));
  }
  const l = z.s0 + z.s1 * (1 - h2(phi)) - c.leakEc - 6 * Math.log2(21 / c.epsSec) - Math.log2(2 / c.epsCor);
  return { key_length: Math.max(0, Math.floor(l)), s_z0: z.s0, s_z1: z.s1, s_x1: x.s1, v_x1: vX1, phi_z: phi };
}
