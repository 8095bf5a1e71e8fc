import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Rng } from '../core/rng.js';
import { QuboBuilder } from './qubo.js';
import { makeProblem, type LinearConstraint, type Problem } from './problem.js';
import { maxcutProblem } from './builders/maxcut.js';
import { coloringProblem } from './builders/coloring.js';
import { fapProblem, randomFap, encodeFap } from './builders/fap.js';
import { tasksProblem, randomFleet } from './builders/tasks.js';
import { routingProblem, randomNetwork } from './builders/routing.js';
import { uplinkProblem, randomUplink } from './builders/uplink.js';
import { mycielGraph, queenGraph, randomRegularGraph, cycleGraph, makeGraph } from './graph.js';
import { parseDimacs } from './loaders/dimacs.js';
import { loadWcsp, parseCelar, parseWcsp, wcspCost, type WcspInstance } from './loaders/wcsp.js';
import { parseGset } from './loaders/dimacs.js';
import { QmlError } from '../core/errors.js';
import { bruteForce } from './solvers/brute.js';
import { dsaturColoring, exactColoring } from './solvers/coloring.js';
import { exactSolve } from './solvers/exact.js';
import { milpSolve } from './solvers/milp.js';
import { rdsSolve } from './solvers/wcsp-bnb.js';
import { wcspTabu } from './solvers/wcsp-tabu.js';
import { simulatedAnnealing, tabuSearch, greedyDescent } from './solvers/heuristics.js';
import { qaoaSolve } from './solvers/qaoa.js';
import { solverByName, solverNames } from './solvers/registry.js';
import { repoRoot, sharedPath } from '../testing/shared.js';

const reference = sharedPath('reference');

test('the exact solver proves the chromatic numbers of myciel3, myciel4 and queen5_5 (4, 5, 5)', async () => {
  for (const [g, chi] of [[mycielGraph(3), 4], [mycielGraph(4), 5], [queenGraph(5, 5), 5]] as const) {
    assert.equal(g.n, g.name === 'queen5_5' ? 25 : g.name === 'myciel3' ? 11 : 23);
    const p = coloringProblem(g, dsaturColoring(g).used, 'chromatic');
    const s = await exactSolve(p, { timeLimit: 60 });
    assert.equal(s.proven, true, `${g.name} not proven`);
    assert.equal(s.objective, chi, `${g.name}: χ = ${s.objective}`);
    assert.equal(s.feasible, true);
    assert.equal(s.gap, 0);
  }
  // The Mycielski graphs are triangle-free, so the proof cannot come from the clique bound alone.
  assert.ok(exactColoring(mycielGraph(4)).nodes > 1);
});

test('DIMACS instances from the shared reference load and their chromatic numbers (clique-bounded ones) are proven', () => {
  const expect: Record<string, number> = { 'anna.col': 11, 'huck.col': 11, 'jean.col': 10, 'miles250.col': 8, 'games120.col': 9 };
  for (const [file, chi] of Object.entries(expect)) {
    const g = parseDimacs(fs.readFileSync(path.join(reference, 'graphs', file), 'utf8'), file);
    const r = exactColoring(g, { timeLimit: 20 });
    assert.ok(r.proven, `${file} not proven`);
    assert.equal(r.chromatic, chi, file);
  }
  const m5 = parseDimacs(fs.readFileSync(path.join(reference, 'graphs', 'myciel5.col'), 'utf8'), 'myciel5.col');
  const built = mycielGraph(5);
  assert.equal(m5.n, built.n);
  assert.equal(m5.edges.length, built.edges.length);
});

test('loaders name the file and line of malformed input', () => {
  const says = (re: RegExp) => (e: unknown) => e instanceof QmlError && re.test(e.oneLine());
  assert.throws(() => parseDimacs('p edge 3 1\ne 1 9\n', 'bad.col'), says(/^bad\.col:2: vertex out of range/));
  assert.throws(() => parseDimacs('p edge 3 1\nq 1 2\n', 'bad.col'), says(/^bad\.col:2: unknown line type/));
  assert.throws(() => parseDimacs('e 1 2\n', 'bad.col'), says(/^bad\.col:1: an edge before/));
  assert.throws(() => parseWcsp('t 2 2 1 10\n2 2\n2 0 1 0 1\n0 5 3\n', 'bad.wcsp'), says(/^bad\.wcsp:4: value of variable 1 5 is outside/));
  assert.throws(() => parseWcsp('t 2 2 1 10\n2 x\n', 'bad.wcsp'), says(/^bad\.wcsp:2: expected domain size/));
  assert.throws(() => parseGset('3 2\n1 2 1\n', 'g.txt'), says(/^g\.txt:1: the header declares 2 edges/));
  const celar = parseCelar({ var: '1 1\n2 1\n', dom: '1 3 10 20 30\n', ctr: '1 2 C > 15 1\n', cst: 'a1 = 5\n' }, { var: 'var.txt', dom: 'dom.txt', ctr: 'ctr.txt', cst: 'cst.txt' });
  assert.equal(wcspCost(celar, [0, 1]), 5, '|10 − 20| ≤ 15 violates the separation: a1');
  assert.equal(wcspCost(celar, [0, 2]), 0);
  assert.throws(() => parseCelar({ var: '1 1\n2 9\n', dom: '1 1 10\n', ctr: '', cst: '' }, { var: 'var.txt', dom: 'dom.txt', ctr: 'ctr.txt', cst: 'cst.txt' }), says(/^var\.txt:2: variable 2 uses undefined domain 9/));
});

test('CELAR6-SUB0 loads from data/ with the reference assignment costing the published optimum 159', () => {
  const w = loadWcsp(path.join(repoRoot, 'data', 'fap', 'CELAR6-SUB0.wcsp.gz'));
  assert.equal(w.domains.length, 16);
  const sol = fs.readFileSync(path.join(reference, 'fap', 'CELAR6-SUB0.sol'), 'utf8').trim().split(/\s+/).map(Number);
  const ub = Number(fs.readFileSync(path.join(reference, 'fap', 'CELAR6-SUB0.ub'), 'utf8').trim());
  assert.equal(wcspCost(w, sol), ub);
  assert.equal(ub, 159);
  const p = fapProblem(w);
  const ev = encodeFap(p, sol);
  assert.equal(p.n, w.domains.reduce((a, b) => a + b, 0));
  assert.ok(ev.length === p.n);
});

/** The sub-instance of the first k variables (their unary costs and the tables among them). */
function subInstance(w: WcspInstance, vars: number[]): WcspInstance {
  const pos = new Map(vars.map((v, k) => [v, k]));
  return {
    name: `${w.name}-sub${vars.length}`, domains: vars.map((v) => w.domains[v]), unary: vars.map((v) => [...w.unary[v]]), constant: 0, top: w.top,
    binary: w.binary.filter((t) => pos.has(t.i) && pos.has(t.j)).map((t) => ({ i: pos.get(t.i)!, j: pos.get(t.j)!, cost: [...t.cost] })),
  };
}

test('Russian Doll Search agrees with HiGHS on a CELAR6-SUB0 sub-instance and with brute force on random instances', async () => {
  const w = loadWcsp(path.join(repoRoot, 'data', 'fap', 'CELAR6-SUB0.wcsp.gz'));
  const sub = subInstance(w, [0, 1, 2, 3]);
  const r = rdsSolve(sub);
  assert.ok(r.proven);
  const m = await milpSolve(fapProblem(sub), { timeLimit: 60 });
  assert.ok(m.proven);
  assert.equal(r.cost, m.objective);
  for (const seed of [1, 2, 3]) {
    const inst = randomFap({ links: 5, channels: 3, seed });
    const rr = rdsSolve(inst);
    assert.equal(rr.cost, bruteForce(fapProblem(inst)).objective, `seed ${seed}`);
  }
});

test('Specialised RDS proves the same optimum under different variable orders and with an incumbent cap', () => {
  // A wrong bound would prune differently under different orders; the incumbent cap must not change
  // the optimum, and an incumbent that is optimal comes back proven with a zero gap.
  const w = loadWcsp(path.join(repoRoot, 'data', 'fap', 'CELAR6-SUB0.wcsp.gz'));
  const sub = subInstance(w, [0, 1, 2, 3, 5, 8, 12, 14]);
  const a = rdsSolve(sub);
  const b = rdsSolve(sub, { order: [7, 6, 5, 4, 3, 2, 1, 0] });
  const c = rdsSolve(sub, { order: [0, 2, 4, 6, 1, 3, 5, 7] });
  assert.ok(a.proven && b.proven && c.proven);
  assert.equal(wcspCost(sub, a.assignment), a.cost);
  assert.equal(b.cost, a.cost);
  assert.equal(c.cost, a.cost);
  const capped = rdsSolve(sub, { incumbent: a.assignment });
  assert.ok(capped.proven);
  assert.equal(capped.cost, a.cost);
  assert.equal(capped.lowerBound, a.cost);
  for (const seed of [4, 5, 6, 7]) {
    const inst = randomFap({ links: 6, channels: 3, seed });
    const want = bruteForce(fapProblem(inst)).objective;
    assert.equal(rdsSolve(inst, { order: [5, 4, 3, 2, 1, 0] }).cost, want, `seed ${seed}`);
    assert.equal(rdsSolve(inst, { incumbent: new Array(6).fill(0) }).cost, want, `seed ${seed}, capped`);
  }
  assert.throws(() => rdsSolve(sub, { order: [0, 0, 1, 2, 3, 4, 5, 6] }), /not a permutation/);
});

test('the exact solver proves a 9-link CELAR6-SUB0 sub-instance from scratch, and tabu search meets the published optimum 159', async () => {
  // The pipeline of `optimize --solvers exact` on real data, small enough for a unit test: the tabu
  // incumbent caps the Russian Doll Search, which must prove it (or improve it); the uncapped search
  // must land on the same optimum, and the reference optimum restricted to the sub-instance can only
  // cost more (it optimises the whole instance).
  const w = loadWcsp(path.join(repoRoot, 'data', 'fap', 'CELAR6-SUB0.wcsp.gz'));
  const vars = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const sub = subInstance(w, vars);
  const s = await exactSolve(fapProblem(sub), { seed: 1 });
  assert.ok(s.proven && s.feasible);
  assert.equal(s.gap, 0);
  const free = rdsSolve(sub);
  assert.ok(free.proven);
  assert.equal(s.objective, free.cost);
  const sol = fs.readFileSync(path.join(reference, 'fap', 'CELAR6-SUB0.sol'), 'utf8').trim().split(/\s+/).map(Number);
  const restricted = wcspCost(sub, vars.map((v) => sol[v]));
  assert.ok(s.objective <= restricted, `${s.objective} > ${restricted}`);
  assert.ok(s.objective > 0);
  const ub = Number(fs.readFileSync(path.join(reference, 'fap', 'CELAR6-SUB0.ub'), 'utf8').trim());
  const tb = wcspTabu(w, { seed: 3, steps: 300_000, target: ub });
  assert.equal(tb.cost, ub);
  assert.equal(wcspCost(w, tb.assignment), ub);
  assert.throws(() => wcspTabu(w, { steps: 0 }), /positive number of steps/);
});

test('HiGHS MILP equals brute force on constrained random problems (min and max, =, ≤, ≥)', async () => {
  const rng = new Rng(5);
  let compared = 0;
  for (let t = 0; t < 12; t++) {
    const n = 6 + rng.int(4), b = new QuboBuilder(n);
    for (let i = 0; i < n; i++) b.addLinear(i, rng.int(9) - 4);
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (rng.next() < 0.4) b.addQuad(i, j, rng.int(9) - 4);
    const cons: LinearConstraint[] = [{ name: 'k', terms: Array.from({ length: n }, (_, i) => [i, 1 + rng.int(2)] as [number, number]), sense: (['=', '<=', '>='] as const)[t % 3], rhs: 3 + rng.int(3) }];
    let p: Problem, ref;
    try { p = makeProblem({ kind: 'qubo', name: `m${t}`, sense: t % 2 ? 'max' : 'min', objective: b.build(), constraints: cons }); ref = bruteForce(p); } catch { continue; }
    const s = await milpSolve(p);
    assert.ok(s.proven && s.feasible);
    assert.equal(s.objective, ref.objective, `problem ${t}`);
    compared++;
  }
  assert.ok(compared >= 8);
});

test('simulated annealing and tabu search reach the optimum of small MaxCut, colouring, task and routing problems; greedy reports its gap', async () => {
  const problems = [
    maxcutProblem(randomRegularGraph(3, 16, 3)),
    coloringProblem(cycleGraph(7), 3),
    tasksProblem(randomFleet({ agents: 3, tasks: 5, seed: 2 })),
    routingProblem(randomNetwork({ ground: 6, satellites: 2, demands: 4, seed: 3 }), { paths: 3, slots: 1 }),
  ];
  for (const p of problems) {
    const opt = bruteForce(p).objective;
    for (const solve of [simulatedAnnealing, tabuSearch]) {
      const s = await solve(p, { seed: 4 });
      assert.ok(s.feasible, `${s.solver} infeasible on ${p.name}`);
      assert.equal(s.objective, opt, `${s.solver} on ${p.name}: ${s.objective} vs ${opt}`);
      assert.ok(s.evaluations > 0 && s.seconds >= 0);
    }
    const g = await greedyDescent(p);
    assert.ok(Number.isFinite(g.objective));
  }
});

test('every registered solver returns the same record shape for the same problem', async () => {
  const p = coloringProblem(makeGraph(4, [[0, 1], [1, 2], [2, 3], [3, 0]]), 2);
  for (const name of solverNames()) {
    const s = solverByName(name);
    if (s.supports(p) !== null) continue;
    const r = await s.solve(p, { seed: 1, p: 1, shots: 64 });
    for (const k of ['solver', 'objective', 'feasible', 'violated', 'bound', 'gap', 'seconds', 'evaluations', 'x', 'trace', 'version', 'details']) assert.ok(k in r, `${name} lacks ${k}`);
    assert.equal(r.x.length, p.n);
  }
  assert.throws(() => solverByName('nope'), /unknown solver "nope"/);
});

test('QAOA with XY mixers keeps every shot a valid one-hot colouring; the X mixer with penalties does not', async () => {
  const g = cycleGraph(4);
  const p = coloringProblem(g, 3);
  const xy = await qaoaSolve(p, { p: 2, mixer: 'xy-ring', angles: 'interp', seed: 3, shots: 256 });
  const x = await qaoaSolve(p, { p: 2, mixer: 'x', angles: 'interp', seed: 3, shots: 256 });
  const pxy = xy.details.probability_feasible as number, px = x.details.probability_feasible as number;
  // Conflicts mode: feasible = one-hot; a valid colouring is feasible with 0 conflicts = optimal here.
  assert.ok(Math.abs(pxy - 1) < 1e-9, `xy leaves the one-hot subspace: ${pxy}`);
  assert.ok(px < 0.9, `x mixer: ${px}`);
  assert.ok((xy.details.probability_optimal as number) > (x.details.probability_optimal as number), `valid colouring: xy ${xy.details.probability_optimal} vs x ${x.details.probability_optimal}`);
  assert.equal(xy.objective, 0);
  const up = uplinkProblem(randomUplink({ clients: 2, channels: 2, seed: 7 }));
  const q = await qaoaSolve(up, { p: 1, mixer: 'xy-complete', angles: 'interp', seed: 1, shots: 128 });
  assert.ok(q.feasible);
});
