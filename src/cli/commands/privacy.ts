/**
 * `qml6g privacy --noise-multiplier Z --sampling-rate Q --steps T --delta D [--json] [--conversion improved|classic]`
 *
 * The (ε, δ) guarantee of T steps of the sampled Gaussian mechanism from the Rényi-DP accountant
 * (Mironov 2017; Mironov, Talwar & Zhang 2019), answering what TensorFlow Privacy's
 * `compute_dp_sgd_privacy` answers (same orders, same RDP-to-DP conversion). JSON contract (the last
 * stdout line): {"epsilon", "optimal_order"}, plus the inputs and the version.
 */
import { QmlError } from '../../core/errors.js';
import { version } from '../../core/version.js';
import { computeEpsilon, DEFAULT_ORDERS } from '../../federated/privacy/rdp.js';
import { parseArgs, usage, type Flags } from '../args.js';
import { printJson, printLine } from '../io.js';

export const help = 'the (ε, δ) of the sampled Gaussian mechanism from the Rényi-DP accountant';

const flags: Flags = {
  'noise-multiplier': { type: 'number', help: 'noise standard deviation / L2 sensitivity (z > 0)' },
  'sampling-rate': { type: 'number', help: 'probability each record (client) is in a step, in [0, 1]' },
  steps: { type: 'int', help: 'number of steps (rounds) composed' },
  delta: { type: 'number', help: 'target δ in (0, 1)' },
  conversion: { type: 'string', help: 'RDP → (ε, δ): improved (Canonne et al. 2020, as TF Privacy) or classic (Mironov 2017)', default: 'improved' },
  json: { type: 'boolean', help: 'print one JSON object' },
  help: { type: 'boolean', help: 'show this help' },
};

export function run(argv: string[]): void {
  const a = parseArgs(argv, flags, 'privacy');
  if (a.flags.help) { printLine(usage('privacy', '--noise-multiplier Z --sampling-rate Q --steps T --delta D [--json]', flags)); return; }
  if (a.positional.length) throw new QmlError(`privacy takes no positional arguments, got "${a.positional[0]}"`);
  const need = (k: string): number => {
    const v = a.flags[k];
    if (v === undefined) throw new QmlError(`--${k} is required`, `--${k}`);
    return v as number;
  };
  const conversion = a.flags.conversion as string;
  if (conversion !== 'improved' && conversion !== 'classic') throw new QmlError(`unknown conversion "${conversion}" (improved, classic)`, '--conversion');
  const q = { noiseMultiplier: need('noise-multiplier'), samplingRate: need('sampling-rate'), steps: need('steps'), delta: need('delta'), conversion: conversion as 'improved' | 'classic' };
  const r = computeEpsilon(q);
  const out = {
    epsilon: r.epsilon,
    optimal_order: r.optimalOrder,
    delta: q.delta,
    noise_multiplier: q.noiseMultiplier,
    sampling_rate: q.samplingRate,
    steps: q.steps,
    conversion,
    accountant: 'rdp-sampled-gaussian',
    orders: [DEFAULT_ORDERS[0], DEFAULT_ORDERS[DEFAULT_ORDERS.length - 1]],
    version: version(),
  };
  if (a.flags.json) { printJson(out); return; }
  printLine(`${q.steps} steps of the sampled Gaussian mechanism (q = ${q.samplingRate}, z = ${q.noiseMultiplier}) satisfy (${r.epsilon.toPrecision(5)}, ${q.delta})-DP; optimal RDP order ${r.optimalOrder}`);
  if (r.optimalOrder === DEFAULT_ORDERS[0] || r.optimalOrder === DEFAULT_ORDERS[DEFAULT_ORDERS.length - 1]) {
    printLine('the optimal order is at the end of the order grid: ε may be somewhat loose');
  }
}
