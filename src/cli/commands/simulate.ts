import { runSimulate } from '../simulate.js';

export const help = 'simulate an OpenQASM 2.0 or 3 file (statevector, density matrix, shots, noise)';
export const run = runSimulate;
