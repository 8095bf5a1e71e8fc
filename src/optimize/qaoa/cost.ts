/**
 * The cost of every basis state, computed once (as QOKit does): f(x) for all 2^n bitstrings of a
 * minimised QUBO. When every coefficient sits on a decimal grid and the range of f spans at most
 * 65 535 grid steps (integer-weighted MaxCut, colouring, most penalised problems), f is stored as a
 * one- or two-byte level index and the phase layer becomes a table lookup (no trigonometry per
 * state, 1–2 bytes read per amplitude); otherwise as doubles.
 *
 * @example
 * import { costTable, QuboBuilder } from 'qml6g';
 * const t = costTable(new QuboBuilder(2).addQuad(0, 1, -2).build());
 * t.kind;          // 'levels'
 * t.min;           // -2
 */
import { QmlError } from '../../core/errors.js';
import { checkStateMemory } from '../../sim/memory.js';
import { quboValues, type Qubo } from '../qubo.js';
import { wasmIndex } from './wasm.js';

export type CostTable =
  | { kind: 'levels'; n: number; index: Uint8Array | Uint16Array; base: number; step: number; levels: number; min: number; max: number }
  | { kind: 'values'; n: number; values: Float64Array; min: number; max: number };

/** Level k of a levels table is f = base + k·step. */
export function levelValue(t: Extract<CostTable, { kind: 'levels' }>, k: number): number {
  return t.base + k * t.step;
}

function gridOf(q: Qubo): number | null {
  const coefs = [...q.linear, ...q.quad.map((t) => t[2])];
  for (let k = 0; k <= 6; k++) {
    const s = 10 ** k;
    if (coefs.every((v) => Math.abs(v * s - Math.round(v * s)) <= 1e-9 * Math.max(1, Math.abs(v * s)))) return 10 ** -k;
  }
  return null;
}

export function costTable(q: Qubo, opts: { shared?: boolean } = {}): CostTable {
  const n = q.n, N = 2 ** n;
  if (n < 1) throw new QmlError('QAOA needs at least one variable');
  if (n > 30) throw new QmlError(`QAOA on ${n} qubits needs ${2 ** (n - 26)} GiB per state; the statevector limit is 30 qubits`);
  const grid = gridOf(q);
  let lowB = 0, highB = 0;
  for (const c of q.linear) { if (c < 0) lowB += c; else highB += c; }
  for (const [, , w] of q.quad) { if (w < 0) lowB += w; else highB += w; }
  const alloc = (bytes: number) => (opts.shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  if (grid !== null) {
    const span = Math.round((highB - lowB) / grid);
    if (span < 65536) {
      // Integer DP in grid units directly in the index array: every partial sum is a true f value.
      // In the SIMD kernels' memory when they run (wasm.ts), shared either way.
      const index = wasmIndex(N, span >= 256);
      const lower: Array<Array<[number, number]>> = Array.from({ length: n }, () => []);
      for (const [i, j, w] of q.quad) lower[j].push([i, Math.round(w / grid)]);
      const lowUnits = Math.round(lowB / grid);
      index[0] = -lowUnits;
      for (let h = 0; h < n; h++) {
        const base = 2 ** h, lin = Math.round(q.linear[h] / grid), terms = lower[h];
        for (let x = 0; x < base; x++) {
          let d = lin;
          for (let t = 0; t < terms.length; t++) if ((x >>> terms[t][0]) & 1) d += terms[t][1];
          index[base + x] = index[x] + d;
        }
      }
      let mn = Infinity, mx = -Infinity;
      for (let x = 0; x < N; x++) { const k = index[x]; if (k < mn) mn = k; if (k > mx) mx = k; }
      const base = q.offset + lowUnits * grid;
      return { kind: 'levels', n, index, base, step: grid, levels: span + 1, min: base + mn * grid, max: base + mx * grid };
    }
  }
  checkStateMemory(N, `the ${n}-qubit cost vector`, 2);
  const values = new Float64Array(alloc(8 * N));
  quboValues(q, values);
  let mn = Infinity, mx = -Infinity;
  for (let x = 0; x < N; x++) { const v = values[x]; if (v < mn) mn = v; if (v > mx) mx = v; }
  return { kind: 'values', n, values, min: mn, max: mx };
}

/** f(x) for one basis state. */
export function costAt(t: CostTable, x: number): number {
  return t.kind === 'levels' ? t.base + t.index[x] * t.step : t.values[x];
}
