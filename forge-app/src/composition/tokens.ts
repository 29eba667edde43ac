/** Injection tokens for the app's own ports (core's ports are one value under core's CORE_DEPS). */
export const TOKENS = {
  directory: Symbol.for('clearway.forge.directory'),
  intake: Symbol.for('clearway.forge.intake'),
  lookup: Symbol.for('clearway.forge.lookup'),
  queue: Symbol.for('clearway.forge.queue'),
  budget: Symbol.for('clearway.forge.budget'),
  /** The AI-agent gateway's ports: the site's groups, sign-in storage, the web trigger URL, the upstream MCP server. */
  gatewayGroups: Symbol.for('clearway.forge.gateway.groups'),
  signInStore: Symbol.for('clearway.forge.gateway.signInStore'),
  gatewayBaseUrl: Symbol.for('clearway.forge.gateway.baseUrl'),
  gatewayUpstream: Symbol.for('clearway.forge.gateway.upstream'),
} as const;
