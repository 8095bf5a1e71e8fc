/**
 * Sparse QUBO and Ising models as plain data.
 *
 * QUBO: f(x) = offset + Σ_i linear[i]·x_i + Σ_k w_k·x_{i_k}·x_{j_k}, x ∈ {0,1}^n, i_k < j_k, each pair once.
 * Ising: E(s) = offset + Σ_i h[i]·s_i + Σ_k J_k·s_{i_k}·s_{j_k}, s ∈ {−1,+1}^n.
 * The two are linked by s_i = 1 − 2·x_i, so x_i = 0 ↔ s_i = +1 ↔ qubit |0⟩ (the +1 eigenvalue of Z):
 * a bitstring read from a simulator is the QUBO assignment directly (q[0] = x_0, least significant).
 *
 * @example
 * import { QuboBuilder, quboValue, quboToIsing, isingValue } from 'qml6g';
 * const b = new QuboBuilder(2);
 * b.addLinear(0, -1); b.addQuad(0, 1, 2);
 * const q = b.build();
 * quboValue(q, [1, 0]);                               // -1
 * isingValue(quboToIsing(q), [-1, 1]);               // -1, the same assignment as spins
 */
import { QmlError } from '../core/errors.js';

export interface Qubo {
  n: number;
  offset: number;
  linear: number[];
  /** Quadratic terms [i, j, w] with i < j, each pair once. */
  quad: Array<[number, number, number]>;
}

export interface Ising {
  n: number;
  offset: number;
  h: number[];
  J: Array<[number, number, number]>;
}

/** Accumulates terms (duplicates add up) and emits a canonical Qubo. */
export class QuboBuilder {
  offset = 0;
  readonly linear: number[];
  private readonly pairs = new Map<number, number>();
  constructor(readonly n: number) {
    if (!Number.isInteger(n) || n < 0) throw new QmlError(`variable count must be a non-negative integer, got ${n}`);
    this.linear = new Array<number>(n).fill(0);
  }
  addConstant(c: number): this { this.offset += c; return this; }
  addLinear(i: number, c: number): this {
    this.check(i);
    this.linear[i] += c;
    return this;
  }
  /** c·x_i·x_j; i = j folds into the linear term (x² = x for binaries). */
  addQuad(i: number, j: number, c: number): this {
    this.check(i); this.check(j);
    if (c === 0) return this;
    if (i === j) { this.linear[i] += c; return this; }
    const a = Math.min(i, j), b = Math.max(i, j), key = a * this.n + b;
    this.pairs.set(key, (this.pairs.get(key) ?? 0) + c);
    return this;
  }
  /** Adds every term of another QUBO scaled by k. */
  addQubo(q: Qubo, k = 1): this {
    this.offset += k * q.offset;
    q.linear.forEach((c, i) => { if (c) this.addLinear(i, k * c); });
    for (const [i, j, w] of q.quad) this.addQuad(i, j, k * w);
    return this;
  }
  /** k·(Σ a_t x_t − b)², expanded with x² = x. */
  addSquaredLinear(terms: Array<[number, number]>, b: number, k: number): this {
    this.offset += k * b * b;
    for (let s = 0; s < terms.length; s++) {
      const [i, a] = terms[s];
      this.addLinear(i, k * (a * a - 2 * a * b));
      for (let t = s + 1; t < terms.length; t++) this.addQuad(i, terms[t][0], 2 * k * a * terms[t][1]);
    }
    return this;
  }
  build(): Qubo {
    const quad: Array<[number, number, number]> = [];
    for (const [key, w] of this.pairs) if (w !== 0) quad.push([Math.floor(key / this.n), key % this.n, w]);
    quad.sort((p, q) => p[0] - q[0] || p[1] - q[1]);
    for (const c of [this.offset, ...this.linear]) if (!Number.isFinite(c)) throw new QmlError('QUBO coefficient is not finite');
    for (const [, , w] of quad) if (!Number.isFinite(w)) throw new QmlError('QUBO coefficient is not finite');
    return { n: this.n, offset: this.offset, linear: [...this.linear], quad };
  }
  private check(i: number): void {
    if (!Number.isInteger(i) || i < 0 || i >= this.n) throw new QmlError(`variable ${i} is outside 0..${this.n - 1}`);
  }
}

export function quboValue(q: Qubo, x: ArrayLike<number>): number {
  let v = q.offset;
  for (let i = 0; i < q.n; i++) if (x[i]) v += q.linear[i];
  for (const [i, j, w] of q.quad) if (x[i] && x[j]) v += w;
  return v;
}

export function isingValue(m: Ising, s: ArrayLike<number>): number {
  let v = m.offset;
  for (let i = 0; i < m.n; i++) v += m.h[i] * s[i];
  for (const [i, j, w] of m.J) v += w * s[i] * s[j];
  return v;
}

/** x_i = (1 − s_i)/2: x_i·x_j = (1 − s_i − s_j + s_i·s_j)/4. */
export function quboToIsing(q: Qubo): Ising {
  const h = new Array<number>(q.n).fill(0);
  let offset = q.offset;
  for (let i = 0; i < q.n; i++) { offset += q.linear[i] / 2; h[i] -= q.linear[i] / 2; }
  const J: Array<[number, number, number]> = [];
  for (const [i, j, w] of q.quad) {
    offset += w / 4; h[i] -= w / 4; h[j] -= w / 4;
    J.push([i, j, w / 4]);
  }
  return { n: q.n, offset, h, J };
}

/** s_i = 1 − 2·x_i. */
export function isingToQubo(m: Ising): Qubo {
  const b = new QuboBuilder(m.n).addConstant(m.offset);
  for (let i = 0; i < m.n; i++) { b.addConstant(m.h[i]); b.addLinear(i, -2 * m.h[i]); }
  for (const [i, j, w] of m.J) {
    b.addConstant(w); b.addLinear(i, -2 * w); b.addLinear(j, -2 * w); b.addQuad(i, j, 4 * w);
  }
  return b.build();
}

/** Σ|coefficients| (offset excluded): an upper bound on max f − min f over {0,1}^n. */
export function quboRange(q: Qubo): number {
  let r = 0;
  for (const c of q.linear) r += Math.abs(c);
  for (const [, , w] of q.quad) r += Math.abs(w);
  return r;
}

/** Neighbour lists with weights, for local search (flip deltas in O(degree)). */
export function quboAdjacency(q: Qubo): { nbr: Int32Array[]; w: Float64Array[] } {
  const lists: Array<Array<[number, number]>> = Array.from({ length: q.n }, () => []);
  for (const [i, j, w] of q.quad) { lists[i].push([j, w]); lists[j].push([i, w]); }
  return { nbr: lists.map((l) => Int32Array.from(l, (e) => e[0])), w: lists.map((l) => Float64Array.from(l, (e) => e[1])) };
}

/**
 * f(x) for all 2^n assignments (index = Σ x_i 2^i), by the recursion f(x + 2^h) = f(x) + linear[h]
 * + Σ_{j<h} w_hj·x_j over the highest bit h: O(2^n · average degree), no per-state loops over terms.
 */
export function quboValues(q: Qubo, out?: Float64Array): Float64Array {
  const N = 2 ** q.n;
  const v = out ?? new Float64Array(N);
  const lower: Array<Array<[number, number]>> = Array.from({ length: q.n }, () => []);
  for (const [i, j, w] of q.quad) lower[j].push([i, w]);
  v[0] = q.offset;
  for (let h = 0; h < q.n; h++) {
    const base = 2 ** h, lin = q.linear[h], terms = lower[h];
    for (let x = 0; x < base; x++) {
      let d = lin;
      for (let t = 0; t < terms.length; t++) if ((x >>> terms[t][0]) & 1) d += terms[t][1];
      v[base + x] = v[x] + d;
    }
  }
  return v;
}
