/** Pages other layers add to the dashboard: the governance layer's audit log and oversight queue. */
import type { DashboardExtension } from './app.js';
import { governanceExtension, type GovernanceOptions } from './governance.js';

export async function dashboardExtensions(opts: { governance?: GovernanceOptions } = {}): Promise<DashboardExtension[]> {
  return [governanceExtension(opts.governance)];
}
