/**
 * Test harness: a real `nats-server -js` (Debian's package) on a free loopback port with its
 * JetStream store in a temporary folder, stopped (and the folder removed) afterwards. Tests that
 * need it skip with `natsSkipReason()` when the binary is missing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const CANDIDATES = ['/usr/sbin/nats-server', '/usr/bin/nats-server', '/usr/local/bin/nats-server'];

export function natsServerBinary(): string | null {
  if (process.env.QML6G_NATS_SERVER) return fs.existsSync(process.env.QML6G_NATS_SERVER) ? process.env.QML6G_NATS_SERVER : null;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const f = path.join(dir, 'nats-server');
    if (fs.existsSync(f)) return f;
  }
  return CANDIDATES.find((f) => fs.existsSync(f)) ?? null;
}

/** False when a server can be started, else why the NATS tests are skipped. */
export function natsSkipReason(): false | string {
  return natsServerBinary() ? false : 'nats-server not found (install Debian\'s nats-server package; .ci/run does)';
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export interface NatsServer { url: string; port: number; dir: string; process: ChildProcess; stop(): Promise<void> }

export async function startNatsServer(): Promise<NatsServer> {
  const bin = natsServerBinary();
  if (!bin) throw new Error(natsSkipReason() as string);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qml6g-nats-'));
  const port = await freePort();
  const child = spawn(bin, ['-js', '-sd', dir, '-a', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`nats-server did not start within 15 s:\n${log}`)), 15_000);
    child.stderr!.on('data', (d: Buffer) => {
      log += d;
      if (/Server is ready/.test(log)) { clearTimeout(t); resolve(); }
    });
    child.on('exit', (code) => { clearTimeout(t); reject(new Error(`nats-server exited (${code}):\n${log}`)); });
  });
  child.stderr!.removeAllListeners('data');
  child.stderr!.resume();
  child.removeAllListeners('exit');
  return {
    url: `nats://127.0.0.1:${port}`, port, dir, process: child,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const done = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 5000);
        await done;
        clearTimeout(t);
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
