/**
 * Federated learning across machines over plain NATS request/reply. Each client process
 * (`qml6g fl-client`) holds its own data file and answers on `fl.<run>.client.<id>.<op>`:
 *   meta   → rows and class counts, after checking its columns and classes against the server's
 *            (and, in a red-team run, poisoning its own rows as the coordinator names it malicious);
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
import {
  backdoorTestSet, checkFederateConfig, clientSpecs, federationTrigger, maliciousClients, pipelineConfigFor, poisonSetup, runAttacks, runWithInputs, sharedSplit, toClientData,
  type FederateConfig, type Federation, type RunInputs, type RunRecord,
} from '../federated/experiment.js';
import { byzantineAttack } from '../federated/byzantine/index.js';
import type { ByzantineAttack, PoisonSetup } from '../federated/byzantine/attack.js';
import type { LocalFailure } from '../federated/pool.js';
import { columnStats, featureStats, fitPhase1, fitPhase2, fitPhase3, projectionStats, type ColumnStats, type FeatureStats, type ProjectionStats } from '../federated/preprocess.js';
import type { FitInstructions } from '../federated/strategy.js';
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
        // A red-team run: the coordinator names this client malicious and the poisoning it applies to its own rows.
        const poison = body.poison as { attack: string; setup: PoisonSetup } | undefined;
        if (poison) {
          const attack = byzantineAttack(poison.attack);
          if (!attack?.poison) throw new QmlError(`"${poison.attack}" is not an attack on a client's rows`);
          aligned = attack.poison(aligned, poison.setup);
          opts.log?.(`poisoned its rows (${poison.attack}) for this run`);
        }
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
 * Refuses what cannot be true over real links: secure aggregation simulated at the server would
 * show it every update in the clear (the masking has to run on the client machines), and the
 * simulated secure channel is no channel between processes. DP with server noise (a trusted
 * aggregator clips and noises) and Byzantine clients (red-team: the coordinator crafts the updates
 * of the clients it names malicious, which poison their own rows when the attack says so) hold.
 */
export function checkRemoteConfig(cfg: FederateConfig, run: string): void {
  checkRunName(run);
  checkFederateConfig(cfg);
  if (cfg.secureAgg) throw new QmlError('secure aggregation over --nats would need the masking on the client machines; fl-client sends plain updates, so the coordinator would see each one (run --secure-agg in the simulation)', '--secure-agg');
  if (cfg.clientFiles) throw new QmlError('with --nats each client reads its own file (qml6g fl-client --data FILE); --client-files is for the simulation', '--client-files');
}

/**
 * The federation of real client processes: the shared test and root sets from `cfg.data` (split as
 * the simulation splits them), then, for each run, the three statistics exchanges that fit the
 * pipeline without a row leaving its client, and the set-up of each client's training spec.
 */
export async function remoteFederation(nc: NatsConnection, cfg: FederateConfig, opts: Omit<RemoteOptions, 'onRound'>): Promise<Federation> {
  checkRemoteConfig(cfg, opts.run);
  const timeoutMs = opts.timeoutMs ?? 30_000, log = opts.log ?? (() => {});
  const { C, data, test: testIdx, rootIdx, trainData, pool: shared } = sharedSplit(cfg);
  const ids = Array.from({ length: cfg.clients }, (_, i) => i);
  const all = <T>(op: string, body: (id: number) => unknown) => Promise.all(ids.map((id) => ask<T>(nc, opts.run, id, op, body(id), timeoutMs)));
  const columns = data.table.columns.map((c) => `${c.name}:${c.kind}`);
  const malicious = maliciousClients(cfg);
  const view = { config: cfg, trigger: federationTrigger(cfg, shared), test: selectRows(data, testIdx) };
  const root = selectRows(trainData, [...rootIdx].sort((a, b) => a - b));
  const pc = pipelineConfigFor(cfg.model);
  /** One exchange: meta (with each malicious client's poisoning), the three statistics rounds, the pipeline. */
  const fit = async (attack: ByzantineAttack | null) => {
    const poison = (id: number) => (attack?.poison && malicious[id] ? { attack: attack.name, setup: poisonSetup(view) } : undefined);
    const meta = await all<{ rows: number; class_counts: number[] }>('meta', (id) => ({ columns, classes: data.classes, poison: poison(id) }));
    const p1 = fitPhase1(await all<ColumnStats[]>('stats1', () => ({})), pc, C);
    const p2 = fitPhase2(p1, await all<FeatureStats>('stats2', () => ({ identity: p1.identity.toJSON() })));
    const pipeline = fitPhase3(p2, await all<ProjectionStats>('stats3', () => ({ projection: p2.projection.toJSON() })));
    return { meta, pipeline };
  };
  // Before anything trains every client must answer: the pipeline is fitted from all of them.
  const clean = await fit(null);
  log(`${cfg.clients} clients answered: ${clean.meta.map((m) => m.rows).join(', ')} rows; pipeline fitted from their statistics: ${clean.pipeline.outputDim} features`);
  const inputs = async (attack: ByzantineAttack | null): Promise<RunInputs> => {
    const { pipeline } = attack?.poison ? await fit(attack) : await fit(null);
    const bad = attack ? malicious : malicious.map(() => false);
    let specs = clientSpecs({ config: cfg });
    if (attack?.device) specs = specs.map((s, i) => (bad[i] ? attack.device!(s) : s));
    const shapes = await all<{ rows: number; cols: number }>('setup', (id) => ({ pipeline: pipeline.toJSON() as PipelineState, spec: specs[id] }));
    return {
      // The engine checks shapes only; the rows themselves stay on the clients.
      data: shapes.map((x) => ({ X: new Float64Array(0), rows: x.rows, cols: x.cols, y: new Int32Array(0) })), specs, malicious: bad,
      test: toClientData(pipeline, view.test), root: toClientData(pipeline, root), backdoorTest: backdoorTestSet(view, pipeline, attack), rowsHere: false,
    };
  };
  const pool = new NatsClientPool(nc, opts.run, timeoutMs);
  return {
    config: cfg, numClasses: C, classes: data.classes, malicious, notes: data.notes,
    label_histogram: clean.meta.map((m) => m.class_counts), clientRows: clean.meta.map((m) => m.rows), testRows: view.test.table.rows, rootRows: root.table.rows,
    features: clean.pipeline.outputDim,
    central: () => null,
    run: async (strategy, attackName, runOpts) => {
      const attack = runOpts.attackOverride !== undefined ? runOpts.attackOverride : byzantineAttack(attackName);
      return runWithInputs({ config: cfg, numClasses: C }, await inputs(attack), strategy, attackName, attack, { ...runOpts, pool });
    },
  };
}

/** Every strategy × attack of `cfg` on the remote clients, one after the other (the job runner's `federate --nats` adds resume and the report). */
export async function runRemoteFederated(nc: NatsConnection, cfg: FederateConfig, opts: RemoteOptions): Promise<RemoteResults> {
  const t0 = performance.now();
  const fed = await remoteFederation(nc, cfg, opts);
  const log = opts.log ?? (() => {});
  const runs: RunRecord[] = [];
  for (const name of cfg.strategies) for (const attack of runAttacks(cfg)) {
    const done = await fed.run(name, attack, {
      onRound: async (rec) => {
        const r = rec.rounds[rec.rounds.length - 1];
        const fails = r.failed.map((x) => `client ${x.client}: ${x.detail ?? x.reason}`).join('; ');
        log(`[${name} × ${attack}] round ${r.round}/${cfg.rounds}: accuracy ${(100 * r.accuracy).toFixed(1)}%, ${r.participants} participants, ${r.failures} failed${fails ? ` (${fails})` : ''}`);
        await opts.onRound?.(rec);
      },
    });
    runs.push(done);
  }
  return {
    format: 'qml6g-federate-nats', run: opts.run, dataset: cfg.data, classes: fed.classes, client_rows: fed.clientRows, runs, config: cfg,
    seed: cfg.seed, version: version(), seconds: (performance.now() - t0) / 1000,
  };
}
