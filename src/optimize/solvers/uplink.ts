/**
 * The classical uplink baseline as a `Solver` (see builders/uplink.ts): greedy channels, the
 * deadline-tight continuous power. Its energy is reported as the objective; the assignment shown is
 * the nearest discrete power level at or above the continuous one, so the record stays comparable.
 *
 * @example
 * import { uplinkGreedy, uplinkProblem, randomUplink } from 'qml6g';
 * const s = await uplinkGreedy.solve(uplinkProblem(randomUplink({ clients: 3, channels: 4, seed: 1 })));
 * s.details.continuous_energy_mj;
 */
import { uplinkBaseline, type UplinkInstance } from '../builders/uplink.js';
import type { Problem } from '../problem.js';
import { solutionRecord, type Solver } from './solver.js';

export const uplinkGreedy: Solver = {
  name: 'uplink-greedy',
  description: 'uplink baseline: greedy channel choice, deadline-tight continuous power',
  supports: (p) => (p.data.kind === 'uplink' ? null : 'uplink problems only'),
  solve: async (p: Problem) => {
    const start = performance.now();
    if (p.data.kind !== 'uplink') throw new Error('not an uplink problem');
    const u: UplinkInstance = { clients: p.data.clients, channels: p.data.channels, gain: p.data.gain, powers: p.data.powers, noise: p.data.noise, bandwidth: p.data.bandwidth, dataBits: p.data.dataBits, deadline: p.data.deadline };
    const b = uplinkBaseline(u);
    const L = u.powers.length, x = new Uint8Array(p.n);
    b.channel.forEach((m, k) => {
      let l = u.powers.findIndex((pw) => pw >= b.power[k] - 1e-15);
      if (l < 0) l = L - 1;
      x[(k * u.channels + m) * L + l] = 1;
    });
    return solutionRecord(p, 'uplink-greedy', x, { start, evaluations: u.clients * u.channels, details: { continuous_energy_mj: b.energyMilliJoules, continuous_feasible: b.feasible, channel: b.channel, power_w: b.power } });
  },
};
