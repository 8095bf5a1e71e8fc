/**
 * Kernel support vector machines behind the Model interface: the classical RBF SVM and the quantum
 * kernel SVM (QSVM) with a fidelity kernel K(x, x') = |⟨φ(x)|φ(x')⟩|² (Havlíček et al. 2019) or a
 * projected kernel K = exp(−γ Σ_k ‖ρ_k(x) − ρ_k(x')‖²_F) over one-qubit reduced states (Huang et
 * al. 2021; ‖ρ − ρ'‖²_F = ½‖r − r'‖² for Bloch vectors r). One-vs-rest for several classes, SMO for
 * each binary problem, Platt scaling for probabilities. Kernel matrices are computed in blocks from
 * per-row feature states computed once.
 *
 * Bandwidth (Shaydulin & Wild 2022, "Importance of kernel bandwidth in quantum machine learning",
 * Phys. Rev. A 106, 042407): every kernel is evaluated on s·x, the inputs scaled by a bandwidth s
 * before the feature map (for the RBF kernel this multiplies γ by s²). A fidelity kernel on many
 * qubits with s = 1 is nearly diagonal and generalises poorly; a smaller s widens it. Unless given,
 * s is chosen together with C by accuracy on a stratified validation split of the training rows.
 *
 * @example
 * import { KernelSVM } from 'qml6g';
 * const svm = new KernelSVM({ kind: 'rbf' }, 4, 2);
 * // svm.fit(X, y, { seed: 0 }); svm.predictProba(X);
 */
import { QmlError } from '../../core/errors.js';
import { stratifiedSubset } from '../table.js';
import { rowsOf, type RowMatrix } from '../../sim/batch.js';
import { AdjointWorkspace, adjointBackward, adjointForward } from '../../sim/gradients.js';
import { jacobian } from '../../sim/gradients.js';
import { FusedRunner } from '../../sim/fused.js';
import { compile, type Program } from '../../sim/program.js';
import { Statevector } from '../../sim/statevector.js';
import { compileObservable, expectationSV, type Observable } from '../../sim/observable.js';
import { encodingCircuit, type Architecture } from '../circuits.js';
import { plattProb, plattScale, smo } from '../svm.js';
import { checkInputs, type Execution, type GradOptions, type LossGradient, type Model, type ModelJSON } from '../model.js';
import { DensityMatrix } from '../../sim/density.js';
import { runBranches } from '../../sim/execute.js';
import { CompiledNoise } from '../../sim/noise.js';
import { expectationDM } from '../../sim/observable.js';
import { Rng } from '../../core/rng.js';
import { CutForward } from '../cut-execution.js';

export type KernelSpec =
  | { kind: 'rbf'; gamma?: number }
  | { kind: 'fidelity'; arch: Pick<Architecture, 'qubits' | 'encoding' | 'reps'> }
  | { kind: 'projected'; arch: Pick<Architecture, 'qubits' | 'encoding' | 'reps'>; gamma?: number };

export interface SvmOptions {
  /** Box constraint; when omitted it is chosen from 1, 10, 100 on a stratified 20% of the training rows. */
  C?: number;
  /**
   * Input scale s (the kernel sees s·x); when omitted it is chosen from BANDWIDTHS together with C
   * on the same validation rows (with C given, s = 1 unless given too).
   */
  bandwidth?: number;
  /** Rows kept for training (stratified, seeded): kernel cost grows with its square (default 1500). */
  maxTrain?: number;
  tol?: number;
  /**
   * Quantum kernels only. Under a noise model the feature states are density matrices and the
   * fidelity kernel is Tr(ρ(x)ρ(x')); with shots every kernel entry is estimated as the compute-
   * uncompute circuit would: Binomial(shots, K)/shots (seeded), and Bloch components from `shots`
   * measurements each. Input gradients then are those of the expected (noisy, exact) kernel.
   */
  execution?: Execution;
}

interface Binary { coef: number[]; bias: number; A: number; B: number }

/** The bandwidths tried when none is given: a factor-2 grid around s = 1 (inputs in [0, π]). */
export const BANDWIDTHS = [0.125, 0.25, 0.5, 1, 2];

export class KernelSVM implements Model {
  readonly kind: 'quantum' | 'classical';
  readonly params = new Float64Array(0);
  private prog: Program | null = null;
  private runner: FusedRunner | null = null;
  private sv: Statevector | null = null;
  private ws: AdjointWorkspace | null = null;
  private bloch: Observable[] = [];
  /** Training rows kept as support (features as given to fit). */
  support: RowMatrix | null = null;
  /** Their feature states: statevectors (fidelity), Bloch vectors (projected) or the rows (rbf). */
  private states: Float64Array | null = null;
  private gamma = 1;
  /** The bandwidth s in use (given, or chosen at fit). */
  bandwidth = 1;
  binaries: Binary[] = [];
  /** The box constraint used (given or chosen at fit). */
  chosenC: number | null = null;
  /** Kernel-target alignment on the training rows, recorded at fit. */
  alignment: number | null = null;
  /** Devices narrower than the feature map: the projected kernel's Bloch vectors come from cut fragments. */
  readonly cut: CutForward | null = null;

  constructor(readonly kernel: KernelSpec, readonly numFeatures: number, readonly numClasses: number, readonly options: SvmOptions = {}) {
    this.kind = kernel.kind === 'rbf' ? 'classical' : 'quantum';
    if (options.bandwidth !== undefined) {
      if (!(options.bandwidth > 0 && Number.isFinite(options.bandwidth))) throw new QmlError(`bandwidth must be a positive number, got ${options.bandwidth}`, 'svm.bandwidth');
      this.bandwidth = options.bandwidth;
    }
    if (kernel.kind !== 'rbf') {
      this.prog = compile(encodingCircuit(kernel.arch.encoding, kernel.arch.qubits, numFeatures, kernel.arch.reps));
      const q = kernel.arch.qubits;
      if (kernel.kind === 'projected') for (let k = 0; k < q; k++) for (const P of ['X', 'Y', 'Z']) this.bloch.push({ terms: [{ coeff: 1, paulis: P, wires: [k] }] });
      if (CutForward.needed(options.execution, q)) {
        // Bloch vectors are Pauli expectations, which cutting reconstructs; a fidelity entry is the
        // all-zero probability of a compute-uncompute circuit per PAIR of rows (2^q Pauli terms each).
        if (kernel.kind === 'fidelity') throw new QmlError('on devices narrower than the feature map, use the projected kernel (--kernel projected): its Bloch vectors are Pauli expectations that circuit cutting reconstructs row by row', 'device');
        this.cut = new CutForward(encodingCircuit(kernel.arch.encoding, q, numFeatures, kernel.arch.reps), this.bloch, options.execution!);
      }
    }
  }

  get type(): string { return this.kernel.kind === 'rbf' ? 'svm' : 'qsvm'; }

  /** Set while the bandwidth is chosen: the search runs on the ideal (noiseless, exact, uncut) kernel. */
  private ideal = false;
  private get noisy(): boolean { return this.kernel.kind !== 'rbf' && !this.ideal && !!this.options.execution?.noise; }
  private get shots(): number | undefined { return this.kernel.kind !== 'rbf' && !this.ideal ? this.options.execution?.shots : undefined; }
  /** Estimates are drawn from this generator, so a fixed seed gives fixed kernels. */
  private shotRng = new Rng(0);

  private get stateDim(): number {
    if (this.kernel.kind === 'rbf') return this.numFeatures;
    if (this.kernel.kind === 'projected') return this.bloch.length;
    return this.noisy ? 2 * 4 ** this.kernel.arch.qubits : 2 * 2 ** this.kernel.arch.qubits;
  }

  /** The rows scaled by the bandwidth: what the feature map sees. */
  private scaled(X: RowMatrix): RowMatrix {
    if (this.bandwidth === 1) return X;
    const data = new Float64Array(X.rows * X.cols);
    for (let i = 0; i < data.length; i++) data[i] = this.bandwidth * X.data[i];
    return { data, rows: X.rows, cols: X.cols };
  }

  /** Feature states of the rows at the current bandwidth (rows × stateDim). */
  featureStates(X0: RowMatrix): Float64Array {
    const X = this.scaled(X0);
    const D = this.stateDim, out = new Float64Array(X.rows * D);
    if (this.kernel.kind === 'rbf') {
      for (let r = 0; r < X.rows; r++) out.set(X.data.subarray(r * X.cols, r * X.cols + D), r * D);
      return out;
    }
    const prog = this.prog!, q = prog.numQubits;
    if (this.cut && !this.ideal) {
      const row = new Float64Array(D);
      for (let r = 0; r < X.rows; r++) {
        const x = X.data.subarray(r * X.cols, (r + 1) * X.cols);
        out.set(this.shots ? this.cut.values([], x, row) : this.cut.exactValues([], x, row), r * D);
      }
      return out;
    }
    const terms = this.bloch.map((o) => compileObservable(o, q));
    if (this.noisy) {
      const noise = new CompiledNoise(this.options.execution!.noise!, q);
      const rho = DensityMatrix.zero(q);
      for (let r = 0; r < X.rows; r++) {
        rho.data.fill(0); rho.data[0] = 1;
        runBranches(prog, rho, { inputs: X.data.subarray(r * X.cols, (r + 1) * X.cols), noise });
        if (this.kernel.kind === 'fidelity') out.set(rho.data, r * D);
        else for (let k = 0; k < D; k++) out[r * D + k] = this.sampleMean(expectationDM(rho.data, q, terms[k]));
      }
      return out;
    }
    this.runner ??= new FusedRunner(prog);
    this.sv ??= Statevector.zero(q);
    for (let r = 0; r < X.rows; r++) {
      this.sv.reset();
      this.runner.run(this.sv, [], X.data.subarray(r * X.cols, (r + 1) * X.cols));
      if (this.kernel.kind === 'fidelity') out.set(this.sv.data, r * D);
      else for (let k = 0; k < D; k++) out[r * D + k] = this.sampleMean(expectationSV(this.sv.data, q, terms[k]));
    }
    return out;
  }

  /** With shots, the mean of `shots` ±1 outcomes whose expectation is `mean`; otherwise `mean`. */
  private sampleMean(mean: number): number {
    const shots = this.shots;
    if (!shots) return mean;
    const p = Math.min(1, Math.max(0, (1 + mean) / 2));
    let ones = 0;
    for (let s = 0; s < shots; s++) if (this.shotRng.next() < p) ones++;
    return (2 * ones - shots) / shots;
  }

  /** With shots, a fidelity-kernel entry is the frequency of the all-zero outcome of the compute-uncompute circuit. */
  private sampleProbability(p: number): number {
    const shots = this.shots;
    if (!shots || this.kernel.kind !== 'fidelity') return p;
    let hits = 0;
    const pp = Math.min(1, Math.max(0, p));
    for (let s = 0; s < shots; s++) if (this.shotRng.next() < pp) hits++;
    return hits / shots;
  }

  /** The kernel matrix K(A_i, B_j) of two sets of rows (A × A when B is omitted): A.rows × B.rows. */
  gram(A: RowMatrix, B?: RowMatrix): Float64Array {
    const sa = this.featureStates(A), sb = B ? this.featureStates(B) : sa;
    return this.kernelMatrix(sa, A.rows, sb, (B ?? A).rows);
  }

  /** K(a_i, b_j) for state blocks a (na rows) and b (nb rows): na × nb. */
  kernelMatrix(a: Float64Array, na: number, b: Float64Array, nb: number): Float64Array {
    const D = this.stateDim, K = new Float64Array(na * nb);
    const fid = this.kernel.kind === 'fidelity';
    const BLOCK = 64;
    for (let i0 = 0; i0 < na; i0 += BLOCK) for (let j0 = 0; j0 < nb; j0 += BLOCK) {
      const i1 = Math.min(na, i0 + BLOCK), j1 = Math.min(nb, j0 + BLOCK);
      for (let i = i0; i < i1; i++) {
        const ai = i * D;
        for (let j = j0; j < j1; j++) {
          const bj = j * D;
          if (fid) {
            let re = 0, im = 0;
            for (let k = 0; k < D; k += 2) {
              re += a[ai + k] * b[bj + k] + a[ai + k + 1] * b[bj + k + 1];
              im += a[ai + k] * b[bj + k + 1] - a[ai + k + 1] * b[bj + k];
            }
            // Pure states: |⟨φ|φ'⟩|²; density matrices (noise): Tr(ρρ') = Re⟨vec ρ, vec ρ'⟩.
            K[i * nb + j] = this.sampleProbability(this.noisy ? re : re * re + im * im);
          } else {
            let s = 0;
            for (let k = 0; k < D; k++) { const t = a[ai + k] - b[bj + k]; s += t * t; }
            K[i * nb + j] = Math.exp(-this.gamma * s);
          }
        }
      }
    }
    return K;
  }

  fit(X: RowMatrix, y: Int32Array, opts: { classWeights?: Float64Array; seed: number; log?: (s: string) => void }): void {
    checkInputs(this, X);
    // Density-matrix feature states are 2^q times larger: a smaller default cap under noise.
    const cap = this.options.maxTrain ?? (this.noisy ? 300 : 1500);
    let idx = Array.from({ length: X.rows }, (_, i) => i);
    if (X.rows > cap) {
      idx = stratifiedSubset(y, cap, opts.seed);
      opts.log?.(`${this.type}: training on a stratified subset of ${idx.length} of ${X.rows} rows (kernel cost grows with the square)`);
    }
    const n = idx.length;
    const S = rowsOf(X, idx);
    const ys = Int32Array.from(idx, (i) => y[i]);
    this.shotRng = new Rng((this.options.execution?.seed ?? 0) ^ opts.seed);
    if (this.noisy && n > 400) opts.log?.(`${this.type}: density-matrix feature states take ${((2 * 4 ** (this.kernel as { arch: { qubits: number } }).arch.qubits * 8 * n) / 2 ** 20).toFixed(0)} MiB; consider --max-rows`);
    let C = this.options.C;
    const given = this.options.bandwidth ?? (C !== undefined ? 1 : undefined);
    if (given === undefined && n >= 50) {
      this.ideal = true;
      try { ({ C, bandwidth: this.bandwidth } = this.chooseKernel(S, n, ys, opts)); } finally { this.ideal = false; }
    } else this.bandwidth = given ?? 1;
    const { states, K } = this.prepare(S, n);
    this.support = S;
    this.states = states;
    C ??= this.chooseC(K, n, ys, opts);
    this.chosenC = C;
    this.binaries = this.solve(K, n, ys, Array.from({ length: n }, (_, i) => i), C, opts.classWeights);
    this.alignment = kernelTargetAlignment(K, n, ys);
    opts.log?.(`${this.type}: ${n} training rows, kernel-target alignment ${this.alignment.toFixed(3)}`);
  }

  /** One-vs-rest (or one binary) SMO problems on the rows `idx` of the kernel matrix. */
  private solve(K: Float64Array, n: number, ys: Int32Array, idx: number[], C: number, classWeights?: Float64Array): Binary[] {
    const m = idx.length, Ks = new Float64Array(m * m);
    for (let a = 0; a < m; a++) for (let b = 0; b < m; b++) Ks[a * m + b] = K[idx[a] * n + idx[b]];
    const yl = Int32Array.from(idx, (i) => ys[i]);
    const problems = this.numClasses === 2 ? [1] : Array.from({ length: this.numClasses }, (_, c) => c);
    return problems.map((pos) => {
      const yy = Float64Array.from(yl, (v) => (v === pos ? 1 : -1));
      const box = Float64Array.from(yl, (v) => C * (classWeights ? classWeights[v] : 1));
      const r = smo(Ks, m, yy, box, this.options.tol ?? 1e-3);
      const f = new Float64Array(m);
      for (let i = 0; i < m; i++) { let v = r.bias; for (let j = 0; j < m; j++) v += r.coef[j] * Ks[j * m + i]; f[i] = v; }
      const { A, B } = plattScale(f, yy);
      // Coefficients over all n rows (zero for rows outside idx), so decision() can use the full support.
      const coef = new Array<number>(n).fill(0);
      idx.forEach((i, a) => { coef[i] = r.coef[a]; });
      return { coef, bias: r.bias, A, B };
    });
  }

  /** Feature states and kernel matrix of the rows at the current bandwidth (γ set from them for RBF / projected kernels). */
  private prepare(S: RowMatrix, n: number): { states: Float64Array; K: Float64Array } {
    const states = this.featureStates(S);
    if (this.kernel.kind !== 'fidelity') {
      // γ = 1 / (D · Var) ('scale', as scikit-learn) unless given; for RBF the variance of the
      // unscaled rows, so that the bandwidth s multiplies γ by s².
      const D = this.stateDim;
      let a = 0, a2 = 0;
      for (const v of states) { a += v; a2 += v * v; }
      let variance = a2 / states.length - (a / states.length) ** 2;
      if (this.kernel.kind === 'rbf') variance /= this.bandwidth * this.bandwidth;
      this.gamma = (this.kernel as { gamma?: number }).gamma ?? 1 / (D * Math.max(variance, 1e-12));
    }
    return { states, K: this.kernelMatrix(states, n, states, n) };
  }

  /** The stratified 20% validation rows (and the rest) that C and the bandwidth are chosen on. */
  private validationSplit(n: number, ys: Int32Array, seed: number): { tr: number[]; val: number[] } {
    const v = new Set(stratifiedSubset(ys, Math.round(0.2 * n), seed + 17));
    return { tr: Array.from({ length: n }, (_, i) => i).filter((i) => !v.has(i)), val: [...v] };
  }

  /** Accuracy on the validation rows of the SVM trained with box C on the other rows of K. */
  private validationAccuracy(K: Float64Array, n: number, ys: Int32Array, tr: number[], val: number[], C: number, classWeights?: Float64Array): number {
    const bins = this.solve(K, n, ys, tr, C, classWeights);
    let ok = 0;
    for (const i of val) {
      const f = bins.map((b) => { let v = b.bias; for (let j = 0; j < n; j++) if (b.coef[j]) v += b.coef[j] * K[j * n + i]; return v; });
      const pred = this.numClasses === 2 ? (f[0] > 0 ? 1 : 0) : f.indexOf(Math.max(...f));
      if (pred === ys[i]) ok++;
    }
    return ok / val.length;
  }

  /** C from {1, 10, 100} by accuracy on a stratified 20% of the training rows (the kernel is computed once). */
  private chooseC(K: Float64Array, n: number, ys: Int32Array, opts: { classWeights?: Float64Array; seed: number; log?: (s: string) => void }): number {
    if (n < 50) return 1;
    const { tr, val } = this.validationSplit(n, ys, opts.seed);
    let best = 1, bestAcc = -1;
    for (const C of [1, 10, 100]) {
      const acc = this.validationAccuracy(K, n, ys, tr, val, C, opts.classWeights);
      if (acc > bestAcc + 1e-12) { bestAcc = acc; best = C; }
    }
    opts.log?.(`${this.type}: chose C = ${best} (validation accuracy ${bestAcc.toFixed(4)})`);
    return best;
  }

  /**
   * The bandwidth s from BANDWIDTHS and C from {1, 10, 100} by mean accuracy over a stratified
   * 3-fold split of the training rows (one validation split of a few hundred rows picks the
   * bandwidth by noise); ties go to the s nearest 1, then to the smaller C.
   */
  private chooseKernel(S: RowMatrix, n: number, ys: Int32Array, opts: { classWeights?: Float64Array; seed: number; log?: (s: string) => void }): { C: number; bandwidth: number } {
    const folds = stratifiedFolds(ys, 3, opts.seed + 17);
    const order = [...BANDWIDTHS].sort((a, b) => Math.abs(Math.log2(a)) - Math.abs(Math.log2(b)) || b - a);
    let best = { C: 1, bandwidth: 1 }, bestAcc = -1;
    for (const s of order) {
      this.bandwidth = s;
      const { K } = this.prepare(S, n);
      for (const C of [1, 10, 100]) {
        let acc = 0;
        for (const { tr, val } of folds) acc += this.validationAccuracy(K, n, ys, tr, val, C, opts.classWeights) / folds.length;
        if (acc > bestAcc + 1e-9) { bestAcc = acc; best = { C, bandwidth: s }; }
      }
    }
    opts.log?.(`${this.type}: chose bandwidth ${best.bandwidth} and C = ${best.C} (3-fold validation accuracy ${bestAcc.toFixed(4)})`);
    return best;
  }

  private ensureFitted(): void {
    if (!this.support || !this.states) throw new QmlError(`the ${this.type} model has not been fitted`);
  }

  private active: { binaries: Binary[]; states: Float64Array; idx: Int32Array; sv: Float64Array } | null = null;

  /**
   * The support rows with a nonzero coefficient in some binary problem, and their feature states.
   * SMO leaves most coefficients at zero, and a zero term adds nothing to a decision value, so the
   * kernel is evaluated against these rows only (the sums keep their order: the values are the same
   * to the last bit). Rebuilt when the coefficients or the states change.
   */
  private activeSupport(): { idx: Int32Array; sv: Float64Array } {
    const a = this.active;
    if (a && a.binaries === this.binaries && a.states === this.states) return a;
    const n = this.support!.rows, D = this.stateDim, st = this.states!;
    const keep: number[] = [];
    for (let i = 0; i < n; i++) if (this.binaries.some((b) => b.coef[i] !== 0)) keep.push(i);
    const idx = Int32Array.from(keep), sv = new Float64Array(keep.length * D);
    keep.forEach((i, k) => sv.set(st.subarray(i * D, (i + 1) * D), k * D));
    this.active = { binaries: this.binaries, states: st, idx, sv };
    return this.active;
  }

  /** Decision values rows × (number of binary problems). */
  decision(X: RowMatrix): Float64Array {
    this.ensureFitted();
    checkInputs(this, X);
    const st = this.featureStates(X);
    // With shots every kernel entry draws from the seeded estimator: keep every row so the draws stay as they were.
    const { idx, sv } = this.shots ? { idx: Int32Array.from({ length: this.support!.rows }, (_, i) => i), sv: this.states! } : this.activeSupport();
    const m = idx.length;
    const K = this.kernelMatrix(sv, m, st, X.rows);
    const B = this.binaries.length, out = new Float64Array(X.rows * B);
    this.binaries.forEach((bin, c) => {
      for (let r = 0; r < X.rows; r++) {
        let v = bin.bias;
        for (let a = 0; a < m; a++) v += bin.coef[idx[a]] * K[a * X.rows + r];
        out[r * B + c] = v;
      }
    });
    return out;
  }

  /** Probabilities from decision values (Platt; one-vs-rest normalised). Also returns ∂p/∂f helpers. */
  private probsFromDecision(f: Float64Array, rows: number): Float64Array {
    const C = this.numClasses, B = this.binaries.length, out = new Float64Array(rows * C);
    for (let r = 0; r < rows; r++) {
      if (C === 2) {
        const p1 = plattProb(f[r], this.binaries[0].A, this.binaries[0].B);
        out[r * 2] = 1 - p1; out[r * 2 + 1] = p1;
      } else {
        let s = 0;
        for (let c = 0; c < B; c++) { const p = plattProb(f[r * B + c], this.binaries[c].A, this.binaries[c].B); out[r * C + c] = p; s += p; }
        for (let c = 0; c < C; c++) out[r * C + c] /= s;
      }
    }
    return out;
  }

  predictProba(X: RowMatrix): Float64Array {
    return this.probsFromDecision(this.decision(X), X.rows);
  }

  /**
   * Kernel models are fitted by SMO, not by gradients: dparams is empty. Input gradients of each
   * row's cross-entropy go through Platt scaling and the kernel (analytic for RBF; one adjoint
   * pass with λ = Σ_i w_i φ_i⟨φ_i|ψ⟩ for the fidelity kernel; Bloch-vector Jacobians for the
   * projected kernel).
   */
  lossGrad(X: RowMatrix, y: Int32Array, opts: GradOptions = {}): LossGradient {
    this.ensureFitted();
    if (opts.targets) throw new QmlError(`${this.type} is fitted by SMO on hard labels; soft targets apply to gradient-trained models`);
    const f = this.decision(X), rows = X.rows, C = this.numClasses, B = this.binaries.length, d = this.numFeatures;
    const p = this.probsFromDecision(f, rows);
    let loss = 0, wsum = 0;
    const gf = new Float64Array(rows * B);
    for (let r = 0; r < rows; r++) {
      const w = opts.classWeights ? opts.classWeights[y[r]] : 1;
      wsum += w;
      loss -= w * Math.log(Math.max(p[r * C + y[r]], 1e-300));
      if (C === 2) {
        // p1 = σ(−(A f + B)): ∂ℓ/∂f = −A (p1 − [y = 1]).
        const bin = this.binaries[0];
        gf[r] = w * -bin.A * (p[r * 2 + 1] - (y[r] === 1 ? 1 : 0));
      } else {
        // p_c = s_c / Σ s, s_c = σ(−(A_c f_c + B_c)); ℓ = −log p_y.
        let S = 0;
        const s = new Float64Array(C);
        for (let c = 0; c < C; c++) { s[c] = plattProb(f[r * B + c], this.binaries[c].A, this.binaries[c].B); S += s[c]; }
        for (let c = 0; c < C; c++) {
          const ds = -this.binaries[c].A * s[c] * (1 - s[c]);
          const dl = (c === y[r] ? -1 / s[c] : 0) + 1 / S;
          gf[r * B + c] = w * dl * ds;
        }
      }
    }
    const out: LossGradient = { loss: loss / Math.max(wsum, 1e-300), dparams: new Float64Array(0) };
    if (opts.wrtInputs) out.dinputs = this.noisy || this.shots ? this.expectedInputGradient(X, gf) : this.inputGradient(X, gf);
    void d;
    return out;
  }

  /**
   * Under noise or shots: Σ_c gf[r,c] ∂E[f_c]/∂x_r by central differences (step 1e-5) of the
   * decision values computed from the exact (noisy) kernel, i.e. the gradient of the expectation
   * that an EOT attack needs.
   */
  private expectedInputGradient(X: RowMatrix, gf: Float64Array): Float64Array {
    const rows = X.rows, d = this.numFeatures, B = this.binaries.length, h = 1e-5;
    const out = new Float64Array(rows * d);
    const shots = this.options.execution?.shots;
    const exec = this.options.execution!;
    // Expected kernel: switch sampling off while differencing.
    this.options.execution = { ...exec, shots: undefined };
    try {
      const saved = this.states;
      if (shots) this.states = this.featureStates(this.support!);
      for (let r = 0; r < rows; r++) for (let k = 0; k < d; k++) {
        const x = { data: Float64Array.from(X.data.subarray(r * X.cols, (r + 1) * X.cols)), rows: 1, cols: X.cols };
        x.data[k] += h;
        const fp = this.decision(x);
        x.data[k] -= 2 * h;
        const fm = this.decision(x);
        let g = 0;
        for (let c = 0; c < B; c++) g += gf[r * B + c] * (fp[c] - fm[c]) / (2 * h);
        out[r * d + k] = g;
      }
      this.states = saved;
    } finally {
      this.options.execution = exec;
    }
    return out;
  }

  /** Σ_c gf[r,c] ∂f_c/∂x_r for every row. */
  private inputGradient(X: RowMatrix, gf: Float64Array): Float64Array {
    const rows = X.rows, d = this.numFeatures, B = this.binaries.length, n = this.support!.rows, D = this.stateDim;
    const out = new Float64Array(rows * d);
    const w = new Float64Array(n);
    for (let r = 0; r < rows; r++) {
      w.fill(0);
      for (let c = 0; c < B; c++) { const g = gf[r * B + c]; if (g) for (let i = 0; i < n; i++) w[i] += g * this.binaries[c].coef[i]; }
      // The kernel sees s·x: evaluate at s·x and multiply the gradient by s (chain rule).
      const sw = this.bandwidth, x = Float64Array.from(X.data.subarray(r * X.cols, r * X.cols + d), (v) => sw * v);
      const ro = out.subarray(r * d, (r + 1) * d);
      if (this.kernel.kind === 'rbf') {
        for (let i = 0; i < n; i++) {
          if (!w[i]) continue;
          let s = 0;
          for (let k = 0; k < d; k++) { const t = x[k] - this.states![i * D + k]; s += t * t; }
          const kv = Math.exp(-this.gamma * s);
          for (let k = 0; k < d; k++) ro[k] += sw * w[i] * kv * -2 * this.gamma * (x[k] - this.states![i * D + k]);
        }
      } else if (this.kernel.kind === 'fidelity') {
        // Σ_i w_i |⟨φ_i|ψ⟩|² = ⟨ψ|M|ψ⟩ with M = Σ w_i |φ_i⟩⟨φ_i|, so λ = Mψ.
        this.ws ??= new AdjointWorkspace(this.prog!);
        const ws = this.ws, psi = ws.psi.data, lam = ws.lam, st = this.states!;
        adjointForward(ws, [], x);
        lam.fill(0);
        for (let i = 0; i < n; i++) {
          if (!w[i]) continue;
          let re = 0, im = 0;
          for (let k = 0; k < D; k += 2) { re += st[i * D + k] * psi[k] + st[i * D + k + 1] * psi[k + 1]; im += st[i * D + k] * psi[k + 1] - st[i * D + k + 1] * psi[k]; }
          for (let k = 0; k < D; k += 2) {
            lam[k] += w[i] * (st[i * D + k] * re - st[i * D + k + 1] * im);
            lam[k + 1] += w[i] * (st[i * D + k] * im + st[i * D + k + 1] * re);
          }
        }
        adjointBackward(ws, x, new Float64Array(0), ro);
        if (sw !== 1) for (let k = 0; k < d; k++) ro[k] *= sw;
      } else {
        const j = jacobian(this.prog!, this.bloch, { inputs: x, method: 'adjoint' });
        const b = j.values;
        for (let i = 0; i < n; i++) {
          if (!w[i]) continue;
          let s = 0;
          for (let k = 0; k < D; k++) { const t = b[k] - this.states![i * D + k]; s += t * t; }
          const kv = Math.exp(-this.gamma * s);
          for (let k = 0; k < D; k++) {
            const gk = w[i] * kv * -2 * this.gamma * (b[k] - this.states![i * D + k]);
            for (let m = 0; m < d; m++) ro[m] += sw * gk * j.dinputs[k][m];
          }
        }
      }
    }
    return out;
  }

  toJSON(): ModelJSON {
    this.ensureFitted();
    return {
      format: 'qml6g-model', version: 1, type: this.type, kernel: this.kernel, numFeatures: this.numFeatures, numClasses: this.numClasses,
      options: this.options, gamma: this.gamma, bandwidth: this.bandwidth, alignment: this.alignment, C: this.chosenC,
      support: Array.from(this.support!.data), supportRows: this.support!.rows, binaries: this.binaries,
    };
  }

  static fromJSON(j: Record<string, unknown>): KernelSVM {
    const m = new KernelSVM(j.kernel as KernelSpec, j.numFeatures as number, j.numClasses as number, (j.options ?? {}) as SvmOptions);
    const rows = j.supportRows as number, data = Float64Array.from(j.support as number[]);
    if (!Number.isInteger(rows) || data.length !== rows * m.numFeatures) throw new QmlError('support rows do not match the feature count (corrupt model file?)', 'model.support');
    m.support = { data, rows, cols: m.numFeatures };
    m.gamma = j.gamma as number;
    // Files from before the bandwidth was chosen carry none: their kernel saw the inputs as given.
    const bw = j.bandwidth ?? 1;
    if (typeof bw !== 'number' || !(bw > 0) || !Number.isFinite(bw)) throw new QmlError('"bandwidth" must be a positive number (corrupt model file?)', 'model.bandwidth');
    m.bandwidth = bw;
    m.alignment = (j.alignment as number) ?? null;
    m.chosenC = (j.C as number) ?? null;
    m.binaries = j.binaries as Binary[];
    if (!Array.isArray(m.binaries) || m.binaries.some((b) => b.coef.length !== rows)) throw new QmlError('SVM coefficients do not match the support rows (corrupt model file?)', 'model.binaries');
    m.states = m.featureStates(m.support);
    return m;
  }
}

/** k stratified folds of the rows (seeded): each row is a validation row in exactly one. */
export function stratifiedFolds(y: ArrayLike<number>, k: number, seed: number): Array<{ tr: number[]; val: number[] }> {
  const rng = new Rng(seed), by = new Map<number, number[]>();
  for (let i = 0; i < y.length; i++) { const l = by.get(y[i]); if (l) l.push(i); else by.set(y[i], [i]); }
  const fold = new Int32Array(y.length);
  let next = 0;
  // Classes in a fixed order, each shuffled and dealt round-robin, so every fold gets its share.
  for (const c of [...by.keys()].sort((a, b) => a - b)) {
    const rows = by.get(c)!;
    rng.shuffle(rows);
    for (const i of rows) fold[i] = next++ % k;
  }
  return Array.from({ length: k }, (_, f) => {
    const tr: number[] = [], val: number[] = [];
    for (let i = 0; i < y.length; i++) (fold[i] === f ? val : tr).push(i);
    return { tr, val };
  });
}

/**
 * Kernel-target alignment (Cristianini et al. 2002): ⟨K, Y⟩_F / (‖K‖_F ‖Y‖_F) with Y_ij = +1 for
 * the same class and −1 otherwise.
 */
export function kernelTargetAlignment(K: Float64Array, n: number, y: ArrayLike<number>): number {
  let ky = 0, kk = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    const k = K[i * n + j];
    ky += k * (y[i] === y[j] ? 1 : -1);
    kk += k * k;
  }
  return ky / (Math.sqrt(kk) * n);
}
