import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../core/rng.js';
import { QmlError } from '../../core/errors.js';
import { randomCircuit, randomVector } from '../../testing/random-circuits.js';
import { assertClose } from '../../testing/shared.js';
import { CircuitBuilder, type Circuit, type GateOp } from '../circuit.js';
import { simulate } from '../simulate.js';
import { Evaluator } from '../evaluator.js';
import { pauli, type Observable } from '../observable.js';
import { planCuts, fragmentVariant } from './fragments.js';
import { CutEvaluator, reconstructExpectation } from './reconstruct.js';
import { findCuts } from './finder.js';
import { gammaOf, rzzCutTerms, WIRE_CUT_TERMS } from './decompositions.js';

const ONE_Q = ['h', 'x', 'y', 'z', 's', 'sdg', 't', 'sx', 'rx', 'ry', 'rz', 'p', 'u3'];
const TWO_Q = ['cx', 'cz', 'rzz', 'crx', 'cry', 'cu3', 'rxx', 'ryy', 'swap', 'iswap', 'ch', 'cp'];

/**
 * A random circuit of `blocks` groups of `size` qubits: a dense random circuit inside each group
 * (every gate of the table, extra controls, fixed unitaries, angles over parameters and inputs) and
 * `links` random two-qubit gates between neighbouring groups, interleaved in time.
 */
function blockCircuit(rng: Rng, blocks: number, size: number, links: string[], nLinks: number): Circuit {
  const n = blocks * size, P = 4, X = 3;
  const ops: GateOp[] = [];
  for (let round = 0; round < 2; round++) {
    for (let b = 0; b < blocks; b++) {
      const inner = randomCircuit(rng, { qubits: size, gates: 6, params: P, inputs: X, extraControls: 0.2, unitaries: true, gateSet: [...ONE_Q, ...TWO_Q, 'ccx'] });
      for (const op of inner.ops as GateOp[]) {
        ops.push({ ...op, wires: op.wires.map((w) => w + b * size), ...(op.controls ? { controls: op.controls.map((w) => w + b * size) } : {}) });
      }
    }
    for (let l = 0; l < nLinks; l++) {
      const b = rng.int(blocks - 1);
      const g = links[rng.int(links.length)];
      const a = b * size + rng.int(size), c = (b + 1) * size + rng.int(size);
      const op: GateOp = { kind: 'gate', gate: g, wires: rng.next() < 0.5 ? [a, c] : [c, a] };
      if (['rzz', 'crx', 'cry', 'rxx', 'ryy', 'cp'].includes(g)) op.params = [rng.next() < 0.5 ? (rng.next() * 4 - 2) * Math.PI : { offset: 0.3, terms: [{ src: 'param', index: rng.int(P), coef: 1 }, { src: 'input', index: rng.int(X), coef: 0.7 }] }];
      if (g === 'cu3') op.params = [0.3, -1.1, 2.2];
      ops.push(op);
    }
  }
  return { numQubits: n, numClbits: 0, ops, numParams: P, numInputs: X };
}

function randomPauli(rng: Rng, n: number): Observable {
  const parts: string[] = [];
  for (let q = 0; q < n; q++) if (rng.next() < 0.5) parts.push('XYZ'[rng.int(3)] + q);
  if (!parts.length) parts.push(`Z${rng.int(n)}`);
  return pauli(parts.join(' '));
}

function checkExact(kinds: 'wire' | 'gate', links: string[], seeds: number): void {
  let cases = 0;
  const fragmentCounts = new Set<number>();
  for (let seed = 1; seed <= seeds; seed++) {
    const rng = new Rng(seed);
    const blocks = 2 + (seed % 3), size = 2 + (seed % 2);
    const c = blockCircuit(rng, blocks, size, links, 1);
    const plan = planCuts(c, { maxQubits: size + (kinds === 'wire' ? 1 : 0), kinds, maxOverhead: 16 ** 4 });
    assert.ok(plan.fragments.length >= 2 && plan.fragments.length <= 4, `seed ${seed}: ${plan.fragments.length} fragments`);
    assert.ok(plan.cuts.every((x) => x.kind === kinds), `seed ${seed}: only ${kinds} cuts`);
    assert.ok(plan.fragments.every((f) => f.circuit.numQubits <= plan.maxQubits));
    fragmentCounts.add(plan.fragments.length);
    const params = randomVector(rng, 4), inputs = randomVector(rng, 3);
    const obs = [randomPauli(rng, c.numQubits), randomPauli(rng, c.numQubits), pauli(`Z0 Z${c.numQubits - 1}`)];
    const uncut = new Evaluator(c, obs).values(params, inputs);
    const cut = new CutEvaluator(plan, obs).values(params, inputs);
    for (let o = 0; o < obs.length; o++) assertClose(cut[o], uncut[o], 1e-10, `seed ${seed}, observable ${o}, cuts ${plan.described.join('; ')}`);
    cases++;
  }
  assert.equal(cases, seeds);
  assert.ok(fragmentCounts.size >= 2, 'the seeds cover several fragment counts');
}

test('the QPD terms: wire cut γ = 4, gate cut γ = 1 + 2|sin θ| (3 for CZ/CX), coefficients summing to 1', () => {
  assert.equal(gammaOf(WIRE_CUT_TERMS), 4);
  for (const th of [0, 0.3, -1.2, Math.PI / 2, 2.9]) {
    const t = rzzCutTerms(th);
    assertClose(gammaOf(t), 1 + 2 * Math.abs(Math.sin(th)), 1e-14, `γ at θ=${th}`);
    assertClose(t.reduce((a, x) => a + x.coef, 0), 1, 1e-14, 'trace preserving');
  }
  assertClose(gammaOf(rzzCutTerms(-Math.PI / 2)), 3, 1e-14, 'CZ');
});

test('exact reconstruction through wire cuts equals the uncut expectation to 1e-10 on random circuits in 2–4 fragments', () => {
  checkExact('wire', TWO_Q, 12);
});

test('exact reconstruction through gate cuts (CZ, CX, RZZ) equals the uncut expectation to 1e-10 on random circuits in 2–4 fragments', () => {
  checkExact('gate', ['cx', 'cz', 'rzz'], 12);
});

test('the heuristic cut finder (no exact search) still gives exact reconstructions', () => {
  for (let seed = 20; seed < 26; seed++) {
    const rng = new Rng(seed);
    const c = blockCircuit(rng, 3, 2, ['cx', 'cz', 'rzz', 'crx'], 1);
    const plan = planCuts(c, { maxQubits: 3, exactLimit: 0, maxOverhead: 1e12 });
    assert.equal(plan.method, 'heuristic');
    const obs = randomPauli(rng, c.numQubits);
    const params = randomVector(rng, 4), inputs = randomVector(rng, 3);
    const uncut = new Evaluator(c, [obs]).values(params, inputs)[0];
    assertClose(new CutEvaluator(plan, [obs], { maxTerms: 1e7 }).values(params, inputs)[0], uncut, 1e-10, `seed ${seed}`);
  }
});

test('the exact finder uses the fewest cuts: one cut for a CX ladder split in half, none when it fits', () => {
  const b = new CircuitBuilder(6);
  for (let q = 0; q < 6; q++) b.ry(q, 0.1 * (q + 1));
  for (let q = 0; q < 5; q++) b.cx(q, q + 1);
  const c = b.build();
  const r = findCuts(c, { maxQubits: 3 });
  assert.equal(r.method, 'exact');
  assert.equal(r.cuts.length, 1);
  assert.equal(r.fragments, 2);
  assert.equal(r.samplingOverhead, 9, 'the CX gate cut (9) beats a wire cut (16)');
  assert.equal(findCuts(c, { maxQubits: 6 }).cuts.length, 0);
  // a wire cut adds a qubit to the downstream piece: two are needed for 3 qubits, one for 4
  assert.equal(findCuts(c, { maxQubits: 3, kinds: 'wire' }).cuts.length, 2);
  const w = findCuts(c, { maxQubits: 4, kinds: 'wire' });
  assert.equal(w.cuts.length, 1);
  assert.equal(w.samplingOverhead, 16);
});

test('a gate-cut fragment variant is plain circuit data with a signed mid-circuit measurement', () => {
  const c = new CircuitBuilder(2).h(0).cz(0, 1).h(1).build();
  const plan = planCuts(c, { maxQubits: 1 });
  assert.equal(plan.fragments.length, 2);
  const v = fragmentVariant(plan, 0, [2]);
  assert.deepEqual(JSON.parse(JSON.stringify(v.circuit)), v.circuit);
  assert.equal(v.signClbits.length, 1);
  assert.ok(v.circuit.ops.some((o) => o.kind === 'measure'));
});

test('shot reconstruction is unbiased and its error over seeds matches the predicted variance (γ² − ⟨P⟩²)/S, for gate and wire cuts', () => {
  const c = new CircuitBuilder(4).ry(0, 0.7).ry(1, -0.4).cx(0, 1).rx(1, 0.9).cz(1, 2).ry(2, 0.3).rzz(2, 3, 0.8).rx(3, 0.5).cx(3, 2).build();
  for (const [kinds, K] of [['gate', 2], ['wire', 3]] as const) {
    const plan = planCuts(c, { maxQubits: K, kinds });
    assert.ok(plan.cuts.length >= 1 && plan.cuts.every((x) => x.kind === kinds), `${kinds}: ${plan.described.join('; ')}`);
    const obs = pauli('Z1 Z2');
    const exact = simulate(c).statevector!.expectation(obs);
    const ev = new CutEvaluator(plan, [obs]);
    const S = 400, R = 300;
    let sumErr = 0, sumSq = 0, predicted = 0;
    for (let seed = 0; seed < R; seed++) {
      const r = ev.sample([], [], { shots: S, seed });
      const e = r.values[0] - exact;
      sumErr += e; sumSq += e * e;
      predicted = r.variance[0];
    }
    const gamma2 = plan.samplingOverhead;
    assertClose(predicted, (gamma2 - exact * exact) / S, 1e-12, `${kinds}: predicted variance`);
    const mse = sumSq / R;
    // the mean error over R runs has standard deviation √(var/R): within 4 of them
    assert.ok(Math.abs(sumErr / R) < 4 * Math.sqrt(predicted / R), `${kinds}: bias ${sumErr / R}`);
    // R replicates: the mean squared error is within ±25% of the prediction (about 4 standard errors)
    assert.ok(mse > 0.75 * predicted && mse < 1.25 * predicted, `${kinds}: mse ${mse} vs predicted ${predicted}`);
    const one = reconstructExpectation(plan, obs, { shots: 1000, seed: 1 });
    assert.equal(one.shotsUsed, 1000 * plan.fragments.length);
  }
});

test('each fragment on its own noisy device: noise on the original gates only reproduces the uncut noisy circuit', () => {
  const c = new CircuitBuilder(4).ry(0, 0.7).ry(1, -0.4).cx(0, 1).ry(1, 0.9).cz(1, 2).ry(2, 0.3).cx(2, 3).ry(3, 0.5).build();
  const plan = planCuts(c, { maxQubits: 2, kinds: 'gate' });
  assert.equal(plan.fragments.length, 2);
  const dep = [{ channel: 'depolarizing' as const, p: 0.1 }];
  // device 1 is noisy on its ry gates only; the cut's own operations (h, s, z, rz, measure) stay clean
  const obs = pauli('Z0 X3');
  const frag1Wires = plan.fragments[1].qubits.map((q) => q.wire);
  const uncutNoise = { rules: frag1Wires.map((w) => ({ gates: ['ry'], qubits: [w], channels: dep })) };
  const uncut = simulate(c, { noise: uncutNoise }).densityMatrix!.expectation(obs);
  const cut = reconstructExpectation(plan, obs, { noise: [undefined, { gates: { ry: dep } }] }).value;
  assertClose(cut, uncut, 1e-10, 'noisy device 1');
  const clean = simulate(c).statevector!.expectation(obs);
  assert.ok(Math.abs(cut - clean) > 1e-3, 'the noise changes the value');
});

test('bad input: a device too narrow for a gate, an observable on a missing qubit, an overhead above the budget', () => {
  const c = new CircuitBuilder(4).ccx(0, 1, 2).cx(2, 3).build();
  assert.throws(() => planCuts(c, { maxQubits: 2 }), (e: unknown) => e instanceof QmlError && /cannot hold gate "ccx"/.test(e.message));
  const ok = planCuts(c, { maxQubits: 3 });
  assert.throws(() => reconstructExpectation(ok, pauli('Z7')), (e: unknown) => e instanceof QmlError && /out of range/.test(e.message));
  const b = new CircuitBuilder(4);
  for (let l = 0; l < 4; l++) { b.ry(0, 0.1 + l).ry(1, 0.2).ry(2, 0.3).ry(3, 0.4); b.cx(0, 1).cx(1, 2).cx(2, 3).cx(3, 0); }
  assert.throws(() => planCuts(b.build(), { maxQubits: 2, maxOverhead: 100 }), (e: unknown) => e instanceof QmlError && /above the budget/.test(e.message));
  assert.throws(() => planCuts(c, { maxQubits: 0 }), QmlError);
  const mid = new CircuitBuilder(2).h(0).measure(0, 0).cx(0, 1).build();
  assert.throws(() => planCuts(mid, { maxQubits: 1 }), (e: unknown) => e instanceof QmlError && /unitary/.test(e.message));
});
