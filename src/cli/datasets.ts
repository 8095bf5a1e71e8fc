/** `qml6g datasets [--json]`: the named data sets shipped in data/ (provenance in data/README.md). */
import { datasetNames } from '../qml/datasets.js';
import { parseArgs, type Flags } from './args.js';
import { printJson, printLine } from './io.js';

const flags: Flags = { json: { type: 'boolean', help: 'print JSON' }, help: { type: 'boolean', help: 'show this help' } };

export function runDatasets(argv: string[]): void {
  const a = parseArgs(argv, flags, 'datasets');
  const list = datasetNames();
  if (a.flags.json) { printJson(list); return; }
  for (const d of list) printLine(`${d.name.padEnd(18)} ${d.description}`);
}
