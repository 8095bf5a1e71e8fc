/**
 * Secure aggregation (Bonawitz et al. 2017, "Practical secure aggregation for privacy-preserving
 * machine learning", CCS, Fig. 4, the semi-honest protocol) and SecAgg+ (Bell et al. 2020, CCS) as a
 * state machine of five stages over plain messages:
 *
 *   0 advertise    client u → server: public keys (c_u^PK, s_u^PK)                    → U1
 *   1 share        u → v (through the server, AEAD under KA(c_u, c_v)): Shamir shares
 *                  of s_u^SK and of the self-mask seed b_u, threshold t                 → U2
 *   2 masked       u → server: y_u = x_u + PRG(b_u) + Σ_{v∈U2∩N(u)} ±PRG(KA(s_u, s_v)) mod R  → U3
 *   3 consistency  server → u: U3; u checks it has ≥ t of its share holders, acks      → U4
 *   4 unmask       u → server: for each neighbour v, a share of b_v if v ∈ U3, else of s_v^SK → U5
 *
 * then the server rebuilds b_v for v ∈ U3 and s_v^SK for v ∈ U2 \ U3, removes the self masks and the
 * pairwise masks that dropped clients left behind, and obtains Σ_{u∈U3} x_u mod R. A client answers at
 * most one kind of share per peer and refuses the other, so the server never holds both the self-mask
 * seed and the pairwise key of the same client (the reason this is safe is the threshold below).
 *
 * Threshold (stated): with h share holders per secret (h = n for SecAgg, h = k + 1 for SecAgg+ of degree
 * k), t must satisfy h/2 < t ≤ h. Any two sets of t holders then intersect, so even a server that tells
 * some clients "u dropped" and others "u survived" cannot gather t shares of both b_u and s_u^SK: the
 * honest client in the intersection refuses the second. t ≤ h/2 or t > h is a QmlError. Security is
 * against a semi-honest server colluding with fewer than t clients; the active-adversary version adds
 * signatures on U3 (Bonawitz et al. §4), not done here.
 *
 * Dropouts are data: `dropAt[u]` names the stage before whose message client u goes silent (or null).
 * Below t survivors at any stage, or a secret with fewer than t shares at unmasking, the round aborts
 * and the result records where and why.
 *
 * @example
 * import { secureAggregate } from 'qml6g';
 * const inputs = [Float64Array.of(0.1, 0.2), Float64Array.of(0.3, -0.1), Float64Array.of(-0.2, 0.4), Float64Array.of(0, 0)];
 * const r = secureAggregate(inputs, { clip: 1, seed: 1 }, [null, null, 'masked', null]);
 * r.aborted;                 // false
 * r.contributors;            // [0, 1, 3]
 * Array.from(r.sum!, (v) => +v.toFixed(6)); // [0.4, 0.1]
 */
import { QmlError, isFiniteNumber } from '../../core/errors.js';
import { SecureRandom } from './random.js';
import { agree, generateX25519KeyPair, openShare, sealShare, type X25519KeyPair } from './agreement.js';
import { bytesToField, combineShares, fieldToBytes, randomFieldElement, splitSecret, type Share } from './shamir.js';
import { addMask, expandMask } from './prg.js';
import { quantizer, type Quantizer } from './quantize.js';
import { completeGraph, defaultDegree, harary, type Graph } from './graph.js';

export const SECAGG_STAGES = ['advertise', 'share', 'masked', 'consistency', 'unmask'] as const;
export type SecAggStage = (typeof SECAGG_STAGES)[number];
export type SecAggVariant = 'secagg' | 'secagg+';

export interface SecAggOptions {
  /** Quantisation range: coordinates are clipped to [−clip, clip] before encoding. */
  clip: number;
  variant?: SecAggVariant;
  /** SecAgg+ graph degree (even, or n − 1); default 2⌈log₂ n⌉. */
  degree?: number;
  /** Shamir threshold; default ⌊h/2⌋ + 1 with h share holders per secret. */
  threshold?: number;
  /** Seed of the simulation's secure randomness (omit for OS randomness). */
  seed?: number;
  /** Round number, bound into every derived key. */
  round?: number;
}

export interface SecAggResult {
  variant: SecAggVariant;
  clients: number;
  threshold: number;
  degree: number;
  aborted: boolean;
  abortStage?: SecAggStage;
  abortReason?: string;
  /** Survivors after each stage (|U1| … |U5|). */
  survivors: Record<SecAggStage, number>;
  /** U3: the clients whose updates are in the sum. */
  contributors: number[];
  /** Σ_{u∈U3} x_u (clipped, quantised, decoded); absent when aborted. */
  sum?: Float64Array;
  /** The unmasked sum in Z_R (the integers the server recovers). */
  quantizedSum?: Uint32Array;
  /** Clients whose self-mask seed / pairwise secret key the server rebuilt. */
  revealedSelfSeeds: number[];
  revealedPairwiseKeys: number[];
  /** Mean bytes a client sends / receives in this round, and the plain float64 upload for comparison. */
  bytesUpPerClient: number;
  bytesDownPerClient: number;
  plainBytesUpPerClient: number;
  /** Compute time of all clients together, of the slowest client, and of the server (seconds). */
  clientSeconds: number;
  maxClientSeconds: number;
  serverSeconds: number;
}

/** The stated threshold rule: h/2 < t ≤ h. */
export function checkThreshold(t: number, holders: number, where = 'secure aggregation'): void {
  if (!Number.isInteger(t)) throw new QmlError(`threshold must be an integer, got ${t}`, where);
  if (t > holders) throw new QmlError(`threshold t = ${t} exceeds the ${holders} share holders per secret`, where);
  if (2 * t <= holders) {
    throw new QmlError(`threshold t = ${t} is at or below half of the ${holders} share holders; the semi-honest protocol needs t > ${holders}/2 (t ≥ ${Math.floor(holders / 2) + 1})`, where);
  }
}

interface Advert { id: number; cPK: Uint8Array; sPK: Uint8Array }
interface Sealed { from: number; to: number; ct: Uint8Array }
interface UnmaskReply { from: number; self: Map<number, bigint>; pairwise: Map<number, bigint> }

const SHARE_PLAINTEXT = 8 + 32 + 32;

/** One client's side of the protocol: it holds its secrets and answers the server stage by stage. */
export class SecAggClient {
  private readonly c: X25519KeyPair;
  private readonly s: X25519KeyPair;
  private readonly b: bigint;
  private roster = new Map<number, Advert>();
  private held = new Map<number, { s: bigint; b: bigint }>(); // shares this client holds, by owner
  private acked: Set<number> | null = null;
  private channel = new Map<number, Uint8Array>(); // agreed channel keys, by peer
  /** Per peer, the one kind of share this client has revealed. */
  readonly revealed = new Map<number, 'self' | 'pairwise'>();

  constructor(readonly id: number, readonly neighbours: number[], readonly threshold: number, readonly round: number, private readonly rnd: SecureRandom) {
    this.c = generateX25519KeyPair(rnd);
    this.s = generateX25519KeyPair(rnd);
    this.b = randomFieldElement(rnd);
  }

  private channelKey(v: number): Uint8Array {
    let k = this.channel.get(v);
    if (!k) this.channel.set(v, (k = agree(this.c.secretKey, this.roster.get(v)!.cPK, 'channel', this.id, v, this.round, this.c.publicKey)));
    return k;
  }

  advertise(): Advert {
    return { id: this.id, cPK: this.c.publicKey, sPK: this.s.publicKey };
  }

  /** Stage 1: shares of s^SK and b for every live holder (itself included); null = too few holders. */
  shareKeys(roster: Advert[]): Sealed[] | null {
    const nb = new Set(this.neighbours);
    for (const a of roster) if (nb.has(a.id)) this.roster.set(a.id, a);
    const holders = [this.id, ...this.roster.keys()].sort((x, y) => x - y);
    if (holders.length < this.threshold) return null;
    const xs = holders.map((v) => v + 1);
    const sh = splitSecret(bytesToField(this.s.secretKey), this.threshold, xs, this.rnd);
    const bh = splitSecret(this.b, this.threshold, xs, this.rnd);
    const out: Sealed[] = [];
    holders.forEach((v, j) => {
      if (v === this.id) { this.held.set(v, { s: sh[j].y, b: bh[j].y }); return; }
      const pt = new Uint8Array(SHARE_PLAINTEXT);
      const dv = new DataView(pt.buffer);
      dv.setUint32(0, this.id, true);
      dv.setUint32(4, v, true);
      pt.set(fieldToBytes(sh[j].y), 8);
      pt.set(fieldToBytes(bh[j].y), 40);
      const key = this.channelKey(v);
      out.push({ from: this.id, to: v, ct: sealShare(key, this.id, v, pt) });
    });
    return out;
  }

  /** Stage 2: decrypt the shares addressed here, then mask the quantised input. */
  maskedInput(inbox: Sealed[], q: Uint32Array): Uint32Array | null {
    for (const m of inbox) {
      if (m.to !== this.id || !this.roster.has(m.from)) throw new QmlError(`client ${this.id} got a share message not meant for it (from ${m.from})`);
      const key = this.channelKey(m.from);
      const pt = openShare(key, m.from, this.id, m.ct);
      const dv = new DataView(pt.buffer, pt.byteOffset, pt.byteLength);
      if (dv.getUint32(0, true) !== m.from || dv.getUint32(4, true) !== this.id) throw new QmlError(`client ${this.id}: share message names the wrong sender or receiver`);
      this.held.set(m.from, { s: bytesToField(pt.subarray(8, 40)), b: bytesToField(pt.subarray(40, 72)) });
    }
    if (this.held.size < this.threshold) return null;
    const y = Uint32Array.from(q);
    addMask(y, expandMask(fieldToBytes(this.b), 'self', q.length), 1);
    for (const v of this.held.keys()) {
      if (v === this.id) continue;
      const seed = agree(this.s.secretKey, this.roster.get(v)!.sPK, 'mask', this.id, v, this.round, this.s.publicKey);
      addMask(y, expandMask(seed, 'pair', q.length), this.id < v ? 1 : -1);
    }
    return y;
  }

  /** Stage 3: accept U3 if at least t of this client's share holders are in it. */
  consistency(u3: number[]): boolean {
    const set = new Set(u3);
    let live = 0;
    for (const v of this.held.keys()) if (set.has(v)) live++;
    if (live < this.threshold) return false;
    this.acked = set;
    return true;
  }

  /**
   * Stage 4: for each peer whose shares this client holds, a share of b_v if v ∈ U3, of s_v^SK
   * otherwise. Asking for the other kind for the same peer later is refused (QmlError).
   */
  unmask(u3: number[]): UnmaskReply {
    const set = new Set(u3);
    if (!this.acked || set.size !== this.acked.size || u3.some((v) => !this.acked!.has(v))) {
      throw new QmlError(`client ${this.id} refuses to unmask: the survivor list differs from the one it acknowledged`);
    }
    const reply: UnmaskReply = { from: this.id, self: new Map(), pairwise: new Map() };
    for (const [v, sh] of this.held) {
      const kind = set.has(v) ? 'self' : 'pairwise';
      const before = this.revealed.get(v);
      if (before && before !== kind) throw new QmlError(`client ${this.id} refuses to reveal the ${kind} share of client ${v}: it already revealed its ${before} share`);
      this.revealed.set(v, kind);
      if (kind === 'self') reply.self.set(v, sh.b); else reply.pairwise.set(v, sh.s);
    }
    return reply;
  }

  /** Test and what-if hook: forget the acknowledged list, as a client that restarts would. */
  reacknowledge(u3: number[]): void { this.acked = new Set(u3); }
}

/** Resolves the variant, graph, degree and threshold for n clients (validating them). */
export function secAggSetup(n: number, opts: Omit<SecAggOptions, 'clip'>): { graph: Graph; degree: number; threshold: number; variant: SecAggVariant } {
  const variant = opts.variant ?? 'secagg';
  if (variant !== 'secagg' && variant !== 'secagg+') throw new QmlError(`unknown secure aggregation "${variant as string}" (use secagg or secagg+)`);
  if (!Number.isInteger(n) || n < 2) throw new QmlError(`secure aggregation needs at least 2 clients, got ${n}`);
  const rnd = new SecureRandom(opts.seed, `graph/${opts.round ?? 0}`);
  const degree = variant === 'secagg' ? n - 1 : (opts.degree ?? defaultDegree(n));
  const graph = variant === 'secagg' ? completeGraph(n) : harary(n, degree, rnd);
  const holders = degree + 1;
  const threshold = opts.threshold ?? Math.floor(holders / 2) + 1;
  checkThreshold(threshold, holders);
  return { graph, degree, threshold, variant };
}

/**
 * One secure-aggregation round over `inputs` (one Float64Array per client, equal lengths), with
 * client u going silent before stage `dropAt[u]` (null: never).
 */
export function secureAggregate(inputs: Float64Array[], opts: SecAggOptions, dropAt: (SecAggStage | null)[] = []): SecAggResult {
  const n = inputs.length;
  if (!isFiniteNumber(opts.clip) || opts.clip <= 0) throw new QmlError(`secure aggregation clip must be > 0, got ${opts.clip}`);
  const { graph, degree, threshold, variant } = secAggSetup(n, opts);
  const d = inputs[0].length;
  for (const [u, x] of inputs.entries()) if (x.length !== d) throw new QmlError(`client ${u} update has ${x.length} coordinates, expected ${d}`);
  const round = opts.round ?? 0;
  const qz: Quantizer = quantizer(opts.clip, n);
  const alive = (u: number, s: SecAggStage): boolean => {
    const at = dropAt[u];
    return at == null || SECAGG_STAGES.indexOf(at) > SECAGG_STAGES.indexOf(s);
  };
  const up = new Float64Array(n), down = new Float64Array(n), perClient = new Float64Array(n);
  let serverT = 0;
  /** Runs f as client u's work (u ≥ 0) or the server's (u = −1), timing it. */
  const timed = <T>(u: number, f: () => T): T => {
    const t0 = performance.now();
    try { return f(); } finally { const dt = (performance.now() - t0) / 1000; if (u >= 0) perClient[u] += dt; else serverT += dt; }
  };
  const survivors = { advertise: 0, share: 0, masked: 0, consistency: 0, unmask: 0 } as Record<SecAggStage, number>;
  const base = { variant, clients: n, threshold, degree, survivors, plainBytesUpPerClient: 8 * d };
  const finish = (extra: Partial<SecAggResult>): SecAggResult => ({
    ...base, aborted: false, contributors: [], revealedSelfSeeds: [], revealedPairwiseKeys: [],
    bytesUpPerClient: mean(up), bytesDownPerClient: mean(down), clientSeconds: mean(perClient) * n, maxClientSeconds: Math.max(...perClient), serverSeconds: serverT, ...extra,
  });
  const abort = (stage: SecAggStage, reason: string, contributors: number[] = []): SecAggResult => finish({ aborted: true, abortStage: stage, abortReason: reason, contributors });

  const clients = inputs.map((_, u) => timed(u, () => new SecAggClient(u, graph[u], threshold, round, new SecureRandom(opts.seed, `client/${u}/${round}`))));

  // Stage 0: advertise keys.
  const adverts: Advert[] = [];
  for (const c of clients) if (alive(c.id, 'advertise')) { adverts.push(timed(c.id, () => c.advertise())); up[c.id] += 64; }
  const u1 = new Set(adverts.map((a) => a.id));
  survivors.advertise = u1.size;
  if (u1.size < threshold) return abort('advertise', `${u1.size} clients advertised keys, fewer than t = ${threshold}`);

  // SecAggStage 1: share keys (the server routes ciphertexts it cannot read).
  const inbox = new Map<number, Sealed[]>();
  const u2 = new Set<number>();
  for (const c of clients) {
    if (!u1.has(c.id) || !alive(c.id, 'share')) continue;
    const mine = adverts.filter((a) => graph[c.id].includes(a.id));
    down[c.id] += 64 * mine.length;
    const sealed = timed(c.id, () => c.shareKeys(mine));
    if (!sealed) continue;
    u2.add(c.id);
    for (const m of sealed) { up[c.id] += 8 + m.ct.length; (inbox.get(m.to) ?? inbox.set(m.to, []).get(m.to)!).push(m); }
  }
  survivors.share = u2.size;
  if (u2.size < threshold) return abort('share', `${u2.size} clients shared their keys, fewer than t = ${threshold}`);

  // Stage 2: masked inputs.
  const masked = new Map<number, Uint32Array>();
  for (const c of clients) {
    if (!u2.has(c.id) || !alive(c.id, 'masked')) continue;
    const mine = (inbox.get(c.id) ?? []).filter((m) => u2.has(m.from));
    for (const m of mine) down[c.id] += 8 + m.ct.length;
    const y = timed(c.id, () => c.maskedInput(mine, qz.encode(inputs[c.id])));
    if (!y) continue;
    masked.set(c.id, y);
    up[c.id] += 4 * d;
  }
  const u3 = [...masked.keys()].sort((a, b) => a - b);
  survivors.masked = u3.length;
  if (u3.length < threshold) return abort('masked', `${u3.length} clients sent masked inputs, fewer than t = ${threshold}`, u3);

  // Stage 3: consistency check.
  const u4: number[] = [];
  for (const u of u3) {
    if (!alive(u, 'consistency')) continue;
    down[u] += 4 * u3.length;
    if (timed(u, () => clients[u].consistency(u3))) { u4.push(u); up[u] += 32; }
  }
  survivors.consistency = u4.length;
  if (u4.length < threshold) return abort('consistency', `${u4.length} clients confirmed the survivor list, fewer than t = ${threshold}`, u3);

  // Stage 4: unmasking.
  const replies: UnmaskReply[] = [];
  for (const u of u4) {
    if (!alive(u, 'unmask')) continue;
    const r = timed(u, () => clients[u].unmask(u3));
    replies.push(r);
    up[u] += 4 + 36 * (r.self.size + r.pairwise.size);
  }
  survivors.unmask = replies.length;
  if (replies.length < threshold) return abort('unmask', `${replies.length} clients sent unmasking shares, fewer than t = ${threshold}`, u3);

  const server = timed(-1, () => unmaskSum(d, threshold, graph, u2, u3, masked, adverts, replies, round));
  if ('abort' in server) return abort('unmask', server.abort, u3);
  {
    return finish({ contributors: u3, quantizedSum: server.sum, sum: qz.decodeSum(server.sum, u3.length), revealedSelfSeeds: server.self, revealedPairwiseKeys: server.pairwise });
  }
}

/** The server's final step, from what it holds: masked vectors, public keys and revealed shares. */
function unmaskSum(d: number, t: number, graph: Graph, u2: Set<number>, u3: number[], masked: Map<number, Uint32Array>, adverts: Advert[], replies: UnmaskReply[], round: number):
  { sum: Uint32Array; self: number[]; pairwise: number[] } | { abort: string } {
  const inU3 = new Set(u3);
  const pk = new Map(adverts.map((a) => [a.id, a.sPK]));
  const gather = (kind: 'self' | 'pairwise', owner: number): Share[] => {
    const shares: Share[] = [];
    for (const r of replies) { const y = r[kind].get(owner); if (y !== undefined) shares.push({ x: r.from + 1, y }); }
    return shares.slice(0, t);
  };
  const sum = new Uint32Array(d);
  for (const u of u3) addMask(sum, masked.get(u)!, 1);
  const revealed = new Map<number, 'self' | 'pairwise'>();
  const reveal = (u: number, kind: 'self' | 'pairwise'): void => {
    const before = revealed.get(u);
    if (before && before !== kind) throw new Error(`internal: server would hold both secrets of client ${u}`);
    revealed.set(u, kind);
  };
  for (const u of u3) {
    const sh = gather('self', u);
    if (sh.length < t) return { abort: `only ${sh.length} shares of client ${u}'s self-mask seed arrived, fewer than t = ${t}` };
    reveal(u, 'self');
    addMask(sum, expandMask(fieldToBytes(combineShares(sh)), 'self', d), -1);
  }
  const pairwise: number[] = [];
  for (const v of [...u2].sort((a, b) => a - b)) {
    if (inU3.has(v)) continue;
    const partners = graph[v].filter((w) => inU3.has(w));
    if (partners.length === 0) continue;
    const sh = gather('pairwise', v);
    if (sh.length < t) return { abort: `only ${sh.length} shares of dropped client ${v}'s mask key arrived, fewer than t = ${t}` };
    reveal(v, 'pairwise');
    pairwise.push(v);
    const skV = fieldToBytes(combineShares(sh));
    for (const w of partners) {
      // w added sign(w, v)·PRG(s_{w,v}); the server removes it with the rebuilt key of v.
      const seed = agree(skV, pk.get(w)!, 'mask', v, w, round, pk.get(v));
      addMask(sum, expandMask(seed, 'pair', d), w < v ? -1 : 1);
    }
  }
  return { sum, self: [...u3], pairwise };
}

function mean(a: Float64Array): number {
  let s = 0;
  for (const v of a) s += v;
  return a.length ? s / a.length : 0;
}
