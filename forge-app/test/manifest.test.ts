import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { validate } from '@forge/manifest';
import { afterAll, describe, expect, it } from 'vitest';
import { BACKEND_EGRESS } from '../src/adapters/egress/backend-egress';
import { ATLASSIAN_REMOTE_MCP_URL, GATEWAY_EGRESS } from '../src/adapters/egress/gateway-egress';
import { FULFILLMENT_QUEUE_KEY } from '../src/adapters/events/event-queue';
import { manifestEntities } from '../src/adapters/kvs-store/entity-mapping';
import { GATEWAY_WEB_TRIGGER_KEY } from '../src/adapters/runtime/web-trigger-url';
import * as handlers from '../src/index';
import { SURFACE_MODULE_TYPES } from '../src/resolvers/contract';
import { MANIFEST_PATH, readManifest } from '../src/test-support/fake-forge/index';

type Module = Record<string, unknown> & { key: string };

const manifest = readManifest();
const modules = manifest.modules as unknown as Record<string, Module[] | undefined>;
const functions = (modules.function ?? []) as Array<Module & { handler: string; timeoutSeconds?: number }>;
const functionByKey = new Map(functions.map((fn) => [fn.key, fn]));

function resolverFunctionOf(module: Module): string | undefined {
  const resolver = module.resolver as { function?: string } | undefined;
  return resolver?.function;
}

describe('manifest.yml', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'clearway-manifest-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('passes @forge/manifest’s full validation offline', async () => {
    const result = await validate(false, MANIFEST_PATH);
    expect(result.errors ?? []).toEqual([]);
    expect(result.success).toBe(true);
  }, 30_000);

  it('is checked by a validator that does fail a broken manifest (a global page open to unlicensed users)', async () => {
    const broken = readFileSync(MANIFEST_PATH, 'utf8').replace('      title: Clearway\n      resource: global-page', '      title: Clearway\n      unlicensedAccess:\n        - customer\n      resource: global-page');
    const copy = join(scratch, 'manifest.yml');
    writeFileSync(copy, broken);
    cpSync(join(dirname(MANIFEST_PATH), 'src'), join(scratch, 'src'), { recursive: true });
    const result = await validate(false, copy);
    expect(result.success).toBe(false);
  }, 30_000);

  it('names only handlers that src/index.ts exports as functions', () => {
    for (const fn of functions) {
      const [file, name] = fn.handler.split('.');
      expect(file).toBe('index');
      expect(typeof (handlers as Record<string, unknown>)[name ?? '']).toBe('function');
    }
    expect(functions.map((fn) => fn.handler.split('.')[1]).sort()).toEqual(Object.keys(handlers).sort());
  });

  it('declares exactly the custom entities and indexes the KVS store queries', () => {
    expect(manifest.app.storage?.entities).toEqual(manifestEntities());
    for (const entity of manifestEntities()) {
      expect(entity.indexes?.length ?? 0).toBeLessThanOrEqual(7);
      expect(Object.keys(entity.attributes).length).toBeLessThanOrEqual(50);
      for (const attribute of Object.keys(entity.attributes)) expect(attribute.length).toBeLessThanOrEqual(30);
    }
  });

  it('keeps within the platform’s five scheduled triggers: the fulfillment tick and the combined sweeps', () => {
    const scheduled = modules.scheduledTrigger ?? [];
    expect(scheduled.length).toBeLessThanOrEqual(5);
    expect(scheduled.map((trigger) => [trigger.function, trigger.interval])).toEqual([
      ['fulfillment-tick', 'fiveMinute'],
      ['lifecycle-sweeps', 'hour'],
    ]);
  });

  it('consumes the fulfillment queue, and gives long timeouts only to consumer and trigger functions', () => {
    const consumers = modules.consumer ?? [];
    expect(consumers).toEqual([{ key: 'clearway-fulfillment-consumer', queue: FULFILLMENT_QUEUE_KEY, function: 'fulfillment-consumer' }]);
    const background = new Set([...consumers, ...(modules.scheduledTrigger ?? []), ...(modules.trigger ?? [])].map((module) => module.function as string));
    for (const fn of functions) {
      if (fn.timeoutSeconds === undefined) continue;
      expect(background.has(fn.key)).toBe(true);
      expect(fn.timeoutSeconds).toBeGreaterThan(0);
      expect(fn.timeoutSeconds).toBeLessThanOrEqual(900);
    }
    expect(modules.trigger?.[0]).toMatchObject({ function: 'issue-created', events: ['avi:jira:created:issue'] });
  });

  it('allows egress only to the providers’ hosts and the gateway’s, as address objects: every Okta cell (wildcard and bare domain), Graph, Entra sign-in, Atlassian’s MCP server and its authorization servers', () => {
    expect(manifest.permissions?.external).toEqual({ fetch: { backend: BACKEND_EGRESS.map((address) => ({ address })) } });
    for (const cell of ['okta.com', 'oktapreview.com', 'okta-emea.com']) expect(BACKEND_EGRESS).toEqual(expect.arrayContaining([`*.${cell}`, cell]));
    expect(BACKEND_EGRESS).toEqual(expect.arrayContaining([...GATEWAY_EGRESS, new URL(ATLASSIAN_REMOTE_MCP_URL).host]));
    // Exact hosts: a wildcard over atlassian.com would let the app reach every Atlassian service.
    expect(BACKEND_EGRESS.filter((address) => address.includes('atlassian'))).toEqual(['mcp.atlassian.com', 'cf.mcp.atlassian.com', 'auth.atlassian.com']);
  });

  it('serves the gateway from one dynamic web trigger bound to gatewayWebTrigger, on the platform’s default 55 s', () => {
    const triggers = modules.webtrigger ?? [];
    expect(triggers).toEqual([{ key: GATEWAY_WEB_TRIGGER_KEY, function: 'gateway-web-trigger', response: { type: 'dynamic' } }]);
    expect(functionByKey.get('gateway-web-trigger')).toEqual({ key: 'gateway-web-trigger', handler: 'index.gatewayWebTrigger' });
  });

  it('runs on nodejs22.x', () => {
    expect(manifest.app.runtime?.name).toBe('nodejs22.x');
  });

  it('lets portal customers reach the portal modules only, each bound to the portal resolver', () => {
    for (const type of ['jiraServiceManagement:portalRequestCreatePropertyPanel', 'jiraServiceManagement:portalRequestDetail']) {
      const [module] = modules[type] ?? [];
      expect(module?.unlicensedAccess).toEqual(['customer', 'unlicensed']);
      expect(resolverFunctionOf(module!)).toBe('portal-resolver');
    }
    for (const type of ['jira:globalPage', 'jira:adminPage']) expect(modules[type]?.[0]?.unlicensedAccess).toBeUndefined();
  });

  it('binds each UI module to the resolver function of its surface', () => {
    const expected: Record<string, string> = { globalPageResolver: 'globalPage', adminPageResolver: 'adminPage', portalResolver: 'portal' };
    for (const [type, list] of Object.entries(modules)) {
      for (const module of list ?? []) {
        const fnKey = resolverFunctionOf(module);
        if (!fnKey) continue;
        const handlerName = functionByKey.get(fnKey)?.handler.split('.')[1] ?? '';
        const surface = expected[handlerName] as keyof typeof SURFACE_MODULE_TYPES | undefined;
        expect(surface, `${type} → ${fnKey}`).toBeDefined();
        expect(SURFACE_MODULE_TYPES[surface!]).toContain(type);
      }
    }
  });
});
