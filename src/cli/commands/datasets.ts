import { runDatasets } from '../datasets.js';

export const help = 'list the data sets shipped with qml6g';
export const run = runDatasets;
