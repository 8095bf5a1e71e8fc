export * from './tr38901.js';
export * from './tr38811.js';
export * from './orbit.js';
export * from './sinr.js';
