/**
 * The federated layer's public API (see docs/architecture.md): strategies over pure aggregation
 * functions, with the quorum policy and the sum/individual split that secure aggregation relies on.
 *
 * @example
 * import { makeStrategy, coordinateMedian } from 'qml6g';
 * coordinateMedian([Float64Array.of(1, 5), Float64Array.of(2, -1), Float64Array.of(10, 0)]); // [2, 0]
 * const s = makeStrategy('fedavg');
 * const out = s.aggregate({ round: 1, global: Float64Array.of(0, 0) },
 *   [{ client: 0, update: Float64Array.of(1, 0), numExamples: 1, loss: 0.6, staleness: 0 },
 *    { client: 1, update: Float64Array.of(0, 1), numExamples: 3, loss: 0.5, staleness: 0 }], []);
 * // out.kind === 'update', out.params = [0.25, 0.75]
 */
export * from './strategy.js';
export * from './strategies/index.js';
export { dot, norm, sqDist, cosine, mean, stdDev, checkUpdates } from './vec.js';
export * from './privacy/index.js';
