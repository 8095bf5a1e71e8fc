/** `qml6g bench sim [--json] [--quick]`: see src/bench/sim.ts. */
import { QmlError } from '../core/errors.js';
import { benchSim, formatSimBench } from '../bench/sim.js';
import { benchTrain } from '../bench/train.js';
import { benchModels } from '../bench/models.js';
import { parseArgs, usage, type Flags } from './args.js';
import { info, printJson, printLine } from './io.js';

const flags: Flags = {
  json: { type: 'boolean', help: 'print the results as one JSON object (last line)' },
  quick: { type: 'boolean', help: 'smaller sizes, for a fast look' },
  help: { type: 'boolean', help: 'show this help' },
};

const suites: Record<string, (o: { quick: boolean; json: boolean }) => Promise<void>> = {
  sim: async ({ quick, json }) => {
    const r = await benchSim({ quick, log: info });
    if (json) printJson(r);
    else printLine(formatSimBench(r));
  },
  models: async ({ quick, json }) => {
    const r = benchModels({ quick, log: info });
    if (json) printJson(r);
    else for (const c of r.checks) printLine(`${c.passed ? 'PASS' : 'MISS'} ${c.name}: ${c.detail}`);
  },
  train: async ({ quick, json }) => {
    const r = benchTrain({ quick, log: info });
    if (json) printJson(r);
    else printLine(`VQC epoch (${r.vqc_epoch.rows} rows, 8 qubits, 4 layers): ${r.vqc_epoch.seconds.toFixed(2)} s; ${r.kernel_matrix.rows}x${r.kernel_matrix.rows} fidelity kernel: ${r.kernel_matrix.seconds.toFixed(2)} s`);
  },
};

export async function runBench(argv: string[]): Promise<void> {
  const a = parseArgs(argv, flags, 'bench');
  if (a.flags.help) { printLine(usage('bench', `SUITE [options]   suites: ${Object.keys(suites).join(', ')}`, flags)); return; }
  // Without a name: the fast suites (models trains every detector and takes minutes).
  const names = a.positional.length ? a.positional : ['sim', 'train'];
  for (const n of names) if (!suites[n]) throw new QmlError(`unknown benchmark suite "${n}" (known: ${Object.keys(suites).join(', ')})`);
  for (const n of names) await suites[n]({ quick: !!a.flags.quick, json: !!a.flags.json });
}
