/** The net6g layer's public API: 3GPP radio and orbit models (the scenario engine builds on them). */
export * from './radio/index.js';
