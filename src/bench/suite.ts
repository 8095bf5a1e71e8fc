/**
 * Benchmark suites are modules in ./suites/ named after the suite, exporting `help` and
 * `run(options)`; adding a suite is adding a file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface SuiteOptions { quick: boolean; json: boolean; markdown?: boolean }
export interface Suite { help: string; run: (o: SuiteOptions) => Promise<void> }

const suiteDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'suites');

export function suiteNames(): string[] {
  return fs.readdirSync(suiteDir).filter((f) => f.endsWith('.js')).map((f) => f.slice(0, -3)).sort();
}

export async function loadSuite(name: string): Promise<Suite> {
  return (await import(new URL(`./suites/${name}.js`, import.meta.url).href)) as Suite;
}
