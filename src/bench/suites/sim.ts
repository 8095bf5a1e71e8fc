import { benchSim, formatSimBench, formatSimMarkdown, simHistoryEntry } from '../sim.js';
import { appendHistory, compareWithHistory, historyPath, loadPerCore, readHistory } from '../history.js';
import { info, printJson, printLine } from '../../cli/io.js';
import type { SuiteOptions } from '../suite.js';
import { benchCutCircuit, formatCutCircuit } from './cutting.js';

export const help = 'statevector kernels, batches and gradients against the memory-bandwidth floor and npm peers (appends bench/history.jsonl), and a 24-qubit circuit cut for 12-qubit devices against the uncut simulation';
export async function run({ quick, json, markdown }: SuiteOptions): Promise<void> {
  const load = loadPerCore();
  const r = await benchSim({ quick, log: info });
  const entry = simHistoryEntry(r, quick, load);
  const worse = compareWithHistory(entry, readHistory('sim'));
  appendHistory(entry);
  info(`history: appended to ${historyPath().split(/[\\/]/).slice(-2).join('/')} (load ${load.toFixed(2)} per core at the start)`);
  for (const w of worse) info(`  slower than the median of recent runs: ${w.key} ${w.now.toFixed(2)} (was ${w.median.toFixed(2)})`);
  // Circuit cutting beside the kernels: fragments and wall time against the uncut simulation.
  const cutting = benchCutCircuit(quick);
  if (json) printJson({ ...r, load_per_core: load, regressions: worse, cutting });
  else { printLine(formatSimBench(r)); for (const l of formatCutCircuit(cutting)) printLine(l); }
  if (markdown) printLine(`\n${formatSimMarkdown(r, load)}`);
}
