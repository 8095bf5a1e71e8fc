/**
 * Terrestrial path loss after 3GPP TR 38.901 (V17), section 7.4: the UMi-Street Canyon and UMa
 * scenarios of Table 7.4.1-1 (path loss and shadow-fading standard deviation), the LOS probability of
 * Table 7.4.2-1, and the breakpoint distance of note 1 to that table. Symbols follow the standard:
 * distances in metres, the carrier frequency fc in GHz inside the formulas, heights hBS and hUT.
 *
 * @example
 * import { pathLoss38901 } from 'qml6g';
 * const pl = pathLoss38901({ scenario: 'UMi', fcGHz: 3.5, d2D: 100, hBS: 10, hUT: 1.5, los: true });
 * pl.pathLossDb; // 85.31 dB
 * pl.shadowFadingStdDb; // 4 dB
 */
import { QmlError } from '../../core/errors.js';

export type Scenario38901 = 'UMi' | 'UMa';

export interface Link38901 {
  scenario: Scenario38901;
  /** Carrier frequency in GHz (the model is stated for 0.5–100 GHz). */
  fcGHz: number;
  /** Horizontal distance in metres (10 m – 5 km). */
  d2D: number;
  /** Base-station height in metres (UMi: 10, UMa: 25 in the standard's default). */
  hBS: number;
  /** User height in metres (1.5 – 22.5). */
  hUT: number;
  los: boolean;
}

export interface PathLossResult {
  pathLossDb: number;
  shadowFadingStdDb: number;
  d3D: number;
  breakpoint: number;
}

const C = 299_792_458;

/** d'BP = 4·h'BS·h'UT·fc/c with effective heights h' = h − hE (hE = 1 m: the UMa value for hUT < 13 m and the UMi value). */
export function breakpointDistance(fcGHz: number, hBS: number, hUT: number, hE = 1): number {
  return (4 * (hBS - hE) * (hUT - hE) * fcGHz * 1e9) / C;
}

function checkLink(l: Link38901): void {
  const where = `TR 38.901 ${l.scenario}`;
  if (l.scenario !== 'UMi' && l.scenario !== 'UMa') throw new QmlError(`unknown scenario "${String(l.scenario)}" (known: UMi, UMa)`, 'TR 38.901');
  if (!(l.fcGHz >= 0.5 && l.fcGHz <= 100)) throw new QmlError(`carrier frequency ${l.fcGHz} GHz is outside the model's 0.5–100 GHz`, where);
  if (!(l.d2D >= 10 && l.d2D <= 5000)) throw new QmlError(`horizontal distance ${l.d2D} m is outside the model's 10 m – 5 km`, where);
  if (!(l.hUT >= 1.5 && l.hUT <= 22.5)) throw new QmlError(`user height ${l.hUT} m is outside 1.5–22.5 m`, where);
  if (!(l.hBS > l.hUT)) throw new QmlError(`base-station height ${l.hBS} m must exceed the user height ${l.hUT} m`, where);
}

function losPl(l: Link38901, d3D: number, dBP: number): number {
  const lf = 20 * Math.log10(l.fcGHz);
  const dh2 = (l.hBS - l.hUT) ** 2;
  if (l.scenario === 'UMi') {
    return l.d2D <= dBP
      ? 32.4 + 21 * Math.log10(d3D) + lf
      : 32.4 + 40 * Math.log10(d3D) + lf - 9.5 * Math.log10(dBP * dBP + dh2);
  }
  return l.d2D <= dBP
    ? 28.0 + 22 * Math.log10(d3D) + lf
    : 28.0 + 40 * Math.log10(d3D) + lf - 9 * Math.log10(dBP * dBP + dh2);
}

export function pathLoss38901(l: Link38901): PathLossResult {
  checkLink(l);
  const d3D = Math.hypot(l.d2D, l.hBS - l.hUT);
  const dBP = breakpointDistance(l.fcGHz, l.hBS, l.hUT);
  const los = losPl(l, d3D, dBP);
  if (l.los) return { pathLossDb: los, shadowFadingStdDb: 4, d3D, breakpoint: dBP };
  // NLOS is never below the LOS loss at the same distance (the max in Table 7.4.1-1).
  const nlos = l.scenario === 'UMi'
    ? 35.3 * Math.log10(d3D) + 22.4 + 21.3 * Math.log10(l.fcGHz) - 0.3 * (l.hUT - 1.5)
    : 13.54 + 39.08 * Math.log10(d3D) + 20 * Math.log10(l.fcGHz) - 0.6 * (l.hUT - 1.5);
  return { pathLossDb: Math.max(los, nlos), shadowFadingStdDb: l.scenario === 'UMi' ? 7.82 : 6, d3D, breakpoint: dBP };
}

/** Probability of a line of sight at horizontal distance d2D (Table 7.4.2-1, outdoor users). */
export function losProbability38901(scenario: Scenario38901, d2D: number, hUT = 1.5): number {
  if (!(d2D >= 0)) throw new QmlError(`distance ${d2D} m must be ≥ 0`, `TR 38.901 ${scenario}`);
  if (d2D <= 18) return 1;
  if (scenario === 'UMi') return 18 / d2D + Math.exp(-d2D / 36) * (1 - 18 / d2D);
  if (scenario !== 'UMa') throw new QmlError(`unknown scenario "${String(scenario)}" (known: UMi, UMa)`, 'TR 38.901');
  const cPrime = hUT <= 13 ? 0 : ((hUT - 13) / 10) ** 1.5;
  return (18 / d2D + Math.exp(-d2D / 63) * (1 - 18 / d2D)) * (1 + cPrime * (5 / 4) * (d2D / 100) ** 3 * Math.exp(-d2D / 150));
}

/**
 * One draw of a link: LOS state from the LOS probability, log-normal shadow fading with the
 * scenario's standard deviation. `uniform` and `normal` come from the caller's seeded Rng.
 */
export function sampleLink38901(l: Omit<Link38901, 'los'>, uniform: number, normal: number): PathLossResult & { los: boolean; shadowFadingDb: number } {
  const los = uniform < losProbability38901(l.scenario, l.d2D, l.hUT);
  const r = pathLoss38901({ ...l, los });
  const sf = normal * r.shadowFadingStdDb;
  return { ...r, los, shadowFadingDb: sf, pathLossDb: r.pathLossDb + sf };
}
