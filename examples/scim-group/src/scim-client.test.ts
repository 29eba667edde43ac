import { createOperationContext, type Logger } from '@clearway/connector-sdk';
import { connectorFailure } from '@clearway/connector-sdk/testing';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { scimGroupProvider } from './provider.js';
import { BASIC_PASSWORD, BASIC_USER, BEARER_TOKEN, connectTo, context, seedDirectory, type Directory } from './test-support/harness.js';

let directory: Directory;
const group = () => ({ id: directory.group.id });
const ada = () => ({ id: directory.ada.id });

beforeEach(() => {
  directory = seedDirectory();
  directory.service.install();
});

describe('the SCIM client', () => {
  it('sends HTTP Basic credentials in Basic mode', async () => {
    const connector = scimGroupProvider.connect({
      config: { baseUrl: directory.service.baseUrl, authMode: 'basic', username: BASIC_USER },
      secrets: { password: BASIC_PASSWORD },
    });
    expect(await connector.check(context(), group(), ada())).toMatchObject({ outcome: 'not_member' });
    expect(directory.service.requests[0]?.headers.authorization).toBe(`Basic ${Buffer.from(`${BASIC_USER}:${BASIC_PASSWORD}`).toString('base64')}`);
  });

  it('encodes query values with %20, never +, so every service reads the filter alike', async () => {
    await connectTo(directory.service).resolveIdentity(context(), { accountId: 'a', email: 'ada@example.com' });
    expect(directory.service.requests[0]?.rawQuery).toBe('?filter=userName%20eq%20%22ada%40example.com%22&count=2');
  });

  it('gives up on one slow request after the request timeout, as a transient timeout', async () => {
    directory.service.delayNext(1_500);
    const error = await connectorFailure(connectTo(directory.service, { requestTimeoutMs: 1_000 }).check(context(), group(), ada()));
    expect(error).toMatchObject({ kind: 'transient', code: 'timeout' });
  });

  it('stops at the operation deadline even when the request timeout is longer', async () => {
    directory.service.delayNext(1_500);
    const started = Date.now();
    const error = await connectorFailure(connectTo(directory.service, { requestTimeoutMs: 60_000 }).check(context({ timeoutMs: 300 }), group(), ada()));
    expect(error.kind).toBe('transient');
    expect(Date.now() - started).toBeLessThan(1_400);
  });

  it('classifies a connection reset as transient network', async () => {
    directory.service.resetNext();
    expect(await connectorFailure(connectTo(directory.service).add(context(), group(), ada()))).toMatchObject({ kind: 'transient', code: 'network' });
  });

  it('treats a 2xx that is not a SCIM resource as transient unexpected_response', async () => {
    directory.service.failNext({ status: 200, rawBody: '<html>maintenance</html>' });
    expect(await connectorFailure(connectTo(directory.service).check(context(), group(), ada()))).toMatchObject({ kind: 'transient', code: 'unexpected_response', status: 200 });
  });

  it('starts no request once the operation is past its deadline, even between two requests of one operation', async () => {
    // The look is answered, then the operation's time is up: the PATCH must not be sent.
    let now = Date.now();
    directory.service.beforeNext('GET', /^\/Groups\//, () => {
      now += 60_000;
    });
    const error = await connectorFailure(connectTo(directory.service).add(context({ now: () => now, timeoutMs: 10_000 }), group(), ada()));
    expect(error).toMatchObject({ kind: 'transient', code: 'deadline_exceeded' });
    expect(directory.service.requests.map((request) => request.method)).toEqual(['GET']);
    expect(directory.service.isMember(directory.group.id, directory.ada.id)).toBe(false);
  });

  it('sends nothing more once the signal aborts during the look, and changes nothing', async () => {
    directory.service.hangNext();
    const controller = new AbortController();
    const attempt = connectorFailure(connectTo(directory.service).add(context({ signal: controller.signal }), group(), ada()));
    await vi.waitFor(() => expect(directory.service.requestsReceived()).toBe(1));
    controller.abort();
    expect(await attempt).toMatchObject({ kind: 'transient' });
    expect(directory.service.requestsReceived()).toBe(1);
    expect(directory.service.isMember(directory.group.id, directory.ada.id)).toBe(false);
  });

  it('logs method, path and status only: never the token, the filter or the body', async () => {
    const lines: string[] = [];
    const logger: Logger = {
      debug: (message, fields) => lines.push(`${message} ${JSON.stringify(fields)}`),
      info: () => undefined,
      warn: () => undefined,
      error: () => undefined,
    };
    await connectTo(directory.service).resolveIdentity(createOperationContext({ logger }), { accountId: 'a', email: 'ada@example.com' });
    expect(lines).toEqual(['SCIM request answered {"method":"GET","path":"/Users","status":200}']);
    expect(lines.join()).not.toContain(BEARER_TOKEN);
  });
});
