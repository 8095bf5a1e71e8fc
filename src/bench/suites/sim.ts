import { benchSim, formatSimBench } from '../sim.js';
import { info, printJson, printLine } from '../../cli/io.js';
import type { SuiteOptions } from '../suite.js';

export const help = 'statevector kernels, batches and gradients against the memory-bandwidth floor and npm peers';
export async function run({ quick, json }: SuiteOptions): Promise<void> {
  const r = await benchSim({ quick, log: info });
  if (json) printJson(r);
  else printLine(formatSimBench(r));
}
