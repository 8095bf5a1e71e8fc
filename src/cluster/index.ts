/** The cluster layer's public API: sweeps across machines on NATS JetStream (see docs/architecture.md). */
export { connectNats, natsServers, type ConnectOptions } from './connect.js';
export { ensureInfra, jobKey, STREAM, CONSUMER, KV_BUCKET, OBJ_BUCKET, SUBJECT_PREFIX, type JobMessage, type JobClaim, type Infra } from './jobs.js';
export { runWorker, executeWithCli, type WorkerOptions, type WorkerSummary, type JobExecutor } from './worker.js';
export { runSweepNats, type NatsSweepOptions } from './submit.js';
export { serveFlClient, runRemoteFederated, NatsClientPool, alignClientData, flSubject, type FlClientOptions, type RemoteOptions, type RemoteResults } from './fl.js';
