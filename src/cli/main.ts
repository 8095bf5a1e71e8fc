#!/usr/bin/env node
/**
 * The qml6g command. Expected failures (bad input) print one line and set exit code 2; results are
 * never cut off, because we set process.exitCode and let stdout drain instead of calling exit().
 */
import { QmlError } from '../core/errors.js';
import { version } from '../core/version.js';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { printLine } from './io.js';

/**
 * Every command is one module in ./commands/ named after it, exporting `help` (one line) and
 * `run(argv)`. Adding a command is adding a file: nothing here changes, and a command loads only its
 * own dependencies (start-up stays fast however many layers the package grows).
 */
interface Command { help: string; run: (argv: string[]) => void | Promise<void> }
const commandDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'commands');

function commandNames(): string[] {
  return fs.readdirSync(commandDir).filter((f) => f.endsWith('.js')).map((f) => f.slice(0, -3)).sort();
}

async function loadCommand(name: string): Promise<Command> {
  return (await import(new URL(`./commands/${name}.js`, import.meta.url).href)) as Command;
}

async function help(): Promise<string> {
  const names = commandNames();
  const helps = await Promise.all(names.map(async (n) => (await loadCommand(n)).help));
  return [
    `qml6g ${version()}: trustworthy hybrid quantum-classical models for 6G network functions`,
    '',
    'usage: qml6g COMMAND [options]   (qml6g COMMAND --help for its options)',
    '',
    ...names.map((n, i) => `  ${n.padEnd(12)} ${helps[i]}`),
    `  ${'version'.padEnd(12)} print the version`,
  ].join('\n');
}
// A reader that stops early (`qml6g ... | head`) closes the pipe: that is not an error of ours.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE') throw e;
});

async function main(argv: string[]): Promise<void> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === 'help' || cmd === '--help' || cmd === '-h') { printLine(await help()); return; }
  if (cmd === 'version' || cmd === '--version') { printLine(version()); return; }
  const names = commandNames();
  if (!names.includes(cmd)) throw new QmlError(`unknown command "${cmd}" (known: ${names.join(', ')}, version)`);
  await (await loadCommand(cmd)).run(rest);
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
