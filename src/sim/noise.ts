/**
 * Noise channels as Kraus sets, and noise models that attach channels to gates (like Qiskit Aer's
 * NoiseModel) plus per-qubit read-out error.
 *
 * Conventions (each channel states its own):
 * - depolarizing(p): ρ → (1−p)ρ + p·I/d ⊗ Tr_S ρ, d = 2^k (Qiskit Aer's parametrisation).
 *   Kraus: √(1 − p(d²−1)/d²)·I and √(p/d²)·P for the d²−1 non-identity Pauli strings P.
 * - pauli_depolarizing(p): ρ → (1−p)ρ + p/(d²−1) Σ_{P≠I} PρP†, p being the total Pauli-error
 *   probability (Cirq's depolarize); equals depolarizing(p·d²/(d²−1)).
 * - amplitude_damping(γ): K0 = [[1,0],[0,√(1−γ)]], K1 = [[0,√γ],[0,0]] (|1⟩ decays to |0⟩).
 * - phase_damping(λ): K0 = [[1,0],[0,√(1−λ)]], K1 = [[0,0],[0,√λ]] (coherences shrink by √(1−λ)).
 * - bit_flip(p) / phase_flip(p) / bit_phase_flip(p): X / Z / Y with probability p.
 * - pauli(px, py, pz): X, Y, Z with those probabilities.
 * - generalized_amplitude_damping(γ, p_excited): relaxation towards a thermal state with
 *   excited population p_excited.
 * - thermal_relaxation(t1, t2, time, excited_population = 0): generalized amplitude damping with
 *   γ = 1 − e^{−time/T1}, then pure dephasing so coherences decay as e^{−time/T2} (needs T2 ≤ 2·T1).
 * - kraus(operators): any set, checked for Σ K†K = I.
 *
 * @example
 * import { simulate, CircuitBuilder } from 'qml6g';
 * const noise = { after_1q: [{ channel: 'depolarizing', p: 0.01 }], readout: { p1_given_0: 0.02, p0_given_1: 0.05 } };
 * const r = simulate(new CircuitBuilder(1).x(0).build(), { noise });
 * r.densityMatrix; // 2x2, trace 1
 */
import { QmlError, isFiniteNumber } from '../core/errors.js';

export type ChannelSpec =
  | { channel: 'depolarizing'; p: number }
  | { channel: 'pauli_depolarizing'; p: number }
  | { channel: 'amplitude_damping'; gamma: number }
  | { channel: 'generalized_amplitude_damping'; gamma: number; p_excited: number }
  | { channel: 'phase_damping'; lambda: number }
  | { channel: 'bit_flip'; p: number }
  | { channel: 'phase_flip'; p: number }
  | { channel: 'bit_phase_flip'; p: number }
  | { channel: 'pauli'; px: number; py: number; pz: number }
  | { channel: 'thermal_relaxation'; t1: number; t2: number; time: number; excited_population?: number }
  | { channel: 'kraus'; operators: [number, number][][][] };

export interface ReadoutError { p1_given_0: number; p0_given_1: number }

export interface NoiseRule {
  /** Gate names the rule applies to (all gates when omitted). */
  gates?: string[];
  /** The exact qubits (in gate order) the rule applies to (any qubits when omitted). */
  qubits?: number[];
  channels: ChannelSpec[];
}

/**
 * Which channels follow a gate: the most specific entry wins. A matching `rules` entry (first match)
 * overrides `gates[name]`, which overrides the defaults `after_1q` (1-qubit gates) and `after_2q`
 * (gates on 2 or more qubits). In `after_2q`, depolarizing channels act jointly on all the gate's
 * qubits; single-qubit channels act on each of its qubits in turn. Channels apply in listed order.
 */
export interface NoiseModel {
  after_1q?: ChannelSpec[];
  after_2q?: ChannelSpec[];
  gates?: Record<string, ChannelSpec[]>;
  rules?: NoiseRule[];
  /** One read-out error for every qubit, or a list with one entry per qubit (null for none). */
  readout?: ReadoutError | Array<ReadoutError | null>;
}

/** A Kraus set on k qubits: each operator a 2^k x 2^k interleaved complex matrix (textbook order). */
export interface KrausSet {
  qubits: number;
  ops: Float64Array[];
  /** Σ K ⊗ conj(K): the superoperator on (row wires, column wires) of a vectorised density matrix. */
  superop: Float64Array;
  label: string;
  /** Set for depolarising channels: p in the ρ → (1−p)ρ + p·I/d ⊗ Tr_S ρ form, which has a one-pass kernel. */
  depolarizing?: number;
}

const I2 = [1, 0, 0, 0, 0, 0, 1, 0];
const PX = [0, 0, 1, 0, 1, 0, 0, 0];
const PY = [0, 0, 0, -1, 0, 1, 0, 0];
const PZ = [1, 0, 0, 0, 0, 0, -1, 0];
const PAULIS = [I2, PX, PY, PZ];

function kron(a: Float64Array, b: Float64Array, da: number, db: number): Float64Array {
  const d = da * db, out = new Float64Array(2 * d * d);
  for (let i = 0; i < da; i++) for (let j = 0; j < da; j++) {
    const ar = a[2 * (i * da + j)], ai = a[2 * (i * da + j) + 1];
    if (ar === 0 && ai === 0) continue;
    for (let k = 0; k < db; k++) for (let l = 0; l < db; l++) {
      const br = b[2 * (k * db + l)], bi = b[2 * (k * db + l) + 1];
      const idx = 2 * ((i * db + k) * d + (j * db + l));
      out[idx] = ar * br - ai * bi;
      out[idx + 1] = ar * bi + ai * br;
    }
  }
  return out;
}

function scaled(m: number[] | Float64Array, c: number): Float64Array {
  return Float64Array.from(m, (v) => v * c);
}

/** Pauli strings on k qubits, identity first. */
function pauliStrings(k: number): Float64Array[] {
  let out: Float64Array[] = PAULIS.map((p) => Float64Array.from(p));
  let d = 2;
  for (let q = 1; q < k; q++) {
    const next: Float64Array[] = [];
    for (const a of out) for (const p of PAULIS) next.push(kron(a, Float64Array.from(p), d, 2));
    out = next;
    d *= 2;
  }
  return out;
}

function matMul(a: Float64Array, b: Float64Array, D: number): Float64Array {
  const out = new Float64Array(2 * D * D);
  for (let i = 0; i < D; i++) for (let k = 0; k < D; k++) {
    const ar = a[2 * (i * D + k)], ai = a[2 * (i * D + k) + 1];
    if (ar === 0 && ai === 0) continue;
    for (let j = 0; j < D; j++) {
      const br = b[2 * (k * D + j)], bi = b[2 * (k * D + j) + 1];
      out[2 * (i * D + j)] += ar * br - ai * bi;
      out[2 * (i * D + j) + 1] += ar * bi + ai * br;
    }
  }
  return out;
}

/** max |Σ K†K − I|: zero for a trace-preserving channel. */
export function tracePreservationError(ops: Float64Array[], D: number): number {
  const acc = new Float64Array(2 * D * D);
  for (const K of ops) {
    for (let i = 0; i < D; i++) for (let j = 0; j < D; j++) {
      let re = 0, im = 0;
      for (let r = 0; r < D; r++) {
        // conj(K[r][i]) · K[r][j]
        const ar = K[2 * (r * D + i)], ai = -K[2 * (r * D + i) + 1];
        const br = K[2 * (r * D + j)], bi = K[2 * (r * D + j) + 1];
        re += ar * br - ai * bi;
        im += ar * bi + ai * br;
      }
      acc[2 * (i * D + j)] += re;
      acc[2 * (i * D + j) + 1] += im;
    }
  }
  let worst = 0;
  for (let i = 0; i < D; i++) for (let j = 0; j < D; j++) {
    worst = Math.max(worst, Math.abs(acc[2 * (i * D + j)] - (i === j ? 1 : 0)), Math.abs(acc[2 * (i * D + j) + 1]));
  }
  return worst;
}

export function superoperator(ops: Float64Array[], D: number): Float64Array {
  const S = new Float64Array(2 * D * D * D * D);
  for (const K of ops) {
    const Kc = Float64Array.from(K, (v, i) => (i & 1 ? -v : v));
    const t = kron(K, Kc, D, D);
    for (let i = 0; i < S.length; i++) S[i] += t[i];
  }
  return S;
}

export function krausSet(ops: Float64Array[], qubits: number, label: string, at = label): KrausSet {
  const D = 1 << qubits;
  for (const K of ops) if (K.length !== 2 * D * D) throw new QmlError(`Kraus operators of a ${qubits}-qubit channel must be ${D}x${D}`, at);
  const err = tracePreservationError(ops, D);
  if (!(err <= 1e-9)) {
    throw new QmlError(`Kraus operators are not trace preserving (max |Σ K†K − I| = ${err.toExponential(2)})`, at);
  }
  return { qubits, ops, superop: superoperator(ops, D), label };
}

function prob(x: unknown, name: string, at: string): number {
  if (!isFiniteNumber(x) || x < 0 || x > 1) throw new QmlError(`${name} must be a number in [0, 1], got ${JSON.stringify(x)}`, at);
  return x;
}

function depolarizingOps(p: number, k: number): Float64Array[] {
  const d2 = 4 ** k;
  const ps = pauliStrings(k);
  return ps.map((P, i) => scaled(P, Math.sqrt(i === 0 ? 1 - (p * (d2 - 1)) / d2 : p / d2)));
}

function gadOps(gamma: number, pe: number): Float64Array[] {
  const a = Math.sqrt(1 - pe), b = Math.sqrt(pe), g = Math.sqrt(gamma), h = Math.sqrt(1 - gamma);
  return [
    Float64Array.from([a, 0, 0, 0, 0, 0, a * h, 0]),
    Float64Array.from([0, 0, a * g, 0, 0, 0, 0, 0]),
    Float64Array.from([b * h, 0, 0, 0, 0, 0, b, 0]),
    Float64Array.from([0, 0, 0, 0, b * g, 0, 0, 0]),
  ].filter((K) => K.some((v) => v !== 0));
}

function compose(first: Float64Array[], second: Float64Array[], D: number): Float64Array[] {
  const out: Float64Array[] = [];
  for (const B of second) for (const A of first) out.push(matMul(B, A, D));
  return out;
}

/**
 * Builds the Kraus set of a channel spec on `qubits` qubits (only depolarizing, pauli_depolarizing
 * and kraus sets can span several qubits; the others are single-qubit channels).
 */
export function channelKraus(spec: ChannelSpec, qubits = 1, at = 'channel'): KrausSet {
  if (!spec || typeof spec !== 'object') throw new QmlError('a channel must be an object like {"channel": "depolarizing", "p": 0.01}', at);
  const name = (spec as { channel?: unknown }).channel;
  const s = spec as Record<string, unknown>;
  const single = (ops: Float64Array[], label: string) => {
    if (qubits !== 1) throw new QmlError(`${label} is a single-qubit channel`, at);
    return krausSet(ops, 1, label, at);
  };
  switch (name) {
    case 'depolarizing': {
      const p = prob(s.p, 'p', at);
      const d2 = 4 ** qubits;
      if (p > d2 / (d2 - 1)) throw new QmlError(`depolarizing p must be at most ${d2 / (d2 - 1)}`, at);
      return { ...krausSet(depolarizingOps(p, qubits), qubits, `depolarizing(${p})`, at), depolarizing: p };
    }
    case 'pauli_depolarizing': {
      const p = prob(s.p, 'p', at);
      const d2 = 4 ** qubits;
      return { ...krausSet(depolarizingOps((p * d2) / (d2 - 1), qubits), qubits, `pauli_depolarizing(${p})`, at), depolarizing: (p * d2) / (d2 - 1) };
    }
    case 'amplitude_damping': {
      const g = prob(s.gamma, 'gamma', at);
      return single(gadOps(g, 0), `amplitude_damping(${g})`);
    }
    case 'generalized_amplitude_damping': {
      const g = prob(s.gamma, 'gamma', at), pe = prob(s.p_excited, 'p_excited', at);
      return single(gadOps(g, pe), `generalized_amplitude_damping(${g}, ${pe})`);
    }
    case 'phase_damping': {
      const l = prob(s.lambda, 'lambda', at);
      return single([Float64Array.from([1, 0, 0, 0, 0, 0, Math.sqrt(1 - l), 0]), Float64Array.from([0, 0, 0, 0, 0, 0, Math.sqrt(l), 0])], `phase_damping(${l})`);
    }
    case 'bit_flip': case 'phase_flip': case 'bit_phase_flip': {
      const p = prob(s.p, 'p', at);
      const P = name === 'bit_flip' ? PX : name === 'phase_flip' ? PZ : PY;
      return single([scaled(I2, Math.sqrt(1 - p)), scaled(P, Math.sqrt(p))], `${name}(${p})`);
    }
    case 'pauli': {
      const px = prob(s.px, 'px', at), py = prob(s.py, 'py', at), pz = prob(s.pz, 'pz', at);
      if (px + py + pz > 1 + 1e-12) throw new QmlError('px + py + pz must be at most 1', at);
      return single([scaled(I2, Math.sqrt(Math.max(0, 1 - px - py - pz))), scaled(PX, Math.sqrt(px)), scaled(PY, Math.sqrt(py)), scaled(PZ, Math.sqrt(pz))], `pauli(${px}, ${py}, ${pz})`);
    }
    case 'thermal_relaxation': {
      const t1 = s.t1, t2 = s.t2, time = s.time;
      if (!isFiniteNumber(t1) || t1 <= 0) throw new QmlError('t1 must be a positive number', at);
      if (!isFiniteNumber(t2) || t2 <= 0) throw new QmlError('t2 must be a positive number', at);
      if (!isFiniteNumber(time) || time < 0) throw new QmlError('time must be a non-negative number', at);
      if (t2 > 2 * t1 * (1 + 1e-12)) throw new QmlError(`t2 (${t2}) must be at most 2·t1 (${2 * t1})`, at);
      const pe = prob(s.excited_population ?? 0, 'excited_population', at);
      const gamma = 1 - Math.exp(-time / t1);
      // Amplitude damping alone shrinks coherences by e^{−t/(2T1)}; dephase the rest of e^{−t/T2}.
      const rest = Math.exp(-time / t2 + time / (2 * t1));
      const lambda = Math.min(1, Math.max(0, 1 - rest * rest));
      const ops = compose(gadOps(gamma, pe), [Float64Array.from([1, 0, 0, 0, 0, 0, Math.sqrt(1 - lambda), 0]), Float64Array.from([0, 0, 0, 0, 0, 0, Math.sqrt(lambda), 0])], 2)
        .filter((K) => K.some((v) => Math.abs(v) > 0));
      return single(ops, `thermal_relaxation(${t1}, ${t2}, ${time})`);
    }
    case 'kraus': {
      const ops = s.operators;
      if (!Array.isArray(ops) || ops.length === 0) throw new QmlError('kraus needs a non-empty list of operators', at);
      const D = 1 << qubits;
      const mats = ops.map((op: unknown, i: number) => {
        if (!Array.isArray(op) || op.length !== D) throw new QmlError(`Kraus operator ${i} must be ${D}x${D} for a ${qubits}-qubit channel`, at);
        const m = new Float64Array(2 * D * D);
        op.forEach((row: unknown, r: number) => {
          if (!Array.isArray(row) || row.length !== D) throw new QmlError(`Kraus operator ${i} row ${r} must have ${D} entries`, at);
          row.forEach((e: unknown, c: number) => {
            const [re, im] = Array.isArray(e) ? e : [e, 0];
            if (!isFiniteNumber(re) || !isFiniteNumber(im)) throw new QmlError(`Kraus operator ${i} entry [${r}][${c}] is not a finite complex number`, at);
            m[2 * (r * D + c)] = re; m[2 * (r * D + c) + 1] = im;
          });
        });
        return m;
      });
      return krausSet(mats, qubits, 'kraus', at);
    }
    default:
      throw new QmlError(`unknown channel "${String(name)}" (known: depolarizing, pauli_depolarizing, amplitude_damping, generalized_amplitude_damping, phase_damping, bit_flip, phase_flip, bit_phase_flip, pauli, thermal_relaxation, kraus)`, at);
  }
}

/** Channels that act jointly on all of a multi-qubit gate's wires; the rest act qubit by qubit. */
function isJoint(spec: ChannelSpec): boolean {
  if (!spec || typeof spec !== 'object') return false;
  return spec.channel === 'depolarizing' || spec.channel === 'pauli_depolarizing'
    || (spec.channel === 'kraus' && Array.isArray(spec.operators) && Array.isArray(spec.operators[0]) && spec.operators[0].length > 2);
}

export interface NoiseStep { kraus: KrausSet; wires: number[] }

/**
 * A noise model compiled for a circuit width: validates the model once, caches Kraus sets, and
 * answers "which channels follow this gate on these wires".
 */
export class CompiledNoise {
  private cache = new Map<string, NoiseStep[]>();
  readonly readout: Array<ReadoutError | null>;
  constructor(readonly model: NoiseModel, readonly numQubits: number, readonly at = 'noise') {
    if (!model || typeof model !== 'object' || Array.isArray(model)) throw new QmlError('a noise model must be an object', at);
    const known = new Set(['after_1q', 'after_2q', 'gates', 'rules', 'readout']);
    for (const k of Object.keys(model)) if (!known.has(k)) throw new QmlError(`unknown key "${k}" (known: ${[...known].join(', ')})`, `${at}.${k}`);
    const lists: Array<[unknown, string]> = [[model.after_1q, 'after_1q'], [model.after_2q, 'after_2q']];
    if (model.gates !== undefined && (!model.gates || typeof model.gates !== 'object' || Array.isArray(model.gates))) throw new QmlError('gates must map gate names to lists of channels', `${at}.gates`);
    for (const [name, l] of Object.entries(model.gates ?? {})) lists.push([l, `gates.${name}`]);
    if (model.rules !== undefined && !Array.isArray(model.rules)) throw new QmlError('rules must be a list of {gates, qubits, channels} objects', `${at}.rules`);
    (model.rules ?? []).forEach((r, i) => {
      if (!r || typeof r !== 'object') throw new QmlError('a rule must be an object', `${at}.rules[${i}]`);
      if (r.qubits !== undefined && (!Array.isArray(r.qubits) || r.qubits.some((q) => !Number.isInteger(q) || q < 0))) {
        throw new QmlError('qubits must be a list of qubit indices', `${at}.rules[${i}].qubits`);
      }
      if (r.gates !== undefined && (!Array.isArray(r.gates) || r.gates.some((g) => typeof g !== 'string'))) throw new QmlError('gates must be a list of gate names', `${at}.rules[${i}].gates`);
      lists.push([r.channels, `rules[${i}].channels`]);
    });
    for (const [l, name] of lists) {
      if (l === undefined) continue;
      if (!Array.isArray(l)) throw new QmlError('must be a list of channels', `${at}.${name}`);
      // Validate every channel up front so a bad file fails before any simulation starts.
      l.forEach((c: ChannelSpec, i: number) => channelKraus(c, isJoint(c) && name !== 'after_1q' ? 2 : 1, `${at}.${name}[${i}]`));
    }
    this.readout = compileReadout(model.readout, numQubits, `${at}.readout`);
  }

  get hasReadout(): boolean { return this.readout.some((r) => r !== null); }

  /** The channels that follow gate `name` acting on `wires` (controls first, then targets). */
  after(name: string, wires: number[]): NoiseStep[] {
    const key = `${name}|${wires.join(',')}`;
    let steps = this.cache.get(key);
    if (steps) return steps;
    const m = this.model;
    let specs: ChannelSpec[] | undefined;
    for (const r of m.rules ?? []) {
      if (r.gates && !r.gates.includes(name)) continue;
      if (r.qubits && (r.qubits.length !== wires.length || r.qubits.some((q, i) => q !== wires[i]))) continue;
      specs = r.channels;
      break;
    }
    specs ??= m.gates?.[name] ?? (wires.length === 1 ? m.after_1q : m.after_2q) ?? [];
    steps = [];
    specs.forEach((spec, i) => {
      if (wires.length > 1 && isJoint(spec)) steps!.push({ kraus: channelKraus(spec, wires.length, `${this.at}: channel ${i} after ${name}`), wires });
      else {
        const k = channelKraus(spec, 1, `${this.at}: channel ${i} after ${name}`);
        for (const w of wires) steps!.push({ kraus: k, wires: [w] });
      }
    });
    this.cache.set(key, steps);
    return steps;
  }
}

function compileReadout(r: NoiseModel['readout'], n: number, at: string): Array<ReadoutError | null> {
  const out: Array<ReadoutError | null> = new Array(n).fill(null);
  if (r === undefined || r === null) return out;
  const one = (e: unknown, w: string): ReadoutError | null => {
    if (e === null) return null;
    if (!e || typeof e !== 'object') throw new QmlError('a read-out error is {"p1_given_0": a, "p0_given_1": b}', w);
    const x = e as Record<string, unknown>;
    return { p1_given_0: prob(x.p1_given_0 ?? 0, 'p1_given_0', w), p0_given_1: prob(x.p0_given_1 ?? 0, 'p0_given_1', w) };
  };
  if (Array.isArray(r)) {
    if (r.length > n) throw new QmlError(`${r.length} read-out errors given for ${n} qubits`, at);
    r.forEach((e, q) => { out[q] = one(e, `${at}[${q}]`); });
  } else {
    const e = one(r, at);
    out.fill(e);
  }
  return out;
}

/** Applies independent per-qubit read-out confusion to a probability vector (in place). */
export function applyReadoutError(p: Float64Array, n: number, readout: Array<ReadoutError | null>): void {
  const N = 2 ** n;
  for (let q = 0; q < n; q++) {
    const e = readout[q];
    if (!e || (e.p1_given_0 === 0 && e.p0_given_1 === 0)) continue;
    const a = e.p1_given_0, b = e.p0_given_1, bit = 2 ** q;
    for (let i = 0; i < N; i++) {
      if (i & bit) continue;
      const p0 = p[i], p1 = p[i + bit];
      p[i] = (1 - a) * p0 + b * p1;
      p[i + bit] = a * p0 + (1 - b) * p1;
    }
  }
}
