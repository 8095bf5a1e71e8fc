/**
 * Rows of a batch run in the SIMD interpreter by a thread team: the job (pointers into the shared
 * SIMD memory) is described in a small shared array, and this thread and every worker run their
 * rows through this one function, so a row's value does not depend on which thread computed it.
 *
 * Layout of the job array (f64): JOB fields below, then per thread t at PROG + PROG_STRIDE·t the
 * byte addresses of its own compiled program (op list, op count, state, parameter and input
 * slots): programs write matrices into their own data while running, so threads never share one.
 * Terms at TERMS: observable count m, then per observable its term count and (coeff, xmask,
 * zmask, nY) per term.
 */
import { expectationSV, type CompiledTerm } from './observable.js';
import type { SimdExports } from './simd.js';

export const JOB = { N: 0, FIRST: 1, PCOLS: 2, XCOLS: 3, PROWS: 4, XROWS: 5, SHARED_P: 6, OUT: 7, TERMS: 8, NP: 9, NX: 10, PROG: 16, PROG_STRIDE: 5, SIZE: 16 + 5 * 64 } as const;

/** Flattens compiled observables into the layout read by `readTerms`. */
export function flattenTerms(terms: CompiledTerm[][]): Float64Array {
  const out: number[] = [terms.length];
  for (const obs of terms) {
    out.push(obs.length);
    for (const t of obs) out.push(t.coeff, t.xmask, t.zmask, t.nY);
  }
  return Float64Array.from(out);
}

function readTerms(f64: Float64Array, at: number): CompiledTerm[][] {
  let i = at;
  const m = f64[i++], out: CompiledTerm[][] = [];
  for (let o = 0; o < m; o++) {
    const c = f64[i++], obs: CompiledTerm[] = [];
    for (let k = 0; k < c; k++, i += 4) obs.push({ coeff: f64[i], xmask: f64[i + 1], zmask: f64[i + 2], nY: f64[i + 3] });
    out.push(obs);
  }
  return out;
}

/** Runs rows FIRST + [lo, hi) of the job with thread `id`'s program; `heap` is the SIMD memory's buffer. */
export function runRows(x: SimdExports, heap: ArrayBufferLike, job: Float64Array, id: number, lo: number, hi: number): void {
  lo += job[JOB.FIRST]; hi += job[JOB.FIRST];
  const f64 = new Float64Array(heap);
  const n = job[JOB.N], pc = job[JOB.PCOLS], xc = job[JOB.XCOLS], NP = job[JOB.NP], NX = job[JOB.NX];
  const pRows = job[JOB.PROWS] / 8, xRows = job[JOB.XROWS] / 8, shared = job[JOB.SHARED_P] / 8, out = job[JOB.OUT] / 8;
  const g = JOB.PROG + JOB.PROG_STRIDE * id;
  const ops = job[g], count = job[g + 1], stateAt = job[g + 2], paramsAt = job[g + 3], inputsAt = job[g + 4];
  const terms = readTerms(f64, job[JOB.TERMS] / 8), m = terms.length;
  const s = f64.subarray(stateAt / 8, stateAt / 8 + 2 * 2 ** n), P = paramsAt / 8, X = inputsAt / 8;
  for (let r = lo; r < hi; r++) {
    const p = pRows >= 0 ? pRows + r * pc : shared;
    for (let i = 0; i < NP; i++) f64[P + i] = f64[p + i];
    for (let i = 0; i < NX; i++) f64[X + i] = f64[xRows + r * xc + i];
    s.fill(0);
    s[0] = 1;
    x.runOps(ops, count, stateAt, n, paramsAt, inputsAt);
    for (let o = 0; o < m; o++) f64[out + r * m + o] = expectationSV(s, n, terms[o]);
  }
}
