/**
 * `qml6g fl-client --nats URL --id K --data FILE [--run NAME]`: one federated client on this
 * machine. It answers the coordinator (`qml6g federate --nats URL`) with statistics of its rows and
 * with model updates trained on them; the rows never leave it. Runs until SIGINT/SIGTERM or until
 * the NATS connection closes.
 */
import { QmlError } from '../core/errors.js';
import { connectNats } from '../cluster/connect.js';
import { serveFlClient } from '../cluster/fl.js';
import { loadDataset, type DataFormat } from '../qml/datasets.js';
import { parseArgs, usage, type Flags } from './args.js';
import { info, printLine } from './io.js';

const flags: Flags = {
  nats: { type: 'string', help: 'the NATS server (nats://HOST:PORT)' },
  id: { type: 'int', help: "this client's index (0 … clients−1 of the coordinator's --clients)" },
  data: { type: 'string', help: "this client's own data file (CSV with the coordinator's columns)" },
  label: { type: 'string', help: 'label column of the file (default: the last column)' },
  drop: { type: 'string', help: 'comma-separated columns to drop' },
  format: { type: 'string', help: 'how to read the file: csv, nsl-kdd, nsl-kdd-5, sklearn, cicids2017, 5g-jamming, 5g-core', default: 'csv' },
  run: { type: 'string', help: 'run name shared with the coordinator (part of the NATS subjects)', default: 'default' },
  help: { type: 'boolean', help: 'show this help' },
};

export async function runFlClient(argv: string[]): Promise<void> {
  const a = parseArgs(argv, flags, 'fl-client');
  const f = a.flags;
  if (f.help) { printLine(usage('fl-client', '--nats URL --id K --data FILE [--run NAME]', flags)); return; }
  if (a.positional.length) throw new QmlError(`unexpected argument "${a.positional[0]}"`);
  if (f.nats === undefined) throw new QmlError('fl-client needs --nats URL (the server the coordinator uses)');
  if (f.id === undefined) throw new QmlError('fl-client needs --id K (its index among the coordinator\'s clients)');
  if (f.data === undefined) throw new QmlError('fl-client needs --data FILE (this machine\'s own rows)');
  const data = loadDataset(f.data as string, {
    label: f.label as string | undefined, format: f.format as DataFormat,
    drop: f.drop ? String(f.drop).split(',').map((s) => s.trim()).filter(Boolean) : undefined,
  });
  const nc = await connectNats(f.nats as string, { name: `qml6g-fl-client-${String(f.id)}` });
  const run = f.run as string, id = f.id as number;
  const sub = serveFlClient(nc, { run, id, data, log: (s) => info(`fl-client ${id}: ${s}`) });
  await nc.flush();
  info(`fl-client ${id}: ${data.table.rows} rows, listening on fl.${run}.client.${id}.*`);
  const stop = () => { sub.unsubscribe(); void nc.drain(); };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await nc.closed();
  process.off('SIGINT', stop);
  process.off('SIGTERM', stop);
  info(`fl-client ${id}: stopped`);
}
