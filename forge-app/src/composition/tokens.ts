/** Injection tokens for the app's own ports (core's ports are one value under core's CORE_DEPS). */
export const TOKENS = {
  directory: Symbol.for('clearway.forge.directory'),
  intake: Symbol.for('clearway.forge.intake'),
  lookup: Symbol.for('clearway.forge.lookup'),
  queue: Symbol.for('clearway.forge.queue'),
  budget: Symbol.for('clearway.forge.budget'),
} as const;
