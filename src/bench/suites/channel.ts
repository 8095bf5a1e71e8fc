/**
 * `npm run bench -- channel`: the QKD and post-quantum channel against their targets.
 *  - pulses generated and sifted per second, one core (target ≥ 10⁷/s);
 *  - Cascade throughput in corrected bits per second (target ≥ 10⁶/s), and the full-size
 *    reproduction of the original schedule's efficiency (n = 10⁴, 1,000 runs per QBER) against the
 *    published values of Martinez-Mateo et al. 2015, with the frame error rate;
 *  - Toeplitz privacy amplification throughput;
 *  - the cost of protecting one model update of 10⁴ parameters: the hybrid handshake (X-Wing +
 *    ML-DSA-65 + HKDF) and XChaCha20-Poly1305 sealing and opening.
 */
import { info, printJson, printLine } from '../../cli/io.js';
import type { SuiteOptions } from '../suite.js';
import { linkParams } from '../../channel/qkd/params.js';
import { simulatePulses } from '../../channel/qkd/simulate.js';
import { sift } from '../../channel/qkd/sift.js';
import { cascadeMonteCarlo } from '../../channel/qkd/cascade.js';
import { toeplitzHash, toeplitzSeed } from '../../channel/qkd/toeplitz.js';
import { Rng } from '../../core/rng.js';
import { establishSession } from '../../channel/pqc/session.js';
import { generateKeyPair } from '../../supply/signing.js';

export const help = 'QKD pulses/s, Cascade bits/s and published efficiencies, Toeplitz, hybrid KEM + AEAD cost per 10⁴-parameter update';

const now = () => performance.now();
/** CPU milliseconds of this process: on a shared machine the per-core rate is work / CPU time. */
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };

export async function run({ quick, json }: SuiteOptions): Promise<void> {
  const out: Record<string, unknown> = {};
  // Pulses: the GYS link at 25 km with vacuum + weak decoys (three intensities, the slowest path).
  const pulses = quick ? 2_000_000 : 10_000_000;
  const link = linkParams({ distanceKm: 25 });
  simulatePulses(link, 200_000, 1); // warm-up
  let t = now();
  let c = cpu();
  const rec = simulatePulses(link, pulses, 2);
  const s = sift(rec);
  const wall = (now() - t) / 1000, cpuS = (cpu() - c) / 1000;
  out.pulses = { pulses, seconds_wall: wall, seconds_cpu: cpuS, pulses_per_second_wall: pulses / wall, pulses_per_cpu_second: pulses / cpuS, target: 1e7, ratio_to_target: pulses / cpuS / 1e7, sifted_bits: s.length };
  info(`pulses: ${(pulses / cpuS / 1e6).toFixed(1)} M per CPU-second generated and sifted (${(pulses / wall / 1e6).toFixed(1)} M/s wall)`);

  // Cascade throughput and the published efficiencies.
  const runs = quick ? 100 : 1000;
  const published: Array<[number, number]> = [[0.01, 1.14], [0.02, 1.16], [0.05, 1.19], [0.1, 1.21]];
  const eff: Array<Record<string, number>> = [];
  let bits = 0, secs = 0;
  for (const [q, f] of published) {
    c = cpu();
    const r = cascadeMonteCarlo({ qber: q, bits: 10_000, runs, schedule: 'original', seed: 1 });
    const dt = (cpu() - c) / 1000;
    bits += 10_000 * runs; secs += dt;
    eff.push({ qber: q, efficiency_mean: r.efficiency_mean, efficiency_std: r.efficiency_std, published: f, difference: r.efficiency_mean - f, frame_error_rate: r.frame_error_rate, ask_parity_messages_mean: r.ask_parity_messages_mean, runs });
    info(`cascade Q = ${q}: f = ${r.efficiency_mean.toFixed(4)} (published ${f}), FER ${r.frame_error_rate}`);
  }
  const y = cascadeMonteCarlo({ qber: 0.05, bits: 10_000, runs: quick ? 50 : 200, schedule: 'yanetal', seed: 1 });
  out.cascade = { bits_per_cpu_second: bits / secs, target: 1e6, ratio_to_target: bits / secs / 1e6, original: eff, yanetal_q05: { efficiency_mean: y.efficiency_mean, frame_error_rate: y.frame_error_rate, ask_parity_messages_mean: y.ask_parity_messages_mean } };

  // Toeplitz: a 10⁵-bit key compressed to 5·10⁴ bits.
  const rng = new Rng(3);
  const n = 100_000, l = 50_000;
  const x = new Uint32Array(Math.ceil(n / 32)).map(() => rng.nextU32());
  const seed = toeplitzSeed(n, l, rng);
  t = now();
  toeplitzHash(x, n, l, seed);
  const tT = (now() - t) / 1000;
  out.toeplitz = { n, l, seconds: tT, output_bits_per_second: l / tT };

  // One model update of 10⁴ parameters: handshake per round, then seal and open.
  const client = { id: 'c', signing: generateKeyPair(new Uint8Array(32).fill(1)) };
  const server = { id: 's', signing: generateKeyPair(new Uint8Array(32).fill(2)) };
  const reps = quick ? 5 : 20;
  t = now();
  let sess = await establishSession({ mode: 'pqc', run: 'b', client, server });
  for (let i = 1; i < reps; i++) sess = await establishSession({ mode: 'pqc', run: 'b', client, server });
  const tHs = (now() - t) / reps;
  const upd = Float64Array.from({ length: 10_000 }, (_, i) => Math.sin(i));
  const m = 200;
  t = now();
  const sealed = [];
  for (let i = 0; i < m; i++) sealed.push(sess.client.up.seal(upd, i));
  const tSeal = (now() - t) / m;
  t = now();
  for (let i = 0; i < m; i++) sess.server.up.open(sealed[i], i);
  const tOpen = (now() - t) / m;
  out.update_10k_params = { bytes: 80_000, handshake_ms: tHs, seal_ms: tSeal, open_ms: tOpen, total_ms_per_round: tHs + tSeal + tOpen, handshake_bytes: sess.handshakeBytes, overhead_bytes: 16 + 24 };
  if (json) { printJson(out); return; }
  printLine([
    `pulses: ${(pulses / cpuS).toExponential(2)} generated and sifted per CPU-second (target 1e7 per core; ratio ${(pulses / cpuS / 1e7).toFixed(2)}); ${(pulses / wall).toExponential(2)}/s wall clock`,
    `cascade: ${(bits / secs).toExponential(2)} corrected bits per CPU-second (target 1e6; ratio ${(bits / secs / 1e6).toFixed(2)})`,
    ...eff.map((e) => `  original, Q = ${(100 * e.qber).toFixed(0)}%: f = ${e.efficiency_mean.toFixed(4)} ± ${e.efficiency_std.toFixed(4)} (published ${e.published}; diff ${e.difference.toFixed(4)}), FER ${e.frame_error_rate}, ${e.ask_parity_messages_mean.toFixed(1)} messages, ${e.runs} runs`),
    `  yanetal, Q = 5%: f = ${y.efficiency_mean.toFixed(4)}, FER ${y.frame_error_rate}`,
    `toeplitz ${n}→${l}: ${tT.toFixed(3)} s`,
    `update of 10^4 parameters: handshake ${tHs.toFixed(1)} ms (X-Wing + 2× ML-DSA-65 + HKDF, ${sess.handshakeBytes} bytes), seal ${tSeal.toFixed(2)} ms, open ${tOpen.toFixed(2)} ms`,
  ].join('\n'));
}
