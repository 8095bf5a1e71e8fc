/**
 * One run of the twin: a scenario, an architecture (classical or hybrid), a seed, at most one
 * attack and one defence. Each step: users move, the radio picture is recomputed, the four
 * functions decide (spectrum every step, detection every step, routing and task assignment at their
 * periods), every decision passes the governance gateway, and the services are checked against
 * their slice's requirement. The seed fixes the world (mobility, fading, flows, task positions)
 * identically for every architecture and attack: comparisons are paired.
 */
import { Rng } from '../../core/rng.js';
import { makeProblem, type Problem } from '../../optimize/problem.js';
import { QuboBuilder } from '../../optimize/qubo.js';
import { makeGraph } from '../../optimize/graph.js';
import { routingProblem, type RoutingNetwork } from '../../optimize/builders/routing.js';
import { tasksProblem, type Fleet as TaskFleet } from '../../optimize/builders/tasks.js';
import { pathLoss38901 } from '../radio/tr38901.js';
import { dbmToMw, mwToDbm } from '../radio/sinr.js';
import { runBB84 } from '../../channel/qkd/protocol.js';
import { linkParams } from '../../channel/qkd/params.js';
import type { ScenarioConfig, SliceType } from './config.js';
import { World, clamp } from './world.js';
import { ATTACKS, ATTACK_START, JAMMER_DBM, type IndicatorName } from './attacks.js';
import { AngleStore, Router, classicalSolve, quantumSolve, qubitsFor, relativeGain, worstAngles, type Fn, type ModuleResult } from './modules.js';
import { classicalCost, cpuMsSince, qpuMs, quantumCost, type DecisionCost } from './costs.js';
import { EVASION_ALPHA, detectorFor, flowData, flowTable } from './detection.js';
import type { DecisionGateway } from './gateway.js';

export type Architecture = 'classical' | 'hybrid';
export interface RunSpec { cfg: ScenarioConfig; arch: Architecture; seed: number; attack: string | null; defense: string | null; gateway?: DecisionGateway | null }

/** Per-run indicators (resilience needs the paired baseline and is computed by the caller). */
export type RunIndicators = Record<Exclude<IndicatorName, 'resilience_under_attack'>, number>;

export interface RunResult {
  indicators: RunIndicators;
  series: { t: number[]; spectrum_utilisation: number[]; service_continuity: number[]; detection_rate: number[]; decision_latency: number[] };
  decisions: number;
  held: number;
  quantum_tasks: number;
  tasks: number;
  quantum_share: number;
  handovers: number;
  /** Share of user-steps on a terrestrial cell whose traffic the backhaul admission control admitted. */
  backhaul_admitted: number;
  sim_ms: number;
  simulated_s: number;
  qkd: { aborted: boolean; qber: number; final_key_bits: number } | null;
}

/** Air-interface latency per slice, ms: NR mini-slot scheduling for URLLC, slot scheduling otherwise (TR 38.913 targets: 0.5 ms URLLC, 4 ms eMBB user plane). */
const AIR_MS: Record<SliceType, number> = { URLLC: 0.5, eMBB: 4, mMTC: 10 };
/** Largest spectral efficiency counted, bit/s/Hz (NR 256-QAM at code rate 948/1024, TS 38.214 Table 5.1.3.1-2: 7.4063). */
const SE_MAX = 7.4063;
/** Fibre: 5 µs/km propagation plus 0.1 ms per switching hop. */
const FIBRE_MS_PER_KM = 0.005, HOP_MS = 0.1;

const qkdCache = new Map<string, { aborted: boolean; qber: number; final_key_bits: number }>();
function qkdRun(cfg: ScenarioConfig, seed: number, eve: boolean) {
  const key = `${cfg.qkd.backhaul_km}|${cfg.qkd.pulses}|${seed}|${eve}`;
  let r = qkdCache.get(key);
  if (!r) {
    const res = runBB84({ link: linkParams({ distanceKm: cfg.qkd.backhaul_km }), pulses: cfg.qkd.pulses, seed, eve: eve ? 'intercept:1' : undefined, finite: false, sampleFraction: 0.1, qberThreshold: 0.11, schedule: 'original', epsSec: 1e-10, epsCor: 1e-15 }).result;
    r = { aborted: res.aborted, qber: res.qber, final_key_bits: res.final_key_bits };
    qkdCache.set(key, r);
  }
  return r;
}

export async function runScenario(spec: RunSpec): Promise<RunResult> {
  const { cfg, arch, seed } = spec;
  const hybrid = arch === 'hybrid';
  const attack = spec.attack, defense = spec.defense;
  const atk = (name: string) => attack === name;
  const def = (name: string) => defense === name;
  const world = new World(cfg, new Rng(seed));
  const flowRng = new Rng(seed * 7919 + 1), taskRng = new Rng(seed * 7919 + 2), qRng = new Rng(seed * 7919 + 3);
  const router = new Router(cfg, hybrid);
  const store = new AngleStore();
  const gw = spec.gateway ?? null;
  const G = world.G, U = world.U, K = cfg.radio.channels;
  const steps = Math.max(1, Math.floor(cfg.duration_s / cfg.step_s));
  const startStep = Math.floor(steps * ATTACK_START);
  const noiseDbm = world.channelNoiseDbm();
  const bwCh = (cfg.radio.bandwidth_mhz * 1e6) / K;
  const jammer = [cfg.area_m[0] / 2, cfg.area_m[1] / 2];

  // Pre-trained detector of this architecture (the poisoning and adversarial-training variants act here).
  const fd = flowData(cfg, seed);
  const det = detectorFor(cfg, seed, { quantum: hybrid, advTraining: def('adversarial-training'), poisoned: atk('poisoned-round'), robustAggregation: def('robust-aggregation') });
  // The hybrid architecture keys its backhaul with QKD; the classical one with PQC (X-Wing) only.
  const qkd = hybrid ? qkdRun(cfg, seed, false) : null;
  const qkdEve = hybrid && atk('qkd-eavesdrop') ? qkdRun(cfg, seed, true) : null;

  let channel = new Int32Array(G);
  let backhaulMs = new Float64Array(G).fill(Infinity), backhaulOk = new Uint8Array(G), admitted: Uint8Array = new Uint8Array(U);
  const lat: number[] = [];
  let admSteps = 0, tnSteps = 0, energy = 0, tp = 0, fn_ = 0, fp = 0, tn = 0, utilSum = 0, contOk = 0, contAll = 0, simMs = 0, tasksOnTime = 0, tasksAll = 0;
  const series: RunResult['series'] = { t: [], spectrum_utilisation: [], service_continuity: [], detection_rate: [], decision_latency: [] };
  const charge = (c: DecisionCost) => { lat.push(c.latencyMs); energy += c.energyJ; simMs += c.simMs; };

  /** Runs one optimisation task through the router; returns the chosen assignment. */
  const decide = async (fn: Fn, p: Problem, step: number): Promise<{ r: ModuleResult; module: 'quantum' | 'classical'; reason: string }> => {
    const qubits = hybrid ? qubitsFor(p) : 0;
    const route = router.decide(fn, qubits);
    if (route.module === 'classical') { const r = await classicalSolve(cfg, p); return { r, module: 'classical', reason: route.reason }; }
    if (atk('qaoa-tamper') && step >= startStep && !tampered.has(fn) && store.angles.has(fn)) {
      // The attacker overwrites the stored angles with the worst ones it finds for this function (a
      // p = 1 grid maximising ⟨cost⟩ on the current instance); the digest taken at training time stays.
      tampered.add(fn);
      const w = worstAngles(p);
      const a = store.angles.get(fn)!;
      a.gamma = [w.gamma, 0]; a.beta = [w.beta, 0];
    }
    const r = await quantumSolve(cfg, p, fn, store, { seed: seed * 100003 + step * 17 + fn.length, verifyAngles: def('param-integrity') });
    if (router.calibrating(fn)) {
      const c = await classicalSolve(cfg, p);
      router.record(fn, relativeGain(p, r, c));
      r.cost.cpuMs += c.cost.cpuMs; r.cost.energyJ += c.cost.energyJ;
    }
    return { r, module: 'quantum', reason: route.reason };
  };

  const tampered = new Set<Fn>();
  void qRng;
  let prevTaskAssign: number[] = [];
  for (let k = 0; k < steps; k++) {
    const t = k * cfg.step_s;
    if (k > 0) { world.move(cfg.step_s); world.updateRadio(); }
    gw?.setTime(t);
    const attacking = k >= startStep;
    const rs = world.radio;

    // ---- Spectrum allocation: interference reports → graph → components → router.
    const alive = Array.from({ length: G }, (_, g) => g).filter((g) => world.alive[g]);
    const users: number[][] = Array.from({ length: G }, () => []);
    for (let u = 0; u < U; u++) if (rs.serving[u] >= 0) users[rs.serving[u]].push(u);
    // Jammer power at each user on channel 0 (UMi/UMa NLOS from the area centre).
    const jamMw = new Float64Array(U);
    if (atk('jamming') && attacking) {
      for (let u = 0; u < U; u++) {
        const d2D = clamp(Math.hypot(world.x[u] - jammer[0], world.y[u] - jammer[1]), 10, 5000);
        jamMw[u] = dbmToMw(JAMMER_DBM - pathLoss38901({ scenario: cfg.radio.model, fcGHz: cfg.radio.fc_ghz, d2D, hBS: 1.6, hUT: 1.5, los: false }).pathLossDb);
      }
    }
    // Reported INR (dB) of gNB j at cell i's users: the strongest interferer power a user of i measures.
    const inr = new Float64Array(G * G).fill(-Infinity);
    for (const i of alive) for (const j of alive) if (i !== j) {
      let m = -Infinity;
      for (const u of users[i]) m = Math.max(m, rs.rsrp[u * G + j]);
      inr[i * G + j] = m - noiseDbm;
    }
    // Every other working cell is under the attacker's control (counted among the working ones: in the
    // emergency scenario the damaged cells are the even-numbered ones, and a dead cell reports nothing).
    const compromised = (g: number) => atk('false-reports') && attacking && alive.indexOf(g) % 2 === 0;
    // A compromised cell inverts its reports: it hides its real interferers and claims strong
    // interference (30 dB above the threshold) from the cells it does not hear, so the allocator
    // separates the wrong pairs.
    const reported = Float64Array.from(inr, (v, idx) => (compromised(Math.floor(idx / G)) && Math.floor(idx / G) !== idx % G ? (v > cfg.radio.inr_threshold_db ? -Infinity : cfg.radio.inr_threshold_db + 30) : v));
    if (def('report-validation')) {
      // The twin's own prediction: median path loss (NLOS, no shadowing) from each interferer to the reporting cell's users.
      for (const i of alive) for (const j of alive) if (i !== j && users[i].length) {
        let pred = -Infinity;
        for (const u of users[i]) {
          const [gx, gy] = cfg.gnbs.positions[j];
          const d2D = clamp(Math.hypot(world.x[u] - gx, world.y[u] - gy), 10, 5000);
          const pl = pathLoss38901({ scenario: cfg.radio.model, fcGHz: cfg.radio.fc_ghz, d2D, hBS: cfg.gnbs.height_m, hUT: clamp(world.h[u], 1.5, 22.5), los: false });
          pred = Math.max(pred, cfg.gnbs.tx_power_dbm - pl.pathLossDb - noiseDbm);
        }
        // Three shadow-fading standard deviations of disagreement mark a report as false.
        if (!(Math.abs(reported[i * G + j] - pred) <= 3 * (cfg.radio.model === 'UMi' ? 7.82 : 6))) reported[i * G + j] = pred;
      }
    }
    const jammedCell = new Float64Array(G);
    if (def('channel-hopping')) for (const g of alive) {
      let s = 0;
      for (const u of users[g]) s += jamMw[u];
      // Weighted like an interference edge (1 + one per 6 dB above the threshold): avoiding the
      // jammer must not cost more co-channel interference than it saves.
      const jinr = users[g].length ? mwToDbm(s / users[g].length) - noiseDbm : -Infinity;
      if (jinr > cfg.radio.inr_threshold_db) jammedCell[g] = 1 + Math.floor((jinr - cfg.radio.inr_threshold_db) / 6);
    }
    const thr = cfg.radio.inr_threshold_db;
    const edges: Array<[number, number, number]> = [];
    for (let a = 0; a < alive.length; a++) for (let b = a + 1; b < alive.length; b++) {
      const i = alive[a], j = alive[b], v = Math.max(reported[i * G + j], reported[j * G + i]);
      if (v > thr) edges.push([a, b, 1 + Math.floor((v - thr) / 6)]);
    }
    const comps = components(alive.length, edges);
    const newChannel = Int32Array.from(channel);
    for (const comp of comps) {
      if (comp.length === 1) { newChannel[alive[comp[0]]] = jammedCell[alive[comp[0]]] > 0 && K > 1 ? 1 : 0; continue; }
      const p = spectrumProblem(comp, edges, K, (v) => jammedCell[alive[comp[v]]]);
      const d = await decide('spectrum', p, k);
      charge(d.r.cost);
      const plan = comp.map((_, v) => { let c = 0; for (let q = 0; q < K; q++) if (d.r.x[v * K + q]) c = q; return c; });
      const ok = gw ? gw.submit({ fn: 'spectrum', step: k, module: d.module, reason: d.reason, action: { cells: comp.map((v) => alive[v]), channels: plan }, safeDefault: { keep: 'previous plan' }, confidence: d.r.feasible ? 1 : 0, riskFlags: d.r.feasible ? [] : ['infeasible'], explanation: { objective: d.r.objective, conflicts_weighted: d.r.objective, qubits: d.r.qubits } }) : d.r.feasible;
      if (ok) comp.forEach((v, m) => { newChannel[alive[v]] = plan[m]; });
    }
    channel = newChannel;

    // ---- Radio outcome: SINR with the true interference (whatever was reported), rates per user.
    const seOf = new Float64Array(U);
    for (let u = 0; u < U; u++) {
      const g = rs.serving[u];
      if (g < 0) continue;
      let iMw = dbmToMw(noiseDbm) + (channel[g] === 0 ? jamMw[u] : 0);
      for (const j of alive) if (j !== g && channel[j] === channel[g]) iMw += dbmToMw(rs.rsrp[u * G + j]);
      const sinr = rs.rsrp[u * G + g] - mwToDbm(iMw);
      seOf[u] = Math.min(SE_MAX, Math.log2(1 + 10 ** (sinr / 10)));
    }

    // ---- Threat detection on this step's flows.
    const F = cfg.detection.flows_per_step;
    const isAtk = new Uint8Array(F), idx: number[] = [], owner = new Int32Array(F);
    const alphas = new Float64Array(F);
    for (let f = 0; f < F; f++) {
      isAtk[f] = flowRng.next() < cfg.detection.attack_share ? 1 : 0;
      const pool = isAtk[f] ? fd.attackTest : fd.benignTest;
      idx.push(pool[flowRng.int(pool.length)]);
      owner[f] = flowRng.int(U);
      alphas[f] = isAtk[f] && atk('evasion') && attacking ? EVASION_ALPHA : 0;
    }
    const shapeRng = new Rng(seed * 104729 + k);
    const table = flowTable(fd, fd.test.table, idx, alphas, shapeRng);
    const route = router.decide('detection', 0, F);
    const c0 = process.cpuUsage();
    const X = det.inputs(table);
    const cpuPipe = cpuMsSince(c0);
    const c1 = process.cpuUsage();
    const proba = det.model.predictProba(X);
    const modelMs = cpuMsSince(c1);
    const dcost = hybrid && route.module === 'quantum' ? quantumCost(cfg, cpuPipe, qpuMs(cfg, F), modelMs) : classicalCost(cfg, cpuPipe + modelMs);
    charge(dcost);
    const blocked = new Uint8Array(U), damage = new Float64Array(G);
    let conf = 0, stepTp = 0, stepAtk = 0;
    const verdicts: number[] = [];
    for (let f = 0; f < F; f++) {
      const pa = proba[f * 2 + fd.attack];
      conf += Math.max(pa, 1 - pa) / F;
      const flag = pa >= 0.5;
      if (flag) verdicts.push(f);
      if (isAtk[f]) { stepAtk++; if (flag) { tp++; stepTp++; } else { fn_++; const g = rs.serving[owner[f]]; if (g >= 0) damage[g] += cfg.detection.damage_per_missed; } }
      else if (flag) { fp++; blocked[owner[f]] = 1; } else tn++;
    }
    gw?.submit({ fn: 'detection', step: k, module: route.module, reason: route.reason, action: { block_flows: verdicts.length, flows: F }, safeDefault: { block: 'flows with p(attack) ≥ 0.5, reviewed afterwards' }, confidence: conf, riskFlags: [], explanation: { model: det.model.type, mean_confidence: conf } });

    // ---- Routing (TN/NTN backhaul) at its period.
    if (k % cfg.routing.every_steps === 0) {
      const { net, gnbOf, admitted: adm } = backhaulNetwork(cfg, world, users);
      if (net.demands.length) {
        let p: Problem | null = null;
        try { p = routingProblem(net, { paths: cfg.routing.paths, slots: 1 }); } catch { p = null; }
        const ok = new Uint8Array(G), ms = new Float64Array(G).fill(Infinity);
        if (p && p.data.kind === 'routing') {
          const d = await decide('routing', p, k);
          charge(d.r.cost);
          const applied = gw ? gw.submit({ fn: 'routing', step: k, module: d.module, reason: d.reason, action: { demands: net.demands.length }, safeDefault: { keep: 'previous routes' }, confidence: d.r.feasible ? 1 : 0, riskFlags: d.r.feasible ? [] : ['infeasible'], explanation: { objective: d.r.objective } }) : d.r.feasible;
          const paths = p.data.paths, links = p.data.links;
          // Capacity is enforced on the network whatever the plan: demands beyond a link's capacity are dropped in order.
          const load = new Float64Array(links.length);
          net.demands.forEach((dm, i) => {
            let chosen = -1;
            for (let q = 0; q < paths[i].length; q++) if (d.r.x[p!.oneHot[i][q]]) chosen = q;
            if (chosen < 0) return;
            const path = paths[i][chosen];
            if (path.some((l) => load[l] + dm.volume > links[l].capacity + 1e-9)) return;
            for (const l of path) load[l] += dm.volume;
            const g = gnbOf[i];
            ok[g] = 1; ms[g] = path.reduce((s, l) => s + links[l].latency, 0);
          });
          if (applied) { backhaulOk = ok; backhaulMs = ms; admitted = adm; }
        }
      }
    }

    // ---- Task assignment at its period: new tasks, the nearest agents, the router.
    if (k % cfg.tasks.every_steps === 0) {
      const agents = Array.from({ length: U }, (_, u) => u).filter((u) => cfg.fleets[world.fleetOf[u]].agent);
      const T = cfg.tasks.per_round;
      const pos = Array.from({ length: T }, () => [taskRng.next() * cfg.area_m[0], taskRng.next() * cfg.area_m[1]]);
      const cx = pos.reduce((s, p) => s + p[0], 0) / T, cy = pos.reduce((s, p) => s + p[1], 0) / T;
      const near = agents.sort((a, b) => Math.hypot(world.x[a] - cx, world.y[a] - cy) - Math.hypot(world.x[b] - cx, world.y[b] - cy)).slice(0, Math.min(4, agents.length));
      const A = near.length;
      const dist = near.map((u) => pos.map((p) => Math.hypot(world.x[u] - p[0], world.y[u] - p[1])));
      const arrival = near.map((u, a) => dist[a].map((d) => d / Math.max(0.1, cfg.fleets[world.fleetOf[u]].mobility.speed_mps[1])));
      // Tasks nobody can reach in time are dropped (and count as missed).
      const feasibleT = pos.map((_, t) => arrival.some((r) => r[t] <= cfg.tasks.deadline_s));
      const tIdx = pos.map((_, t) => t).filter((t) => feasibleT[t]);
      tasksAll += T;
      if (tIdx.length && A) {
        const fleet: TaskFleet = {
          agents: A, tasks: tIdx.length, cost: dist.map((r) => tIdx.map((t) => Math.round(r[t] / 50))),
          load: tIdx.map(() => 1), capacity: near.map(() => tIdx.length),
          arrival: arrival.map((r) => tIdx.map((t) => Math.round(r[t]))), deadline: tIdx.map(() => Math.round(cfg.tasks.deadline_s)),
        };
        const p = tasksProblem(fleet);
        const d = await decide('tasks', p, k);
        charge(d.r.cost);
        const assign = tIdx.map((_, t) => { for (let a = 0; a < A; a++) if (d.r.x[a * tIdx.length + t]) return a; return -1; });
        const applied = gw ? gw.submit({ fn: 'tasks', step: k, module: d.module, reason: d.reason, action: { assign }, safeDefault: { dispatch: 'nearest agent per task' }, confidence: d.r.feasible ? 1 : 0, riskFlags: d.r.feasible ? [] : ['infeasible'], explanation: { travel_cost: d.r.objective } }) : d.r.feasible;
        const final = applied ? assign : tIdx.map((t) => { let b = 0; for (let a = 1; a < A; a++) if (arrival[a][t] < arrival[b][t]) b = a; return b; });
        final.forEach((a, m) => {
          if (a < 0) return;
          const t = tIdx[m];
          if (arrival[a][t] <= cfg.tasks.deadline_s) tasksOnTime++;
          world.dispatch(near[a], pos[t][0], pos[t][1]);
        });
        prevTaskAssign = final;
      }
    }

    // ---- Services: every user against its slice's requirement this step.
    let util = 0, stepOk = 0;
    const keyOk = !hybrid ? true : qkdEve && attacking ? def('pqc-fallback') : qkd ? !qkd.aborted && qkd.final_key_bits >= cfg.qkd.key_bits_per_step : true;
    for (const g of alive) {
      const n = users[g].length;
      if (!n) continue;
      const share = Math.max(0, 1 - damage[g]) / n;
      for (const u of users[g]) util += (bwCh * seOf[u] * share) / (cfg.radio.bandwidth_mhz * 1e6);
    }
    for (let u = 0; u < U; u++) {
      const s = cfg.slices[world.slice[u]];
      let ok = false;
      const g = rs.serving[u];
      if (g >= 0) {
        tnSteps++; admSteps += admitted[u];
        const rate = (bwCh * seOf[u] * Math.max(0, 1 - damage[g])) / users[g].length / 1e6;
        const latency = AIR_MS[world.slice[u]] + backhaulMs[g];
        ok = backhaulOk[g] === 1 && admitted[u] === 1 && rate >= s.rate_mbps && latency <= s.latency_ms && !blocked[u] && (!s.needs_key || keyOk);
      } else if (rs.ntnSat[u] >= 0) {
        const ntnUsers = rs.ntnSat.reduce((c, v) => c + (v >= 0 ? 1 : 0), 0);
        const sinr = rs.ntnRxDbm[u] - (-174 + 10 * Math.log10(cfg.radio.ntn_bandwidth_mhz * 1e6) + cfg.radio.noise_figure_db);
        const rate = (cfg.radio.ntn_bandwidth_mhz * Math.min(SE_MAX, Math.log2(1 + 10 ** (sinr / 10)))) / ntnUsers;
        const latency = AIR_MS[world.slice[u]] + 2 * rs.ntnDelayMs[u] + 1;
        ok = rate >= s.rate_mbps && latency <= s.latency_ms && !blocked[u] && (!s.needs_key || keyOk);
      }
      if (ok) stepOk++;
    }
    contOk += stepOk; contAll += U;
    utilSum += util;
    series.t.push(t);
    series.spectrum_utilisation.push(util);
    series.service_continuity.push(stepOk / U);
    series.detection_rate.push(stepAtk ? stepTp / stepAtk : NaN);
    series.decision_latency.push(lat.length ? lat[lat.length - 1] : NaN);
  }
  void prevTaskAssign;
  const decisions = lat.length;
  const tasks = [...router.seen.values()].reduce((s, v) => s + v, 0);
  const qt = [...router.quantum.values()].reduce((s, v) => s + v, 0);
  return {
    indicators: {
      decision_latency: lat.reduce((s, v) => s + v, 0) / Math.max(1, decisions),
      spectrum_utilisation: utilSum / steps,
      detection_rate: tp / Math.max(1, tp + fn_),
      false_positive_rate: fp / Math.max(1, fp + tn),
      energy_cost: energy / Math.max(1, decisions),
      service_continuity: (contOk + tasksOnTime) / Math.max(1, contAll + tasksAll),
    },
    series, decisions, held: gw?.held ?? 0, quantum_tasks: qt, tasks, quantum_share: tasks ? qt / tasks : 0,
    handovers: world.radio.handovers, backhaul_admitted: tnSteps ? admSteps / tnSteps : 1, sim_ms: simMs, simulated_s: steps * cfg.step_s,
    qkd: qkdEve ?? qkd,
  };
}

/** Connected components of a graph on n vertices (lists of vertex indices). */
export function components(n: number, edges: Array<[number, number, number]>): number[][] {
  const parent = Int32Array.from({ length: n }, (_, i) => i);
  const find = (a: number): number => (parent[a] === a ? a : (parent[a] = find(parent[a])));
  for (const [a, b] of edges) parent[find(a)] = find(b);
  const m = new Map<number, number[]>();
  for (let i = 0; i < n; i++) { const r = find(i); if (!m.has(r)) m.set(r, []); m.get(r)!.push(i); }
  return [...m.values()];
}

/**
 * Channel assignment of one interference component as a weighted colouring: x_{v·K+c} = 1 when cell v
 * uses channel c; minimise Σ_edges w_uv Σ_c x_uc x_vc (w: 1 + one per 6 dB of INR above the
 * threshold) plus, for a cell put on the channel it measures a jammer on, the jammer's weight on the same scale.
 */
export function spectrumProblem(comp: number[], edges: Array<[number, number, number]>, K: number, jammed: (v: number) => number): Problem {
  const local = new Map(comp.map((v, i) => [v, i]));
  const es: Array<[number, number]> = [], ws: number[] = [];
  for (const [a, b, w] of edges) if (local.has(a) && local.has(b)) { es.push([local.get(a)!, local.get(b)!]); ws.push(w); }
  const n = comp.length, b = new QuboBuilder(n * K);
  es.forEach(([u, v], e) => { for (let c = 0; c < K; c++) b.addQuad(u * K + c, v * K + c, ws[e]); });
  for (let v = 0; v < n; v++) if (jammed(v) > 0 && K > 1) b.addLinear(v * K + 0, jammed(v));
  const oneHot = Array.from({ length: n }, (_, v) => Array.from({ length: K }, (_, c) => v * K + c));
  return makeProblem({
    kind: 'coloring', name: `spectrum-${n}x${K}`, sense: 'min', objective: b.build(),
    constraints: oneHot.map((g, v) => ({ name: `cell ${v} one channel`, terms: g.map((i) => [i, 1] as [number, number]), sense: '=' as const, rhs: 1 })),
    oneHot, data: { kind: 'coloring', graph: makeGraph(n, es, ws), colors: K, mode: 'conflicts' },
  });
}

/**
 * The backhaul as a routing network: node 0 the core, 1..G the gNBs, then the visible satellites.
 * Fibre gNBs link to the core and to their ring neighbours; satellite-backhauled gNBs (and every gNB,
 * as a backup path) link to the visible satellites, which link to the core's gateway. Latencies in
 * ms: fibre 5 µs/km + 0.1 ms per hop, satellite hops their one-way propagation delay (TR 38.811).
 * One demand per serving gNB: the slice volumes of its admitted users.
 *
 * Admission control comes first: a gNB's demand is routed whole along one path, so it must fit the
 * largest capacity among the gNB's links, and all demands together must fit the links into the core.
 * Users are admitted by slice priority (URLLC, then mMTC, then eMBB: the order of the 5QI priority
 * levels of TS 23.501 Table 5.7.4-1 for their delay-critical, IoT and video flows), then in user
 * order, while both budgets hold; a user not admitted has no backhaul this period. Without it an
 * overloaded backhaul (the emergency scenario offers about 37 volume units to two satellite links of
 * 15) makes every routing plan infeasible, so no plan ever applies and every service is cut.
 */
export const SLICE_PRIORITY: SliceType[] = ['URLLC', 'mMTC', 'eMBB'];
export function backhaulNetwork(cfg: ScenarioConfig, world: World, users: number[][]): { net: RoutingNetwork; gnbOf: number[]; admitted: Uint8Array } {
  const G = world.G, sats = world.radio.visibleSats.slice(0, 2);
  const links: RoutingNetwork['links'] = [];
  const fibreGnbs = Array.from({ length: G }, (_, g) => g).filter((g) => world.alive[g] && cfg.gnbs.backhaul[g] === 'fibre');
  const coreKm = (g: number) => Math.hypot(cfg.gnbs.positions[g][0] - cfg.area_m[0] / 2, cfg.gnbs.positions[g][1] - cfg.area_m[1] / 2) / 1000 + 1;
  for (const g of fibreGnbs) links.push({ u: 1 + g, v: 0, capacity: cfg.routing.fibre_capacity, latency: HOP_MS + coreKm(g) * FIBRE_MS_PER_KM, satellite: false });
  for (let a = 0; a < fibreGnbs.length && fibreGnbs.length > 2; a++) {
    const g = fibreGnbs[a], h = fibreGnbs[(a + 1) % fibreGnbs.length];
    const km = Math.hypot(cfg.gnbs.positions[g][0] - cfg.gnbs.positions[h][0], cfg.gnbs.positions[g][1] - cfg.gnbs.positions[h][1]) / 1000;
    links.push({ u: 1 + g, v: 1 + h, capacity: cfg.routing.fibre_capacity, latency: HOP_MS + km * FIBRE_MS_PER_KM, satellite: false });
  }
  sats.forEach((s, i) => {
    const node = 1 + G + i;
    links.push({ u: node, v: 0, capacity: cfg.routing.satellite_capacity, latency: s.delayMs + HOP_MS, satellite: true });
    for (let g = 0; g < G; g++) if (world.alive[g]) links.push({ u: 1 + g, v: node, capacity: cfg.routing.satellite_capacity, latency: s.delayMs + HOP_MS, satellite: true });
  });
  const demands: RoutingNetwork['demands'] = [], gnbOf: number[] = [];
  const admitted = new Uint8Array(world.U);
  const gnbCap = new Float64Array(G), vol = new Float64Array(G);
  for (const l of links) for (const node of [l.u, l.v]) if (node >= 1 && node <= G) gnbCap[node - 1] = Math.max(gnbCap[node - 1], l.capacity);
  const coreCap = links.reduce((s, l) => s + (l.u === 0 || l.v === 0 ? l.capacity : 0), 0);
  const routed = (v: number) => (v > 0 ? Math.max(1, Math.round(v)) : 0);
  let total = 0;
  for (const sl of SLICE_PRIORITY) for (let g = 0; g < G; g++) {
    if (!world.alive[g] || !(gnbCap[g] > 0)) continue;
    for (const u of users[g]) {
      if (world.slice[u] !== sl) continue;
      const v = cfg.slices[sl].volume, grow = routed(vol[g] + v) - routed(vol[g]);
      if (routed(vol[g] + v) > gnbCap[g] || total + grow > coreCap) continue;
      vol[g] += v; total += grow; admitted[u] = 1;
    }
  }
  for (let g = 0; g < G; g++) {
    if (!(vol[g] > 0)) continue;
    demands.push({ src: 1 + g, dst: 0, volume: routed(vol[g]) });
    gnbOf.push(g);
  }
  return { net: { nodes: 1 + G + sats.length, links, demands }, gnbOf, admitted };
}
