/**
 * Observables are weighted sums of Pauli strings, as plain data.
 *
 * @example
 * import { pauli, observable } from 'qml6g';
 * const zz = pauli('Z0 Z1');                 // Z on qubit 0 times Z on qubit 1
 * const h = observable([[0.5, 'Z0 Z1'], [-1.2, 'X2']]);
 */
import { QmlError } from '../core/errors.js';
import { addPauliApplied, pauliExpectation } from './kernels.js';

export interface PauliTerm {
  coeff: number;
  /** One letter per wire: I, X, Y or Z. */
  paulis: string;
  wires: number[];
}
export interface Observable { terms: PauliTerm[] }

/** Parses "Z0 Z1" or "X2 Y5" (letter then qubit, space separated) into one Pauli term. */
export function pauliTerm(spec: string, coeff = 1): PauliTerm {
  const parts = spec.trim().split(/[\s*]+/).filter(Boolean);
  const term: PauliTerm = { coeff, paulis: '', wires: [] };
  for (const p of parts) {
    const m = /^([IXYZ])(\d+)$/.exec(p);
    if (!m) throw new QmlError(`"${p}" is not a Pauli factor like Z0 or X3`, `observable "${spec}"`);
    term.paulis += m[1];
    term.wires.push(Number(m[2]));
  }
  return term;
}

export function pauli(spec: string, coeff = 1): Observable {
  return { terms: [pauliTerm(spec, coeff)] };
}

export function observable(terms: Array<[number, string]>): Observable {
  return { terms: terms.map(([c, s]) => pauliTerm(s, c)) };
}

/** Z on one qubit: the usual classifier read-out. */
export function Z(q: number): Observable {
  return { terms: [{ coeff: 1, paulis: 'Z', wires: [q] }] };
}

export interface CompiledTerm { coeff: number; xmask: number; zmask: number; nY: number }

export function compileObservable(obs: Observable, n: number, at = 'observable'): CompiledTerm[] {
  if (!obs || !Array.isArray(obs.terms)) throw new QmlError('an observable needs a list of terms', at);
  return obs.terms.map((t, i) => {
    const w = `${at}.terms[${i}]`;
    if (!Number.isFinite(t.coeff)) throw new QmlError(`coefficient ${t.coeff} is not finite`, w);
    if (typeof t.paulis !== 'string' || !Array.isArray(t.wires) || t.paulis.length !== t.wires.length) {
      throw new QmlError('paulis and wires must have the same length', w);
    }
    let xmask = 0, zmask = 0, nY = 0;
    const seen = new Set<number>();
    for (let j = 0; j < t.wires.length; j++) {
      const q = t.wires[j];
      if (!Number.isInteger(q) || q < 0 || q >= n) throw new QmlError(`qubit ${q} is out of range for ${n} qubits`, w);
      if (seen.has(q)) throw new QmlError(`qubit ${q} appears twice in one Pauli term`, w);
      seen.add(q);
      const b = 2 ** q;
      switch (t.paulis[j]) {
        case 'I': break;
        case 'X': xmask |= b; break;
        case 'Z': zmask |= b; break;
        case 'Y': xmask |= b; zmask |= b; nY++; break;
        default: throw new QmlError(`"${t.paulis[j]}" is not one of I, X, Y, Z`, w);
      }
    }
    return { coeff: t.coeff, xmask, zmask, nY };
  });
}

/** ⟨ψ|O|ψ⟩ for a compiled observable on a statevector. */
export function expectationSV(s: Float64Array, n: number, terms: CompiledTerm[]): number {
  let v = 0;
  for (const t of terms) {
    v += t.coeff * (t.xmask === 0 ? zExpectation(s, n, t.zmask) : pauliExpectation(s, n, t.xmask, t.zmask, t.nY));
  }
  return v;
}

/** Diagonal Pauli strings need only |a_i|². */
function zExpectation(s: Float64Array, n: number, zmask: number): number {
  const N = 2 ** n;
  let v = 0;
  if (zmask === 0) {
    for (let i = 0; i < 2 * N; i++) v += s[i] * s[i];
    return v;
  }
  for (let i = 0; i < N; i++) {
    const p = s[2 * i] * s[2 * i] + s[2 * i + 1] * s[2 * i + 1];
    let x = i & zmask;
    x ^= x >>> 16; x ^= x >>> 8; x ^= x >>> 4; x ^= x >>> 2; x ^= x >>> 1;
    v += (x & 1) ? -p : p;
  }
  return v;
}

/** out = O ψ (out is overwritten). */
export function applyObservableSV(out: Float64Array, s: Float64Array, n: number, terms: CompiledTerm[]): void {
  out.fill(0);
  for (const t of terms) addPauliApplied(out, s, n, t.xmask, t.zmask, t.nY, t.coeff);
}

/** Tr(O ρ) for a density matrix stored as rho[row + col·2^n]. */
export function expectationDM(rho: Float64Array, n: number, terms: CompiledTerm[]): number {
  const N = 2 ** n;
  let v = 0;
  for (const t of terms) {
    // Tr(Pρ) = Σ_j phase(j) ρ[j, j ⊕ x]
    let re = 0, im = 0;
    for (let j = 0; j < N; j++) {
      const idx = 2 * (j + (j ^ t.xmask) * N);
      let x = j & t.zmask;
      x ^= x >>> 16; x ^= x >>> 8; x ^= x >>> 4; x ^= x >>> 2; x ^= x >>> 1;
      if (x & 1) { re -= rho[idx]; im -= rho[idx + 1]; } else { re += rho[idx]; im += rho[idx + 1]; }
    }
    const k = t.nY & 3;
    v += t.coeff * (k === 0 ? re : k === 1 ? -im : k === 2 ? -re : im);
  }
  return v;
}

/** The largest qubit an observable touches, plus one. */
export function observableWidth(obs: Observable): number {
  let w = 0;
  for (const t of obs.terms) for (const q of t.wires) w = Math.max(w, q + 1);
  return w;
}
