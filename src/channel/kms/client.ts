/**
 * A client of the ETSI GS QKD 014 key-delivery API, as a federated client or the aggregator would
 * use a real QKD device's key manager; it also serves as the `QkdKeySource` of the channel.
 */
import { QmlError } from '../../core/errors.js';
import type { QkdKeySource } from '../pqc/session.js';
import { ETSI_PREFIX } from './server.js';

export class Etsi014Client implements QkdKeySource {
  constructor(readonly baseUrl: string, readonly timeoutMs = 30000) {}

  private async call(sae: string, method: 'GET' | 'POST', target: string, endpoint: 'status' | 'enc_keys' | 'dec_keys', body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}${ETSI_PREFIX}/${encodeURIComponent(target)}/${endpoint}`, {
        method, headers: { 'X-SAE-ID': sae, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined, signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (e) {
      throw new QmlError(`cannot reach the key manager at ${this.baseUrl}: ${(e as Error).message}`);
    }
    let json: Record<string, unknown>;
    try { json = (await res.json()) as Record<string, unknown>; } catch { throw new QmlError(`the key manager at ${this.baseUrl} answered ${res.status} without JSON`); }
    return { status: res.status, json };
  }

  async status(self: string, slave: string): Promise<Record<string, unknown>> {
    const r = await this.call(self, 'GET', slave, 'status');
    if (r.status !== 200) throw new QmlError(`status refused (${r.status}): ${r.json.message}`);
    return r.json;
  }

  async encKeys(self: string, slave: string, number: number, size: number): Promise<Array<{ key_ID: string; key: Uint8Array }>> {
    const r = await this.call(self, 'POST', slave, 'enc_keys', { number, size });
    if (r.status !== 200) throw new KeyRequestRefused(r.status, String(r.json.message), r.json.details as unknown[] | undefined);
    return (r.json.keys as Array<{ key_ID: string; key: string }>).map((k) => ({ key_ID: k.key_ID, key: new Uint8Array(Buffer.from(k.key, 'base64')) }));
  }

  async decKeys(self: string, master: string, keyIds: string[]): Promise<Array<{ key_ID: string; key: Uint8Array }>> {
    const r = await this.call(self, 'POST', master, 'dec_keys', { key_IDs: keyIds.map((key_ID) => ({ key_ID })) });
    if (r.status !== 200) throw new KeyRequestRefused(r.status, String(r.json.message), r.json.details as unknown[] | undefined);
    return (r.json.keys as Array<{ key_ID: string; key: string }>).map((k) => ({ key_ID: k.key_ID, key: new Uint8Array(Buffer.from(k.key, 'base64')) }));
  }

  /** QkdKeySource: one key of `bytes` bytes, or null when the link has no key material (it aborted). */
  async encKey(master: string, slave: string, bytes: number): Promise<{ keyId: string; key: Uint8Array } | null> {
    try {
      const [k] = await this.encKeys(master, slave, 1, 8 * bytes);
      return { keyId: k.key_ID, key: k.key };
    } catch (e) {
      if (e instanceof KeyRequestRefused && (e.details ?? []).some((d) => (d as Record<string, unknown>)?.reason === 'insufficient_key_material')) return null;
      throw e;
    }
  }

  async decKey(slave: string, master: string, keyId: string): Promise<Uint8Array> {
    const [k] = await this.decKeys(slave, master, [keyId]);
    return k.key;
  }
}

export class KeyRequestRefused extends QmlError {
  constructor(readonly status: number, message: string, readonly details?: unknown[]) { super(`key request refused (HTTP ${status}): ${message}`); }
}
