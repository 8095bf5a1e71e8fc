/**
 * A scenario is plain data: where (site, area), for how long (duration, step), what is there (gNBs,
 * LEO satellites, fleets of vehicles, robots, drones, field teams, medical units and sensors with
 * their mobility), which slices they use (URLLC, eMBB, mMTC with their requirements), how the
 * four network functions run (intrusion detection on flows from a shipped data set, optionally
 * federated across the gNBs; spectrum allocation; TN/NTN routing; task assignment), the stated cost
 * figures (CPU, GPU and QPU power, QPU timing), the selective router's policy, and which attacks the
 * what-if analysis injects. Validation names the wrong key by its path (`fleets[1].mobility.speed`).
 *
 * @example
 * import { loadScenario } from 'qml6g';
 * const s = loadScenario('smart-mobility');
 * s.fleets.map((f) => f.kind); // ['vehicle', 'sensor']
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { QmlError } from '../../core/errors.js';
import { dataDir } from '../../qml/datasets.js';

export const FLEET_KINDS = ['vehicle', 'robot', 'drone', 'field-team', 'medical-unit', 'sensor'] as const;
export type FleetKind = (typeof FLEET_KINDS)[number];
export const SLICE_TYPES = ['URLLC', 'eMBB', 'mMTC'] as const;
export type SliceType = (typeof SLICE_TYPES)[number];
export const MOBILITY_MODELS = ['static', 'random-waypoint', 'road', 'hover'] as const;
export type MobilityModel = (typeof MOBILITY_MODELS)[number];

export interface Mobility {
  model: MobilityModel;
  /** Speed range, m/s (uniform per leg). */
  speed_mps: [number, number];
  /** Pause at each waypoint, s. */
  pause_s: number;
  /** road: spacing of the street grid, m; hover: radius around the home point, m. */
  spacing_m: number;
}

export interface Fleet {
  kind: FleetKind;
  count: number;
  height_m: number;
  slice: SliceType;
  mobility: Mobility;
  /** Agents of the task-assignment function (drones, robots, field teams). */
  agent: boolean;
}

export interface SliceSpec {
  /** Throughput each user needs, Mbit/s. */
  rate_mbps: number;
  /** End-to-end latency budget (air + backhaul), ms. */
  latency_ms: number;
  /** Traffic it offers to the backhaul, in routing volume units per user. */
  volume: number;
  /** Whether its backhaul traffic must be encrypted with a fresh key (control loops, medical data). */
  needs_key: boolean;
}

export interface Orbit { altitude_km: number; inclination_deg: number; raan_deg: number; phase_deg: number }

export interface ScenarioConfig {
  name: string;
  description: string;
  duration_s: number;
  step_s: number;
  site: { lat_deg: number; lon_deg: number };
  area_m: [number, number];
  radio: {
    model: 'UMi' | 'UMa';
    fc_ghz: number;
    bandwidth_mhz: number;
    channels: number;
    noise_figure_db: number;
    inr_threshold_db: number;
    ntn_fc_ghz: number;
    ntn_environment: 'dense-urban' | 'urban' | 'suburban-rural';
    min_elevation_deg: number;
    /** Satellite EIRP density and terminal G/T folded into one link-budget gain, dB (TR 38.821 Table 6.1.1.1-1 style). */
    ntn_gain_db: number;
    ntn_bandwidth_mhz: number;
  };
  gnbs: { positions: Array<[number, number]>; height_m: number; tx_power_dbm: number; damaged: number[]; backhaul: Array<'fibre' | 'satellite'> };
  satellites: Orbit[];
  fleets: Fleet[];
  slices: Record<SliceType, SliceSpec>;
  detection: { dataset: string; flows_per_step: number; attack_share: number; federated: boolean; rounds: number; damage_per_missed: number };
  routing: { every_steps: number; paths: number; fibre_capacity: number; satellite_capacity: number };
  tasks: { every_steps: number; per_round: number; deadline_s: number };
  qkd: { backhaul_km: number; pulses: number; key_bits_per_step: number };
  power: { cpu_w: number; gpu_w: number; qpu_w: number };
  qpu: { shots: number; shot_us: number; job_overhead_ms: number; network_rtt_ms: number; queue_ms: number };
  edge: { network_rtt_ms: number; queue_ms: number };
  router: { max_qubits: number; latency_budget_ms: number; min_gain: number; explore: number };
  attacks: string[];
}

type Kind = 'number' | 'int' | 'string' | 'boolean';
type Schema = Kind | { enum: readonly string[] } | { tuple: Kind; length: number } | { list: Schema } | { object: Record<string, Schema>; optional?: string[] } | { record: Schema; keys: readonly string[] };

const mobility: Schema = { object: { model: { enum: MOBILITY_MODELS }, speed_mps: { tuple: 'number', length: 2 }, pause_s: 'number', spacing_m: 'number' }, optional: ['speed_mps', 'pause_s', 'spacing_m'] };
const slice: Schema = { object: { rate_mbps: 'number', latency_ms: 'number', volume: 'number', needs_key: 'boolean' } };
const SCHEMA: Schema = {
  object: {
    name: 'string', description: 'string', duration_s: 'number', step_s: 'number',
    site: { object: { lat_deg: 'number', lon_deg: 'number' } },
    area_m: { tuple: 'number', length: 2 },
    radio: {
      object: {
        model: { enum: ['UMi', 'UMa'] }, fc_ghz: 'number', bandwidth_mhz: 'number', channels: 'int', noise_figure_db: 'number', inr_threshold_db: 'number',
        ntn_fc_ghz: 'number', ntn_environment: { enum: ['dense-urban', 'urban', 'suburban-rural'] }, min_elevation_deg: 'number', ntn_gain_db: 'number', ntn_bandwidth_mhz: 'number',
      },
    },
    gnbs: { object: { positions: { list: { tuple: 'number', length: 2 } }, height_m: 'number', tx_power_dbm: 'number', damaged: { list: 'int' }, backhaul: { list: { enum: ['fibre', 'satellite'] } } }, optional: ['damaged', 'backhaul'] },
    satellites: { list: { object: { altitude_km: 'number', inclination_deg: 'number', raan_deg: 'number', phase_deg: 'number' } } },
    fleets: { list: { object: { kind: { enum: FLEET_KINDS }, count: 'int', height_m: 'number', slice: { enum: SLICE_TYPES }, mobility, agent: 'boolean' }, optional: ['agent', 'height_m'] } },
    slices: { record: slice, keys: SLICE_TYPES },
    detection: { object: { dataset: 'string', flows_per_step: 'int', attack_share: 'number', federated: 'boolean', rounds: 'int', damage_per_missed: 'number' }, optional: ['rounds', 'damage_per_missed'] },
    routing: { object: { every_steps: 'int', paths: 'int', fibre_capacity: 'number', satellite_capacity: 'number' } },
    tasks: { object: { every_steps: 'int', per_round: 'int', deadline_s: 'number' } },
    qkd: { object: { backhaul_km: 'number', pulses: 'int', key_bits_per_step: 'number' } },
    power: { object: { cpu_w: 'number', gpu_w: 'number', qpu_w: 'number' } },
    qpu: { object: { shots: 'int', shot_us: 'number', job_overhead_ms: 'number', network_rtt_ms: 'number', queue_ms: 'number' } },
    edge: { object: { network_rtt_ms: 'number', queue_ms: 'number' } },
    router: { object: { max_qubits: 'int', latency_budget_ms: 'number', min_gain: 'number', explore: 'int' } },
    attacks: { list: 'string' },
  },
  optional: ['description', 'satellites', 'attacks', 'edge'],
};

/** Checks `v` against the schema; the first problem is a QmlError naming its path. */
function validate(v: unknown, s: Schema, at: string, file: string): void {
  const fail = (msg: string): never => { throw new QmlError(`${at}: ${msg}`, file); };
  if (typeof s === 'string') {
    if (s === 'string' && typeof v !== 'string') fail(`must be a string, got ${JSON.stringify(v)}`);
    if (s === 'boolean' && typeof v !== 'boolean') fail(`must be true or false, got ${JSON.stringify(v)}`);
    if ((s === 'number' || s === 'int') && (typeof v !== 'number' || !Number.isFinite(v))) fail(`must be a finite number, got ${JSON.stringify(v)}`);
    if (s === 'int' && !Number.isInteger(v)) fail(`must be an integer, got ${JSON.stringify(v)}`);
    return;
  }
  if ('enum' in s) { if (typeof v !== 'string' || !s.enum.includes(v)) fail(`unknown value ${JSON.stringify(v)} (known: ${s.enum.join(', ')})`); return; }
  if ('tuple' in s) {
    if (!Array.isArray(v) || v.length !== s.length) fail(`must be a list of ${s.length} numbers, got ${JSON.stringify(v)}`);
    (v as unknown[]).forEach((x, i) => validate(x, s.tuple, `${at}[${i}]`, file));
    return;
  }
  if ('list' in s) {
    if (!Array.isArray(v)) fail(`must be a list, got ${JSON.stringify(v)}`);
    (v as unknown[]).forEach((x, i) => validate(x, s.list, `${at}[${i}]`, file));
    return;
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) fail(`must be an object, got ${JSON.stringify(v)}`);
  const o = v as Record<string, unknown>;
  if ('record' in s) {
    for (const k of Object.keys(o)) if (!s.keys.includes(k)) fail(`unknown key "${k}" (known: ${s.keys.join(', ')})`);
    for (const k of s.keys) { if (!(k in o)) fail(`missing key "${k}"`); validate(o[k], s.record, `${at}.${k}`, file); }
    return;
  }
  const known = Object.keys(s.object);
  for (const k of Object.keys(o)) if (!known.includes(k)) fail(`unknown key "${k}" (known: ${known.join(', ')})`);
  for (const k of known) {
    if (!(k in o)) { if (s.optional?.includes(k)) continue; fail(`missing key "${k}"`); }
    validate(o[k], s.object[k], at === '' ? k : `${at}.${k}`, file);
  }
}

/** Shipped scenarios (data/scenarios/NAME.json). */
export const scenarioDir = path.join(dataDir, 'scenarios');
export function scenarioNames(): string[] {
  return fs.existsSync(scenarioDir) ? fs.readdirSync(scenarioDir).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort() : [];
}

/** Parses and validates a scenario from data (JSON or YAML already parsed). `file` names it in errors. */
export function parseScenario(raw: unknown, file: string): ScenarioConfig {
  validate(raw, SCHEMA, '', file);
  const r = raw as Record<string, unknown>;
  const c = {
    description: '', satellites: [], attacks: [], edge: { network_rtt_ms: 1, queue_ms: 0.5 }, ...r,
  } as unknown as ScenarioConfig;
  // Defaults for the optional keys (validated above, so only absent keys take them).
  const g = c.gnbs as Partial<ScenarioConfig['gnbs']>;
  c.gnbs = { ...c.gnbs, damaged: g.damaged ?? [], backhaul: g.backhaul?.length ? g.backhaul : c.gnbs.positions.map(() => 'fibre' as const) };
  c.fleets = c.fleets.map((f) => {
    const p = f as Partial<typeof f>, m = f.mobility as Partial<Mobility> & { model: MobilityModel };
    return { ...f, agent: p.agent ?? false, height_m: p.height_m ?? 1.5, mobility: { ...m, speed_mps: m.speed_mps ?? [0, 0], pause_s: m.pause_s ?? 0, spacing_m: m.spacing_m ?? 200 } };
  });
  const d = c.detection as Partial<ScenarioConfig['detection']>;
  c.detection = { ...c.detection, rounds: d.rounds ?? 4, damage_per_missed: d.damage_per_missed ?? 0.05 };
  checkSemantics(c, file);
  return c;
}

function checkSemantics(c: ScenarioConfig, file: string): void {
  const need = (cond: boolean, at: string, msg: string) => { if (!cond) throw new QmlError(`${at}: ${msg}`, file); };
  need(c.duration_s > 0, 'duration_s', `must be > 0, got ${c.duration_s}`);
  need(c.step_s > 0 && c.step_s <= c.duration_s, 'step_s', `must be in (0, duration_s], got ${c.step_s}`);
  need(c.duration_s / c.step_s <= 100_000, 'step_s', `gives ${Math.ceil(c.duration_s / c.step_s)} steps (at most 100000)`);
  need(Math.abs(c.site.lat_deg) <= 90, 'site.lat_deg', `must be within ±90, got ${c.site.lat_deg}`);
  need(c.area_m[0] >= 20 && c.area_m[1] >= 20 && c.area_m[0] <= 10_000 && c.area_m[1] <= 10_000, 'area_m', 'each side must be 20 m – 10 km (the 38.901 models hold to 5 km)');
  need(c.radio.fc_ghz >= 0.5 && c.radio.fc_ghz <= 100, 'radio.fc_ghz', `TR 38.901 covers 0.5–100 GHz, got ${c.radio.fc_ghz}`);
  need(c.radio.ntn_fc_ghz >= 0.5 && c.radio.ntn_fc_ghz <= 6, 'radio.ntn_fc_ghz', `the S-band NTN model covers 0.5–6 GHz, got ${c.radio.ntn_fc_ghz}`);
  need(c.radio.channels >= 1 && c.radio.channels <= 8, 'radio.channels', `must be 1–8, got ${c.radio.channels}`);
  need(c.radio.bandwidth_mhz > 0 && c.radio.ntn_bandwidth_mhz > 0, 'radio.bandwidth_mhz', 'bandwidths must be > 0');
  need(c.radio.min_elevation_deg >= 0 && c.radio.min_elevation_deg < 90, 'radio.min_elevation_deg', `must be in [0, 90), got ${c.radio.min_elevation_deg}`);
  need(c.gnbs.positions.length >= 1, 'gnbs.positions', 'needs at least one gNB');
  c.gnbs.positions.forEach(([x, y], i) => need(x >= 0 && y >= 0 && x <= c.area_m[0] && y <= c.area_m[1], `gnbs.positions[${i}]`, `(${x}, ${y}) lies outside the area ${c.area_m[0]} × ${c.area_m[1]} m`));
  need(c.gnbs.height_m > 1.5, 'gnbs.height_m', `must exceed the user height 1.5 m, got ${c.gnbs.height_m}`);
  c.gnbs.damaged.forEach((d, i) => need(d >= 0 && d < c.gnbs.positions.length, `gnbs.damaged[${i}]`, `gNB ${d} does not exist (0–${c.gnbs.positions.length - 1})`));
  need(c.gnbs.backhaul.length === c.gnbs.positions.length, 'gnbs.backhaul', `lists ${c.gnbs.backhaul.length} entries for ${c.gnbs.positions.length} gNBs`);
  need(c.gnbs.damaged.length < c.gnbs.positions.length || c.satellites.length > 0, 'gnbs.damaged', 'every gNB is damaged and there is no satellite: nothing can serve the users');
  c.satellites.forEach((s, i) => {
    need(s.altitude_km >= 300 && s.altitude_km <= 2000, `satellites[${i}].altitude_km`, `LEO means 300–2000 km, got ${s.altitude_km}`);
    need(s.inclination_deg >= 0 && s.inclination_deg <= 180, `satellites[${i}].inclination_deg`, `must be 0–180, got ${s.inclination_deg}`);
  });
  need(c.gnbs.backhaul.every((b) => b === 'fibre') || c.satellites.length > 0, 'gnbs.backhaul', 'a gNB has satellite backhaul but the scenario lists no satellites');
  need(c.fleets.length >= 1, 'fleets', 'needs at least one fleet');
  c.fleets.forEach((f, i) => {
    need(f.count >= 1 && f.count <= 500, `fleets[${i}].count`, `must be 1–500, got ${f.count}`);
    need(f.height_m >= 1.5 && f.height_m <= 22.5 && f.height_m < c.gnbs.height_m, `fleets[${i}].height_m`, `must be 1.5–22.5 m and below the gNB height ${c.gnbs.height_m} m (the TR 38.901 UMi/UMa user range), got ${f.height_m}`);
    const [lo, hi] = f.mobility.speed_mps;
    need(lo >= 0 && hi >= lo && hi <= 70, `fleets[${i}].mobility.speed_mps`, `must be 0 ≤ low ≤ high ≤ 70 m/s, got [${lo}, ${hi}]`);
    need(f.mobility.model === 'static' || hi > 0, `fleets[${i}].mobility.speed_mps`, `a ${f.mobility.model} fleet needs a positive speed`);
    need(f.mobility.spacing_m > 0, `fleets[${i}].mobility.spacing_m`, 'must be > 0');
  });
  for (const t of SLICE_TYPES) {
    const s = c.slices[t];
    need(s.rate_mbps >= 0 && s.latency_ms > 0 && s.volume >= 0, `slices.${t}`, 'rate ≥ 0, latency > 0 and volume ≥ 0 are required');
  }
  need(c.detection.flows_per_step >= 1 && c.detection.flows_per_step <= 10_000, 'detection.flows_per_step', `must be 1–10000, got ${c.detection.flows_per_step}`);
  need(c.detection.attack_share > 0 && c.detection.attack_share < 1, 'detection.attack_share', `must be in (0, 1), got ${c.detection.attack_share}`);
  need(c.detection.rounds >= 1 && c.detection.rounds <= 50, 'detection.rounds', `must be 1–50, got ${c.detection.rounds}`);
  need(c.routing.every_steps >= 1 && c.tasks.every_steps >= 1, 'routing.every_steps', 'decision periods must be ≥ 1 step');
  need(c.routing.paths >= 1 && c.routing.paths <= 4, 'routing.paths', `must be 1–4, got ${c.routing.paths}`);
  need(c.tasks.per_round >= 1 && c.tasks.per_round <= 12, 'tasks.per_round', `must be 1–12, got ${c.tasks.per_round}`);
  need(c.fleets.some((f) => f.agent), 'fleets', 'no fleet is marked "agent": true, so the task-assignment function has nobody to assign');
  need(c.qkd.backhaul_km > 0 && c.qkd.backhaul_km <= 200, 'qkd.backhaul_km', `must be in (0, 200], got ${c.qkd.backhaul_km}`);
  need(c.qkd.pulses >= 10_000 && c.qkd.pulses <= 10_000_000, 'qkd.pulses', `must be 10⁴–10⁷, got ${c.qkd.pulses}`);
  for (const k of ['cpu_w', 'gpu_w', 'qpu_w'] as const) need(c.power[k] >= 0, `power.${k}`, 'must be ≥ 0');
  need(c.router.max_qubits >= 2 && c.router.max_qubits <= 20, 'router.max_qubits', `must be 2–20 (the simulator stands in for the QPU), got ${c.router.max_qubits}`);
  need(c.qpu.shots >= 1 && c.qpu.shots <= 100_000, 'qpu.shots', `must be 1–100000, got ${c.qpu.shots}`);
}

/** A shipped scenario by name, or a .json / .yaml file. */
export function loadScenario(nameOrFile: string): ScenarioConfig {
  const named = scenarioNames().includes(nameOrFile);
  const file = named ? path.join(scenarioDir, `${nameOrFile}.json`) : nameOrFile;
  if (!named && !fs.existsSync(file)) throw new QmlError(`unknown scenario "${nameOrFile}" (known: ${scenarioNames().join(', ')}; or a .json/.yaml file)`);
  const shown = named ? `${nameOrFile}.json` : path.basename(file);
  const text = fs.readFileSync(file, 'utf8');
  let raw: unknown;
  try {
    raw = /\.ya?ml$/i.test(file) ? YAML.parse(text) : JSON.parse(text);
  } catch (e) {
    throw new QmlError(`not valid ${/\.ya?ml$/i.test(file) ? 'YAML' : 'JSON'}: ${(e as Error).message.split('\n')[0]}`, shown);
  }
  return parseScenario(raw, shown);
}
