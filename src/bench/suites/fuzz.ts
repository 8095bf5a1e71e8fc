/**
 * `npm run fuzz` (or `npm run bench -- fuzz`): 10⁵ mutated inputs spread over every input format
 * (OpenQASM, CSV, noise files, assess configs, poison triggers, model files, key files); --quick runs
 * 10⁴. Reports inputs per second per format and every input that escaped as anything but a QmlError
 * with a message and a place; exits 1 if any did.
 */
import { fuzz, fuzzTargets } from '../../testing/fuzz.js';
import { info, printJson, printLine } from '../../cli/io.js';
import type { SuiteOptions } from '../suite.js';

export const help = 'fuzz every input format with 10^5 mutated inputs (only QmlError may escape)';

export async function run({ quick, json }: SuiteOptions): Promise<void> {
  const targets = fuzzTargets();
  const total = quick ? 10_000 : 100_000, per = Math.ceil(total / targets.length);
  const rows: Array<{ target: string; inputs: number; seconds: number; failures: number }> = [];
  const failures = [];
  for (const [i, t] of targets.entries()) {
    const t0 = performance.now();
    const r = fuzz([t], per, 1000 + i, 20);
    rows.push({ target: t.name, inputs: r.inputs, seconds: (performance.now() - t0) / 1000, failures: r.failures.length });
    failures.push(...r.failures);
    info(`${t.name}: ${r.inputs} inputs, ${r.failures.length} escaped (${rows[rows.length - 1].seconds.toFixed(1)} s)`);
  }
  const inputs = rows.reduce((a, r) => a + r.inputs, 0);
  if (json) printJson({ inputs, targets: rows, failures });
  else {
    printLine(`${inputs} fuzzed inputs over ${targets.length} formats: ${failures.length} escaped as something other than a QmlError with a place`);
    for (const f of failures) printLine(`  ${f.target}: ${f.error}\n    input: ${JSON.stringify(f.input.slice(0, 300))}`);
  }
  if (failures.length) process.exitCode = 1;
}
