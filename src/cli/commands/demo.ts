import { runDemo } from '../demo.js';

export const help = 'a tour of the simulator on built-in circuits';
export const run = runDemo;
