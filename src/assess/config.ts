/**
 * The `qml6g assess` configuration: plain data with defaults, read from flags or a YAML/JSON file
 * and validated key by key (an error names the bad key and what it should be).
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { QmlError } from '../core/errors.js';
import { EVASION_ATTACKS, QUANTUM_ATTACK_NAMES } from '../attacks/registry.js';
import { MODEL_TYPES, type ModelType } from '../qml/models/registry.js';
import type { DomainConstraints } from '../attacks/threat.js';
import { DEFENSE_NAMES } from './defenses.js';

export interface AssessConfig {
  data: string;
  /** Label column and format for a CSV file given by path. */
  label?: string;
  format?: string;
  /** Columns to drop before anything else (e.g. a second label that leaks the answer). */
  drop?: string[];
  /** Read at most this many rows of the data (stratified, seeded) before the split. */
  maxRows?: number;
  models: ModelType[];
  attacks: string[];
  /** Raw-space ε grid in units of each attacker-controlled feature's standard deviation. */
  eps: number[];
  /** Encoding-angle ε grid (radians) for the quantum encoding attack. */
  angleEps: number[];
  norm: 'linf' | 'l2';
  /** NISQ noise strengths (multiples of the base model) for the noise-resilience sweep. */
  noise: number[];
  seed: number;
  quick: boolean;
  trainRows: number;
  attackRows: number;
  blackBoxRows: number;
  queries: number;
  steps: number;
  epochs: number;
  qubits: number;
  layers: number;
  /** Training rows kept by the kernel models (their attack cost grows with it). */
  kernelRows: number;
  /** Attacker-controlled columns and constraints (defaults for NSL-KDD). */
  constraints?: DomainConstraints;
  /** Defences for the defence × attack matrix (empty: none; 'all': every one). */
  defenses: string[];
  /** Training rows the defences retrain on (robust training costs several plain trainings). */
  defenseRows: number;
  /**
   * Which threats to assess: 'evasion' (evasion, quantum-specific attacks, noise; the default) and/or
   * 'training' (poisoning, backdoors, tampered model files).
   */
  threats: string[];
  /** Poison rates of the training-threat experiments (fractions of the training rows). */
  poisonRates: number[];
  /** Training rows of the poisoning experiments (each one trains several detectors). */
  poisonRows: number;
  /** Apply error mitigation (ZNE + read-out inversion) to the VQC in the noise sweep. */
  mitigate: boolean;
  /** Worker threads for the independent attack, noise and leakage tasks (0 or absent: one per core; results do not depend on it). */
  threads?: number;
  out: string;
}

export const ALL_ATTACKS = [...EVASION_ATTACKS.filter((a) => a !== 'bim'), 'transfer', ...QUANTUM_ATTACK_NAMES];

export function defaultConfig(quick: boolean): AssessConfig {
  return {
    data: 'nsl-kdd', models: ['logreg', 'mlp', 'svm', 'vqc', 'qsvm', 'hybrid'], attacks: ALL_ATTACKS,
    eps: quick ? [0, 0.25, 1] : [0, 0.1, 0.25, 0.5, 1], angleEps: quick ? [0, 0.2] : [0, 0.05, 0.1, 0.2, 0.4],
    norm: 'linf', noise: quick ? [0, 1, 4] : [0, 0.5, 1, 2, 4], seed: 0, quick,
    trainRows: quick ? 1200 : 4000, attackRows: quick ? 40 : 400, blackBoxRows: quick ? 15 : 100, queries: quick ? 100 : 300,
    steps: quick ? 8 : 15, epochs: quick ? 4 : 8, qubits: 8, layers: quick ? 2 : 3, kernelRows: quick ? 400 : 600, defenses: [], defenseRows: quick ? 400 : 1500, mitigate: !quick, out: 'qml6g-report',
    threats: ['evasion'], poisonRates: quick ? [0.05] : [0.005, 0.01, 0.02, 0.05, 0.1, 0.2], poisonRows: quick ? 800 : 1500,
  };
}

const TYPES: Record<keyof AssessConfig, string> = {
  data: 'string', label: 'string', format: 'string', drop: 'string[]', maxRows: 'integer', models: 'string[]', attacks: 'string[]', eps: 'number[]', angleEps: 'number[]',
  norm: 'string', noise: 'number[]', seed: 'integer', quick: 'boolean', trainRows: 'integer', attackRows: 'integer', blackBoxRows: 'integer',
  queries: 'integer', steps: 'integer', epochs: 'integer', qubits: 'integer', layers: 'integer', kernelRows: 'integer', constraints: 'object', defenses: 'string[]', defenseRows: 'integer', mitigate: 'boolean', out: 'string',
  threats: 'string[]', poisonRates: 'number[]', poisonRows: 'integer', threads: 'integer',
};

function typeOk(v: unknown, t: string): boolean {
  switch (t) {
    case 'string': return typeof v === 'string';
    case 'boolean': return typeof v === 'boolean';
    case 'integer': return Number.isInteger(v);
    case 'object': return !!v && typeof v === 'object' && !Array.isArray(v);
    case 'string[]': return Array.isArray(v) && v.every((x) => typeof x === 'string');
    case 'number[]': return Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isFinite(x));
    default: return false;
  }
}

/** Merges `over` into `base`, checking every key and value; `where` names the source in errors. */
export function mergeConfig(base: AssessConfig, over: Record<string, unknown>, where: string): AssessConfig {
  const out = { ...base } as Record<string, unknown>;
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) continue;
    const t = TYPES[k as keyof AssessConfig];
    if (!t) throw new QmlError(`unknown key "${k}" (known: ${Object.keys(TYPES).join(', ')})`, `${where}: ${k}`);
    if (!typeOk(v, t)) throw new QmlError(`"${k}" must be ${t === 'integer' ? 'an integer' : `a ${t}`}, got ${JSON.stringify(v)}`, `${where}: ${k}`);
    out[k] = v;
  }
  const c = out as unknown as AssessConfig;
  for (const m of c.models) if (!(MODEL_TYPES as readonly string[]).includes(m)) throw new QmlError(`unknown model "${m}" (known: ${MODEL_TYPES.join(', ')})`, `${where}: models`);
  for (const a of c.attacks) if (!ALL_ATTACKS.includes(a) && a !== 'bim') throw new QmlError(`unknown attack "${a}" (known: ${ALL_ATTACKS.join(', ')})`, `${where}: attacks`);
  for (const [k, arr] of [['eps', c.eps], ['angleEps', c.angleEps], ['noise', c.noise]] as const) {
    for (const e of arr) if (e < 0) throw new QmlError(`${k} values must be ≥ 0, got ${e}`, `${where}: ${k}`);
  }
  if (c.norm !== 'linf' && c.norm !== 'l2') throw new QmlError(`norm must be linf or l2, got "${c.norm}"`, `${where}: norm`);
  for (const k of ['trainRows', 'attackRows', 'blackBoxRows', 'queries', 'steps', 'epochs', 'qubits', 'layers', 'kernelRows', 'defenseRows', 'poisonRows'] as const) {
    if ((c[k] as number) < 1) throw new QmlError(`${k} must be at least 1, got ${c[k]}`, `${where}: ${k}`);
  }
  if (c.defenses.includes('all')) c.defenses = [...DEFENSE_NAMES];
  for (const d of c.defenses) if (!DEFENSE_NAMES.includes(d)) throw new QmlError(`unknown defence "${d}" (known: ${DEFENSE_NAMES.join(', ')}, all)`, `${where}: defenses`);
  if (c.threats.includes('all')) c.threats = ['evasion', 'training'];
  for (const t of c.threats) if (t !== 'evasion' && t !== 'training') throw new QmlError(`unknown threat class "${t}" (known: evasion, training, all)`, `${where}: threats`);
  if (!c.threats.length) throw new QmlError('at least one threat class is needed (evasion, training)', `${where}: threats`);
  for (const r of c.poisonRates) if (!(r > 0 && r < 1)) throw new QmlError(`poison rate must be in (0, 1), got ${r}`, `${where}: poisonRates`);
  if (c.threads !== undefined && (c.threads < 0 || c.threads > 256)) throw new QmlError(`threads must be from 0 (one per core) to 256, got ${c.threads}`, `${where}: threads`);
  if (c.maxRows !== undefined && c.maxRows < 10) throw new QmlError(`maxRows must be at least 10, got ${c.maxRows}`, `${where}: maxRows`);
  if (c.qubits > 16) throw new QmlError(`qubits must be at most 16 for assess, got ${c.qubits}`, `${where}: qubits`);
  if (!c.models.length) throw new QmlError('at least one model is needed', `${where}: models`);
  return c;
}

/** Reads a YAML or JSON config file into plain data. */
export function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try { text = fs.readFileSync(file, 'utf8'); } catch (e) {
    throw new QmlError(`cannot read config: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`, file);
  }
  let v: unknown;
  try {
    v = /\.json$/i.test(file) ? JSON.parse(text) : YAML.parse(text);
  } catch (e) {
    throw new QmlError(`invalid ${/\.json$/i.test(file) ? 'JSON' : 'YAML'}: ${(e as Error).message.split('\n')[0]}`, path.basename(file));
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new QmlError('a config file must hold a mapping of keys to values', path.basename(file));
  return v as Record<string, unknown>;
}
