/**
 * The digital twin's physical state, advanced in fixed steps: user positions and velocities in
 * typed arrays, waypoint mobility, LEO satellite geometry from the orbit model, and per step the
 * radio picture — each user's path loss to every gNB (TR 38.901 with a LOS state and shadow fading
 * that decorrelate with the distance moved, TR 38.901 Table 7.5-6 decorrelation distances), the
 * serving cell (strongest RSRP with a 3 dB handover hysteresis), and, for users no working gNB
 * covers, the best visible satellite (TR 38.811). Everything random comes from one seeded Rng.
 */
import { QmlError } from '../../core/errors.js';
import { Rng } from '../../core/rng.js';
import { losProbability38901, pathLoss38901 } from '../radio/tr38901.js';
import { ntnLink, ntnLosProbability } from '../radio/tr38811.js';
import { lookAngle, visibilityWindows, type CircularOrbit } from '../radio/orbit.js';
import { dbmToMw, thermalNoiseDbm } from '../radio/sinr.js';
import type { FleetKind, ScenarioConfig, SliceType } from './config.js';

/** Standard normal CDF (Abramowitz & Stegun 26.2.17, |error| < 7.5e-8): turns a correlated Gaussian into a LOS draw. */
export function normalCdf(z: number): number {
  const t = 1 / (1 + 0.2316419 * Math.abs(z));
  const d = 0.3989422804014327 * Math.exp((-z * z) / 2);
  const p = d * t * (0.31938153 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
  return z > 0 ? 1 - p : p;
}

/** Below this RSRP a user has no usable terrestrial link (about the NR cell-edge sensitivity). */
export const RSRP_FLOOR_DBM = -115;
const HANDOVER_HYSTERESIS_DB = 3;

export interface RadioState {
  /** Serving gNB per user, −1 when none. */
  serving: Int32Array;
  /** Satellite per user when on NTN, −1 otherwise. */
  ntnSat: Int32Array;
  /** rsrp[u·G + g], dBm (−Infinity for damaged gNBs). */
  rsrp: Float64Array;
  /** Wanted power of NTN users, dBm, and their one-way delay, ms. */
  ntnRxDbm: Float64Array;
  ntnDelayMs: Float64Array;
  /** Satellites above the minimum elevation, with elevation and one-way delay from the site. */
  visibleSats: Array<{ sat: number; elevationDeg: number; delayMs: number }>;
  handovers: number;
}

export class World {
  readonly U: number;
  readonly G: number;
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly h: Float64Array;
  readonly speed: Float64Array;
  readonly wx: Float64Array;
  readonly wy: Float64Array;
  readonly pause: Float64Array;
  readonly homeX: Float64Array;
  readonly homeY: Float64Array;
  readonly fleetOf: Int32Array;
  readonly kind: FleetKind[];
  readonly slice: SliceType[];
  readonly alive: Uint8Array;
  /** Correlated Gaussians per (user, gNB): shadow fading and the LOS latent. */
  private readonly sfZ: Float64Array;
  private readonly losZ: Float64Array;
  private readonly moved: Float64Array;
  readonly orbits: CircularOrbit[];
  readonly radio: RadioState;
  /** One mobility and one radio stream per user: a user whose route the task assignment changes
   * draws differently, and no other user's world changes with it (common random numbers across
   * architectures and attacks). */
  private readonly mob: Rng[];
  private readonly rad: Rng[];
  t = 0;

  constructor(readonly cfg: ScenarioConfig, readonly rng: Rng) {
    this.U = cfg.fleets.reduce((s, f) => s + f.count, 0);
    this.G = cfg.gnbs.positions.length;
    const U = this.U, G = this.G;
    this.x = new Float64Array(U); this.y = new Float64Array(U); this.h = new Float64Array(U);
    this.speed = new Float64Array(U); this.wx = new Float64Array(U); this.wy = new Float64Array(U); this.pause = new Float64Array(U);
    this.homeX = new Float64Array(U); this.homeY = new Float64Array(U); this.moved = new Float64Array(U);
    this.fleetOf = new Int32Array(U); this.kind = []; this.slice = [];
    this.alive = Uint8Array.from(cfg.gnbs.positions, (_, g) => (cfg.gnbs.damaged.includes(g) ? 0 : 1));
    const [W, H] = cfg.area_m;
    this.mob = Array.from({ length: U }, () => rng.fork());
    this.rad = Array.from({ length: U }, () => rng.fork());
    let u = 0;
    cfg.fleets.forEach((f, fi) => {
      for (let k = 0; k < f.count; k++, u++) {
        const rng = this.mob[u];
        this.fleetOf[u] = fi; this.kind.push(f.kind); this.slice.push(f.slice);
        this.h[u] = f.height_m;
        if (f.mobility.model === 'road') {
          // On the street grid: a random intersection-aligned start.
          const sp = f.mobility.spacing_m;
          if (rng.next() < 0.5) { this.x[u] = Math.min(W, Math.round((rng.next() * W) / sp) * sp); this.y[u] = rng.next() * H; } else { this.x[u] = rng.next() * W; this.y[u] = Math.min(H, Math.round((rng.next() * H) / sp) * sp); }
        } else { this.x[u] = rng.next() * W; this.y[u] = rng.next() * H; }
        this.homeX[u] = this.x[u]; this.homeY[u] = this.y[u];
        this.newLeg(u);
      }
    });
    this.sfZ = Float64Array.from({ length: U * G }, (_, k) => this.rad[Math.floor(k / G)].normal());
    this.losZ = Float64Array.from({ length: U * G }, (_, k) => this.rad[Math.floor(k / G)].normal());
    this.orbits = cfg.satellites.map((s) => ({ altitudeKm: s.altitude_km, inclinationDeg: s.inclination_deg, raanDeg: s.raan_deg, phaseDeg: s.phase_deg }));
    this.radio = {
      serving: new Int32Array(U).fill(-1), ntnSat: new Int32Array(U).fill(-1), rsrp: new Float64Array(U * G),
      ntnRxDbm: new Float64Array(U).fill(-Infinity), ntnDelayMs: new Float64Array(U), visibleSats: [], handovers: 0,
    };
    this.updateRadio();
  }

  /** Every satellite must rise above the minimum elevation at some time of the run (else the file describes an impossible geometry). */
  static checkGeometry(cfg: ScenarioConfig): void {
    cfg.satellites.forEach((s, i) => {
      const w = visibilityWindows({ altitudeKm: s.altitude_km, inclinationDeg: s.inclination_deg, raanDeg: s.raan_deg, phaseDeg: s.phase_deg },
        { latDeg: cfg.site.lat_deg, lonDeg: cfg.site.lon_deg }, { durationS: cfg.duration_s, minElevationDeg: cfg.radio.min_elevation_deg, stepS: Math.min(10, cfg.duration_s / 4) });
      if (!w.length) throw new QmlError(`satellite ${i} stays below the minimum elevation ${cfg.radio.min_elevation_deg}° over ${cfg.site.lat_deg}°, ${cfg.site.lon_deg}° for the whole run (${cfg.duration_s} s): impossible geometry`, `satellites[${i}]`);
    });
  }

  private newLeg(u: number): void {
    const f = this.cfg.fleets[this.fleetOf[u]], m = f.mobility, [W, H] = this.cfg.area_m;
    const [lo, hi] = m.speed_mps;
    this.speed[u] = lo + (hi - lo) * this.mob[u].next();
    if (m.model === 'static') { this.wx[u] = this.x[u]; this.wy[u] = this.y[u]; return; }
    if (m.model === 'hover') {
      const a = 2 * Math.PI * this.mob[u].next(), r = m.spacing_m * Math.sqrt(this.mob[u].next());
      this.wx[u] = clamp(this.homeX[u] + r * Math.cos(a), 0, W); this.wy[u] = clamp(this.homeY[u] + r * Math.sin(a), 0, H);
    } else if (m.model === 'road') {
      // Manhattan grid: a random intersection, reached along the street the vehicle is on (it always
      // is on one: it starts on a street and every leg ends at an intersection).
      const sp = m.spacing_m, tx = Math.min(W, Math.round((this.mob[u].next() * W) / sp) * sp), ty = Math.min(H, Math.round((this.mob[u].next() * H) / sp) * sp);
      const onRow = Math.abs(this.y[u] / sp - Math.round(this.y[u] / sp)) < 1e-9;
      if (onRow) { this.wx[u] = tx; this.wy[u] = this.y[u]; } else { this.wx[u] = this.x[u]; this.wy[u] = ty; }
    } else { this.wx[u] = this.mob[u].next() * W; this.wy[u] = this.mob[u].next() * H; }
    this.pause[u] = 0;
  }

  /** Sends user u to (x, y) at its fleet's top speed (a dispatched agent). */
  dispatch(u: number, x: number, y: number): void {
    this.wx[u] = x; this.wy[u] = y; this.pause[u] = 0;
    this.speed[u] = this.cfg.fleets[this.fleetOf[u]].mobility.speed_mps[1];
  }

  /** Advances positions by dt seconds (waypoint legs, pauses). */
  move(dt: number): void {
    for (let u = 0; u < this.U; u++) {
      const m = this.cfg.fleets[this.fleetOf[u]].mobility;
      if (m.model === 'static') { this.moved[u] = 0; continue; }
      let left = dt, d = 0, legs = 0;
      // A leg of zero length (the waypoint drawn where the user stands) must not stall the loop.
      while (left > 1e-9 && legs++ < 64) {
        if (this.pause[u] > 0) { const p = Math.min(this.pause[u], left); this.pause[u] -= p; left -= p; if (this.pause[u] <= 0) this.newLeg(u); continue; }
        const dx = this.wx[u] - this.x[u], dy = this.wy[u] - this.y[u], dist = Math.hypot(dx, dy), can = this.speed[u] * left;
        if (dist <= can) {
          this.x[u] = this.wx[u]; this.y[u] = this.wy[u]; d += dist; left -= this.speed[u] > 0 ? dist / this.speed[u] : left;
          { this.pause[u] = m.pause_s; if (m.pause_s <= 0) this.newLeg(u); }
        } else { this.x[u] += (dx / dist) * can; this.y[u] += (dy / dist) * can; d += can; left = 0; }
      }
      this.moved[u] = d;
    }
    this.t += dt;
  }

  /** Recomputes path losses, serving cells and NTN links at the current time. */
  updateRadio(): void {
    const c = this.cfg, r = this.radio, G = this.G;
    const dCorrLos = c.radio.model === 'UMi' ? 10 : 37, dCorrNlos = c.radio.model === 'UMi' ? 13 : 50;
    for (let u = 0; u < this.U; u++) {
      let best = -1, bestP = -Infinity;
      const hUT = Math.min(22.5, Math.max(1.5, this.h[u]));
      for (let g = 0; g < G; g++) {
        const k = u * G + g;
        // AR(1) decorrelation with the distance moved (Gudmundson 1991; distances of TR 38.901 Table 7.5-6).
        const rhoL = Math.exp(-this.moved[u] / dCorrLos), rhoN = Math.exp(-this.moved[u] / dCorrNlos);
        this.losZ[k] = rhoL * this.losZ[k] + Math.sqrt(1 - rhoL * rhoL) * this.rad[u].normal();
        this.sfZ[k] = rhoN * this.sfZ[k] + Math.sqrt(1 - rhoN * rhoN) * this.rad[u].normal();
        if (!this.alive[g]) { r.rsrp[k] = -Infinity; continue; }
        const [gx, gy] = c.gnbs.positions[g];
        const d2D = clamp(Math.hypot(this.x[u] - gx, this.y[u] - gy), 10, 5000);
        const los = normalCdf(this.losZ[k]) < losProbability38901(c.radio.model, d2D, hUT);
        const pl = pathLoss38901({ scenario: c.radio.model, fcGHz: c.radio.fc_ghz, d2D, hBS: c.gnbs.height_m, hUT, los });
        const p = c.gnbs.tx_power_dbm - pl.pathLossDb - this.sfZ[k] * pl.shadowFadingStdDb;
        r.rsrp[k] = p;
        if (p > bestP) { bestP = p; best = g; }
      }
      const cur = r.serving[u];
      let next = bestP >= RSRP_FLOOR_DBM ? best : -1;
      if (cur >= 0 && next >= 0 && cur !== next && r.rsrp[u * G + cur] >= RSRP_FLOOR_DBM && r.rsrp[u * G + next] - r.rsrp[u * G + cur] < HANDOVER_HYSTERESIS_DB) next = cur;
      if (cur >= 0 && next >= 0 && cur !== next) r.handovers++;
      r.serving[u] = next;
    }
    // Satellites seen from the site (the area is a few km across: one look angle serves everyone).
    r.visibleSats = [];
    this.orbits.forEach((o, s) => {
      const la = lookAngle(o, { latDeg: c.site.lat_deg, lonDeg: c.site.lon_deg }, this.t);
      if (la.elevationDeg >= c.radio.min_elevation_deg) r.visibleSats.push({ sat: s, elevationDeg: la.elevationDeg, delayMs: (la.rangeKm / 299_792.458) * 1000 });
    });
    r.visibleSats.sort((a, b) => b.elevationDeg - a.elevationDeg);
    for (let u = 0; u < this.U; u++) {
      r.ntnSat[u] = -1; r.ntnRxDbm[u] = -Infinity;
      if (r.serving[u] >= 0 || !r.visibleSats.length) continue;
      const v = r.visibleSats[0], o = this.orbits[v.sat];
      const los = this.rad[u].next() < ntnLosProbability(c.radio.ntn_environment, v.elevationDeg);
      const l = ntnLink({ altitudeKm: o.altitudeKm, elevationDeg: Math.min(90, v.elevationDeg), fcGHz: c.radio.ntn_fc_ghz, environment: c.radio.ntn_environment, los });
      r.ntnSat[u] = v.sat;
      r.ntnRxDbm[u] = c.radio.ntn_gain_db - l.pathLossDb - this.rad[u].normal() * l.shadowFadingStdDb;
      r.ntnDelayMs[u] = l.delayMs;
    }
  }

  /** Thermal noise over one terrestrial channel, dBm, with the scenario's noise figure. */
  channelNoiseDbm(): number {
    return thermalNoiseDbm((this.cfg.radio.bandwidth_mhz * 1e6) / this.cfg.radio.channels, this.cfg.radio.noise_figure_db);
  }
}

export function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

export { dbmToMw };
