import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../core/rng.js';
import { CircuitBuilder, param, scale, type Angle, type Circuit } from '../sim/circuit.js';
import { compile } from '../sim/program.js';
import { runProgram } from '../sim/execute.js';
import { Statevector } from '../sim/statevector.js';
import { gradient } from '../sim/gradients.js';
import type { Observable } from '../sim/observable.js';
import { QuboBuilder, quboToIsing, quboValues, type Qubo } from './qubo.js';
import { FastQaoa, layerPlan, warmMatrix, type MixerName } from './qaoa/fast.js';
import { fixedAngles, fixedAngleTable, interpAngles } from './qaoa/angles.js';
import { maxcutProblem } from './builders/maxcut.js';
import { penalized } from './problem.js';
import { girth, makeGraph, randomRegularGraph, type Graph } from './graph.js';
import { bruteForce } from './solvers/brute.js';

function randomQubo(n: number, seed: number, integer = false): Qubo {
  const rng = new Rng(seed), b = new QuboBuilder(n);
  const r = () => (integer ? rng.int(7) - 3 : rng.normal());
  for (let i = 0; i < n; i++) b.addLinear(i, r());
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (rng.next() < 0.6) b.addQuad(i, j, r());
  b.addConstant(0.37);
  return b.build();
}

/** The same QAOA circuit for the general simulator: phase from the Ising form as RZ/RZZ, mixers as gates. */
function referenceCircuit(q: Qubo, mixer: MixerName, pairs: Array<[number, number]>, free: number[], gam: Angle[], bet: Angle[], warmTheta?: number[], betaValues?: number[]): Circuit {
  const ising = quboToIsing(q), b = new CircuitBuilder(q.n);
  const neg = (a: Angle, k: number): Angle => scale(a, k);
  for (let l = 0; l < gam.length; l++) {
    // e^{iγ f} = Π e^{iγ h Z} e^{iγ J ZZ} (global phase dropped): rz(−2γh), rzz(−2γJ).
    ising.h.forEach((h, i) => { if (h) b.rz(i, neg(gam[l], -2 * h)); });
    for (const [i, j, w] of ising.J) b.rzz(i, j, neg(gam[l], -2 * w));
    if (mixer === 'x') for (let i = 0; i < q.n; i++) b.rx(i, neg(bet[l], 2));
    else if (mixer === 'warm') {
      for (let i = 0; i < q.n; i++) {
        const m = warmMatrix(warmTheta![i], betaValues![l], new Float64Array(8));
        b.unitary([i], [[[m[0], m[1]], [m[2], m[3]]], [[m[4], m[5]], [m[6], m[7]]]] as never);
      }
    } else {
      for (const [a, c] of pairs) { b.rxx(a, c, bet[l]); b.ryy(a, c, bet[l]); }
      for (const i of free) b.rx(i, neg(bet[l], 2));
    }
  }
  return b.build();
}

function referenceExpectation(q: Qubo, circuit: Circuit, init: Float64Array): number {
  const sv = new Statevector(q.n, Float64Array.from(init));
  runProgram(compile(circuit), sv);
  const p = sv.probabilities(), v = quboValues(q);
  let e = 0;
  for (let x = 0; x < p.length; x++) e += p[x] * v[x];
  return e;
}

function initialState(spec: ConstructorParameters<typeof FastQaoa>[0]): Float64Array {
  const f = new FastQaoa(spec);
  f.reset();
  return Float64Array.from(f.state);
}

test('fast QAOA expectations equal the general simulator on the same circuits to 1e-10 (x mixer, grid and non-grid costs)', () => {
  for (const [seed, integer] of [[1, true], [2, false], [3, true]] as const) {
    const q = randomQubo(6, seed, integer);
    const rng = new Rng(seed + 10), p = 3;
    const g = Array.from({ length: p }, () => rng.next() * 2 - 1), bt = Array.from({ length: p }, () => rng.next() * 2 - 1);
    const fast = new FastQaoa({ qubo: q });
    assert.equal(fast.cost.kind, integer ? 'levels' : 'values');
    fast.run(g, bt);
    const ref = referenceExpectation(q, referenceCircuit(q, 'x', [], [], g, bt), initialState({ qubo: q }));
    assert.ok(Math.abs(fast.expectation() - ref) < 1e-10, `${fast.expectation()} vs ${ref}`);
  }
});

test('XY ring and complete mixers match the general simulator and stay in the one-hot subspace', () => {
  const q = randomQubo(7, 4, true);
  const groups = [[0, 1, 2], [3, 4, 5]];
  for (const mixer of ['xy-ring', 'xy-complete'] as const) {
    const fast = new FastQaoa({ qubo: q, mixer, groups });
    const g = [0.4, -0.7], bt = [0.9, 0.3];
    fast.run(g, bt);
    const pairs = mixer === 'xy-complete' ? [[0, 1], [0, 2], [1, 2], [3, 4], [3, 5], [4, 5]] : [[0, 1], [1, 2], [2, 0], [3, 4], [4, 5], [5, 3]];
    const ref = referenceExpectation(q, referenceCircuit(q, mixer, pairs as Array<[number, number]>, [6], g, bt), initialState({ qubo: q, mixer, groups }));
    assert.ok(Math.abs(fast.expectation() - ref) < 1e-10, `${mixer}: ${fast.expectation()} vs ${ref}`);
    const probs = fast.probabilities();
    let inside = 0;
    probs.forEach((pr, x) => { if ([0, 3].every((s) => [1, 2, 4].includes((x >> s) & 7))) inside += pr; });
    assert.ok(Math.abs(inside - 1) < 1e-12, `${mixer} leaked ${1 - inside} out of the one-hot subspace`);
  }
});

test('warm-start mixer matches the general simulator, and its initial state is the relaxed solution', () => {
  const q = randomQubo(5, 9, true);
  const warm = [0.9, 0.1, 0.5, 0.0, 1.0];
  const fast = new FastQaoa({ qubo: q, mixer: 'warm', warm, epsilon: 0.2 });
  const theta = warm.map((c) => 2 * Math.asin(Math.sqrt(Math.min(0.8, Math.max(0.2, c)))));
  const g = [0.3, 0.5], bt = [0.2, -0.6];
  fast.run(g, bt);
  const ref = referenceExpectation(q, referenceCircuit(q, 'warm', [], [], g, bt, theta, bt), initialState({ qubo: q, mixer: 'warm', warm, epsilon: 0.2 }));
  assert.ok(Math.abs(fast.expectation() - ref) < 1e-10);
  // At β = γ = 0 the state is the warm start: P(x_0 = 1) = clip(0.9) = 0.8.
  fast.run([0], [0]);
  const p = fast.probabilities();
  let p1 = 0;
  p.forEach((v, x) => { if (x & 1) p1 += v; });
  assert.ok(Math.abs(p1 - 0.8) < 1e-12);
});

test('adjoint QAOA gradients equal the general simulator adjoint gradient (x mixer) and finite differences (xy mixer)', () => {
  const q = randomQubo(5, 12, true);
  const ising = quboToIsing(q);
  const obs: Observable = { terms: [...ising.h.map((h, i) => ({ coeff: h, paulis: 'Z', wires: [i] })), ...ising.J.map(([i, j, w]) => ({ coeff: w, paulis: 'ZZ', wires: [i, j] }))].filter((t) => t.coeff !== 0) };
  const p = 2, gam = [param(0), param(1)], bet = [param(2), param(3)];
  const b = new CircuitBuilder(q.n);
  for (let i = 0; i < q.n; i++) b.h(i);
  b.append(referenceCircuit(q, 'x', [], [], gam, bet));
  const theta = [0.35, -0.8, 0.6, 0.15];
  const ref = gradient(b.build(), obs, { params: theta, method: 'adjoint' });
  const fast = new FastQaoa({ qubo: q });
  const g = fast.gradient(theta.slice(0, p), theta.slice(p));
  assert.ok(Math.abs(g.value - (ref.value + ising.offset)) < 1e-10);
  for (let k = 0; k < p; k++) {
    assert.ok(Math.abs(g.dgamma[k] - ref.dparams[k]) < 1e-9, `dγ${k}: ${g.dgamma[k]} vs ${ref.dparams[k]}`);
    assert.ok(Math.abs(g.dbeta[k] - ref.dparams[p + k]) < 1e-9, `dβ${k}: ${g.dbeta[k]} vs ${ref.dparams[p + k]}`);
  }
  const xy = new FastQaoa({ qubo: randomQubo(6, 13, true), mixer: 'xy-ring', groups: [[0, 1, 2, 3], [4, 5]] });
  const ga = [0.3, 0.7], be = [0.5, -0.2];
  const gx = xy.gradient(ga, be);
  const h = 1e-6;
  const at = (gg: number[], bb: number[]) => { xy.run(gg, bb); return xy.expectation(); };
  for (let k = 0; k < 2; k++) {
    const gp = [...ga], gm = [...ga], bp = [...be], bm = [...be];
    gp[k] += h; gm[k] -= h; bp[k] += h; bm[k] -= h;
    assert.ok(Math.abs(gx.dgamma[k] - (at(gp, be) - at(gm, be)) / (2 * h)) < 1e-6);
    assert.ok(Math.abs(gx.dbeta[k] - (at(ga, bp) - at(ga, bm)) / (2 * h)) < 1e-6);
  }
});

/** Edge expectation for p = 1 on a triangle-free d-regular graph (Wang, Hadfield, Jiang & Rieffel 2018): 1/2 + sin4β·sinγ·cos^{d−1}γ / 2. */
const p1Edge = (d: number, g: number, b: number) => 0.5 + 0.5 * Math.sin(4 * b) * Math.sin(g) * Math.cos(g) ** (d - 1);

function cutExpectation(gr: Graph, gamma: number[], beta: number[]): { mean: number; best: number } {
  const prob = maxcutProblem(gr), q = penalized(prob).qubo;
  const f = new FastQaoa({ qubo: q });
  f.run(gamma, beta);
  return { mean: -f.expectation(), best: -f.cost.min };
}

test('p = 1 MaxCut on triangle-free 3-regular graphs reaches 0.6924 of the edges (and of the maximum cut) at the optimal angles', () => {
  for (const seed of [1, 2]) {
    const gr = randomRegularGraph(3, 16, seed, 4);
    assert.ok(girth(gr) >= 4);
    const a = fixedAngles(3, 1);
    const { mean, best } = cutExpectation(gr, a.gamma, a.beta);
    assert.ok(Math.abs(mean / gr.edges.length - p1Edge(3, a.gamma[0], a.beta[0])) < 1e-10, 'fast path matches the analytic p = 1 formula');
    assert.ok(mean / gr.edges.length >= 0.6924, `cut fraction ${mean / gr.edges.length}`);
    assert.ok(mean / best >= 0.6924);
  }
  // The table's p = 1 angles are the optimum of the analytic formula (a coarse grid cannot beat them).
  const a = fixedAngles(3, 1);
  let gridBest = 0;
  for (let g = 0; g <= Math.PI / 2; g += 0.005) for (let b = 0; b <= Math.PI / 4; b += 0.005) gridBest = Math.max(gridBest, p1Edge(3, g, b));
  assert.ok(p1Edge(3, a.gamma[0], a.beta[0]) >= gridBest - 1e-9);
  assert.ok(Math.abs(p1Edge(3, a.gamma[0], a.beta[0]) - a.ratio) < 1e-6);
});

test('fixed angles for p = 1..11 give at least their published ratios on a large-girth 3-regular graph', () => {
  const gr = randomRegularGraph(3, 18, 5, 5);
  assert.ok(girth(gr) >= 5);
  const entries = fixedAngleTable().filter((e) => e.d === 3).sort((x, y) => x.p - y.p);
  assert.deepEqual(entries.map((e) => e.p), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  const prob = maxcutProblem(gr), q = penalized(prob).qubo;
  const f = new FastQaoa({ qubo: q });
  const best = -f.cost.min;
  assert.equal(best, bruteForce(prob).objective);
  let prev = 0;
  for (const e of entries) {
    f.run(e.gamma, e.beta);
    const ratio = -f.expectation() / best;
    assert.ok(ratio >= e.ratio, `p = ${e.p}: ratio ${ratio} < published ${e.ratio}`);
    assert.ok(ratio > prev - 1e-3, `p = ${e.p} does not improve on p − 1`);
    prev = ratio;
  }
});

test('INTERP keeps the end points and a p = 1 schedule grows to p = 2 as Zhou et al. define it', () => {
  const s = interpAngles([0.6], [0.4]);
  assert.deepEqual(s.gamma.map((v) => +v.toFixed(12)), [0.6, 0.6]);
  const t = interpAngles([1, 2, 3], [3, 2, 1]);
  const close = (a: number[], b: number[]) => a.every((v, k) => Math.abs(v - b[k]) < 1e-12) && a.length === b.length;
  assert.ok(close(t.gamma, [1, 5 / 3, 7 / 3, 3]), String(t.gamma));
  assert.ok(close(t.beta, [3, 7 / 3, 5 / 3, 1]), String(t.beta));
});

test('CVaR at alpha = 1 is the expectation and falls to the minimum as alpha shrinks; samples follow the probabilities', () => {
  const q = penalized(maxcutProblem(makeGraph(5, [[0, 1], [1, 2], [2, 3], [3, 4], [4, 0], [0, 2]]))).qubo;
  const f = new FastQaoa({ qubo: q });
  f.run([0.5], [0.3]);
  assert.ok(Math.abs(f.cvar(1) - f.expectation()) < 1e-12);
  assert.ok(f.cvar(0.1) <= f.cvar(0.5) && f.cvar(0.5) <= f.cvar(1));
  assert.ok(f.cvar(1e-9) >= f.cost.min - 1e-9);
  const shots = f.sample(20000, new Rng(3));
  const pOpt = f.probabilityOptimal();
  const hits = Array.from(shots).filter((x) => f.costAt(x) <= f.cost.min + 1e-9).length / shots.length;
  assert.ok(Math.abs(hits - pOpt) < 4 * Math.sqrt(pOpt * (1 - pOpt) / shots.length) + 1e-3, `${hits} vs ${pOpt}`);
});

test('a two-thread QAOA team produces the same state as one thread', async () => {
  const { QaoaTeam } = await import('./qaoa/team.js');
  const { costTable } = await import('./qaoa/cost.js');
  const q = penalized(maxcutProblem(randomRegularGraph(4, 17, 2))).qubo;
  const one = new FastQaoa({ qubo: q });
  const shared = new FastQaoa({ qubo: q }, { cost: costTable(q, { shared: true }), state: new Float64Array(new SharedArrayBuffer(16 * 2 ** 17)) });
  const team = await QaoaTeam.attach(shared, 2);
  try {
    const g = [0.4, 0.7, 0.2], b = [0.6, 0.3, 0.1];
    one.run(g, b);
    shared.run(g, b);
    let diff = 0;
    for (let k = 0; k < one.state.length; k++) diff = Math.max(diff, Math.abs(one.state[k] - shared.state[k]));
    assert.ok(diff < 1e-13, `max difference ${diff}`);
    assert.ok(Math.abs(one.expectation() - shared.expectation()) < 1e-10);
  } finally {
    await team.close();
  }
});

test('the SIMD path (phase fused into the cache-blocked pass, high qubits two per pass; one and two threads) gives the TypeScript kernels\' state, one- and two-byte cost levels, odd and even n, every block size', async () => {
  const { QaoaTeam } = await import('./qaoa/team.js');
  const { qaoaWasm } = await import('./qaoa/wasm.js');
  assert.ok(qaoaWasm() !== null, 'npm run build:wasm builds dist/wasm/qaoa.wasm');
  const wide = (() => {
    // Integer weights up to 90 make the range of f exceed 255 levels: a two-byte index.
    const rng = new Rng(9), b = new QuboBuilder(14);
    for (let i = 0; i < 14; i++) for (let j = i + 1; j < 14; j++) if (rng.next() < 0.5) b.addQuad(i, j, rng.int(181) - 90);
    return b.build();
  })();
  for (const q of [penalized(maxcutProblem(randomRegularGraph(4, 15, 4))).qubo, randomQubo(12, 5, true), wide]) {
    const g = [0.4, -0.7, 0.2], b = [0.6, 0.3, -0.1];
    const simd = new FastQaoa({ qubo: q });
    assert.ok(simd.wasmLayout() !== null);
    assert.equal(simd.passCount(), q.n <= 14 ? 1 : 2, 'n ≤ 14: the whole state is one cache block; n = 15: one more pass for the high qubit');
    process.env.QML6G_QAOA_WASM = '0';
    let ts: FastQaoa;
    try { ts = new FastQaoa({ qubo: q }); } finally { delete process.env.QML6G_QAOA_WASM; }
    assert.equal(ts.wasmLayout(), null);
    assert.equal(ts.passCount(), Math.ceil(q.n / 2) + 1);
    simd.run(g, b);
    ts.run(g, b);
    const diff = (a: Float64Array, c: Float64Array) => { let d = 0; for (let k = 0; k < a.length; k++) d = Math.max(d, Math.abs(a[k] - c[k])); return d; };
    assert.ok(diff(simd.state, ts.state) < 1e-13, `one thread: ${diff(simd.state, ts.state)}`);
    assert.ok(Math.abs(simd.expectation() - ts.expectation()) < 1e-10);
    const team = await QaoaTeam.attach(simd, 2);
    try {
      simd.run(g, b);
      assert.ok(diff(simd.state, ts.state) < 1e-13, `two threads: ${diff(simd.state, ts.state)}`);
    } finally { await team.close(); }
  }
  // Small blocks force the high-qubit passes (pairs, and a single qubit when the block is at its minimum) on these sizes.
  for (const [q, bMax] of [[randomQubo(13, 6, true), 2], [randomQubo(12, 7, true), 2], [randomQubo(11, 8, true), 2], [randomQubo(13, 6, true), 5], [wide, 6], [wide, 12], [randomQubo(12, 7, true), 7]] as const) {
    const g = [0.3, -0.5], b = [0.45, -0.2];
    process.env.QML6G_QAOA_WASM = '0';
    let ts: FastQaoa;
    try { ts = new FastQaoa({ qubo: q }); } finally { delete process.env.QML6G_QAOA_WASM; }
    ts.run(g, b);
    process.env.QML6G_QAOA_BLOCK = String(bMax);
    try {
      const simd = new FastQaoa({ qubo: q });
      const plan = layerPlan(q.n);
      assert.ok(plan.b <= bMax && plan.b >= 2 && plan.high.flat().length === q.n - plan.b);
      assert.equal(simd.passCount(), 1 + plan.high.length);
      simd.run(g, b);
      const diff = (a: Float64Array, c: Float64Array) => { let d = 0; for (let k = 0; k < a.length; k++) d = Math.max(d, Math.abs(a[k] - c[k])); return d; };
      assert.ok(diff(simd.state, ts.state) < 1e-13, `block 2^${plan.b}, one thread: ${diff(simd.state, ts.state)}`);
      assert.ok(Math.abs(simd.expectation() - ts.expectation()) < 1e-12);
      const team = await QaoaTeam.attach(simd, 2);
      try {
        simd.run(g, b);
        assert.ok(diff(simd.state, ts.state) < 1e-13, `block 2^${plan.b}, two threads: ${diff(simd.state, ts.state)}`);
      } finally { await team.close(); }
    } finally { delete process.env.QML6G_QAOA_BLOCK; }
  }
  assert.deepEqual(layerPlan(24, 14), { b: 14, high: [[14, 15], [16, 17], [18, 19], [20, 21], [22, 23]] });
  assert.deepEqual(layerPlan(23, 14), { b: 13, high: [[13, 14], [15, 16], [17, 18], [19, 20], [21, 22]] });
  assert.deepEqual(layerPlan(5, 2), { b: 2, high: [[2, 3], [4]] });
  assert.deepEqual(layerPlan(10, 14), { b: 10, high: [] });
  // The wide instance really exercises the two-byte kernels.
  const w = new FastQaoa({ qubo: wide });
  assert.ok(w.cost.kind === 'levels' && w.cost.index instanceof Uint16Array);
});

test('the factored SIMD layer (cos(β)^n in the phase table, I − i·tan β·X per qubit) keeps the TypeScript state for large tan β, and β at ±π/2 takes the unfactored passes', async () => {
  const { FACTORED_SCALE_MIN } = await import('./qaoa/fast.js');
  const q = randomQubo(16, 11, true);
  process.env.QML6G_QAOA_WASM = '0';
  let ts: FastQaoa;
  try { ts = new FastQaoa({ qubo: q }); } finally { delete process.env.QML6G_QAOA_WASM; }
  process.env.QML6G_QAOA_BLOCK = '9';
  let simd: FastQaoa;
  try { simd = new FastQaoa({ qubo: q }); } finally { delete process.env.QML6G_QAOA_BLOCK; }
  assert.ok(simd.wasmLayout() !== null);
  // tan β up to ±12 (cos(β)^16 ≈ 1e-17, factored), then β = π/2 (cos(β)^16 ≈ 1e-265, unfactored) and −π/2.
  for (const betas of [[1.45, -1.49, 0.3], [Math.PI / 2, 0.2, -Math.PI / 2]]) {
    const g = [0.7, -0.35, 0.5];
    assert.equal(Math.abs(Math.cos(betas[0]) ** 16) >= FACTORED_SCALE_MIN, betas[0] !== Math.PI / 2);
    ts.run(g, betas);
    process.env.QML6G_QAOA_BLOCK = '9';
    try { simd.run(g, betas); } finally { delete process.env.QML6G_QAOA_BLOCK; }
    let d = 0;
    for (let k = 0; k < ts.state.length; k++) d = Math.max(d, Math.abs(ts.state[k] - simd.state[k]));
    assert.ok(d < 1e-12, `β = ${betas}: max difference ${d}`);
    assert.ok(Math.abs(ts.expectation() - simd.expectation()) < 1e-12);
  }
});

test('QaoaTeam.auto keeps a team only when its measured layer was faster, and the state it leaves runs on as one thread\'s', async () => {
  const { QaoaTeam } = await import('./qaoa/team.js');
  const { costTable } = await import('./qaoa/cost.js');
  const q = penalized(maxcutProblem(randomRegularGraph(3, 16, 3))).qubo;
  const sim = new FastQaoa({ qubo: q }, { cost: costTable(q, { shared: true }) });
  const single = await QaoaTeam.auto(sim, 1);
  assert.equal(single.team, null);
  const r = await QaoaTeam.auto(sim, 2);
  assert.equal(r.team !== null, r.many < r.one, `one ${r.one} s, two ${r.many} s`);
  assert.equal(sim.runner, r.team);
  const ref = new FastQaoa({ qubo: q });
  try {
    sim.run([0.3, 0.5], [0.2, 0.1]);
    ref.run([0.3, 0.5], [0.2, 0.1]);
    for (let k = 0; k < ref.state.length; k++) assert.ok(Math.abs(sim.state[k] - ref.state[k]) < 1e-13);
  } finally { if (r.team) await r.team.close(); }
});

test('noisy QAOA: without noise it equals the fast path; depolarising noise pulls ⟨f⟩ towards the uniform mean; density matrix and trajectories agree', async () => {
  const { noisyQaoa } = await import('./qaoa/noisy.js');
  const q = penalized(maxcutProblem(makeGraph(5, [[0, 1], [1, 2], [2, 3], [3, 4], [4, 0], [1, 3]]))).qubo;
  const g = [0.5, 0.3], b = [0.35, 0.2];
  const fast = new FastQaoa({ qubo: q });
  fast.run(g, b);
  const clean = noisyQaoa(q, g, b, {});
  assert.ok(Math.abs(clean.expectation - fast.expectation()) < 1e-10);
  const mean = quboValues(q).reduce((s, v) => s + v, 0) / 32;
  let prev = clean.expectation;
  for (const p of [0.02, 0.08, 0.2]) {
    const r = noisyQaoa(q, g, b, { after_2q: [{ channel: 'depolarizing', p }], after_1q: [{ channel: 'depolarizing', p: p / 10 }] });
    assert.equal(r.method, 'density_matrix');
    assert.ok(r.expectation > prev && r.expectation < mean, `p = ${p}: ${r.expectation} not between ${prev} and ${mean}`);
    prev = r.expectation;
  }
  const noise = { after_2q: [{ channel: 'depolarizing' as const, p: 0.05 }] };
  const dm = noisyQaoa(q, g, b, noise, { method: 'density_matrix' });
  const tr = noisyQaoa(q, g, b, noise, { method: 'trajectories', trajectories: 400, seed: 2 });
  assert.ok(Math.abs(dm.expectation - tr.expectation) < 5 * (tr.standardError ?? 0) + 0.05, `${dm.expectation} vs ${tr.expectation} ± ${tr.standardError}`);
});

test('recursive QAOA finds the maximum cut of small 3-regular graphs', async () => {
  const { rqaoa } = await import('./qaoa/rqaoa.js');
  for (const seed of [1, 2]) {
    const prob = maxcutProblem(randomRegularGraph(3, 12, seed));
    const q = penalized(prob).qubo;
    const r = rqaoa(q, { cutoff: 5 });
    assert.equal(r.eliminations.length, 7);
    assert.equal(-r.value, bruteForce(prob).objective, `seed ${seed}`);
  }
});
