import { runSweep } from '../sweep.js';

export const help = 'run every combination of a grid of options (× seeds) as jobs; resumes; --nats spreads them across machines';
export const run = runSweep;
