/**
 * A directory provider for tests that, like Okta or Entra, finds people only by an explicit
 * mapping (user id or login) or by email — never by the Jira account id alone. It counts its
 * lookups, so a test proves which ones the engine spent, and it can fail its next add with a
 * terminal error that carries what a vendor's error carries (wording, code, request id, and here
 * even the connector's own token, which the SDK must redact).
 */
import { defineProvider, PermissionError, type ConnectorError } from '@clearway/connector-sdk';
import { z } from 'zod';

export interface DirectoryUser {
  readonly id: string;
  readonly login: string;
  readonly email: string;
}

export class EmailDirectory {
  readonly users: DirectoryUser[] = [];
  readonly members = new Set<string>();
  lookups = 0;
  /** The next add fails with this (given the connector's token), then adds work again. */
  failNextAdd: ((token: string) => ConnectorError) | undefined;

  addUser(user: DirectoryUser): DirectoryUser {
    this.users.push(user);
    return user;
  }
}

/** What a vendor says when it refuses a membership change: internals for the admin, never for the requester. */
export const vendorRefusal = (token: string): ConnectorError =>
  new PermissionError(`Directory refused to change group grp-77 with token ${token}: DIR-403 insufficient scope groups.write`, { status: 403, providerCode: 'DIR-403', requestId: 'req-5e1f' });

export function emailDirectoryProvider(directory: EmailDirectory) {
  return defineProvider({
    type: 'email-directory',
    displayName: 'Email directory',
    description: 'Finds people by mapping or email and manages one group per tool.',
    configSchema: z.object({}),
    secrets: { apiToken: { label: 'API token' } },
    capabilities: { createGroups: true, maxBatchSize: 1, membershipCheck: 'direct', manual: false },
    setup: { steps: 'Create an API token with groups.write.', permissions: ['groups.write', 'users.read'] },
    create({ secrets }) {
      return {
        test: async () => ({ ok: true, checks: [{ name: 'Reachable', passed: true, message: 'The directory answers.' }] }),
        resolveIdentity: async (_ctx, subject) => {
          directory.lookups += 1;
          const mapped = subject.mappedExternalId;
          const user = mapped ? directory.users.find((candidate) => candidate.id === mapped || candidate.login === mapped) : directory.users.find((candidate) => candidate.email === subject.email);
          if (!user) return { outcome: 'unresolved', reason: 'not_found', message: mapped ? `No directory user is "${mapped}".` : 'No directory user has this email.' };
          return { outcome: 'resolved', identity: { id: user.id, login: user.login, email: user.email }, matchedBy: mapped ? 'mapping' : 'email' };
        },
        bindGroup: async (_ctx, spec) => ({ group: { id: spec.groupId ?? `grp-${spec.name ?? 'tool'}`, name: spec.name ?? 'tool' }, outcome: 'bound' }),
        add: async (_ctx, _group, identity) => {
          const failure = directory.failNextAdd;
          directory.failNextAdd = undefined;
          if (failure) throw failure(secrets.apiToken);
          if (directory.members.has(identity.id)) return { outcome: 'already_satisfied' };
          directory.members.add(identity.id);
          return { outcome: 'applied' };
        },
        remove: async (_ctx, _group, identity) => (directory.members.delete(identity.id) ? { outcome: 'applied' } : { outcome: 'already_satisfied' }),
        check: async (_ctx, _group, identity) => ({ outcome: directory.members.has(identity.id) ? 'member' : 'not_member', via: 'direct' }),
      };
    },
  });
}
