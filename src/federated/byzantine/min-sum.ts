/** Min-Sum (Shejwalkar & Houmansadr 2021): see min-max.ts, which holds both (one search, two bounds). */
export { minSum } from './min-max.js';
