/**
 * The federated channel: every download and upload of a federated round travels sealed under a
 * session of `pqc/session.ts`, keyed from QKD (fetched through ETSI GS QKD 014, as from a real key
 * manager) and/or X-Wing. It has the shape of the federated engine's Transport (structurally: this
 * layer does not import the federated one), so the engine trains on what it delivers.
 *
 * Per round and client: a fresh handshake (new KEM key, new QKD key, new session keys). When a
 * client's QKD link has no key (its BB84 runs abort: an eavesdropper pushed the QBER past the
 * threshold, or the decoy bounds collapsed) the policy decides: `fallback` continues on the
 * post-quantum key alone, `exclude` leaves the client out of the round. A channel eavesdropper
 * `tamper` alters ciphertext in transit: the AEAD refuses it and the engine counts a failure.
 */
import crypto from 'node:crypto';
import { QmlError } from '../core/errors.js';
import { generateKeyPair, type KeyPair } from '../supply/signing.js';
import { establishSession, QkdUnavailable, type ChannelMode, type QkdKeySource, type SessionPair } from './pqc/session.js';
import { RefusedUpdate, decodeParams, encodeParams, type SealedUpdate } from './pqc/aead.js';
import { QkdKeyStore, optimisedLink } from './kms/store.js';
import { startKms, type RunningKms } from './kms/server.js';
import { Etsi014Client } from './kms/client.js';
import { linkParams, type LinkParams } from './qkd/params.js';
import { parseEavesdropper } from './qkd/eve/registry.js';

export type QkdPolicy = 'fallback' | 'exclude';
export const QKD_POLICIES: QkdPolicy[] = ['fallback', 'exclude'];

/** A tap on one client's link: a QKD eavesdropper (`intercept:0.5`, `pns`, ...) or `tamper` (alters ciphertext). */
export interface ChannelTap { client: number; eve: string }

export interface SecureChannelConfig {
  mode: ChannelMode;
  policy: QkdPolicy;
  /** QKD link parameters shared by every client's link (μ optimised for the distance unless given) */
  link: LinkParams;
  /** pulses per BB84 run refilling a link */
  pulses: number;
  taps: ChannelTap[];
  seed: number;
  /** an external ETSI 014 key manager; by default one is embedded (started on a free port) */
  kmsUrl?: string;
}

/** What happened on one client's link in one round. */
export interface LinkRound {
  round: number;
  client: number;
  mode: ChannelMode | 'excluded';
  qkd_aborted: boolean;
  abort_reason: string | null;
  /** the QBER and final-key rate (bits per pulse) of the link's latest BB84 run (embedded key manager) */
  qber: number | null;
  key_rate: number | null;
  qkd_key_id: string | null;
  handshake_bytes: number;
  bytes_up: number;
  bytes_down: number;
  refused: number;
  refusal: string | null;
}

interface Msg { direction: 'down' | 'up'; client: number; round: number; payload: Uint8Array }
interface Delivery { delivered: Uint8Array; wireBytes: number; refused?: string }

export const AGGREGATOR_SAE = 'aggregator';
export const clientSae = (c: number) => `client-${c}`;

/** Parses `CLIENT:EVE[,CLIENT:EVE...]`, e.g. `2:intercept:0.5,4:pns,1:tamper`. */
export function parseTaps(spec: string | undefined, clients: number): ChannelTap[] {
  if (!spec) return [];
  return spec.split(',').map((s) => s.trim()).filter(Boolean).map((s) => {
    const i = s.indexOf(':');
    const c = Number(s.slice(0, i));
    if (i < 1 || !Number.isInteger(c) || c < 0 || c >= clients) throw new QmlError(`"${s}" is not CLIENT:EAVESDROPPER with a client in 0..${clients - 1}`, '--eve');
    const eve = s.slice(i + 1);
    if (eve !== 'tamper') {
      try { parseEavesdropper(eve); } catch (e) { throw new QmlError(`${(e as Error).message} (or tamper)`, '--eve'); }
    }
    return { client: c, eve };
  });
}

export class SecureChannelTransport {
  readonly name: string;
  readonly log: LinkRound[] = [];
  private readonly server: { id: string; signing: KeyPair };
  private readonly clients = new Map<number, { id: string; signing: KeyPair }>();
  private readonly sessions = new Map<string, SessionPair | 'excluded' | 'none'>();
  private store: QkdKeyStore | null = null;
  private kms: RunningKms | null = null;
  private qkd: QkdKeySource | null = null;
  private readonly link: LinkParams;

  private constructor(readonly config: SecureChannelConfig, readonly runId: string) {
    this.name = `secure-channel:${config.mode}`;
    const seedBytes = (label: string) => new Uint8Array(crypto.createHash('sha256').update(`${config.seed}:${runId}:${label}`).digest());
    this.server = { id: AGGREGATOR_SAE, signing: generateKeyPair(seedBytes('server')) };
    this.seedBytes = seedBytes;
    this.link = config.link;
  }
  private readonly seedBytes: (label: string) => Uint8Array;

  /** Builds the transport and, for `qkd+pqc` without an external key manager, starts the embedded one. */
  static async create(config: SecureChannelConfig, runId: string, clients: number): Promise<SecureChannelTransport> {
    const t = new SecureChannelTransport(config, runId);
    for (let c = 0; c < clients; c++) t.clients.set(c, { id: clientSae(c), signing: generateKeyPair(t.seedBytes(`client-${c}`)) });
    if (config.mode === 'qkd+pqc') {
      if (config.kmsUrl) t.qkd = new Etsi014Client(config.kmsUrl);
      else {
        const qkdTaps = new Map(config.taps.filter((x) => x.eve !== 'tamper').map((x) => [x.client, x.eve]));
        t.store = new QkdKeyStore({
          seed: config.seed,
          links: [...t.clients.keys()].map((c) => ({ saeA: clientSae(c), saeB: AGGREGATOR_SAE, link: t.link, eve: qkdTaps.get(c), pulses: config.pulses })),
        });
        t.kms = await startKms(t.store, { port: 0 });
        t.qkd = new Etsi014Client(t.kms.url);
      }
    }
    return t;
  }

  /** The key manager's URL when one is embedded. */
  get kmsUrl(): string | null { return this.kms?.url ?? this.config.kmsUrl ?? null; }

  async close(): Promise<void> {
    if (this.kms) { await this.kms.close(); this.kms = null; }
  }

  private entry(round: number, client: number): LinkRound {
    let e = this.log.find((x) => x.round === round && x.client === client);
    if (!e) {
      e = { round, client, mode: this.config.mode, qkd_aborted: false, abort_reason: null, qber: null, key_rate: null, qkd_key_id: null, handshake_bytes: 0, bytes_up: 0, bytes_down: 0, refused: 0, refusal: null };
      this.log.push(e);
    }
    return e;
  }

  private async session(round: number, client: number): Promise<SessionPair | 'excluded' | 'none'> {
    const key = `${round}:${client}`;
    const have = this.sessions.get(key);
    if (have) return have;
    const e = this.entry(round, client);
    const party = this.clients.get(client);
    if (!party) throw new QmlError(`client ${client} has no identity on the secure channel`);
    let s: SessionPair | 'excluded' | 'none';
    if (this.config.mode === 'none') { s = 'none'; e.mode = 'none'; }
    else {
      const seed = this.seedBytes(`session-${round}-${client}`);
      try {
        s = await establishSession({ mode: this.config.mode, run: this.runId, client: party, server: this.server, qkd: this.qkd ?? undefined, seed });
        e.qkd_key_id = s.qkdKeyId;
      } catch (err) {
        if (!(err instanceof QkdUnavailable)) throw err;
        e.qkd_aborted = true;
        if (this.config.policy === 'exclude') { s = 'excluded'; e.mode = 'excluded'; }
        else { s = await establishSession({ mode: 'pqc', run: this.runId, client: party, server: this.server, seed }); e.mode = 'pqc'; }
      }
      if (this.store) {
        const h = this.store.history(clientSae(client), AGGREGATOR_SAE);
        const last = h[h.length - 1];
        if (last) { e.qber = last.qber; e.key_rate = last.key_rate_per_pulse; if (e.qkd_aborted) e.abort_reason = last.abort_reason; }
      }
      if (s !== 'excluded') e.handshake_bytes = s.handshakeBytes;
    }
    this.sessions.set(key, s);
    return s;
  }

  private tampered(client: number): boolean {
    return this.config.taps.some((t) => t.client === client && t.eve === 'tamper');
  }

  async send(m: Msg): Promise<Delivery> {
    const s = await this.session(m.round, m.client);
    const e = this.entry(m.round, m.client);
    if (s === 'none') {
      if (m.direction === 'up') e.bytes_up += m.payload.byteLength; else e.bytes_down += m.payload.byteLength;
      // In the clear, an active tap changes the update and nobody notices.
      if (m.direction === 'up' && this.tampered(m.client)) {
        const p = decodeParams(m.payload);
        for (let i = 0; i < p.length; i++) p[i] = -p[i];
        return { delivered: encodeParams(p), wireBytes: m.payload.byteLength };
      }
      return { delivered: m.payload, wireBytes: m.payload.byteLength };
    }
    if (s === 'excluded') {
      e.refusal = 'excluded: the QKD link aborted and the policy excludes the client';
      return { delivered: new Uint8Array(0), wireBytes: 0, refused: `excluded: no QKD key (${e.abort_reason ?? 'link aborted'})` };
    }
    const params = decodeParams(m.payload);
    const sealed: SealedUpdate = m.direction === 'up' ? s.client.up.seal(params, m.round) : s.server.down.seal(params, m.round);
    let onWire = sealed;
    if (m.direction === 'up' && this.tampered(m.client)) {
      // The man in the middle flips one ciphertext bit (he cannot produce a valid tag).
      const ct = Buffer.from(sealed.ciphertext, 'base64');
      ct[ct.length >> 1] ^= 0x01;
      onWire = { ...sealed, ciphertext: ct.toString('base64') };
    }
    const wireBytes = Buffer.from(onWire.ciphertext, 'base64').length + 24 + Buffer.byteLength(JSON.stringify(onWire.header)) + (m.direction === 'down' ? e.handshake_bytes : 0);
    if (m.direction === 'up') e.bytes_up += wireBytes; else e.bytes_down += wireBytes;
    try {
      const opened = m.direction === 'up' ? s.server.up.open(onWire, m.round) : s.client.down.open(onWire, m.round);
      return { delivered: encodeParams(opened), wireBytes };
    } catch (err) {
      if (!(err instanceof RefusedUpdate)) throw err;
      e.refused++;
      e.refusal = err.message;
      return { delivered: new Uint8Array(0), wireBytes, refused: err.message };
    }
  }

  /** Per-link totals over the run: rounds, aborts, fallbacks, exclusions, refusals, bytes, mean QBER. */
  summary(log: LinkRound[] = this.log): Array<Record<string, number | string | null>> {
    const by = new Map<number, LinkRound[]>();
    for (const e of log) by.set(e.client, [...(by.get(e.client) ?? []), e]);
    return [...by.entries()].sort((a, b) => a[0] - b[0]).map(([client, es]) => {
      const q = es.filter((x) => x.qber !== null).map((x) => x.qber as number);
      const tap = this.config.taps.find((t) => t.client === client);
      return {
        client, tap: tap?.eve ?? null, rounds: es.length, qkd_aborts: es.filter((x) => x.qkd_aborted).length,
        fallbacks: es.filter((x) => x.qkd_aborted && x.mode === 'pqc').length, exclusions: es.filter((x) => x.mode === 'excluded').length,
        refused: es.reduce((a, x) => a + x.refused, 0), bytes_up: es.reduce((a, x) => a + x.bytes_up, 0), bytes_down: es.reduce((a, x) => a + x.bytes_down, 0),
        mean_qber: q.length ? q.reduce((a, b) => a + b, 0) / q.length : null,
      };
    });
  }
}

/** The QKD link every client gets, μ optimised for its distance (GYS parameters otherwise). */
export function defaultChannelLink(distanceKm: number): LinkParams {
  return optimisedLink(linkParams({ distanceKm }));
}
