/**
 * Serving the dashboard over HTTP (@hono/node-server). Binds to 127.0.0.1 unless told otherwise: the
 * store holds configurations and models, so exposing it to a network is the operator's choice.
 *
 * @example
 * import { Store, startDashboard } from 'qml6g';
 * const d = await startDashboard({ store: Store.open(':memory:'), port: 0 });
 * console.log(d.url); // http://127.0.0.1:PORT/
 * await d.close();
 */
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { QmlError } from '../core/errors.js';
import { dashboardApp, type DashboardOptions } from './app.js';

export interface ServeOptions extends DashboardOptions {
  /** 0 picks a free port. */
  port: number;
  host?: string;
}

export interface RunningDashboard { url: string; port: number; close(): Promise<void> }

export async function startDashboard(opts: ServeOptions): Promise<RunningDashboard> {
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) throw new QmlError(`--port must be 0..65535, got ${opts.port}`);
  const app = dashboardApp(opts);
  const host = opts.host ?? '127.0.0.1';
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port: opts.port, hostname: host }, (info: AddressInfo) => {
      const shown = host.includes(':') ? `[${host}]` : host;
      resolve({
        url: `http://${shown}:${info.port}/`,
        port: info.port,
        close: () => new Promise<void>((r) => { server.close(() => r()); (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.(); }),
      });
    });
    server.on('error', (e: NodeJS.ErrnoException) => {
      reject(new QmlError(e.code === 'EADDRINUSE' ? `port ${opts.port} is already in use` : e.code === 'EACCES' ? `no permission to listen on port ${opts.port}` : `cannot listen: ${e.message}`, `${host}:${opts.port}`));
    });
  });
}
