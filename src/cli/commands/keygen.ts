import { runKeygen } from '../verify.js';

export const help = 'write a new ML-DSA-65 signing key pair';
export const run = runKeygen;
