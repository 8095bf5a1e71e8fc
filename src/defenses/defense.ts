/**
 * The Defence interface: a defence wraps training (returns a newly trained Model), wraps inference
 * (a Model that pre- or post-processes), or certifies. Every application records its cost: the
 * training-time multiple and the clean-accuracy change, so a report can weigh robustness against
 * what it costs.
 */
import type { RowMatrix } from '../sim/batch.js';
import type { Model } from '../qml/model.js';

export type DefenseKind = 'training' | 'inference';

export interface DefenseContext {
  /** Training rows in the model's input space. */
  X: RowMatrix;
  y: Int32Array;
  seed: number;
  /** The undefended model (inference defences wrap it; training defences retrain a copy of its architecture). */
  base: Model;
  /** Seconds the undefended model took to train (for the cost multiple). */
  baseSeconds: number;
  log?: (s: string) => void;
}

export interface DefenseResult {
  name: string;
  kind: DefenseKind;
  model: Model;
  /** Training time relative to the undefended model (1 for inference defences). */
  trainTimeMultiple: number;
  seconds: number;
  config: Record<string, unknown>;
}

export interface Defense {
  readonly name: string;
  readonly kind: DefenseKind;
  apply(ctx: DefenseContext): DefenseResult;
}
