/**
 * Encodings and ansätze as circuit templates (plain data): the encoding reads input features, the
 * ansatz trainable parameters, and the read-out says which observables feed the classical head.
 *
 * Encodings: angle (rx/ry/rz, one feature per qubit), dense angle (two per qubit: RY then RZ),
 * IQP / ZZ feature map (Havlíček et al. 2019: H, RZ(x_i), RZZ with (π − x_i)(π − x_j), repeated),
 * amplitude (2^q features as the normalised initial state), and data re-uploading (Pérez-Salinas
 * et al. 2020: the encoding repeated before every trainable layer).
 * Ansätze: hardware-efficient (RY·RZ layers with linear, ring or all-to-all CNOT entanglers),
 * strongly entangling layers (Schuld et al. 2020: Rot on every qubit, CNOTs at range r), a QCNN
 * (Cong et al. 2019: convolution and pooling halving the register) and a tree tensor network.
 *
 * @example
 * import { buildArchitecture } from 'qml6g';
 * const a = buildArchitecture({ qubits: 4, encoding: 'angle-y', ansatz: 'hea-ring', layers: 2 }, 4);
 * a.circuit.numQubits;     // 4
 * a.numParams;             // 16
 * a.observables.length;    // 4 (Z on each qubit)
 */
import { QmlError } from '../core/errors.js';
import { CircuitBuilder, input, param, type AngleExpr, type Circuit } from '../sim/circuit.js';
import { pauliTerm, type Observable } from '../sim/observable.js';

export type Encoding = 'angle-x' | 'angle-y' | 'angle-z' | 'dense' | 'iqp' | 'zz' | 'amplitude';
export type Ansatz = 'hea-linear' | 'hea-ring' | 'hea-full' | 'strongly-entangling' | 'qcnn' | 'ttn';
/**
 * 'z': ⟨Z⟩ of every read-out qubit into a trainable soft-max head; 'xyz': ⟨X⟩, ⟨Y⟩ and ⟨Z⟩ of every
 * read-out qubit (its whole one-qubit reduced state, the features of the projected quantum kernel
 * of Huang et al. 2021; three measurement bases) into the head; 'parity': one ⟨Z…Z⟩;
 * 'born': no head, the class probabilities ARE the measurement probabilities of the first read-out
 * qubit (binary only) — the form certified bounds such as Weber et al.'s apply to.
 */
export type Readout = 'z' | 'xyz' | 'parity' | 'born' | { paulis: Array<[number, string]>[] };

export interface Architecture {
  qubits: number;
  encoding: Encoding;
  ansatz: Ansatz;
  layers: number;
  /** Re-upload the encoding before every layer (data re-uploading classifier). */
  reupload?: boolean;
  readout?: Readout;
  /** IQP/ZZ repetitions (default 2). */
  reps?: number;
}

export interface BuiltArchitecture {
  circuit: Circuit;
  numParams: number;
  observables: Observable[];
  /** Amplitude encoding: features become the initial state instead of gates. */
  amplitude: boolean;
  /** Number of ops of the first encoding block: where "between encoding and classifier" is. */
  encodingOps: number;
}

export const ENCODINGS: Encoding[] = ['angle-x', 'angle-y', 'angle-z', 'dense', 'iqp', 'zz', 'amplitude'];
export const ANSATZE: Ansatz[] = ['hea-linear', 'hea-ring', 'hea-full', 'strongly-entangling', 'qcnn', 'ttn'];

/** How many features an encoding takes on q qubits. */
export function encodingCapacity(e: Encoding, q: number): number {
  return e === 'dense' ? 2 * q : e === 'amplitude' ? 2 ** q : q;
}

function encode(b: CircuitBuilder, e: Encoding, q: number, features: number, reps: number): void {
  switch (e) {
    case 'angle-x': case 'angle-y': case 'angle-z': {
      const g = e === 'angle-x' ? 'rx' : e === 'angle-y' ? 'ry' : 'rz';
      if (g === 'rz') for (let j = 0; j < q; j++) b.h(j);
      for (let j = 0; j < features; j++) b.gate(g, [j], [input(j)]);
      return;
    }
    case 'dense':
      for (let j = 0; j < q; j++) {
        if (2 * j < features) b.ry(j, input(2 * j));
        if (2 * j + 1 < features) b.rz(j, input(2 * j + 1));
      }
      return;
    case 'iqp': case 'zz':
      for (let r = 0; r < reps; r++) {
        for (let j = 0; j < q; j++) b.h(j);
        for (let j = 0; j < features; j++) b.rz(j, input(j, e === 'zz' ? 2 : 1));
        for (let i = 0; i < features; i++) for (let j = i + 1; j < features; j++) {
          if (e === 'iqp' && j !== i + 1) continue;
          // (π − x_i)(π − x_j) = π² − π x_i − π x_j + x_i x_j; rzz(θ) = exp(−iθZZ/2) takes twice the phase.
          const k = e === 'zz' ? 2 : 1;
          const a: AngleExpr = {
            offset: k * Math.PI * Math.PI,
            terms: [
              { src: 'input', index: i, coef: -k * Math.PI }, { src: 'input', index: j, coef: -k * Math.PI },
              { src: 'input', index: i, coef: k, times: j },
            ],
          };
          b.rzz(i, j, a);
        }
      }
      return;
    case 'amplitude':
      return;
    default:
      throw new QmlError(`unknown encoding "${String(e)}" (known: ${ENCODINGS.join(', ')})`, 'encoding');
  }
}

/** Appends one trainable layer; returns the number of parameters it consumed. */
function layer(b: CircuitBuilder, a: Ansatz, q: number, l: number, p0: number): number {
  let p = p0;
  const entangle = (kind: 'linear' | 'ring' | 'full') => {
    if (q < 2) return;
    if (kind === 'full') { for (let i = 0; i < q; i++) for (let j = i + 1; j < q; j++) b.cx(i, j); return; }
    for (let i = 0; i + 1 < q; i++) b.cx(i, i + 1);
    if (kind === 'ring' && q > 2) b.cx(q - 1, 0);
  };
  switch (a) {
    case 'hea-linear': case 'hea-ring': case 'hea-full':
      for (let j = 0; j < q; j++) { b.ry(j, param(p++)); b.rz(j, param(p++)); }
      entangle(a === 'hea-linear' ? 'linear' : a === 'hea-ring' ? 'ring' : 'full');
      return p - p0;
    case 'strongly-entangling': {
      for (let j = 0; j < q; j++) { b.rz(j, param(p++)); b.ry(j, param(p++)); b.rz(j, param(p++)); }
      if (q > 1) {
        const r = (l % (q - 1)) + 1;
        for (let j = 0; j < q; j++) b.cx(j, (j + r) % q);
      }
      return p - p0;
    }
    default:
      throw new QmlError(`unknown ansatz "${String(a)}" (known: ${ANSATZE.join(', ')})`, 'ansatz');
  }
}

/** QCNN / TTN: pairwise blocks halve the active register until one qubit remains; returns [params used, last qubit]. */
function hierarchical(b: CircuitBuilder, a: 'qcnn' | 'ttn', q: number, p0: number): [number, number] {
  let p = p0;
  let active = Array.from({ length: q }, (_, i) => i);
  while (active.length > 1) {
    const next: number[] = [];
    for (let i = 0; i + 1 < active.length; i += 2) {
      const [x, y] = [active[i], active[i + 1]];
      if (a === 'qcnn') {
        // Convolution: a two-qubit block; pooling: a controlled rotation from the dropped qubit x onto y.
        b.ry(x, param(p++)); b.ry(y, param(p++)); b.cx(x, y); b.ry(x, param(p++)); b.ry(y, param(p++)); b.cx(y, x);
        b.crz(x, y, param(p++)); b.x(x); b.crx(x, y, param(p++)); b.x(x);
      } else {
        b.ry(x, param(p++)); b.ry(y, param(p++)); b.cx(x, y);
      }
      next.push(y);
    }
    if (active.length % 2) next.push(active[active.length - 1]);
    active = next;
  }
  return [p - p0, active[0]];
}

function readoutObservables(r: Readout, qubits: number[]): Observable[] {
  if (r === 'z') return qubits.map((q) => ({ terms: [{ coeff: 1, paulis: 'Z', wires: [q] }] }));
  if (r === 'xyz') return ['X', 'Y', 'Z'].flatMap((P) => qubits.map((q) => ({ terms: [{ coeff: 1, paulis: P, wires: [q] }] })));
  if (r === 'born') return [{ terms: [{ coeff: 1, paulis: 'Z', wires: [qubits[0]] }] }];
  if (r === 'parity') return [{ terms: [{ coeff: 1, paulis: 'Z'.repeat(qubits.length), wires: qubits }] }];
  if (!r || !Array.isArray(r.paulis)) throw new QmlError('readout must be "z", "xyz", "parity" or {paulis: [[[coeff, "Z0 Z1"], ...], ...]}', 'readout');
  return r.paulis.map((terms) => ({ terms: terms.map(([c, s]) => pauliTerm(s, c)) }));
}

/** Builds the circuit template, parameter count and read-out observables of an architecture for `features` inputs. */
export function buildArchitecture(arch: Architecture, features: number): BuiltArchitecture {
  const q = arch.qubits;
  if (!Number.isInteger(q) || q < 1 || q > 24) throw new QmlError(`qubits must be an integer from 1 to 24, got ${q}`, 'qubits');
  if (!ENCODINGS.includes(arch.encoding)) throw new QmlError(`unknown encoding "${arch.encoding}" (known: ${ENCODINGS.join(', ')})`, 'encoding');
  if (!ANSATZE.includes(arch.ansatz)) throw new QmlError(`unknown ansatz "${arch.ansatz}" (known: ${ANSATZE.join(', ')})`, 'ansatz');
  const L = arch.layers;
  if (!Number.isInteger(L) || L < 1) throw new QmlError(`layers must be a positive integer, got ${L}`, 'layers');
  const cap = encodingCapacity(arch.encoding, q);
  if (features > cap) throw new QmlError(`${features} features do not fit the ${arch.encoding} encoding on ${q} qubits (at most ${cap}); reduce the features (e.g. PCA) or add qubits`, 'encoding');
  if (arch.encoding === 'amplitude' && arch.reupload) throw new QmlError('amplitude encoding prepares the initial state and cannot be re-uploaded', 'encoding');
  const reps = arch.reps ?? 2;
  const b = new CircuitBuilder(q);
  let p = 0;
  let readQubits = Array.from({ length: q }, (_, i) => i);
  let encodingOps = -1;
  if (arch.ansatz === 'qcnn' || arch.ansatz === 'ttn') {
    encode(b, arch.encoding, q, features, reps);
    encodingOps = b.build().ops.length;
    for (let l = 0; l < L; l++) {
      if (l > 0 && arch.reupload) encode(b, arch.encoding, q, features, reps);
      const [used, last] = hierarchical(b, arch.ansatz, q, p);
      p += used;
      readQubits = [last];
    }
  } else {
    for (let l = 0; l < L; l++) {
      if (l === 0 || arch.reupload) encode(b, arch.encoding, q, features, reps);
      if (l === 0) encodingOps = b.build().ops.length;
      p += layer(b, arch.ansatz, q, l, p);
    }
  }
  const circuit = b.build();
  circuit.numParams = p;
  circuit.numInputs = arch.encoding === 'amplitude' ? 0 : features;
  return { circuit, numParams: p, observables: readoutObservables(arch.readout ?? 'z', readQubits), amplitude: arch.encoding === 'amplitude', encodingOps };
}

/**
 * Inserts gates right after the first encoding block (an interception point): `extra` receives the
 * first free parameter index and returns the ops to insert and how many parameters they use.
 */
export function insertAfterEncoding(built: BuiltArchitecture, extra: (firstParam: number) => { ops: Circuit['ops']; params: number }): BuiltArchitecture {
  const e = extra(built.numParams);
  const ops = [...built.circuit.ops];
  ops.splice(built.encodingOps, 0, ...e.ops);
  return { ...built, circuit: { ...built.circuit, ops, numParams: built.numParams + e.params }, numParams: built.numParams + e.params };
}

/** The encoding alone as a circuit (a kernel's feature map): no trainable gates. */
export function encodingCircuit(encoding: Encoding, qubits: number, features: number, reps = 2): Circuit {
  if (!ENCODINGS.includes(encoding) || encoding === 'amplitude') throw new QmlError(`a feature map needs a gate encoding (${ENCODINGS.filter((e) => e !== 'amplitude').join(', ')}), got "${encoding}"`, 'encoding');
  if (!Number.isInteger(qubits) || qubits < 1 || qubits > 24) throw new QmlError(`qubits must be an integer from 1 to 24, got ${qubits}`, 'qubits');
  const cap = encodingCapacity(encoding, qubits);
  if (features > cap) throw new QmlError(`${features} features do not fit the ${encoding} encoding on ${qubits} qubits (at most ${cap})`, 'encoding');
  const b = new CircuitBuilder(qubits);
  encode(b, encoding, qubits, features, reps);
  const c = b.build();
  c.numInputs = features;
  return c;
}
