/**
 * `qml6g dashboard --port P [--store FILE] [--host H]`: serves the experiment store as web pages
 * (runs, a run, compare, live view; the audit log and oversight queue when the governance layer
 * provides them) and /api JSON until interrupted (Ctrl-C closes it cleanly).
 */
import { QmlError } from '../core/errors.js';
import { defaultStoreFile, Store } from '../store/store.js';
import { startDashboard } from '../dashboard/server.js';
import { dashboardExtensions } from '../dashboard/extensions.js';
import { parseArgs, usage, type Flags } from './args.js';
import { info, printJson, printLine } from './io.js';

const flags: Flags = {
  port: { type: 'int', help: 'TCP port (0: a free one)', default: 8080 },
  host: { type: 'string', help: 'address to listen on', default: '127.0.0.1' },
  store: { type: 'string', help: 'the store file (default $QML6G_STORE, else $QML6G_HOME/runs.db)' },
  audit: { type: 'string', help: 'the audit log and oversight queue file (default $QML6G_HOME/audit.db)' },
  'page-size': { type: 'int', help: 'runs per page', default: 50 },
  json: { type: 'boolean', help: 'print {"url", "store"} as one JSON line once listening' },
  help: { type: 'boolean', help: 'show this help' },
};

export async function runDashboard(argv: string[]): Promise<void> {
  const a = parseArgs(argv, flags, 'dashboard');
  if (a.flags.help) { printLine(usage('dashboard', '--port P [--store FILE]', flags)); return; }
  if (a.positional.length) throw new QmlError(`unexpected argument "${a.positional[0]}"`);
  const pageSize = a.flags['page-size'] as number;
  if (pageSize < 1 || pageSize > 1000) throw new QmlError(`--page-size must be 1..1000, got ${pageSize}`);
  const store = Store.open((a.flags.store as string | undefined) ?? defaultStoreFile());
  let d;
  try {
    d = await startDashboard({ store, port: a.flags.port as number, host: a.flags.host as string, pageSize, extensions: await dashboardExtensions({ governance: { file: a.flags.audit as string | undefined } }) });
  } catch (e) {
    store.close();
    throw e;
  }
  if (a.flags.json) printJson({ url: d.url, store: store.file });
  else info(`dashboard: ${d.url}  (store ${store.file}; Ctrl-C to stop)`);
  await new Promise<void>((resolve) => {
    const stop = () => { process.off('SIGINT', stop); process.off('SIGTERM', stop); resolve(); };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await d.close();
  store.close();
}
