/** Injection tokens for the app's ports (core's own tokens: CORE_DEPS, ENGINE_OPTIONS, PROVIDER). */
export const TOKENS = {
  store: Symbol.for('clearway.forge.store'),
  clock: Symbol.for('clearway.forge.clock'),
  ids: Symbol.for('clearway.forge.ids'),
  secrets: Symbol.for('clearway.forge.secrets'),
  jira: Symbol.for('clearway.forge.jira'),
  logger: Symbol.for('clearway.forge.logger'),
  directory: Symbol.for('clearway.forge.directory'),
  intake: Symbol.for('clearway.forge.intake'),
  lookup: Symbol.for('clearway.forge.lookup'),
  queue: Symbol.for('clearway.forge.queue'),
  budget: Symbol.for('clearway.forge.budget'),
} as const;
