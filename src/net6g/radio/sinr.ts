/**
 * Link budgets, SINR and the interference graph the spectrum allocator colours: thermal noise
 * N = −174 dBm/Hz + 10·log10(B) + NF, received power P_rx = P_tx + G − PL, SINR = S / (N + Σ I),
 * and an edge between two links when either one, sharing a channel, would push the other's
 * interference-to-noise ratio above a threshold.
 *
 * @example
 * import { sinrDb, thermalNoiseDbm } from 'qml6g';
 * thermalNoiseDbm(20e6, 7); // −94.0 dBm over 20 MHz with a 7 dB noise figure
 * sinrDb(-80, [-100, -105], thermalNoiseDbm(20e6, 7)); // ≈ 13.2 dB
 */
import { QmlError } from '../../core/errors.js';

export function dbmToMw(dbm: number): number { return 10 ** (dbm / 10); }
export function mwToDbm(mw: number): number { return 10 * Math.log10(mw); }

export function thermalNoiseDbm(bandwidthHz: number, noiseFigureDb: number): number {
  if (!(bandwidthHz > 0)) throw new QmlError(`bandwidth ${bandwidthHz} Hz must be > 0`, 'link budget');
  return -174 + 10 * Math.log10(bandwidthHz) + noiseFigureDb;
}

/** SINR in dB from the wanted signal and each interferer's received power, all in dBm. */
export function sinrDb(signalDbm: number, interferersDbm: ArrayLike<number>, noiseDbm: number): number {
  let i = dbmToMw(noiseDbm);
  for (let k = 0; k < interferersDbm.length; k++) i += dbmToMw(interferersDbm[k]);
  return signalDbm - mwToDbm(i);
}

/** Shannon capacity of a link, bit/s: B·log2(1 + SINR). */
export function shannonCapacity(bandwidthHz: number, sinr: number): number {
  return bandwidthHz * Math.log2(1 + 10 ** (sinr / 10));
}

/**
 * The interference graph over n links from a matrix of received powers: gainDbm[i*n + j] is the
 * power (dBm) that link j's transmitter delivers at link i's receiver (the diagonal is the wanted
 * signal). Links i and j conflict when, on the same channel, I/N at either receiver exceeds
 * `inrThresholdDb`. Returns the edges as pairs (i < j) with the worse of the two ratios.
 */
export function interferenceGraph(gainDbm: Float64Array, n: number, noiseDbm: number, inrThresholdDb: number): Array<{ i: number; j: number; inrDb: number }> {
  if (gainDbm.length !== n * n) throw new QmlError(`interference matrix has ${gainDbm.length} entries, expected ${n}×${n}`, 'interference graph');
  const edges: Array<{ i: number; j: number; inrDb: number }> = [];
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const inr = Math.max(gainDbm[i * n + j], gainDbm[j * n + i]) - noiseDbm;
      if (inr > inrThresholdDb) edges.push({ i, j, inrDb: inr });
    }
  }
  return edges;
}
