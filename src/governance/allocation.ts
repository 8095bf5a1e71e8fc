/**
 * Explanations for an allocation or a route, over plain data (any solver's output): which
 * constraints bind (zero slack: they, not the objective, decided the answer; relaxing them is what
 * would change it), which are violated, which variables sit at a bound, and how the objective
 * breaks down by variable and by named term group. A route is the same thing: its edges are the
 * chosen variables, its budgets (latency, capacity, hops) the constraints.
 *
 * @example
 * import { explainAllocation } from 'qml6g';
 * const e = explainAllocation({
 *   sense: 'max', objective: { 'x[urllc]': 3, 'x[embb]': 1 },
 *   constraints: [{ name: 'bandwidth', coefficients: { 'x[urllc]': 1, 'x[embb]': 1 }, sense: '<=', rhs: 10 }],
 *   bounds: { 'x[urllc]': [0, 4] },
 * }, { 'x[urllc]': 4, 'x[embb]': 6 });
 * e.binding.map((b) => b.name); // ['bandwidth']
 * e.at_bound;                   // [{ variable: 'x[urllc]', bound: 'upper', value: 4 }]
 */
import { QmlError } from '../core/errors.js';

export interface AllocationConstraint { name: string; coefficients: Record<string, number>; sense: '<=' | '>=' | '='; rhs: number }

export interface AllocationProblem {
  sense: 'min' | 'max';
  /** Objective coefficient per variable. */
  objective: Record<string, number>;
  constant?: number;
  constraints: AllocationConstraint[];
  bounds?: Record<string, [number, number]>;
  /** Optional grouping of variables into named terms (e.g. "power", "latency penalty") for the breakdown. */
  groups?: Record<string, string[]>;
}

export interface AllocationExplanation {
  objective_value: number;
  /** Per variable, largest |contribution| first. */
  breakdown: Array<{ variable: string; coefficient: number; value: number; contribution: number; share: number }>;
  groups: Array<{ group: string; contribution: number; share: number }>;
  binding: Array<{ name: string; lhs: number; rhs: number; sense: string; slack: number }>;
  violated: Array<{ name: string; lhs: number; rhs: number; sense: string; violation: number }>;
  slack: Array<{ name: string; lhs: number; rhs: number; sense: string; slack: number }>;
  at_bound: Array<{ variable: string; bound: 'lower' | 'upper'; value: number }>;
  summary: string;
}

const finite = (x: unknown, where: string): number => {
  if (typeof x !== 'number' || !Number.isFinite(x)) throw new QmlError(`must be a finite number, got ${JSON.stringify(x)}`, where);
  return x;
};

/** Explains a solution of a linear (or linearised) allocation problem. `tol` decides "binding". */
export function explainAllocation(p: AllocationProblem, solution: Record<string, number>, tol = 1e-7): AllocationExplanation {
  if (p.sense !== 'min' && p.sense !== 'max') throw new QmlError(`sense must be "min" or "max", got ${JSON.stringify(p.sense)}`, 'problem.sense');
  const val = (v: string, where: string) => {
    if (!(v in solution)) throw new QmlError(`the solution has no value for variable "${v}"`, where);
    return finite(solution[v], `solution.${v}`);
  };
  const breakdown = Object.entries(p.objective).map(([v, c]) => {
    const value = val(v, 'problem.objective');
    return { variable: v, coefficient: finite(c, `objective.${v}`), value, contribution: c * value, share: 0 };
  });
  const objective = breakdown.reduce((a, b) => a + b.contribution, p.constant ?? 0);
  const absTotal = breakdown.reduce((a, b) => a + Math.abs(b.contribution), 0) || 1;
  for (const b of breakdown) b.share = Math.abs(b.contribution) / absTotal;
  breakdown.sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution));
  const groups = Object.entries(p.groups ?? {}).map(([g, vars]) => {
    const contribution = vars.reduce((a, v) => a + (p.objective[v] ?? 0) * val(v, `problem.groups.${g}`), 0);
    return { group: g, contribution, share: Math.abs(contribution) / absTotal };
  }).sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution));
  const binding: AllocationExplanation['binding'] = [], violated: AllocationExplanation['violated'] = [], slack: AllocationExplanation['slack'] = [];
  p.constraints.forEach((c, i) => {
    const where = `problem.constraints[${i}] (${c.name})`;
    if (typeof c.name !== 'string') throw new QmlError('a constraint needs a name', where);
    if (c.sense !== '<=' && c.sense !== '>=' && c.sense !== '=') throw new QmlError(`sense must be "<=", ">=" or "=", got ${JSON.stringify(c.sense)}`, where);
    const rhs = finite(c.rhs, `${where}.rhs`);
    let lhs = 0;
    for (const [v, a] of Object.entries(c.coefficients)) lhs += finite(a, `${where}.${v}`) * val(v, where);
    const scale = Math.max(1, Math.abs(rhs));
    const s = c.sense === '<=' ? rhs - lhs : c.sense === '>=' ? lhs - rhs : -Math.abs(lhs - rhs);
    if (s < -tol * scale) violated.push({ name: c.name, lhs, rhs, sense: c.sense, violation: -s });
    else if (Math.abs(s) <= tol * scale || c.sense === '=') binding.push({ name: c.name, lhs, rhs, sense: c.sense, slack: Math.max(0, s) });
    else slack.push({ name: c.name, lhs, rhs, sense: c.sense, slack: s });
  });
  const atBound: AllocationExplanation['at_bound'] = [];
  for (const [v, [lo, hi]] of Object.entries(p.bounds ?? {})) {
    const x = val(v, `problem.bounds.${v}`);
    if (Math.abs(x - lo) <= tol * Math.max(1, Math.abs(lo))) atBound.push({ variable: v, bound: 'lower', value: x });
    else if (Math.abs(x - hi) <= tol * Math.max(1, Math.abs(hi))) atBound.push({ variable: v, bound: 'upper', value: x });
  }
  slack.sort((a, b) => a.slack - b.slack);
  const top = breakdown.slice(0, 3).map((b) => `${b.variable} ${(100 * b.share).toFixed(0)}%`).join(', ');
  const summary = `${p.sense === 'max' ? 'maximised' : 'minimised'} objective ${objective.toPrecision(6)}; largest terms: ${top || 'none'}; `
    + `${binding.length ? `binding: ${binding.map((b) => b.name).join(', ')}` : 'no constraint binds'}`
    + `${atBound.length ? `; at a bound: ${atBound.map((b) => `${b.variable} (${b.bound})`).join(', ')}` : ''}`
    + `${violated.length ? `; VIOLATED: ${violated.map((b) => `${b.name} by ${b.violation.toPrecision(3)}`).join(', ')}` : ''}`;
  return { objective_value: objective, breakdown, groups, binding, violated, slack, at_bound: atBound, summary };
}

export interface RouteEdge { from: string; to: string; [metric: string]: number | string }

/**
 * Explains a route: per-metric totals and each edge's share, and which budgets (max total per
 * metric) bind or are violated. Metrics are the numeric fields of the edges (latency_ms, cost, ...).
 */
export function explainRoute(path: RouteEdge[], budgets: Record<string, number> = {}, objectiveMetric?: string, tol = 1e-7): AllocationExplanation & { metrics: Record<string, number> } {
  if (!Array.isArray(path) || !path.length) throw new QmlError('a route needs at least one edge', 'route');
  path.forEach((e, i) => {
    if (i > 0 && path[i - 1].to !== e.from) throw new QmlError(`edge ${i} starts at "${e.from}" but the previous edge ends at "${path[i - 1].to}"`, `route[${i}]`);
  });
  const metrics = [...new Set(path.flatMap((e) => Object.keys(e).filter((k) => k !== 'from' && k !== 'to' && typeof e[k] === 'number')))];
  const metric = objectiveMetric ?? metrics[0];
  if (!metric || !metrics.includes(metric)) throw new QmlError(`unknown objective metric ${JSON.stringify(objectiveMetric)} (the edges carry: ${metrics.join(', ')})`, 'route');
  const vars = path.map((e, i) => `${i}:${e.from}→${e.to}`);
  const solution = Object.fromEntries(vars.map((v) => [v, 1]));
  const num = (e: RouteEdge, m: string) => (typeof e[m] === 'number' ? (e[m] as number) : 0);
  const problem: AllocationProblem = {
    sense: 'min', objective: Object.fromEntries(vars.map((v, i) => [v, num(path[i], metric)])),
    constraints: Object.entries(budgets).map(([m, cap]) => {
      if (!metrics.includes(m)) throw new QmlError(`budget on unknown metric "${m}" (the edges carry: ${metrics.join(', ')})`, 'budgets');
      return { name: `${m} ≤ ${cap}`, coefficients: Object.fromEntries(vars.map((v, i) => [v, num(path[i], m)])), sense: '<=' as const, rhs: cap };
    }),
  };
  const totals = Object.fromEntries(metrics.map((m) => [m, path.reduce((a, e) => a + num(e, m), 0)]));
  return { ...explainAllocation(problem, solution, tol), metrics: totals };
}
