import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { QmlError } from '../../core/errors.js';
import { loadScenario, parseScenario, scenarioNames, type ScenarioConfig } from './config.js';
import { World } from './world.js';
import { tInterval, tQuantile975, keptShare, INDICATORS } from './indicators.js';
import { ATTACKS, ATTACK_NAMES } from './attacks.js';
import { planExperiment } from './experiment.js';
import { backhaulNetwork, runScenario, type RunResult } from './run.js';
import { Router } from './modules.js';
import { DecisionGateway } from './gateway.js';
import { AuditLog } from '../../governance/audit-log.js';
import { Rng } from '../../core/rng.js';

const raw = (name: string) => JSON.parse(fs.readFileSync(path.join(path.dirname(new URL(import.meta.url).pathname), '..', '..', '..', 'data', 'scenarios', `${name}.json`), 'utf8'));

test('the three shipped scenarios parse, and their satellites rise above the minimum elevation during the run', () => {
  assert.deepEqual(scenarioNames(), ['emergency-response', 'industrial-automation', 'smart-mobility']);
  for (const n of scenarioNames()) { const c = loadScenario(n); World.checkGeometry(c); assert.equal(c.name, n); }
  assert.ok(loadScenario('emergency-response').gnbs.damaged.length >= 1, 'the emergency scenario has a damaged terrestrial network');
});

test('a scenario with a wrong key is refused with the key\'s path', () => {
  const r = raw('smart-mobility');
  r.fleets[1].mobility.sped = 3;
  assert.throws(() => parseScenario(r, 'bad.json'), (e: unknown) => e instanceof QmlError && /fleets\[1\]\.mobility: unknown key "sped"/.test(e.oneLine()) && e.oneLine().startsWith('bad.json'));
  const r2 = raw('smart-mobility');
  r2.radio.channels = 2.5;
  assert.throws(() => parseScenario(r2, 'bad.json'), /radio\.channels: must be an integer/);
});

test('a satellite below the horizon for the whole run is an impossible geometry', () => {
  const r = raw('emergency-response');
  r.satellites[0].phase_deg += 180; // the far side of the Earth for the whole run
  const c = parseScenario(r, 'x.json');
  assert.throws(() => World.checkGeometry(c), /satellite 0 stays below the minimum elevation .* impossible geometry/);
});

test('unknown attacks and defences that answer no attack of the run are refused', () => {
  const c = loadScenario('industrial-automation');
  assert.throws(() => planExperiment(c, { attacks: ['evasion', 'teleport'], seeds: 2 }), /unknown attack "teleport"/);
  assert.throws(() => planExperiment(c, { attacks: ['evasion'], defenses: ['pqc-fallback'], seeds: 2 }), /answers qkd-eavesdrop, which is not among the attacks/);
  assert.throws(() => planExperiment(c, { attacks: ['poisoned-round'], seeds: 2 }), /needs a federated detector/);
});

test('the 95% t-interval over seeds matches Student\'s t', () => {
  const ci = tInterval([1, 2, 3, 4, 5]);
  assert.equal(ci.mean, 3);
  const half = (tQuantile975(4) * Math.sqrt(2.5)) / Math.sqrt(5);
  assert.ok(Math.abs(ci.ci95[1] - 3 - half) < 1e-9 && Math.abs(3 - ci.ci95[0] - half) < 1e-9);
  // Published two-sided 95% t quantiles (any statistics table), to their printed three decimals.
  for (const [df, t] of [[1, 12.706], [4, 2.776], [10, 2.228], [30, 2.042]]) assert.ok(Math.abs(tQuantile975(df) - t) < 5e-4, `df = ${df}: ${tQuantile975(df)}`);
  // Clipped to what the quantity can take: a rate near 1 and a cost near 0.
  const rate = tInterval([0.9, 1, 1, 0.95, 1], [0, 1]), cost = tInterval([0, 0.02, 0, 0, 0.001], [0, Infinity]);
  assert.ok(rate.ci95[1] === 1 && rate.ci95[0] < rate.mean && tInterval([0.9, 1, 1, 0.95, 1]).ci95[1] > 1);
  assert.ok(cost.ci95[0] === 0 && cost.ci95[1] > cost.mean);
  assert.equal(keptShare(INDICATORS[2], 0.8, 0.4), 0.5);
  assert.equal(keptShare(INDICATORS[0], 10, 20), 0.5);
});

/** A short version of a scenario (the same world, fewer steps). */
function short(name: string, steps: number): ScenarioConfig {
  const c = loadScenario(name);
  c.duration_s = steps * c.step_s;
  return c;
}

test('the world is common to architectures: same seed, same mobility and radio; another seed, another world', () => {
  const c = short('smart-mobility', 3);
  const a = new World(c, new Rng(5)), b = new World(c, new Rng(5)), d = new World(c, new Rng(6));
  a.move(c.step_s); b.move(c.step_s); d.move(c.step_s);
  a.updateRadio(); b.updateRadio(); d.updateRadio();
  assert.deepEqual(Array.from(a.x), Array.from(b.x));
  assert.deepEqual(Array.from(a.radio.rsrp), Array.from(b.radio.rsrp));
  assert.notDeepEqual(Array.from(a.x), Array.from(d.x));
});

test('every automated decision is an audit entry; the router sends work to the quantum module only in the hybrid architecture', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qml6g-scen-'));
  const prev = process.env.QML6G_HOME;
  process.env.QML6G_HOME = dir;
  try {
    const log = AuditLog.open(path.join(dir, 'audit.db'));
    // Emergency response: two surviving cells, so the channel plans are small QUBOs (cheap to simulate).
    const c = short('emergency-response', 6);
    const gw = new DecisionGateway(log, 'test-run/hybrid');
    const r = await runScenario({ cfg: c, arch: 'hybrid', seed: 1, attack: null, defense: null, gateway: gw });
    assert.equal(log.size, r.decisions);
    assert.ok(r.decisions >= 6 * 2, 'at least a channel plan and a flow verdict per step');
    assert.ok(r.quantum_share > 0 && r.quantum_share <= 1);
    const cl = await runScenario({ cfg: c, arch: 'classical', seed: 1, attack: null, defense: null, gateway: new DecisionGateway(log, 'test-run/classical') });
    assert.equal(cl.quantum_share, 0);
    assert.equal(log.size, r.decisions + cl.decisions);
    log.close();
    assert.match(Router.policy(c), /at most 16 qubits/);
  } finally {
    if (prev === undefined) delete process.env.QML6G_HOME; else process.env.QML6G_HOME = prev;
  }
});

/**
 * Paired relation over seeds: the attack's drop of `measure` (oriented so that larger is better)
 * has a 95% t-interval above zero (beyond the seed-to-seed spread), and the defence recovers a
 * positive part of it, at most about what the attack took.
 */
async function relation(c: ScenarioConfig, arch: 'classical' | 'hybrid', attack: string, seeds: number[], measure: (r: RunResult) => number): Promise<{ drops: number[]; recov: number[] }> {
  const drops: number[] = [], recov: number[] = [];
  for (const seed of seeds) {
    const b = await runScenario({ cfg: c, arch, seed, attack: null, defense: null });
    const att = await runScenario({ cfg: c, arch, seed, attack, defense: null });
    const dfd = await runScenario({ cfg: c, arch, seed, attack, defense: ATTACKS[attack].defense });
    drops.push(measure(b) - measure(att));
    recov.push(measure(dfd) - measure(att));
  }
  const what = `${attack} on ${arch}`;
  const ci = tInterval(drops);
  assert.ok(ci.ci95[0] > 0, `${what} should degrade beyond the spread: paired drops ${drops.map((d) => d.toFixed(4)).join(', ')}`);
  const rec = tInterval(recov).mean;
  assert.ok(rec > 0, `${ATTACKS[attack].defense} should restore part of what ${what} took: recovered ${recov.map((d) => d.toFixed(4)).join(', ')}`);
  assert.ok(rec <= ci.mean * 1.5 + 1e-9, `${ATTACKS[attack].defense} restores at most about what ${what} took (${rec} vs ${ci.mean})`);
  return { drops, recov };
}

const targeted = (a: string) => (r: RunResult) => {
  const t = ATTACKS[a].targets as keyof RunResult['indicators'];
  return (INDICATORS.find((d) => d.name === t)!.higherIsBetter ? 1 : -1) * r.indicators[t];
};

// Industrial automation: three channels (so a cell hit by the jammer has two clean channels to move
// to) and five cells whose one interference component is a 15-qubit QUBO, within the router's 16:
// the hybrid architecture's channel plans run on QAOA there, so its stored angles can be tampered with.
test('attacks on the allocator, the QKD link and the air interface degrade their indicator beyond the seed spread and the defences restore part of it, on both architectures', async () => {
  const c = short('industrial-automation', 12);
  assert.equal(c.radio.channels, 3);
  const seeds = [1, 2, 3];
  for (const a of ['false-reports', 'jamming']) for (const arch of ['classical', 'hybrid'] as const) await relation(c, arch, a, seeds, targeted(a));
  // QAOA angles and the QKD link exist only in the hybrid architecture; on the classical one these
  // attacks have nothing to act on (checked: the targeted indicator is unchanged).
  for (const a of ['qaoa-tamper', 'qkd-eavesdrop']) {
    await relation(c, 'hybrid', a, seeds, targeted(a));
    const b = await runScenario({ cfg: c, arch: 'classical', seed: 1, attack: null, defense: null });
    const x = await runScenario({ cfg: c, arch: 'classical', seed: 1, attack: a, defense: null });
    assert.equal(targeted(a)(x), targeted(a)(b), `${a} has no target in the classical architecture`);
  }
});

test('attacks on the detector degrade detection beyond the seed spread and the defences restore part of it, on both architectures', async () => {
  // Evasion: the centrally trained detectors of industrial automation.
  const ia = short('industrial-automation', 12);
  for (const arch of ['classical', 'hybrid'] as const) await relation(ia, arch, 'evasion', [1, 2, 3], targeted('evasion'));
  // Poisoned federated round: smart mobility, FedAvg across six gNBs (the coordinate median needs a
  // majority of honest clients; with the emergency scenario's two surviving gNBs it is the mean).
  const sm = short('smart-mobility', 10);
  await relation(sm, 'classical', 'poisoned-round', [1, 2, 3], targeted('poisoned-round'));
  // On the hybrid VQC the boosted, label-flipped update does not move the detector one way: its
  // parameters are rotation angles, so a large update wraps around, and depending on the seed the
  // poisoned model misses attacks (detection rate falls) or flags nearly everything (false
  // positives rise; seed 1: 0.37 → 0.97 with detection unchanged). Asserted on what the attack
  // degrades in every case, detection rate minus false-positive rate (Youden's J).
  await relation(sm, 'hybrid', 'poisoned-round', [1, 2, 3], (r) => r.indicators.detection_rate - r.indicators.false_positive_rate);
});

test('an overloaded satellite backhaul admits traffic by slice priority instead of cutting every service', async () => {
  // Emergency response: two surviving cells on satellite backhaul offer more than two satellite links carry.
  const c = short('emergency-response', 4);
  const w = new World(c, new Rng(1));
  const users: number[][] = Array.from({ length: w.G }, () => []);
  for (let u = 0; u < w.U; u++) if (w.radio.serving[u] >= 0) users[w.radio.serving[u]].push(u);
  const offered = users.flat().reduce((s, u) => s + c.slices[w.slice[u]].volume, 0);
  const { net, admitted } = backhaulNetwork(c, w, users);
  const core = net.links.filter((l) => l.u === 0 || l.v === 0).reduce((s, l) => s + l.capacity, 0);
  assert.ok(offered > core, `the scenario is overloaded (offered ${offered} > ${core})`);
  const routed = net.demands.reduce((s, d) => s + d.volume, 0);
  assert.ok(routed <= core, 'admitted demands fit the links into the core');
  for (const d of net.demands) assert.ok(net.links.some((l) => (l.u === d.src || l.v === d.src) && l.capacity >= d.volume), 'each demand fits one of its gNB\'s links');
  const share = (sl: string) => { const us = users.flat().filter((u) => w.slice[u] === sl); return us.filter((u) => admitted[u]).length / us.length; };
  assert.equal(share('URLLC'), 1, 'every URLLC user is admitted');
  assert.ok(share('eMBB') < 1 && share('eMBB') > 0, `video is admitted only in part (${share('eMBB')})`);
  const r = await runScenario({ cfg: c, arch: 'classical', seed: 1, attack: null, defense: null });
  assert.ok(r.indicators.service_continuity > 0.3, `services run on the admitted share (continuity ${r.indicators.service_continuity})`);
});
