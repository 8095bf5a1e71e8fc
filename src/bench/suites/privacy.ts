/**
 * `npm run bench -- privacy`: one secure-aggregation round of 100 clients × 10⁴ parameters with 10%
 * of the clients dropping out at random protocol stages, for SecAgg (complete graph) and SecAgg+
 * (random 14-regular graph), against the plain round (the server sums float64 updates). Reports the
 * seconds of the round as simulated here (all clients in one process: their total compute, plus the
 * server), the critical path of a real deployment (slowest client + server, clients in parallel),
 * bytes per client up and down, and the accountant's cost. Target (issue 11): ≤ 2 s per round.
 */
import { Rng } from '../../core/rng.js';
import { version } from '../../core/version.js';
import { info, printJson, printLine } from '../../cli/io.js';
import { secureAggregate, SECAGG_STAGES, type SecAggStage, type SecAggVariant } from '../../federated/privacy/secagg.js';
import { computeEpsilon } from '../../federated/privacy/rdp.js';
import type { SuiteOptions } from '../suite.js';

export const help = 'secure aggregation (SecAgg, SecAgg+) of 100 clients × 10⁴ parameters with 10% dropouts, against the plain round';

/** The measurement as plain data (also part of `npm run bench -- federated`). */
export function benchSecureAggregation({ quick }: { quick: boolean }): Record<string, unknown> {
  const n = 100, d = quick ? 2000 : 10000, dropFraction = 0.1, seed = 11;
  const rng = new Rng(seed);
  const inputs = Array.from({ length: n }, () => Float64Array.from({ length: d }, () => 0.1 * rng.normal()));
  const dropAt: (SecAggStage | null)[] = new Array(n).fill(null);
  for (const u of (rng.shuffle(Array.from({ length: n }, (_, i) => i)) as number[]).slice(0, Math.round(dropFraction * n))) {
    dropAt[u] = SECAGG_STAGES[1 + rng.int(SECAGG_STAGES.length - 1)]; // after advertising keys
  }
  // The plain round: the server adds float64 updates.
  const t0 = performance.now();
  const plain = new Float64Array(d);
  for (const [u, x] of inputs.entries()) if (dropAt[u] === null || dropAt[u] === 'consistency' || dropAt[u] === 'unmask') for (let i = 0; i < d; i++) plain[i] += x[i];
  const plainSeconds = (performance.now() - t0) / 1000;
  const variants: Record<string, unknown> = {};
  for (const variant of ['secagg', 'secagg+'] as SecAggVariant[]) {
    info(`privacy bench: ${variant}, ${n} clients × ${d} parameters, ${dropAt.filter((s) => s).length} dropouts`);
    const w0 = performance.now();
    const r = secureAggregate(inputs, { clip: 1, variant, seed }, dropAt);
    const wall = (performance.now() - w0) / 1000;
    let err = 0;
    for (let i = 0; i < d; i++) err = Math.max(err, Math.abs(r.sum![i] - plain[i]));
    variants[variant] = {
      aborted: r.aborted, threshold: r.threshold, degree: r.degree, contributors: r.contributors.length,
      round_seconds_simulated: wall,
      round_seconds_parallel_clients: r.maxClientSeconds + r.serverSeconds,
      client_seconds_total: r.clientSeconds, client_seconds_max: r.maxClientSeconds, server_seconds: r.serverSeconds,
      bytes_up_per_client: r.bytesUpPerClient, bytes_down_per_client: r.bytesDownPerClient,
      upload_vs_plain: r.bytesUpPerClient / r.plainBytesUpPerClient,
      max_abs_error_vs_plain_sum: err,
      meets_2s_target_simulated: wall <= 2,
    };
  }
  const a0 = performance.now();
  const acc = computeEpsilon({ noiseMultiplier: 1.1, samplingRate: 0.01, steps: 10000, delta: 1e-5 });
  const accountantSeconds = (performance.now() - a0) / 1000;
  const out = {
    suite: 'privacy', version: version(), seed, clients: n, parameters: d, dropout_fraction: dropFraction,
    plain: { round_seconds: plainSeconds, bytes_up_per_client: 8 * d },
    ...variants,
    accountant: { query: 'z=1.1 q=0.01 T=10000 δ=1e-5', epsilon: acc.epsilon, seconds: accountantSeconds },
  };
  return out;
}

export async function run({ quick, json }: SuiteOptions): Promise<void> {
  const out = benchSecureAggregation({ quick }) as { plain: { round_seconds: number }; parameters: number; accountant: { query: string; epsilon: number; seconds: number } } & Record<string, unknown>;
  if (json) { printJson(out); return; }
  const d = out.parameters;
  const variants = { secagg: out.secagg, 'secagg+': out['secagg+'] };
  const acc = out.accountant, plainSeconds = out.plain.round_seconds, accountantSeconds = acc.seconds;
  printLine(`plain round: ${plainSeconds.toFixed(4)} s, ${8 * d} B up per client`);
  for (const [k, v] of Object.entries(variants) as [string, Record<string, number>][]) {
    printLine(`${k.padEnd(8)} round ${v.round_seconds_simulated.toFixed(2)} s simulated (${v.round_seconds_parallel_clients.toFixed(3)} s with clients in parallel; server ${v.server_seconds.toFixed(3)} s), ${Math.round(v.bytes_up_per_client)} B up / ${Math.round(v.bytes_down_per_client)} B down per client (${v.upload_vs_plain.toFixed(2)}× plain upload), max |error| ${v.max_abs_error_vs_plain_sum.toExponential(2)}`);
  }
  printLine(`accountant: ${acc.epsilon.toFixed(3)} for ${acc.query} in ${accountantSeconds.toFixed(3)} s`);
}
