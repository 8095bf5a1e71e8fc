/**
 * `qml6g cut FILE.qasm --max-qubits K --observable "Z0 Z7" [--shots S] [--seed S] [--kinds wire|gate|both]
 *  [--max-overhead X] [--json]`
 *
 * Cuts an OpenQASM 2.0 circuit into fragments of at most K qubits (fewest cuts), reports the
 * sampling overhead Π γ² on stderr before anything runs, and reconstructs ⟨observable⟩ exactly or
 * from S QPD samples (each running every fragment once). JSON contract (the last stdout line):
 * {"expectation", "uncut_expectation", "fragments", "cuts", "sampling_overhead", "shots_used"} —
 * fragments and cuts are counts; uncut_expectation is null beyond 26 qubits; shots_used is the
 * number of fragment executions (0 when exact).
 */
import path from 'node:path';
import { QmlError } from '../../core/errors.js';
import { parseQasm } from '../../sim/qasm.js';
import { pauliTerm, type Observable } from '../../sim/observable.js';
import { Evaluator } from '../../sim/evaluator.js';
import { planCuts, DEFAULT_MAX_OVERHEAD } from '../../sim/cutting/fragments.js';
import { reconstructExpectation } from '../../sim/cutting/reconstruct.js';
import type { CutKinds } from '../../sim/cutting/finder.js';
import { parseArgs, usage, type Flags } from '../args.js';
import { info, printJson, printLine, readText } from '../io.js';

export const help = 'cut a circuit into fragments for small devices and reconstruct an expectation value';

const flags: Flags = {
  'max-qubits': { type: 'int', help: 'device width K: every fragment fits K qubits' },
  observable: { type: 'string', help: 'Pauli product to reconstruct, e.g. "Z0 Z7"' },
  shots: { type: 'int', help: 'QPD samples (each runs every fragment once); exact when omitted' },
  seed: { type: 'int', help: 'random seed', default: 0 },
  kinds: { type: 'string', help: 'wire | gate | both', default: 'both' },
  'max-overhead': { type: 'number', help: 'refuse plans whose sampling overhead Π γ² exceeds this', default: DEFAULT_MAX_OVERHEAD },
  json: { type: 'boolean', help: 'print one JSON object' },
  help: { type: 'boolean', help: 'show this help' },
};

/** Uncut simulation is reported up to this width (a 26-qubit statevector is 1 GiB). */
const UNCUT_MAX_QUBITS = 26;

export function run(argv: string[]): void {
  const a = parseArgs(argv, flags, 'cut');
  if (a.flags.help) { printLine(usage('cut', 'FILE.qasm --max-qubits K --observable "Z0 Z1" [options]', flags)); return; }
  if (a.positional.length !== 1) throw new QmlError('cut needs exactly one OpenQASM 2.0 file');
  const K = a.flags['max-qubits'] as number | undefined;
  if (K === undefined) throw new QmlError('--max-qubits K is required (the device width)', '--max-qubits');
  const spec = a.flags.observable as string | undefined;
  if (!spec) throw new QmlError('--observable is required, e.g. --observable "Z0 Z7"', '--observable');
  const kinds = a.flags.kinds as string;
  if (!['wire', 'gate', 'both'].includes(kinds)) throw new QmlError(`unknown cut kinds "${kinds}" (wire, gate, both)`, '--kinds');
  const shots = a.flags.shots as number | undefined;
  if (shots !== undefined && shots < 1) throw new QmlError(`--shots must be a positive integer, got ${shots}`, '--shots');
  const file = a.positional[0];
  const circuit = parseQasm(readText(file, 'QASM file'), { file: path.basename(file) });
  const obs: Observable = { terms: [pauliTerm(spec)] };
  for (const q of obs.terms[0].wires) {
    if (q >= circuit.numQubits) throw new QmlError(`qubit ${q} does not exist: the circuit has ${circuit.numQubits} qubit(s)`, '--observable');
  }
  const plan = planCuts(circuit, { maxQubits: K, kinds: kinds as CutKinds, maxOverhead: a.flags['max-overhead'] as number, seed: a.flags.seed as number });
  info(`cut: ${plan.cuts.length} cut(s) (${plan.method} search), ${plan.fragments.length} fragment(s) of at most ${K} qubits, sampling overhead ${plan.samplingOverhead.toPrecision(4)}`);
  const seed = a.flags.seed as number;
  const r = reconstructExpectation(plan, obs, { shots, seed });
  const uncut = circuit.numQubits <= UNCUT_MAX_QUBITS ? new Evaluator(circuit, [obs]).values([], [])[0] : null;
  const result = {
    expectation: r.value,
    uncut_expectation: uncut,
    fragments: plan.fragments.length,
    cuts: plan.cuts.length,
    sampling_overhead: plan.samplingOverhead,
    shots_used: r.shotsUsed,
  };
  if (a.flags.json) { printJson(result); return; }
  printLine(`${path.basename(file)}: ${circuit.numQubits} qubits onto ${K}-qubit devices`);
  for (const d of plan.described) printLine(`  cut  ${d}`);
  plan.fragments.forEach((f, i) => printLine(`  fragment ${i}: ${f.circuit.numQubits} qubit(s), ${f.circuit.ops.length} op(s), wires ${f.qubits.map((q) => `q${q.wire}${q.segment ? `'`.repeat(q.segment) : ''}`).join(' ')}`));
  printLine(`sampling overhead Π γ² = ${plan.samplingOverhead.toPrecision(4)}`);
  printLine(`⟨${spec}⟩ = ${r.value.toFixed(8)}${shots ? ` ± ${r.standardError.toFixed(6)} (${shots} samples, ${r.shotsUsed} fragment shots)` : ' (exact)'}`);
  if (uncut !== null) printLine(`uncut     = ${uncut.toFixed(8)}`);
}
