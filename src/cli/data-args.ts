/** Data options shared by train, evaluate and later commands: a named set or a file, label, drops, row cap, split. */
import { QmlError } from '../core/errors.js';
import { isNamedDataset, loadDataset, type DataFormat } from '../qml/datasets.js';
import { selectRows, stratifiedSplit, type LabeledData } from '../qml/table.js';
import type { Flags } from './args.js';

export const dataFlags: Flags = {
  data: { type: 'string', help: 'a named data set (see qml6g datasets) or a CSV file (.csv or .csv.gz)' },
  label: { type: 'string', help: 'label column of a CSV file (default: the last column)' },
  drop: { type: 'string', help: 'comma-separated columns to drop' },
  format: { type: 'string', help: 'how to read a file: csv, nsl-kdd, nsl-kdd-5, sklearn, cicids2017, 5g-jamming, 5g-core', default: 'csv' },
  'max-rows': { type: 'int', help: 'keep at most N rows (stratified, seeded)' },
};

export function loadFromFlags(flags: Record<string, unknown>, which: 'data' | 'test' = 'data'): LabeledData {
  const src = flags[which] as string | undefined;
  if (!src) throw new QmlError(`--${which} is required`);
  const maxRows = flags['max-rows'] as number | undefined;
  if (maxRows !== undefined && maxRows < 10) throw new QmlError(`--max-rows must be at least 10, got ${maxRows}`);
  return loadDataset(src, {
    label: flags.label as string | undefined,
    drop: flags.drop ? String(flags.drop).split(',').map((s) => s.trim()).filter(Boolean) : undefined,
    maxRows, seed: flags.seed as number, format: (isNamedDataset(src) ? undefined : flags.format) as DataFormat | undefined,
  });
}

/** Train and test sets: --test NAME|FILE, or a stratified --split of --data. */
export function trainTestFromFlags(flags: Record<string, unknown>): { train: LabeledData; test: LabeledData; split: string } {
  const data = loadFromFlags(flags, 'data');
  if (flags.test) {
    const test = loadFromFlags({ ...flags, 'max-rows': undefined }, 'test');
    return { train: data, test, split: `test set ${String(flags.test)}` };
  }
  const frac = flags.split as number;
  const { train, test } = stratifiedSplit(data.labels, frac, (flags.seed as number) + 101);
  return { train: selectRows(data, train), test: selectRows(data, test), split: `stratified ${frac} held out` };
}
