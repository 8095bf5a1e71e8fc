/**
 * The memory-bandwidth floor. Per-gate times are reported as a ratio to 2^n × 32 bytes / bandwidth
 * (each 16-byte amplitude read and written once). The bandwidth is measured in the same run: with a
 * C loop (-O3 -march=native) when a C compiler is present, else with a JavaScript loop, and the
 * source of the number is reported with it.
 */
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const source = path.resolve(here, '..', '..', 'bench', 'bandwidth.c');

export interface Bandwidth {
  /** In-place bytes per second (read + write) on one core. */
  oneCore: number;
  /** The same over all cores, or null without a C compiler. */
  allCores: number | null;
  /** The same with a plain JavaScript loop on one core. */
  js: number;
  source: 'c' | 'js';
}

function compileC(): string | null {
  if (!fs.existsSync(source)) return null;
  const text = fs.readFileSync(source);
  const exe = path.join(os.tmpdir(), `qml6g-bandwidth-${crypto.createHash('sha256').update(text).digest('hex').slice(0, 12)}`);
  if (fs.existsSync(exe)) return exe;
  for (const cc of ['cc', 'gcc', 'clang']) {
    try {
      execFileSync(cc, ['-O3', '-march=native', '-pthread', source, '-o', exe], { stdio: 'ignore' });
      return exe;
    } catch {
      // try the next compiler
    }
  }
  return null;
}

export function jsBandwidth(doubles = 2 ** 25, reps = 8): number {
  const a = new Float64Array(doubles).fill(1);
  let best = Infinity;
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    for (let i = 0; i < a.length; i++) a[i] *= 1.0000001;
    best = Math.min(best, performance.now() - t0);
  }
  return (16 * doubles) / (best / 1000);
}

export function measureBandwidth(): Bandwidth {
  const js = jsBandwidth();
  const exe = compileC();
  if (!exe) return { oneCore: js, allCores: null, js, source: 'js' };
  const run = (threads: number) => Number(execFileSync(exe, [String(threads), String(2 ** 25)], { encoding: 'utf8' }).trim());
  const cores = os.availableParallelism?.() ?? os.cpus().length;
  return { oneCore: run(1), allCores: run(cores), js, source: 'c' };
}
