/**
 * The secure-channel options of `qml6g federate` (kept in their own file so the federated command
 * stays about federated learning):
 *   --channel qkd+pqc|pqc|none   every update through the channel (default: no channel at all)
 *   --eve CLIENT:EVE[,...]       tap client links: intercept:P, pns, blinding, dos[:S] (QKD) or tamper (ciphertext)
 *   --qkd-policy fallback|exclude, --qkd-distance KM, --qkd-pulses N, --kms URL
 */
import { QmlError } from '../core/errors.js';
import type { Flags } from './args.js';
import { CHANNEL_MODES, type ChannelMode } from '../channel/pqc/session.js';
import { defaultChannelLink, parseTaps, QKD_POLICIES, SecureChannelTransport, type ChannelTap, type LinkRound, type QkdPolicy } from '../channel/secure-transport.js';

export const channelFlags: Flags = {
  channel: { type: 'string', help: `send every update through a secure channel: ${CHANNEL_MODES.join(' | ')}` },
  eve: { type: 'string', help: 'tap client links: CLIENT:intercept:P | CLIENT:pns | CLIENT:blinding | CLIENT:dos | CLIENT:tamper, comma-separated' },
  'qkd-policy': { type: 'string', help: `when a client's QKD link aborts: ${QKD_POLICIES.join(' | ')}`, default: 'fallback' },
  'qkd-distance': { type: 'number', help: 'fibre length of every client\'s QKD link, km', default: 20 },
  'qkd-pulses': { type: 'int', help: 'pulses per BB84 run refilling a link', default: 1_000_000 },
  kms: { type: 'string', help: 'an external ETSI GS QKD 014 key manager URL (default: one embedded per run)' },
};

export interface ChannelOptions { mode: ChannelMode; policy: QkdPolicy; distance_km: number; pulses: number; taps: ChannelTap[]; seed: number; kms: string | null }

export function channelConfigFromFlags(f: Record<string, unknown>, clients: number, seed: number): ChannelOptions | undefined {
  const mode = f.channel as string | undefined;
  if (mode === undefined) {
    for (const k of ['eve', 'kms']) if (f[k] !== undefined) throw new QmlError(`--${k} needs --channel`, `--${k}`);
    return undefined;
  }
  if (!(CHANNEL_MODES as string[]).includes(mode)) throw new QmlError(`unknown channel "${mode}" (known: ${CHANNEL_MODES.join(', ')})`, '--channel');
  const policy = String(f['qkd-policy']);
  if (!(QKD_POLICIES as string[]).includes(policy)) throw new QmlError(`unknown policy "${policy}" (known: ${QKD_POLICIES.join(', ')})`, '--qkd-policy');
  const distance = f['qkd-distance'] as number;
  if (!(distance >= 0)) throw new QmlError(`must be ≥ 0 km, got ${distance}`, '--qkd-distance');
  const pulses = f['qkd-pulses'] as number;
  if (!(pulses >= 10_000)) throw new QmlError(`must be at least 10000, got ${pulses}`, '--qkd-pulses');
  const taps = parseTaps(f.eve as string | undefined, clients);
  if (mode !== 'qkd+pqc' && taps.some((t) => t.eve !== 'tamper')) throw new QmlError(`QKD eavesdroppers need --channel qkd+pqc (with ${mode} there is no QKD link to tap; "tamper" works with any channel)`, '--eve');
  return { mode: mode as ChannelMode, policy: policy as QkdPolicy, distance_km: distance, pulses, taps, seed, kms: (f.kms as string | undefined) ?? null };
}

/** The transport of one strategy × attack run, its record for results.json, and how to close it. */
export async function channelForRun(o: ChannelOptions, runId: string, clients: number, previous?: Record<string, unknown>): Promise<{ transport: SecureChannelTransport; record(): Record<string, unknown>; close(): Promise<void> }> {
  const link = defaultChannelLink(o.distance_km);
  const transport = await SecureChannelTransport.create({ mode: o.mode, policy: o.policy, link, pulses: o.pulses, taps: o.taps, seed: o.seed, kmsUrl: o.kms ?? undefined }, runId, clients);
  // A resumed run keeps the link records of the rounds it does not run again.
  const earlier = ((previous?.rounds as LinkRound[] | undefined) ?? []);
  const rounds = () => {
    const first = transport.log.length ? Math.min(...transport.log.map((x) => x.round)) : Infinity;
    return [...earlier.filter((x) => x.round < first), ...transport.log.map((x) => ({ ...x }))];
  };
  return {
    transport,
    record: () => ({
      mode: o.mode, policy: o.policy, distance_km: o.distance_km, mu: link.mu, pulses_per_run: o.pulses, taps: o.taps,
      key_manager: o.mode === 'qkd+pqc' ? (o.kms ? o.kms : 'embedded ETSI GS QKD 014') : null,
      links: transport.summary(rounds()), rounds: rounds(),
    }),
    close: () => transport.close(),
  };
}
