export { describeStoreContract } from './store-contract.js';
