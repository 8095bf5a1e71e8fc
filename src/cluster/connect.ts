/**
 * Connecting to NATS with a bounded retry: a server that is down or unreachable is said in one line
 * with its URL after a few attempts (a QmlError: exit code 2), never a hang and never a stack trace.
 *
 * @example
 * import { connectNats } from 'qml6g';
 * const nc = await connectNats('nats://127.0.0.1:4222', { attempts: 3 });
 * await nc.close();
 */
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { QmlError } from '../core/errors.js';

export interface ConnectOptions {
  /** Connection attempts before giving up (default 3). */
  attempts?: number;
  /** Milliseconds between attempts (default 500). */
  delayMs?: number;
  /** Milliseconds one attempt may take (default 2000). */
  timeoutMs?: number;
  name?: string;
}

/** Checks a nats:// URL (several may be given, comma-separated) and returns the server list. */
export function natsServers(url: string): string[] {
  const list = url.split(',').map((s) => s.trim()).filter(Boolean);
  if (!list.length) throw new QmlError('--nats needs a URL such as nats://HOST:4222');
  for (const u of list) {
    let p: URL;
    try { p = new URL(u.includes('://') ? u : `nats://${u}`); } catch { throw new QmlError(`not a NATS URL: "${u}" (expected nats://HOST:PORT)`, '--nats'); }
    if (!['nats:', 'tls:', 'ws:', 'wss:'].includes(p.protocol) || !p.hostname) throw new QmlError(`not a NATS URL: "${u}" (expected nats://HOST:PORT)`, '--nats');
  }
  return list;
}

export async function connectNats(url: string, opts: ConnectOptions = {}): Promise<NatsConnection> {
  const servers = natsServers(url);
  const attempts = opts.attempts ?? 3;
  let last = '';
  for (let i = 0; i < attempts; i++) {
    if (i) await new Promise((r) => setTimeout(r, opts.delayMs ?? 500));
    try {
      return await connect({ servers, timeout: opts.timeoutMs ?? 2000, name: opts.name ?? 'qml6g', reconnect: true, maxReconnectAttempts: -1, reconnectTimeWait: 500 });
    } catch (e) {
      const err = e as Error & { code?: string; cause?: { code?: string; message?: string } };
      last = err.cause?.code ?? err.code ?? err.message;
      if (err.cause?.message && !last.includes(err.cause.message)) last = `${last}: ${err.cause.message}`;
    }
  }
  throw new QmlError(`cannot reach the NATS server after ${attempts} attempt${attempts === 1 ? '' : 's'} (${last || 'no answer'})`, url);
}
