import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertClose } from '../testing/shared.js';
import {
  pathLoss38901, losProbability38901, breakpointDistance, slantRangeKm, fsplDb, ntnLink, ntnLosProbability,
  orbitalPeriodS, lookAngle, visibilityWindows, EARTH_RADIUS_KM, OMEGA_EARTH, thermalNoiseDbm, sinrDb, interferenceGraph,
} from './index.js';

const log10 = Math.log10;

test('TR 38.901 UMi and UMa path loss equal the standard\'s formulas at stated points', () => {
  // UMi LOS at 3.5 GHz, 100 m, hBS 10 m, hUT 1.5 m: before the breakpoint (d'BP = 4·9·0.5·3.5e9/c ≈ 210 m).
  const d3 = Math.sqrt(100 ** 2 + 8.5 ** 2);
  assertClose(pathLoss38901({ scenario: 'UMi', fcGHz: 3.5, d2D: 100, hBS: 10, hUT: 1.5, los: true }).pathLossDb, 32.4 + 21 * log10(d3) + 20 * log10(3.5), 1e-9, 'UMi LOS PL1');
  assertClose(breakpointDistance(3.5, 10, 1.5), (4 * 9 * 0.5 * 3.5e9) / 299792458, 1e-9, "d'BP");
  // UMi LOS at 500 m: after the breakpoint.
  const dBP = breakpointDistance(3.5, 10, 1.5), d5 = Math.sqrt(500 ** 2 + 8.5 ** 2);
  assertClose(pathLoss38901({ scenario: 'UMi', fcGHz: 3.5, d2D: 500, hBS: 10, hUT: 1.5, los: true }).pathLossDb, 32.4 + 40 * log10(d5) + 20 * log10(3.5) - 9.5 * log10(dBP ** 2 + 8.5 ** 2), 1e-9, 'UMi LOS PL2');
  // UMi NLOS at 200 m, 28 GHz, hUT 3 m: max(LOS, PL').
  const d200 = Math.sqrt(200 ** 2 + 7 ** 2);
  const nlos = 35.3 * log10(d200) + 22.4 + 21.3 * log10(28) - 0.3 * (3 - 1.5);
  const r = pathLoss38901({ scenario: 'UMi', fcGHz: 28, d2D: 200, hBS: 10, hUT: 3, los: false });
  assertClose(r.pathLossDb, Math.max(nlos, pathLoss38901({ scenario: 'UMi', fcGHz: 28, d2D: 200, hBS: 10, hUT: 3, los: true }).pathLossDb), 1e-9, 'UMi NLOS');
  assert.equal(r.shadowFadingStdDb, 7.82);
  // UMa LOS and NLOS at 2 GHz, 300 m, hBS 25 m, hUT 1.5 m.
  const d300 = Math.sqrt(300 ** 2 + 23.5 ** 2);
  assertClose(pathLoss38901({ scenario: 'UMa', fcGHz: 2, d2D: 300, hBS: 25, hUT: 1.5, los: true }).pathLossDb, 28 + 22 * log10(d300) + 20 * log10(2), 1e-9, 'UMa LOS');
  assertClose(pathLoss38901({ scenario: 'UMa', fcGHz: 2, d2D: 300, hBS: 25, hUT: 1.5, los: false }).pathLossDb, 13.54 + 39.08 * log10(d300) + 20 * log10(2), 1e-9, 'UMa NLOS');
});

test('TR 38.901 LOS path loss is continuous at the breakpoint (d3D² = d\'BP² + Δh² there) and NLOS never beats LOS', () => {
  for (const [scenario, hBS] of [['UMi', 10], ['UMa', 25]] as const) {
    const dBP = breakpointDistance(3.5, hBS, 1.5);
    const below = pathLoss38901({ scenario, fcGHz: 3.5, d2D: dBP * (1 - 1e-12), hBS, hUT: 1.5, los: true }).pathLossDb;
    const above = pathLoss38901({ scenario, fcGHz: 3.5, d2D: dBP * (1 + 1e-12), hBS, hUT: 1.5, los: true }).pathLossDb;
    assertClose(above, below, 1e-6, `${scenario} continuity`);
    for (let d = 10; d <= 5000; d *= 1.7) {
      const l = { scenario, fcGHz: 3.5, d2D: d, hBS, hUT: 1.5 };
      assert.ok(pathLoss38901({ ...l, los: false }).pathLossDb >= pathLoss38901({ ...l, los: true }).pathLossDb);
    }
  }
});

test('TR 38.901 LOS probability: 1 within 18 m, the UMi formula at 100 m, UMa rising with user height', () => {
  assert.equal(losProbability38901('UMi', 18), 1);
  assertClose(losProbability38901('UMi', 100), 18 / 100 + Math.exp(-100 / 36) * (1 - 18 / 100), 1e-12, 'UMi 100 m');
  assertClose(losProbability38901('UMa', 100), 18 / 100 + Math.exp(-100 / 63) * (1 - 18 / 100), 1e-12, 'UMa 100 m, low user');
  assert.ok(losProbability38901('UMa', 100, 20) > losProbability38901('UMa', 100, 1.5));
});

test('TR 38.811 slant range reproduces the LEO-600 and LEO-1200 references at 10° (1,932 km, 3,131 km) and agrees with the law of cosines', () => {
  assertClose(slantRangeKm(600, 10), 1932, 0.5, 'LEO-600 at 10°');
  assertClose(slantRangeKm(1200, 10), 3131, 0.5, 'LEO-1200 at 10°');
  assertClose(slantRangeKm(600, 90), 600, 1e-9, 'zenith');
  for (const [h, el] of [[600, 25], [1200, 47], [600, 0], [35786, 30]]) {
    // Second method: the central angle γ = acos(R·cos α/(R+h)) − α, then the law of cosines.
    const R = EARTH_RADIUS_KM, a = (el * Math.PI) / 180;
    const g = Math.acos((R * Math.cos(a)) / (R + h)) - a;
    assertClose(slantRangeKm(h, el), Math.sqrt(R * R + (R + h) ** 2 - 2 * R * (R + h) * Math.cos(g)), 1e-6, `h ${h} el ${el}`);
  }
  assertClose(fsplDb(1000, 1), 92.45, 1e-12, 'FSPL 1 km at 1 GHz');
  assert.throws(() => slantRangeKm(600, -5), /below the horizon/);
});

test('TR 38.811 tables: LOS probability and clutter loss at the tabulated elevations, interpolated between them', () => {
  assertClose(ntnLosProbability('dense-urban', 10), 0.282, 1e-12, 'dense urban 10°');
  assertClose(ntnLosProbability('urban', 50), 0.726, 1e-12, 'urban 50°');
  assertClose(ntnLosProbability('suburban-rural', 90), 0.998, 1e-12, 'suburban 90°');
  assertClose(ntnLosProbability('urban', 45), (0.613 + 0.726) / 2, 1e-12, 'urban 45° interpolated');
  const nlos = ntnLink({ altitudeKm: 600, elevationDeg: 30, fcGHz: 2, environment: 'dense-urban', los: false });
  assertClose(nlos.clutterLossDb, 29.0, 1e-12, 'clutter loss');
  assertClose(nlos.pathLossDb, fsplDb(slantRangeKm(600, 30) * 1000, 2) + 29.0, 1e-9, 'NLOS path loss');
  assertClose(nlos.shadowFadingStdDb, 12.4, 1e-12, 'NLOS σ');
  assertClose(ntnLink({ altitudeKm: 600, elevationDeg: 10, fcGHz: 2, environment: 'urban', los: true }).delayMs, (slantRangeKm(600, 10) / 299792.458) * 1000, 1e-12, 'delay');
  assert.throws(() => ntnLink({ altitudeKm: 600, elevationDeg: 30, fcGHz: 20, environment: 'urban', los: true }), /0\.5–6 GHz/);
  assert.throws(() => ntnLosProbability('lunar' as 'urban', 30), /unknown NTN environment/);
});

test('orbits: the period from Kepler\'s third law, zenith geometry, and a pass duration equal to its closed form', () => {
  assertClose(orbitalPeriodS(600), 2 * Math.PI * Math.sqrt((EARTH_RADIUS_KM + 600) ** 3 / 398600.4418), 1e-9, 'period');
  assertClose(orbitalPeriodS(600) / 60, 96.5, 0.1, 'LEO-600 period in minutes');
  const eq = { altitudeKm: 600, inclinationDeg: 0, raanDeg: 0, phaseDeg: 0 };
  const z = lookAngle(eq, { latDeg: 0, lonDeg: 0 }, 0);
  assertClose(z.elevationDeg, 90, 1e-9, 'overhead elevation');
  assertClose(z.rangeKm, 600, 1e-9, 'overhead range');
  // Equatorial orbit, equatorial terminal: the satellite moves at (2π/T − ω⊕) relative to it, and it
  // is above 10° while the central angle is within γ = acos(R·cos 10°/(R+h)) − 10°.
  const R = EARTH_RADIUS_KM, a = (10 * Math.PI) / 180, T = orbitalPeriodS(600);
  const gamma = Math.acos((R * Math.cos(a)) / (R + 600)) - a;
  const expected = (2 * gamma) / ((2 * Math.PI) / T - OMEGA_EARTH);
  const w = visibilityWindows({ ...eq, phaseDeg: -30 }, { latDeg: 0, lonDeg: 0 }, { durationS: T, minElevationDeg: 10 });
  assert.equal(w.length, 1);
  assertClose(w[0].endS - w[0].startS, expected, 0.01, 'pass duration (s)');
  assertClose(w[0].maxElevationDeg, 90, 0.05, 'peak elevation');
  // A polar-orbit constellation member over a day: several passes, each at least 10° high.
  const day = visibilityWindows({ altitudeKm: 1200, inclinationDeg: 87.9, raanDeg: 40, phaseDeg: 10 }, { latDeg: 48.1, lonDeg: 11.6 }, { durationS: 86400, minElevationDeg: 10 });
  assert.ok(day.length >= 2, `passes: ${day.length}`);
  for (const p of day) assert.ok(p.maxElevationDeg >= 10 && p.endS > p.startS);
  assert.throws(() => visibilityWindows(eq, { latDeg: 0, lonDeg: 0 }, { durationS: 0, minElevationDeg: 10 }), /duration/);
});

test('link budget: thermal noise, SINR with interferers, and an interference graph from a threshold', () => {
  assertClose(thermalNoiseDbm(20e6, 7), -174 + 10 * log10(20e6) + 7, 1e-12, 'noise');
  const n = thermalNoiseDbm(20e6, 7);
  assertClose(sinrDb(-80, [], n), -80 - n, 1e-9, 'SNR without interference');
  const mw = 10 ** (n / 10) + 10 ** (-100 / 10) + 10 ** (-105 / 10);
  assertClose(sinrDb(-80, [-100, -105], n), -80 - 10 * log10(mw), 1e-9, 'SINR');
  // Three links: 0 and 1 hear each other 20 dB above noise, 2 is far away.
  const g = Float64Array.from([-70, n + 20, n - 30, n + 5, -72, n - 40, n - 50, n - 45, -75]);
  const e = interferenceGraph(g, 3, n, 6);
  assert.deepEqual(e.map((x) => [x.i, x.j]), [[0, 1]]);
  assertClose(e[0].inrDb, 20, 1e-9, 'worse direction');
});
