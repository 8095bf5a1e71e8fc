/**
 * `qml6g qkd`: BB84 with decoy states from photons to a secret key, and its sub-commands.
 *   qml6g qkd --distance KM [channel flags] [--eve E] [--finite] [--json]    one run
 *   qml6g qkd --sweep FROM:TO:STEP [--analytic] [channel flags] [--plot F]   key rate against distance
 *   qml6g qkd cascade --qber Q --bits N --runs R --schedule S --seed S       Cascade Monte Carlo
 *   qml6g qkd finite-key --n N --k K --qber Q --eps-sec E --eps-cor E        Tomamichel et al. 2012
 *   qml6g qkd serve [--port P] [--links A:B,...] [channel flags]              ETSI GS QKD 014 key delivery
 * With --json the last line printed is one JSON object.
 */

import { QmlError } from '../../core/errors.js';
import { version } from '../../core/version.js';
import { parseArgs, usage, type Flags } from '../args.js';
import { info, printJson, printLine, Progress, writeFileAtomic } from '../io.js';
import { GYS, DECOY_METHODS, validateLink, type DecoyMethod, type LinkParams } from '../../channel/qkd/params.js';
import { optimiseMu } from '../../channel/qkd/analytic.js';
import { BB84_DEFAULTS, runBB84 } from '../../channel/qkd/protocol.js';
import { analyticSweep, parseSweep, POINT_LEVEL, simulatedPointsAt, type SimulatedPoint } from '../../channel/qkd/sweep.js';
import { sweepChart } from '../../report/qkd-chart.js';
import { runJob } from '../../core/job.js';
import { storeRecorder } from '../../store/job-recorder.js';
import fs from 'node:fs';
import path from 'node:path';
import { CASCADE_SCHEDULES, cascadeMonteCarlo, type CascadeScheduleName } from '../../channel/qkd/cascade.js';
import { tomamichelKeyLength } from '../../channel/qkd/finite.js';
import { EAVESDROPPER_NAMES, parseEavesdropper } from '../../channel/qkd/eve/registry.js';
import { renderSvg } from '../../report/plot.js';
import { optimisedLink, QkdKeyStore, KMS_DEFAULTS } from '../../channel/kms/store.js';
import { startKms } from '../../channel/kms/server.js';

export const help = 'quantum key distribution: BB84 with decoys and eavesdroppers, Cascade, finite keys, ETSI 014 key delivery (serve)';

const channelFlags: Flags = {
  mu: { type: 'number', help: 'signal intensity μ (default: optimised for the distance and method)' },
  decoy: { type: 'string', help: DECOY_METHODS.join(' | '), default: 'vacuum+weak' },
  nu: { type: 'number', help: 'weak decoy intensity ν', default: GYS.nu },
  'alpha-db': { type: 'number', help: 'fibre loss, dB/km', default: GYS.alphaDbPerKm },
  'eta-bob': { type: 'number', help: "Bob's detection efficiency", default: GYS.etaBob },
  y0: { type: 'number', help: 'dark-count probability per pulse', default: GYS.y0 },
  'e-detector': { type: 'number', help: 'misalignment error e_d', default: GYS.eDetector },
  'f-ec': { type: 'number', help: 'error-correction inefficiency f of the analytic rate', default: GYS.fEc },
  'p-z': { type: 'number', help: 'probability of the Z basis (both parties)', default: GYS.pZ },
  'p-decoy': { type: 'number', help: 'fraction of pulses at ν', default: GYS.pDecoy },
  'p-vacuum': { type: 'number', help: 'fraction of vacuum pulses', default: GYS.pVacuum },
};

const mainFlags: Flags = {
  distance: { type: 'number', help: 'fibre length, km (one run)' },
  sweep: { type: 'string', help: 'FROM:TO:STEP km: key rate against distance' },
  analytic: { type: 'boolean', help: 'with --sweep: analytic curves only (no simulated points)' },
  pulses: { type: 'int', help: 'pulses per run', default: 1_000_000 },
  repeats: { type: 'int', help: 'with --sweep: simulation runs per point (error bars)', default: 5 },
  ...channelFlags,
  eve: { type: 'string', help: EAVESDROPPER_NAMES.join(' | ') },
  finite: { type: 'boolean', help: 'finite-key length (Lim et al. 2014; needs vacuum+weak decoys)' },
  schedule: { type: 'string', help: `Cascade schedule: ${CASCADE_SCHEDULES.join(' | ')}`, default: 'original' },
  'qber-threshold': { type: 'number', help: 'abort above this QBER', default: BB84_DEFAULTS.qberThreshold },
  'eps-sec': { type: 'number', help: 'secrecy parameter (finite key)', default: BB84_DEFAULTS.epsSec },
  'eps-cor': { type: 'number', help: 'correctness parameter (verification hash)', default: BB84_DEFAULTS.epsCor },
  seed: { type: 'int', help: 'random seed', default: 1 },
  plot: { type: 'string', help: 'with --sweep: write the chart (SVG) to this file' },
  out: { type: 'string', help: 'with a simulated --sweep: folder of results.json, written after every distance', default: 'qml6g-qkd-sweep' },
  resume: { type: 'boolean', help: 'with a simulated --sweep: continue an interrupted sweep (same options)' },
  json: { type: 'boolean', help: 'print one JSON object (last line)' },
  help: { type: 'boolean', help: 'show this help' },
};

function linkFromFlags(f: Record<string, unknown>, distanceKm: number): LinkParams {
  const decoy = String(f.decoy) as DecoyMethod;
  if (!DECOY_METHODS.includes(decoy)) throw new QmlError(`unknown decoy method "${decoy}" (known: ${DECOY_METHODS.join(', ')})`, '--decoy');
  const link: LinkParams = {
    distanceKm, decoy, mu: (f.mu as number | undefined) ?? 0.5, nu: f.nu as number,
    alphaDbPerKm: f['alpha-db'] as number, etaBob: f['eta-bob'] as number, y0: f.y0 as number, eDetector: f['e-detector'] as number,
    fEc: f['f-ec'] as number, pZ: f['p-z'] as number, pDecoy: f['p-decoy'] as number, pVacuum: f['p-vacuum'] as number,
  };
  try { validateLink(link); } catch (e) { if (e instanceof QmlError && e.where) throw new QmlError(e.message, `--${e.where}`); throw e; }
  return link;
}

const fmt = (x: number | null | undefined, d = 4) => (x === null || x === undefined ? 'n/a' : Math.abs(x) > 0 && Math.abs(x) < 1e-3 ? x.toExponential(2) : x.toFixed(d));

function table(rows: string[][]): string[] {
  const w = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(w[i])).join('  '));
}

async function runSingle(f: Record<string, unknown>): Promise<void> {
  const distance = f.distance as number;
  const link = linkFromFlags(f, distance);
  if (f.mu === undefined) {
    const o = optimiseMu(link, link.decoy);
    link.mu = o.rate > 0 ? o.mu : 0.5;
    if (link.decoy === 'vacuum+weak' && !(link.nu < link.mu)) link.mu = Math.max(0.5, 2 * link.nu);
  }
  const schedule = String(f.schedule) as CascadeScheduleName;
  if (!CASCADE_SCHEDULES.includes(schedule)) throw new QmlError(`unknown Cascade schedule "${schedule}" (known: ${CASCADE_SCHEDULES.join(', ')})`, '--schedule');
  if (f.eve !== undefined) {
    try { parseEavesdropper(String(f.eve)); } catch (e) { if (e instanceof QmlError) throw new QmlError(e.message, '--eve'); throw e; }
  }
  const bar = new Progress('pulses', f.pulses as number);
  const { result } = runBB84({
    ...BB84_DEFAULTS, link, pulses: f.pulses as number, seed: f.seed as number, eve: f.eve as string | undefined, finite: !!f.finite,
    schedule, qberThreshold: f['qber-threshold'] as number, epsSec: f['eps-sec'] as number, epsCor: f['eps-cor'] as number,
  }, { progress: (d) => bar.tick(d) });
  if (f.json) { printJson(result); return; }
  const r = result;
  printLine(table([
    ['distance', `${distance} km (μ = ${fmt(link.mu, 3)}, decoy ${link.decoy}${f.eve ? `, eve ${f.eve}` : ''})`],
    ['pulses', String(r.pulses)],
    ['QBER', `${fmt(r.qber)} (expected ${fmt(r.observed.qber_expected)}, ${fmt(r.observed.qber_z, 1)} σ)`],
    ['signal gain', `${fmt(r.decoy.gain_signal)} (expected ${fmt(r.observed.gain_signal_expected)}, ${fmt(r.observed.gain_signal_z, 1)} σ)`],
    ['decoy gain', r.decoy.gain_decoy === null ? 'n/a' : `${fmt(r.decoy.gain_decoy)} (expected ${fmt(r.observed.gain_decoy_expected)}, ${fmt(r.observed.gain_decoy_z, 1)} σ)`],
    ['Y1 lower / e1 upper', `${fmt(r.decoy.y1_lower)} / ${fmt(r.decoy.e1_upper)}`],
    ['sifted bits', String(r.sifted_bits)],
    ['Cascade', `f = ${fmt(r.cascade.efficiency, 3)}, ${r.cascade.disclosed_bits} bits disclosed, ${r.cascade.residual_errors} residual errors`],
    ['final key bits', String(r.final_key_bits)],
    ['key rate / pulse', `${fmt(r.key_rate_per_pulse)} (estimated ${fmt(r.estimated_rate_per_pulse)}, analytic ${fmt(r.asymptotic_rate_per_pulse)})`],
    ['aborted', r.aborted ? `yes: ${r.abort_reason}` : 'no'],
    ...(r.eve ? [['eavesdropper', `${r.eve.name}: knows ${(100 * r.eve.known_fraction_of_key).toFixed(1)}% of the sifted key; caught by: ${r.eve.detection}`]] : []),
  ]).join('\n'));
}

const rateOf = (p: { rate_gllp: number; rate_decoy_infinite: number; rate_decoy_vacuum_weak: number }, key: 'gllp' | 'decoy_infinite' | 'decoy_vacuum_weak') =>
  key === 'gllp' ? p.rate_gllp : key === 'decoy_infinite' ? p.rate_decoy_infinite : p.rate_decoy_vacuum_weak;

async function runSweep(f: Record<string, unknown>): Promise<void> {
  const distances = parseSweep(String(f.sweep));
  const link = linkFromFlags(f, distances[0]);
  const fixedMu = f.mu as number | undefined;
  const { curve, max_distance_km } = analyticSweep(link, distances, fixedMu);
  if (!f.analytic && (f.repeats as number) < 2) throw new QmlError('--repeats must be ≥ 2 (error bars need two runs)', '--repeats');
  let simulated: SimulatedPoint[] = [];
  if (!f.analytic) {
    // Simulated points are long work: one job step per distance, results.json after each, --resume.
    const dir = String(f.out);
    fs.mkdirSync(dir, { recursive: true });
    const o = { pulses: f.pulses as number, repeats: f.repeats as number, seed: f.seed as number, fixedMu };
    type Rec = { simulated: SimulatedPoint[]; curve: typeof curve; max_distance_km: typeof max_distance_km };
    const rec = await runJob<Rec>({
      command: 'qkd-sweep', file: path.join(dir, 'results.json'), seed: o.seed, resume: !!f.resume,
      config: { link: { ...link, distanceKm: undefined }, sweep: f.sweep, ...o, fixedMu: fixedMu ?? null },
      init: () => ({ simulated: [], curve, max_distance_km }),
      steps: distances.map((d, i) => ({
        name: `simulate:${d}`,
        restore(ctx) { ctx.record.simulated.push(...ctx.previous!.simulated.filter((p) => p.distance_km === d)); },
        run(ctx) {
          ctx.record.simulated.push(...simulatedPointsAt(link, d, o));
          ctx.log(`simulated ${d} km (${i + 1}/${distances.length})`);
        },
      })),
      hooks: { log: f.json ? () => undefined : info },
      // The experiment store follows the sweep: simulated rates per method and distance, and where each curve ends.
      recorder: storeRecorder({
        metricsOf: (r) => {
          const x = r as Rec;
          return [
            ...x.simulated.map((p) => ({ key: `simulated_rate/${p.method}`, value: p.rate, step: p.distance_km })),
            ...Object.entries(x.max_distance_km).filter(([, v]) => Number.isFinite(v)).map(([k, v]) => ({ key: `max_distance_km/${k}`, value: v })),
          ];
        },
      }),
    });
    simulated = rec.simulated;
  }
  const mkey: 'gllp' | 'decoy_infinite' | 'decoy_vacuum_weak' = link.decoy === 'none' ? 'gllp' : link.decoy === 'infinite' ? 'decoy_infinite' : 'decoy_vacuum_weak';
  const out = {
    curve: curve.map((p) => ({ distance_km: p.distance_km, rate_gllp: p.rate_gllp, rate_decoy_infinite: p.rate_decoy_infinite, rate_decoy_vacuum_weak: p.rate_decoy_vacuum_weak, mu_opt: rateOf(p, mkey) > 0 ? p.mu_opt[mkey] : null, mu_opt_by_method: p.mu_opt })),
    max_distance_km,
    simulated,
    config: { ...link, distanceKm: undefined, sweep: f.sweep, mu_fixed: fixedMu ?? null, pulses: f.pulses, repeats: f.repeats, analytic_only: !!f.analytic },
    seed: f.seed, version: version(),
  };
  if (f.plot) {
    const svg = await renderSvg(sweepChart(curve, simulated));
    writeFileAtomic(String(f.plot), svg);
    if (!f.json) info(`chart written to ${f.plot}`);
  }
  if (f.json) { printJson(out); return; }
  const rows = [['km', 'GLLP', 'decoy ∞', 'vacuum+weak', 'μ_opt', ...(simulated.length ? [`simulated (estimate ± s.e., ${100 * POINT_LEVEL}% interval; signed, before clipping at 0)`] : [])]];
  for (const p of out.curve) {
    const sims = simulated.filter((s) => s.distance_km === p.distance_km).map((s) => `${s.method}: ${fmt(s.rate_signed)} ± ${fmt(s.rate_stderr)} [${fmt(s.ci_low)}, ${fmt(s.ci_high)}]`).join('; ');
    rows.push([String(p.distance_km), fmt(p.rate_gllp), fmt(p.rate_decoy_infinite), fmt(p.rate_decoy_vacuum_weak), p.mu_opt === null ? '-' : fmt(p.mu_opt, 3), ...(simulated.length ? [sims] : [])]);
  }
  printLine(table(rows).join('\n'));
  printLine(`rate reaches zero at: GLLP ${max_distance_km.gllp.toFixed(1)} km, infinite decoys ${max_distance_km.decoy_infinite.toFixed(1)} km, vacuum + weak ${max_distance_km.decoy_vacuum_weak.toFixed(1)} km`);
}

const cascadeFlags: Flags = {
  qber: { type: 'number', help: 'error rate of the frames' },
  bits: { type: 'int', help: 'frame length', default: 10_000 },
  runs: { type: 'int', help: 'frames', default: 100 },
  schedule: { type: 'string', help: CASCADE_SCHEDULES.join(' | '), default: 'original' },
  seed: { type: 'int', help: 'random seed', default: 1 },
  json: { type: 'boolean', help: 'print one JSON object (last line)' },
  help: { type: 'boolean', help: 'show this help' },
};

function runCascade(argv: string[]): void {
  const a = parseArgs(argv, cascadeFlags, 'qkd cascade');
  if (a.flags.help) { printLine(usage('qkd cascade', '--qber Q [--bits N] [--runs R] [--schedule S] [--seed S] [--json]', cascadeFlags)); return; }
  if (a.positional.length) throw new QmlError(`unexpected argument "${a.positional[0]}"`);
  if (a.flags.qber === undefined) throw new QmlError('qml6g qkd cascade needs --qber Q');
  const r = cascadeMonteCarlo({ qber: a.flags.qber as number, bits: a.flags.bits as number, runs: a.flags.runs as number, schedule: String(a.flags.schedule) as CascadeScheduleName, seed: a.flags.seed as number });
  const out = { ...r, version: version() };
  if (a.flags.json) { printJson(out); return; }
  printLine(table([
    ['schedule', r.schedule], ['QBER', String(r.qber)], ['frame bits', String(r.bits)], ['runs', String(r.runs)],
    ['efficiency', `${r.efficiency_mean.toFixed(4)} ± ${r.efficiency_std.toFixed(4)} (sd)`],
    ['frame error rate', String(r.frame_error_rate)], ['ask-parity messages', r.ask_parity_messages_mean.toFixed(1)],
    ['disclosed bits', r.disclosed_bits_mean.toFixed(1)],
  ]).join('\n'));
}

const finiteFlags: Flags = {
  n: { type: 'int', help: 'raw key bits' },
  k: { type: 'int', help: 'parameter-estimation bits' },
  qber: { type: 'number', help: 'tolerated error rate Q' },
  'eps-sec': { type: 'number', help: 'secrecy', default: 1e-10 },
  'eps-cor': { type: 'number', help: 'correctness', default: 1e-15 },
  leak: { type: 'number', help: 'error-correction leakage in bits (default 1.1·n·h(Q))' },
  json: { type: 'boolean', help: 'print one JSON object (last line)' },
  help: { type: 'boolean', help: 'show this help' },
};

function runFinite(argv: string[]): void {
  const a = parseArgs(argv, finiteFlags, 'qkd finite-key');
  if (a.flags.help) { printLine(usage('qkd finite-key', '--n N --k K --qber Q [--eps-sec E] [--eps-cor E] [--leak L] [--json]', finiteFlags)); return; }
  if (a.positional.length) throw new QmlError(`unexpected argument "${a.positional[0]}"`);
  for (const k of ['n', 'k', 'qber']) if (a.flags[k] === undefined) throw new QmlError(`qml6g qkd finite-key needs --${k}`);
  const r = tomamichelKeyLength({ n: a.flags.n as number, k: a.flags.k as number, qber: a.flags.qber as number, epsSec: a.flags['eps-sec'] as number, epsCor: a.flags['eps-cor'] as number, leakEc: a.flags.leak as number | undefined });
  const out = { key_length: r.key_length, mu: r.mu, leak_ec: r.leak_ec, rate: r.key_length / (a.flags.n as number), n: a.flags.n, k: a.flags.k, qber: a.flags.qber, eps_sec: a.flags['eps-sec'], eps_cor: a.flags['eps-cor'], version: version() };
  if (a.flags.json) { printJson(out); return; }
  printLine(table([['key length', String(r.key_length)], ['μ (fluctuation)', r.mu.toFixed(5)], ['leak_EC', r.leak_ec.toFixed(0)], ['ℓ / n', (r.key_length / (a.flags.n as number)).toFixed(4)]]).join('\n'));
}

export async function run(argv: string[]): Promise<void> {
  const sub = argv[0];
  if (sub === 'cascade') return runCascade(argv.slice(1));
  if (sub === 'finite-key') return runFinite(argv.slice(1));
  if (sub === 'serve') return runServe(argv.slice(1));
  const a = parseArgs(argv, mainFlags, 'qkd');
  if (a.flags.help) {
    printLine(usage('qkd', '--distance KM | --sweep FROM:TO:STEP [--analytic] [options]   (sub-commands: cascade, finite-key, serve)', mainFlags));
    return;
  }
  if (a.positional.length) throw new QmlError(`unknown sub-command "${a.positional[0]}" (known: cascade, finite-key, serve)`);
  if ((a.flags.distance === undefined) === (a.flags.sweep === undefined)) throw new QmlError('qml6g qkd needs exactly one of --distance KM or --sweep FROM:TO:STEP');
  if (a.flags.distance !== undefined && (a.flags.analytic || a.flags.plot)) throw new QmlError('--analytic and --plot go with --sweep');
  if (a.flags.sweep !== undefined) return runSweep(a.flags);
  return runSingle(a.flags);
}


const serveFlags: Flags = {
  port: { type: 'int', help: 'TCP port (0: any free port)', default: 8014 },
  host: { type: 'string', help: 'address to listen on', default: '127.0.0.1' },
  links: { type: 'string', help: 'SAE pairs joined by simulated QKD links, e.g. edge1:agg,edge2:agg', default: 'alice:bob' },
  distance: { type: 'number', help: 'fibre length of every link, km', default: 25 },
  pulses: { type: 'int', help: 'pulses per BB84 run that refills a link', default: 2_000_000 },
  ...channelFlags,
  eve: { type: 'string', help: `tap every link: ${EAVESDROPPER_NAMES.join(' | ')}` },
  'key-size': { type: 'int', help: 'default key size in bits', default: KMS_DEFAULTS.keySize },
  seed: { type: 'int', help: 'random seed', default: 1 },
  json: { type: 'boolean', help: 'print {"url", "port", "links"} as one JSON line once listening' },
  help: { type: 'boolean', help: 'show this help' },
};

async function runServe(argv: string[]): Promise<void> {
  const a = parseArgs(argv, serveFlags, 'qkd serve');
  if (a.flags.help) { printLine(usage('qkd serve', '[--port P] [--links A:B,...] [--distance KM] [channel flags] [--eve E]', serveFlags)); return; }
  if (a.positional.length) throw new QmlError(`unexpected argument "${a.positional[0]}"`);
  const port = a.flags.port as number;
  if (port < 0 || port > 65535) throw new QmlError(`--port must be in 0..65535, got ${port}`, '--port');
  const pairs = String(a.flags.links).split(',').map((p) => p.trim()).filter(Boolean).map((p) => {
    const [x, y, extra] = p.split(':');
    if (!x || !y || extra !== undefined) throw new QmlError(`a link is SAE_A:SAE_B, got "${p}"`, '--links');
    return [x, y] as const;
  });
  if (pairs.length === 0) throw new QmlError('--links lists no link', '--links');
  if (a.flags.eve !== undefined) {
    try { parseEavesdropper(String(a.flags.eve)); } catch (e) { if (e instanceof QmlError) throw new QmlError(e.message, '--eve'); throw e; }
  }
  let link = linkFromFlags(a.flags, a.flags.distance as number);
  if (a.flags.mu === undefined) link = optimisedLink(link);
  let store: QkdKeyStore;
  try {
    store = new QkdKeyStore({ links: pairs.map(([x, y]) => ({ saeA: x, saeB: y, link, eve: a.flags.eve as string | undefined, pulses: a.flags.pulses as number })), seed: a.flags.seed as number, keySize: a.flags['key-size'] as number });
  } catch (e) { if (e instanceof QmlError && !e.where) throw new QmlError(e.message, '--links'); throw e; }
  let kms;
  try { kms = await startKms(store, { port, hostname: String(a.flags.host) }); }
  catch (e) { throw new QmlError(`cannot listen on ${a.flags.host}:${port}: ${(e as Error).message}`, '--port'); }
  const info0 = { url: kms.url, port: kms.port, links: pairs.map(([x, y]) => `${x}:${y}`), distance_km: link.distanceKm, mu: link.mu, decoy: link.decoy, eve: a.flags.eve ?? null, version: version() };
  if (a.flags.json) printJson(info0);
  else printLine(`ETSI GS QKD 014 key delivery at ${kms.url}/api/v1/keys/{SAE_ID}/(status|enc_keys|dec_keys) for ${info0.links.join(', ')} (X-SAE-ID names the caller); Ctrl-C stops`);
  await new Promise<void>((resolve) => {
    const stop = () => { process.off('SIGINT', stop); process.off('SIGTERM', stop); void kms.close().then(resolve); };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
