#!/usr/bin/env node
// Development tool: builds the compact data samples shipped in data/ from the full sets in
// ../shared/data (which the product never reads). Deterministic: the same input gives the
// same bytes. Run: node scripts/make-samples.mjs
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import crypto from 'node:crypto';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const shared = path.resolve(root, '..', 'shared', 'data');
const out = path.join(root, 'data');

const sha = (b) => crypto.createHash('sha256').update(b).digest('hex');
const gzip = (text) => zlib.gzipSync(Buffer.from(text), { level: 9 });

function copy(dir, file) {
  fs.mkdirSync(path.join(out, dir), { recursive: true });
  const b = fs.readFileSync(path.join(shared, dir, file));
  fs.writeFileSync(path.join(out, dir, file), b);
  return { file, bytes: b.length, sha256: sha(b) };
}

// A seeded shuffle (mulberry32) for the stratified sample.
function rng(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function cicSample(perClass, seed) {
  const dir = 'cicids2017-improved-sample';
  const files = fs.readdirSync(path.join(shared, dir)).filter((f) => f.endsWith('.csv.gz')).sort();
  let header = null;
  const rows = [];
  const counts = {};
  for (const f of files) {
    const lines = zlib.gunzipSync(fs.readFileSync(path.join(shared, dir, f))).toString('utf8').split(/\r?\n/).filter((l) => l.length);
    header ??= lines[0];
    const body = lines.slice(1);
    const r = rng(seed + files.indexOf(f));
    for (let i = body.length - 1; i > 0; i--) { const j = Math.floor(r() * (i + 1)); [body[i], body[j]] = [body[j], body[i]]; }
    const take = body.slice(0, perClass);
    counts[f] = take.length;
    rows.push(...take);
  }
  fs.mkdirSync(path.join(out, 'cicids2017'), { recursive: true });
  const b = gzip([header, ...rows].join('\n') + '\n');
  fs.writeFileSync(path.join(out, 'cicids2017', 'cicids2017_sample.csv.gz'), b);
  return { file: 'cicids2017_sample.csv.gz', bytes: b.length, sha256: sha(b), counts, rows: rows.length };
}

const manifest = {
  'nsl-kdd': [copy('nsl-kdd', 'KDDTrain+_20Percent.txt.gz'), copy('nsl-kdd', 'KDDTest+.txt.gz')],
  '5g-jamming-jdd': [copy('5g-jamming-jdd', 'merged_data_preprocessed.csv.gz')],
  '5g-core-open5gs-ids': [copy('5g-core-open5gs-ids', 'Train_subset_1.csv.gz'), copy('5g-core-open5gs-ids', 'Test_Data.csv.gz')],
  iris: [copy('iris', 'iris.csv')],
  wine: [copy('wine', 'wine_data.csv')],
  'breast-cancer': [copy('breast-cancer', 'breast_cancer.csv')],
  digits: [copy('digits', 'digits.csv.gz')],
  cicids2017: [cicSample(300, 20261121)],
};
fs.writeFileSync(path.join(out, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
console.log(JSON.stringify(manifest, null, 2));
