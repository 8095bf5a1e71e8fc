/**
 * A key management entity (KME) backed by simulated QKD links: each link between two secure
 * application entities (SAEs) runs BB84 (src/channel/qkd) on demand and pools the final keys; keys
 * are handed out under the data model of ETSI GS QKD 014 V1.1.1 (2019-02), "Protocol and data format
 * of REST-based key delivery API": the master SAE gets keys with `enc_keys`, the slave SAE gets the
 * same keys by key_ID with `dec_keys` (each key once), and `status` describes the link.
 * Key sizes are in bits (multiples of 8), keys are base64, key_IDs are UUIDs.
 */
import crypto from 'node:crypto';
import { QmlError } from '../../core/errors.js';
import { Rng } from '../../core/rng.js';
import { runBB84, BB84_DEFAULTS, type Bb84Result } from '../qkd/protocol.js';
import { optimiseMu } from '../qkd/analytic.js';
import { validateLink, type LinkParams } from '../qkd/params.js';
import { parseEavesdropper } from '../qkd/eve/registry.js';

/** A refused request: HTTP status, message and details (the ETSI "Error" object). */
export class KmsError extends QmlError {
  constructor(readonly status: 400 | 401 | 503, message: string, readonly details: Array<Record<string, unknown>> = []) { super(message); }
  body(): { message: string; details?: Array<Record<string, unknown>> } { return this.details.length ? { message: this.message, details: this.details } : { message: this.message }; }
}

export interface KmsLinkConfig { saeA: string; saeB: string; link: LinkParams; eve?: string; pulses?: number }

export interface KmsOptions {
  kmeId: string;
  links: KmsLinkConfig[];
  seed: number;
  /** default key size in bits */
  keySize: number;
  maxKeyCount: number;
  maxKeyPerRequest: number;
  minKeySize: number;
  maxKeySize: number;
  /** BB84 runs a refill may try before giving up */
  maxRunsPerFill: number;
}

export const KMS_DEFAULTS = { kmeId: 'qml6g-kme', seed: 1, keySize: 256, maxKeyCount: 100000, maxKeyPerRequest: 128, minKeySize: 64, maxKeySize: 8192, maxRunsPerFill: 8 };

export interface LinkStats {
  sae_a: string; sae_b: string; distance_km: number; eve: string | null;
  runs: number; aborts: number; last_qber: number | null; last_abort_reason: string | null;
  bits_produced: number; bits_delivered: number; bytes_available: number; keys_outstanding: number;
}

interface LinkState {
  cfg: KmsLinkConfig;
  rng: Rng;
  pool: Uint8Array;
  poolLen: number;
  outstanding: Map<string, { key: Uint8Array; master: string; slave: string }>;
  stats: LinkStats;
  history: Bb84Result[];
}

const pairKey = (a: string, b: string) => (a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`);
const SAE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export class QkdKeyStore {
  readonly opts: KmsOptions;
  private readonly links = new Map<string, LinkState>();

  constructor(o: Partial<KmsOptions> & { links: KmsLinkConfig[] }) {
    this.opts = { ...KMS_DEFAULTS, ...o };
    const root = new Rng(this.opts.seed);
    for (const cfg of o.links) this.addLink(cfg, root.nextU32());
  }

  /** Adds (or replaces) the link between two SAEs. */
  addLink(cfg: KmsLinkConfig, seed = 1): void {
    for (const s of [cfg.saeA, cfg.saeB]) if (!SAE_ID.test(s)) throw new QmlError(`SAE ID "${s}" must be 1–128 letters, digits or . _ : -`);
    if (cfg.saeA === cfg.saeB) throw new QmlError('a link joins two different SAEs');
    validateLink(cfg.link);
    if (cfg.eve !== undefined) parseEavesdropper(cfg.eve);
    this.links.set(pairKey(cfg.saeA, cfg.saeB), {
      cfg: { ...cfg }, rng: new Rng(seed), pool: new Uint8Array(1024), poolLen: 0, outstanding: new Map(), history: [],
      stats: { sae_a: cfg.saeA, sae_b: cfg.saeB, distance_km: cfg.link.distanceKm, eve: cfg.eve ?? null, runs: 0, aborts: 0, last_qber: null, last_abort_reason: null, bits_produced: 0, bits_delivered: 0, bytes_available: 0, keys_outstanding: 0 },
    });
  }

  /** Taps (or frees, with undefined) the link between two SAEs: later key production sees the eavesdropper. */
  setEavesdropper(a: string, b: string, eve: string | undefined): void {
    const l = this.link(a, b);
    if (eve !== undefined) parseEavesdropper(eve);
    l.cfg.eve = eve;
    l.stats.eve = eve ?? null;
  }

  private link(a: string, b: string): LinkState {
    const l = this.links.get(pairKey(a, b));
    if (!l) throw new KmsError(400, `no QKD link between SAE "${a}" and SAE "${b}"`, [{ parameter: 'SAE_ID' }]);
    return l;
  }

  /** Runs BB84 on the link until `bytes` are pooled; false when a run aborts (or too many runs). */
  private fill(l: LinkState, bytes: number): boolean {
    let runs = 0;
    while (l.poolLen < bytes) {
      if (runs++ >= this.opts.maxRunsPerFill) { l.stats.last_abort_reason = `no ${bytes} bytes after ${this.opts.maxRunsPerFill} runs`; return false; }
      const link = { ...l.cfg.link };
      const { result, key } = runBB84({ ...BB84_DEFAULTS, link, pulses: l.cfg.pulses ?? 2_000_000, seed: l.rng.nextU32(), eve: l.cfg.eve });
      l.history.push(result);
      l.stats.runs++;
      l.stats.last_qber = result.qber;
      if (result.aborted || !key) { l.stats.aborts++; l.stats.last_abort_reason = result.abort_reason; return false; }
      const whole = Math.floor(result.final_key_bits / 8);
      l.stats.bits_produced += whole * 8;
      if (l.poolLen + whole > l.pool.length) { const p = new Uint8Array(Math.max(2 * l.pool.length, l.poolLen + whole)); p.set(l.pool.subarray(0, l.poolLen)); l.pool = p; }
      l.pool.set(key.subarray(0, whole), l.poolLen);
      l.poolLen += whole;
    }
    l.stats.last_abort_reason = null;
    return true;
  }

  /** The last BB84 results of a link (what its QBER and key rate were). */
  history(a: string, b: string): Bb84Result[] { return this.link(a, b).history; }
  stats(): LinkStats[] { return [...this.links.values()].map((l) => ({ ...l.stats, bytes_available: l.poolLen, keys_outstanding: l.outstanding.size })); }

  /** ETSI 014 "Status" of the link from `master` to `slave`. */
  status(master: string, slave: string): Record<string, unknown> {
    const l = this.link(master, slave);
    return {
      source_KME_ID: this.opts.kmeId, target_KME_ID: this.opts.kmeId, master_SAE_ID: master, slave_SAE_ID: slave,
      key_size: this.opts.keySize, stored_key_count: Math.floor((l.poolLen * 8) / this.opts.keySize), max_key_count: this.opts.maxKeyCount,
      max_key_per_request: this.opts.maxKeyPerRequest, max_key_size: this.opts.maxKeySize, min_key_size: this.opts.minKeySize, max_SAE_ID_count: 0,
    };
  }

  /** ETSI 014 "Get key": `number` keys of `size` bits for master → slave. */
  encKeys(master: string, slave: string, number = 1, size = this.opts.keySize): { keys: Array<{ key_ID: string; key: string }> } {
    if (!Number.isInteger(number) || number < 1) throw new KmsError(400, `number must be a positive integer, got ${number}`, [{ parameter: 'number' }]);
    if (number > this.opts.maxKeyPerRequest) throw new KmsError(400, `number ${number} exceeds max_key_per_request ${this.opts.maxKeyPerRequest}`, [{ parameter: 'number' }]);
    if (!Number.isInteger(size) || size % 8 !== 0 || size < this.opts.minKeySize || size > this.opts.maxKeySize) throw new KmsError(400, `size must be a multiple of 8 between ${this.opts.minKeySize} and ${this.opts.maxKeySize} bits, got ${size}`, [{ parameter: 'size' }]);
    const l = this.link(master, slave);
    const bytes = (number * size) / 8;
    if (l.outstanding.size + number > this.opts.maxKeyCount) throw new KmsError(400, `the link holds ${l.outstanding.size} undelivered keys (max_key_count ${this.opts.maxKeyCount})`, [{ reason: 'max_key_count' }]);
    if (!this.fill(l, bytes)) throw new KmsError(400, `not enough key material on the link ${master}–${slave}: ${l.stats.last_abort_reason}`, [{ reason: 'insufficient_key_material', abort_reason: l.stats.last_abort_reason }]);
    const keys: Array<{ key_ID: string; key: string }> = [];
    for (let i = 0; i < number; i++) {
      const key = l.pool.slice(0, size / 8);
      l.pool.copyWithin(0, size / 8, l.poolLen);
      l.poolLen -= size / 8;
      const id = crypto.randomUUID();
      l.outstanding.set(id, { key, master, slave });
      l.stats.bits_delivered += size;
      keys.push({ key_ID: id, key: Buffer.from(key).toString('base64') });
    }
    return { keys };
  }

  /** ETSI 014 "Get key with key IDs": the slave fetches keys the master obtained (each once). */
  decKeys(slave: string, master: string, keyIds: string[]): { keys: Array<{ key_ID: string; key: string }> } {
    if (!Array.isArray(keyIds) || keyIds.length === 0) throw new KmsError(400, 'key_IDs must list at least one key_ID', [{ parameter: 'key_IDs' }]);
    const l = this.link(master, slave);
    const out: Array<{ key_ID: string; key: string }> = [];
    for (const id of keyIds) {
      if (typeof id !== 'string') throw new KmsError(400, 'every key_ID is a string', [{ parameter: 'key_ID' }]);
      const k = l.outstanding.get(id);
      if (!k || k.master !== master || k.slave !== slave) throw new KmsError(400, `unknown key_ID "${id}" for master ${master} and slave ${slave}`, [{ key_ID: id }]);
    }
    for (const id of keyIds) {
      const k = l.outstanding.get(id)!;
      l.outstanding.delete(id);
      out.push({ key_ID: id, key: Buffer.from(k.key).toString('base64') });
    }
    return { keys: out };
  }
}

/** A link's parameters with μ optimised for its distance and decoy method. */
export function optimisedLink(link: LinkParams): LinkParams {
  const o = optimiseMu(link, link.decoy);
  const mu = o.rate > 0 ? o.mu : link.mu;
  return { ...link, mu: link.decoy === 'vacuum+weak' && !(link.nu < mu) ? Math.max(link.mu, 2 * link.nu) : mu };
}

/** The store as a QKD key source in the same process (no HTTP), e.g. for tests and benchmarks. */
export function storeKeySource(store: QkdKeyStore): { encKey(m: string, s: string, bytes: number): Promise<{ keyId: string; key: Uint8Array } | null>; decKey(s: string, m: string, id: string): Promise<Uint8Array> } {
  return {
    async encKey(master, slave, bytes) {
      try {
        const [k] = store.encKeys(master, slave, 1, 8 * bytes).keys;
        return { keyId: k.key_ID, key: new Uint8Array(Buffer.from(k.key, 'base64')) };
      } catch (e) {
        if (e instanceof KmsError && e.details.some((d) => d.reason === 'insufficient_key_material')) return null;
        throw e;
      }
    },
    async decKey(slave, master, id) {
      return new Uint8Array(Buffer.from(store.decKeys(slave, master, [id]).keys[0].key, 'base64'));
    },
  };
}
