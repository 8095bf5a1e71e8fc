/**
 * The gate table: one entry per base gate, holding its matrix, the derivative of that matrix
 * with respect to each parameter (adjoint differentiation) and the spectrum of each parameter's
 * generator (which parameter-shift rule applies).
 *
 * Conventions, stated once:
 * - A gate matrix is indexed in textbook order: the gate's FIRST wire is the MOST significant
 *   bit of the matrix index (CX on wires [c, t] is [[1,0,0,0],[0,1,0,0],[0,0,0,1],[0,0,1,0]]).
 *   This is independent of the state's bit order (q[0] least significant, see kernels.ts).
 * - Matrices are Float64Array, row-major, complex entries interleaved (re, im).
 * - rx, ry, rz, rxx, ryy, rzz are exp(-i θ G / 2); p = u1 = diag(1, e^{iλ});
 *   u3 = U(θ,φ,λ) = [[cos θ/2, -e^{iλ} sin θ/2], [e^{iφ} sin θ/2, e^{i(φ+λ)} cos θ/2]] (OpenQASM 2).
 *   qelib1 defines rz as u1, which differs from ours by a global phase only.
 * - Controlled gates are base gates with control wires; the control adds no phase, so
 *   cu3 is |0⟩⟨0|⊗I + |1⟩⟨1|⊗U(θ,φ,λ) and crz is controlled exp(-iθZ/2), as in current qelib1.
 */
import { QmlError } from '../core/errors.js';

/** How a kernel can apply the gate: 'x' swaps amplitudes, 'diag' multiplies, 'swap' exchanges, 'dense' is general. */
export type GateShape = 'x' | 'diag' | 'swap' | 'dense';
/** Generator spectrum of a parameter: 'half' = eigenvalues ±1/2 (rotations), 'unit' = {0, 1} (phases). */
export type Spectrum = 'half' | 'unit';

export interface GateDef {
  readonly name: string;
  readonly qubits: number;
  readonly params: number;
  readonly shape: GateShape;
  readonly spectrum: readonly Spectrum[];
  /** Writes the 2^k x 2^k matrix for the given angles into `out`. */
  fill(p: ArrayLike<number>, out: Float64Array): void;
  /** Writes dU/dp_j into `out`. */
  dfill(p: ArrayLike<number>, j: number, out: Float64Array): void;
  /** For rotations exp(−iθG/2): the involutory generator G (same layout as a matrix). */
  readonly generator?: Float64Array;
}

const S2 = Math.SQRT1_2;

function set(out: Float64Array, entries: number[]): void {
  out.fill(0);
  for (let i = 0; i < entries.length; i++) out[i] = entries[i];
}

function fixed(name: string, qubits: number, shape: GateShape, entries: number[]): GateDef {
  return {
    name, qubits, params: 0, shape, spectrum: [],
    fill: (_p, out) => set(out, entries),
    dfill: () => { throw new QmlError(`gate ${name} has no parameters`); },
  };
}

// A diagonal phase gate diag(1, e^{iλ}) and its derivative.
function phaseFill(l: number, out: Float64Array): void {
  set(out, [1, 0, 0, 0, 0, 0, Math.cos(l), Math.sin(l)]);
}

function u3Fill(t: number, f: number, l: number, out: Float64Array): void {
  const c = Math.cos(t / 2), s = Math.sin(t / 2);
  set(out, [
    c, 0, -Math.cos(l) * s, -Math.sin(l) * s,
    Math.cos(f) * s, Math.sin(f) * s, Math.cos(f + l) * c, Math.sin(f + l) * c,
  ]);
}

function u3Dfill(t: number, f: number, l: number, j: number, out: Float64Array): void {
  const c = Math.cos(t / 2), s = Math.sin(t / 2);
  if (j === 0) {
    set(out, [
      -s / 2, 0, -Math.cos(l) * c / 2, -Math.sin(l) * c / 2,
      Math.cos(f) * c / 2, Math.sin(f) * c / 2, -Math.cos(f + l) * s / 2, -Math.sin(f + l) * s / 2,
    ]);
  } else if (j === 1) {
    // d/dφ multiplies the bottom row by i.
    set(out, [0, 0, 0, 0, -Math.sin(f) * s, Math.cos(f) * s, -Math.sin(f + l) * c, Math.cos(f + l) * c]);
  } else {
    // d/dλ multiplies the right column by i.
    set(out, [0, 0, Math.sin(l) * s, -Math.cos(l) * s, 0, 0, -Math.sin(f + l) * c, Math.cos(f + l) * c]);
  }
}

/** exp(-iθG/2) = cos(θ/2) I - i sin(θ/2) G for an involutory G given as a real or imaginary pattern. */
function pauliRotation(name: string, qubits: number, shape: GateShape, gen: number[]): GateDef {
  const dim = 1 << qubits;
  const build = (a: number, b: number, out: Float64Array) => {
    // a·I - i·b·G
    out.fill(0);
    for (let r = 0; r < dim; r++) {
      out[2 * (r * dim + r)] += a;
      for (let c = 0; c < dim; c++) {
        const k = 2 * (r * dim + c);
        const gr = gen[k], gi = gen[k + 1];
        // -i b (gr + i gi) = b gi - i b gr
        out[k] += b * gi;
        out[k + 1] -= b * gr;
      }
    }
  };
  return {
    name, qubits, params: 1, shape, spectrum: ['half'], generator: Float64Array.from(gen),
    fill: (p, out) => build(Math.cos(p[0] / 2), Math.sin(p[0] / 2), out),
    dfill: (p, _j, out) => build(-Math.sin(p[0] / 2) / 2, Math.cos(p[0] / 2) / 2, out),
  };
}

const X1 = [0, 0, 1, 0, 1, 0, 0, 0];
const Y1 = [0, 0, 0, -1, 0, 1, 0, 0];
const Z1 = [1, 0, 0, 0, 0, 0, -1, 0];

function kron(a: number[], b: number[]): number[] {
  const da = Math.round(Math.sqrt(a.length / 2)), db = Math.round(Math.sqrt(b.length / 2));
  const d = da * db;
  const out = new Array<number>(2 * d * d).fill(0);
  for (let i = 0; i < da; i++) for (let j = 0; j < da; j++) for (let k = 0; k < db; k++) for (let l = 0; l < db; l++) {
    const ar = a[2 * (i * da + j)], ai = a[2 * (i * da + j) + 1];
    const br = b[2 * (k * db + l)], bi = b[2 * (k * db + l) + 1];
    const idx = 2 * ((i * db + k) * d + (j * db + l));
    out[idx] = ar * br - ai * bi;
    out[idx + 1] = ar * bi + ai * br;
  }
  return out;
}

const table = new Map<string, GateDef>();
function def(g: GateDef): void { table.set(g.name, g); }

def(fixed('id', 1, 'diag', [1, 0, 0, 0, 0, 0, 1, 0]));
def(fixed('x', 1, 'x', X1));
def(fixed('y', 1, 'dense', Y1));
def(fixed('z', 1, 'diag', Z1));
def(fixed('h', 1, 'dense', [S2, 0, S2, 0, S2, 0, -S2, 0]));
def(fixed('s', 1, 'diag', [1, 0, 0, 0, 0, 0, 0, 1]));
def(fixed('sdg', 1, 'diag', [1, 0, 0, 0, 0, 0, 0, -1]));
def(fixed('t', 1, 'diag', [1, 0, 0, 0, 0, 0, S2, S2]));
def(fixed('tdg', 1, 'diag', [1, 0, 0, 0, 0, 0, S2, -S2]));
// √X = ½[[1+i, 1−i], [1−i, 1+i]] (Qiskit's SX) and its inverse.
def(fixed('sx', 1, 'dense', [0.5, 0.5, 0.5, -0.5, 0.5, -0.5, 0.5, 0.5]));
def(fixed('sxdg', 1, 'dense', [0.5, -0.5, 0.5, 0.5, 0.5, 0.5, 0.5, -0.5]));
def(pauliRotation('rx', 1, 'dense', X1));
def(pauliRotation('ry', 1, 'dense', Y1));
def(pauliRotation('rz', 1, 'diag', Z1));
def(pauliRotation('rxx', 2, 'dense', kron(X1, X1)));
def(pauliRotation('ryy', 2, 'dense', kron(Y1, Y1)));
def(pauliRotation('rzz', 2, 'diag', kron(Z1, Z1)));
def(pauliRotation('rzx', 2, 'dense', kron(Z1, X1)));
const phase: GateDef = {
  name: 'p', qubits: 1, params: 1, shape: 'diag', spectrum: ['unit'],
  fill: (p, out) => phaseFill(p[0], out),
  dfill: (p, _j, out) => set(out, [0, 0, 0, 0, 0, 0, -Math.sin(p[0]), Math.cos(p[0])]),
};
def(phase);
def({ ...phase, name: 'u1' });
const u3: GateDef = {
  name: 'u3', qubits: 1, params: 3, shape: 'dense', spectrum: ['half', 'unit', 'unit'],
  fill: (p, out) => u3Fill(p[0], p[1], p[2], out),
  dfill: (p, j, out) => u3Dfill(p[0], p[1], p[2], j, out),
};
def(u3);
def({ ...u3, name: 'u' });
def({ ...u3, name: 'U' });
def({
  name: 'u2', qubits: 1, params: 2, shape: 'dense', spectrum: ['unit', 'unit'],
  fill: (p, out) => u3Fill(Math.PI / 2, p[0], p[1], out),
  dfill: (p, j, out) => u3Dfill(Math.PI / 2, p[0], p[1], j + 1, out),
});
// qelib1's u0(γ) is an idle of γ time units: the identity, whatever γ.
def({
  name: 'u0', qubits: 1, params: 1, shape: 'diag', spectrum: ['unit'],
  fill: (_p, out) => set(out, [1, 0, 0, 0, 0, 0, 1, 0]),
  dfill: (_p, _j, out) => out.fill(0),
});
def(fixed('swap', 2, 'swap', [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0]));
def(fixed('iswap', 2, 'dense', [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0]));

/** Named gates that are a base gate with leading control wires. */
const controlledAliases: Record<string, { base: string; controls: number }> = {
  cx: { base: 'x', controls: 1 }, CX: { base: 'x', controls: 1 }, cy: { base: 'y', controls: 1 },
  cz: { base: 'z', controls: 1 }, ch: { base: 'h', controls: 1 }, csx: { base: 'sx', controls: 1 },
  crx: { base: 'rx', controls: 1 }, cry: { base: 'ry', controls: 1 }, crz: { base: 'rz', controls: 1 },
  cp: { base: 'p', controls: 1 }, cu1: { base: 'p', controls: 1 }, cu3: { base: 'u3', controls: 1 },
  cswap: { base: 'swap', controls: 1 }, ccx: { base: 'x', controls: 2 }, ccz: { base: 'z', controls: 2 },
  c3x: { base: 'x', controls: 3 },
  // qelib1's c3sqrtx applies (√X)† when all three controls are 1.
  c3sqrtx: { base: 'sxdg', controls: 3 },
  c4x: { base: 'x', controls: 4 },
};

export interface ResolvedGate {
  def: GateDef;
  /** How many of the op's leading wires are controls added by the alias (cx → 1). */
  aliasControls: number;
}

/** Looks a gate name up: a base gate or a controlled alias. Returns undefined when unknown. */
export function resolveGate(name: string): ResolvedGate | undefined {
  const base = table.get(name);
  if (base) return { def: base, aliasControls: 0 };
  const alias = controlledAliases[name];
  if (alias) return { def: table.get(alias.base)!, aliasControls: alias.controls };
  return undefined;
}

export function baseGate(name: string): GateDef | undefined {
  return table.get(name);
}

/** Every gate name the simulator accepts directly (macros such as rccx are listed in macros.ts). */
export function gateNames(): string[] {
  return [...table.keys(), ...Object.keys(controlledAliases)];
}

/** A dense k-qubit matrix as a GateDef, for user-supplied unitaries. */
export function unitaryGate(qubits: number, matrix: Float64Array): GateDef {
  return {
    name: 'unitary', qubits, params: 0, shape: 'dense', spectrum: [],
    fill: (_p, out) => out.set(matrix),
    dfill: () => { throw new QmlError('a fixed unitary has no parameters'); },
  };
}
