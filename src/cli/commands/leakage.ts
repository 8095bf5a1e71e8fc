/**
 * `qml6g leakage --data NAME|FILE.csv [--qubits Q] [--encodings angle-y,dense,iqp,zz,amplitude,reupload]
 *  [--transit 0,0.05,0.2] [--noise NOISE.json] [--json]`
 *
 * What a state in transit leaks: for each encoding (features reduced to what it takes on Q qubits,
 * as `qml6g train` does) and each transit depolarising strength, the optimal probability that an
 * eavesdropper holding one intercepted state guesses its class (Helstrom for two classes, the
 * pretty-good measurement for more), beside the guessing baseline. JSON (last line): dataset,
 * qubits, classes, results [{encoding, features, transit_p, success, upper_bound, guessing,
 * advantage, null_success (the same for shuffled labels: the sampling-noise floor), measurement}],
 * seed, version.
 */
import { QmlError } from '../../core/errors.js';
import { version } from '../../core/version.js';
import { Pipeline } from '../../qml/pipeline.js';
import { encodingCapacity } from '../../qml/circuits.js';
import type { NoiseModel } from '../../sim/noise.js';
import { DISCRIMINATION_MAX_QUBITS } from '../../sim/discrimination.js';
import { encodingLeakage, LEAKAGE_ENCODINGS, type LeakageEncoding } from '../../attacks/leakage.js';
import { parseArgs, usage, type Flags } from '../args.js';
import { dataFlags, loadFromFlags } from '../data-args.js';
import { info, printJson, printLine, readJson } from '../io.js';

export const help = 'what an intercepted encoded state leaks: optimal class discrimination per encoding and noise';

const flags: Flags = {
  ...dataFlags,
  qubits: { type: 'int', help: 'qubits of the encoding (1 to 8)', default: 4 },
  encodings: { type: 'string', help: `comma-separated: ${LEAKAGE_ENCODINGS.join(', ')}, angle-x, angle-z`, default: LEAKAGE_ENCODINGS.join(',') },
  transit: { type: 'string', help: 'comma-separated depolarising strengths of the transit channel', default: '0,0.05,0.2' },
  noise: { type: 'string', help: "the sender device's noise model while encoding (JSON file)" },
  'rows-per-class': { type: 'int', help: 'rows per class in the class states (seeded sample)', default: 1000 },
  seed: { type: 'int', help: 'random seed', default: 0 },
  json: { type: 'boolean', help: 'print one JSON object (last line)' },
  help: { type: 'boolean', help: 'show this help' },
};

export function run(argv: string[]): void {
  const a = parseArgs(argv, flags, 'leakage');
  if (a.flags.help) { printLine(usage('leakage', '--data NAME|FILE.csv [options]', flags)); return; }
  if (a.positional.length) throw new QmlError(`unexpected argument "${a.positional[0]}"`);
  const q = a.flags.qubits as number;
  if (q < 1 || q > DISCRIMINATION_MAX_QUBITS) throw new QmlError(`leakage is computed for 1 to ${DISCRIMINATION_MAX_QUBITS} qubits, got ${q}`, '--qubits');
  const encodings = String(a.flags.encodings).split(',').map((s) => s.trim()).filter(Boolean) as LeakageEncoding[];
  const known = [...LEAKAGE_ENCODINGS, 'angle-x', 'angle-z'];
  for (const e of encodings) if (!known.includes(e)) throw new QmlError(`unknown encoding "${e}" (known: ${known.join(', ')})`, '--encodings');
  if (!encodings.length) throw new QmlError('--encodings lists no encoding', '--encodings');
  const transit = String(a.flags.transit).split(',').map((s) => s.trim()).filter(Boolean).map((s) => {
    const p = Number(s);
    if (!Number.isFinite(p) || p < 0 || p > 1) throw new QmlError(`a transit depolarising strength is a number in [0, 1], got "${s}"`, '--transit');
    return p;
  });
  if (!transit.length) throw new QmlError('--transit lists no strength', '--transit');
  const noise = a.flags.noise ? (readJson(a.flags.noise as string, 'noise file') as NoiseModel) : undefined;
  const seed = a.flags.seed as number;
  const data = loadFromFlags(a.flags, 'data');
  for (const n of data.notes) info(`note: ${n}`);
  const C = data.classes.length;
  const results: Array<Record<string, unknown>> = [];
  for (const enc of encodings) {
    const cap = enc === 'reupload' ? q : encodingCapacity(enc, q);
    const pipe = Pipeline.fit(data, { components: cap, range: [0, Math.PI] });
    const X = pipe.transform(data.table);
    for (const p of transit) {
      info(`leakage: ${enc}, transit depolarising ${p}`);
      const r = encodingLeakage(X, data.labels, C, {
        qubits: q, encoding: enc, noise, transit: p > 0 ? [{ channel: 'depolarizing', p }] : undefined,
        maxRowsPerClass: a.flags['rows-per-class'] as number, seed, nullBaseline: true,
      });
      results.push({ encoding: enc, features: X.cols, transit_p: p, success: r.success, upper_bound: r.upperBound, guessing: r.guessing, advantage: r.advantage, null_success: r.nullSuccess, measurement: r.measurement, rows_per_class: r.rowsPerClass });
    }
  }
  const out = { dataset: data.name, qubits: q, classes: data.classes, device_noise: !!noise, results, seed, version: version() };
  if (a.flags.json) { printJson(out); return; }
  printLine(`${data.name}: what one intercepted ${q}-qubit state reveals of its class (${C} classes; guessing from class frequencies: ${(results[0].guessing as number).toFixed(4)})`);
  printLine('encoding      transit p   success   advantage   shuffled labels   measurement');
  for (const r of results) {
    printLine(`${String(r.encoding).padEnd(14)}${String(r.transit_p).padEnd(12)}${(r.success as number).toFixed(4).padEnd(10)}${(r.advantage as number).toFixed(4).padEnd(12)}${(r.null_success as number).toFixed(4).padEnd(18)}${r.measurement}${r.measurement === 'pgm' ? ` (optimum ≤ ${(r.upper_bound as number).toFixed(4)})` : ' (optimal)'}`);
  }
  printLine('(shuffled labels: the same estimate when the classes differ only by sampling noise; leakage is real where success clearly exceeds it)');
}
