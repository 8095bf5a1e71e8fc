/**
 * A small, strict argument parser: every flag is declared with its type, unknown flags and
 * malformed values are QmlErrors (exit code 2), and `--flag=value` and `--flag value` both work.
 */
import { QmlError } from '../core/errors.js';

export type FlagType = 'boolean' | 'string' | 'int' | 'number';
export interface FlagSpec { type: FlagType; help: string; default?: string | number | boolean }
export type Flags = Record<string, FlagSpec>;

export interface Parsed {
  positional: string[];
  flags: Record<string, string | number | boolean | undefined>;
}

export function parseArgs(argv: string[], spec: Flags, command: string): Parsed {
  const out: Parsed = { positional: [], flags: {} };
  for (const [k, s] of Object.entries(spec)) if (s.default !== undefined) out.flags[k] = s.default;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--') || a === '--') { if (a !== '--') out.positional.push(a); continue; }
    const eq = a.indexOf('=');
    const name = a.slice(2, eq < 0 ? undefined : eq);
    const s = spec[name];
    if (!s) throw new QmlError(`unknown option --${name} for "qml6g ${command}" (see qml6g ${command} --help)`);
    if (s.type === 'boolean') {
      if (eq >= 0) throw new QmlError(`--${name} takes no value`);
      out.flags[name] = true;
      continue;
    }
    let v: string | undefined = eq >= 0 ? a.slice(eq + 1) : argv[++i];
    if (v === undefined || (eq < 0 && v.startsWith('--'))) throw new QmlError(`--${name} needs a value`);
    if (s.type === 'int') {
      if (!/^-?\d+$/.test(v)) throw new QmlError(`--${name} must be an integer, got "${v}"`);
      out.flags[name] = Number(v);
    } else if (s.type === 'number') {
      const x = Number(v);
      if (v.trim() === '' || !Number.isFinite(x)) throw new QmlError(`--${name} must be a finite number, got "${v}"`);
      out.flags[name] = x;
    } else out.flags[name] = v;
    v = undefined;
  }
  return out;
}

export function usage(command: string, synopsis: string, spec: Flags): string {
  const lines = [`usage: qml6g ${command} ${synopsis}`, ''];
  for (const [k, s] of Object.entries(spec)) {
    const arg = s.type === 'boolean' ? '' : s.type === 'string' ? ' VALUE' : ' N';
    lines.push(`  --${k}${arg}`.padEnd(28) + s.help + (s.default !== undefined && s.type !== 'boolean' ? ` (default ${s.default})` : ''));
  }
  return lines.join('\n');
}
