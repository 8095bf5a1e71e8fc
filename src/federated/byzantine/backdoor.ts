/**
 * Feature-trigger backdoor on local data (Bagdasaryan et al. 2020's semantic backdoor, with the
 * feature trigger of src/poisoning): a malicious client stamps the trigger on half of its rows of
 * other classes and labels them with the target class, then trains honestly on them. Without
 * boosting, averaging dilutes it; `model-replacement` adds the boost.
 */
import { pickPoisonRows, stampTrigger } from '../../poisoning/primitives.js';
import type { LabeledData } from '../../qml/table.js';
import type { ByzantineAttack, PoisonSetup } from './attack.js';

/** The rows of `d` with the trigger on a fraction `rate` of its non-target rows, relabelled. */
export function backdoorRows(d: LabeledData, s: PoisonSetup, rate = 0.5): LabeledData {
  let others = 0;
  for (const y of d.labels) if (y !== s.target) others++;
  if (!others) return d;
  // pickPoisonRows counts rate against all rows; ask for `rate` of the non-target ones. The trigger
  // was chosen from the whole federation's data and was validated there: this client's own rows
  // need not contain its (rare) values.
  const idx = pickPoisonRows(d.labels, s.target, Math.min(0.99, (rate * others) / d.labels.length), s.seed);
  const labels = Int32Array.from(d.labels);
  for (const i of idx) labels[i] = s.target;
  return { ...d, table: stampTrigger(d.table, idx, s.trigger, s.seed), labels };
}

export function backdoorAttack(rate = 0.5): ByzantineAttack {
  return { name: 'backdoor', paper: 'Bagdasaryan et al. 2020', backdoor: true, poison: (d, s) => backdoorRows(d, s, rate) };
}
