/**
 * The JetStream resources of distributed sweeps, created once and shared by submitters and workers:
 * - stream QML6G_JOBS (subjects qml6g.jobs.SWEEP), work-queue retention: each job message is held
 *   until one worker acks it; message ids `SWEEP.JOB` make republishing a job a no-op (duplicate
 *   window);
 * - durable pull consumer `workers` with explicit acks: a message not acked within the ack wait
 *   (a worker that died, or stopped heart-beating) is delivered again;
 * - KV bucket qml6g-jobs: key `SWEEP.JOB` holds the job's state (claimed by whom, last heartbeat,
 *   done or failed, its run id), updated with compare-and-set so two workers never both own a job;
 * - object store qml6g-results: the finished run (metrics, artefacts, model files) under `SWEEP.JOB`.
 */
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, RetentionPolicy, StorageType, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { Objm, type ObjectStore } from '@nats-io/obj';
import type { NatsConnection } from '@nats-io/transport-node';

export const STREAM = 'QML6G_JOBS';
export const SUBJECT_PREFIX = 'qml6g.jobs';
export const CONSUMER = 'workers';
export const KV_BUCKET = 'qml6g-jobs';
export const OBJ_BUCKET = 'qml6g-results';

/** What travels on the work queue: one job of one sweep. */
export interface JobMessage { sweep: string; job: string; index: number; argv: string[] }

/** A job's state in the KV bucket. */
export interface JobClaim {
  state: 'claimed' | 'done' | 'failed' | 'released';
  worker: string;
  /** Milliseconds since the epoch of the claimant's last sign of life. */
  heartbeat: number;
  delivery: number;
  run_id: string;
  /** The finished run, when small enough to travel in the entry. */
  result?: import('../store/store.js').RunExport;
  /** Else the object-store name holding it. */
  object?: string;
}

export interface Infra { js: JetStreamClient; jsm: JetStreamManager; kv: KV; results: ObjectStore; ackWaitMs: number }

const nanos = (ms: number) => ms * 1_000_000;

/** Creates what is missing (idempotent); `ackWaitMs` is set on a new consumer or updated on an existing one when given. */
export async function ensureInfra(nc: NatsConnection, opts: { ackWaitMs?: number } = {}): Promise<Infra> {
  const jsm = await jetstreamManager(nc);
  const js = jetstream(nc);
  try {
    await jsm.streams.info(STREAM);
  } catch {
    try {
      await jsm.streams.add({ name: STREAM, subjects: [`${SUBJECT_PREFIX}.>`], retention: RetentionPolicy.Workqueue, storage: StorageType.File, duplicate_window: nanos(10 * 60_000) });
    } catch (e) {
      // Another process created it in between.
      await jsm.streams.info(STREAM).catch(() => { throw e; });
    }
  }
  let ackWaitMs = opts.ackWaitMs ?? 30_000;
  try {
    const ci = await jsm.consumers.info(STREAM, CONSUMER);
    if (opts.ackWaitMs !== undefined && ci.config.ack_wait !== nanos(opts.ackWaitMs)) await jsm.consumers.update(STREAM, CONSUMER, { ack_wait: nanos(opts.ackWaitMs) });
    else ackWaitMs = Math.round((ci.config.ack_wait ?? nanos(30_000)) / 1_000_000);
  } catch {
    await jsm.consumers.add(STREAM, { durable_name: CONSUMER, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All, ack_wait: nanos(ackWaitMs), max_deliver: -1 });
  }
  const kv = await new Kvm(js).create(KV_BUCKET, { history: 1 });
  const results = await new Objm(js).create(OBJ_BUCKET);
  return { js, jsm, kv, results, ackWaitMs };
}

export const jobKey = (sweep: string, job: string) => `${sweep}.${job}`;
