// Issue-17 measurement: do the default detectors generalise to intrusion data sets their defaults
// were not tuned on? For each shipped intrusion data set other than NSL-KDD, trains the default
// `qml6g assess` detectors exactly as assess does (its sample size, 70/30 stratified split, model
// specs and training schedule, from src/assess) and reports each model's held-out accuracy (mean
// over seeds, with the min-max spread) and the ratio best quantum / best classical (of the means).
// Run after npm run build:
//   node scripts/generalisation.mjs [--seeds 0,1,2] [--sets cicids2017,5g-core,5g-jamming] [--models ...] [--json FILE]
import fs from 'node:fs';
import { defaultConfig } from '../dist/assess/config.js';
import { assessSplit, assessSpec, assessTrainConfig } from '../dist/assess/detectors.js';
import { Detector } from '../dist/qml/detector.js';
import { isQuantumType } from '../dist/qml/models/registry.js';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return dflt;
  if (i + 1 >= args.length) { console.error(`--${name} needs a value`); process.exit(2); }
  return args[i + 1];
};
const seeds = opt('seeds', '0,1,2').split(',').map(Number);
if (seeds.some((s) => !Number.isInteger(s))) { console.error('--seeds must be a comma-separated list of integers'); process.exit(2); }
const sets = opt('sets', 'cicids2017-binary,cicids2017,5g-core,5g-jamming').split(',');
const base = defaultConfig(false);
const models = opt('models', base.models.join(',')).split(',');
const jsonOut = opt('json', null);

const results = [];
for (const set of sets) {
  const acc = Object.fromEntries(models.map((m) => [m, []]));
  for (const seed of seeds) {
    const cfg = { ...base, data: set, seed };
    const { train, test } = assessSplit(cfg);
    for (const name of models) {
      const t0 = process.cpuUsage();
      const det = Detector.train(train, assessSpec(cfg, name), assessTrainConfig(cfg, name));
      const a = det.evaluate(test).accuracy;
      const cpu = (process.cpuUsage(t0).user + process.cpuUsage(t0).system) / 1e6;
      acc[name].push(a);
      console.error(`${set} seed ${seed} ${name.padEnd(8)} ${(100 * a).toFixed(2)}%  (${train.table.rows} train / ${test.table.rows} test rows, ${cpu.toFixed(1)} s CPU)`);
    }
  }
  const stats = Object.fromEntries(models.map((m) => {
    const v = acc[m], mean = v.reduce((s, x) => s + x, 0) / v.length;
    return [m, { mean, min: Math.min(...v), max: Math.max(...v), runs: v }];
  }));
  const best = (q) => models.filter((m) => isQuantumType(m) === q).reduce((b, m) => (!b || stats[m].mean > stats[b].mean ? m : b), null);
  const bq = best(true), bc = best(false);
  results.push({ set, stats, best_quantum: bq, best_classical: bc, ratio: bq && bc ? stats[bq].mean / stats[bc].mean : null });
}

const pct = (x) => (100 * x).toFixed(1);
const header = ['data set', ...models, 'best quantum / best classical'];
const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
for (const r of results) {
  const cells = models.map((m) => `${pct(r.stats[m].mean)} (${pct(r.stats[m].min)}–${pct(r.stats[m].max)})`);
  lines.push(`| ${r.set} | ${cells.join(' | ')} | ${r.best_quantum} / ${r.best_classical} = ${r.ratio === null ? '–' : (100 * r.ratio).toFixed(1) + '%'} |`);
}
console.log(`held-out accuracy %, mean (min–max) over seeds ${seeds.join(', ')}; assess defaults (trainRows ${base.trainRows}, qubits ${base.qubits}, layers ${base.layers}, epochs ${base.epochs}, kernelRows ${base.kernelRows})`);
console.log(lines.join('\n'));
if (jsonOut) fs.writeFileSync(jsonOut, JSON.stringify({ seeds, models, results }, null, 2));
