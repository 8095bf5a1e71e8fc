/**
 * Which training-time experiments `qml6g assess --threats training` runs: every attack against the
 * models it applies to (the quantum ones first, with the classical MLP as the baseline), at every
 * poison rate, each with the defences that answer it.
 */
import type { AssessConfig } from './config.js';
import type { ModelType } from '../qml/models/registry.js';

export interface TrainingThreatJob { attack: string; model: ModelType; rate: number; defenses: string[] }

// Quantum-kernel defences simulate one qubit per input, so classical models (tens of standardised
// inputs) get the Euclidean versions.
const SUITE: Array<{ attack: string; models: ModelType[]; quantum: string[]; classical?: string[] }> = [
  { attack: 'label-flip', models: ['vqc', 'mlp'], quantum: ['knn', 'knn-kernel', 'loss-trim'], classical: ['knn', 'loss-trim'] },
  { attack: 'backdoor', models: ['vqc', 'mlp'], quantum: ['spectral', 'spectral-readout', 'activation-clustering', 'strip'] },
  { attack: 'circuit-trigger', models: ['vqc'], quantum: ['spectral', 'activation-clustering', 'strip'] },
  { attack: 'clean-label', models: ['vqc'], quantum: ['knn', 'outlier'] },
  { attack: 'kernel-poison', models: ['qsvm'], quantum: ['alignment', 'knn-kernel', 'outlier-kernel'] },
  { attack: 'alignment-poison', models: ['qsvm'], quantum: ['alignment', 'knn-kernel'] },
  { attack: 'model-file', models: ['vqc', 'mlp'], quantum: ['signature', 'strip'] },
];

export function trainingThreatPlan(cfg: Pick<AssessConfig, 'models' | 'poisonRates'>): TrainingThreatJob[] {
  const jobs: TrainingThreatJob[] = [];
  for (const s of SUITE) {
    for (const model of s.models) {
      if (!cfg.models.includes(model)) continue;
      const defenses = model === 'vqc' || model === 'qsvm' ? s.quantum : s.classical ?? s.quantum;
      for (const rate of cfg.poisonRates) jobs.push({ attack: s.attack, model, rate, defenses });
    }
  }
  return jobs;
}
