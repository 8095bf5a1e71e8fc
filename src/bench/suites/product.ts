/**
 * The product around the jobs: the dashboard's runs page over a store of 10,000 runs (server time per
 * page; target ≤ 100 ms), recording metrics (points per second, batched against one transaction per
 * point; target ≥ 50,000 points/s batched), and the JetStream dispatch overhead of a distributed
 * sweep per job (publish, claim, heartbeat, result through the object store, import; target ≤ 5 ms),
 * measured with a worker whose jobs do no work, against a real nats-server when one is installed.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { info, printJson, printLine } from '../../cli/io.js';
import type { SuiteOptions } from '../suite.js';
import { Store, type RunExport } from '../../store/store.js';
import { dashboardApp } from '../../dashboard/app.js';
import { parseSweepSpec } from '../../store/sweep.js';
import { natsSkipReason, startNatsServer } from '../../testing/nats.js';
import { runWorker } from '../../cluster/worker.js';
import { runSweepNats } from '../../cluster/submit.js';

export const help = 'experiment store, dashboard and JetStream dispatch: runs page over 10,000 runs, metric recording rate, dispatch overhead per job';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function runsPage(dir: string, runs: number, log: (s: string) => void) {
  const store = Store.open(path.join(dir, 'runs.db'));
  const t0 = performance.now();
  const commands = ['assess', 'poison', 'train', 'federate'];
  store.db.transaction(() => {
    for (let i = 0; i < runs; i++) {
      const id = store.createRun({ command: commands[i % 4], config: { i, lr: 0.01 * (i % 7) }, seed: i, params: { lr: 0.01 * (i % 7) }, tags: i % 10 === 0 ? { suite: 'tenth' } : {}, started: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString() });
      store.logMetrics(id, [{ key: 'accuracy', value: (i % 100) / 100, step: 0 }, { key: 'loss', value: 1 / (1 + i), step: 0 }, { key: 'f1', value: 0.5, step: 0 }]);
      store.endRun(id, 'complete');
    }
  }).immediate();
  log(`store filled with ${runs} runs in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const app = dashboardApp({ store, pageSize: 50 });
  const pages: Record<string, string> = { first: '/', middle: `/?page=${Math.floor(runs / 100)}`, last: `/?page=${Math.ceil(runs / 50)}`, command: '/?command=poison&page=3', tag: '/?tag=suite', api: '/api/runs?limit=50&offset=5000' };
  const out: Record<string, number> = {};
  for (const [name, url] of Object.entries(pages)) {
    const times: number[] = [];
    for (let r = 0; r < 15; r++) {
      const t = performance.now();
      const res = await app.request(url);
      await res.text();
      if (res.status !== 200) throw new Error(`${url}: HTTP ${res.status}`);
      times.push(performance.now() - t);
    }
    out[name] = median(times);
  }
  store.close();
  return out;
}

function metricRate(dir: string, quick: boolean) {
  const store = Store.open(path.join(dir, 'metrics.db'));
  const id = store.createRun({ command: 'bench', config: {} });
  const batches = quick ? 20 : 100, size = 1000;
  let t = performance.now();
  for (let b = 0; b < batches; b++) store.logMetrics(id, Array.from({ length: size }, (_, i) => ({ key: `m${i % 10}`, value: Math.sin(b * size + i) })));
  const batched = (batches * size) / ((performance.now() - t) / 1000);
  const single = quick ? 500 : 2000;
  t = performance.now();
  for (let i = 0; i < single; i++) store.logMetric(id, 'one', i);
  const unbatched = single / ((performance.now() - t) / 1000);
  store.close();
  return { batched_points_per_s: batched, unbatched_points_per_s: unbatched, batch_size: size };
}

async function dispatch(quick: boolean, log: (s: string) => void) {
  const skip = natsSkipReason();
  if (skip) return { skipped: skip };
  const server = await startNatsServer();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qml6g-bench-nats-'));
  try {
    const n = quick ? 40 : 200;
    const spec = parseSweepSpec(JSON.stringify({ command: 'train', options: { data: 'iris' }, seeds: Array.from({ length: n }, (_, i) => i) }), 'bench.json');
    const store = Store.open(path.join(dir, 'submit.db'));
    // A job that does nothing: what remains is the cost of moving it and its result.
    const execute = async (job: { argv: string[]; sweep: string; job: string }, runId: string): Promise<RunExport> => ({
      format: 'qml6g-run',
      run: { id: runId, command: job.argv[0], config: JSON.stringify({ argv: job.argv.slice(1) }), seed: null, version: 'bench', status: 'complete', started: new Date().toISOString(), ended: new Date().toISOString(), host: os.hostname(), pid: process.pid, note: null },
      params: {}, tags: { sweep: job.sweep, job: job.job }, metrics: [['accuracy', 0, 0.9, Date.now()]], artifacts: [],
    });
    const worker = runWorker({ url: server.url, execute, idleExitMs: 3000 });
    const t0 = performance.now();
    const res = await runSweepNats(spec, { store, url: server.url });
    const seconds = (performance.now() - t0) / 1000;
    await worker;
    store.close();
    if (res.completed !== n) throw new Error(`dispatch bench: ${res.completed} of ${n} jobs completed`);
    log(`dispatched ${n} empty jobs through one worker in ${seconds.toFixed(2)} s`);
    return { jobs: n, seconds, ms_per_job: (1000 * seconds) / n };
  } finally {
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function run({ quick, json }: SuiteOptions): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qml6g-bench-product-'));
  try {
    const runs = 10_000;
    const page = await runsPage(dir, runs, info);
    const metrics = metricRate(dir, quick);
    const jet = await dispatch(quick, info);
    const worstPage = Math.max(...Object.values(page));
    const result = {
      runs_page: { runs, page_size: 50, median_ms: page, worst_ms: worstPage, target_ms: 100, meets_target: worstPage <= 100 },
      metric_recording: { ...metrics, target_points_per_s: 50_000, meets_target: metrics.batched_points_per_s >= 50_000, batching_gain: metrics.batched_points_per_s / metrics.unbatched_points_per_s },
      jetstream_dispatch: 'ms_per_job' in jet ? { ...jet, target_ms: 5, meets_target: (jet.ms_per_job as number) <= 5 } : jet,
    };
    if (json) { printJson(result); return; }
    printLine(`runs page over ${runs} runs (server time, median of 15): ${Object.entries(page).map(([k, v]) => `${k} ${v.toFixed(1)} ms`).join(', ')}; worst ${worstPage.toFixed(1)} ms (target ≤ 100 ms)`);
    printLine(`metric recording: ${Math.round(metrics.batched_points_per_s).toLocaleString('en')} points/s in batches of ${metrics.batch_size} (target ≥ 50,000), ${Math.round(metrics.unbatched_points_per_s).toLocaleString('en')} points/s one transaction each (${result.metric_recording.batching_gain.toFixed(0)}x)`);
    if ('ms_per_job' in jet) printLine(`JetStream dispatch: ${(jet.ms_per_job as number).toFixed(2)} ms per job over ${jet.jobs} jobs with one worker (target ≤ 5 ms)`);
    else printLine(`JetStream dispatch: skipped (${jet.skipped})`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
