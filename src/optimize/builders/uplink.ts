/**
 * Uplink resources of one federated-learning round, after Shaon et al. (QAOA for channel selection
 * and transmit power of federated clients, as a QUBO): K clients, M channels of bandwidth B, L
 * discrete power levels. x_{(k·M + m)·L + l} = 1 when client k sends on channel m at power level l.
 * Client k uploading D_k bits on channel m at power p gets rate r = B·log2(1 + p·g_km/N0), takes
 * t = D_k/r seconds and spends E = p·t joules. Minimise the round's total energy Σ E; each client
 * gets exactly one (channel, power), each channel carries at most one client, and a choice whose
 * upload misses the round deadline is forbidden.
 *
 * The classical baseline (`uplinkBaseline`) assigns channels greedily by the best gain and gives
 * each client the smallest continuous power meeting the deadline, p = (2^{D/(B·T)} − 1)·N0/g (energy
 * grows with power, so the deadline-tight power is optimal for a fixed channel).
 *
 * @example
 * import { uplinkProblem, randomUplink } from 'qml6g';
 * const p = uplinkProblem(randomUplink({ clients: 3, channels: 3, seed: 1 }));
 * p.n;   // 3 clients × 3 channels × 2 power levels = 18
 */
import { QmlError } from '../../core/errors.js';
import { Rng } from '../../core/rng.js';
import { QuboBuilder } from '../qubo.js';
import { atMostConstraint, makeProblem, oneHotConstraint, type LinearConstraint, type Problem } from '../problem.js';

export interface UplinkInstance {
  clients: number;
  channels: number;
  /** gain[k][m]: channel power gain of client k on channel m. */
  gain: number[][];
  /** Discrete transmit powers (W). */
  powers: number[];
  /** Noise power N0 (W) over the channel bandwidth (−174 dBm/Hz over 1 MHz is 4e-15 W). */
  noise: number;
  /** Channel bandwidth (Hz). */
  bandwidth: number;
  /** Bits each client uploads (its model update). */
  dataBits: number[];
  /** Round deadline (s). */
  deadline: number;
}

export function uplinkEnergy(u: UplinkInstance, k: number, m: number, p: number): { seconds: number; joules: number } {
  const rate = u.bandwidth * Math.log2(1 + (p * u.gain[k][m]) / u.noise);
  const seconds = u.dataBits[k] / rate;
  return { seconds, joules: p * seconds };
}

/** Rayleigh-faded gains around a log-distance path loss (exponent 3.5), seeded. */
export function randomUplink(o: { clients: number; channels: number; seed: number; powers?: number[]; deadline?: number }): UplinkInstance {
  const rng = new Rng(o.seed);
  const gain = Array.from({ length: o.clients }, () => {
    const dist = 50 + 450 * rng.next();
    const pl = 1e-3 * dist ** -3.5;
    return Array.from({ length: o.channels }, () => { const a = rng.normal(), b = rng.normal(); return pl * (a * a + b * b) / 2; });
  });
  return { clients: o.clients, channels: o.channels, gain, powers: o.powers ?? [0.05, 0.2], noise: 4e-15, bandwidth: 1e6, dataBits: Array.from({ length: o.clients }, () => 1e6 * (0.5 + rng.next())), deadline: o.deadline ?? 1 };
}

export function uplinkProblem(u: UplinkInstance, name = `uplink-${u.clients}x${u.channels}`): Problem {
  const { clients: K, channels: M } = u, L = u.powers.length;
  if (K > M) throw new QmlError(`contradictory constraints: ${K} clients cannot each get one of ${M} channels`);
  const idx = (k: number, m: number, l: number) => (k * M + m) * L + l;
  const b = new QuboBuilder(K * M * L);
  const constraints: LinearConstraint[] = [];
  const oneHot: number[][] = [];
  for (let k = 0; k < K; k++) {
    const grp: number[] = [];
    let reachable = false;
    for (let m = 0; m < M; m++) for (let l = 0; l < L; l++) {
      const { seconds, joules } = uplinkEnergy(u, k, m, u.powers[l]);
      grp.push(idx(k, m, l));
      // Energy in millijoules keeps the coefficients near 1.
      b.addLinear(idx(k, m, l), joules * 1e3);
      if (seconds > u.deadline) constraints.push({ name: `client ${k} channel ${m} power ${l} misses the deadline`, terms: [[idx(k, m, l), 1]], sense: '<=', rhs: 0 });
      else reachable = true;
    }
    if (!reachable) throw new QmlError(`contradictory constraints: client ${k} cannot meet the ${u.deadline} s deadline on any channel at any power`);
    oneHot.push(grp);
    constraints.push(oneHotConstraint(`client ${k} sends once`, grp));
  }
  for (let m = 0; m < M; m++) {
    const vars: number[] = [];
    for (let k = 0; k < K; k++) for (let l = 0; l < L; l++) vars.push(idx(k, m, l));
    constraints.push(atMostConstraint(`channel ${m} carries one client`, vars, 1));
  }
  return makeProblem({ kind: 'uplink', name, sense: 'min', objective: b.build(), constraints, oneHot, data: { kind: 'uplink', gain: u.gain, powers: u.powers, noise: u.noise, clients: K, channels: M, bandwidth: u.bandwidth, dataBits: u.dataBits, deadline: u.deadline } });
}

/**
 * Greedy channel choice (clients with the weakest best gain pick first, each the best free channel)
 * and the deadline-tight continuous power. Returns the energy in millijoules (the objective's unit).
 */
export function uplinkBaseline(u: UplinkInstance): { channel: number[]; power: number[]; energyMilliJoules: number; feasible: boolean } {
  const order = Array.from({ length: u.clients }, (_, k) => k).sort((a, b) => Math.max(...u.gain[a]) - Math.max(...u.gain[b]));
  const free = new Set(Array.from({ length: u.channels }, (_, m) => m));
  const channel = new Array<number>(u.clients).fill(-1), power = new Array<number>(u.clients).fill(0);
  let energy = 0, feasible = true;
  const pmax = Math.max(...u.powers);
  for (const k of order) {
    let best = -1;
    for (const m of free) if (best < 0 || u.gain[k][m] > u.gain[k][best]) best = m;
    free.delete(best);
    channel[k] = best;
    const p = ((2 ** (u.dataBits[k] / (u.bandwidth * u.deadline)) - 1) * u.noise) / u.gain[k][best];
    if (p > pmax) feasible = false;
    power[k] = Math.min(p, pmax);
    energy += uplinkEnergy(u, k, best, power[k]).joules * 1e3;
  }
  return { channel, power, energyMilliJoules: energy, feasible };
}
