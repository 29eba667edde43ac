/**
 * The provider over real sockets, as the local sandbox runs it: the fake service listens on
 * 127.0.0.1 over plain http, which the connector reaches only with `allowInsecureLoopback`.
 * One tool's lifecycle: bind (create) → resolve → add → check → remove → check.
 */
import { allowRealHost } from '@clearway/connector-sdk/testing/network-guard';
import { afterEach, describe, expect, it } from 'vitest';
import { scimGroupProvider } from './provider.js';
import { FakeScimService } from './test-support/fake-scim-service.js';
import { BEARER_TOKEN, context } from './test-support/harness.js';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

describe('over a real loopback socket', () => {
  it('provisions and deprovisions one user end to end', async () => {
    allowRealHost('127.0.0.1');
    const service = new FakeScimService({ bearerToken: BEARER_TOKEN });
    const ada = service.addUser({ userName: 'ada@example.com' });
    const server = await service.listen();
    close = server.close;
    const connector = scimGroupProvider.connect({ config: { baseUrl: server.baseUrl, allowInsecureLoopback: true }, secrets: { bearerToken: BEARER_TOKEN } });

    expect((await connector.test(context(), {})).ok).toBe(true);
    const { group, outcome } = await connector.bindGroup(context(), { name: 'AI - Sandbox users', createIfMissing: true });
    expect(outcome).toBe('created');
    const resolution = await connector.resolveIdentity(context(), { accountId: 'acc-ada', email: 'ada@example.com' });
    expect(resolution).toMatchObject({ outcome: 'resolved', identity: { id: ada.id } });
    if (resolution.outcome !== 'resolved') return;
    expect(await connector.add(context(), group, resolution.identity)).toEqual({ outcome: 'applied' });
    expect(await connector.check(context(), group, resolution.identity)).toEqual({ outcome: 'member', via: 'direct' });
    expect(await connector.remove(context(), group, resolution.identity)).toEqual({ outcome: 'applied' });
    expect(await connector.check(context(), group, resolution.identity)).toEqual({ outcome: 'not_member', via: 'direct' });
    expect(service.requestsTo('PATCH', /^\/Groups\//).map((request) => request.headers['if-match'])).toEqual(['W/"1"', 'W/"2"']);
  });

  it('refuses plain http to the same simulator without the opt-in', () => {
    expect(() => scimGroupProvider.connect({ config: { baseUrl: 'http://127.0.0.1:7070/scim/v2' }, secrets: { bearerToken: BEARER_TOKEN } })).toThrow(
      expect.objectContaining({ kind: 'invalid_config', code: 'invalid_settings' }),
    );
  });
});
