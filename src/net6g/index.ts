/** The net6g layer's public API: 3GPP radio and orbit models, and the scenario engine (digital twin) built on them. */
export * from './radio/index.js';
export { loadScenario, parseScenario, scenarioNames, FLEET_KINDS, SLICE_TYPES, MOBILITY_MODELS, type ScenarioConfig } from './scenario/config.js';
export { World } from './scenario/world.js';
export { runScenario, type RunSpec, type RunResult, type Architecture as ScenarioArchitecture } from './scenario/run.js';
export { planExperiment, runSeed, summarise, type ExperimentPlan, type SeedRecord, type ContractJson } from './scenario/experiment.js';
export { INDICATORS, tInterval, tQuantile975, keptShare } from './scenario/indicators.js';
export { ATTACKS, ATTACK_NAMES, DEFENSE_NAMES } from './scenario/attacks.js';
export { Router } from './scenario/modules.js';
