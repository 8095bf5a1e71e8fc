import { runBench } from '../bench.js';

export const help = 'benchmarks: qml6g bench SUITE [--json]';
export const run = runBench;
