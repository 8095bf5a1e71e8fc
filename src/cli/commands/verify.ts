import { runVerify } from '../verify.js';

export const help = 'check a signed model file (ML-DSA-65): exit 0 intact, 1 otherwise';
export const run = runVerify;
