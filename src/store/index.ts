/** The store layer's public API (see docs/architecture.md): the experiment store and run recording. */
export { Store, defaultStoreFile, processAlive, RUN_STATUSES, type RunStatus, type NewRun, type MetricPoint, type RunSummary, type RunDetail, type ArtifactInfo, type ListQuery, type HistoryPoint, type RunExport } from './store.js';
export { RunRecorder, recordRun, mediaTypeOf, type RecordOptions } from './recorder.js';
export { STORE_MIGRATIONS } from './migrations.js';
export { StoreRecorder, storeRecorder, paramsOf, type StoreRecorderOptions } from './job-recorder.js';
export { parseSweepSpec, checkSweepSpec, expandJobs, sweepIdOf, sweepState, ensureSweep, assignRun, summariseSweep, finishFromOutput, SWEEP_COMMANDS, type SweepSpec, type SweepJob, type SweepResult, type JobState, type SweepCommand } from './sweep.js';
export { runSweepLocal, jobArgv, defaultWorkers, CLI_MAIN, type PoolOptions } from './pool.js';
