/**
 * Faults as data: a serialisable description of what goes wrong, and pure functions that say, for
 * a seed and a round, which clients are reachable, which drop out and how long each one takes.
 *  - dropout: each selected client fails independently with probability p (per client override);
 *  - stragglers: each client has a compute speed drawn once from a log-normal(0, σ²); its time
 *    is work·secondsPerExample/speed + bytes/bandwidth; past the round deadline it is dropped, or,
 *    in buffered asynchronous mode (FedBuff, Nguyen et al. 2022), its update arrives in a later
 *    round and is applied with the staleness weight 1/√(1 + τ);
 *  - intermittent links: a two-state Markov chain per client (up → down with pDown, down → up with
 *    pUp), started in its stationary distribution;
 *  - network partitions: a group of clients (a seeded fraction, or a list) cut off for a span of
 *    rounds.
 *
 * @example
 * import { checkFaults, linkStates } from 'qml6g';
 * const f = checkFaults({ links: { pDown: 0.1, pUp: 0.5 } });
 * linkStates(f, 10, 1, 5); // 10 booleans: which links are up in round 5
 */
import { QmlError } from '../core/errors.js';
import { Rng } from '../core/rng.js';
import { subSeed } from './seeds.js';

export interface PartitionFault {
  /** First and last round (inclusive) of the cut. */
  from: number;
  to: number;
  /** A seeded fraction of the clients, or an explicit list of client ids. */
  fraction?: number;
  clients?: number[];
}

export interface FaultConfig {
  dropout?: number;
  /** Per-client dropout probabilities (override `dropout`). */
  dropoutPerClient?: number[];
  /** σ of the log-normal compute speed (0 = all equal). */
  speedSigma?: number;
  /** Simulated seconds per example and epoch at speed 1 (default 0.001). */
  secondsPerExample?: number;
  /** Link bandwidth in bytes per second, both ways (default 1e6). */
  bandwidth?: number;
  /** Round deadline in simulated seconds (none by default). */
  deadline?: number;
  /** 'sync' (late updates dropped) or 'fedbuff' (late updates applied later, staleness-weighted). */
  mode?: 'sync' | 'fedbuff';
  /** Stale updates older than this many rounds are discarded in FedBuff mode (default 10). */
  maxStaleness?: number;
  links?: { pDown: number; pUp: number };
  partitions?: PartitionFault[];
}

const prob = (p: unknown, where: string): void => {
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new QmlError(`must be a probability in [0, 1], got ${JSON.stringify(p)}`, where);
};

export function checkFaults(f: FaultConfig, clients?: number): FaultConfig {
  if (f.dropout !== undefined) prob(f.dropout, '--dropout');
  if (f.dropoutPerClient) {
    f.dropoutPerClient.forEach((p, i) => prob(p, `faults.dropoutPerClient[${i}]`));
    if (clients !== undefined && f.dropoutPerClient.length !== clients) throw new QmlError(`${f.dropoutPerClient.length} dropout probabilities for ${clients} clients`, 'faults.dropoutPerClient');
  }
  const pos = (v: number | undefined, name: string, zero = false) => {
    if (v !== undefined && !(zero ? v >= 0 : v > 0)) throw new QmlError(`must be ${zero ? 'non-negative' : 'positive'}, got ${v}`, name);
  };
  pos(f.speedSigma, 'faults.speedSigma', true);
  pos(f.secondsPerExample, 'faults.secondsPerExample');
  pos(f.bandwidth, 'faults.bandwidth');
  pos(f.deadline, '--deadline');
  if (f.mode !== undefined && f.mode !== 'sync' && f.mode !== 'fedbuff') throw new QmlError(`mode must be sync or fedbuff, got "${String(f.mode)}"`, 'faults.mode');
  if (f.mode === 'fedbuff' && f.deadline === undefined) throw new QmlError('the buffered asynchronous mode needs a round deadline', '--deadline');
  if (f.maxStaleness !== undefined && !(Number.isInteger(f.maxStaleness) && f.maxStaleness >= 1)) throw new QmlError(`maxStaleness must be a positive integer, got ${f.maxStaleness}`, 'faults.maxStaleness');
  if (f.links) { prob(f.links.pDown, 'faults.links.pDown'); prob(f.links.pUp, 'faults.links.pUp'); if (f.links.pUp === 0 && f.links.pDown > 0) throw new QmlError('links that go down and never come back (pUp = 0)', 'faults.links.pUp'); }
  for (const [i, p] of (f.partitions ?? []).entries()) {
    const w = `faults.partitions[${i}]`;
    if (!Number.isInteger(p.from) || !Number.isInteger(p.to) || p.from < 1 || p.to < p.from) throw new QmlError(`needs integer rounds 1 ≤ from ≤ to, got from ${p.from}, to ${p.to}`, w);
    if ((p.fraction === undefined) === (p.clients === undefined)) throw new QmlError('give either a fraction of the clients or a list of them', w);
    if (p.fraction !== undefined && !(p.fraction > 0 && p.fraction < 1)) throw new QmlError(`fraction must be in (0, 1), got ${p.fraction}`, w);
    if (p.clients && clients !== undefined && p.clients.some((c) => !Number.isInteger(c) || c < 0 || c >= clients)) throw new QmlError(`client ids must be in [0, ${clients})`, w);
  }
  return f;
}

/** Each client's compute speed, drawn once per run. */
export function clientSpeeds(f: FaultConfig, clients: number, seed: number): Float64Array {
  const rng = new Rng(subSeed(seed, 0x5eed));
  const s = f.speedSigma ?? 0;
  return Float64Array.from({ length: clients }, () => Math.exp(s * rng.normal()));
}

/** Which links are up in round `round` (the chain replayed from round 1, so no state is kept). */
export function linkStates(f: FaultConfig, clients: number, seed: number, round: number): boolean[] {
  const up = new Array<boolean>(clients).fill(true);
  if (!f.links) return up;
  const { pDown, pUp } = f.links, stationaryUp = pDown + pUp > 0 ? pUp / (pDown + pUp) : 1;
  const init = new Rng(subSeed(seed, 0x11ec));
  for (let c = 0; c < clients; c++) up[c] = init.next() < stationaryUp;
  for (let r = 2; r <= round; r++) {
    const rng = new Rng(subSeed(seed, 0x11ec, r));
    for (let c = 0; c < clients; c++) up[c] = up[c] ? rng.next() >= pDown : rng.next() < pUp;
  }
  return up;
}

/** Which clients a partition cuts off in `round`. */
export function partitioned(f: FaultConfig, clients: number, seed: number, round: number): boolean[] {
  const cut = new Array<boolean>(clients).fill(false);
  (f.partitions ?? []).forEach((p, i) => {
    if (round < p.from || round > p.to) return;
    const group = p.clients ?? (new Rng(subSeed(seed, 0x9a27, i)).shuffle(Array.from({ length: clients }, (_, c) => c)) as number[]).slice(0, Math.ceil(p.fraction! * clients));
    for (const c of group) cut[c] = true;
  });
  return cut;
}

/** Whether each of the selected clients drops out this round. */
export function dropouts(f: FaultConfig, selected: readonly number[], seed: number, round: number): boolean[] {
  const rng = new Rng(subSeed(seed, 0xd20b, round));
  return selected.map((c) => rng.next() < (f.dropoutPerClient?.[c] ?? f.dropout ?? 0));
}

/** Simulated seconds a client needs: compute at its speed plus both transfers. */
export function clientTime(f: FaultConfig, work: number, speed: number, bytes: number): number {
  return (work * (f.secondsPerExample ?? 1e-3)) / speed + bytes / (f.bandwidth ?? 1e6);
}

/** FedBuff's staleness weight s(τ) = 1/√(1 + τ) (Nguyen et al. 2022). */
export function stalenessWeight(tau: number): number {
  return 1 / Math.sqrt(1 + tau);
}
