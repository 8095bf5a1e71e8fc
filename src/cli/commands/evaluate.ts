import { runEvaluate } from '../train.js';

export const help = 'score a saved detector on data';
export const run = runEvaluate;
