import { runPoison } from '../poison.js';

export const help = 'training-time threats: poisoning, backdoors, tampered model files, and their defences';
export const run = runPoison;
