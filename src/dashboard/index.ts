/** The dashboard layer's public API (see docs/architecture.md). */
export { dashboardApp, HttpError, type DashboardOptions, type DashboardExtension } from './app.js';
export { startDashboard, type ServeOptions, type RunningDashboard } from './server.js';
export { governanceExtension, checkInclusion, type GovernanceOptions } from './governance.js';
