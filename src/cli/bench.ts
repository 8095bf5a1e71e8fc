/** `qml6g bench SUITE... [--json] [--quick]`: the suites are the modules of src/bench/suites/. */
import { QmlError } from '../core/errors.js';
import { loadSuite, suiteNames } from '../bench/suite.js';
import { parseArgs, usage, type Flags } from './args.js';
import { printLine } from './io.js';

const flags: Flags = {
  json: { type: 'boolean', help: 'print the results as one JSON object (last line)' },
  quick: { type: 'boolean', help: 'smaller sizes, for a fast look' },
  markdown: { type: 'boolean', help: 'also print the figures as a markdown table (suites that have one: sim)' },
  help: { type: 'boolean', help: 'show this help' },
};

export async function runBench(argv: string[]): Promise<void> {
  const a = parseArgs(argv, flags, 'bench');
  const known = suiteNames();
  if (a.flags.help) { printLine(usage('bench', `SUITE [options]   suites: ${known.join(', ')}`, flags)); return; }
  // Without a name: the fast suites (models trains every detector and takes minutes).
  const names = a.positional.length ? a.positional : ['sim', 'train'];
  for (const n of names) if (!known.includes(n)) throw new QmlError(`unknown benchmark suite "${n}" (known: ${known.join(', ')})`);
  for (const n of names) await (await loadSuite(n)).run({ quick: !!a.flags.quick, json: !!a.flags.json, markdown: !!a.flags.markdown });
}
