/**
 * Private federated learning (see docs/architecture.md): secure aggregation (Bonawitz et al. 2017;
 * SecAgg+ of Bell et al. 2020) and differential privacy with a Rényi accountant.
 *
 * @example
 * import { secureAggregate } from 'qml6g';
 * const r = secureAggregate([Float64Array.of(1), Float64Array.of(2), Float64Array.of(3)], { clip: 4, seed: 1 }, ['unmask', null, null]);
 * r.sum; // ≈ [6]: client 0 sent its masked input before going silent, so it is still counted
 */
export * from './random.js';
export * from './shamir.js';
export * from './agreement.js';
export * from './prg.js';
export * from './quantize.js';
export * from './graph.js';
export * from './secagg.js';
export * from './rdp.js';
export * from './dp.js';
export * from './membership.js';
export * from './utility.js';
export * from './audit.js';
export * from './private-strategy.js';
