/**
 * The fast QAOA path (in the manner of QOKit, Lykov et al. 2023): the cost of every basis state is
 * computed once; a layer is one elementwise phase pass and the mixer's in-place passes.
 *
 *   |γ, β⟩ = Π_{l=1..p} U_M(β_l) · e^{iγ_l f} · |s⟩,     f the minimised QUBO (C = −f maximised),
 *
 * with mixers
 * - 'x': U_M = Π_q e^{−iβX_q}, |s⟩ = |+⟩^n (Farhi et al. 2014);
 * - 'xy-ring' / 'xy-complete': per one-hot group, Π over ring (odd then even pairs) or all pairs of
 *   e^{−iβ(XX+YY)/2}, |s⟩ = a product of W states, so the state never leaves the one-hot subspace
 *   (Hadfield et al. 2019; Wang et al. 2020); variables outside every group get the X mixer;
 * - 'warm': Egger, Mareček & Woerner 2021: |s⟩ = Π R_Y(θ_i)|0⟩ with θ_i = 2·arcsin(√c_i) for a relaxed
 *   solution c ∈ [ε, 1 − ε]^n, U_M = Π R_Y(θ_i) R_Z(−2β) R_Y(−θ_i) (its ground state is |s⟩).
 *
 * Angles follow Farhi et al.: γ multiplies C = −f, β the mixer; the fixed-angle table of Wurtz &
 * Lykov stores γ doubled (see angles.ts).
 *
 * @example
 * import { FastQaoa, maxcutProblem, penalized, cycleGraph } from 'qml6g';
 * const q = new FastQaoa({ qubo: penalized(maxcutProblem(cycleGraph(6))).qubo });
 * q.run([0.6155], [0.3927]);
 * q.expectation();        // ⟨f⟩ = −⟨cut⟩ = −6·(1/2 + sin γ cos γ / 2) ≈ −4.41 on the 6-cycle
 * q.probabilityOptimal(); // weight on the optimal cuts
 */
import { QmlError } from '../../core/errors.js';
import type { Rng } from '../../core/rng.js';
import { checkStateMemory } from '../../sim/memory.js';
import type { Qubo } from '../qubo.js';
import { costAt, costTable, levelValue, type CostTable } from './cost.js';
import { qaoaWasm, wasmDoubles, wasmOffset, type QaoaWasmExports } from './wasm.js';
import { apply2x2, expectValues, imInnerX, imInnerXY, levelHistogram, mixX, mixX2, mixXY, phaseLevels, phaseValues } from './kernels.js';

export type MixerName = 'x' | 'xy-ring' | 'xy-complete' | 'warm';

export interface QaoaSpec {
  qubo: Qubo;
  mixer?: MixerName;
  /** One-hot groups for the XY mixers. */
  groups?: number[][];
  /** Relaxed solution c ∈ [0, 1]^n for the warm-start mixer. */
  warm?: number[];
  /** Regularisation ε of the warm start (default 0.25, as Egger et al. recommend). */
  epsilon?: number;
}

/** A hook that lets a thread team run the passes (see team.ts); null runs them on this thread. */
export interface PassRunner {
  phase(gamma: number): void;
  mixX(q1: number, q2: number, c: number, s: number): void;
  /** The cache-blocked factored pass: phase (scaled table, prepared) and I − itX on qubits 0..b−1 (SIMD path only). */
  blockT(t: number, b: number): void;
  /** The factored I − itX on q1 and q2 (q2 < 0: q1 alone; SIMD path only). */
  mixT(q1: number, q2: number, t: number): void;
}

/**
 * The factored layer folds cos(β)^n into the phase table; below this magnitude (β within about
 * 10^(−200/n) of ±π/2) the scaled amplitudes would approach the subnormal range, so such layers run
 * the unfactored passes (phase, then the mixer two qubits per pass) instead.
 */
export const FACTORED_SCALE_MIN = 1e-200;

/**
 * Log2 of the amplitudes in one cache block of the blocked pass: 2^14 × 16 bytes = 256 KiB, inside a
 * 512 KiB L2 with room for the index and the tables (QML6G_QAOA_BLOCK overrides, for measuring).
 * Measured at n = 24 (one thread, factored kernels): 2^16 no faster, 2^12 and 2^10 6 % and 14 % slower
 * (more passes over memory, each cheaper, so nearer the floor of its own passes but not faster).
 */
export const QAOA_BLOCK_QUBITS = 14;

/**
 * The SIMD X-mixer layer as passes over memory: one cache-blocked pass (phase and the mixer on the
 * low qubits 0..b−1), then the high qubits two per pass (the last alone when n − b is odd). b is the
 * largest block ≤ 2^bMax that leaves an even number of high qubits, so a layer makes
 * 1 + ⌈(n − bMax)/2⌉ passes. (A four-qubit pass, its sixteen amplitudes mixed in an L1 scratch, was
 * measured slower than two two-qubit passes on one core: the in-register pair kernel already runs at
 * the memory floor, so fewer passes pay only where bandwidth, not arithmetic, is short. Inside the
 * block, three qubits per sweep cost as much per qubit as two: sixteen vectors spill registers.)
 */
export function layerPlan(n: number, bMax = blockQubits()): { b: number; high: number[][] } {
  const pairs = Math.max(0, Math.ceil((n - bMax) / 2));
  const b = Math.max(2, Math.min(n, n - 2 * pairs));
  const high: number[][] = [];
  for (let q = b; q < n; q += 2) high.push(q + 1 < n ? [q, q + 1] : [q]);
  return { b, high };
}

function blockQubits(): number {
  const v = Number(process.env.QML6G_QAOA_BLOCK);
  return Number.isInteger(v) && v >= 2 && v <= 24 ? v : QAOA_BLOCK_QUBITS;
}

/** Byte offsets of the state, level index and phase tables in the SIMD kernels' memory. */
export interface WasmLayout { x: QaoaWasmExports; state: number; index: number; cos: number; sin: number; table: number; wide: boolean }

export class FastQaoa {
  readonly n: number;
  readonly N: number;
  readonly cost: CostTable;
  readonly mixer: MixerName;
  readonly state: Float64Array;
  private readonly init: Float64Array | null;
  private readonly xyPairs: Array<[number, number]>;
  private readonly freeQubits: number[];
  private readonly warmTheta: number[] | null;
  readonly cosT: Float64Array;
  readonly sinT: Float64Array;
  /** The factored layer's phase table: per level (ĉ, ĉ, −ŝ, ŝ), ĉ + iŝ = cos(β)^n·e^{iγ f_k}. */
  readonly scaledT: Float64Array;
  private lastGamma = NaN;
  private lastScaled: [number, number] = [NaN, NaN];
  runner: PassRunner | null = null;
  /** Layers applied since construction (for evaluation counts). */
  layers = 0;

  constructor(spec: QaoaSpec, opts: { state?: Float64Array; cost?: CostTable } = {}) {
    const q = spec.qubo;
    this.n = q.n;
    this.N = 2 ** q.n;
    this.mixer = spec.mixer ?? 'x';
    if (!opts.state) checkStateMemory(this.N, `QAOA on ${q.n} qubits`);
    this.cost = opts.cost ?? costTable(q);
    this.state = opts.state ?? wasmDoubles(2 * this.N);
    const L = this.cost.kind === 'levels' ? this.cost.levels : 0;
    // Shared memory (the SIMD kernels' when they run), so a thread team reads the same phase tables.
    this.cosT = wasmDoubles(Math.max(2, L));
    this.sinT = wasmDoubles(Math.max(2, L));
    this.scaledT = wasmDoubles(4 * Math.max(2, L));
    this.xyPairs = [];
    this.freeQubits = [];
    this.warmTheta = null;
    this.init = null;
    if (this.mixer === 'xy-ring' || this.mixer === 'xy-complete') {
      const groups = spec.groups ?? [];
      if (!groups.length) throw new QmlError(`the ${this.mixer} mixer needs one-hot groups (this problem has none; use --mixer x)`);
      const seen = new Uint8Array(this.n);
      for (const g of groups) {
        for (const v of g) {
          if (!Number.isInteger(v) || v < 0 || v >= this.n) throw new QmlError(`one-hot group variable ${v} is outside 0..${this.n - 1}`);
          if (seen[v]) throw new QmlError(`variable ${v} is in two one-hot groups`);
          seen[v] = 1;
        }
        if (this.mixer === 'xy-complete') {
          for (let a = 0; a < g.length; a++) for (let b = a + 1; b < g.length; b++) this.xyPairs.push([g[a], g[b]]);
        } else if (g.length === 2) this.xyPairs.push([g[0], g[1]]);
        else if (g.length > 2) {
          // Parity ring: odd pairs, even pairs, then the closing pair when the ring is odd.
          const ring: Array<[number, number]> = g.map((v, k) => [v, g[(k + 1) % g.length]]);
          for (let k = 0; k < ring.length; k += 2) if (!(g.length % 2 === 1 && k === ring.length - 1)) this.xyPairs.push(ring[k]);
          for (let k = 1; k < ring.length; k += 2) this.xyPairs.push(ring[k]);
          if (g.length % 2 === 1) this.xyPairs.push(ring[ring.length - 1]);
        }
      }
      for (let v = 0; v < this.n; v++) if (!seen[v]) this.freeQubits.push(v);
      this.groupsForInit = groups;
    } else if (this.mixer === 'warm') {
      const c = spec.warm;
      if (!c || c.length !== this.n) throw new QmlError(`the warm-start mixer needs a relaxed solution of length ${this.n}`);
      const eps = spec.epsilon ?? 0.25;
      if (!(eps >= 0 && eps <= 0.5)) throw new QmlError(`warm-start epsilon must be in [0, 0.5], got ${eps}`);
      this.warmTheta = c.map((v) => {
        if (!(v >= 0 && v <= 1)) throw new QmlError(`warm-start values must be in [0, 1], got ${v}`);
        return 2 * Math.asin(Math.sqrt(Math.min(1 - eps, Math.max(eps, v))));
      });
    } else if (this.mixer !== 'x') throw new QmlError(`unknown mixer "${this.mixer}" (x, xy-ring, xy-complete, warm)`);
    this.wasmLayout();
    this.reset();
  }

  private groupsForInit: number[][] = [];
  /** Decided once, at construction (QML6G_QAOA_WASM=0 forces the TypeScript kernels). */
  private layoutCache: WasmLayout | null | undefined;

  private initCache: Float64Array | null = null;
  private valueCache: Float64Array | null = null;

  /** The initial state |s⟩ of the mixer (computed once, then copied). */
  reset(): void {
    if (this.initCache) { this.state.set(this.initCache); this.layers = 0; return; }
    this.computeInitial();
    if (this.mixer !== 'x') this.initCache = Float64Array.from(this.state);
  }

  /** f(x) for every state as doubles (for gradients; cached). */
  values(): Float64Array {
    if (this.cost.kind === 'values') return this.cost.values;
    if (!this.valueCache) {
      const t = this.cost, v = new Float64Array(this.N);
      for (let x = 0; x < this.N; x++) v[x] = t.base + t.index[x] * t.step;
      this.valueCache = v;
    }
    return this.valueCache;
  }

  private computeInitial(): void {
    const s = this.state, N = this.N;
    if (this.mixer === 'x') {
      const a = 1 / Math.sqrt(N);
      for (let x = 0; x < N; x++) { s[2 * x] = a; s[2 * x + 1] = 0; }
    } else if (this.mixer === 'warm') {
      // Product state Π (cos(θ/2)|0⟩ + sin(θ/2)|1⟩).
      const th = this.warmTheta!;
      const c = th.map((t) => Math.cos(t / 2)), sn = th.map((t) => Math.sin(t / 2));
      for (let x = 0; x < N; x++) {
        let a = 1;
        for (let q = 0; q < this.n; q++) a *= (x >>> q) & 1 ? sn[q] : c[q];
        s[2 * x] = a; s[2 * x + 1] = 0;
      }
    } else {
      // Product of W states over the groups and |+⟩ on the free qubits.
      const masks = this.groupsForInit.map((g) => g.reduce((m, v) => m + 2 ** v, 0));
      let norm = 2 ** (-this.freeQubits.length / 2);
      for (const g of this.groupsForInit) norm /= Math.sqrt(g.length);
      for (let x = 0; x < N; x++) {
        let ok = true;
        for (let k = 0; k < masks.length && ok; k++) {
          const m = masks[k];
          const bits = (x & m) >>> 0;
          // Exactly one bit of the group: nonzero and a power of two (within 32-bit indices).
          ok = bits !== 0 && (bits & (bits - 1)) === 0;
        }
        s[2 * x] = ok ? norm : 0; s[2 * x + 1] = 0;
      }
    }
    this.layers = 0;
  }

  /** Where the SIMD kernels can run this simulator's X-mixer layers (state, index and tables in their memory), else null. */
  wasmLayout(): WasmLayout | null {
    if (this.layoutCache !== undefined) return this.layoutCache;
    this.layoutCache = null;
    const w = qaoaWasm();
    if (!w || this.cost.kind !== 'levels' || process.env.QML6G_QAOA_WASM === '0') return null;
    const st = wasmOffset(this.state), ix = wasmOffset(this.cost.index), co = wasmOffset(this.cosT), si = wasmOffset(this.sinT), ta = wasmOffset(this.scaledT);
    if (st < 0 || ix < 0 || co < 0 || si < 0 || ta < 0) return null;
    this.layoutCache = { x: w.exports, state: st, index: ix, cos: co, sin: si, table: ta, wide: this.cost.index instanceof Uint16Array };
    return this.layoutCache;
  }

  /**
   * Passes over the state one layer makes: the phase pass and ⌈n/2⌉ two-qubit mixer passes, or, on
   * the SIMD path with the X mixer, the cache-blocked pass (phase and low qubits) and the high qubits
   * two per pass (layerPlan). (A layer whose cos(β)^n is below FACTORED_SCALE_MIN takes the first
   * route on the SIMD path too.)
   */
  passCount(): number {
    if (this.mixer === 'x' && this.n >= 2 && this.wasmLayout() !== null) return 1 + layerPlan(this.n).high.length;
    return Math.ceil(this.n / 2) + 1;
  }

  /**
   * One layer: e^{iγ f}, then U_M(β). On the SIMD path the mixer is factored,
   * Π_q e^{−iβX_q} = cos(β)^n · Π_q (I − i·tan β·X_q), the scalar folded into the phase table: the
   * blocked pass (phase, low qubits), then the high qubits.
   */
  layer(gamma: number, beta: number): void {
    const L = this.mixer === 'x' && this.n >= 2 ? this.wasmLayout() : null;
    const c = Math.cos(beta), scale = c ** this.n;
    if (!L || !(Math.abs(scale) >= FACTORED_SCALE_MIN)) { this.phase(gamma); this.mix(beta); return; }
    const t = Math.sin(beta) / c, N = this.N;
    const { b, high } = layerPlan(this.n);
    this.prepareScaled(gamma, scale);
    if (this.runner) this.runner.blockT(t, b);
    else if (L.wide) L.x.blockT16(L.state, L.index, L.table, t, b, 0, N / 2 ** b);
    else L.x.blockT8(L.state, L.index, L.table, t, b, 0, N / 2 ** b);
    for (const [q1, q2] of high) {
      if (this.runner) this.runner.mixT(q1, q2 ?? -1, t);
      else if (q2 !== undefined) L.x.mix2t(L.state, q1, q2, t, 0, N / 4);
      else L.x.mix1t(L.state, q1, t, 0, N / 2);
    }
  }

  /** Fills the factored layer's table for γ and the scale cos(β)^n (idempotent). */
  prepareScaled(gamma: number, scale: number): void {
    if (this.cost.kind !== 'levels' || (gamma === this.lastScaled[0] && scale === this.lastScaled[1])) return;
    const t = this.cost, T = this.scaledT;
    for (let k = 0; k < t.levels; k++) {
      const a = gamma * levelValue(t, k), c = scale * Math.cos(a), s = scale * Math.sin(a);
      T[4 * k] = c; T[4 * k + 1] = c; T[4 * k + 2] = -s; T[4 * k + 3] = s;
    }
    this.lastScaled = [gamma, scale];
  }

  /** e^{iγ f}. */
  phase(gamma: number): void {
    if (this.runner) { this.runner.phase(gamma); return; }
    this.phaseRange(gamma, 0, this.N);
  }

  /** Prepares the phase table for γ (idempotent). */
  preparePhase(gamma: number): void {
    if (this.cost.kind !== 'levels' || gamma === this.lastGamma) return;
    const t = this.cost;
    for (let k = 0; k < t.levels; k++) { const a = gamma * levelValue(t, k); this.cosT[k] = Math.cos(a); this.sinT[k] = Math.sin(a); }
    this.lastGamma = gamma;
  }

  phaseRange(gamma: number, lo: number, hi: number): void {
    if (this.cost.kind === 'levels') {
      this.preparePhase(gamma);
      const L = this.wasmLayout();
      if (L) { if (L.wide) L.x.phase16(L.state, L.index, L.cos, L.sin, lo, hi); else L.x.phase8(L.state, L.index, L.cos, L.sin, lo, hi); return; }
      phaseLevels(this.state, this.cost.index, this.cosT, this.sinT, lo, hi);
    } else phaseValues(this.state, this.cost.values, gamma, lo, hi);
  }

  /** The mixer U_M(β). */
  mix(beta: number, state = this.state): void {
    const c = Math.cos(beta), sn = Math.sin(beta), n = this.n;
    if (this.mixer === 'x') {
      if (this.runner && state === this.state) {
        let q = 0;
        for (; q + 1 < n; q += 2) this.runner.mixX(q, q + 1, c, sn);
        if (q < n) this.runner.mixX(q, -1, c, sn);
        return;
      }
      const L = this.wasmLayout(), ptr = L ? (state === this.state ? L.state : wasmOffset(state)) : -1;
      let q = 0;
      if (L && ptr >= 0) {
        for (; q + 1 < n; q += 2) L.x.mix2(ptr, q, q + 1, c, sn, 0, this.N / 4);
        if (q < n) L.x.mix1(ptr, q, c, sn, 0, this.N / 2);
        return;
      }
      for (; q + 1 < n; q += 2) mixX2(state, q, q + 1, c, sn, 0, this.N / 4);
      if (q < n) mixX(state, q, c, sn, 0, this.N / 2);
    } else if (this.mixer === 'warm') {
      const m = new Float64Array(8);
      for (let q = 0; q < n; q++) { warmMatrix(this.warmTheta![q], beta, m); apply2x2(state, q, m, 0, this.N / 2); }
    } else {
      for (const [a, b] of this.xyPairs) mixXY(state, a, b, c, sn, 0, this.N / 4);
      for (const q of this.freeQubits) mixX(state, q, c, sn, 0, this.N / 2);
    }
  }

  /** Resets and applies p layers. */
  run(gammas: ArrayLike<number>, betas: ArrayLike<number>): void {
    checkAngles(gammas, betas);
    this.reset();
    for (let l = 0; l < gammas.length; l++) this.layer(gammas[l], betas[l]);
    this.layers += gammas.length;
  }

  /** Probability of each value of f: levels path only (one pass). */
  histogram(): { values: Float64Array; probs: Float64Array } {
    const t = this.cost;
    if (t.kind === 'levels') {
      const hist = new Float64Array(t.levels);
      levelHistogram(this.state, t.index, hist, 0, this.N);
      const values = new Float64Array(t.levels);
      for (let k = 0; k < t.levels; k++) values[k] = levelValue(t, k);
      return { values, probs: hist };
    }
    // Values path: sort states by value once per call (O(N log N), only for non-grid costs).
    const order = Uint32Array.from({ length: this.N }, (_, i) => i).sort((a, b) => t.values[a] - t.values[b]);
    const values = new Float64Array(this.N), probs = new Float64Array(this.N);
    order.forEach((x, k) => { values[k] = t.values[x]; probs[k] = this.state[2 * x] ** 2 + this.state[2 * x + 1] ** 2; });
    return { values, probs };
  }

  /** ⟨f⟩ in the current state. */
  expectation(): number {
    const t = this.cost;
    if (t.kind === 'values') return expectValues(this.state, t.values, 0, this.N);
    const { values, probs } = this.histogram();
    let e = 0;
    for (let k = 0; k < values.length; k++) e += values[k] * probs[k];
    return e;
  }

  /** Probability of measuring a string with f within tol of the minimum of f. */
  probabilityOptimal(tol = 1e-9): number {
    return this.probabilityBelow(this.cost.min + tol * Math.max(1, Math.abs(this.cost.min)));
  }

  /** Probability of a string with f ≤ threshold. */
  probabilityBelow(threshold: number): number {
    const { values, probs } = this.histogram();
    let p = 0;
    for (let k = 0; k < values.length; k++) if (values[k] <= threshold) p += probs[k];
    return p;
  }

  /**
   * CVaR_α (Barkoutsos et al. 2020): the mean of f over the lowest α fraction of the measurement
   * distribution (α = 1 is the expectation).
   */
  cvar(alpha: number): number {
    if (!(alpha > 0 && alpha <= 1)) throw new QmlError(`CVaR alpha must be in (0, 1], got ${alpha}`);
    const { values, probs } = this.histogram();
    let mass = 0, acc = 0;
    for (let k = 0; k < values.length && mass < alpha; k++) {
      const take = Math.min(probs[k], alpha - mass);
      acc += take * values[k];
      mass += take;
    }
    return acc / alpha;
  }

  /** Probability of each basis state. */
  probabilities(out = new Float64Array(this.N)): Float64Array {
    const s = this.state;
    for (let x = 0; x < this.N; x++) out[x] = s[2 * x] * s[2 * x] + s[2 * x + 1] * s[2 * x + 1];
    return out;
  }

  /** `shots` samples (basis-state indices), by inverse CDF over sorted uniforms: O(N + shots·log shots). */
  sample(shots: number, rng: Rng): Uint32Array {
    if (!Number.isInteger(shots) || shots < 1) throw new QmlError(`shots must be a positive integer, got ${shots}`);
    const u = Float64Array.from({ length: shots }, () => rng.next()).sort();
    const out = new Uint32Array(shots), s = this.state;
    let acc = 0, k = 0;
    for (let x = 0; x < this.N && k < shots; x++) {
      acc += s[2 * x] * s[2 * x] + s[2 * x + 1] * s[2 * x + 1];
      while (k < shots && u[k] < acc) out[k++] = x;
    }
    while (k < shots) out[k++] = this.N - 1;
    rng.shuffle(out as unknown as Int32Array);
    return out;
  }

  costAt(x: number): number {
    return costAt(this.cost, x);
  }

  /**
   * ⟨f⟩ and its exact gradient by the adjoint method (one forward run, one backward sweep holding
   * two states): with ψ after a gate e^{−iθG} and λ the back-propagated costate at the same point,
   * ∂⟨f⟩/∂θ = 2·Im⟨λ|G|ψ⟩. The phase gate is e^{−iγ(−f)} (G = −f), the X mixer G = Σ X_q, the XY
   * mixer G = (XX+YY)/2 per pair. Not available for the warm-start mixer (use a derivative-free
   * optimiser there).
   */
  gradient(gammas: ArrayLike<number>, betas: ArrayLike<number>): { value: number; dgamma: Float64Array; dbeta: Float64Array } {
    if (this.mixer === 'warm') throw new QmlError('adjoint gradients are implemented for the x and xy mixers; use a derivative-free optimiser with the warm-start mixer');
    checkStateMemory(this.N, `the adjoint costate on ${this.n} qubits`, 2);
    this.run(gammas, betas);
    const p = gammas.length, psi = this.state, N = this.N, n = this.n;
    const lam = new Float64Array(2 * N);
    const fv = this.values();
    let value = 0;
    for (let x = 0; x < N; x++) {
      const v = fv[x];
      lam[2 * x] = v * psi[2 * x]; lam[2 * x + 1] = v * psi[2 * x + 1];
      value += v * (psi[2 * x] ** 2 + psi[2 * x + 1] ** 2);
    }
    const dgamma = new Float64Array(p), dbeta = new Float64Array(p);
    for (let l = p - 1; l >= 0; l--) {
      // Mixer: G = Σ generators; derivative at the state after the mixer.
      let g = 0;
      const c = Math.cos(-betas[l]), sn = Math.sin(-betas[l]);
      if (this.mixer === 'x') {
        // The X_q commute: every term at the state after the whole mixer, then undo it.
        for (let q = 0; q < n; q++) g += imInnerX(lam, psi, q, 0, N / 2);
        for (let q = 0; q < n; q++) { mixX(psi, q, c, sn, 0, N / 2); mixX(lam, q, c, sn, 0, N / 2); }
      } else {
        // Free qubits commute with the pair gates; the pair gates do not commute with each other,
        // so each one's term is taken right after it, undoing the product gate by gate.
        for (const q of this.freeQubits) g += imInnerX(lam, psi, q, 0, N / 2);
        for (const q of this.freeQubits) { mixX(psi, q, c, sn, 0, N / 2); mixX(lam, q, c, sn, 0, N / 2); }
        for (let k = this.xyPairs.length - 1; k >= 0; k--) {
          const [a, b] = this.xyPairs[k];
          g += imInnerXY(lam, psi, a, b, 0, N / 4);
          mixXY(psi, a, b, c, sn, 0, N / 4);
          mixXY(lam, a, b, c, sn, 0, N / 4);
        }
      }
      dbeta[l] = 2 * g;
      // Phase: e^{iγ f} = e^{−iγ G} with G = −f.
      let h = 0;
      for (let x = 0; x < N; x++) h -= fv[x] * (lam[2 * x] * psi[2 * x + 1] - lam[2 * x + 1] * psi[2 * x]);
      dgamma[l] = 2 * h;
      phaseInPlace(psi, this.cost, -gammas[l]);
      phaseInPlace(lam, this.cost, -gammas[l]);
    }
    // Leave the forward state in place for the caller.
    this.run(gammas, betas);
    return { value, dgamma, dbeta };
  }

}

function phaseInPlace(s: Float64Array, t: CostTable, gamma: number): void {
  const N = 2 ** t.n;
  if (t.kind === 'values') { phaseValues(s, t.values, gamma, 0, N); return; }
  const cosT = new Float64Array(t.levels), sinT = new Float64Array(t.levels);
  for (let k = 0; k < t.levels; k++) { const a = gamma * levelValue(t, k); cosT[k] = Math.cos(a); sinT[k] = Math.sin(a); }
  phaseLevels(s, t.index, cosT, sinT, 0, N);
}

/** R_Y(θ)·R_Z(−2β)·R_Y(−θ) as an interleaved 2×2 matrix (Egger et al. 2021, warm-start mixer). */
export function warmMatrix(theta: number, beta: number, m: Float64Array): Float64Array {
  // R_Z(−2β) = diag(e^{iβ}, e^{−iβ}); R_Y(t) = [[cos t/2, −sin t/2], [sin t/2, cos t/2]].
  const c = Math.cos(theta / 2), s = Math.sin(theta / 2), cb = Math.cos(beta), sb = Math.sin(beta);
  // M = R_Y(θ) D R_Y(−θ), D = diag(d0, d1): M = [[c²d0 + s²d1, cs(d0 − d1)], [cs(d0 − d1), s²d0 + c²d1]].
  const d0r = cb, d0i = sb, d1r = cb, d1i = -sb;
  m[0] = c * c * d0r + s * s * d1r; m[1] = c * c * d0i + s * s * d1i;
  m[2] = c * s * (d0r - d1r); m[3] = c * s * (d0i - d1i);
  m[4] = m[2]; m[5] = m[3];
  m[6] = s * s * d0r + c * c * d1r; m[7] = s * s * d0i + c * c * d1i;
  return m;
}

export function checkAngles(gammas: ArrayLike<number>, betas: ArrayLike<number>): void {
  if (gammas.length !== betas.length) throw new QmlError(`QAOA needs as many γ as β, got ${gammas.length} and ${betas.length}`);
  if (gammas.length < 1) throw new QmlError('QAOA depth p must be at least 1');
  for (let l = 0; l < gammas.length; l++) if (!Number.isFinite(gammas[l]) || !Number.isFinite(betas[l])) throw new QmlError(`QAOA angle of layer ${l + 1} is not finite`);
}
