/**
 * Circular LEO orbits over a rotating spherical Earth: where a satellite is, the elevation at which
 * a ground terminal sees it, and the windows during which it stays above a minimum elevation.
 * Two-body motion only (no J2, no drag): over the minutes to hours a scenario simulates, the
 * error this leaves is far below the 10° steps of the TR 38.811 channel tables.
 *
 * @example
 * import { visibilityWindows } from 'qml6g';
 * const w = visibilityWindows({ altitudeKm: 600, inclinationDeg: 53, raanDeg: 0, phaseDeg: 0 },
 *   { latDeg: 48.1, lonDeg: 11.6 }, { durationS: 86400, minElevationDeg: 10 });
 * w.length; // passes over Munich in a day
 */
import { QmlError } from '../../core/errors.js';
import { EARTH_RADIUS_KM } from './tr38811.js';

/** Earth's gravitational parameter μ (km³/s², WGS-84) and rotation rate (rad/s, sidereal). */
export const MU_EARTH = 398600.4418;
export const OMEGA_EARTH = 7.2921159e-5;

export interface CircularOrbit {
  altitudeKm: number;
  inclinationDeg: number;
  /** Right ascension of the ascending node at t = 0. */
  raanDeg: number;
  /** Argument of latitude at t = 0 (angle from the ascending node along the orbit). */
  phaseDeg: number;
}

export interface GroundPoint { latDeg: number; lonDeg: number }

const rad = (d: number) => (d * Math.PI) / 180;

export function orbitalPeriodS(altitudeKm: number): number {
  if (!(altitudeKm > 0)) throw new QmlError(`orbit altitude ${altitudeKm} km must be > 0`, 'orbit');
  const a = EARTH_RADIUS_KM + altitudeKm;
  return 2 * Math.PI * Math.sqrt((a * a * a) / MU_EARTH);
}

/** Satellite position in the Earth-centred inertial frame at time t (s), km, into `out`. */
export function satellitePosition(o: CircularOrbit, t: number, out = new Float64Array(3)): Float64Array {
  const a = EARTH_RADIUS_KM + o.altitudeKm;
  const u = rad(o.phaseDeg) + (2 * Math.PI * t) / orbitalPeriodS(o.altitudeKm);
  const W = rad(o.raanDeg), i = rad(o.inclinationDeg);
  const cu = Math.cos(u), su = Math.sin(u), cW = Math.cos(W), sW = Math.sin(W), ci = Math.cos(i);
  out[0] = a * (cu * cW - su * ci * sW);
  out[1] = a * (cu * sW + su * ci * cW);
  out[2] = a * su * Math.sin(i);
  return out;
}

/** Elevation (degrees, negative below the horizon) and range (km) of the satellite from a ground point at t. */
export function lookAngle(o: CircularOrbit, g: GroundPoint, t: number): { elevationDeg: number; rangeKm: number } {
  const s = satellitePosition(o, t);
  const lat = rad(g.latDeg), lon = rad(g.lonDeg) + OMEGA_EARTH * t;
  const nx = Math.cos(lat) * Math.cos(lon), ny = Math.cos(lat) * Math.sin(lon), nz = Math.sin(lat);
  const dx = s[0] - EARTH_RADIUS_KM * nx, dy = s[1] - EARTH_RADIUS_KM * ny, dz = s[2] - EARTH_RADIUS_KM * nz;
  const range = Math.hypot(dx, dy, dz);
  return { elevationDeg: (Math.asin((dx * nx + dy * ny + dz * nz) / range) * 180) / Math.PI, rangeKm: range };
}

export interface VisibilityWindow { startS: number; endS: number; maxElevationDeg: number }

/**
 * Intervals of [0, durationS] during which the satellite is above `minElevationDeg`: sampled every
 * `stepS` (default a 600th of the orbital period, about 10 s in LEO), each edge refined by
 * bisection and each pass's peak by golden-section search, to 1 ms.
 */
export function visibilityWindows(o: CircularOrbit, g: GroundPoint, opts: { durationS: number; minElevationDeg: number; stepS?: number }): VisibilityWindow[] {
  if (!(opts.durationS > 0)) throw new QmlError(`duration ${opts.durationS} s must be > 0`, 'orbit');
  if (!(opts.minElevationDeg >= 0 && opts.minElevationDeg < 90)) throw new QmlError(`minimum elevation ${opts.minElevationDeg}° must be within [0, 90)`, 'orbit');
  if (!(Math.abs(g.latDeg) <= 90)) throw new QmlError(`latitude ${g.latDeg}° is outside ±90°`, 'orbit');
  const step = opts.stepS ?? orbitalPeriodS(o.altitudeKm) / 600;
  const f = (t: number) => lookAngle(o, g, t).elevationDeg - opts.minElevationDeg;
  const edge = (lo: number, hi: number) => {
    const up = f(lo) < 0;
    while (hi - lo > 1e-3) { const m = (lo + hi) / 2; if ((f(m) < 0) === up) lo = m; else hi = m; }
    return (lo + hi) / 2;
  };
  const peakAround = (t0: number, lo: number, hi: number) => {
    let a = Math.max(lo, t0 - step), b = Math.min(hi, t0 + step);
    const phi = (Math.sqrt(5) - 1) / 2;
    while (b - a > 1e-3) {
      const c = b - phi * (b - a), d = a + phi * (b - a);
      if (f(c) > f(d)) b = d; else a = c;
    }
    return f((a + b) / 2) + opts.minElevationDeg;
  };
  const out: VisibilityWindow[] = [];
  let prevT = 0, prev = f(0), start = prev >= 0 ? 0 : -1, best = prev, bestT = 0;
  for (let t = step; ; t += step) {
    const tt = Math.min(t, opts.durationS), v = f(tt);
    if (prev < 0 && v >= 0) { start = edge(prevT, tt); best = v; bestT = tt; }
    if (start >= 0 && v > best) { best = v; bestT = tt; }
    if (prev >= 0 && v < 0 && start >= 0) {
      const end = edge(prevT, tt);
      out.push({ startS: start, endS: end, maxElevationDeg: peakAround(bestT, start, end) });
      start = -1; best = -Infinity;
    }
    prevT = tt; prev = v;
    if (tt >= opts.durationS) break;
  }
  if (start >= 0) out.push({ startS: start, endS: opts.durationS, maxElevationDeg: peakAround(bestT, start, opts.durationS) });
  return out;
}
