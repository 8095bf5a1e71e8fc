import { benchTrain } from '../train.js';
import { info, printJson, printLine } from '../../cli/io.js';
import type { SuiteOptions } from '../suite.js';

export const help = 'one VQC training epoch and one fidelity-kernel Gram matrix';
export async function run({ quick, json }: SuiteOptions): Promise<void> {
  const r = benchTrain({ quick, log: info });
  if (json) printJson(r);
  else printLine(`VQC epoch (${r.vqc_epoch.rows} rows, 8 qubits, 4 layers): ${r.vqc_epoch.seconds.toFixed(2)} s; ${r.kernel_matrix.rows}x${r.kernel_matrix.rows} fidelity kernel: ${r.kernel_matrix.seconds.toFixed(2)} s`);
}
