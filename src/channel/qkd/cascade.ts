/**
 * Cascade information reconciliation (Brassard & Salvail, "Secret-key reconciliation by public
 * discussion", EUROCRYPT '93), with the block-size schedules compared by Martinez-Mateo, Pacher,
 * Peev, Ciurana & Lancho, "Demystifying the information reconciliation protocol Cascade",
 * QIC 15, 453 (2015).
 *
 * Pass i shuffles the key (pass 1 keeps the order), cuts it into blocks of k_i bits, and Bob asks
 * Alice for each block's parity; a block whose parity disagrees holds an odd number of errors and
 * BINARY finds one by asking for the parity of the left half (the right half's parity follows) down
 * to a single bit. Correcting a bit flips the parity of the blocks holding it in every earlier pass,
 * which may expose further errors there (the cascade). Every parity Alice reveals is one disclosed
 * bit; the efficiency is f = disclosed / (n·h(Q)).
 *
 * Bob's questions are batched: one message carries every parity he can ask at that moment (all
 * top-level blocks of a pass, or the next BINARY step of every search in progress); the count of
 * such messages is the protocol's number of round trips.
 */
import { QmlError } from '../../core/errors.js';
import { Rng } from '../../core/rng.js';
import { h2 } from './entropy.js';

export type CascadeScheduleName = 'original' | 'yanetal';
export const CASCADE_SCHEDULES: CascadeScheduleName[] = ['original', 'yanetal'];

/** Block sizes per pass for an estimated error rate q and key length n. */
export function cascadeSchedule(name: CascadeScheduleName, q: number, n: number): number[] {
  const Q = Math.max(q, 1e-5);
  const cap = (k: number) => Math.max(1, Math.min(n, Math.ceil(k)));
  switch (name) {
    // Brassard & Salvail 1993: four passes, k1 = 0.73/Q, doubling.
    case 'original': { const k1 = Math.ceil(0.73 / Q); return [k1, 2 * k1, 4 * k1, 8 * k1].map(cap); }
    // Yan et al. 2008 (as in Martinez-Mateo et al. 2015): ten passes, k1 = 0.80/Q, k2 = 5·k1, then n/2.
    case 'yanetal': { const k1 = Math.ceil(0.8 / Q); return [k1, 5 * k1, ...Array(8).fill(n / 2)].map(cap); }
  }
  throw new QmlError(`unknown Cascade schedule "${name}" (known: ${CASCADE_SCHEDULES.join(', ')})`, 'schedule');
}

export interface CascadeResult {
  /** Bob's corrected key (a new array) */
  corrected: Uint8Array;
  /** parity bits Alice revealed */
  disclosedBits: number;
  /** batched ask-parity messages (round trips) */
  askParityMessages: number;
  /** errors before and after */
  initialErrors: number;
  residualErrors: number;
  /** disclosed / (n·h(initialErrors/n)); 1 when there was no error */
  efficiency: number;
  /** disclosed / (n·h(qNominal)) for the error rate the schedule was built for */
  efficiencyNominal: number;
  passes: number;
}

interface Pass { k: number; perm: Int32Array; pos: Int32Array; alicePar: Uint8Array; bobPar: Uint8Array }

/**
 * Reconciles Bob's key with Alice's. `q` is the error rate the block sizes are chosen for (the
 * estimate from parameter estimation); the shuffles come from `seed` (public randomness).
 */
export function cascade(alice: Uint8Array, bobIn: Uint8Array, q: number, schedule: CascadeScheduleName = 'original', seed = 1): CascadeResult {
  const n = alice.length;
  if (bobIn.length !== n) throw new QmlError(`Alice's and Bob's keys differ in length (${n} and ${bobIn.length})`);
  if (!(q >= 0 && q < 0.5)) throw new QmlError(`Cascade needs an error-rate estimate in [0, 0.5), got ${q}`, 'qber');
  const bob = Uint8Array.from(bobIn);
  let initialErrors = 0;
  for (let i = 0; i < n; i++) initialErrors += alice[i] ^ bob[i];
  const sizes = n === 0 ? [] : cascadeSchedule(schedule, q, n);
  const rng = new Rng(seed);
  const passes: Pass[] = [];
  let disclosed = 0, messages = 0;

  // A BINARY search in progress over [lo, hi) of a pass's shuffled order, whose error parity is odd.
  interface Search { p: number; lo: number; hi: number; alicePar: number }
  let searches: Search[] = [];
  const pending: Array<[number, number]> = []; // (pass, block) whose parities now disagree

  const rangeParity = (key: Uint8Array, P: Pass, lo: number, hi: number) => {
    let s = 0;
    for (let t = lo; t < hi; t++) s ^= key[P.perm[t]];
    return s;
  };
  const flip = (bit: number) => {
    bob[bit] ^= 1;
    for (let p = 0; p < passes.length; p++) {
      const P = passes[p];
      const b = (P.pos[bit] / P.k) | 0;
      P.bobPar[b] ^= 1;
      if (P.bobPar[b] !== P.alicePar[b]) pending.push([p, b]);
    }
  };
  // Runs BINARY rounds until no search and no odd block is left.
  const settle = () => {
    for (;;) {
      // Start searches on odd blocks (their top-level parity is already known: no disclosure).
      while (pending.length) {
        const [p, b] = pending.pop()!;
        const P = passes[p];
        if (P.bobPar[b] === P.alicePar[b]) continue;
        if (searches.some((s) => s.p === p && s.lo >= b * P.k && s.hi <= Math.min(n, (b + 1) * P.k))) continue;
        searches.push({ p, lo: b * P.k, hi: Math.min(n, (b + 1) * P.k), alicePar: P.alicePar[b] });
      }
      if (searches.length === 0) return;
      // One round: every search whose range is still odd asks for the parity of its left half.
      const next: Search[] = [];
      let asked = 0;
      for (const s of searches) {
        const P = passes[s.p];
        if (rangeParity(bob, P, s.lo, s.hi) === s.alicePar) continue; // another correction fixed it
        if (s.hi - s.lo === 1) continue; // resolved below
        const mid = (s.lo + s.hi) >>> 1;
        const aLeft = rangeParity(alice, P, s.lo, mid);
        asked++;
        if (rangeParity(bob, P, s.lo, mid) !== aLeft) next.push({ p: s.p, lo: s.lo, hi: mid, alicePar: aLeft });
        else next.push({ p: s.p, lo: mid, hi: s.hi, alicePar: s.alicePar ^ aLeft });
      }
      if (asked) { disclosed += asked; messages++; }
      searches = [];
      for (const s of next) {
        if (s.hi - s.lo === 1) {
          const P = passes[s.p];
          const bit = P.perm[s.lo];
          if ((bob[bit] ^ 0) !== s.alicePar) flip(bit); // single bit with odd error parity: wrong
        } else searches.push(s);
      }
    }
  };

  for (let i = 0; i < sizes.length; i++) {
    const k = sizes[i];
    const perm = new Int32Array(n);
    for (let t = 0; t < n; t++) perm[t] = t;
    if (i > 0) rng.shuffle(perm);
    const pos = new Int32Array(n);
    for (let t = 0; t < n; t++) pos[perm[t]] = t;
    const blocks = Math.ceil(n / k);
    const alicePar = new Uint8Array(blocks), bobPar = new Uint8Array(blocks);
    for (let t = 0; t < n; t++) {
      const b = (t / k) | 0;
      alicePar[b] ^= alice[perm[t]];
      bobPar[b] ^= bob[perm[t]];
    }
    passes.push({ k, perm, pos, alicePar, bobPar });
    disclosed += blocks;
    messages++;
    for (let b = 0; b < blocks; b++) if (alicePar[b] !== bobPar[b]) pending.push([i, b]);
    settle();
  }
  let residualErrors = 0;
  for (let t = 0; t < n; t++) residualErrors += alice[t] ^ bob[t];
  const hq = h2(initialErrors / Math.max(1, n));
  return {
    corrected: bob, disclosedBits: disclosed, askParityMessages: messages, initialErrors, residualErrors,
    efficiency: initialErrors === 0 ? 1 : disclosed / (n * hq),
    efficiencyNominal: q > 0 ? disclosed / (n * h2(q)) : 1,
    passes: sizes.length,
  };
}

export interface CascadeStats {
  qber: number; bits: number; runs: number; schedule: CascadeScheduleName; seed: number;
  efficiency_mean: number; efficiency_std: number; frame_error_rate: number; ask_parity_messages_mean: number;
  disclosed_bits_mean: number; residual_errors_mean: number;
}

/**
 * Monte Carlo of Cascade on random keys with exactly round(Q·n) errors at random places (the noise
 * model of the Martinez-Mateo et al. study, so that efficiencies are per nominal Q).
 */
export function cascadeMonteCarlo(o: { qber: number; bits: number; runs: number; schedule: CascadeScheduleName; seed: number; onRun?: (r: number) => void }): CascadeStats {
  const { qber, bits, runs, schedule, seed } = o;
  if (!(qber > 0 && qber < 0.5)) throw new QmlError(`--qber must be in (0, 0.5), got ${qber}`, 'qber');
  if (!Number.isInteger(bits) || bits < 2) throw new QmlError(`--bits must be an integer ≥ 2, got ${bits}`, 'bits');
  if (!Number.isInteger(runs) || runs < 1) throw new QmlError(`--runs must be a positive integer, got ${runs}`, 'runs');
  if (!CASCADE_SCHEDULES.includes(schedule)) throw new QmlError(`unknown Cascade schedule "${schedule}" (known: ${CASCADE_SCHEDULES.join(', ')})`, 'schedule');
  const rng = new Rng(seed);
  const alice = new Uint8Array(bits), bob = new Uint8Array(bits);
  const idx = new Int32Array(bits);
  const errors = Math.round(qber * bits);
  let s = 0, s2 = 0, fails = 0, msgs = 0, disc = 0, resid = 0;
  for (let r = 0; r < runs; r++) {
    for (let i = 0; i < bits; i++) { alice[i] = rng.nextU32() & 1; idx[i] = i; }
    bob.set(alice);
    // Partial Fisher–Yates: the first `errors` entries of idx are a uniform random subset.
    for (let i = 0; i < errors; i++) { const j = i + rng.int(bits - i); const t = idx[i]; idx[i] = idx[j]; idx[j] = t; bob[idx[i]] ^= 1; }
    const res = cascade(alice, bob, qber, schedule, rng.nextU32());
    s += res.efficiencyNominal; s2 += res.efficiencyNominal ** 2;
    if (res.residualErrors > 0) fails++;
    msgs += res.askParityMessages; disc += res.disclosedBits; resid += res.residualErrors;
    o.onRun?.(r + 1);
  }
  const mean = s / runs;
  return {
    qber, bits, runs, schedule, seed,
    efficiency_mean: mean, efficiency_std: Math.sqrt(Math.max(0, s2 / runs - mean * mean)),
    frame_error_rate: fails / runs, ask_parity_messages_mean: msgs / runs,
    disclosed_bits_mean: disc / runs, residual_errors_mean: resid / runs,
  };
}
