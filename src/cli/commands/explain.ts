/**
 * `qml6g explain --model FILE --data D --row K [--json]`: KernelSHAP values of one decision in raw
 * feature terms (exact up to 12 features, sampled beyond with standard errors); with --shots on a
 * quantum model, how far shot noise moves them and which values it leaves unresolved.
 */
import { QmlError } from '../../core/errors.js';
import { version } from '../../core/version.js';
import { explainPrediction } from '../../governance/shap.js';
import { shotNoiseCheck } from '../../governance/shot-noise.js';
import { parseArgs, usage, type Flags } from '../args.js';
import { dataFlags, loadFromFlags } from '../data-args.js';
import { info, printJson, printLine } from '../io.js';
import { loadDetector } from '../train.js';

export const help = 'explain one decision: KernelSHAP values per raw feature (exact up to 12 features), shot-noise check';

const flags: Flags = {
  ...dataFlags,
  model: { type: 'string', help: 'a detector saved by qml6g train --out' },
  row: { type: 'int', help: 'the row of --data to explain (0-based)' },
  class: { type: 'string', help: 'explain this class\'s probability (default: the predicted class)' },
  background: { type: 'int', help: 'background rows for E[f] (seeded sample of --data)', default: 32 },
  samples: { type: 'int', help: 'coalitions sampled beyond 12 features', default: 2048 },
  shots: { type: 'int', help: 'quantum models: also run with this many shots and compare with the exact values' },
  repeats: { type: 'int', help: 'with --shots: repeats over seeds', default: 5 },
  seed: { type: 'int', help: 'seed for sampling', default: 0 },
  'allow-unsigned': { type: 'boolean', help: 'load a model without a trusted signature (research only)' },
  key: { type: 'string', help: 'also trust this public key file' },
  json: { type: 'boolean', help: 'print one JSON object (last line)' },
  help: { type: 'boolean', help: 'show this help' },
};

export function run(argv: string[]): void {
  const a = parseArgs(argv, flags, 'explain');
  if (a.flags.help) { printLine(usage('explain', '--model FILE --data NAME|FILE --row K [options]', flags)); return; }
  if (!a.flags.model) throw new QmlError('--model is required (a file saved by qml6g train --out)');
  if (a.flags.row === undefined) throw new QmlError('--row is required (the 0-based row of --data to explain)');
  const det = loadDetector(a.flags.model as string, { allowUnsigned: !!a.flags['allow-unsigned'], keys: a.flags.key ? [a.flags.key as string] : [] });
  const data = loadFromFlags(a.flags, 'data');
  const row = a.flags.row as number;
  if (row < 0 || row >= data.table.rows) throw new QmlError(`row ${row} is outside the data (0 to ${data.table.rows - 1})`, '--row');
  let classIndex: number | undefined;
  if (a.flags.class !== undefined) {
    classIndex = det.classes.indexOf(a.flags.class as string);
    if (classIndex < 0) throw new QmlError(`unknown class "${String(a.flags.class)}" (the model's classes: ${det.classes.join(', ')})`, '--class');
  }
  const cols = det.pipeline.inputColumns;
  const names = data.table.columns.map((c) => c.name);
  const missing = cols.filter((c) => !names.includes(c));
  if (missing.length) throw new QmlError(`the data lacks columns the model needs: ${missing.slice(0, 5).join(', ')}`, String(a.flags.data));
  // The model's own columns, in its order: the features explained are exactly what it reads.
  const table = { rows: data.table.rows, columns: cols.map((c) => data.table.columns[names.indexOf(c)]) };
  const opts = { maxBackground: a.flags.background as number, samples: a.flags.samples as number, seed: a.flags.seed as number, classIndex };
  if (!a.flags.json) info(`explaining row ${row} over ${cols.length} features (${cols.length <= 12 ? 'exact' : `${opts.samples} sampled coalitions`}), ${Math.min(opts.maxBackground, table.rows)} background rows`);
  const t0 = performance.now();
  const e = explainPrediction(det, table, row, opts);
  const seconds = (performance.now() - t0) / 1000;
  const shots = a.flags.shots as number | undefined;
  const shotNoise = shots !== undefined ? shotNoiseCheck(det, table, row, { ...opts, classIndex: e.class_index, shots, repeats: a.flags.repeats as number }) : null;
  const out = {
    base_value: e.base_value, prediction: e.prediction, values: e.values, exact: e.exact,
    std_errors: e.std_errors, class: e.class, row, model: det.meta.spec.type, kind: det.model.kind, dataset: data.name,
    background_rows: e.background_rows, coalitions: e.coalitions, seed: e.seed, seconds, shot_noise: shotNoise, version: version(),
  };
  if (a.flags.json) { printJson(out); return; }
  printLine(`row ${row}: P(${e.class}) = ${e.prediction.toFixed(4)}, base value E[f] = ${e.base_value.toFixed(4)} (${e.exact ? 'exact Shapley values' : 'sampled, ± standard error'})`);
  const order = [...e.features].sort((x, y) => Math.abs(e.values[y]) - Math.abs(e.values[x]));
  for (const n of order) printLine(`  ${n.padEnd(28)} ${e.values[n] >= 0 ? '+' : ''}${e.values[n].toFixed(5)}${e.exact ? '' : ` ± ${e.std_errors[n].toFixed(5)}`}${shotNoise?.unreliable.includes(n) ? '   (unresolved at this shot count)' : ''}`);
  if (shotNoise) printLine(shotNoise.verdict);
}
