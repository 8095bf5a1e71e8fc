import { runRuns } from '../runs.js';

export const help = 'the experiment store: runs list|show|compare|rm [--json]';
export const run = runRuns;
