/** The dashboard layer's public API (see docs/architecture.md). */
export { dashboardApp, type DashboardOptions, type DashboardExtension } from './app.js';
export { startDashboard, type ServeOptions, type RunningDashboard } from './server.js';
