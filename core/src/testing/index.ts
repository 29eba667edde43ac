export { describeStoreContract } from './store-contract.js';
export { FakeClock, MemoryLogger, T0 } from './fakes.js';
