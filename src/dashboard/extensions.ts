/**
 * Pages other layers add to the dashboard. The governance layer's audit log and oversight queue are
 * added here once that layer provides their APIs.
 */
import type { DashboardExtension } from './app.js';

export async function dashboardExtensions(): Promise<DashboardExtension[]> {
  return [];
}
