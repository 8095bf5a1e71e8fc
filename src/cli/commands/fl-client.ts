import { runFlClient } from '../fl-client.js';

export const help = "one federated client on this machine: trains on its own rows for qml6g federate --nats URL";
export const run = runFlClient;
