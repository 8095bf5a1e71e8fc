/**
 * `qml6g poison --data NAME|FILE --model TYPE --attack NAME [--rates R,R,...] [--defenses D,D,...]`
 * runs single training-time experiments: poison (or backdoor, or tamper with the model file), train
 * the victim, score it, defend, score again; over several poison rates it draws the curves. With
 * --json the last line is one JSON object whose "records" hold one entry per rate and defence.
 */
import path from 'node:path';
import fs from 'node:fs';
import { QmlError } from '../core/errors.js';
import { version } from '../core/version.js';
import { checkModelType, MODEL_TYPES, type ModelSpec } from '../qml/models/registry.js';
import { runPoisonExperiment, type PoisonRecord } from '../poisoning/experiment.js';
import { TRAINING_ATTACK_NAMES } from '../poisoning/registry.js';
import { TRAINING_DEFENSE_NAMES } from '../poisoning/training-defenses.js';
import { checkRate, type Trigger } from '../poisoning/primitives.js';
import type { Detector } from '../qml/detector.js';
import { poisonCurve } from '../report/poison-chart.js';
import { recordRun } from '../store/recorder.js';
import { parseArgs, usage, type Flags } from './args.js';
import { dataFlags, trainTestFromFlags } from './data-args.js';
import { info, printJson, printLine, readJson, writeFileAtomic } from './io.js';

const flags: Flags = {
  ...dataFlags,
  test: { type: 'string', help: 'test set: a named set or a file (default: a stratified split of --data)' },
  split: { type: 'number', help: 'fraction held out for testing when there is no --test', default: 0.3 },
  model: { type: 'string', help: MODEL_TYPES.join(' | '), default: 'vqc' },
  attack: { type: 'string', help: TRAINING_ATTACK_NAMES.join(' | '), default: 'backdoor' },
  rate: { type: 'number', help: 'poison rate: fraction of the training rows, in (0, 1)', default: 0.05 },
  rates: { type: 'string', help: 'several poison rates, comma-separated (a curve), e.g. 0.005,0.01,0.02,0.05,0.1,0.2' },
  defenses: { type: 'string', help: `comma-separated: ${TRAINING_DEFENSE_NAMES.join(', ')}` },
  target: { type: 'string', help: 'target class name (default: the normal/benign class)' },
  trigger: { type: 'string', help: 'feature trigger as JSON or a JSON file, e.g. {"flag":"SH","service":"telnet","src_bytes":[1000,1100]} (default: chosen from the data)' },
  qubits: { type: 'int', help: 'qubits of a quantum model', default: 8 },
  layers: { type: 'int', help: 'ansatz layers', default: 3 },
  epochs: { type: 'int', help: 'training epochs', default: 8 },
  seed: { type: 'int', help: 'random seed', default: 1 },
  out: { type: 'string', help: 'write poison.json (and poison-curve.svg for several rates) into this folder' },
  json: { type: 'boolean', help: 'print the results as one JSON object (last line)' },
  help: { type: 'boolean', help: 'show this help' },
};

export function parseTrigger(s: string | undefined): Trigger | undefined {
  if (s === undefined) return undefined;
  let v: unknown;
  if (s.trim().startsWith('{')) {
    try { v = JSON.parse(s); } catch (e) { throw new QmlError(`not valid JSON: ${(e as Error).message}`, '--trigger'); }
  } else v = readJson(s, 'trigger file');
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new QmlError('a trigger is a JSON object of field → value', '--trigger');
  return v as Trigger;
}

export function parseRates(single: number, list: string | undefined): number[] {
  const rates = list ? list.split(',').map((s) => s.trim()).filter(Boolean).map(Number) : [single];
  for (const r of rates) {
    try { checkRate(r); } catch (e) { throw new QmlError((e as Error).message, list ? '--rates' : '--rate'); }
  }
  return rates;
}

export function parseDefenses(s: string | undefined): string[] {
  const names = s ? s.split(',').map((x) => x.trim()).filter(Boolean) : [];
  for (const n of names) if (!TRAINING_DEFENSE_NAMES.includes(n)) throw new QmlError(`unknown training-time defence "${n}" (known: ${TRAINING_DEFENSE_NAMES.join(', ')})`, '--defenses');
  return names;
}

const pct = (v: number | null | undefined) => (v === null || v === undefined ? 'n/a' : `${(100 * v).toFixed(1)}%`);

export function poisonTable(records: PoisonRecord[]): string[] {
  const head = ['attack', 'model', 'rate', 'baseline acc', 'acc', 'success', 'success unpoisoned', 'defence', 'acc defended', 'success defended', 'det. precision', 'det. recall'];
  const rows = records.map((r) => [r.attack, r.model, pct(r.poison_rate), pct(r.baseline_accuracy), pct(r.clean_accuracy), pct(r.attack_success_rate), pct(r.baseline_attack_success_rate), r.defense,
    pct(r.clean_accuracy_defended), pct(r.attack_success_rate_defended), pct(r.detection?.precision), pct(r.detection?.recall)]);
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(w[i])).join('  ');
  return [line(head), line(w.map((n) => '-'.repeat(n))), ...rows.map(line)];
}

export async function runPoison(argv: string[]): Promise<void> {
  const a = parseArgs(argv, flags, 'poison');
  if (a.flags.help) { printLine(usage('poison', '--data NAME|FILE.csv --model TYPE --attack NAME [options]', flags)); return; }
  if (a.positional.length) throw new QmlError(`unexpected argument "${a.positional[0]}"`);
  const type = checkModelType(a.flags.model as string);
  const attack = a.flags.attack as string;
  if (!TRAINING_ATTACK_NAMES.includes(attack)) throw new QmlError(`unknown training-time attack "${attack}" (known: ${TRAINING_ATTACK_NAMES.join(', ')})`, '--attack');
  const rates = parseRates(a.flags.rate as number, a.flags.rates as string | undefined);
  const defenses = parseDefenses(a.flags.defenses as string | undefined);
  const trigger = parseTrigger(a.flags.trigger as string | undefined);
  const out = a.flags.out as string | undefined;
  if (out) fs.mkdirSync(out, { recursive: true });
  const seed = a.flags.seed as number;
  const t0 = performance.now();
  const { train, test, split } = trainTestFromFlags(a.flags);
  const spec: ModelSpec = { type, qubits: a.flags.qubits as number, layers: a.flags.layers as number };
  info(`${attack} against ${type} on ${train.name} (${train.table.rows} training rows; testing on ${split}, ${test.table.rows} rows), rates ${rates.join(', ')}, seed ${seed}`);
  const records: PoisonRecord[] = [];
  let clean: Detector | undefined;
  // Recorded in the experiment store as it goes: one step per poison rate (step = the rate's index).
  const rec = recordRun('poison', { data: a.flags.data, test: a.flags.test, split: a.flags.split, model: type, attack, rates, defenses, target: a.flags.target, trigger, qubits: spec.qubits, layers: spec.layers, epochs: a.flags.epochs, seed }, seed,
    { params: { model: type, attack, rates: rates.join(','), defenses: defenses.join(','), dataset: train.name } });
  for (const [step, rate] of rates.entries()) {
    const r = runPoisonExperiment({
      train, test, spec, trainConfig: { epochs: a.flags.epochs as number }, attack, rate, seed, defenses, trigger, clean,
      target: a.flags.target as string | undefined, log: (s) => info(`  ${s}`),
    });
    clean = r.clean;
    records.push(...r.records);
    rec.metrics(r.records.flatMap((x) => {
      const key = x.defense === 'none' ? '' : `/${x.defense}`;
      const v = x.defense === 'none'
        ? [['attack_success_rate', x.attack_success_rate], ['clean_accuracy', x.clean_accuracy], ['poison_rate', x.poison_rate]] as const
        : [['attack_success_rate', x.attack_success_rate_defended], ['clean_accuracy', x.clean_accuracy_defended]] as const;
      return v.filter(([, y]) => typeof y === 'number').map(([k, y]) => ({ key: `${k}${key}`, value: y as number, step }));
    }));
    // Results so far survive an interruption of a long curve.
    if (out) writeFileAtomic(path.join(out, 'poison.json'), `${JSON.stringify({ records, version: version() }, null, 1)}\n`);
  }
  const seconds = (performance.now() - t0) / 1000;
  const curve = rates.length > 1 ? await poisonCurve(records, `${attack} on ${type}: ${train.name}`) : undefined;
  if (out && curve) writeFileAtomic(path.join(out, 'poison-curve.svg'), curve);
  const result = { command: 'poison', attack, model: type, dataset: train.name, test: split, rates, defenses, seed, seconds, records, version: version(), run_id: rec.enabled ? rec.id : undefined };
  rec.artifact('poison.json', JSON.stringify(result, null, 1));
  if (curve) rec.artifact('poison-curve.svg', curve);
  rec.end('complete');
  if (a.flags.json) { printJson(result); return; }
  for (const l of poisonTable(records)) printLine(l);
  printLine(`${records.length} result${records.length === 1 ? '' : 's'} in ${seconds.toFixed(1)} s, seed ${seed}${out ? `; written to ${out}` : ''}`);
}
