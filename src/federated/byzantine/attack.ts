/**
 * One interface for Byzantine and poisoning clients (the federated twin of the evasion attacks'
 * interface). A malicious client can act at three points, and an attack implements the ones it
 * uses:
 *  - `poison`: its local rows before training (label flipping, feature-trigger backdoor);
 *  - `device`: its device (a quantum device with adversarially high noise);
 *  - `craft`: the updates it uploads, from what it knows this round (model poisoning).
 * `craft` sees the attacker's own honestly trained updates and, in the full-knowledge threat model
 * the model-poisoning papers evaluate (ALIE, IPM, Fang, Min-Max/Min-Sum), the benign clients'
 * updates and the aggregation rule's name.
 */
import type { Rng } from '../../core/rng.js';
import type { LabeledData } from '../../qml/table.js';
import type { Trigger } from '../../poisoning/primitives.js';
import type { ClientSpec } from '../client.js';

export interface AttackKnowledge {
  round: number;
  global: Float64Array;
  /** The malicious participants' own updates, trained honestly on their (possibly poisoned) rows. */
  own: Float64Array[];
  /** The benign participants' updates this round (full knowledge). */
  benign: Float64Array[];
  /** Participants this round (benign + malicious). */
  n: number;
  /** The aggregation rule the attacker targets. */
  strategy: string;
  /** Index of the first classical-head parameter (quantum models), or the parameter count. */
  headOffset: number;
  rng: Rng;
}

export interface PoisonSetup {
  /** The backdoor's trigger and target class (shared by every backdooring client and the test). */
  trigger: Trigger;
  target: number;
  seed: number;
}

export interface ByzantineAttack {
  readonly name: string;
  /** The paper it follows. */
  readonly paper: string;
  /** True when the attack plants a backdoor (the run then reports backdoor success). */
  readonly backdoor?: boolean;
  poison?(data: LabeledData, setup: PoisonSetup): LabeledData;
  device?(spec: ClientSpec): ClientSpec;
  /** One crafted update per malicious participant (same order as `k.own`). */
  craft?(k: AttackKnowledge): Float64Array[];
  /**
   * Whether the malicious clients take part in round `round` (1-based) of `totalRounds`; when false
   * they withhold their updates (an attacker that acts only in its attack rounds). Default: always.
   */
  active?(round: number, totalRounds: number): boolean;
}

/** Inverse of the standard normal CDF (Acklam 2003; relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) return p <= 0 ? -Infinity : Infinity;
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.383577518672690e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - lo) return -normalQuantile(1 - p);
  const q = p - 0.5, r = q * q;
  return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

/** Every honest update the attacker knows (its own and, with full knowledge, the benign ones). */
export function known(k: AttackKnowledge): Float64Array[] {
  return [...k.benign, ...k.own];
}

/** The same vector for each malicious participant. */
export function replicate(v: Float64Array, m: number): Float64Array[] {
  return Array.from({ length: m }, () => Float64Array.from(v));
}
