#!/usr/bin/env node
/**
 * The qml6g command. Expected failures (bad input) print one line and set exit code 2; results are
 * never cut off, because we set process.exitCode and let stdout drain instead of calling exit().
 */
import { QmlError } from '../core/errors.js';
import { version } from '../core/version.js';
import { runSimulate } from './simulate.js';
import { runDemo } from './demo.js';
import { runBench } from './bench.js';
import { runTrain, runEvaluate } from './train.js';
import { runDatasets } from './datasets.js';
import { runAssessCommand } from './assess.js';
import { runVerify, runKeygen } from './verify.js';
import { runPoison } from './poison.js';
import { printLine } from './io.js';

const commands: Record<string, { run: (argv: string[]) => void | Promise<void>; help: string }> = {
  assess: { run: runAssessCommand, help: 'the main job: train, attack and assess quantum and classical threat detectors; writes ./qml6g-report/' },
  simulate: { run: runSimulate, help: 'simulate an OpenQASM 2.0 file (statevector, density matrix, shots, noise)' },
  bench: { run: runBench, help: 'benchmarks: qml6g bench sim [--json]' },
  demo: { run: runDemo, help: 'a tour of the simulator on built-in circuits' },
  train: { run: runTrain, help: 'train a quantum or classical threat detector and report test metrics' },
  evaluate: { run: runEvaluate, help: 'score a saved detector on data' },
  datasets: { run: runDatasets, help: 'list the data sets shipped with qml6g' },
  poison: { run: runPoison, help: 'training-time threats: poisoning, backdoors, tampered model files, and their defences' },
  verify: { run: runVerify, help: 'check a signed model file (ML-DSA-65): exit 0 intact, 1 otherwise' },
  keygen: { run: runKeygen, help: 'write a new ML-DSA-65 signing key pair' },
};

function help(): string {
  return [
    `qml6g ${version()}: trustworthy hybrid quantum-classical models for 6G network functions`,
    '',
    'usage: qml6g COMMAND [options]   (qml6g COMMAND --help for its options)',
    '',
    ...Object.entries(commands).map(([k, c]) => `  ${k.padEnd(10)} ${c.help}`),
    `  ${'version'.padEnd(10)} print the version`,
  ].join('\n');
}

// A reader that stops early (`qml6g ... | head`) closes the pipe: that is not an error of ours.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE') throw e;
});

async function main(argv: string[]): Promise<void> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === 'help' || cmd === '--help' || cmd === '-h') { printLine(help()); return; }
  if (cmd === 'version' || cmd === '--version') { printLine(version()); return; }
  const c = commands[cmd];
  if (!c) throw new QmlError(`unknown command "${cmd}" (known: ${Object.keys(commands).join(', ')}, version)`);
  await c.run(rest);
}

main(process.argv.slice(2)).catch((e: unknown) => {
  if (e instanceof QmlError) {
    process.stderr.write(`qml6g: error: ${e.oneLine()}\n`);
    process.exitCode = e.exitCode;
    return;
  }
  const err = e as Error;
  if (err instanceof RangeError && /Array buffer allocation failed|Invalid typed array length/.test(err.message)) {
    process.stderr.write(`qml6g: error: out of memory: ${err.message}\n`);
    process.exitCode = 2;
    return;
  }
  process.stderr.write(`qml6g: internal error: ${err?.message ?? String(e)}${process.env.QML6G_DEBUG ? `\n${err?.stack}` : ' (set QML6G_DEBUG=1 for details)'}\n`);
  process.exitCode = 1;
});
