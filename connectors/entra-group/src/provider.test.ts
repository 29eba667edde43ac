import { createOperationContext } from '@clearway/connector-sdk';
import { connectorFailure, describeProviderConformance } from '@clearway/connector-sdk/testing';
import { describe, expect, it } from 'vitest';
import { ENTRA_CAPABILITIES, entraGroupProvider } from './provider.js';
import { CLIENT_SECRET, baseSettings, conformanceHarness, context } from './test-support/harness.js';
import { createSelfSignedCertificate } from './test-support/self-signed-certificate.js';

describe('signed in with a client secret (ClientSecretCredential against the nocked sign-in endpoint)', () => {
  describeProviderConformance(conformanceHarness({ mode: 'client_secret' }));
});

describe('signed in with a client certificate (ClientCertificateCredential, assertion verified)', () => {
  describeProviderConformance(conformanceHarness({ mode: 'client_certificate', certificate: createSelfSignedCertificate() }));
});

describe('capabilities', () => {
  it.each(['direct', 'transitive'] as const)('a connector set to %s membership checks declares exactly that', (membershipCheck) => {
    const connector = entraGroupProvider.connect({ config: { ...baseSettings, membershipCheck }, secrets: { clientSecret: CLIENT_SECRET } });
    expect(connector.capabilities).toEqual({ ...ENTRA_CAPABILITIES, membershipCheck });
    expect(entraGroupProvider.capabilities.membershipCheck).toBe('direct');
  });
});

describe('the conformance fixture gives the kit what its checks need', () => {
  const setUp = async () => {
    const harness = conformanceHarness({ mode: 'client_secret' });
    const fixture = await harness.setup();
    return { fixture, connector: harness.provider.connect(fixture.connect) };
  };

  it('hangNext: the request gets no answer until the operation gives up; requestsReceived counts it, and nothing is sent after', async () => {
    const { fixture, connector } = await setUp();
    const user = await connector.resolveIdentity(context(), fixture.users[0].subject);
    if (user.outcome !== 'resolved') throw new Error('the fixture user must resolve');
    const before = fixture.faults?.requestsReceived?.() ?? -1;
    fixture.faults?.hangNext?.();
    const started = Date.now();
    const error = await connectorFailure(connector.add(createOperationContext({ timeoutMs: 300 }), fixture.existingGroup, user.identity));
    expect(error).toMatchObject({ kind: 'transient' });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(fixture.faults?.requestsReceived?.()).toBe(before + 1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(fixture.faults?.requestsReceived?.()).toBe(before + 1);
  });

  it('inactiveSubject resolves unresolved / inactive (accountEnabled: false)', async () => {
    const { fixture, connector } = await setUp();
    if (!fixture.inactiveSubject) throw new Error('the fixture must name an inactive subject');
    expect(await connector.resolveIdentity(context(), fixture.inactiveSubject)).toMatchObject({ outcome: 'unresolved', reason: 'inactive' });
  });

  it('missingGroup: removing a user from it is not already_satisfied', async () => {
    const { fixture, connector } = await setUp();
    if (!fixture.missingGroup) throw new Error('the fixture must name a missing group');
    const user = await connector.resolveIdentity(context(), fixture.users[0].subject);
    if (user.outcome !== 'resolved') throw new Error('the fixture user must resolve');
    expect(await connectorFailure(connector.remove(context(), fixture.missingGroup, user.identity))).toMatchObject({ kind: 'not_found', code: 'group_not_found' });
  });

  it('pageMembers: the tenant then answers that many members a page, whatever $top asks', async () => {
    const { fixture, connector } = await setUp();
    for (const known of fixture.users) {
      const user = await connector.resolveIdentity(context(), known.subject);
      if (user.outcome !== 'resolved') throw new Error('the fixture users must resolve');
      await connector.add(context(), fixture.existingGroup, user.identity);
    }
    fixture.pageMembers?.(2);
    const first = await connector.listMembers?.(context(), fixture.existingGroup);
    expect(first?.members).toHaveLength(2);
    expect(first?.nextCursor).toMatch(/\$skiptoken=/);
  });

  const shapes = ['429 TooManyRequests with Retry-After', '503 serviceNotAvailable with Retry-After', '504 with Retry-After'];

  it('names the rate-limit shapes Graph documents', async () => {
    const { fixture } = await setUp();
    expect(fixture.rateLimitShapes?.map((shape) => shape.name)).toEqual(shapes);
  });

  it.each(shapes)('rate-limit shape "%s" is rate_limited with the wait it asked for, and the retry applies', async (name) => {
    const { fixture, connector } = await setUp();
    const user = await connector.resolveIdentity(context(), fixture.users[0].subject);
    if (user.outcome !== 'resolved') throw new Error('the fixture user must resolve');
    fixture.rateLimitShapes?.find((shape) => shape.name === name)?.next(7_000);
    expect(await connectorFailure(connector.add(context(), fixture.existingGroup, user.identity))).toMatchObject({ kind: 'rate_limited', retryAfterMs: 7_000 });
    expect(await connector.add(context(), fixture.existingGroup, user.identity)).toEqual({ outcome: 'applied' });
  });
});
