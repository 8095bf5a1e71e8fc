/**
 * The what-if catalogue: every attack the digital twin injects, the indicator it targets, and the
 * defence that answers it. Attacks act from `ATTACK_START` of the run on (the detector's training
 * attack acts before the run, on the pre-trained model). Each one acts through the mechanism a
 * real attacker would use; none edits an indicator.
 *
 * | attack | mechanism | targets | defence |
 * |---|---|---|---|
 * | evasion | attack flows mimic benign traffic (fields moved α = 0.7 toward a benign flow) | detection_rate | adversarial-training |
 * | poisoned-round | one gNB's last federated update trained on flipped labels and boosted ×2n | detection_rate | robust-aggregation (coordinate median) |
 * | false-reports | every other working gNB inverts their interference reports (hide real interferers, claim strong interference from cells they do not hear) | spectrum_utilisation | report-validation (reports checked against the twin's own path-loss prediction) |
 * | qaoa-tamper | the stored QAOA angles are replaced by random ones | spectrum_utilisation | param-integrity (SHA-256 of the trained angles checked before use, retrain on mismatch) |
 * | qkd-eavesdrop | intercept-resend on the QKD backhaul link (BB84 aborts: no key) | service_continuity | pqc-fallback (X-Wing keys when QKD aborts) |
 * | jamming | a 40 dBm narrowband jammer on channel 0 at the area's centre | spectrum_utilisation | channel-hopping (cells that measure the jammer avoid its channel) |
 */
import { QmlError } from '../../core/errors.js';

export interface AttackSpec { name: string; targets: IndicatorName; defense: string; description: string }
export type IndicatorName = 'decision_latency' | 'spectrum_utilisation' | 'detection_rate' | 'false_positive_rate' | 'resilience_under_attack' | 'energy_cost' | 'service_continuity';

export const ATTACKS: Record<string, AttackSpec> = {
  evasion: { name: 'evasion', targets: 'detection_rate', defense: 'adversarial-training', description: 'attack flows shaped to mimic benign traffic' },
  'poisoned-round': { name: 'poisoned-round', targets: 'detection_rate', defense: 'robust-aggregation', description: 'a compromised gNB poisons the last federated round' },
  'false-reports': { name: 'false-reports', targets: 'spectrum_utilisation', defense: 'report-validation', description: 'gNBs under attacker control report no interference' },
  'qaoa-tamper': { name: 'qaoa-tamper', targets: 'spectrum_utilisation', defense: 'param-integrity', description: 'the stored QAOA angles are overwritten' },
  'qkd-eavesdrop': { name: 'qkd-eavesdrop', targets: 'service_continuity', defense: 'pqc-fallback', description: 'intercept-resend on the QKD backhaul link' },
  jamming: { name: 'jamming', targets: 'spectrum_utilisation', defense: 'channel-hopping', description: 'narrowband jammer on channel 0' },
};
export const ATTACK_NAMES = Object.keys(ATTACKS);
export const DEFENSE_NAMES = ATTACK_NAMES.map((a) => ATTACKS[a].defense);

/** Fraction of the run after which attacks act (the router's calibration window lies before it). */
export const ATTACK_START = 0.25;
export const JAMMER_DBM = 40;
/** Mimicry strength is in detection.ts (EVASION_ALPHA). */

export function checkAttacks(names: string[], where: string): string[] {
  for (const n of names) if (!ATTACKS[n]) throw new QmlError(`unknown attack "${n}" (known: ${ATTACK_NAMES.join(', ')})`, where);
  return names;
}

export function checkDefenses(names: string[], where: string): string[] {
  for (const n of names) if (!DEFENSE_NAMES.includes(n)) throw new QmlError(`unknown defence "${n}" (known: ${DEFENSE_NAMES.join(', ')})`, where);
  return names;
}
