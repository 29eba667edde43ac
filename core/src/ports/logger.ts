export type { LogFields, Logger } from '@clearway/connector-sdk';
export { silentLogger } from '@clearway/connector-sdk';
