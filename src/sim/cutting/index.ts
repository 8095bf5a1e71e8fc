/** Circuit cutting's public API (see docs/architecture.md, "Circuit cutting"). */
export * from './decompositions.js';
export { cutGraph, components, samplingOverhead, describeCut, validateCuts, type Cut, type WireCut, type GateCut, type CutGraph } from './graph.js';
export { findCuts, type FindCutsOptions, type FoundCuts, type CutKinds } from './finder.js';
export { planCuts, fragmentVariant, siteRadix, DEFAULT_MAX_OVERHEAD, type CutPlan, type Fragment, type CutSite, type FragmentVariant, type PlanOptions } from './fragments.js';
export { CutEvaluator, reconstructExpectation, type CutEvalOptions, type CutEstimate, type ReconstructOptions, type Reconstruction, type ShotOptions } from './reconstruct.js';
