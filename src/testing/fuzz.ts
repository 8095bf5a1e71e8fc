/**
 * Fuzzing every input format qml6g reads: OpenQASM, CSV data, noise models, assess configs, poison
 * triggers, detector (model) files and key files. Each target is the library entry point the CLI
 * uses on that kind of file; the property is that an input either loads or is refused with a
 * `QmlError` that says what (a message) and where (a file, line, key or path). Any other exception
 * (TypeError, RangeError, ...) is a bug, reported with the input that caused it.
 *
 * Inputs come from a mutation corpus of the shipped files and generated examples: byte-level edits
 * (flips, deletions, duplications, truncation, inserted tokens) and, for JSON/YAML, structural edits
 * (a value somewhere in the tree replaced by null, a number, a string, a list or an object: "a Kraus
 * list holding null", "a rules entry that is not an object").
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import YAML from 'yaml';
import { QmlError } from '../core/errors.js';
import { Rng } from '../core/rng.js';
import { parseQasm, toQasm } from '../sim/qasm.js';
import { simulate } from '../sim/simulate.js';
import { CompiledNoise, type NoiseModel } from '../sim/noise.js';
import { parseCsv, tableFromCsv } from '../qml/table.js';
import { Detector } from '../qml/detector.js';
import { defaultConfig, mergeConfig } from '../assess/config.js';
import { parseTrigger } from '../cli/poison.js';
import { verifyDetectorText } from '../supply/signing.js';
import { parseKeyText } from '../supply/keys.js';
import { randomCircuit } from './random-circuits.js';
import { repoRoot } from './shared.js';

export interface FuzzTarget {
  name: string;
  /** Seed inputs: shipped files and generated examples. */
  corpus: string[];
  /** Structured (JSON/YAML) inputs get structural mutations too. */
  structured: boolean;
  /** Loads one input the way the CLI does; must throw only QmlError. */
  load(text: string): void;
}

export interface FuzzFailure { target: string; input: string; error: string }

const TOKENS = ['null', '-1', '0', '1e309', 'NaN', '""', '[]', '{}', '"x"', ',', '\n', '"', ';', '(', ')', '[', ']', '{', '}', ':', 'qreg', 'creg', 'measure', 'gate', 'if', 'pi', '-', '/', '0.5', '\uFEFF', '\u0000', '1e-320', '999999999999', 'true', 'kraus', 'operators', 'rules', 'channels', '#41'];

function pick<T>(rng: Rng, a: readonly T[]): T { return a[rng.int(a.length)]; }

/** One byte-level edit of a text. */
export function mutateText(text: string, rng: Rng): string {
  const n = text.length, at = rng.int(n + 1);
  switch (rng.int(6)) {
    case 0: return text.slice(0, at) + pick(rng, TOKENS) + text.slice(at);
    case 1: { const len = 1 + rng.int(Math.max(1, Math.min(40, n - at))); return text.slice(0, at) + text.slice(at + len); }
    case 2: { const len = 1 + rng.int(Math.max(1, Math.min(80, n - at))); return text.slice(0, at) + text.slice(at, at + len) + text.slice(at); }
    case 3: return text.slice(0, at);
    case 4: { if (!n) return pick(rng, TOKENS); const i = rng.int(n); return text.slice(0, i) + String.fromCharCode(text.charCodeAt(i) ^ (1 << rng.int(7))) + text.slice(i + 1); }
    default: { const m = text.match(/-?\d+(\.\d+)?/g); if (!m) return text + pick(rng, TOKENS); const num = pick(rng, m); return text.replace(num, pick(rng, ['-1', '0', '1e309', '-0', '3.5', '1e-400', '65', '2147483648', 'NaN'])); }
  }
}

function randomValue(rng: Rng, depth = 0): unknown {
  switch (rng.int(depth > 2 ? 5 : 8)) {
    case 0: return null;
    case 1: return pick(rng, [-1, 0, 1, 0.5, 2, 1e308, -1e308, 1e-320, 3.7, 65, 1e6]);
    case 2: return pick(rng, ['', 'x', 'kraus', 'depolarizing', 'cx', 'nope', 'logreg', 'linf', '-1']);
    case 3: return pick(rng, [true, false]);
    case 4: return [];
    case 5: return Array.from({ length: 1 + rng.int(3) }, () => randomValue(rng, depth + 1));
    case 6: return Object.fromEntries(Array.from({ length: 1 + rng.int(3) }, () => [pick(rng, ['channel', 'p', 'operators', 'qubits', 'gates', 'x', 'models', 'eps']), randomValue(rng, depth + 1)]));
    default: return {};
  }
}

/** One structural edit of a JSON value: a random node replaced, deleted, or given a new key. */
export function mutateValue(v: unknown, rng: Rng): unknown {
  const root = { v: structuredClone(v) } as Record<string, unknown>;
  // Collect (parent, key) pairs, then edit one.
  const slots: Array<[Record<string, unknown> | unknown[], string | number]> = [];
  const walk = (parent: Record<string, unknown> | unknown[], key: string | number, depth: number) => {
    slots.push([parent, key]);
    const x = (parent as Record<string | number, unknown>)[key];
    if (depth > 8 || !x || typeof x !== 'object') return;
    if (Array.isArray(x)) x.forEach((_, i) => walk(x, i, depth + 1));
    else for (const k of Object.keys(x)) walk(x as Record<string, unknown>, k, depth + 1);
  };
  walk(root, 'v', 0);
  const [parent, key] = pick(rng, slots);
  const p = parent as Record<string | number, unknown>;
  const r = rng.int(4);
  if (r === 0 && key !== 'v') { if (Array.isArray(parent)) parent.splice(key as number, 1); else delete p[key]; }
  else if (r === 1 && p[key] && typeof p[key] === 'object' && !Array.isArray(p[key])) (p[key] as Record<string, unknown>)[pick(rng, ['extra', 'channel', 'qubits', 'p'])] = randomValue(rng);
  else if (r === 2 && Array.isArray(p[key])) (p[key] as unknown[]).push(randomValue(rng));
  else p[key] = randomValue(rng);
  return root.v;
}

/** A mutated input from a target's corpus: 1 to 3 edits, structural or textual. */
export function mutant(t: FuzzTarget, rng: Rng): string {
  let text = pick(rng, t.corpus);
  const edits = 1 + rng.int(3);
  for (let e = 0; e < edits; e++) {
    if (t.structured && rng.next() < 0.6) {
      let v: unknown;
      try { v = t.name === 'assess-config' && !text.trim().startsWith('{') ? YAML.parse(text) : JSON.parse(text); } catch { v = undefined; }
      if (v !== undefined) { text = JSON.stringify(mutateValue(v, rng)); continue; }
    }
    text = mutateText(text, rng);
  }
  return text;
}

/** Runs one input; returns a failure unless it loads or throws a QmlError with a message and a place. */
export function tryInput(t: FuzzTarget, text: string): FuzzFailure | null {
  try {
    t.load(text);
    return null;
  } catch (e) {
    if (e instanceof QmlError && e.message && e.where) return null;
    const err = e instanceof QmlError ? `QmlError without ${e.message ? 'a place' : 'a message'}: ${e.oneLine()}` : `${(e as Error)?.name ?? typeof e}: ${(e as Error)?.message ?? String(e)}`;
    return { target: t.name, input: text.length > 2000 ? `${text.slice(0, 2000)}…` : text, error: err };
  }
}

function headLines(file: string, n: number): string {
  let buf = fs.readFileSync(file);
  if (buf[0] === 0x1f && buf[1] === 0x8b) buf = zlib.gunzipSync(buf);
  return buf.toString('utf8').split('\n').slice(0, n).join('\n');
}

let tinyDetectors: string[] | null = null;

/** Small signed-format detector files (logistic regression and a 2-qubit VQC) as JSON text. */
function detectorCorpus(): string[] {
  if (tinyDetectors) return tinyDetectors;
  const lines = ['a,b,c,label'];
  const rng = new Rng(3);
  for (let i = 0; i < 60; i++) { const y = i % 2; lines.push(`${(rng.normal() + 2 * y).toFixed(3)},${(rng.normal() - y).toFixed(3)},${['u', 'v'][i % 3 === 0 ? 1 : 0]},${y ? 'attack' : 'normal'}`); }
  const data = tableFromCsv(parseCsv(lines.join('\n'), 'tiny.csv'), { label: 'label' });
  tinyDetectors = [
    JSON.stringify(Detector.train(data, { type: 'logreg' }, { epochs: 2, seed: 1 }).toJSON()),
    JSON.stringify(Detector.train(data, { type: 'vqc', qubits: 2, layers: 1 }, { epochs: 1, seed: 1 }).toJSON()),
  ];
  return tinyDetectors;
}

const probeRows = (() => {
  const csv = parseCsv('a,b,c,label\n0.1,0.2,u,normal\n3,-1,v,attack\n', 'probe.csv');
  return tableFromCsv(csv, { label: 'label' }).table;
})();

const NOISE_CORPUS: NoiseModel[] = [
  { after_1q: [{ channel: 'depolarizing', p: 0.001 }], after_2q: [{ channel: 'depolarizing', p: 0.01 }], readout: { p01: 0.02, p10: 0.02 } } as unknown as NoiseModel,
  { gates: { h: [{ channel: 'amplitude_damping', gamma: 0.05 }], cx: [{ channel: 'pauli_depolarizing', p: 0.02 }] } } as unknown as NoiseModel,
  { rules: [{ gates: ['rx', 'ry'], qubits: [0], channels: [{ channel: 'phase_damping', lambda: 0.1 }] }] } as unknown as NoiseModel,
  { after_1q: [{ channel: 'kraus', operators: [[[[0.9, 0], [0, 0]], [[0, 0], [0.9, 0]]], [[[0.4358898943540674, 0], [0, 0]], [[0, 0], [0.4358898943540674, 0]]]] }] } as unknown as NoiseModel,
  { after_1q: [{ channel: 'bit_flip', p: 0.1 }, { channel: 'phase_flip', p: 0.05 }, { channel: 'thermal_relaxation', t1: 50, t2: 70, time: 0.05 }] } as unknown as NoiseModel,
];

const FUZZ_CIRCUIT = parseQasm('OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\ncreg c[2];\nh q[0];\nrx(0.3) q[1];\ncx q[0],q[1];\nmeasure q -> c;\n');

/** The fuzz targets, with their corpora (shipped files under data/ and generated examples). */
export function fuzzTargets(extraQasm: string[] = []): FuzzTarget[] {
  const rng = new Rng(11);
  const qasm = [
    ...Array.from({ length: 12 }, (_, i) => toQasm(randomCircuit(rng, { qubits: 2 + (i % 3), gates: 8 }))),
    'OPENQASM 2.0;\ninclude "qelib1.inc";\ngate my(a,b) x,y { rx(a) x; cx x,y; rz(b/2) y; }\nqreg q[3];\ncreg c[3];\nmy(pi/3,0.2) q[0],q[1];\nbarrier q;\nmeasure q[0] -> c[0];\nif(c==1) x q[2];\nreset q[1];\nmeasure q -> c;\n',
    ...extraQasm,
  ];
  const dataDir = path.join(repoRoot, 'data');
  const csvFiles: string[] = [];
  for (const d of fs.existsSync(dataDir) ? fs.readdirSync(dataDir) : []) {
    const full = path.join(dataDir, d);
    if (!fs.statSync(full).isDirectory()) continue;
    for (const f of fs.readdirSync(full)) if (/\.(csv|txt)(\.gz)?$/.test(f)) csvFiles.push(path.join(full, f));
  }
  const csvCorpus = csvFiles.map((f) => headLines(f, 25)).filter((t) => t.includes(','));
  const cfg = defaultConfig(true);
  const assessCorpus = [JSON.stringify(cfg), YAML.stringify({ models: ['logreg', 'vqc'], eps: [0, 0.5], attacks: ['pgd', 'square'], constraints: { mutable: ['src_bytes'], integer: ['src_bytes'], bounds: { src_bytes: [0, 1e6] }, le: [['src_bytes', 'dst_bytes']] } }), JSON.stringify({ trainRows: 300, defenses: ['pgd-at'], threats: ['evasion', 'training'], poisonRates: [0.05], drop: ['a'], maxRows: 100 })];
  const key = JSON.stringify({ format: 'qml6g-key', algorithm: 'ML-DSA-65', key_id: 'x', public_key: Buffer.alloc(1952, 7).toString('base64') });
  return [
    { name: 'openqasm', corpus: qasm, structured: false, load: (t) => { const c = parseQasm(t, { file: 'fuzz.qasm' }); if (c.numQubits <= 10) simulate(c, { seed: 1 }); } },
    { name: 'csv', corpus: csvCorpus.length ? csvCorpus : ['a,b,label\n1,2,x\n3,4,y\n'], structured: false, load: (t) => { tableFromCsv(parseCsv(t, 'fuzz.csv'), {}); } },
    {
      name: 'noise', corpus: NOISE_CORPUS.map((n) => JSON.stringify(n)), structured: true,
      load: (t) => {
        let m: unknown;
        try { m = JSON.parse(t); } catch (e) { throw new QmlError(`invalid JSON: ${(e as Error).message}`, 'noise.json'); }
        new CompiledNoise(m as NoiseModel, 2);
        simulate(FUZZ_CIRCUIT, { noise: m as NoiseModel, seed: 1 });
      },
    },
    {
      name: 'assess-config', corpus: assessCorpus, structured: true,
      load: (t) => {
        let v: unknown;
        try { v = t.trim().startsWith('{') ? JSON.parse(t) : YAML.parse(t); } catch (e) { throw new QmlError(`invalid config: ${(e as Error).message.split('\n')[0]}`, 'config'); }
        if (!v || typeof v !== 'object' || Array.isArray(v)) throw new QmlError('a config file must hold a mapping of keys to values', 'config');
        mergeConfig(defaultConfig(false), v as Record<string, unknown>, 'config');
      },
    },
    { name: 'poison-trigger', corpus: ['{"flag":"SH","service":"telnet","src_bytes":[1000,1100]}', '{"count":[10,20]}'], structured: true, load: (t) => { parseTrigger(t.trim().startsWith('{') ? t : `{${t}`); } },
    {
      name: 'model-file', corpus: detectorCorpus(), structured: true,
      load: (t) => {
        verifyDetectorText(t, []);
        let j: unknown;
        try { j = JSON.parse(t); } catch (e) { throw new QmlError(`invalid JSON: ${(e as Error).message}`, 'model.json'); }
        const det = Detector.fromJSON(j, 'model.json');
        // Rows that do not match what the model was fitted on are the data file's fault: the CLI names that file.
        try { det.predictProba(probeRows); } catch (e) { if (e instanceof QmlError && !e.where) throw new QmlError(e.message, 'data rows'); throw e; }
      },
    },
    { name: 'key-file', corpus: [key], structured: true, load: (t) => { parseKeyText(t, 'key.json'); } },
  ];
}

/** Runs `n` mutated inputs per target; returns the failures (at most `maxFailures` per target). */
export function fuzz(targets: FuzzTarget[], n: number, seed: number, maxFailures = 5): { inputs: number; failures: FuzzFailure[] } {
  const rng = new Rng(seed);
  const failures: FuzzFailure[] = [];
  let inputs = 0;
  for (const t of targets) {
    let f = 0;
    for (let i = 0; i < n && f < maxFailures; i++) {
      inputs++;
      const r = tryInput(t, mutant(t, rng));
      if (r) { failures.push(r); f++; }
    }
  }
  return { inputs, failures };
}
