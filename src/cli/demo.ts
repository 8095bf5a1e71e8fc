/**
 * `qml6g demo`: a tour of the simulator on built-in circuits (Bell pair, a noisy GHZ state with
 * read-out error, and the gradient of a small variational circuit by three methods).
 */
import { CircuitBuilder, param, input } from '../sim/circuit.js';
import { simulate } from '../sim/simulate.js';
import { gradient } from '../sim/gradients.js';
import { observable } from '../sim/observable.js';
import { parseArgs, usage, type Flags } from './args.js';
import { printJson, printLine } from './io.js';
import { version } from '../core/version.js';
import { probabilitiesRecord } from './simulate.js';

const flags: Flags = {
  json: { type: 'boolean', help: 'print one JSON object' },
  seed: { type: 'int', help: 'random seed', default: 7 },
  help: { type: 'boolean', help: 'show this help' },
};

export function runDemo(argv: string[]): void {
  const a = parseArgs(argv, flags, 'demo');
  if (a.flags.help) { printLine(usage('demo', '[options]', flags)); return; }
  const seed = a.flags.seed as number;
  const bell = simulate(new CircuitBuilder(2).h(0).cx(0, 1).measureAll().build(), { shots: 1000, seed });
  const noise = {
    after_1q: [{ channel: 'depolarizing' as const, p: 0.01 }, { channel: 'amplitude_damping' as const, gamma: 0.02 }],
    after_2q: [{ channel: 'depolarizing' as const, p: 0.03 }],
    readout: { p1_given_0: 0.02, p0_given_1: 0.05 },
  };
  const ghz = new CircuitBuilder(5).h(0).cx(0, 1).cx(1, 2).cx(2, 3).cx(3, 4).measureAll().build();
  const noisy = simulate(ghz, { noise, shots: 2000, seed });
  const vqc = new CircuitBuilder(3)
    .ry(0, input(0, Math.PI)).ry(1, input(1, Math.PI)).ry(2, input(2, Math.PI))
    .rx(0, param(0)).rx(1, param(1)).rx(2, param(2)).cx(0, 1).cx(1, 2).crz(2, 0, param(3))
    .build();
  const obs = observable([[1, 'Z0 Z1'], [0.5, 'X2']]);
  const opts = { params: [0.1, 0.7, -0.4, 1.2], inputs: [0.3, -0.2, 0.9] };
  const grads = (['adjoint', 'parameter-shift', 'finite-diff'] as const).map((method) => {
    const g = gradient(vqc, obs, { ...opts, method });
    return { method, value: g.value, dparams: [...g.dparams], dinputs: [...g.dinputs], evaluations: g.evaluations };
  });
  const result = {
    bell_counts: bell.counts,
    noisy_ghz: { fidelity_to_ghz: noisy.probabilities[0] + noisy.probabilities[31], counts: noisy.counts, measured: probabilitiesRecord(noisy.measuredProbabilities, 5) },
    gradients: grads,
    seed, version: version(),
  };
  if (a.flags.json) { printJson(result); return; }
  printLine(`qml6g ${version()} simulator demo (seed ${seed})`);
  printLine(`Bell pair, 1000 shots: ${JSON.stringify(bell.counts)}`);
  printLine(`5-qubit GHZ under depolarising + damping noise: P(00000) + P(11111) = ${result.noisy_ghz.fidelity_to_ghz.toFixed(4)}`);
  printLine(`  counts with read-out error (2000 shots): ${JSON.stringify(Object.fromEntries(Object.entries(noisy.counts!).sort((x, y) => y[1] - x[1]).slice(0, 4)))} ...`);
  printLine('Gradient of <Z0 Z1> + 0.5<X2> of a 3-qubit variational circuit:');
  for (const g of grads) printLine(`  ${g.method.padEnd(16)} d/dθ = [${g.dparams.map((v) => v.toFixed(6)).join(', ')}]  d/dx = [${g.dinputs.map((v) => v.toFixed(6)).join(', ')}]  (${g.evaluations} circuit runs)`);
}
