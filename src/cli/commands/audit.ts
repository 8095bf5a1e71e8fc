/**
 * `qml6g audit append|prove|consistency|checkpoint|verify|show`: the tamper-evident audit log (RFC
 * 9162 Merkle tree, signed checkpoints). Exit codes: 0 done (verify: intact), 1 verify found
 * tampering (what and where on stdout), 2 bad input (unknown entry, checkpoint of another log, ...).
 */
import fs from 'node:fs';
import { QmlError } from '../../core/errors.js';
import { AuditLog, defaultLogFile } from '../../governance/audit-log.js';
import { parseCheckpoint } from '../../governance/checkpoint.js';
import { verifyLog } from '../../governance/verify.js';
import { parseArgs, usage, type Flags } from '../args.js';
import { printJson, printLine, readJson, writeFileAtomic } from '../io.js';

export const help = 'tamper-evident audit log: append, prove, consistency, checkpoint, verify, show';

const flags: Flags = {
  log: { type: 'string', help: 'the audit log file (default $QML6G_HOME/audit.db)' },
  size: { type: 'int', help: 'prove: the tree size to prove against (default: the whole log)' },
  from: { type: 'int', help: 'consistency: the older tree size' },
  to: { type: 'int', help: 'consistency: the newer tree size (default: the whole log)' },
  checkpoint: { type: 'string', help: 'verify: a checkpoint file kept outside the log' },
  'checkpoint-every': { type: 'int', help: 'append: sign a checkpoint every N entries', default: 1000 },
  out: { type: 'string', help: 'checkpoint: also write it to this file' },
  json: { type: 'boolean', help: 'print one JSON object' },
  help: { type: 'boolean', help: 'show this help' },
};

const synopsis = `append|prove INDEX|consistency|checkpoint|verify|show INDEX --log FILE [options]
  append        read JSON objects (one per line) from stdin, append each; prints {"appended","tree_size","root"}
  prove INDEX   inclusion proof of entry INDEX (0-based) [--size N]
  consistency   consistency proof --from N1 --to N2
  checkpoint    print the latest signed checkpoint (signing one at the current size when needed)
  verify        replay the log against its checkpoints [--checkpoint CP]: exit 0 intact, 1 otherwise
  show INDEX    print entry INDEX`;

function indexArg(s: string | undefined, what: string): number {
  if (s === undefined || !/^\d+$/.test(s)) throw new QmlError(`${what} must be a non-negative integer, got ${s === undefined ? 'nothing' : `"${s}"`}`);
  return Number(s);
}

export async function run(argv: string[]): Promise<void> {
  const a = parseArgs(argv, flags, 'audit');
  const [sub, ...pos] = a.positional;
  if (a.flags.help || !sub) { printLine(usage('audit', synopsis, flags)); if (!a.flags.help) process.exitCode = 2; return; }
  const file = (a.flags.log as string | undefined) ?? defaultLogFile();
  const json = !!a.flags.json;
  if (sub === 'append') return append(file, a.flags['checkpoint-every'] as number);
  if (!['prove', 'consistency', 'checkpoint', 'verify', 'show'].includes(sub)) throw new QmlError(`unknown audit command "${sub}" (append, prove, consistency, checkpoint, verify, show)`);
  const log = AuditLog.open(file, { readonly: sub !== 'checkpoint' });
  try {
    if (sub === 'prove') {
      const p = log.inclusionProof(indexArg(pos[0], 'INDEX'), (a.flags.size as number | undefined) ?? log.size);
      if (json) printJson(p);
      else printLine([`entry ${p.leaf_index} in the tree of ${p.tree_size}`, `leaf hash ${p.leaf_hash}`, `root      ${p.root}`, ...p.proof.map((h, i) => `proof[${i}]  ${h}`)].join('\n'));
    } else if (sub === 'consistency') {
      if (a.flags.from === undefined) throw new QmlError('consistency needs --from N1');
      const c = log.consistencyProof(a.flags.from as number, (a.flags.to as number | undefined) ?? log.size);
      if (json) printJson(c);
      else printLine([`tree ${c.size1} → ${c.size2}`, `root1 ${c.root1}`, `root2 ${c.root2}`, ...c.proof.map((h, i) => `proof[${i}] ${h}`)].join('\n'));
    } else if (sub === 'checkpoint') {
      const cp = log.checkpoint();
      if (a.flags.out) writeFileAtomic(a.flags.out as string, `${JSON.stringify(cp)}\n`);
      printJson(cp);
    } else if (sub === 'show') {
      const i = indexArg(pos[0], 'INDEX');
      printJson(json ? { index: i, entry: log.entry(i) } : log.entry(i));
    } else {
      const cpFile = a.flags.checkpoint as string | undefined;
      const cp = cpFile ? parseCheckpoint(readJson(cpFile, 'checkpoint'), cpFile) : undefined;
      const r = verifyLog(log, { checkpoint: cp });
      if (json) printJson({ log: file, ...r });
      else {
        printLine(r.ok
          ? `${file}: intact: ${r.tree_size} entries, root ${r.root}, ${r.checkpoints_checked} checkpoints checked, signed up to ${r.signed_size}`
          : `${file}: TAMPERED: ${r.problems.length} problem(s) in ${r.tree_size} entries`);
        for (const p of r.problems) printLine(`  ${p.where}: ${p.what}`);
        for (const n of r.notes) printLine(`  note: ${n}`);
      }
      process.exitCode = r.ok ? 0 : 1;
    }
  } finally {
    log.close();
  }
}

/** Reads every line first (a malformed line appends nothing), then appends in acknowledged batches. */
function append(file: string, every: number): void {
  let text: string;
  try {
    text = fs.readFileSync(0, 'utf8');
  } catch (e) {
    throw new QmlError(`cannot read stdin: ${(e as Error).message}`);
  }
  const entries: object[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch (e) {
      throw new QmlError(`invalid JSON: ${(e as Error).message}; nothing was appended`, `stdin:${i + 1}`);
    }
    if (!v || typeof v !== 'object' || Array.isArray(v)) throw new QmlError('an audit entry must be a JSON object; nothing was appended', `stdin:${i + 1}`);
    entries.push(v);
  });
  const log = AuditLog.open(file, { checkpointEvery: every });
  try {
    for (let i = 0; i < entries.length; i += 1000) log.appendMany(entries.slice(i, i + 1000));
    printJson({ appended: entries.length, tree_size: log.size, root: log.root() });
  } finally {
    log.close();
  }
}
