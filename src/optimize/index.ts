/** The optimize layer's public API (see docs/architecture.md). */
export * from './graph.js';
export * from './qubo.js';
export * from './problem.js';
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
