import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../core/rng.js';
import { AdjointWorkspace, adjointBackward, adjointForward, adjointPass, jacobian, type AdjointWorkspaceOptions } from './gradients.js';
import { wireInnerTs } from './gradients-tape.js';
import { applyObservableSV, compileObservable, observable, Z, type Observable } from './observable.js';
import { CircuitBuilder, input, param, type Circuit } from './circuit.js';
import { compile } from './program.js';
import { allocAmplitudes, simd, simdPointer } from './simd.js';
import { randomCircuit, randomVector } from '../testing/random-circuits.js';
import { assertAllClose } from '../testing/shared.js';

const obsFor = (n: number): Observable[] => [
  Z(0),
  observable([[0.7, `X0 Y${n - 1}`], [-0.4, 'Z1'], [0.25, `Y${Math.min(2, n - 1)}`]]),
];

/** values, dparams and dinputs of every observable, flattened, from adjointPass with the given workspace options. */
function run(c: Circuit, obs: Observable[], params: Float64Array, inputs: Float64Array, opts: AdjointWorkspaceOptions, setup?: (ws: AdjointWorkspace) => void): number[] {
  const prog = compile(c), n = prog.numQubits;
  const ws = new AdjointWorkspace(prog, opts);
  setup?.(ws);
  const terms = obs.map((o) => compileObservable(o, n));
  const v = new Float64Array(obs.length), dp = obs.map(() => new Float64Array(prog.numParams)), dx = obs.map(() => new Float64Array(prog.numInputs));
  // Twice on one workspace: checkpoints and products must be rebuilt, not reused stale.
  adjointPass(ws, terms, params.map((p) => p + 0.5), inputs, v, dp, dx);
  for (const d of [...dp, ...dx]) d.fill(0);
  adjointPass(ws, terms, params, inputs, v, dp, dx);
  return [...v, ...dp.flatMap((d) => [...d]), ...dx.flatMap((d) => [...d])];
}

test('the fused tape backward pass equals the gate-by-gate adjoint to 1e-10: checkpointed, partly checkpointed, uncomputed, unblocked', () => {
  const rng = new Rng(2024);
  for (let trial = 0; trial < 16; trial++) {
    // Up to 13 qubits, so the wires below BLOCK_QUBITS (10) take the cache-blocked pass.
    const n = trial < 4 ? 11 + (trial % 3) : 2 + (trial % 9);
    const c = randomCircuit(rng, { qubits: n, gates: 50, params: 6, inputs: 3, extraControls: 0.25, unitaries: true });
    const params = randomVector(rng, 6), inputs = randomVector(rng, 3, 1);
    const ref = run(c, obsFor(n), params, inputs, { backward: 'gates' });
    const state = 16 * 2 ** n;
    for (const opts of [{}, { checkpointBytes: 0 }, { checkpointBytes: 2 * state }, { blocking: false }] as AdjointWorkspaceOptions[]) {
      assertAllClose(run(c, obsFor(n), params, inputs, opts), ref, 1e-10, `trial ${trial} n=${n} ${JSON.stringify(opts)}`);
    }
  }
});

test('several parameters fused on one wire, controlled and two-qubit parametric gates and feature products agree with finite differences', () => {
  const b = new CircuitBuilder(3)
    .h(0).ry(0, param(0)).rz(0, param(1)).rx(0, input(0)).gate('u3', [0], [param(2), param(3), param(4)]).s(0)
    .ry(1, param(5)).t(1).rz(1, 0.3)
    .crx(0, 1, param(6)).rzz(1, 2, { offset: 0.1, terms: [{ src: 'input', index: 0, coef: 1.5, times: 1 }] })
    .cry(2, 0, input(1)).ry(2, param(7)).rx(2, param(7)).cx(2, 1).p(1, param(0));
  const c = b.build();
  const params = Float64Array.from([0.3, -0.7, 1.1, 0.4, -0.2, 0.9, 1.3, -0.5]), inputs = Float64Array.from([0.6, -0.4]);
  for (const opts of [{}, { checkpointBytes: 0 }] as AdjointWorkspaceOptions[]) {
    const ws = new AdjointWorkspace(compile(c), opts);
    assert.ok(ws.tape, 'the tape path runs');
    const a = run(c, obsFor(3), params, inputs, opts);
    const fd = jacobian(c, obsFor(3), { params, inputs, method: 'finite-diff', h: 1e-5 });
    const f = [...fd.values, ...fd.dparams.flatMap((d) => [...d]), ...fd.dinputs.flatMap((d) => [...d])];
    assertAllClose(a, f, 1e-7, `finite differences ${JSON.stringify(opts)}`);
  }
});

test('the TypeScript inner-product sweep equals the SIMD kernels to 1e-12, alone and through whole gradients', (t) => {
  const k = simd();
  if (!k) { t.skip('WebAssembly SIMD not active here: the TypeScript sweep is the only path'); return; }
  const rng = new Rng(99), n = 9;
  const psi = allocAmplitudes(2 << n), lam = allocAmplitudes(2 << n), R = allocAmplitudes(8), ts = new Float64Array(8);
  for (let i = 0; i < psi.length; i++) { psi[i] = rng.normal(); lam[i] = rng.normal(); }
  const x = k.exports as unknown as { wireInner(a: number, b: number, q: number, lo: number, hi: number, out: number): void };
  for (let q = 0; q < n; q++) {
    x.wireInner(simdPointer(psi), simdPointer(lam), q, 0, 2 ** (n - 1), simdPointer(R));
    wireInnerTs(psi, lam, n, q, ts);
    assertAllClose(R, ts, 1e-12, `wire ${q}`);
  }
  const c = randomCircuit(rng, { qubits: 12, gates: 80, params: 8, inputs: 2, extraControls: 0.2, unitaries: true });
  const params = randomVector(rng, 8), inputs = randomVector(rng, 2, 1);
  const simdRun = run(c, obsFor(12), params, inputs, {});
  const tsRun = run(c, obsFor(12), params, inputs, {}, (ws) => { ws.tape!.useSimd = false; });
  assertAllClose(simdRun, tsRun, 1e-12, 'SIMD vs TypeScript sweep');
});

test('adjointBackward still leaves λ = U†O|ψ⟩ (the amplitude-encoding gradient reads it)', () => {
  const rng = new Rng(5), n = 11;
  const c = randomCircuit(rng, { qubits: n, gates: 40, params: 5, inputs: 0, extraControls: 0.2, unitaries: true });
  const prog = compile(c), params = randomVector(rng, 5);
  const lams = (['tape', 'gates'] as const).map((backward) => {
    const ws = new AdjointWorkspace(prog, { backward });
    adjointForward(ws, params, []);
    applyObservableSV(ws.lam, ws.psi.data, n, compileObservable(obsFor(n)[1], n));
    adjointBackward(ws, [], new Float64Array(5), new Float64Array(0));
    return Float64Array.from(ws.lam);
  });
  assertAllClose(lams[0], lams[1], 1e-12, 'λ0');
});
