/**
 * The simulation engine: rounds of configure → download → local training (worker threads) →
 * Byzantine crafting → upload → aggregate → evaluate, with faults applied as data. Everything
 * random is seeded from (run seed, round, client), results are gathered in client order, and the
 * per-round state is plain data, so a run is the same bit for bit with any number of threads and
 * resumes from any finished round.
 *
 * @example
 * import { simulate } from 'qml6g';
 * // const { rounds, params } = await simulate(spec, { onRound: (rec) => console.error(rec.round, rec.accuracy) });
 */
import { QmlError } from '../core/errors.js';
import { Rng } from '../core/rng.js';
import { classificationMetrics } from '../qml/metrics.js';
import { crossEntropy, type Model } from '../qml/model.js';
import type { ModelSpec } from '../qml/models/registry.js';
import { modelWith, type ClientData, type ClientSpec, type LocalResult, type LocalTask } from './client.js';
import { clientSpeeds, clientTime, dropouts, linkStates, partitioned, stalenessWeight, type FaultConfig } from './faults.js';
import type { ClientPool, LocalFailure } from './pool.js';
import { subSeed } from './seeds.js';
import type { FitFailure, FitResult, Strategy, StrategyState } from './strategy.js';
import { decodeFloats, encodeFloats, InProcessTransport, type Transport } from './transport.js';
import type { ByzantineAttack } from './byzantine/attack.js';

export interface SimulationSpec {
  rounds: number;
  seed: number;
  numClasses: number;
  /** The global model's spec (server evaluation). */
  model: ModelSpec;
  /** One spec per client (its own epochs, batch size, device execution). */
  clients: ClientSpec[];
  /** One data set per client, in model-input space. */
  data: ClientData[];
  malicious: boolean[];
  attack: ByzantineAttack | null;
  strategy: Strategy;
  test: ClientData;
  /** Triggered test rows of other classes, all labelled with the backdoor's target (null: no backdoor). */
  backdoorTest?: ClientData | null;
  faults: FaultConfig;
  /** Initial global parameters. */
  init: Float64Array;
  /** Parameters from here on are the classical head (quantum models), for param-tamper. */
  headOffset: number;
  transport?: Transport;
  /** Where local training runs: worker threads (ClientPool) or remote clients (qml6g fl-client over NATS). */
  pool: Pick<ClientPool, 'run'>;
}

export interface RoundRecord {
  round: number;
  accuracy: number;
  balanced_accuracy: number;
  loss: number;
  backdoor_success: number | null;
  /** Updates that reached the server and entered aggregation (fresh and stale). */
  participants: number;
  /** Selected clients that failed this round. */
  failures: number;
  skipped: boolean;
  skip_reason: string | null;
  selected: number[];
  /** Clients whose updates the rule kept. */
  accepted: number[];
  failed: FitFailure[];
  /** Clients the server could not reach this round (link down, partition). */
  unavailable: FitFailure[];
  malicious_participants: number;
  stale_updates: number;
  /** Mean local training loss of each participating client, by client id. */
  client_loss: Record<string, number>;
  bytes_up: number;
  bytes_down: number;
  /** Simulated seconds of this round and since the start. */
  sim_seconds: number;
  sim_clock: number;
  /** Wall-clock seconds the round took here (measurement only). */
  seconds: number;
  /** Wall-clock seconds inside client training (sum over clients). */
  client_seconds: number;
  /** Clients on devices narrower than the model (training through circuit cutting) this round, and what it cost them. */
  cut_clients: number;
  /** Fragment executions (shots) they spent; 0 on exact devices. */
  cut_shots: number;
  /** Circuit reconstructions from fragments they ran (values and shifted values). */
  cut_evaluations: number;
  /** Wall-clock seconds of the server's evaluation of the new model on the test rows. */
  eval_seconds: number;
  /**
   * CPU seconds of this process (every thread) in the round, in client training (while the pool
   * trains, this thread only waits) and in the evaluation (measurement only; a shared machine
   * inflates wall time, not CPU time).
   */
  cpu: { round: number; clients: number; eval: number };
  info: Record<string, number>;
}

interface InFlight { client: number; arrival: number; staleness: number; update: number[]; numExamples: number; loss: number }

export interface EngineState {
  round: number;
  global: number[];
  strategy: StrategyState;
  inflight: InFlight[];
  clock: number;
}

export interface Evaluation { accuracy: number; balanced_accuracy: number; loss: number; backdoor_success: number | null }

/** Accuracy, balanced accuracy and loss on the test rows; the backdoor's success on triggered rows. */
export function evaluateGlobal(model: Model, params: Float64Array, test: ClientData, backdoor: ClientData | null | undefined, C: number): Evaluation {
  model.params.set(params);
  const p = model.predictProba({ data: test.X, rows: test.rows, cols: test.cols });
  const m = classificationMetrics(p, test.y, C);
  let bd: number | null = null;
  if (backdoor && backdoor.rows > 0) {
    const pb = model.predictProba({ data: backdoor.X, rows: backdoor.rows, cols: backdoor.cols });
    let hit = 0;
    for (let r = 0; r < backdoor.rows; r++) {
      let b = 0;
      for (let c = 1; c < C; c++) if (pb[r * C + c] > pb[r * C + b]) b = c;
      if (b === backdoor.y[r]) hit++;
    }
    bd = hit / backdoor.rows;
  }
  return { accuracy: m.accuracy, balanced_accuracy: m.balanced_accuracy, loss: crossEntropy(p, test.y, C), backdoor_success: bd };
}

function checkSpec(s: SimulationSpec): void {
  const N = s.clients.length;
  if (!Number.isInteger(s.rounds) || s.rounds < 1) throw new QmlError(`rounds must be a positive integer, got ${s.rounds}`, '--rounds');
  if (N < 1 || s.data.length !== N || s.malicious.length !== N) throw new QmlError(`${N} client specs, ${s.data.length} data sets and ${s.malicious.length} malicious flags: they must match`);
  for (const [i, d] of s.data.entries()) if (d.cols !== s.test.cols) throw new QmlError(`client ${i}'s data has ${d.cols} features, the test set ${s.test.cols}`, 'client data');
}

export async function simulate(spec: SimulationSpec, opts: { resume?: EngineState; onRound?: (rec: RoundRecord, state: EngineState) => void | Promise<void> } = {}): Promise<{ rounds: RoundRecord[]; params: Float64Array; initial: Evaluation }> {
  checkSpec(spec);
  const N = spec.clients.length, C = spec.numClasses, f = spec.faults, seed = spec.seed;
  const transport = spec.transport ?? new InProcessTransport();
  const speeds = clientSpeeds(f, N, seed);
  const evalModel = modelWith(spec.model, spec.test.cols, C, spec.init);
  const initial = evaluateGlobal(evalModel, spec.init, spec.test, spec.backdoorTest, C);
  let global: Float64Array = Float64Array.from(spec.init), clock = 0, inflight: InFlight[] = [], start = 1;
  if (opts.resume) {
    global = Float64Array.from(opts.resume.global);
    if (global.length !== spec.init.length) throw new QmlError('cannot resume: the saved model has a different number of parameters');
    spec.strategy.restore(opts.resume.strategy);
    clock = opts.resume.clock; inflight = opts.resume.inflight; start = opts.resume.round + 1;
  }
  let last = opts.resume ? evaluateGlobal(evalModel, global, spec.test, spec.backdoorTest, C) : initial;
  const rounds: RoundRecord[] = [];
  const cpuNow = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };
  for (let r = start; r <= spec.rounds; r++) {
    const t0 = performance.now(), cpu0 = cpuNow();
    let clientCpu = 0, evalCpu = 0;
    const links = linkStates(f, N, seed, r), cut = partitioned(f, N, seed, r);
    const busy = new Set(inflight.map((x) => x.client));
    const available: number[] = [], unavailable: FitFailure[] = [];
    for (let c = 0; c < N; c++) {
      if (cut[c]) unavailable.push({ client: c, reason: 'partition' });
      else if (!links[c]) unavailable.push({ client: c, reason: 'link-down' });
      else if (!busy.has(c)) available.push(c);
    }
    const sel = spec.strategy.configure(r, available, new Rng(subSeed(seed, r, 1)));
    const failed: FitFailure[] = [];
    let bytesUp = 0, bytesDown = 0, clientSeconds = 0, roundTime = 0, waitedForDeadline = false;
    let cutClients = 0, cutShots = 0, cutEvaluations = 0;
    const fresh: Array<FitResult & { malicious: boolean }> = [];
    const clientLoss: Record<string, number> = {};
    if (!sel.skip) {
      const drop = dropouts(f, sel.clients, seed, r);
      const tasks: LocalTask[] = [];
      const downBytes = new Map<number, number>();
      for (const [k, c] of sel.clients.entries()) {
        if (drop[k]) { failed.push({ client: c, reason: 'dropout' }); waitedForDeadline = true; continue; }
        const d = await transport.send({ direction: 'down', client: c, round: r, payload: encodeFloats(global) });
        bytesDown += d.wireBytes; downBytes.set(c, d.wireBytes);
        if (d.refused) { failed.push({ client: c, reason: 'refused', detail: d.refused }); continue; }
        tasks.push({ client: c, round: r, seed: subSeed(seed, r, 2, c), numClasses: C, spec: spec.clients[c], data: spec.data[c], global: decodeFloats(d.delivered, `download to client ${c}`), instructions: sel.instructions });
      }
      const pc = cpuNow();
      const out = await spec.pool.run(tasks);
      clientCpu = cpuNow() - pc;
      const done: LocalResult[] = [];
      for (const o of out) {
        if ('error' in o) { failed.push({ client: (o as LocalFailure).client, reason: 'error', detail: (o as LocalFailure).error }); continue; }
        clientSeconds += o.seconds;
        if (o.cut) { cutClients++; cutShots += o.cut.shots; cutEvaluations += o.cut.evaluations; }
        done.push(o);
      }
      // Byzantine clients outside their attack rounds withhold; the others replace their honest updates.
      if (spec.attack?.active && !spec.attack.active(r, spec.rounds)) {
        for (const o of done.filter((x) => spec.malicious[x.client])) failed.push({ client: o.client, reason: 'withheld' });
        done.splice(0, done.length, ...done.filter((x) => !spec.malicious[x.client]));
      }
      const mal = done.filter((o) => spec.malicious[o.client]);
      if (spec.attack?.craft && mal.length) {
        const crafted = spec.attack.craft({
          round: r, global, own: mal.map((o) => o.update), benign: done.filter((o) => !spec.malicious[o.client]).map((o) => o.update),
          n: done.length, strategy: spec.strategy.name, headOffset: spec.headOffset, rng: new Rng(subSeed(seed, r, 3)),
        });
        mal.forEach((o, i) => { o.update = crafted[i]; });
      }
      for (const o of done) {
        const c = o.client;
        const u = await transport.send({ direction: 'up', client: c, round: r, payload: encodeFloats(o.update) });
        bytesUp += u.wireBytes;
        if (u.refused) { failed.push({ client: c, reason: 'refused', detail: u.refused }); continue; }
        const t = clientTime(f, o.work, speeds[c], (downBytes.get(c) ?? 0) + u.wireBytes);
        let update: Float64Array;
        try { update = decodeFloats(u.delivered, `upload from client ${c}`); } catch (e) {
          failed.push({ client: c, reason: 'invalid-update', detail: (e as Error).message }); continue;
        }
        if (update.length !== global.length || update.some((x) => !Number.isFinite(x))) {
          failed.push({ client: c, reason: 'invalid-update', detail: update.length !== global.length ? `${update.length} values, the model has ${global.length}` : 'non-finite values' });
          continue;
        }
        if (f.deadline !== undefined && t > f.deadline) {
          waitedForDeadline = true;
          const delay = Math.ceil(t / f.deadline) - 1;
          if (f.mode === 'fedbuff' && delay <= (f.maxStaleness ?? 10)) {
            inflight.push({ client: c, arrival: r + delay, staleness: delay, update: Array.from(update), numExamples: o.numExamples, loss: o.loss });
            failed.push({ client: c, reason: 'straggler', detail: `buffered: arrives in round ${r + delay}` });
          } else failed.push({ client: c, reason: 'straggler', detail: `needs ${t.toFixed(3)} s, deadline ${f.deadline} s` });
          continue;
        }
        roundTime = Math.max(roundTime, t);
        clientLoss[String(c)] = o.loss;
        fresh.push({ client: c, update, numExamples: o.numExamples, loss: o.loss, staleness: 0, malicious: spec.malicious[c] });
      }
    }
    // Buffered late updates that arrive now, down-weighted by their staleness.
    const arriving = inflight.filter((x) => x.arrival === r);
    inflight = inflight.filter((x) => x.arrival > r);
    const stale: FitResult[] = arriving.map((x) => {
      const w = stalenessWeight(x.staleness);
      return { client: x.client, update: Float64Array.from(x.update, (v) => v * w), numExamples: x.numExamples, loss: x.loss, staleness: x.staleness };
    });
    const results: FitResult[] = [...fresh.map(({ malicious: _m, ...rest }) => rest), ...stale].sort((a, b) => a.client - b.client);
    if (waitedForDeadline && f.deadline !== undefined) roundTime = Math.max(roundTime, f.deadline);
    clock += roundTime;
    let skipReason: string | null = sel.skip ?? null, accepted: number[] = [], info: Record<string, number> = {}, evalSeconds = 0;
    if (!skipReason) {
      const agg = spec.strategy.aggregate({ round: r, global }, results, failed);
      if (agg.kind === 'skip') skipReason = agg.reason;
      else {
        global = agg.params; accepted = agg.accepted; info = agg.info;
        const te = performance.now(), ce = cpuNow();
        last = evaluateGlobal(evalModel, global, spec.test, spec.backdoorTest, C);
        evalSeconds = (performance.now() - te) / 1000;
        evalCpu = cpuNow() - ce;
      }
    }
    const rec: RoundRecord = {
      round: r, ...last, participants: results.length, failures: failed.length, skipped: skipReason !== null, skip_reason: skipReason,
      selected: sel.clients, accepted, failed, unavailable, malicious_participants: fresh.filter((x) => x.malicious).length, stale_updates: stale.length,
      client_loss: clientLoss, bytes_up: bytesUp, bytes_down: bytesDown, sim_seconds: roundTime, sim_clock: clock,
      seconds: (performance.now() - t0) / 1000, client_seconds: clientSeconds, cut_clients: cutClients, cut_shots: cutShots, cut_evaluations: cutEvaluations, eval_seconds: evalSeconds, cpu: { round: cpuNow() - cpu0, clients: clientCpu, eval: evalCpu }, info,
    };
    rounds.push(rec);
    await opts.onRound?.(rec, { round: r, global: Array.from(global), strategy: spec.strategy.state(), inflight, clock });
  }
  return { rounds, params: global, initial };
}
