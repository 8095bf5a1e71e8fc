import { runDashboard } from '../dashboard.js';

export const help = 'web pages over the experiment store: runs, a run, compare, live view (and /api JSON)';
export const run = runDashboard;
