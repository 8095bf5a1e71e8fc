/**
 * What the steps of `qml6g assess` share: the results record (persisted by the job runner) and the
 * in-memory state (data splits, trained detectors, attack points) that later steps read.
 */
import type { LabeledData } from '../qml/table.js';
import type { Detector } from '../qml/detector.js';
import type { DomainConstraints } from '../attacks/threat.js';
import type { JobContext, JobStep } from '../core/job.js';
import type { AssessConfig } from './config.js';
import type { AssessResults, AttackEntry } from './run.js';

export interface AssessState {
  cfg: AssessConfig;
  train: LabeledData;
  test: LabeledData;
  attack: LabeledData;
  bbRows: number;
  constraints: DomainConstraints;
  detectors: Map<string, Detector>;
  /** PGD points at the transfer ε, per source model (evasion → transfer). */
  pgdPoints: Map<string, Float64Array>;
  /** The ε at which transfer and the summary compare models (the middle positive ε). */
  epsT: number;
}

export type AssessContext = JobContext<AssessResults, AssessState>;
export type AssessStep = JobStep<AssessResults, AssessState>;

/** A finished attack of the interrupted run, reused on resume. */
export function reuse(ctx: AssessContext, model: string, name: string, eps: number): AttackEntry | undefined {
  return ctx.previous?.models.find((m) => m.name === model)?.attacks.find((a) => a.name === name && a.epsilon === eps);
}

/** With --threats training alone the evasion, quantum-specific and noise steps are skipped. */
export function evasionOn(cfg: AssessConfig): boolean {
  return cfg.threats.includes('evasion');
}
