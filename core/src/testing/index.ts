export { describeStoreContract, type SharedStoreHarness, type StoreContractOptions, type WorkerProcessResult } from './store-contract.js';
export { runSharedStoreWorker, seedSharedStore, type SharedStoreWorkerReport } from './shared-store-worker.js';
export { FakeClock, MemoryLogger, T0 } from './fakes.js';
export { MemoryWorkIssues, STATUSES as WORK_STATUSES } from './work-issues.js';
