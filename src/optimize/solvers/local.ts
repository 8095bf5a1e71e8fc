/**
 * The local-search state shared by simulated annealing, tabu search and steepest descent: an
 * assignment of the penalised QUBO (decision and slack variables), the local fields
 * h_i = linear_i + Σ_j w_ij·x_j (flip gain (1 − 2x_i)·h_i in O(1), O(degree) to update), and moves
 * that respect the one-hot groups: inside a group the single 1 moves to another member (a swap,
 * gain −h_on + h_j − w_on,j), so the exactly-one constraints hold throughout and the penalty only
 * has to steer the remaining constraints.
 */
import type { Rng } from '../../core/rng.js';
import type { Qubo } from '../qubo.js';
import type { Problem } from '../problem.js';

export class LocalState {
  readonly N: number;
  readonly x: Uint8Array;
  readonly h: Float64Array;
  energy = 0;
  /** CSR adjacency of the QUBO. */
  private readonly start: Int32Array;
  private readonly nbr: Int32Array;
  private readonly wt: Float64Array;
  /** Group of each variable (−1: free), the groups, the member that is on in each group. */
  readonly groupOf: Int32Array;
  readonly groups: Int32Array[];
  readonly on: Int32Array;
  /** Dense intra-group weights: groupW[g][a·|g| + b]. */
  private readonly groupW: Float64Array[];
  readonly free: Int32Array;

  constructor(readonly q: Qubo, p: Problem) {
    const N = q.n;
    this.N = N;
    this.x = new Uint8Array(N);
    this.h = new Float64Array(N);
    const deg = new Int32Array(N + 1);
    for (const [i, j] of q.quad) { deg[i + 1]++; deg[j + 1]++; }
    for (let i = 0; i < N; i++) deg[i + 1] += deg[i];
    this.start = Int32Array.from(deg);
    this.nbr = new Int32Array(deg[N]);
    this.wt = new Float64Array(deg[N]);
    const fill = Int32Array.from(deg);
    for (const [i, j, w] of q.quad) {
      this.nbr[fill[i]] = j; this.wt[fill[i]++] = w;
      this.nbr[fill[j]] = i; this.wt[fill[j]++] = w;
    }
    this.groupOf = new Int32Array(N).fill(-1);
    // Groups must be disjoint; a variable in two groups stays with the first.
    this.groups = [];
    for (const g of p.oneHot) {
      const members = g.filter((v) => this.groupOf[v] < 0);
      if (members.length < 1) continue;
      for (const v of members) this.groupOf[v] = this.groups.length;
      this.groups.push(Int32Array.from(members));
    }
    this.on = new Int32Array(this.groups.length);
    this.groupW = this.groups.map((g) => {
      const m = new Float64Array(g.length * g.length), pos = new Map<number, number>();
      g.forEach((v, k) => pos.set(v, k));
      g.forEach((v, a) => {
        for (let e = this.start[v]; e < this.start[v + 1]; e++) {
          const b = pos.get(this.nbr[e]);
          if (b !== undefined) m[a * g.length + b] = this.wt[e];
        }
      });
      return m;
    });
    const free: number[] = [];
    for (let i = 0; i < N; i++) if (this.groupOf[i] < 0) free.push(i);
    this.free = Int32Array.from(free);
  }

  /** Sets an assignment (groups are forced one-hot: the first 1, or a random member) and recomputes fields and energy. */
  set(x: ArrayLike<number>, rng?: Rng): void {
    for (let i = 0; i < this.N; i++) this.x[i] = x[i] ? 1 : 0;
    this.groups.forEach((g, k) => {
      let pick = -1;
      for (let a = 0; a < g.length; a++) if (this.x[g[a]]) { if (pick < 0) pick = a; else this.x[g[a]] = 0; }
      if (pick < 0) { pick = rng ? rng.int(g.length) : 0; this.x[g[pick]] = 1; }
      this.on[k] = pick;
    });
    this.recompute();
  }

  randomize(rng: Rng): void {
    const x = new Uint8Array(this.N);
    for (const i of this.free) x[i] = rng.next() < 0.5 ? 1 : 0;
    this.groups.forEach((g) => { x[g[rng.int(g.length)]] = 1; });
    this.set(x);
  }

  recompute(): void {
    const q = this.q, x = this.x;
    let e = q.offset;
    for (let i = 0; i < this.N; i++) {
      let f = q.linear[i];
      for (let k = this.start[i]; k < this.start[i + 1]; k++) if (x[this.nbr[k]]) f += this.wt[k];
      this.h[i] = f;
      if (x[i]) e += q.linear[i];
    }
    for (const [i, j, w] of q.quad) if (x[i] && x[j]) e += w;
    this.energy = e;
  }

  flipGain(i: number): number {
    return this.x[i] ? -this.h[i] : this.h[i];
  }

  flip(i: number): void {
    const d = this.x[i] ? -1 : 1;
    this.energy += d * this.h[i];
    this.x[i] ^= 1;
    for (let k = this.start[i]; k < this.start[i + 1]; k++) this.h[this.nbr[k]] += d * this.wt[k];
  }

  /** Gain of moving group g's 1 to member b. */
  swapGain(g: number, b: number): number {
    const grp = this.groups[g], a = this.on[g];
    if (a === b) return 0;
    return -this.h[grp[a]] + this.h[grp[b]] - this.groupW[g][a * grp.length + b];
  }

  swap(g: number, b: number): void {
    const grp = this.groups[g], a = this.on[g];
    if (a === b) return;
    this.flip(grp[a]);
    this.flip(grp[b]);
    this.on[g] = b;
  }
}
