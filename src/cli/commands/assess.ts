import { runAssessCommand } from '../assess.js';

export const help = 'the main job: train, attack and assess quantum and classical threat detectors; writes ./qml6g-report/';
export const run = runAssessCommand;
