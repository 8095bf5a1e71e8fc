import { benchModels } from '../models.js';
import { info, printJson, printLine } from '../../cli/io.js';
import type { SuiteOptions } from '../suite.js';

export const help = 'every detector trained on the shipped data, against the accuracy targets (minutes)';
export async function run({ quick, json }: SuiteOptions): Promise<void> {
  const r = benchModels({ quick, log: info });
  if (json) printJson(r);
  else for (const c of r.checks) printLine(`${c.passed ? 'PASS' : 'MISS'} ${c.name}: ${c.detail}`);
}
