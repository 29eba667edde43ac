// What other examples (the benchmarks) reuse from the sandbox: its adapters, composition root and work-linked world.
export { CollectingLogger, FileSecrets, SandboxJira, VirtualClock } from './adapters.js';
export { sandboxEngine, withProviders } from './providers.js';
export { SIM_CREDENTIALS, bothDirectoriesSeed, simulatorConnectors } from './simulator-seed.js';
export { paths } from './paths.js';
export { readFlags } from './flags.js';
export { seededRandom, type Random } from './random.js';
export { table } from './story.js';
export type { SandboxDeps } from './world.js';
export { INC_PROJECT, SimulatedWorkSite, type SiteEvent } from './work/site.js';
export { workWorld, type WorkWorld } from './work/world.js';
