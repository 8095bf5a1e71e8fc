/**
 * Circuit-parameter tampering (quantum-specific: a compromised QPU controller; no single paper
 * defines it for federated learning): the client trains honestly,
 * but its compromised device controller shifts the circuit's rotation angles before the update
 * leaves, by a seeded offset uniform in [−π/2, π/2] per angle. The classical head is left alone,
 * so the tampering hides in the part of the model a classical audit does not read. For classical
 * models every parameter is tampered with.
 */
import type { ByzantineAttack } from './attack.js';

export function paramTamper(amplitude = Math.PI / 2): ByzantineAttack {
  return {
    name: 'param-tamper', paper: 'device-level tampering of circuit parameters (no single paper; the threat of a compromised QPU controller)',
    craft: (k) => k.own.map((u) => Float64Array.from(u, (x, i) => (i < k.headOffset ? x + amplitude * (2 * k.rng.next() - 1) : x))),
  };
}
