import { runFederate } from '../federate.js';

export const help = 'federated learning of a detector across edge clients: strategies × Byzantine attacks, non-IID data, faults';
export const run = runFederate;
