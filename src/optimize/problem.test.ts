import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../core/rng.js';
import { QmlError } from '../core/errors.js';
import { QuboBuilder, quboToIsing, isingToQubo, quboValue, isingValue, quboValues, type Qubo } from './qubo.js';
import { completeSlack, evaluateAssignment, makeProblem, penalized, type LinearConstraint, type Problem } from './problem.js';
import { bruteForce } from './solvers/brute.js';
import { maxcutProblem, cutValue } from './builders/maxcut.js';
import { coloringProblem, encodeColors } from './builders/coloring.js';
import { tasksProblem, randomFleet } from './builders/tasks.js';
import { uplinkProblem, randomUplink, uplinkBaseline } from './builders/uplink.js';
import { routingProblem, randomNetwork } from './builders/routing.js';
import { fapProblem, randomFap, encodeFap, fapCost, decodeFap } from './builders/fap.js';
import { cycleGraph, completeGraph, randomGraph } from './graph.js';

function randomQubo(n: number, rng: Rng): Qubo {
  const b = new QuboBuilder(n);
  for (let i = 0; i < n; i++) b.addLinear(i, rng.int(11) - 5);
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (rng.next() < 0.4) b.addQuad(i, j, rng.int(9) - 4);
  return b.build();
}

test('QUBO and Ising forms agree on every assignment (s = 1 − 2x) and convert back exactly', () => {
  const rng = new Rng(1);
  const q = randomQubo(6, rng);
  const m = quboToIsing(q), back = isingToQubo(m);
  const all = quboValues(q);
  for (let s = 0; s < 64; s++) {
    const x = Array.from({ length: 6 }, (_, i) => (s >> i) & 1);
    assert.ok(Math.abs(quboValue(q, x) - all[s]) < 1e-12);
    assert.ok(Math.abs(isingValue(m, x.map((b) => 1 - 2 * b)) - all[s]) < 1e-12);
    assert.ok(Math.abs(quboValue(back, x) - all[s]) < 1e-12);
  }
});

/** The optimum of the penalised QUBO over all (x, slack), mapped back to the problem's sense, and its argmin. */
function penalisedOptimum(p: Problem, penalty?: number): { value: number; x: number[] } {
  const pq = penalized(p, penalty === undefined ? {} : { penalty });
  const v = quboValues(pq.qubo);
  let best = 0;
  for (let s = 1; s < v.length; s++) if (v[s] < v[best]) best = s;
  return { value: v[best], x: Array.from({ length: p.n }, (_, i) => (best >>> i) & 1) };
}

test('the automatic penalty weight keeps the constrained optimum optimal: every minimiser of the penalised QUBO is feasible and optimal', () => {
  const rng = new Rng(7);
  let checked = 0;
  for (let trial = 0; trial < 60; trial++) {
    const n = 4 + rng.int(4);
    const cons: LinearConstraint[] = [];
    const k = 1 + rng.int(3);
    for (let c = 0; c < k; c++) {
      const terms: Array<[number, number]> = [];
      for (let i = 0; i < n; i++) if (rng.next() < 0.6) terms.push([i, rng.int(5) - 1 || 1]);
      if (!terms.length) terms.push([0, 1]);
      const sense = (['=', '<=', '>='] as const)[rng.int(3)];
      const sum = terms.reduce((s, t) => s + Math.max(0, t[1]), 0);
      cons.push({ name: `c${c}`, terms, sense, rhs: rng.int(sum + 1) });
    }
    const half = rng.next() < 0.5;
    let p: Problem;
    try {
      p = makeProblem({ kind: 'qubo', name: `t${trial}`, sense: half ? 'max' : 'min', objective: randomQubo(n, rng), constraints: cons });
    } catch (e) { if (e instanceof QmlError) continue; throw e; }
    let exact;
    try { exact = bruteForce(p); } catch (e) { if (e instanceof QmlError) continue; throw e; }
    const pen = penalisedOptimum(p);
    const asMin = p.sense === 'max' ? -exact.objective : exact.objective;
    assert.ok(Math.abs(pen.value - asMin) < 1e-6, `trial ${trial}: penalised optimum ${pen.value} vs constrained ${asMin}`);
    const ev = evaluateAssignment(p, pen.x);
    assert.ok(ev.feasible, `trial ${trial}: penalised minimiser violates ${ev.violated}`);
    assert.ok(Math.abs(ev.objective - exact.objective) < 1e-9);
    // The slack completion reproduces the penalised value of the optimum exactly.
    const full = completeSlack(p, penalized(p), exact.x);
    assert.ok(Math.abs(quboValue(penalized(p).qubo, full) - asMin) < 1e-6, `trial ${trial}: slack completion`);
    checked++;
  }
  assert.ok(checked >= 25, `only ${checked} feasible random problems`);
});

test('a penalty below the rule can make an infeasible assignment optimal (the rule is not vacuous)', () => {
  // maximise 3·x0 + 3·x1 subject to x0 + x1 ≤ 1: with weight 1 both ones win (6 − 1 > 3).
  const p = makeProblem({ kind: 'qubo', name: 'weak', sense: 'max', objective: new QuboBuilder(2).addLinear(0, 3).addLinear(1, 3).build(), constraints: [{ name: 'one', terms: [[0, 1], [1, 1]], sense: '<=', rhs: 1 }] });
  assert.equal(evaluateAssignment(p, penalisedOptimum(p, 1).x).feasible, false);
  assert.equal(evaluateAssignment(p, penalisedOptimum(p).x).feasible, true);
});

test('contradictory constraints are refused with the constraint named', () => {
  assert.throws(() => makeProblem({ kind: 'qubo', name: 'bad', sense: 'min', objective: new QuboBuilder(2).build(), constraints: [{ name: 'impossible', terms: [[0, 1], [1, 1]], sense: '>=', rhs: 3 }] }), /contradictory constraints: "impossible"/);
  const f = randomFleet({ agents: 2, tasks: 4, seed: 1 });
  f.capacity = [1, 1];
  assert.throws(() => tasksProblem(f), /contradictory constraints/);
  assert.throws(() => uplinkProblem(randomUplink({ clients: 4, channels: 3, seed: 1 })), /contradictory constraints/);
});

test('builders: MaxCut objective is the cut, colouring counts conflicts, chromatic mode counts colours', () => {
  const g = cycleGraph(5);
  const mc = maxcutProblem(g);
  assert.equal(bruteForce(mc).objective, 4);
  const x = [1, 0, 1, 0, 0];
  assert.equal(evaluateAssignment(mc, x).objective, cutValue(g, x));
  const col = coloringProblem(g, 3);
  assert.equal(evaluateAssignment(col, encodeColors(col, [0, 1, 0, 1, 2])).objective, 0);
  assert.equal(evaluateAssignment(col, encodeColors(col, [0, 1, 0, 1, 0])).objective, 1);
  assert.equal(bruteForce(coloringProblem(completeGraph(3), 2)).objective, 1, 'K3 with 2 colours keeps one conflict');
  const chrom = coloringProblem(cycleGraph(3), 3, 'chromatic');
  const ev = evaluateAssignment(chrom, encodeColors(chrom, [2, 0, 1]));
  assert.ok(ev.feasible);
  assert.equal(ev.objective, 3);
  assert.equal(evaluateAssignment(chrom, encodeColors(chrom, [0, 0, 1])).feasible, false);
});

test('builders: frequency assignment cost equals the instance cost; span mode measures max − min frequency', () => {
  const inst = randomFap({ links: 4, channels: 3, seed: 2 });
  const p = fapProblem(inst);
  const rng = new Rng(3);
  for (let t = 0; t < 20; t++) {
    const a = inst.domains.map((d) => rng.int(d));
    const x = encodeFap(p, a);
    assert.deepEqual(decodeFap(inst, x), a);
    assert.equal(evaluateAssignment(p, x).objective, fapCost(inst, a));
  }
  const span = fapProblem(randomFap({ links: 2, channels: 5, seed: 5, spacing: 10 }), 'span');
  const w = span.data.kind === 'fap' ? span.data.instance : null;
  const best = bruteForce(span);
  const a = decodeFap(w!, best.x), f = a.map((v, i) => w!.values![i][v]);
  assert.equal(best.objective, Math.max(...f) - Math.min(...f));
  assert.ok(best.feasible);
});

test('builders: uplink, routing and fleet tasks are feasible problems whose exact optimum beats or matches the baselines', () => {
  const u = randomUplink({ clients: 2, channels: 3, seed: 4 });
  const up = uplinkProblem(u);
  const ex = bruteForce(up);
  assert.ok(ex.feasible);
  const base = uplinkBaseline(u);
  // The baseline uses continuous power (deadline-tight), so it may beat the discrete QUBO; both are finite and positive.
  assert.ok(base.energyMilliJoules > 0 && ex.objective > 0);
  const r = routingProblem(randomNetwork({ ground: 5, satellites: 1, demands: 3, seed: 2 }), { paths: 2, slots: 2 });
  assert.ok(bruteForce(r).feasible);
  const t = tasksProblem(randomFleet({ agents: 3, tasks: 4, seed: 3 }));
  assert.ok(bruteForce(t).feasible);
  assert.ok(randomGraph(6, 0.5, 1).edges.length > 0);
});
