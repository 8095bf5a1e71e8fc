/** Last step: the plain-language summary, CSV tables and the HTML report. */
import path from 'node:path';
import { writeReport } from '../../report/report.js';
import { summarise, writeTables } from '../run.js';
import type { AssessStep } from '../state.js';

export const reportStep: AssessStep = {
  name: 'report',
  async run(ctx) {
    const out = ctx.state.cfg.out;
    ctx.record.summary = summarise(ctx.record);
    // The report is the run's last act: it describes the finished run (the runner confirms the status).
    ctx.record.status = 'complete';
    writeTables(ctx.record, out);
    await writeReport(ctx.record, out);
    ctx.artefact('report.html', path.join(out, 'report.html'));
  },
};
