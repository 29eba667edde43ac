export { IdpSimulator, type CallRecord, type SimulatorOptions } from './server.js';
export { GraphTenant, type GraphGroupRecord, type GraphUserRecord } from './graph.js';
export { ScimService, type ScimGroupRecord, type ScimUserRecord } from './scim.js';
export { OktaOrg, type OktaGroupRecord, type OktaUserRecord } from './okta.js';
export type { Effect, EffectKind, Vendor } from './http.js';
export { loadSeed, type SimulatorSeed } from './seed.js';
export { createCertificate, ensureCertificate, type TlsMaterial } from './tls.js';
export { TrafficControl, type Bucket, type FaultRates, type OneShotFault, type RateLimitRule } from './traffic.js';
