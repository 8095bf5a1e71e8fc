/** The optimize layer's public API (see docs/architecture.md). */
// Graph and completeGraph are taken by the federated layer's secure-aggregation graphs, Problem by
// governance: the optimize versions are exported as WeightedGraph, completeGraphOf, OptimizationProblem.
export { type Graph as WeightedGraph, completeGraph as completeGraphOf, makeGraph, edgeWeight, adjacency, girth, randomRegularGraph, cycleGraph, mycielski, mycielGraph, queenGraph, randomGraph } from './graph.js';
export * from './qubo.js';
export { type Problem as OptimizationProblem, type ProblemKind, type LinearConstraint, type ProblemData, type Evaluation, type PenalizedQubo, makeProblem, oneHotConstraint, atMostConstraint, activityRange, constraintActivity, satisfied, evaluateAssignment, constraintGrid, automaticPenalty, penalized, pairRule, completeSlack } from './problem.js';
export * from './builders/maxcut.js';
export * from './builders/coloring.js';
export * from './builders/fap.js';
export * from './builders/uplink.js';
export * from './builders/routing.js';
export * from './builders/tasks.js';
export * from './loaders/dimacs.js';
export * from './loaders/wcsp.js';
export * from './qaoa/cost.js';
export * from './qaoa/fast.js';
export * from './qaoa/angles.js';
export * from './solvers/solver.js';
export * from './solvers/brute.js';
export * from './qaoa/train.js';
export * from './solvers/coloring.js';
export * from './solvers/heuristics.js';
export * from './solvers/milp.js';
export * from './solvers/wcsp-bnb.js';
export * from './solvers/wcsp-tabu.js';
export * from './solvers/exact.js';
export * from './solvers/qaoa.js';
export * from './solvers/uplink.js';
export * from './solvers/registry.js';
export * from './qaoa/team.js';
export * from './qaoa/rqaoa.js';
export * from './qaoa/noisy.js';
