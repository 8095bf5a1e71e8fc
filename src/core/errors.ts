/**
 * Expected failures (bad input, unsupported sizes) are `QmlError`s: they carry a one-line
 * message and, where known, the place it happened (file:line:col, a JSON path, a row).
 * The CLI prints them as one line and exits with code 2; anything else is a bug.
 *
 * @example
 * import { QmlError } from 'qml6g';
 * try { throw new QmlError('unknown gate "foo"', 'circuit.qasm:3:1'); }
 * catch (e) { console.log((e as QmlError).oneLine()); } // circuit.qasm:3:1: unknown gate "foo"
 */
export class QmlError extends Error {
  readonly where: string | undefined;
  /** The CLI's exit code for this failure: 2 for bad input, 130 for an interrupted run. */
  exitCode = 2;
  constructor(message: string, where?: string) {
    super(message);
    this.name = 'QmlError';
    this.where = where;
  }
  oneLine(): string {
    return this.where ? `${this.where}: ${this.message}` : this.message;
  }
}

/** Throws a QmlError unless `cond` holds; keeps validation code to one line per rule. */
export function check(cond: unknown, message: string, where?: string): asserts cond {
  if (!cond) throw new QmlError(message, where);
}

export function isFiniteNumber(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}
