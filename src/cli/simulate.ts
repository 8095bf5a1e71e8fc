/**
 * `qml6g simulate FILE.qasm [--json] [--shots N] [--seed S] [--noise NOISE.json] [--params 0.1,0.2]`
 *
 * FILE is OpenQASM 2.0 or 3 (chosen by its version line; see sim/qasm3.ts for the OpenQASM 3 subset).
 *
 * JSON contract (one object on stdout): num_qubits; probabilities (bitstring → p for p > 1e-12,
 * q[0] the rightmost character); statevector ([[re, im], ...], index = basis state, q[0] least
 * significant; null when noisy); density_matrix (rows of [re, im] when a noise file is given and
 * there are at most 10 qubits, else null); counts (when --shots is given). Measurements at the end
 * of a circuit are read-out: the state reported is the one just before them.
 */
import path from 'node:path';
import { QmlError } from '../core/errors.js';
import { version } from '../core/version.js';
import { parseQasmAny } from '../sim/qasm3.js';
import { simulate, bitstring, type SimulationMethod } from '../sim/simulate.js';
import type { NoiseModel } from '../sim/noise.js';
import { parseArgs, usage, type Flags } from './args.js';
import { printJson, printLine, readJson, readText } from './io.js';

const flags: Flags = {
  json: { type: 'boolean', help: 'print one JSON object' },
  shots: { type: 'int', help: 'sample this many shots (seeded)' },
  seed: { type: 'int', help: 'random seed', default: 0 },
  noise: { type: 'string', help: 'noise model JSON file (see README)' },
  method: { type: 'string', help: 'auto | statevector | density_matrix | trajectories', default: 'auto' },
  trajectories: { type: 'int', help: 'trajectories for the trajectories method', default: 1000 },
  params: { type: 'string', help: 'comma-separated values of the trainable parameters (OpenQASM 3 "input float" declarations, in order)' },
  help: { type: 'boolean', help: 'show this help' },
};

export function probabilitiesRecord(p: Float64Array, n: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (let i = 0; i < p.length; i++) if (p[i] > 1e-12) out[bitstring(i, n)] = p[i];
  return out;
}

/** "0.1,-2" → [0.1, -2]; every entry must be a finite number. */
function numberList(text: string | undefined, flag: string): number[] | undefined {
  if (text === undefined) return undefined;
  return text.split(',').map((t, i) => {
    const v = Number(t.trim());
    if (t.trim() === '' || !Number.isFinite(v)) throw new QmlError(`entry ${i} is not a number: "${t}"`, flag);
    return v;
  });
}

export function runSimulate(argv: string[]): void {
  const a = parseArgs(argv, flags, 'simulate');
  if (a.flags.help) { printLine(usage('simulate', 'FILE.qasm [options]', flags)); return; }
  if (a.positional.length !== 1) throw new QmlError('simulate needs exactly one OpenQASM 2.0 or 3 file');
  const file = a.positional[0];
  const circuit = parseQasmAny(readText(file, 'QASM file'), { file: path.basename(file) });
  const noiseFile = a.flags.noise as string | undefined;
  const noise = noiseFile ? (readJson(noiseFile, 'noise file') as NoiseModel) : undefined;
  const method = a.flags.method as string;
  if (!['auto', 'statevector', 'density_matrix', 'trajectories'].includes(method)) throw new QmlError(`unknown method "${method}"`, '--method');
  const shots = a.flags.shots as number | undefined;
  const seed = a.flags.seed as number;
  let r;
  try {
    r = simulate(circuit, { params: numberList(a.flags.params as string | undefined, '--params'), noise, shots, seed, method: method as SimulationMethod, trajectories: a.flags.trajectories as number });
  } catch (e) {
    if (e instanceof QmlError && noiseFile && /^noise/.test(e.where ?? '')) throw new QmlError(e.message, `${noiseFile}: ${e.where}`);
    throw e;
  }
  const n = r.numQubits;
  const noisy = !!noise;
  const result = {
    num_qubits: n,
    probabilities: probabilitiesRecord(r.probabilities, n),
    statevector: !noisy && r.statevector ? r.statevector.toArray() : null,
    density_matrix: noisy && n <= 10 && r.densityMatrix ? r.densityMatrix.toArray() : null,
    ...(shots ? { counts: r.counts } : {}),
    ...(noise?.readout ? { measured_probabilities: probabilitiesRecord(r.measuredProbabilities, n) } : {}),
    method: r.method,
    seed,
    shots: shots ?? null,
    file: path.basename(file),
    version: version(),
  };
  if (a.flags.json) { printJson(result); return; }
  printLine(`${path.basename(file)}: ${n} qubit(s), method ${r.method}${r.branches > 1 ? `, ${r.branches} classical branches` : ''}`);
  const top = Object.entries(result.probabilities).sort((x, y) => y[1] - x[1]).slice(0, 16);
  printLine('state'.padEnd(Math.max(6, n + 2)) + 'probability');
  for (const [k, v] of top) printLine(k.padEnd(Math.max(6, n + 2)) + v.toFixed(6));
  if (Object.keys(result.probabilities).length > 16) printLine(`... ${Object.keys(result.probabilities).length - 16} more (use --json)`);
  if (shots && r.counts) {
    printLine(`counts (${shots} shots, seed ${seed}):`);
    for (const [k, v] of Object.entries(r.counts).sort((x, y) => y[1] - x[1]).slice(0, 16)) printLine(`  ${k}  ${v}`);
  }
}
