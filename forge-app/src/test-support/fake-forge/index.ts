/**
 * The fake Forge platform behind `globalThis.__forge_fetch__`: the seam both `@forge/kvs` and
 * `@forge/api` (and through it `@forge/events` and `webTrigger.getUrl`) send every request through. Installing it lets
 * the real SDK code run in tests, offline, without `forge login`.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ManifestParserBuilder, type ManifestSchema } from '@forge/manifest';
import { FakeJiraSite } from './fake-jira';
import { FakeKvs, type EntityDeclaration } from './fake-kvs';
import { FakeQueues } from './fake-queues';
import { FakeWebTriggers } from './fake-web-triggers';
import type { FetchInit } from './http';

export { FakeJiraSite, type FakeIssue, type FakeUser } from './fake-jira';
export { FakeKvs, KVS_LIMITS, compareScalars, type EntityDeclaration } from './fake-kvs';
export { FakeQueues, type PushedEvent } from './fake-queues';
export { FakeWebTriggers, fakeForgeRuntime, installForgeRuntime } from './fake-web-triggers';

export const MANIFEST_PATH = fileURLToPath(new URL('../../../manifest.yml', import.meta.url));

interface FetchTarget {
  readonly type?: string;
  readonly provider?: string;
  readonly remote?: string;
  readonly accountId?: string;
}

type ForgeFetch = (target: FetchTarget, path: string, init?: FetchInit) => Promise<Response>;

let parsed: ManifestSchema | undefined;

/** The app's manifest, parsed (once per test file) as the Forge CLI parses it. */
export function readManifest(): ManifestSchema {
  parsed ??= new ManifestParserBuilder().withInterpolators().build().parseManifest({ content: readFileSync(MANIFEST_PATH, 'utf8'), filePath: MANIFEST_PATH });
  return parsed;
}

/** The `webtrigger` module keys declared in manifest.yml: the fake hands out URLs for exactly these. */
export function declaredWebTriggers(): Set<string> {
  const modules = readManifest().modules as unknown as Record<string, Array<{ key: string }> | undefined>;
  return new Set((modules.webtrigger ?? []).map((module) => module.key));
}

/** The custom entities declared in manifest.yml: the fake KVS serves exactly these. */
export function declaredEntities(): EntityDeclaration[] {
  return (readManifest().app.storage?.entities ?? []) as unknown as EntityDeclaration[];
}

export class FakeForge {
  readonly kvs = new FakeKvs(declaredEntities());
  readonly jira = new FakeJiraSite();
  readonly queues = new FakeQueues();
  readonly webTriggers = new FakeWebTriggers(declaredWebTriggers());

  async fetch(target: FetchTarget, path: string, init?: FetchInit): Promise<Response> {
    // Answer asynchronously, as the network does, so callers interleave like real ones.
    await Promise.resolve();
    if (target.type === 'kvs') return this.kvs.handle(path, init);
    if (target.type === 'fpp' && target.remote === 'jira') return this.jira.handle(target, path, init);
    if (target.type === 'fpp' && target.remote === 'stargate') return path === '/graphql' ? this.webTriggers.handle(path, init) : this.queues.handle(path, init);
    return new Response(JSON.stringify({ message: `No fake for ${JSON.stringify(target)}` }), { status: 501 });
  }
}

let current: FakeForge | undefined;

/** Starts a fresh fake platform (empty storage, empty site) and routes `__forge_fetch__` to it. */
export function resetFakeForge(): FakeForge {
  current = new FakeForge();
  return current;
}

export function fakeForge(): FakeForge {
  return current ?? resetFakeForge();
}

export function installFakeForge(): void {
  const forgeFetch: ForgeFetch = (target, path, init) => fakeForge().fetch(target, path, init);
  (globalThis as { __forge_fetch__?: ForgeFetch }).__forge_fetch__ = forgeFetch;
}
