/**
 * Task assignment for drone and robot fleets: A agents, T tasks, x_{a·T + t} = 1 when agent a does
 * task t. Minimise the travel cost Σ cost[a][t]·x; every task done by exactly one agent; an agent's
 * total load within its capacity; an agent that cannot arrive before a task's deadline may not take it.
 *
 * @example
 * import { tasksProblem, randomFleet } from 'qml6g';
 * const p = tasksProblem(randomFleet({ agents: 2, tasks: 3, seed: 1 }));
 * p.n;   // 6
 */
import { QmlError } from '../../core/errors.js';
import { Rng } from '../../core/rng.js';
import { QuboBuilder } from '../qubo.js';
import { makeProblem, oneHotConstraint, type LinearConstraint, type Problem } from '../problem.js';

export interface Fleet {
  agents: number;
  tasks: number;
  /** cost[a][t]: travel cost (e.g. distance or energy). */
  cost: number[][];
  /** load of each task, capacity of each agent. */
  load: number[];
  capacity: number[];
  /** arrival[a][t]: time agent a reaches task t; deadline[t]. */
  arrival: number[][];
  deadline: number[];
}

/** Agents and tasks at random points of the unit square; speed 1, costs and times are distances (×10, rounded). */
export function randomFleet(o: { agents: number; tasks: number; seed: number }): Fleet {
  const rng = new Rng(o.seed);
  const pa = Array.from({ length: o.agents }, () => [rng.next(), rng.next()]);
  const pt = Array.from({ length: o.tasks }, () => [rng.next(), rng.next()]);
  const dist = pa.map((a) => pt.map((t) => Math.round(10 * Math.hypot(a[0] - t[0], a[1] - t[1]))));
  const load = pt.map(() => 1 + rng.int(2));
  const total = load.reduce((s, v) => s + v, 0);
  const capacity = pa.map(() => Math.ceil((1.5 * total) / o.agents));
  // Deadlines between the nearest and the farthest agent's arrival: someone can always make it.
  const deadline = pt.map((_, t) => { const a = dist.map((d) => d[t]), lo = Math.min(...a), hi = Math.max(...a); return lo + rng.int(hi - lo + 1); });
  return { agents: o.agents, tasks: o.tasks, cost: dist, load, capacity, arrival: dist, deadline };
}

export function tasksProblem(f: Fleet, name = `tasks-${f.agents}x${f.tasks}`): Problem {
  const { agents: A, tasks: T } = f;
  const totalLoad = f.load.reduce((s, v) => s + v, 0), totalCap = f.capacity.reduce((s, v) => s + v, 0);
  if (totalLoad > totalCap) throw new QmlError(`contradictory constraints: the tasks need ${totalLoad} units of capacity, the fleet has ${totalCap}`);
  const b = new QuboBuilder(A * T);
  const constraints: LinearConstraint[] = [];
  const oneHot: number[][] = [];
  for (let t = 0; t < T; t++) {
    const grp = Array.from({ length: A }, (_, a) => a * T + t);
    if (grp.every((_, a) => f.arrival[a][t] > f.deadline[t])) throw new QmlError(`contradictory constraints: no agent reaches task ${t} before its deadline ${f.deadline[t]}`);
    oneHot.push(grp);
    constraints.push(oneHotConstraint(`task ${t} done once`, grp));
    for (let a = 0; a < A; a++) {
      b.addLinear(a * T + t, f.cost[a][t]);
      if (f.arrival[a][t] > f.deadline[t]) constraints.push({ name: `agent ${a} misses task ${t} deadline`, terms: [[a * T + t, 1]], sense: '<=', rhs: 0 });
    }
  }
  for (let a = 0; a < A; a++) {
    if (f.load.reduce((s, v) => s + v, 0) <= f.capacity[a]) continue;
    constraints.push({ name: `agent ${a} capacity`, terms: Array.from({ length: T }, (_, t) => [a * T + t, f.load[t]] as [number, number]), sense: '<=', rhs: f.capacity[a] });
  }
  return makeProblem({ kind: 'tasks', name, sense: 'min', objective: b.build(), constraints, oneHot, data: { kind: 'tasks', agents: A, tasks: T, cost: f.cost, load: f.load, capacity: f.capacity, deadline: f.deadline, arrival: f.arrival } });
}
