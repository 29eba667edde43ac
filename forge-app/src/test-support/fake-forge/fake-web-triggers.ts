/**
 * The platform's web trigger URLs, as `@forge/api`'s `webTrigger.getUrl` reaches them: a GraphQL
 * mutation `createWebTriggerUrl(input: { appId, envId, triggerKey, contextId }, forceCreate)`
 * posted to `/graphql` through `__forge_fetch__` (target `{ type: 'fpp', provider: 'app',
 * remote: 'stargate' }`), answered `{ data: { createWebTriggerUrl: { url } } }`. A URL is stable
 * per module key and installation until `forceCreate` asks for a new one
 * (https://developer.atlassian.com/platform/forge/runtime-reference/web-trigger-api); it has the
 * shape `https://<id>.hello.atlassian-dev.net/x1/<token>`. Only keys the manifest declares as
 * `webtrigger` modules get one.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { bodyOf, isRecord, json, type FetchInit } from './http';

export class FakeWebTriggers {
  private readonly urls = new Map<string, string>();
  private readonly host = `${randomUUID()}.hello.atlassian-dev.net`;
  /** Every mutation's input, to prove what the SDK asked for. */
  readonly requests: Array<{ readonly input: unknown; readonly forceCreate: unknown }> = [];

  constructor(private readonly declared: ReadonlySet<string>) {}

  /** The URL handed out for a module key, if any was. */
  urlOf(moduleKey: string): string | undefined {
    return this.urls.get(moduleKey);
  }

  handle(path: string, init: FetchInit | undefined): Response {
    if (path !== '/graphql') return json(404, { message: `The fake GraphQL service does not serve ${path}.` });
    const body = bodyOf(init);
    const query = isRecord(body) && typeof body.query === 'string' ? body.query : '';
    const variables = isRecord(body) && isRecord(body.variables) ? body.variables : {};
    if (!query.includes('createWebTriggerUrl')) return json(200, { data: null, errors: [{ message: 'The fake GraphQL service answers createWebTriggerUrl only.' }] });
    this.requests.push({ input: variables.input, forceCreate: variables.forceCreate });
    const input = isRecord(variables.input) ? variables.input : {};
    const key = input.triggerKey;
    if (typeof key !== 'string' || !this.declared.has(key) || typeof input.appId !== 'string' || typeof input.contextId !== 'string') {
      return json(200, { data: { createWebTriggerUrl: null }, errors: [{ message: `No webtrigger module ${String(key)} in this app.` }] });
    }
    let url = this.urls.get(key);
    if (url === undefined || variables.forceCreate === true) {
      url = `https://${this.host}/x1/${randomBytes(18).toString('base64url')}`;
      this.urls.set(key, url);
    }
    return json(200, { data: { createWebTriggerUrl: { url } } });
  }
}

/**
 * What the Forge runtime puts at `globalThis.__forge_runtime__` for an invocation, as far as
 * `@forge/api` reads it: the app and installation context, and the metrics it times calls with.
 */
export function fakeForgeRuntime(appContext: Record<string, unknown> = {}): Record<string, unknown> {
  const timer = { measure: () => ({ stop: () => undefined }) };
  return {
    appContext: { appId: 'd3adb33f-2ed0-4502-82f5-54ae21ea2f72', environmentId: 'env-development', installationId: 'install-1', ...appContext },
    contextAri: 'ari:cloud:jira::site/00000000-0000-4000-8000-000000000001',
    lambdaContext: { getRemainingTimeInMillis: () => 55_000 },
    metrics: { counter: () => ({ incr: () => undefined }), timing: () => timer },
  };
}

/** Sets the runtime for the calls that follow, as the platform does for each invocation; returns the undo. */
export function installForgeRuntime(appContext: Record<string, unknown> = {}): () => void {
  const holder = globalThis as { __forge_runtime__?: unknown };
  const previous = holder.__forge_runtime__;
  holder.__forge_runtime__ = fakeForgeRuntime(appContext);
  return () => {
    if (previous === undefined) delete holder.__forge_runtime__;
    else holder.__forge_runtime__ = previous;
  };
}
