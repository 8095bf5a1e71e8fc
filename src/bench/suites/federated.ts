/**
 * `npm run bench -- federated`: the federated engine against its targets.
 *  - one round of 100 clients × ~200 NSL-KDD rows, 8-qubit 2-layer VQC, one local epoch, with 1
 *    and 2 worker threads: seconds per round (target ≤ 5 s on 2 cores) and the engine's own
 *    overhead per client = (round wall time − client training time − server evaluation) / clients
 *    (target ≤ 1 ms), with the evaluation reported beside it; the same in CPU seconds (every
 *    thread of the process), which other jobs on a shared machine do not inflate;
 *  - memory: 1,000 simulated MLP clients through a round (target ≤ 2 GiB resident).
 * --quick shrinks both (20 VQC clients, 200 MLP clients).
 */
import { info, printJson } from '../../cli/io.js';
import type { SuiteOptions } from '../suite.js';
import { defaultFederateConfig, prepareFederation, runFederated, type FederateConfig } from '../../federated/experiment.js';
import { ClientPool } from '../../federated/pool.js';
import { benchSecureAggregation } from './privacy.js';

export const help = 'federated round time and engine overhead per client (100 VQC clients), memory of 1,000 MLP clients';

export async function run({ quick, json }: SuiteOptions): Promise<void> {
  const out: Record<string, unknown> = {};
  const n = quick ? 20 : 100;
  const cfg: FederateConfig = {
    ...defaultFederateConfig(), data: 'nsl-kdd', maxRows: Math.round((n * 200 + 100) / 0.8) + 50, model: { type: 'vqc', qubits: 8, layers: 2 }, clients: n, rounds: 1,
    localEpochs: 1, batchSize: 16, lr: 0.05, seed: 1, malicious: 0,
  };
  const prep = prepareFederation(cfg);
  const rows = prep.clientRaw.map((d) => d.table.rows);
  info(`VQC round: ${n} clients, ${Math.min(...rows)}–${Math.max(...rows)} rows each, test ${prep.test.table.rows} rows`);
  const rounds: Array<Record<string, number>> = [];
  // A warm-up round of two clients first: workers load their modules and build the model once per
  // pool, a start-up cost that is not the engine's per-round overhead.
  const warm = prepareFederation({ ...cfg, clients: 2, maxRows: 600 });
  for (const threads of [1, 2]) {
    const pool = ClientPool.create(threads);
    await runFederated(warm, 'fedavg', 'none', { pool });
    const r = await runFederated(prep, 'fedavg', 'none', { pool });
    await pool.close();
    const x = r.rounds[0];
    const training = x.client_seconds / threads;
    const overhead = (x.seconds - training - x.eval_seconds) / n;
    // The same in CPU seconds of the whole process (every worker thread included), which other jobs
    // on a shared machine do not inflate: the round minus client training minus the evaluation.
    const cpu = x.cpu, overheadCpu = (cpu.round - cpu.clients - cpu.eval) / n;
    rounds.push({
      threads, clients: n, round_seconds: x.seconds, client_training_seconds_total: x.client_seconds, client_training_per_thread: training, eval_seconds: x.eval_seconds, overhead_ms_per_client: 1000 * overhead,
      cpu_seconds: cpu.round, cpu_seconds_per_thread: cpu.round / threads, client_training_cpu_seconds: cpu.clients, eval_cpu_seconds: cpu.eval, overhead_cpu_ms_per_client: 1000 * overheadCpu, target_round_seconds: 5, target_overhead_ms: 1,
    });
    info(`  ${threads} thread(s): round ${x.seconds.toFixed(2)} s wall (target ≤ 5), client training ${x.client_seconds.toFixed(2)} s in all, evaluation ${x.eval_seconds.toFixed(2)} s, engine overhead ${(1000 * overhead).toFixed(3)} ms per client (target ≤ 1)`);
    info(`    in CPU: round ${cpu.round.toFixed(2)} s (${(cpu.round / threads).toFixed(2)} s per thread: the round on ${threads} free core(s), target ≤ 5), client training ${cpu.clients.toFixed(2)} s, evaluation ${cpu.eval.toFixed(2)} s, engine overhead ${(1000 * overheadCpu).toFixed(3)} ms per client (target ≤ 1)`);
  }
  out.vqc_round = rounds;

  const m = quick ? 200 : 1000;
  const mcfg: FederateConfig = { ...defaultFederateConfig(), data: 'nsl-kdd', model: { type: 'mlp' }, clients: m, rounds: 1, lr: 0.01, seed: 1, malicious: 0 };
  const before = process.memoryUsage().rss;
  const mprep = prepareFederation(mcfg);
  const pool = ClientPool.create(2);
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 20);
  const t0 = performance.now();
  const r = await runFederated(mprep, 'fedavg', 'none', { pool });
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  await pool.close();
  const gib = peak / 2 ** 30;
  out.mlp_memory = { clients: m, rows_per_client: Math.round(mprep.clientRaw.reduce((a, d) => a + d.table.rows, 0) / m), round_seconds: (performance.now() - t0) / 1000, peak_rss_gib: gib, rss_before_gib: before / 2 ** 30, target_gib: 2, accuracy: r.final_accuracy };
  info(`MLP memory: ${m} clients, peak resident ${gib.toFixed(2)} GiB of this process (target ≤ 2; worker threads share it), round ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  // Issue 11: SecAgg / SecAgg+ of 100 clients × 10⁴ parameters with 10% dropouts (also `bench -- privacy`).
  out.secure_aggregation = benchSecureAggregation({ quick });
  if (json) printJson(out);
}
