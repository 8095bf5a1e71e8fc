/**
 * `qml6g oversee list|approve|override|reverse|stop|resume|submit`: the human-oversight queue kept
 * beside the audit log. Every action is an audit entry naming who acted (--who, default: the login).
 */
import os from 'node:os';
import fs from 'node:fs';
import { QmlError } from '../../core/errors.js';
import { AuditLog, defaultLogFile } from '../../governance/audit-log.js';
import { defaultOversightPolicy, OversightQueue, type OversightItem, type ProposedDecision } from '../../governance/oversight.js';
import { parseArgs, usage, type Flags } from '../args.js';
import { printJson, printLine } from '../io.js';

export const help = 'human oversight: list, approve, override, reverse queued decisions; stop or resume the automated loop';

const flags: Flags = {
  log: { type: 'string', help: 'the audit log / queue file (default $QML6G_HOME/audit.db)' },
  who: { type: 'string', help: 'who acts (default: the login name)' },
  action: { type: 'string', help: 'override: the action to apply instead (JSON)' },
  note: { type: 'string', help: 'a note kept with the action' },
  reason: { type: 'string', help: 'stop/resume: why' },
  all: { type: 'boolean', help: 'list: every decision, not only pending ones' },
  'min-confidence': { type: 'number', help: 'submit: decisions below this confidence go to a person', default: defaultOversightPolicy.minConfidence },
  deadline: { type: 'int', help: 'submit: seconds before the safe default applies', default: defaultOversightPolicy.deadlineSeconds },
  json: { type: 'boolean', help: 'print one JSON object (last line)' },
  help: { type: 'boolean', help: 'show this help' },
};

const synopsis = `list|approve ID|override ID --action JSON|reverse ID|stop|resume|submit [options]
  list          decisions waiting for a person (--all: every decision and its outcome)
  approve ID    apply the proposed action
  override ID   apply --action JSON instead
  reverse ID    undo an applied decision: its safe default applies
  stop          halt the automated loop in its safe state (pending decisions take their safe default)
  resume        let the automated loop run again
  submit        route decisions (JSON objects on stdin, one per line) through the policy`;

const who = (f: Record<string, unknown>): string => (f.who as string | undefined) ?? (() => { try { return os.userInfo().username; } catch { return ''; } })();

function line(it: OversightItem): string {
  const what = JSON.stringify(it.status === 'pending' ? it.decision.action : it.outcome);
  return `${it.id.padEnd(16)} ${it.status.padEnd(10)} ${it.status === 'pending' ? `until ${it.deadline}` : `by ${it.actor}`}  ${what}  [${it.reasons.join('; ') || 'automatic'}]`;
}

export function run(argv: string[]): void {
  const a = parseArgs(argv, flags, 'oversee');
  const [sub, id] = a.positional;
  if (a.flags.help || !sub) { printLine(usage('oversee', synopsis, flags)); if (!a.flags.help) process.exitCode = 2; return; }
  const known = ['list', 'approve', 'override', 'reverse', 'stop', 'resume', 'submit'];
  if (!known.includes(sub)) throw new QmlError(`unknown oversee command "${sub}" (${known.join(', ')})`);
  if (['approve', 'override', 'reverse'].includes(sub) && !id) throw new QmlError(`${sub} needs the decision ID (qml6g oversee list shows them)`);
  const json = !!a.flags.json;
  const log = AuditLog.open((a.flags.log as string | undefined) ?? defaultLogFile());
  try {
    const q = new OversightQueue(log, { ...defaultOversightPolicy, minConfidence: a.flags['min-confidence'] as number, deadlineSeconds: a.flags.deadline as number });
    const note = a.flags.note as string | undefined;
    if (sub === 'list') {
      const items = q.list({ all: !!a.flags.all });
      const state = q.state();
      if (json) { printJson({ state, items }); return; }
      printLine(state.state === 'stopped' ? `automated loop STOPPED by ${state.actor} at ${state.at}${state.reason ? `: ${state.reason}` : ''}` : 'automated loop running');
      if (!items.length) printLine(a.flags.all ? 'no decisions' : 'nothing waiting for a person');
      for (const it of items) printLine(line(it));
    } else if (sub === 'approve' || sub === 'override' || sub === 'reverse') {
      let it: OversightItem;
      if (sub === 'approve') it = q.approve(id, who(a.flags), note);
      else if (sub === 'reverse') it = q.reverse(id, who(a.flags), note);
      else {
        if (a.flags.action === undefined) throw new QmlError('override needs --action JSON (the action to apply instead)');
        let action: unknown;
        try { action = JSON.parse(a.flags.action as string); } catch (e) { throw new QmlError(`--action is not valid JSON: ${(e as Error).message}`, '--action'); }
        it = q.override(id, who(a.flags), action, note);
      }
      if (json) printJson(it); else printLine(`${it.id}: ${it.status} by ${it.actor}; applied ${JSON.stringify(it.outcome)}`);
    } else if (sub === 'stop') {
      const r = q.stop(who(a.flags), a.flags.reason as string | undefined);
      if (json) printJson(r); else printLine(r.message);
    } else if (sub === 'resume') {
      const s = q.resume(who(a.flags), a.flags.reason as string | undefined);
      if (json) printJson(s); else printLine(`resumed by ${s.actor}: automated decisions run again`);
    } else {
      const text = fs.readFileSync(0, 'utf8');
      const decisions: ProposedDecision[] = [];
      text.split('\n').forEach((l, i) => {
        if (!l.trim()) return;
        try { decisions.push(JSON.parse(l) as ProposedDecision); } catch (e) { throw new QmlError(`invalid JSON: ${(e as Error).message}`, `stdin:${i + 1}`); }
      });
      const items = decisions.map((d) => q.submit(d));
      if (json) printJson({ submitted: items.length, pending: items.filter((i) => i.status === 'pending').length, items });
      else for (const it of items) printLine(line(it));
    }
  } finally {
    log.close();
  }
}
