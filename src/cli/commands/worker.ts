import { runWorkerCommand } from '../worker.js';

export const help = 'run sweep jobs from NATS JetStream on this machine: qml6g worker --nats URL';
export const run = runWorkerCommand;
