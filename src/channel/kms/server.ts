/**
 * The ETSI GS QKD 014 V1.1.1 REST API on Hono:
 *   GET  /api/v1/keys/{slave_SAE_ID}/status
 *   GET  /api/v1/keys/{slave_SAE_ID}/enc_keys?number=N&size=S    POST with {"number", "size"}
 *   GET  /api/v1/keys/{master_SAE_ID}/dec_keys?key_ID=ID          POST with {"key_IDs": [{"key_ID"}]}
 * Responses are the standard's JSON objects (Status, Key container, Error). The calling SAE is
 * named by the `X-SAE-ID` header: in the standard it is the identity of the mutually authenticated
 * TLS client certificate, which this simulation stands in for. Every refused request is an HTTP 400
 * (or 401 without a caller) with {"message", "details"}.
 */
import { Hono } from 'hono';
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { KmsError, type QkdKeyStore } from './store.js';

export const ETSI_PREFIX = '/api/v1/keys';

const EXTENSIONS = ['additional_slave_SAE_IDs', 'extension_mandatory', 'extension_optional'];

export function etsi014App(store: QkdKeyStore): Hono {
  const app = new Hono();
  const caller = (c: { req: { header(n: string): string | undefined } }) => {
    const id = c.req.header('X-SAE-ID');
    if (!id) throw new KmsError(401, 'the calling SAE is unknown: send X-SAE-ID (the TLS client identity in a deployment)');
    return id;
  };
  const intParam = (v: unknown, name: string, dflt: number): number => {
    if (v === undefined || v === null) return dflt;
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN;
    if (!Number.isInteger(n)) throw new KmsError(400, `${name} must be a positive integer`, [{ parameter: name, value: String(v) }]);
    return n;
  };
  const body = async (c: { req: { json(): Promise<unknown> } }): Promise<Record<string, unknown>> => {
    let b: unknown;
    try { b = await c.req.json(); } catch { throw new KmsError(400, 'the request body is not valid JSON'); }
    if (!b || typeof b !== 'object' || Array.isArray(b)) throw new KmsError(400, 'the request body must be a JSON object');
    return b as Record<string, unknown>;
  };

  app.get(`${ETSI_PREFIX}/:sae/status`, (c) => c.json(store.status(caller(c), c.req.param('sae'))));
  app.get(`${ETSI_PREFIX}/:sae/enc_keys`, (c) => {
    const master = caller(c);
    return c.json(store.encKeys(master, c.req.param('sae'), intParam(c.req.query('number'), 'number', 1), intParam(c.req.query('size'), 'size', store.opts.keySize)));
  });
  app.post(`${ETSI_PREFIX}/:sae/enc_keys`, async (c) => {
    const master = caller(c);
    const b = await body(c);
    for (const k of Object.keys(b)) if (!['number', 'size', ...EXTENSIONS].includes(k)) throw new KmsError(400, `unknown field "${k}" in the key request`, [{ parameter: k }]);
    if (Array.isArray(b.additional_slave_SAE_IDs) && b.additional_slave_SAE_IDs.length > 0) throw new KmsError(400, 'additional slave SAEs are not supported (max_SAE_ID_count is 0)', [{ parameter: 'additional_slave_SAE_IDs' }]);
    if (Array.isArray(b.extension_mandatory) && b.extension_mandatory.length > 0) throw new KmsError(400, 'no mandatory extension is supported', [{ extension_mandatory_unsupported: b.extension_mandatory }]);
    return c.json(store.encKeys(master, c.req.param('sae'), intParam(b.number, 'number', 1), intParam(b.size, 'size', store.opts.keySize)));
  });
  app.get(`${ETSI_PREFIX}/:sae/dec_keys`, (c) => {
    const slave = caller(c);
    const id = c.req.query('key_ID');
    if (!id) throw new KmsError(400, 'key_ID is required', [{ parameter: 'key_ID' }]);
    return c.json(store.decKeys(slave, c.req.param('sae'), [id]));
  });
  app.post(`${ETSI_PREFIX}/:sae/dec_keys`, async (c) => {
    const slave = caller(c);
    const b = await body(c);
    if (!Array.isArray(b.key_IDs)) throw new KmsError(400, 'key_IDs must be an array of {"key_ID": ...}', [{ parameter: 'key_IDs' }]);
    const ids = b.key_IDs.map((x: unknown) => (x && typeof x === 'object' ? (x as Record<string, unknown>).key_ID : undefined));
    if (ids.some((x) => typeof x !== 'string')) throw new KmsError(400, 'every entry of key_IDs needs a string key_ID', [{ parameter: 'key_ID' }]);
    return c.json(store.decKeys(slave, c.req.param('sae'), ids as string[]));
  });
  app.notFound((c) => c.json({ message: `no such endpoint: ${c.req.method} ${new URL(c.req.url).pathname}` }, 404));
  app.onError((e, c) => {
    if (e instanceof KmsError) return c.json(e.body(), e.status);
    // Validation failures from deeper layers are bad requests too; anything else is our bug.
    if ((e as { name?: string }).name === 'QmlError') return c.json({ message: (e as Error).message }, 400);
    return c.json({ message: 'internal error' }, 503);
  });
  return app;
}

export interface RunningKms { url: string; port: number; close(): Promise<void> }

/** Starts the key-delivery server (port 0: a free port) and resolves once it listens. */
export function startKms(store: QkdKeyStore, o: { port?: number; hostname?: string } = {}): Promise<RunningKms> {
  const app = etsi014App(store);
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port: o.port ?? 0, hostname: o.hostname ?? '127.0.0.1' }, (info: AddressInfo) => {
      resolve({
        url: `http://${o.hostname ?? '127.0.0.1'}:${info.port}`,
        port: info.port,
        close: () => new Promise<void>((res) => server.close(() => res())),
      });
    });
    server.on('error', reject);
  });
}
