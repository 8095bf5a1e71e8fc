import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { Rng } from '../core/rng.js';
import { adjointStep1, apply1Range, applyDense, applyDiag1Range, applyXRange } from './kernels.js';
import { allocAmplitudes, simd, simdAdjoint1, simdApply1Range, simdPointer, simdStatus } from './simd.js';
import { ApplyScratch, applyGateMatrix } from './apply.js';
import { Statevector } from './statevector.js';
import { CircuitBuilder, param } from './circuit.js';
import { compile } from './program.js';
import { runProgram } from './execute.js';
import { FusedRunner } from './fused.js';
import { assertAllClose } from '../testing/shared.js';

/** A random normalised state of n qubits written into `out` (which may live in the SIMD memory). */
function randomStateInto(rng: Rng, out: Float64Array): Float64Array {
  let norm = 0;
  for (let i = 0; i < out.length; i++) { out[i] = rng.normal(); norm += out[i] * out[i]; }
  norm = Math.sqrt(norm);
  for (let i = 0; i < out.length; i++) out[i] /= norm;
  return out;
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

test('the SIMD kernels load on Node 20 and states are allocated in their memory', () => {
  const st = simdStatus();
  assert.equal(st.active, true, `SIMD kernels inactive: ${st.reason}`);
  const sv = Statevector.zero(5);
  assert.ok(simdPointer(sv.data) >= 0, 'a new statevector lives in the SIMD memory');
  assert.equal(sv.data[0], 1);
  assert.equal(simdPointer(new Float64Array(64)), -1, 'an ordinary array is not handed to the SIMD kernels');
});

test('each SIMD kernel equals the dense oracle and the TypeScript kernel to 1e-12 on random states and pair ranges', () => {
  const k = simd();
  assert.ok(k, 'SIMD kernels loaded');
  const x = k.exports, rng = new Rng(16);
  for (let t = 0; t < 120; t++) {
    const n = 1 + rng.int(11), q = rng.int(n), pairs = 2 ** (n - 1);
    // A random sub-range of pairs, as a worker thread would get, half the time the full range.
    const lo = rng.next() < 0.5 ? 0 : rng.int(pairs), hi = rng.next() < 0.5 ? pairs : lo + rng.int(pairs - lo + 1);
    const base = randomStateInto(rng, new Float64Array(2 << n));
    const m = Float64Array.from({ length: 8 }, () => rng.normal());
    const real = Float64Array.from(m, (v, i) => (i % 2 ? 0 : v));
    const d = [rng.normal(), rng.normal(), rng.normal(), rng.normal()];
    const cases: Array<[string, Float64Array, (s: Float64Array, p: number) => void, (s: Float64Array) => void]> = [
      ['apply1', m, (s, p) => x.apply1(p, q, 0, lo, hi, m[0], m[1], m[2], m[3], m[4], m[5], m[6], m[7]), (s) => apply1Range(s, q, m, 0, lo, hi)],
      ['apply1Real', real, (s, p) => simdApply1Range(x, p, q, real, lo, hi), (s) => apply1Range(s, q, real, 0, lo, hi)],
      ['diag1', Float64Array.from([d[0], d[1], 0, 0, 0, 0, d[2], d[3]]), (s, p) => x.diag1(p, q, 0, lo, hi, d[0], d[1], d[2], d[3]), (s) => applyDiag1Range(s, q, d[0], d[1], d[2], d[3], 0, lo, hi)],
      ['diag1 (phase only)', Float64Array.from([1, 0, 0, 0, 0, 0, d[2], d[3]]), (s, p) => x.diag1(p, q, 0, lo, hi, 1, 0, d[2], d[3]), (s) => applyDiag1Range(s, q, 1, 0, d[2], d[3], 0, lo, hi)],
      ['applyX', Float64Array.from([0, 0, 1, 0, 1, 0, 0, 0]), (s, p) => x.applyX(p, q, 0, lo, hi), (s) => applyXRange(s, q, 0, lo, hi)],
    ];
    for (const [name, mat, runSimd, runTs] of cases) {
      const a = allocAmplitudes(base.length);
      a.set(base);
      runSimd(a, simdPointer(a));
      const ts = Float64Array.from(base);
      runTs(ts);
      assert.ok(maxDiff(a, ts) <= 1e-12, `${name} n=${n} q=${q} [${lo},${hi}) vs TypeScript: ${maxDiff(a, ts)}`);
      if (lo === 0 && hi === pairs) {
        const dense = Float64Array.from(base);
        applyDense(dense, n, [q], mat, 0);
        assert.ok(maxDiff(a, dense) <= 1e-12, `${name} n=${n} q=${q} vs dense oracle: ${maxDiff(a, dense)}`);
      } else {
        // Outside the range nothing moves: compare against the untouched input there.
        const stride = 2 ** q;
        for (let j = 0; j < pairs; j++) {
          if (j >= lo && j < hi) continue;
          const i0 = ((j >>> q) << (q + 1)) | (j & (stride - 1));
          for (const i of [i0, i0 + stride]) assert.ok(a[2 * i] === base[2 * i] && a[2 * i + 1] === base[2 * i + 1], `${name} touched amplitude ${i} outside [${lo},${hi})`);
        }
      }
    }
  }
});

test('the gate dispatch runs uncontrolled one-qubit gates in SIMD and agrees with the dense product', () => {
  const rng = new Rng(17), scratch = new ApplyScratch();
  for (let t = 0; t < 40; t++) {
    const n = 2 + rng.int(8), q = rng.int(n);
    const m = Float64Array.from({ length: 8 }, () => rng.normal());
    for (const shape of ['dense', 'diag', 'x'] as const) {
      const mat = shape === 'dense' ? m : shape === 'diag' ? Float64Array.from([m[0], m[1], 0, 0, 0, 0, m[6], m[7]]) : Float64Array.from([0, 0, 1, 0, 1, 0, 0, 0]);
      const s = randomStateInto(rng, allocAmplitudes(2 << n)), e = Float64Array.from(s);
      applyGateMatrix(s, n, shape, [q], mat, 0, scratch);
      applyDense(e, n, [q], mat, 0);
      assertAllClose(s, e, 1e-12, `${shape} n=${n} q=${q}`);
    }
  }
});

test('a fused layered circuit gives the same state with SIMD and with the TypeScript kernels', () => {
  const n = 9, b = new CircuitBuilder(n);
  let k = 0;
  for (let l = 0; l < 4; l++) {
    for (let q = 0; q < n; q++) { b.ry(q, param(k++)); b.rz(q, param(k++)); b.h(q); }
    for (let q = 0; q + 1 < n; q++) b.cx(q, q + 1);
    b.x(l % n);
  }
  const prog = compile(b.build());
  const rng = new Rng(5), params = Float64Array.from({ length: k }, () => rng.next() * 6);
  const simdSv = Statevector.zero(n);
  new FusedRunner(prog).run(simdSv, params, []);
  const plain = new Float64Array(2 << n);
  plain[0] = 1;
  const tsSv = new Statevector(n, plain);
  runProgram(prog, tsSv, { params });
  assert.ok(simdPointer(simdSv.data) >= 0 && simdPointer(tsSv.data) < 0);
  assertAllClose(simdSv.data, tsSv.data, 1e-12, 'fused SIMD vs gate-by-gate TypeScript');
});

test('with QML6G_SIMD=0 the TypeScript kernels run, say why, and give the same numbers', () => {
  const script = `
    import { simdStatus, Statevector, CircuitBuilder, compile, runProgram } from './dist/index.js';
    const b = new CircuitBuilder(6);
    for (let q = 0; q < 6; q++) { b.ry(q, 0.3 + q); b.rz(q, 0.7 * q); }
    for (let q = 0; q < 5; q++) b.cx(q, q + 1);
    const sv = Statevector.zero(6);
    runProgram(compile(b.build()), sv, {});
    console.log(JSON.stringify({ status: simdStatus(), shared: sv.data.buffer instanceof SharedArrayBuffer, data: Array.from(sv.data) }));
  `;
  const run = (env: Record<string, string>) => JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: new URL('../..', import.meta.url), env: { ...process.env, ...env }, encoding: 'utf8',
  }).trim().split('\n').pop()!);
  const off = run({ QML6G_SIMD: '0' }), on = run({ QML6G_SIMD: '1' });
  assert.equal(off.status.active, false);
  assert.match(off.status.reason, /QML6G_SIMD=0/);
  assert.equal(off.shared, false, 'fallback states are ordinary arrays');
  assert.equal(on.status.active, true);
  assert.equal(on.shared, true);
  assertAllClose(on.data, off.data, 1e-12, 'SIMD vs fallback');
});

test('freed SIMD states are recycled, so the memory stops growing', () => {
  const script = `
    import { Statevector } from './dist/index.js';
    import { simd } from './dist/sim/simd.js';
    const k = simd();
    const churn = () => { for (let i = 0; i < 64; i++) Statevector.zero(16).data[5] = i; };
    churn();
    globalThis.gc(); await new Promise((r) => setTimeout(r, 20)); globalThis.gc(); await new Promise((r) => setTimeout(r, 20));
    const before = k.memory.buffer.byteLength;
    for (let round = 0; round < 4; round++) { churn(); globalThis.gc(); await new Promise((r) => setTimeout(r, 20)); }
    console.log(JSON.stringify({ before, after: k.memory.buffer.byteLength }));
  `;
  const out = JSON.parse(execFileSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], {
    cwd: new URL('../..', import.meta.url), encoding: 'utf8',
  }).trim());
  // 64 states of 1 MiB were live at once at most; four more rounds must reuse the freed blocks.
  assert.ok(out.before >= 64 * 2 ** 20, `first round allocated ${out.before} bytes`);
  assert.ok(out.after <= out.before + 2 ** 21, `memory grew from ${out.before} to ${out.after} bytes`);
});

test('the SIMD adjoint step equals adjointStep1 (ψ, λ and Re⟨λ|D|ψ⟩) for real and complex gates', () => {
  const rng = new Rng(18);
  for (let t = 0; t < 60; t++) {
    const n = 1 + rng.int(10), q = rng.int(n);
    const real = t % 2 === 0;
    const rand = () => Float64Array.from({ length: 8 }, (_, i) => (real && i % 2 ? 0 : rng.normal()));
    const u = rand(), d = rand();
    const psi0 = randomStateInto(rng, new Float64Array(2 << n)), lam0 = randomStateInto(rng, new Float64Array(2 << n));
    const psiS = allocAmplitudes(psi0.length), lamS = allocAmplitudes(lam0.length);
    psiS.set(psi0); lamS.set(lam0);
    const accS = new Float64Array(2), accT = new Float64Array(6);
    assert.ok(simdAdjoint1(psiS, lamS, n, q, u, d, accS));
    const psiT = Float64Array.from(psi0), lamT = Float64Array.from(lam0);
    adjointStep1(psiT, lamT, n, q, u, [d], 1, accT, 0);
    assertAllClose(psiS, psiT, 1e-12, `ψ n=${n} q=${q}`);
    assertAllClose(lamS, lamT, 1e-12, `λ n=${n} q=${q}`);
    assert.ok(Math.abs(accS[0] - accT[0]) <= 1e-12 * Math.max(1, Math.abs(accT[0])), `Re⟨λ|D|ψ⟩ ${accS[0]} vs ${accT[0]}`);
    // And against a direct computation: apply U to ψ densely, then D, then the inner product.
    const f = Float64Array.from(psi0);
    applyDense(f, n, [q], u, 0);
    applyDense(f, n, [q], d, 0);
    // λ before its update is the one in the inner product.
    let re = 0;
    for (let i = 0; i < f.length; i += 2) re += lam0[i] * f[i] + lam0[i + 1] * f[i + 1];
    assert.ok(Math.abs(accS[0] - re) <= 1e-12 * Math.max(1, Math.abs(re)), `Re⟨λ|D U ψ⟩ ${accS[0]} vs dense ${re}`);
  }
});

test('a thread team runs the SIMD kernels on a state in the shared SIMD memory and matches the TypeScript kernels', async () => {
  const { ThreadTeam } = await import('./parallel.js');
  const n = 17, b = new CircuitBuilder(n);
  for (let l = 0; l < 2; l++) {
    for (let q = 0; q < n; q++) { b.ry(q, 0.1 * q + l); b.rz(q, 0.2 * q); b.rx(q, 0.3 + l); }
    for (let q = 0; q + 1 < n; q++) b.cx(q, q + 1);
    b.x(3); b.h(16);
  }
  const prog = compile(b.build());
  const team = ThreadTeam.create(2);
  try {
    const sv = team.statevector(n);
    assert.ok(simdPointer(sv.data) >= 0, 'the team state lives in the SIMD memory');
    await team.ready(sv);
    runProgram(prog, sv);
    const plain = new Float64Array(2 << n);
    plain[0] = 1;
    runProgram(prog, new Statevector(n, plain));
    assertAllClose(sv.data, plain, 1e-12, 'two threads with SIMD vs one thread TypeScript');
  } finally {
    await team.close();
  }
});
