import { runTrain } from '../train.js';

export const help = 'train a quantum or classical threat detector and report test metrics';
export const run = runTrain;
