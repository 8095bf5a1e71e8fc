/**
 * Federated learning across machines over plain NATS request/reply. Each client process
 * (`qml6g fl-client`) holds its own data file and answers on `fl.<run>.client.<id>.<op>`:
 *   meta   → rows and class counts, after checking its columns and classes against the server's;
 *   stats1 / stats2 / stats3 → the sufficient statistics of the three preprocessing exchanges
 *            (src/federated/preprocess.ts), so the server fits the pipeline without seeing a row;
 *   setup  → the fitted pipeline and the client's training spec: the client transforms its rows;
 *   train  → global parameters + round seed → trainLocal's update, loss and work.
 * The coordinator (`qml6g federate --nats`) runs the same engine as the in-process simulation with
 * a pool whose `run` sends `train` requests: the same seeds reach the same pure trainLocal, so a run
 * with every client alive gives the simulation's numbers. A client that does not answer within the
 * per-request timeout (killed, unreachable) is a failed client in that round's record, handled by
 * the strategy's quorum policy like any other failure.
 *
 * @example
 * import { connectNats, serveFlClient, runRemoteFederated } from 'qml6g';
 * // client machine: const nc = await connectNats(url); await serveFlClient(nc, { run: 'r1', id: 0, data }).closed;
 * // server:         const res = await runRemoteFederated(await connectNats(url), cfg, { run: 'r1' });
 */
import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import { QmlError } from '../core/errors.js';
import { trainLocal, type ClientData, type ClientSpec, type LocalResult, type LocalTask } from '../federated/client.js';
import { simulate, type RoundRecord } from '../federated/engine.js';
import { checkFederateConfig, clientSpecs, pipelineConfigFor, sharedSplit, toClientData, type FederateConfig, type RunRecord } from '../federated/experiment.js';
import type { LocalFailure } from '../federated/pool.js';
import { columnStats, featureStats, fitPhase1, fitPhase2, fitPhase3, projectionStats, type ColumnStats, type FeatureStats, type ProjectionStats } from '../federated/preprocess.js';
import { subSeed } from '../federated/seeds.js';
import { makeStrategy } from '../federated/strategies/index.js';
import type { FitInstructions } from '../federated/strategy.js';
import { createModel, isQuantumType } from '../qml/models/registry.js';
import { Pipeline, type PipelineState } from '../qml/pipeline.js';
import { selectRows, type LabeledData } from '../qml/table.js';
import { version } from '../core/version.js';

const enc = new TextEncoder(), dec = new TextDecoder();
const b64 = (v: Float64Array): string => Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
function floats(s: string, where: string): Float64Array {
  const b = Buffer.from(s, 'base64');
  if (b.length % 8) throw new QmlError(`${b.length} bytes is not a vector of doubles`, where);
  const out = new Float64Array(b.length / 8);
  new Uint8Array(out.buffer).set(b);
  return out;
}

export const flSubject = (run: string, id: number, op: string) => `fl.${run}.client.${id}.${op}`;

function checkRunName(run: string): void {
  if (!/^[A-Za-z0-9_-]+$/.test(run)) throw new QmlError(`run name "${run}" must be letters, digits, - or _ (it is part of a NATS subject)`, '--run');
}

/** A client's data checked against the server's columns and classes, its labels mapped to the server's class order. */
export function alignClientData(d: LabeledData, columns: string[], classes: string[]): LabeledData {
  const got = d.table.columns.map((c) => `${c.name}:${c.kind}`);
  if (got.join(',') !== columns.join(',')) {
    const j = columns.findIndex((c, i) => got[i] !== c);
    throw new QmlError(`client data does not fit: ${got.length} feature columns, the server's data has ${columns.length}${j >= 0 ? `; column ${j} is ${got[j] ?? 'missing'}, the server has ${columns[j]}` : ''}`, 'client data');
  }
  const map = d.classes.map((c) => {
    const i = classes.indexOf(c);
    if (i < 0) throw new QmlError(`client data does not fit: class "${c}" is not one of ${classes.join(', ')}`, 'client data');
    return i;
  });
  return { ...d, classes, labels: Int32Array.from(d.labels, (y) => map[y]) };
}

export interface FlClientOptions { run: string; id: number; data: LabeledData; log?: (s: string) => void }

/**
 * Serves one client's data until the connection closes: its rows never leave this process, only
 * statistics and model updates do. Returns the subscription (unsubscribe to stop).
 */
export function serveFlClient(nc: NatsConnection, opts: FlClientOptions): Subscription {
  checkRunName(opts.run);
  if (!Number.isInteger(opts.id) || opts.id < 0) throw new QmlError(`client id must be a non-negative integer, got ${opts.id}`, '--id');
  let aligned: LabeledData | null = null, C = 0;
  let prepared: { data: ClientData; spec: ClientSpec } | null = null;
  const need = () => { if (!aligned) throw new QmlError('the server has not sent meta yet'); return aligned; };
  const handle = (op: string, body: Record<string, unknown>): unknown => {
    switch (op) {
      case 'meta': {
        aligned = alignClientData(opts.data, body.columns as string[], body.classes as string[]);
        C = (body.classes as string[]).length;
        prepared = null;
        const counts = new Array<number>(C).fill(0);
        for (const y of aligned.labels) counts[y]++;
        return { rows: aligned.table.rows, class_counts: counts };
      }
      case 'stats1': return columnStats(need().table);
      case 'stats2': return featureStats(need(), Pipeline.fromJSON(body.identity), C);
      case 'stats3': return projectionStats(need().table, Pipeline.fromJSON(body.projection));
      case 'setup': {
        prepared = { data: toClientData(Pipeline.fromJSON(body.pipeline), need()), spec: body.spec as ClientSpec };
        return { rows: prepared.data.rows, cols: prepared.data.cols };
      }
      case 'train': {
        if (!prepared) throw new QmlError('the server has not sent setup yet');
        const task: LocalTask = {
          client: opts.id, round: body.round as number, seed: body.seed as number, numClasses: C, spec: prepared.spec, data: prepared.data,
          global: floats(body.global as string, 'global parameters'), instructions: body.instructions as FitInstructions,
        };
        const r = trainLocal(task);
        opts.log?.(`round ${task.round}: trained on ${r.numExamples} rows, loss ${r.loss.toFixed(4)}`);
        return { update: b64(r.update), numExamples: r.numExamples, loss: r.loss, work: r.work, seconds: r.seconds, cut: r.cut };
      }
      default: throw new QmlError(`unknown operation "${op}"`);
    }
  };
  return nc.subscribe(`fl.${opts.run}.client.${opts.id}.*`, {
    callback: (err: Error | null, m: Msg) => {
      if (err) return;
      const op = m.subject.slice(m.subject.lastIndexOf('.') + 1);
      let reply: unknown;
      try {
        reply = { ok: handle(op, m.data.length ? JSON.parse(dec.decode(m.data)) as Record<string, unknown> : {}) };
      } catch (e) {
        reply = { error: e instanceof QmlError ? e.oneLine() : (e as Error).message };
      }
      m.respond(enc.encode(JSON.stringify(reply)));
    },
  });
}

async function ask<T>(nc: NatsConnection, run: string, id: number, op: string, body: unknown, timeoutMs: number): Promise<T> {
  let m: Msg;
  try {
    m = await nc.request(flSubject(run, id, op), enc.encode(JSON.stringify(body)), { timeout: timeoutMs });
  } catch (e) {
    const msg = (e as Error).message;
    throw new QmlError(/no responders|503/i.test(msg) ? 'no client is listening' : /timeout/i.test(msg) ? `no answer within ${timeoutMs / 1000} s` : msg, `client ${id} (${op})`);
  }
  const r = JSON.parse(dec.decode(m.data)) as { ok?: T; error?: string };
  if (r.error !== undefined) throw new QmlError(r.error, `client ${id} (${op})`);
  return r.ok as T;
}

/** The engine's pool over NATS: one `train` request per task, in parallel; a silent client is a failure. */
export class NatsClientPool {
  constructor(private nc: NatsConnection, private runName: string, private timeoutMs: number) {}
  async run(tasks: readonly LocalTask[]): Promise<Array<LocalResult | LocalFailure>> {
    return Promise.all(tasks.map(async (t): Promise<LocalResult | LocalFailure> => {
      try {
        const r = await ask<{ update: string; numExamples: number; loss: number; work: number; seconds: number; cut: LocalResult['cut'] }>(
          this.nc, this.runName, t.client, 'train', { round: t.round, seed: t.seed, global: b64(t.global), instructions: t.instructions }, this.timeoutMs);
        return { client: t.client, update: floats(r.update, `update of client ${t.client}`), numExamples: r.numExamples, loss: r.loss, work: r.work, seconds: r.seconds, cut: r.cut };
      } catch (e) {
        if (e instanceof QmlError) return { client: t.client, error: e.oneLine() };
        throw e;
      }
    }));
  }
}

export interface RemoteOptions { run: string; timeoutMs?: number; log?: (s: string) => void; onRound?: (rec: RunRecord) => void | Promise<void> }

export interface RemoteResults {
  format: 'qml6g-federate-nats';
  run: string;
  dataset: string;
  classes: string[];
  client_rows: number[];
  runs: RunRecord[];
  config: FederateConfig;
  seed: number;
  version: string;
  seconds: number;
}

/**
 * The coordinator: the shared test and root sets from `cfg.data` (split as the simulation splits
 * them), the pipeline from the clients' statistics, then every strategy through the engine with
 * training on the remote clients. Byzantine attacks, secure aggregation and DP stay in the simulation.
 */
export async function runRemoteFederated(nc: NatsConnection, cfg: FederateConfig, opts: RemoteOptions): Promise<RemoteResults> {
  checkRunName(opts.run);
  checkFederateConfig(cfg);
  if (cfg.attacks.some((a) => a !== 'none')) throw new QmlError('Byzantine attacks are simulated in-process; with --nats the clients are real (use --attacks none)', '--attacks');
  if (cfg.secureAgg || cfg.dp) throw new QmlError('--secure-agg and --dp run in the in-process simulation, not yet over --nats', '--nats');
  const t0 = performance.now();
  const timeoutMs = opts.timeoutMs ?? 30_000, log = opts.log ?? (() => {});
  const { C, data, test: testIdx, rootIdx, trainData } = sharedSplit(cfg);
  const ids = Array.from({ length: cfg.clients }, (_, i) => i);
  const all = <T>(op: string, body: (id: number) => unknown) => Promise.all(ids.map((id) => ask<T>(nc, opts.run, id, op, body(id), timeoutMs)));
  // Before training every client must answer: the pipeline is fitted from all of them.
  const meta = await all<{ rows: number; class_counts: number[] }>('meta', () => ({ columns: data.table.columns.map((c) => `${c.name}:${c.kind}`), classes: data.classes }));
  log(`${cfg.clients} clients answered: ${meta.map((m) => m.rows).join(', ')} rows`);
  const pc = pipelineConfigFor(cfg.model);
  const p1 = fitPhase1(await all<ColumnStats[]>('stats1', () => ({})), pc, C);
  const p2 = fitPhase2(p1, await all<FeatureStats>('stats2', () => ({ identity: p1.identity.toJSON() })));
  const pipeline = fitPhase3(p2, await all<ProjectionStats>('stats3', () => ({ projection: p2.projection.toJSON() })));
  const specs = clientSpecs({ config: cfg });
  const shapes = await all<{ rows: number; cols: number }>('setup', (id) => ({ pipeline: pipeline.toJSON() as PipelineState, spec: specs[id] }));
  log(`pipeline fitted from client statistics: ${pipeline.outputDim} features`);
  const test = toClientData(pipeline, selectRows(data, testIdx));
  const root = toClientData(pipeline, selectRows(trainData, [...rootIdx].sort((a, b) => a - b)));
  // The engine checks shapes only; the rows themselves stay on the clients.
  const remoteData: ClientData[] = shapes.map((s) => ({ X: new Float64Array(0), rows: s.rows, cols: s.cols, y: new Int32Array(0) }));
  const plannedClients = Math.max(cfg.policy?.minFitClients ?? 2, Math.ceil((cfg.policy?.fractionFit ?? 1) * cfg.clients));
  const f = Math.round(cfg.malicious * plannedClients);
  const pool = new NatsClientPool(nc, opts.run, timeoutMs);
  const runs: RunRecord[] = [];
  for (const name of cfg.strategies) {
    const strategy = makeStrategy(name, {
      policy: cfg.policy, f, plannedClients, mu: cfg.mu, serverLr: cfg.serverLr,
      rootUpdate: (global, round) => trainLocal({ client: -1, round, seed: subSeed(cfg.seed, round, 0x7007), numClasses: C, spec: specs[0], data: root, global, instructions: { proxMu: 0 } }).update,
    });
    const model = createModel(cfg.model, test.cols, C, cfg.seed);
    const quantum = isQuantumType(cfg.model.type);
    const rec: RunRecord = { strategy: name, attack: 'none', malicious_fraction: 0, final_accuracy: null, backdoor_success: null, status: 'running', rounds: [], initial: null };
    runs.push(rec);
    const out = await simulate({
      rounds: cfg.rounds, seed: subSeed(cfg.seed, 0xf1), numClasses: C, model: cfg.model, clients: specs, data: remoteData, malicious: ids.map(() => false), attack: null,
      strategy, test, backdoorTest: null, faults: cfg.faults, init: Float64Array.from(model.params),
      headOffset: quantum && model.headOffset !== undefined ? model.headOffset : model.params.length, pool,
    }, {
      onRound: async (r: RoundRecord) => {
        rec.rounds.push(r);
        const fails = r.failed.map((x) => `client ${x.client}: ${x.detail ?? x.reason}`).join('; ');
        log(`[${name}] round ${r.round}/${cfg.rounds}: accuracy ${(100 * r.accuracy).toFixed(1)}%, ${r.participants} participants, ${r.failures} failed${fails ? ` (${fails})` : ''}`);
        await opts.onRound?.(rec);
      },
    });
    rec.initial = out.initial;
    rec.final_accuracy = rec.rounds.length ? rec.rounds[rec.rounds.length - 1].accuracy : out.initial.accuracy;
    rec.status = 'complete';
  }
  return {
    format: 'qml6g-federate-nats', run: opts.run, dataset: cfg.data, classes: data.classes, client_rows: meta.map((m) => m.rows), runs, config: cfg,
    seed: cfg.seed, version: version(), seconds: (performance.now() - t0) / 1000,
  };
}
