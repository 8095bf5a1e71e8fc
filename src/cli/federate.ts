/**
 * `qml6g federate`: federated training of a detector across simulated edge clients, for every
 * strategy × attack asked for (the attack-free run always included), with faults, a central
 * reference, a progress line per round on stderr, results.json written after every round
 * (--resume continues), CSV tables and an HTML report. With --json the last line printed is
 * {"runs": [{strategy, attack, malicious_fraction, final_accuracy, backdoor_success, rounds: [...]}],
 *  "centralized_accuracy", "config", "seed", "version", "seconds"}.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { QmlError } from '../core/errors.js';
import { runJob, type JobStep } from '../core/job.js';
import { readConfigFile } from '../assess/config.js';
import { checkModelType, type ModelSpec } from '../qml/models/registry.js';
import { STRATEGY_NAMES } from '../federated/strategies/index.js';
import { BYZANTINE_ATTACK_NAMES } from '../federated/byzantine/index.js';
import { PARTITION_KINDS, type PartitionKind } from '../federated/partition.js';
import {
  checkFederateConfig, defaultFederateConfig, localFederation, prepareFederation, runAttacks, type FederateConfig, type Federation, type RunRecord,
} from '../federated/experiment.js';
import type { FaultConfig } from '../federated/faults.js';
import { parseDpSpec, type SecureAggConfig } from '../federated/privacy/private-strategy.js';
import { ClientPool } from '../federated/pool.js';
import { connectNats } from '../cluster/connect.js';
import { checkRemoteConfig, remoteFederation } from '../cluster/fl.js';
import { summariseFederated, writeFederatedReport, writeFederatedTables, type FederatedResults } from '../report/federated.js';
import { storeRecorder } from '../store/job-recorder.js';
import type { MetricPoint } from '../store/store.js';
import { parseArgs, usage, type Flags } from './args.js';
import { dataFlags } from './data-args.js';
import { info, printJson, printLine } from './io.js';
import { channelConfigFromFlags, channelFlags, channelForRun, type ChannelOptions } from './federate-channel.js';

const flags: Flags = {
  ...dataFlags,
  model: { type: 'string', help: `gradient model: vqc | reupload | hybrid | mlp | logreg`, default: 'vqc' },
  qubits: { type: 'int', help: 'qubits of a quantum model', default: 8 },
  layers: { type: 'int', help: 'ansatz layers of a quantum model', default: 2 },
  clients: { type: 'int', help: 'number of clients', default: 10 },
  rounds: { type: 'int', help: 'federated rounds', default: 20 },
  'local-epochs': { type: 'int', help: 'local epochs per round', default: 1 },
  'batch-size': { type: 'int', help: 'local mini-batch size', default: 16 },
  lr: { type: 'number', help: 'local learning rate (default 0.05 quantum, 0.01 classical)' },
  optimizer: { type: 'string', help: 'local optimiser: adam | sgd', default: 'adam' },
  partition: { type: 'string', help: PARTITION_KINDS.join(' | '), default: 'iid' },
  alpha: { type: 'number', help: 'Dirichlet concentration α > 0 (partition dirichlet)' },
  'classes-per-client': { type: 'int', help: 'classes per client (partition classes)', default: 1 },
  power: { type: 'number', help: 'power-law exponent of client sizes (partition quantity)', default: 1 },
  'partition-column': { type: 'string', help: 'column whose values group the rows (partition column)' },
  'client-files': { type: 'string', help: "comma-separated: each client's own data file (same columns as --data, which then gives the test and root sets)" },
  strategies: { type: 'string', help: `comma-separated: ${STRATEGY_NAMES.join(', ')}`, default: 'fedavg' },
  attacks: { type: 'string', help: `comma-separated: ${BYZANTINE_ATTACK_NAMES.join(', ')} (none is always run)`, default: 'none' },
  malicious: { type: 'number', help: 'fraction of malicious clients (also the f the robust rules assume)', default: 0.2 },
  dropout: { type: 'number', help: 'probability that a selected client drops out of a round', default: 0 },
  deadline: { type: 'number', help: 'round deadline in simulated seconds (stragglers past it are late)' },
  'speed-sigma': { type: 'number', help: 'σ of the log-normal client speeds', default: 0 },
  async: { type: 'boolean', help: 'buffered asynchronous mode (FedBuff): late updates are applied later, staleness-weighted' },
  links: { type: 'string', help: 'intermittent links as pDown,pUp (two-state Markov chain per client)' },
  cut: { type: 'string', help: 'network partitions: FRACTION@FROM-TO[,...], e.g. 0.33@5-9' },
  'min-fit': { type: 'int', help: 'minimum clients per round (quorum)', default: 2 },
  'min-available': { type: 'int', help: 'minimum reachable clients to start a round', default: 2 },
  'min-results': { type: 'number', help: 'fraction of the selected clients whose results a round needs', default: 0 },
  'fraction-fit': { type: 'number', help: 'fraction of the available clients sampled per round', default: 1 },
  'reject-failures': { type: 'boolean', help: 'skip any round in which a client failed' },
  mu: { type: 'number', help: 'FedProx proximal coefficient μ', default: 0.1 },
  'server-lr': { type: 'number', help: 'server learning rate (FedAvg/FedAvgM 1, FedAdam/Yogi/Adagrad 0.1)' },
  devices: { type: 'string', help: 'quantum devices: exact | shots | nisq (each its own noise level)', default: 'exact' },
  'device-qubits': { type: 'string', help: "qubits of the clients' devices: N, or N1,N2,... one per client; narrower than the model → training through circuit cutting" },
  'secure-agg': { type: 'string', help: 'secure aggregation: secagg (Bonawitz et al. 2017) | secagg+ (Bell et al. 2020); the server sees only the sum' },
  'secure-agg-clip': { type: 'number', help: 'L2 norm each client clips its update to before masking (without --dp)', default: 1 },
  'secure-agg-threshold': { type: 'int', help: 'Shamir threshold t (default: a majority of the share holders)' },
  'secure-agg-degree': { type: 'int', help: 'SecAgg+ graph degree k (even; default 2⌈log₂ n⌉)' },
  dp: { type: 'string', help: 'DP-FedAvg: noise=Z,clip=S,delta=D[,adaptive] (client-level, Rényi accountant)' },
  'root-rows': { type: 'int', help: "rows of the server's clean root set (FLTrust)", default: 100 },
  nats: { type: 'string', help: 'train on real clients across machines: qml6g fl-client --nats URL --id K --data FILE, one per client' },
  run: { type: 'string', help: 'with --nats: the run name the clients were started with', default: 'default' },
  'client-timeout': { type: 'number', help: 'with --nats: seconds a client may take to answer before it counts as failed', default: 30 },
  'test-fraction': { type: 'number', help: 'fraction of the rows held out as the global test set', default: 0.2 },
  threads: { type: 'int', help: 'worker threads training clients (results do not depend on it)', default: Math.max(1, Math.min(4, os.availableParallelism?.() ?? 2)) },
  seed: { type: 'int', help: 'random seed', default: 0 },
  config: { type: 'string', help: 'a YAML or JSON file of options (keys as in results.json "config"); flags override it' },
  quick: { type: 'boolean', help: 'a small, fast run: 2,000 rows, 5 rounds, 4 qubits' },
  out: { type: 'string', help: 'output folder', default: 'qml6g-federate' },
  resume: { type: 'boolean', help: 'continue an interrupted run in the same folder with the same options' },
  json: { type: 'boolean', help: 'print the results as one JSON object (last line)' },
  help: { type: 'boolean', help: 'show this help' },
  ...channelFlags,
};

/** --secure-agg and its companions → the secure-aggregation configuration (validated). */
function secureAggFromFlags(f: Record<string, unknown>): SecureAggConfig {
  const variant = f['secure-agg'] as string;
  if (variant !== 'secagg' && variant !== 'secagg+') throw new QmlError(`unknown secure aggregation "${variant}" (secagg, secagg+)`, '--secure-agg');
  const clip = f['secure-agg-clip'] as number;
  if (!(clip > 0)) throw new QmlError(`must be > 0, got ${clip}`, '--secure-agg-clip');
  return { variant, clip, ...(f['secure-agg-threshold'] !== undefined ? { threshold: f['secure-agg-threshold'] as number } : {}), ...(f['secure-agg-degree'] !== undefined ? { degree: f['secure-agg-degree'] as number } : {}) };
}

function list(v: unknown): string[] {
  return String(v).split(',').map((x) => x.trim()).filter(Boolean);
}

function parseCut(s: string): NonNullable<FaultConfig['partitions']> {
  return list(s).map((part) => {
    const m = /^([0-9.]+)@(\d+)-(\d+)$/.exec(part);
    if (!m) throw new QmlError(`"${part}" is not FRACTION@FROM-TO (e.g. 0.33@5-9)`, '--cut');
    return { fraction: Number(m[1]), from: Number(m[2]), to: Number(m[3]) };
  });
}

const CONFIG_KEYS = new Set(Object.keys(defaultFederateConfig()).concat(['deviceQubits', 'label', 'drop', 'format', 'maxRows', 'clientFiles', 'localSteps', 'alpha', 'classesPerClient', 'power', 'partitionColumn', 'policy', 'mu', 'serverLr', 'trigger', 'secureAgg', 'dp']));

/** The configuration: defaults, then --config, then flags given on the command line. */
export function federateConfigFromArgs(argv: string[]): { cfg: FederateConfig; out: string; threads: number; json: boolean; resume: boolean; help: boolean; channel?: ChannelOptions } {
  const a = parseArgs(argv, flags, 'federate');
  const given = new Set(argv.filter((x) => x.startsWith('--')).map((x) => x.slice(2).split('=')[0]));
  const f = a.flags;
  if (f.help) return { cfg: defaultFederateConfig(), out: '', threads: 1, json: false, resume: false, help: true };
  if (a.positional.length) throw new QmlError(`unexpected argument "${a.positional[0]}"`);
  let cfg: FederateConfig = defaultFederateConfig();
  if (f.quick) cfg = { ...cfg, maxRows: 2000, rounds: 5, model: { type: 'vqc', qubits: 4, layers: 2 } };
  if (f.config) {
    const file = readConfigFile(f.config as string);
    for (const k of Object.keys(file)) if (!CONFIG_KEYS.has(k)) throw new QmlError(`unknown key "${k}" (known: ${[...CONFIG_KEYS].join(', ')})`, path.basename(f.config as string));
    cfg = { ...cfg, ...(file as Partial<FederateConfig>) };
  }
  const pick = <T>(flag: string, key: keyof FederateConfig, v: T = f[flag] as T) => { if (given.has(flag) || (!f.config && !f.quick && f[flag] !== undefined)) (cfg as unknown as Record<string, unknown>)[key] = v; };
  if (given.has('data') || !f.config) cfg.data = (f.data as string | undefined) ?? cfg.data;
  if (f.label !== undefined) cfg.label = f.label as string;
  if (f.drop !== undefined) cfg.drop = list(f.drop);
  if (given.has('format')) cfg.format = f.format as FederateConfig['format'];
  if (f['max-rows'] !== undefined) cfg.maxRows = f['max-rows'] as number;
  const modelType = given.has('model') || (!f.config && !f.quick) ? checkModelType(f.model as string) : cfg.model.type;
  if (given.has('model') || given.has('qubits') || given.has('layers') || (!f.config && !f.quick)) {
    const base: ModelSpec = { type: modelType };
    if (modelType === 'vqc' || modelType === 'reupload' || modelType === 'hybrid') { base.qubits = given.has('qubits') || !f.quick ? f.qubits as number : cfg.model.qubits; base.layers = f.layers as number; }
    cfg.model = base;
  }
  pick('clients', 'clients'); pick('rounds', 'rounds'); pick('local-epochs', 'localEpochs'); pick('batch-size', 'batchSize');
  pick('optimizer', 'optimizer'); pick('partition', 'partition'); pick('malicious', 'malicious'); pick('mu', 'mu'); pick('devices', 'devices');
  pick('root-rows', 'rootRows'); pick('test-fraction', 'testFraction'); pick('seed', 'seed');
  if (f['device-qubits'] !== undefined) {
    const ks = list(f['device-qubits']).map((x) => { if (!/^\d+$/.test(x)) throw new QmlError(`"${x}" is not a qubit count`, '--device-qubits'); return Number(x); });
    cfg.deviceQubits = ks.length === 1 ? ks[0] : ks;
  }
  if (f.alpha !== undefined) cfg.alpha = f.alpha as number;
  if (given.has('classes-per-client') || cfg.partition === 'classes') cfg.classesPerClient ??= f['classes-per-client'] as number;
  if (given.has('classes-per-client')) cfg.classesPerClient = f['classes-per-client'] as number;
  if (given.has('power') || cfg.partition === 'quantity') cfg.power = given.has('power') ? f.power as number : cfg.power ?? (f.power as number);
  if (f['partition-column'] !== undefined) cfg.partitionColumn = f['partition-column'] as string;
  if (f['client-files'] !== undefined) { cfg.clientFiles = list(f['client-files']); if (!given.has('clients')) cfg.clients = cfg.clientFiles.length; }
  if (f['server-lr'] !== undefined) cfg.serverLr = f['server-lr'] as number;
  if (given.has('strategies') || !f.config) cfg.strategies = list(f.strategies);
  if (given.has('attacks') || !f.config) cfg.attacks = list(f.attacks);
  const classical = cfg.model.type === 'mlp' || cfg.model.type === 'logreg';
  if (f.lr !== undefined) cfg.lr = f.lr as number;
  else if (!f.config) cfg.lr = classical ? 0.01 : 0.05;
  // Faults and policy from flags add to those of a config file.
  const faults: FaultConfig = { ...cfg.faults };
  if (given.has('dropout') || faults.dropout === undefined) { if ((f.dropout as number) > 0 || given.has('dropout')) faults.dropout = f.dropout as number; }
  if (f.deadline !== undefined) faults.deadline = f.deadline as number;
  if (given.has('speed-sigma') || (f['speed-sigma'] as number) > 0) faults.speedSigma = f['speed-sigma'] as number;
  if (f.async) faults.mode = 'fedbuff';
  if (f.links !== undefined) {
    const p = list(f.links).map(Number);
    if (p.length !== 2 || p.some((x) => !Number.isFinite(x))) throw new QmlError(`expects pDown,pUp, got "${String(f.links)}"`, '--links');
    faults.links = { pDown: p[0], pUp: p[1] };
  }
  if (f.cut !== undefined) faults.partitions = [...(faults.partitions ?? []), ...parseCut(f.cut as string)];
  cfg.faults = faults;
  const policy = { ...cfg.policy };
  if (given.has('min-fit') || !f.config) policy.minFitClients = f['min-fit'] as number;
  if (given.has('min-available') || !f.config) policy.minAvailableClients = f['min-available'] as number;
  if (given.has('min-results') || !f.config) policy.minResultsFraction = f['min-results'] as number;
  if (given.has('fraction-fit') || !f.config) policy.fractionFit = f['fraction-fit'] as number;
  if (f['reject-failures']) policy.acceptFailures = false;
  cfg.policy = policy;
  if (f['secure-agg'] !== undefined) cfg.secureAgg = secureAggFromFlags(f);
  if (f.dp !== undefined) cfg.dp = parseDpSpec(f.dp as string);
  checkFederateConfig(cfg);
  if (cfg.partition !== 'dirichlet' && given.has('alpha')) info(`note: --alpha applies to --partition dirichlet only (partition is ${cfg.partition as PartitionKind})`);
  const threads = f.threads as number;
  if (!Number.isInteger(threads) || threads < 1) throw new QmlError(`must be a positive integer, got ${threads}`, '--threads');
  return { cfg, out: f.out as string, threads, json: !!f.json, resume: !!f.resume, help: false, channel: channelConfigFromFlags(f, cfg.clients, cfg.seed) };
}

/** The job's working state: how to reach the clients (simulated or over NATS) and, once prepared, the federation. */
interface FederateState { open: () => Promise<Federation>; fed: Federation | null }

/** Store metrics: final accuracy and backdoor success per run. */
export function federateMetrics(record: unknown): MetricPoint[] {
  const res = record as FederatedResults;
  const out: MetricPoint[] = [];
  if (res.centralized_accuracy !== null && res.centralized_accuracy !== undefined) out.push({ key: 'centralized_accuracy', value: res.centralized_accuracy });
  for (const r of res.runs ?? []) {
    if (r.final_accuracy !== null) out.push({ key: `final_accuracy/${r.strategy}/${r.attack}`, value: r.final_accuracy });
    if (r.backdoor_success !== null) out.push({ key: `backdoor_success/${r.strategy}/${r.attack}`, value: r.backdoor_success });
  }
  return out;
}

const pct = (v: number | null | undefined) => (v === null || v === undefined ? '–' : `${(100 * v).toFixed(1)}%`);

/** The job's named steps over one results record (prepare, central, one per run, report). */
export function federateSteps(cfg: FederateConfig, out: string, channel?: ChannelOptions): Array<JobStep<FederatedResults, FederateState>> {
  const steps: Array<JobStep<FederatedResults, FederateState>> = [
    {
      name: 'prepare',
      async run(ctx) {
        const fed = await ctx.state.open();
        ctx.state.fed = fed;
        ctx.record.dataset = fed.config.data;
        ctx.record.classes = fed.classes;
        ctx.record.label_histogram = fed.label_histogram;
        ctx.record.client_rows = fed.clientRows;
        ctx.record.malicious_clients = fed.malicious.flatMap((m, i) => (m ? [i] : []));
        ctx.record.notes = [...fed.notes, `federated preprocessing from client statistics: ${fed.features} features`, `${fed.clientRows.length} clients with ${fed.clientRows.join(', ')} rows; test set ${fed.testRows} rows; server root set ${fed.rootRows} rows`];
        ctx.log(`data ${fed.config.data}: ${fed.classes.length} classes, ${fed.clientRows.reduce((a, n) => a + n, 0)} client rows over ${cfg.clients} clients (${cfg.partition}), ${fed.testRows} test rows`);
      },
    },
    {
      name: 'central',
      restore(ctx) { ctx.record.central = ctx.previous!.central; ctx.record.centralized_accuracy = ctx.previous!.centralized_accuracy; },
      run(ctx) {
        ctx.log(`central reference: ${cfg.model.type} on the union of the clients' rows, ${cfg.rounds * cfg.localEpochs} epochs`);
        const c = ctx.state.fed!.central();
        if (!c) { ctx.record.notes.push('no central reference: the clients\' rows never leave their machines'); ctx.log('no central reference (the rows stay on the clients)'); return; }
        ctx.record.central = c;
        ctx.record.centralized_accuracy = c.accuracy;
        ctx.metric('centralized_accuracy', c.accuracy);
        ctx.log(`central reference accuracy ${pct(c.accuracy)}`);
      },
    },
  ];
  for (const strategy of cfg.strategies) for (const attack of runAttacks(cfg)) {
    const key = (r: RunRecord) => r.strategy === strategy && r.attack === attack;
    steps.push({
      name: `run:${strategy}:${attack}`,
      restore(ctx) {
        const prev = ctx.previous!.runs.find(key);
        if (prev) ctx.record.runs.push(prev);
      },
      async run(ctx) {
        const prev = ctx.previous?.runs.find(key) ?? null;
        const label = `${strategy} × ${attack}`;
        if (prev?.state) ctx.log(`${label}: resuming after round ${prev.state.round}`);
        let slot = ctx.record.runs.length;
        const secure = channel ? await channelForRun(channel, `${strategy}/${attack}`, cfg.clients, prev?.channel) : null;
        try {
        const done = await ctx.state.fed!.run(strategy, attack, {
          resume: prev, transport: secure?.transport,
          onRound: async (rec) => {
            if (secure) rec.channel = secure.record();
            ctx.record.runs[slot] = rec;
            const x = rec.rounds[rec.rounds.length - 1];
            const fails = x.failed.length ? ` (${[...new Set(x.failed.map((f) => f.reason))].join(', ')})` : '';
            ctx.log(`[${label}] round ${x.round}/${cfg.rounds}: ${x.skipped ? `skipped: ${x.skip_reason}; ` : ''}accuracy ${pct(x.accuracy)}, loss ${x.loss.toFixed(4)}${x.backdoor_success !== null ? `, backdoor ${pct(x.backdoor_success)}` : ''}, ${x.participants} participants, ${x.failures} failed${fails}, sim ${x.sim_clock.toFixed(2)} s, ${x.seconds.toFixed(1)} s`);
            ctx.metric(`accuracy/${strategy}/${attack}`, x.accuracy, x.round);
            await ctx.checkpoint();
          },
        });
        if (secure) done.channel = secure.record();
        ctx.record.runs[slot] = done;
        slot = -1;
        } finally { await secure?.close(); }
      },
    });
  }
  steps.push({
    name: 'report',
    async run(ctx) {
      ctx.record.summary = summariseFederated(ctx.record);
      ctx.record.status = 'complete';
      for (const f of writeFederatedTables(ctx.record, out)) ctx.artefact(f, path.join(out, f));
      ctx.artefact('report.html', await writeFederatedReport(ctx.record, out));
    },
  });
  return steps;
}

/** How `runFederateJob` reaches the clients: simulated on worker threads (default) or real processes over NATS. */
export interface NatsTarget { url: string; run: string; timeoutMs: number }

export async function runFederateJob(cfg: FederateConfig, opts: { out: string; threads: number; resume: boolean; quiet?: boolean; log?: (s: string) => void; handleSignals?: boolean; shouldStop?: () => boolean; recorder?: boolean; channel?: ChannelOptions; nats?: NatsTarget }): Promise<FederatedResults & { seconds: number }> {
  if (opts.nats) {
    checkRemoteConfig(cfg, opts.nats.run);
    if (opts.channel) throw new QmlError('--channel simulates the links between simulated clients; over --nats the link is the NATS connection (secure it with TLS)', '--channel');
  }
  fs.mkdirSync(opts.out, { recursive: true });
  // Connect before the job starts: an unreachable server is one line, and no results file is touched.
  const nc = opts.nats ? await connectNats(opts.nats.url, { name: 'qml6g-federate' }) : null;
  const pool = nc ? null : ClientPool.create(opts.threads);
  const log = opts.log ?? info;
  const open = nc
    ? () => remoteFederation(nc, cfg, { run: opts.nats!.run, timeoutMs: opts.nats!.timeoutMs, log })
    : async () => localFederation(prepareFederation(cfg), pool!);
  try {
    return await runJob<FederatedResults, FederateState>({
      command: 'federate', file: path.join(opts.out, 'results.json'), config: { ...cfg, ...(opts.channel ? { channel: opts.channel } : {}), ...(opts.nats ? { nats_run: opts.nats.run } : {}) }, seed: cfg.seed, resume: opts.resume,
      init: () => ({
        format: 'qml6g-federate', dataset: cfg.data, classes: [], runs: [], centralized_accuracy: null, central: null, config: cfg as unknown as Record<string, unknown>,
        seed: cfg.seed, version: '', seconds: 0, status: 'running', malicious_clients: [], label_histogram: [], summary: [], notes: [],
      }),
      steps: federateSteps(cfg, opts.out, opts.channel), state: { fed: null, open },
      hooks: { log }, handleSignals: opts.handleSignals ?? true, shouldStop: opts.shouldStop,
      recorder: opts.recorder === false ? undefined : storeRecorder({ metricsOf: federateMetrics }),
    });
  } finally {
    await pool?.close();
    await nc?.close();
  }
}

/** The contract's JSON: runs with their rounds (and a few extra fields), the reference, config, seed, version, seconds. */
export function federateJson(res: FederatedResults): Record<string, unknown> {
  return {
    runs: res.runs.map((r) => ({
      strategy: r.strategy, attack: r.attack, malicious_fraction: r.malicious_fraction, final_accuracy: r.final_accuracy, backdoor_success: r.backdoor_success,
      rounds: r.rounds.map((x) => ({
        round: x.round, accuracy: x.accuracy, loss: x.loss, participants: x.participants, failures: x.failures, skipped: x.skipped, failed: x.failed,
        balanced_accuracy: x.balanced_accuracy, backdoor_success: x.backdoor_success, skip_reason: x.skip_reason, sim_clock: x.sim_clock, bytes_up: x.bytes_up, bytes_down: x.bytes_down,
        ...(x.info?.epsilon !== undefined ? { epsilon: x.info.epsilon } : {}),
      })),
      ...(r.channel ? { channel: r.channel } : {}),
      ...(r.secure_aggregation ? { secure_aggregation: r.secure_aggregation } : {}),
      ...(r.privacy ? { privacy: r.privacy } : {}),
    })),
    centralized_accuracy: res.centralized_accuracy, config: res.config, seed: res.seed, version: res.version, seconds: res.seconds,
    dataset: res.dataset, classes: res.classes, malicious_clients: res.malicious_clients, summary: res.summary, status: res.status,
  };
}

export async function runFederate(argv: string[]): Promise<void> {
  const o = federateConfigFromArgs(argv);
  if (o.help) { printLine(usage('federate', '--data D --model M --clients N --rounds R [options]', flags)); return; }
  const raw = parseArgs(argv, flags, 'federate').flags;
  let nats: NatsTarget | undefined;
  if (raw.nats !== undefined) {
    const timeout = raw['client-timeout'] as number;
    if (!(timeout > 0)) throw new QmlError(`must be positive, got ${timeout}`, '--client-timeout');
    nats = { url: raw.nats as string, run: raw.run as string, timeoutMs: 1000 * timeout };
  }
  const res = await runFederateJob(o.cfg, { out: o.out, threads: o.threads, resume: o.resume, quiet: o.json, channel: o.channel, nats });
  if (o.json) { printJson({ ...federateJson(res), ...(nats ? { run: nats.run, client_rows: res.client_rows } : {}) }); return; }
  printLine(`${'strategy'.padEnd(18)}${'attack'.padEnd(19)}${'final accuracy'.padStart(15)}${'backdoor'.padStart(10)}${'skipped'.padStart(9)}`);
  for (const r of res.runs) printLine(`${r.strategy.padEnd(18)}${r.attack.padEnd(19)}${pct(r.final_accuracy).padStart(15)}${pct(r.backdoor_success).padStart(10)}${String(r.rounds.filter((x) => x.skipped).length).padStart(9)}`);
  printLine(`central reference: ${pct(res.centralized_accuracy)}`);
  for (const s of res.summary) printLine(`- ${s}`);
  printLine(`report: ${path.join(o.out, 'report.html')}  (results.json, runs.csv, rounds.csv, failures.csv beside it; ${res.seconds.toFixed(0)} s)`);
}
