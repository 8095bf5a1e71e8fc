/**
 * What a state in transit leaks: an eavesdropper who intercepts one encoded data state (between
 * a sensor and a quantum model, or between the fragments of a cut circuit) and knows the class
 * statistics guesses the record's class with at most the optimal discrimination probability of
 * the class-conditional states ρ_c = mean over the class's training rows of |ψ(x)⟩⟨ψ(x)| (after
 * device and transit noise). Two classes: Helstrom's P = ½ + ½‖p₀ρ₀ − p₁ρ₁‖₁, exact and optimal;
 * more: the pretty-good measurement (a lower bound, with √P as the upper bound). The number to
 * doubt it by is beside it: the guessing baseline max_c p_c.
 *
 * @example
 * import { encodingLeakage } from 'qml6g';
 * const X = { data: Float64Array.from([0.1, 0.2, 0.2, 0.1, 2.9, 3.0, 3.1, 2.8]), rows: 4, cols: 2 };
 * const y = Int32Array.from([0, 0, 1, 1]);
 * const r = encodingLeakage(X, y, 2, { qubits: 2, encoding: 'angle-y' });
 * r.success;   // close to 1: the two classes encode into nearly orthogonal states
 * r.guessing;  // 0.5
 */
import { QmlError } from '../core/errors.js';
import { Rng } from '../core/rng.js';
import type { RowMatrix } from '../sim/batch.js';
import { DensityMatrix } from '../sim/density.js';
import { runBranches, runProgram } from '../sim/execute.js';
import { CompiledNoise, type ChannelSpec, type NoiseModel } from '../sim/noise.js';
import { compile, type Program } from '../sim/program.js';
import { Statevector } from '../sim/statevector.js';
import { discriminate, DISCRIMINATION_MAX_QUBITS, type Discrimination } from '../sim/discrimination.js';
import { buildArchitecture, encodingCapacity, encodingCircuit, ENCODINGS, type Encoding } from '../qml/circuits.js';
import type { Circuit } from '../sim/circuit.js';

/** The encodings leakage is reported for: the gate encodings, amplitude, and data re-uploading. */
export type LeakageEncoding = Encoding | 'reupload';
export const LEAKAGE_ENCODINGS: LeakageEncoding[] = ['angle-y', 'dense', 'iqp', 'zz', 'amplitude', 'reupload'];

export interface LeakageOptions {
  qubits: number;
  encoding: LeakageEncoding;
  /** IQP/ZZ repetitions (default 2, as the models). */
  reps?: number;
  /** Noise of the sender's device while encoding (gate noise). */
  noise?: NoiseModel;
  /** A channel every qubit crosses in transit, before interception (e.g. depolarizing). */
  transit?: ChannelSpec[];
  /**
   * Also compute the same quantity with the labels shuffled (seeded): what finite-sample noise in the
   * estimated class states alone would show. The leakage is real only where it clearly exceeds this.
   */
  nullBaseline?: boolean;
  /** Rows used per class (seeded sample; default 1000). */
  maxRowsPerClass?: number;
  seed?: number;
  /** Data re-uploading: layers of angle-y encoding and hea-ring ansatz (default 2), and its trained parameters (default: seeded initial ones). */
  reupload?: { layers?: number; params?: ArrayLike<number> };
}

export interface LeakageResult extends Discrimination {
  encoding: LeakageEncoding;
  qubits: number;
  features: number;
  rowsPerClass: number[];
  /** success − guessing: what the intercepted state adds to knowing the class frequencies. */
  advantage: number;
  /** With `nullBaseline`: the success for shuffled labels (class states differing by sampling noise only). */
  nullSuccess: number | null;
  noisy: boolean;
}

interface Encoder { prog: Program | null; params: Float64Array; amplitude: boolean }

function encoder(o: LeakageOptions, d: number): Encoder {
  const q = o.qubits;
  if (o.encoding === 'amplitude') {
    if (d > 2 ** q) throw new QmlError(`${d} features do not fit amplitude encoding on ${q} qubits (at most ${2 ** q})`, 'encoding');
    return { prog: null, params: new Float64Array(0), amplitude: true };
  }
  if (o.encoding === 'reupload') {
    const layers = o.reupload?.layers ?? 2;
    const b = buildArchitecture({ qubits: q, encoding: 'angle-y', ansatz: 'hea-ring', layers, reupload: true }, d);
    let params: Float64Array;
    if (o.reupload?.params) {
      if (o.reupload.params.length < b.numParams) throw new QmlError(`the re-uploading circuit needs ${b.numParams} parameters, got ${o.reupload.params.length}`, 'reupload.params');
      params = Float64Array.from(o.reupload.params);
    } else {
      // the models' own initialisation (0.3·N(0, 1)), seeded
      const rng = new Rng((o.seed ?? 0) + 7);
      params = Float64Array.from({ length: b.numParams }, () => 0.3 * rng.normal());
    }
    return { prog: compile(b.circuit), params, amplitude: false };
  }
  const cap = encodingCapacity(o.encoding, q);
  if (d > cap) throw new QmlError(`${d} features do not fit the ${o.encoding} encoding on ${q} qubits (at most ${cap})`, 'encoding');
  const c: Circuit = encodingCircuit(o.encoding, q, d, o.reps ?? 2);
  return { prog: compile(c), params: new Float64Array(0), amplitude: false };
}

/** Transit channels as a noise model on an identity gate appended to every qubit. */
function transitProgram(q: number): Program {
  return compile({ numQubits: q, numClbits: 0, ops: Array.from({ length: q }, (_, w) => ({ kind: 'gate' as const, gate: 'id', wires: [w] })) });
}

/**
 * The class-conditional density matrices (simulator layout) and the class priors of labelled rows,
 * as the chosen encoding prepares them (after device noise and the transit channel).
 */
export function classStates(X: RowMatrix, y: Int32Array, C: number, o: LeakageOptions): { states: Float64Array[]; priors: number[]; rowsPerClass: number[] } {
  const q = o.qubits;
  if (!Number.isInteger(q) || q < 1 || q > DISCRIMINATION_MAX_QUBITS) throw new QmlError(`leakage is computed for 1 to ${DISCRIMINATION_MAX_QUBITS} qubits, got ${q}`, 'qubits');
  if (o.encoding !== 'reupload' && !ENCODINGS.includes(o.encoding)) throw new QmlError(`unknown encoding "${String(o.encoding)}" (known: ${[...ENCODINGS, 'reupload'].join(', ')})`, 'encoding');
  if (X.rows !== y.length) throw new QmlError(`${X.rows} rows but ${y.length} labels`, 'labels');
  if (!Number.isInteger(C) || C < 2) throw new QmlError(`at least two classes are needed, got ${C}`, 'classes');
  const d = X.cols;
  const enc = encoder(o, d);
  const byClass: number[][] = Array.from({ length: C }, () => []);
  for (let r = 0; r < y.length; r++) {
    if (!Number.isInteger(y[r]) || y[r] < 0 || y[r] >= C) throw new QmlError(`label ${y[r]} is not a class index below ${C}`, `labels[${r}]`);
    byClass[y[r]].push(r);
  }
  if (byClass.some((rs) => rs.length === 0)) throw new QmlError('every class needs at least one row', 'labels');
  const priors = byClass.map((rs) => rs.length / y.length);
  const cap = o.maxRowsPerClass ?? 1000;
  const rng = new Rng(o.seed ?? 0);
  const used = byClass.map((rs) => (rs.length > cap ? rng.shuffle([...rs]).slice(0, cap) : rs) as number[]);
  const N = 2 ** q;
  const device = o.noise ? new CompiledNoise(o.noise, q) : undefined;
  const transit = o.transit?.length ? new CompiledNoise({ gates: { id: o.transit } }, q) : undefined;
  const transitProg = transit ? transitProgram(q) : null;
  const noisy = !!device || !!transit;
  const sv = Statevector.zero(q);
  const x = new Float64Array(d);
  const states = used.map((rows) => {
    const acc = new Float64Array(2 * N * N);
    const w = 1 / rows.length;
    for (const r of rows) {
      for (let j = 0; j < d; j++) {
        x[j] = X.data[r * X.cols + j];
        if (!Number.isFinite(x[j])) throw new QmlError(`feature ${j} is ${x[j]}`, `rows[${r}]`);
      }
      if (enc.amplitude) {
        // as the models do: features padded with ones, normalised
        sv.data.fill(0);
        let nrm = 0;
        for (let k = 0; k < N; k++) { const v = k < d ? x[k] : 1; sv.data[2 * k] = v; nrm += v * v; }
        nrm = Math.sqrt(nrm);
        for (let k = 0; k < N; k++) sv.data[2 * k] /= nrm;
      }
      if (!noisy) {
        if (!enc.amplitude) { sv.reset(); runProgram(enc.prog!, sv, { params: enc.params, inputs: x }); }
        new DensityMatrix(q, acc).addPure(sv, w);
        continue;
      }
      let rho: DensityMatrix;
      if (enc.amplitude) { rho = new DensityMatrix(q, new Float64Array(2 * N * N)); rho.addPure(sv); } else {
        rho = runBranches(enc.prog!, DensityMatrix.zero(q), { params: enc.params, inputs: x, noise: device })[0].state;
      }
      if (transit) rho = runBranches(transitProg!, rho, { noise: transit })[0].state;
      for (let i = 0; i < acc.length; i++) acc[i] += w * rho.data[i];
    }
    return acc;
  });
  return { states, priors, rowsPerClass: used.map((r) => r.length) };
}

/** The optimal (two classes) or pretty-good (more) probability of guessing an intercepted state's class. */
export function encodingLeakage(X: RowMatrix, y: Int32Array, C: number, o: LeakageOptions): LeakageResult {
  const { states, priors, rowsPerClass } = classStates(X, y, C, o);
  const r = discriminate(states, o.qubits, priors);
  let nullSuccess: number | null = null;
  if (o.nullBaseline) {
    const shuffled = new Rng((o.seed ?? 0) + 0x5eed).shuffle(Int32Array.from(y)) as Int32Array;
    const z = classStates(X, shuffled, C, o);
    nullSuccess = discriminate(z.states, o.qubits, z.priors).success;
  }
  return { ...r, encoding: o.encoding, qubits: o.qubits, features: X.cols, rowsPerClass, advantage: r.success - r.guessing, nullSuccess, noisy: !!o.noise || !!o.transit?.length };
}
