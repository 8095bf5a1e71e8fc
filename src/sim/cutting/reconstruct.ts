/**
 * Reconstruction: expectation values of Pauli-product observables of the uncut circuit from its
 * fragments.
 *
 * With every cut written as Σ_t a_t (local ⊗ local) (decompositions.ts), the circuit is
 * Σ_{t₁…t_k} Π_c a_{c,t_c} ⊗_f (fragment f with those actions), and a Pauli product P = ⊗_f P_f
 * factorises, so ⟨P⟩ = Σ_t Π_c a_{c,t_c} Π_f E_f(t), with E_f the signed expectation of fragment f's
 * variant. Exactly: every variant is simulated once (the simulator's own statevector and density
 * matrix backends), then the sum is contracted. With shots: each sample draws t with probability
 * Π|a|/γ, runs every fragment once (a ±1 outcome each) and scores γ·sign(Πa)·Π outcomes — unbiased,
 * each sample in [−γ, γ], so the estimator's variance is (γ² − ⟨P⟩²)/S for S samples: the
 * sampling overhead γ² is exactly the factor by which shots must grow (Peng et al. 2020; Mitarai &
 * Fujii 2021).
 *
 * @example
 * import { planCuts, reconstructExpectation, simulate, pauli, CircuitBuilder } from 'qml6g';
 * const c = new CircuitBuilder(4).h(0).cx(0, 1).ry(1, 0.4).cx(1, 2).cx(2, 3).build();
 * const plan = planCuts(c, { maxQubits: 2 });
 * const r = reconstructExpectation(plan, pauli('Z0 Z3'));
 * r.value;   // equals simulate(c).statevector!.expectation(pauli('Z0 Z3')) to 1e-12
 */
import { QmlError } from '../../core/errors.js';
import { Rng } from '../../core/rng.js';
import { evalAngle as evalAngleOf } from '../circuit.js';
import { DensityMatrix } from '../density.js';
import { runBranches, runProgram } from '../execute.js';
import { CompiledNoise, type NoiseModel } from '../noise.js';
import { compileObservable, expectationDM, expectationSV, type CompiledTerm, type Observable } from '../observable.js';
import { compile, checkBindings, type Program } from '../program.js';
import { Statevector } from '../statevector.js';
import { rzzCutTerms, WIRE_CUT_TERMS, type QpdTerm } from './decompositions.js';
import { fragmentVariant, gateCutAngle, siteRadix, type CutPlan } from './fragments.js';

export interface CutEvalOptions {
  /** One noise model for every device, or one per fragment (a device each; undefined entries are noiseless). */
  noise?: NoiseModel | Array<NoiseModel | undefined>;
  /** The exact contraction refuses more than this many term combinations (default 5e6). */
  maxTerms?: number;
}

export interface ShotOptions { shots: number; seed?: number }

export interface CutEstimate {
  /** Per observable: the reconstructed expectation. */
  values: Float64Array;
  /** Per observable with shots: the estimator's variance (γ² − ⟨P⟩²)/S per Pauli term, from the exact fragment values; 0 when exact. */
  variance: Float64Array;
  /** Per observable with shots: the variance estimated from the samples alone (what a device run reports). */
  sampleVariance: Float64Array;
  /** Fragment executions (shots) spent: samples × fragments × Pauli terms measured; 0 when exact. */
  shotsUsed: number;
}

interface FragmentTerm { x: number; z: number; nY: number }
interface VariantProgram { prog: Program; measureWires: number[]; signed: boolean }

/** A global Pauli string (as masks over the uncut circuit's wires) and its restriction to each fragment. */
interface GlobalPauli { key: string; local: FragmentTerm[] }

/**
 * Reconstructs many observables of one cut circuit for many bindings (model rows), reusing the
 * compiled fragment variants.
 */
export class CutEvaluator {
  readonly paulis: GlobalPauli[] = [];
  /** Per observable: [coefficient, index into paulis (−1 for the identity)]. */
  private readonly obsTerms: Array<Array<[number, number]>>;
  private readonly programs: Array<Array<VariantProgram | undefined>>;
  private readonly noise: Array<CompiledNoise | undefined>;
  private readonly radix: number[][];
  private readonly variantCount: number[];
  readonly combinations: number;

  constructor(readonly plan: CutPlan, readonly observables: Observable[], opts: CutEvalOptions = {}) {
    if (!plan || plan.format !== 'qml6g-cut-plan') throw new QmlError('not a cut plan (use planCuts)');
    if (!Array.isArray(observables) || observables.length === 0) throw new QmlError('at least one observable is needed');
    const n = plan.numQubits;
    const byKey = new Map<string, number>();
    this.obsTerms = observables.map((o, oi) => compileObservable(o, n, `observables[${oi}]`).map((t) => {
      if (t.xmask === 0 && t.zmask === 0) return [t.coeff, -1] as [number, number];
      const key = `${t.xmask},${t.zmask}`;
      let k = byKey.get(key);
      if (k === undefined) { k = this.paulis.length; byKey.set(key, k); this.paulis.push(this.restrict(t)); }
      return [t.coeff, k] as [number, number];
    }));
    const F = plan.fragments.length;
    const noises = Array.isArray(opts.noise) ? opts.noise : Array.from({ length: F }, () => opts.noise as NoiseModel | undefined);
    if (noises.length !== F) throw new QmlError(`one noise model per fragment is needed: the plan has ${F} fragment(s), got ${noises.length}`, 'noise');
    this.noise = noises.map((m, f) => {
      if (!m) return undefined;
      if (m.readout) throw new QmlError('read-out error is not modelled on cut fragments (the signed mid-circuit bits would need it too); give gate noise only', `noise[${f}].readout`);
      return new CompiledNoise(m, plan.fragments[f].circuit.numQubits);
    });
    this.radix = plan.fragments.map((fr) => fr.sites.map(siteRadix));
    this.variantCount = plan.fragments.map((fr) => fr.sites.reduce((a, s) => a * (s.role === 'up' ? 1 : siteRadix(s)), 1));
    this.programs = plan.fragments.map((_, f) => new Array(this.variantCount[f]));
    let combos = 1;
    for (const c of plan.cuts) combos *= c.kind === 'wire' ? WIRE_CUT_TERMS.length : 6;
    this.combinations = combos;
    const maxTerms = opts.maxTerms ?? 5e6;
    if (combos > maxTerms) throw new QmlError(`${plan.cuts.length} cuts give ${combos} term combinations, more than the ${maxTerms} the exact contraction takes; use fewer cuts`, 'cuts');
  }

  /** The restriction of a global Pauli (compiled masks) to each fragment's output qubits. */
  private restrict(t: CompiledTerm): GlobalPauli {
    const local: FragmentTerm[] = this.plan.fragments.map(() => ({ x: 0, z: 0, nY: 0 }));
    for (let w = 0; w < this.plan.numQubits; w++) {
      const b = 2 ** w;
      if (!((t.xmask | t.zmask) & b)) continue;
      const [f, q] = this.plan.outputs[w], lb = 2 ** q;
      if (t.xmask & b) local[f].x |= lb;
      if (t.zmask & b) local[f].z |= lb;
      if ((t.xmask & b) && (t.zmask & b)) local[f].nY++;
    }
    return { key: `${t.xmask},${t.zmask}`, local };
  }

  /** The compiled circuit of variant v of fragment f (actions at non-'up' sites in mixed radix, first site fastest). */
  private program(f: number, v: number): VariantProgram {
    let p = this.programs[f][v];
    if (p) return p;
    const frag = this.plan.fragments[f];
    const actions = new Int32Array(frag.sites.length);
    let r = v;
    frag.sites.forEach((s, i) => { if (s.role !== 'up') { const k = siteRadix(s); actions[i] = r % k; r = Math.floor(r / k); } });
    const variant = fragmentVariant(this.plan, f, actions);
    const prog = compile(variant.circuit);
    const measureWires = variant.circuit.ops.filter((o) => o.kind === 'measure').map((o) => (o as { wire: number }).wire);
    p = { prog, measureWires, signed: prog.midCircuit };
    this.programs[f][v] = p;
    return p;
  }

  /**
   * E_f for every fragment: per global Pauli, a table over the fragment's site actions (mixed radix
   * over sites in order, first fastest).
   */
  fragmentTables(params: ArrayLike<number> = [], inputs: ArrayLike<number> = []): Float64Array[][] {
    const plan = this.plan;
    return plan.fragments.map((frag, f) => {
      // A fragment whose own parameters and inputs did not change keeps its tables (a shifted
      // parameter of a gradient touches one fragment only).
      const key = this.bindingKey(f, params, inputs);
      const hit = this.tableCache[f];
      if (hit && hit.key.length === key.length && hit.key.every((v, i) => Object.is(v, key[i]))) return hit.tables;
      const tables = this.simulateFragment(f, frag, params, inputs);
      this.tableCache[f] = { key, tables };
      return tables;
    });
  }

  private tableCache: Array<{ key: number[]; tables: Float64Array[] } | undefined> = [];
  private refs: Array<{ params: number[]; inputs: number[] }> | null = null;

  /** The values of the parameters and inputs fragment f's gates read. */
  private bindingKey(f: number, params: ArrayLike<number>, inputs: ArrayLike<number>): number[] {
    this.refs ??= this.plan.fragments.map((fr) => {
      const ps = new Set<number>(), xs = new Set<number>();
      for (const op of fr.circuit.ops) {
        if (op.kind !== 'gate' || !op.params) continue;
        for (const a of op.params) {
          if (typeof a === 'number') continue;
          for (const t of a.terms) { if (t.src === 'param') ps.add(t.index); else { xs.add(t.index); if (t.times !== undefined) xs.add(t.times); } }
        }
      }
      return { params: [...ps].sort((a, b) => a - b), inputs: [...xs].sort((a, b) => a - b) };
    });
    const r = this.refs[f];
    return [...r.params.map((i) => params[i]), NaN, ...r.inputs.map((i) => inputs[i])];
  }

  private simulateFragment(f: number, frag: CutPlan['fragments'][number], params: ArrayLike<number>, inputs: ArrayLike<number>): Float64Array[] {
    {
      const radix = this.radix[f];
      const size = radix.reduce((a, x) => a * x, 1);
      const tables = this.paulis.map(() => new Float64Array(size));
      const upSites = frag.sites.map((s, i) => (s.role === 'up' ? i : -1)).filter((i) => i >= 0);
      const strides: number[] = [];
      let st = 1;
      for (const k of radix) { strides.push(st); st *= k; }
      const nq = frag.circuit.numQubits;
      for (let v = 0; v < this.variantCount[f]; v++) {
        const vp = this.program(f, v);
        if (v === 0) checkBindings(vp.prog, params, inputs);
        // full-table offset of this circuit variant
        let base = 0, r = v;
        frag.sites.forEach((s, i) => { if (s.role !== 'up') { const k = radix[i]; base += (r % k) * strides[i]; r = Math.floor(r / k); } });
        const states = this.run(f, vp, params, inputs);
        // Terminal measurements (no gate after them) are Z factors, since the simulator folds them into read-out.
        // A signed Z measurement followed by nothing: a Z factor, and X/Y read after it average to 0.
        let extraZ = 0, measured = 0;
        if (!vp.signed) for (const w of vp.measureWires) { extraZ ^= 2 ** w; measured |= 2 ** w; }
        const U = 4 ** upSites.length;
        for (let u = 0; u < U; u++) {
          let off = base, ux = 0, uz = 0, uy = 0, rr = u;
          for (const i of upSites) {
            const a = rr % 4; rr = Math.floor(rr / 4);
            off += a * strides[i];
            const b = 2 ** frag.sites[i].qubit;
            // WIRE_MEASURES = I, X, Y, Z
            if (a === 1) ux |= b; else if (a === 2) { ux |= b; uz |= b; uy++; } else if (a === 3) uz |= b;
          }
          for (let p = 0; p < this.paulis.length; p++) {
            const lt = this.paulis[p].local[f];
            const x = lt.x ^ ux, z = lt.z ^ uz ^ extraZ;
            if (x & measured) { tables[p][off] = 0; continue; }
            const nY = popcount(x & z);
            const term: CompiledTerm = { coeff: 1, xmask: x, zmask: z, nY };
            let e = 0;
            for (const s of states) e += s.weight * (s.dm ? expectationDM(s.dm.data, nq, [term]) : expectationSV(s.sv!.data, nq, [term]));
            tables[p][off] = e;
          }
        }
      }
      return tables;
    }
  }

  private run(f: number, vp: VariantProgram, params: ArrayLike<number>, inputs: ArrayLike<number>): Array<{ weight: number; sv?: Statevector; dm?: DensityMatrix }> {
    const n = vp.prog.numQubits, noise = this.noise[f];
    const base = { params, inputs, trusted: true };
    const parity = (c: number) => (popcount(c) & 1 ? -1 : 1);
    if (noise) {
      const bs = runBranches(vp.prog, DensityMatrix.zero(n), { ...base, noise });
      return bs.map((b) => ({ weight: b.weight * (vp.signed ? parity(b.clbits) : 1), dm: b.state }));
    }
    if (vp.signed) {
      const bs = runBranches(vp.prog, Statevector.zero(n), base);
      return bs.map((b) => ({ weight: b.weight * parity(b.clbits), sv: b.state }));
    }
    const sv = Statevector.zero(n);
    runProgram(vp.prog, sv, base);
    return [{ weight: 1, sv }];
  }

  /** The decomposition of every cut at this binding. */
  cutTerms(params: ArrayLike<number> = [], inputs: ArrayLike<number> = []): QpdTerm[][] {
    return this.plan.cuts.map((c, k) => (c.kind === 'wire' ? [...WIRE_CUT_TERMS] : rzzCutTerms(gateCutAngle(this.plan, k, (a) => evalAngleOf(a, params, inputs)))));
  }

  /** Exact reconstruction of every observable. */
  values(params: ArrayLike<number> = [], inputs: ArrayLike<number> = [], out: Float64Array = new Float64Array(this.observables.length)): Float64Array {
    const tables = this.fragmentTables(params, inputs);
    const terms = this.cutTerms(params, inputs);
    const exact = this.paulis.map((_, p) => this.contract(tables, terms, p));
    this.obsTerms.forEach((ts, o) => { let v = 0; for (const [c, p] of ts) v += c * (p < 0 ? 1 : exact[p]); out[o] = v; });
    return out;
  }

  /** Σ_t Π_c a_{c,t_c} Π_f E_f(t) for one global Pauli, by depth-first enumeration of the cuts' terms. */
  private contract(tables: Float64Array[][], terms: QpdTerm[][], p: number): number {
    const plan = this.plan, F = plan.fragments.length, K = plan.cuts.length;
    // per cut: which fragment/stride each side writes to
    const sides = this.siteStrides();
    const idx = new Int32Array(F);
    const tab = tables.map((t) => t[p]);
    const rec = (c: number, coef: number): number => {
      if (c === K) {
        let v = coef;
        for (let f = 0; f < F; f++) v *= tab[f][idx[f]];
        return v;
      }
      const [fa, sa, fb, sb] = sides[c];
      let acc = 0;
      for (const t of terms[c]) {
        if (t.coef === 0) continue;
        idx[fa] += t.a * sa; idx[fb] += t.b * sb;
        acc += rec(c + 1, coef * t.coef);
        idx[fa] -= t.a * sa; idx[fb] -= t.b * sb;
      }
      return acc;
    };
    return rec(0, 1);
  }

  private strideCache: Array<[number, number, number, number]> | null = null;
  /** Per cut: [fragment of side a, its stride, fragment of side b, its stride] in the fragment tables. */
  private siteStrides(): Array<[number, number, number, number]> {
    if (this.strideCache) return this.strideCache;
    const out: Array<[number, number, number, number]> = this.plan.cuts.map(() => [0, 0, 0, 0]);
    this.plan.fragments.forEach((frag, f) => {
      let st = 1;
      frag.sites.forEach((s, i) => {
        const slot = s.role === 'up' || (s.role === 'gate' && s.side === 0) ? 0 : 2;
        out[s.cut][slot] = f; out[s.cut][slot + 1] = st;
        st *= this.radix[f][i];
      });
    });
    this.strideCache = out;
    return out;
  }

  /**
   * Shot-based reconstruction: `shots` QPD samples per Pauli term, each running every fragment once.
   * Unbiased; returns the predicted and the empirical variance.
   */
  sample(params: ArrayLike<number> = [], inputs: ArrayLike<number> = [], o: ShotOptions): CutEstimate {
    const S = o.shots;
    if (!Number.isInteger(S) || S < 1) throw new QmlError(`shots must be a positive integer, got ${S}`, 'shots');
    const rng = new Rng(o.seed ?? 0);
    const tables = this.fragmentTables(params, inputs);
    const terms = this.cutTerms(params, inputs);
    const sides = this.siteStrides();
    const F = this.plan.fragments.length, K = this.plan.cuts.length;
    const gammas = terms.map((ts) => ts.reduce((a, t) => a + Math.abs(t.coef), 0));
    const gamma = gammas.reduce((a, x) => a * x, 1);
    const cdfs = terms.map((ts, c) => { let acc = 0; return ts.map((t) => (acc += Math.abs(t.coef) / gammas[c])); });
    const mean = new Float64Array(this.paulis.length), pred = new Float64Array(this.paulis.length), emp = new Float64Array(this.paulis.length);
    const idx = new Int32Array(F);
    let used = 0;
    for (let p = 0; p < this.paulis.length; p++) {
      const exact = this.contract(tables, terms, p);
      let sum = 0, sumSq = 0;
      for (let s = 0; s < S; s++) {
        idx.fill(0);
        let sign = 1;
        for (let c = 0; c < K; c++) {
          const u = rng.next(), cdf = cdfs[c];
          let t = 0;
          while (t < cdf.length - 1 && u >= cdf[t]) t++;
          const term = terms[c][t];
          if (term.coef < 0) sign = -sign;
          idx[sides[c][0]] += term.a * sides[c][1];
          idx[sides[c][2]] += term.b * sides[c][3];
        }
        let outcome = sign;
        for (let f = 0; f < F; f++) {
          const e = tables[f][p][idx[f]];
          if (rng.next() >= (1 + e) / 2) outcome = -outcome;
        }
        const x = gamma * outcome;
        sum += x; sumSq += x * x;
      }
      used += S * F;
      mean[p] = sum / S;
      pred[p] = (gamma * gamma - exact * exact) / S;
      emp[p] = S > 1 ? (sumSq - (sum * sum) / S) / (S - 1) / S : gamma * gamma / S;
    }
    const values = new Float64Array(this.observables.length), variance = new Float64Array(this.observables.length), sampleVariance = new Float64Array(this.observables.length);
    this.obsTerms.forEach((ts, ob) => {
      for (const [c, p] of ts) {
        values[ob] += c * (p < 0 ? 1 : mean[p]);
        if (p >= 0) { variance[ob] += c * c * pred[p]; sampleVariance[ob] += c * c * emp[p]; }
      }
    });
    return { values, variance, sampleVariance, shotsUsed: used };
  }
}

function popcount(x: number): number {
  let c = 0;
  while (x) { c += x & 1; x = Math.floor(x / 2); }
  return c;
}

export interface ReconstructOptions extends CutEvalOptions {
  params?: ArrayLike<number>;
  inputs?: ArrayLike<number>;
  /** QPD samples per Pauli term; exact reconstruction when omitted. */
  shots?: number;
  seed?: number;
}

export interface Reconstruction {
  value: number;
  /** The estimator's variance (0 when exact). */
  variance: number;
  standardError: number;
  shotsUsed: number;
  samplingOverhead: number;
}

/** One observable of a cut circuit, exactly or with shots. */
export function reconstructExpectation(plan: CutPlan, obs: Observable, opts: ReconstructOptions = {}): Reconstruction {
  const ev = new CutEvaluator(plan, [obs], opts);
  if (opts.shots === undefined) {
    const v = ev.values(opts.params, opts.inputs)[0];
    return { value: v, variance: 0, standardError: 0, shotsUsed: 0, samplingOverhead: plan.samplingOverhead };
  }
  const r = ev.sample(opts.params, opts.inputs, { shots: opts.shots, seed: opts.seed });
  return { value: r.values[0], variance: r.variance[0], standardError: Math.sqrt(r.variance[0]), shotsUsed: r.shotsUsed, samplingOverhead: plan.samplingOverhead };
}
