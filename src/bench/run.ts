/** `npm run bench [-- SUITE ...] [--json] [--quick]`: the same suites as `qml6g bench`. */
import { QmlError } from '../core/errors.js';
import { runBench } from '../cli/bench.js';

runBench(process.argv.slice(2)).catch((e: unknown) => {
  process.stderr.write(`qml6g bench: error: ${e instanceof QmlError ? e.oneLine() : (e as Error).message}\n`);
  process.exitCode = e instanceof QmlError ? 2 : 1;
});
