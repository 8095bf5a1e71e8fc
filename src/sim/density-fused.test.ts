import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { Rng } from '../core/rng.js';
import { ApplyScratch, applyGateMatrix } from './apply.js';
import { CircuitBuilder, param, type Circuit } from './circuit.js';
import { DensityMatrix } from './density.js';
import { apply2 } from './kernels.js';
import { CompiledNoise, type ChannelSpec, type NoiseModel } from './noise.js';
import { compile, prepareGate, type Program } from './program.js';
import { runBranches } from './execute.js';
import { allocAmplitudes, simd, simdApply2, simdDepolarize, simdPointer } from './simd.js';
import { assertAllClose } from '../testing/shared.js';

function randomArray(rng: Rng, len: number): Float64Array {
  return Float64Array.from({ length: len }, () => rng.normal());
}

const ONE_QUBIT: ChannelSpec[] = [
  { channel: 'depolarizing', p: 0.07 },
  { channel: 'amplitude_damping', gamma: 0.11 },
  { channel: 'phase_damping', lambda: 0.13 },
  { channel: 'thermal_relaxation', t1: 50, t2: 40, time: 3, excited_population: 0.05 },
  { channel: 'pauli', px: 0.01, py: 0.02, pz: 0.03 },
  { channel: 'bit_phase_flip', p: 0.04 },
];

/** A random circuit over every gate shape: dense, real, diagonal, X, controlled, two- and three-qubit. */
function randomCircuit(rng: Rng, n: number, ops: number): { circuit: Circuit; params: Float64Array } {
  const b = new CircuitBuilder(n);
  let k = 0;
  const other = (q: number) => (q + 1 + rng.int(n - 1)) % n;
  for (let i = 0; i < ops; i++) {
    const q = rng.int(n), r = other(q), kind = rng.int(12);
    if (kind === 0) b.ry(q, param(k++));
    else if (kind === 1) b.rz(q, param(k++));
    else if (kind === 2) b.u3(q, param(k++), param(k++), param(k++));
    else if (kind === 3) b.h(q);
    else if (kind === 4) b.x(q);
    else if (kind === 5) b.cx(q, r);
    else if (kind === 6) b.cz(q, r);
    else if (kind === 7) b.crx(q, r, param(k++));
    else if (kind === 8) b.rxx(q, r, param(k++));
    else if (kind === 9) b.swap(q, r);
    else if (kind === 10 && n >= 3) { const t = [0, 1, 2].map((j) => (q + j) % n); b.ccx(t[0], t[1], t[2]); }
    else b.s(q);
  }
  return { circuit: b.build(), params: randomArray(rng, k) };
}

function randomNoise(rng: Rng): NoiseModel {
  const pick = () => ONE_QUBIT[rng.int(ONE_QUBIT.length)];
  return {
    after_1q: [pick(), pick()],
    after_2q: [{ channel: 'depolarizing', p: 0.05 + 0.1 * rng.next() }, pick()],
    gates: { h: [{ channel: 'depolarizing', p: 0.2 }], ccx: [{ channel: 'depolarizing', p: 0.1 }] },
  };
}

/**
 * The oracle: ρ as a dense 2^n x 2^n matrix, ρ ← UρU† with U the gate's full matrix and
 * ρ ← Σ K ρ K† with each Kraus operator's full matrix, both built column by column from basis
 * states. No vectorisation, no superoperator.
 */
function runDense(prog: Program, params: ArrayLike<number>, noise: CompiledNoise): Float64Array {
  const n = prog.numQubits, N = 2 ** n, scratch = new ApplyScratch();
  let rho = new Float64Array(2 * N * N);
  rho[0] = 1;
  const full = (apply: (s: Float64Array) => void): Float64Array => {
    const M = new Float64Array(2 * N * N);
    for (let c = 0; c < N; c++) {
      const e = new Float64Array(2 * N);
      e[2 * c] = 1;
      apply(e);
      for (let r = 0; r < N; r++) { M[2 * (r * N + c)] = e[2 * r]; M[2 * (r * N + c) + 1] = e[2 * r + 1]; }
    }
    return M;
  };
  const sandwich = (A: Float64Array, R: Float64Array, out: Float64Array) => {
    // out += A R A†
    for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) {
      let re = 0, im = 0;
      for (let k = 0; k < N; k++) for (let l = 0; l < N; l++) {
        const ar = A[2 * (i * N + k)], ai = A[2 * (i * N + k) + 1];
        const rr = R[2 * (k * N + l)], ri = R[2 * (k * N + l) + 1];
        const br = A[2 * (j * N + l)], bi = -A[2 * (j * N + l) + 1];
        const xr = ar * rr - ai * ri, xi = ar * ri + ai * rr;
        re += xr * br - xi * bi; im += xr * bi + xi * br;
      }
      out[2 * (i * N + j)] += re; out[2 * (i * N + j) + 1] += im;
    }
  };
  for (const ins of prog.instrs) {
    if (ins.kind !== 'gate') continue;
    prepareGate(ins, params, []);
    const U = full((s) => applyGateMatrix(s, n, ins.def.shape, ins.targets, ins.matrix, ins.cmask, scratch));
    const next = new Float64Array(rho.length);
    sandwich(U, rho, next);
    rho = next;
    for (const step of noise.after(ins.name, [...ins.controls, ...ins.targets])) {
      const out = new Float64Array(rho.length);
      for (const K of step.kraus.ops) sandwich(full((s) => applyGateMatrix(s, n, 'dense', step.wires, K, 0, scratch)), rho, out);
      rho = out;
    }
  }
  // Back to the vectorised layout (entry (r, c) at r + c·N).
  const vec = new Float64Array(rho.length);
  for (let r = 0; r < N; r++) for (let c = 0; c < N; c++) { vec[2 * (r + c * N)] = rho[2 * (r * N + c)]; vec[2 * (r + c * N) + 1] = rho[2 * (r * N + c) + 1]; }
  return vec;
}

test('a noisy circuit run fused (composed one-qubit superoperators, SIMD) equals gate-by-gate TypeScript and the dense UρU† / ΣKρK† oracle to 1e-12', () => {
  assert.ok(simd(), 'SIMD kernels loaded');
  const rng = new Rng(2026);
  for (let t = 0; t < 30; t++) {
    const n = 2 + rng.int(t < 10 ? 2 : 4);
    const { circuit, params } = randomCircuit(rng, n, 6 + rng.int(20));
    const model = randomNoise(rng), noise = new CompiledNoise(model, n), prog = compile(circuit);
    const fused = DensityMatrix.zero(n);
    assert.ok(simdPointer(fused.data) >= 0, 'a new density matrix lives in the SIMD memory');
    runBranches(prog, fused, { params, noise });
    const plain = new Float64Array(2 * 4 ** n);
    plain[0] = 1;
    const ts = new DensityMatrix(n, plain);
    ts.runGateByGate(prog, params, [], noise, new ApplyScratch());
    assertAllClose(fused.data, ts.data, 1e-12, `case ${t} (n=${n}): fused SIMD vs gate-by-gate TypeScript`);
    const tsFused = new DensityMatrix(n, (() => { const d = new Float64Array(2 * 4 ** n); d[0] = 1; return d; })());
    runBranches(prog, tsFused, { params, noise });
    assertAllClose(tsFused.data, ts.data, 1e-12, `case ${t} (n=${n}): fused TypeScript vs gate-by-gate TypeScript`);
    if (n <= 3) assertAllClose(fused.data, runDense(prog, params, noise), 1e-12, `case ${t} (n=${n}): fused vs dense oracle`);
    assert.ok(Math.abs(fused.trace() - 1) < 1e-12, `trace ${fused.trace()}`);
  }
});

test('the SIMD joint depolarising kernel equals the TypeScript one on random matrices, any wires', () => {
  const rng = new Rng(7);
  for (let t = 0; t < 60; t++) {
    const n = 1 + rng.int(6), k = 1 + rng.int(Math.min(3, n));
    const wires: number[] = [];
    while (wires.length < k) { const w = rng.int(n); if (!wires.includes(w)) wires.push(w); }
    const base = randomArray(rng, 2 * 4 ** n), p = rng.next();
    const a = allocAmplitudes(base.length);
    a.set(base);
    assert.ok(simdDepolarize(a, n, wires, p));
    const ts = new DensityMatrix(n, Float64Array.from(base));
    ts.depolarize(wires, p);
    assertAllClose(a, ts.data, 1e-12, `n=${n} wires=${wires} p=${p}`);
  }
});

test('the real two-qubit SIMD kernel equals the TypeScript kernel on random states, controlled or not', () => {
  const rng = new Rng(9);
  for (let t = 0; t < 60; t++) {
    const n = 2 + rng.int(9), q0 = rng.int(n);
    let q1 = rng.int(n);
    while (q1 === q0) q1 = rng.int(n);
    const c = rng.int(n), cmask = c !== q0 && c !== q1 && rng.next() < 0.4 ? 2 ** c : 0;
    const m = Float64Array.from(randomArray(rng, 32), (v, i) => (i % 2 ? 0 : v));
    const base = randomArray(rng, 2 << n);
    const s = allocAmplitudes(base.length);
    s.set(base);
    assert.ok(simdApply2(s, n, 'dense', q0, q1, m, cmask));
    const ts = Float64Array.from(base);
    apply2(ts, n, q0, q1, m, cmask);
    assertAllClose(s, ts, 1e-12, `n=${n} (${q0}, ${q1}) cmask=${cmask}`);
  }
});

test('with QML6G_SIMD=0 the noisy density matrix runs in TypeScript and gives the same numbers', () => {
  const script = `
    import { simdStatus, simulate, CircuitBuilder } from './dist/index.js';
    const b = new CircuitBuilder(4);
    for (let q = 0; q < 4; q++) { b.ry(q, 0.3 + q); b.rz(q, 0.7 * q); }
    for (let q = 0; q < 3; q++) b.cx(q, q + 1);
    b.u3(2, 0.4, 0.5, 0.6);
    const noise = { after_1q: [{ channel: 'depolarizing', p: 0.01 }, { channel: 'amplitude_damping', gamma: 0.02 }], after_2q: [{ channel: 'depolarizing', p: 0.05 }] };
    const r = simulate(b.build(), { noise, method: 'density_matrix' });
    console.log(JSON.stringify({ status: simdStatus(), shared: r.densityMatrix.data.buffer instanceof SharedArrayBuffer, data: Array.from(r.densityMatrix.data) }));
  `;
  const run = (env: Record<string, string>) => JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: new URL('../..', import.meta.url), env: { ...process.env, ...env }, encoding: 'utf8',
  }).trim().split('\n').pop()!);
  const off = run({ QML6G_SIMD: '0' }), on = run({ QML6G_SIMD: '1' });
  assert.equal(off.status.active, false);
  assert.equal(off.shared, false);
  assert.equal(on.status.active, true);
  assert.equal(on.shared, true);
  assertAllClose(on.data, off.data, 1e-12, 'SIMD vs fallback');
});
