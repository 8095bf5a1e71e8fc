/**
 * Non-terrestrial links after 3GPP TR 38.811 (V15.4): the slant range between a ground terminal and
 * a satellite at altitude h seen at elevation α (section 6.6.2), free-space path loss, the
 * elevation-dependent LOS probability (Table 6.6.1-1), and the S-band shadow-fading and clutter-loss
 * tables (Tables 6.6.2-1, 6.6.2-2, 6.6.2-3). The TR tabulates 10° steps; between them we
 * interpolate linearly. Atmospheric absorption is omitted because the TR allows neglecting it
 * below 6 GHz (section 6.6.4), so carrier frequencies are limited to the S-band model's range.
 *
 * @example
 * import { ntnLink } from 'qml6g';
 * const l = ntnLink({ altitudeKm: 600, elevationDeg: 10, fcGHz: 2, environment: 'urban', los: true });
 * l.slantRangeKm; // 1931.6 (the 1,932 km of TR 38.821's LEO-600 reference at 10°)
 * l.delayMs;      // one-way propagation delay, 6.44 ms
 */
import { QmlError } from '../../core/errors.js';

export const EARTH_RADIUS_KM = 6371;
const C_KM_S = 299_792.458;

export type NtnEnvironment = 'dense-urban' | 'urban' | 'suburban-rural';
export const NTN_ENVIRONMENTS: NtnEnvironment[] = ['dense-urban', 'urban', 'suburban-rural'];

/** Elevations of the TR's tables, degrees. */
const ELEV = [10, 20, 30, 40, 50, 60, 70, 80, 90];
/** Table 6.6.1-1: LOS probability in percent. */
const LOS_PCT: Record<NtnEnvironment, number[]> = {
  'dense-urban': [28.2, 33.1, 39.8, 46.8, 53.7, 61.2, 73.8, 82.0, 98.1],
  urban: [24.6, 38.6, 49.3, 61.3, 72.6, 80.5, 91.9, 96.8, 99.2],
  'suburban-rural': [78.2, 86.9, 91.9, 92.9, 93.5, 94.0, 94.9, 95.2, 99.8],
};
/** Tables 6.6.2-1..3, S-band: shadow fading σ (dB) for LOS and NLOS, clutter loss (dB) for NLOS. */
const S_BAND: Record<NtnEnvironment, { sfLos: number[]; sfNlos: number[]; cl: number[] }> = {
  'dense-urban': {
    sfLos: [3.5, 3.4, 2.9, 3.0, 3.1, 2.7, 2.5, 2.3, 1.2],
    sfNlos: [15.5, 13.9, 12.4, 11.7, 10.6, 10.5, 10.1, 9.2, 9.2],
    cl: [34.3, 30.9, 29.0, 27.7, 26.8, 26.2, 25.8, 25.5, 25.5],
  },
  urban: {
    sfLos: [4, 4, 4, 4, 4, 4, 4, 4, 4],
    sfNlos: [6, 6, 6, 6, 6, 6, 6, 6, 6],
    cl: [34.3, 30.9, 29.0, 27.7, 26.8, 26.2, 25.8, 25.5, 25.5],
  },
  'suburban-rural': {
    sfLos: [1.79, 1.14, 1.14, 0.92, 1.42, 1.56, 0.85, 0.72, 0.72],
    sfNlos: [8.93, 9.08, 8.78, 10.25, 10.56, 10.74, 10.17, 11.52, 11.52],
    cl: [19.52, 18.17, 18.42, 18.28, 18.63, 17.68, 16.5, 16.3, 16.3],
  },
};

function table(values: number[], elevationDeg: number): number {
  const e = Math.min(90, Math.max(10, elevationDeg));
  const i = Math.min(7, Math.floor((e - 10) / 10));
  const t = (e - ELEV[i]) / 10;
  return values[i] + t * (values[i + 1] - values[i]);
}

function checkEnv(env: NtnEnvironment): void {
  if (!NTN_ENVIRONMENTS.includes(env)) throw new QmlError(`unknown NTN environment "${String(env)}" (known: ${NTN_ENVIRONMENTS.join(', ')})`, 'TR 38.811');
}

/** d = √(R²sin²α + h² + 2hR) − R·sin α (TR 38.811 6.6.2), in km. */
export function slantRangeKm(altitudeKm: number, elevationDeg: number): number {
  if (!(altitudeKm > 0)) throw new QmlError(`satellite altitude ${altitudeKm} km must be > 0`, 'TR 38.811');
  if (!(elevationDeg >= 0 && elevationDeg <= 90)) throw new QmlError(`elevation ${elevationDeg}° must be within 0–90° (a satellite below the horizon has no link)`, 'TR 38.811');
  const R = EARTH_RADIUS_KM, s = Math.sin((elevationDeg * Math.PI) / 180);
  return Math.sqrt(R * R * s * s + altitudeKm * altitudeKm + 2 * altitudeKm * R) - R * s;
}

/** Free-space path loss FSPL(d, fc) = 32.45 + 20·log10(fc/GHz) + 20·log10(d/m). */
export function fsplDb(distanceM: number, fcGHz: number): number {
  if (!(distanceM > 0) || !(fcGHz > 0)) throw new QmlError(`free-space loss needs a positive distance and frequency (got ${distanceM} m, ${fcGHz} GHz)`, 'TR 38.811');
  return 32.45 + 20 * Math.log10(fcGHz) + 20 * Math.log10(distanceM);
}

export function ntnLosProbability(env: NtnEnvironment, elevationDeg: number): number {
  checkEnv(env);
  return table(LOS_PCT[env], elevationDeg) / 100;
}

export interface NtnLinkInput {
  altitudeKm: number;
  elevationDeg: number;
  fcGHz: number;
  environment: NtnEnvironment;
  los: boolean;
}

export interface NtnLinkResult {
  slantRangeKm: number;
  /** One-way propagation delay, milliseconds. */
  delayMs: number;
  fsplDb: number;
  /** FSPL + clutter loss (NLOS); shadow fading is drawn separately with `shadowFadingStdDb`. */
  pathLossDb: number;
  clutterLossDb: number;
  shadowFadingStdDb: number;
}

export function ntnLink(l: NtnLinkInput): NtnLinkResult {
  checkEnv(l.environment);
  if (!(l.fcGHz >= 0.5 && l.fcGHz <= 6)) throw new QmlError(`carrier ${l.fcGHz} GHz: the S-band NTN model here covers 0.5–6 GHz (atmospheric absorption is neglected only there)`, 'TR 38.811');
  const d = slantRangeKm(l.altitudeKm, l.elevationDeg);
  const fspl = fsplDb(d * 1000, l.fcGHz);
  const t = S_BAND[l.environment];
  const cl = l.los ? 0 : table(t.cl, l.elevationDeg);
  return {
    slantRangeKm: d, delayMs: (d / C_KM_S) * 1000, fsplDb: fspl, pathLossDb: fspl + cl, clutterLossDb: cl,
    shadowFadingStdDb: table(l.los ? t.sfLos : t.sfNlos, l.elevationDeg),
  };
}
