/**
 * "Test connection": cheap read-only calls, each reported as a named check the admin can act on.
 * It stops at the first failure, because later checks cannot pass until that one is fixed.
 */
import { toConnectorError, type ConnectionCheck, type ConnectionTestResult, type ConnectorError, type GroupRef, type OperationContext } from '@clearway/connector-sdk';
import { notManageable } from './group-rules.js';
import type { OktaDirectory, OktaGroup } from './okta-directory.js';
import type { AuthMode } from './settings.js';

export const CHECK_NAMES = {
  reachable: 'Okta reachable',
  credentials: 'Credentials accepted',
  users: 'Can read users',
  groups: 'Can read groups',
  groupType: 'Configured group exists and is an Okta group',
  members: "Can see the configured group's members",
} as const;

export async function runConnectionTest(
  ctx: OperationContext,
  directory: OktaDirectory,
  authMode: AuthMode,
  group: GroupRef | undefined,
): Promise<ConnectionTestResult> {
  const checks: ConnectionCheck[] = [];
  const done = (...more: ConnectionCheck[]): ConnectionTestResult => {
    checks.push(...more);
    return { ok: checks.every((check) => check.passed), checks };
  };
  const credential = authMode === 'api_token' ? 'the API token' : "the service app's signed token request";

  const usersFailure = await failureOf(() => directory.probeUsers(ctx), CHECK_NAMES.users);
  if (usersFailure) return done(...failedChecks(CHECK_NAMES.users, usersFailure));
  checks.push(
    { name: CHECK_NAMES.credentials, passed: true, message: `Okta accepted ${credential}.` },
    { name: CHECK_NAMES.users, passed: true, message: 'Users can be read to resolve Jira users (okta.users.read).' },
  );

  if (!group) {
    const groupsFailure = await failureOf(() => directory.probeGroups(ctx), CHECK_NAMES.groups);
    if (groupsFailure) return done(...failedChecks(CHECK_NAMES.groups, groupsFailure));
    return done({ name: CHECK_NAMES.groups, passed: true, message: "Groups can be read. Bind a tool's group to check its membership too." });
  }

  let found: OktaGroup;
  try {
    found = await directory.getGroup(ctx, group.id);
  } catch (error) {
    return done(...failedChecks(CHECK_NAMES.groupType, toConnectorError(error, CHECK_NAMES.groupType)));
  }
  if (found.type !== 'OKTA_GROUP') return done({ name: CHECK_NAMES.groupType, passed: false, message: notManageable(found).message });
  checks.push({ name: CHECK_NAMES.groupType, passed: true, message: `"${found.name}" is an Okta group, so its membership can be changed.` });

  // Listing the members needs an admin role that covers this very group: more than signing in.
  const membersFailure = await failureOf(() => directory.probeMembers(ctx, group.id), CHECK_NAMES.members);
  if (membersFailure) return done(...failedChecks(CHECK_NAMES.members, membersFailure));
  return done({
    name: CHECK_NAMES.members,
    passed: true,
    message: "The group's members can be listed, so the admin role covers this group. Okta has no dry run for changes: the first add confirms write access.",
  });
}

async function failureOf(probe: () => Promise<void>, action: string): Promise<ConnectorError | undefined> {
  try {
    await probe();
    return undefined;
  } catch (error) {
    return toConnectorError(error, action);
  }
}

/**
 * A refused credential is named as such; a working credential that lacks a permission shows
 * "Credentials accepted" passed above the failing step; an outage says Okta was not reachable.
 */
function failedChecks(name: string, error: ConnectorError): ConnectionCheck[] {
  if (error.kind === 'auth') return [{ name: CHECK_NAMES.credentials, passed: false, message: error.message }];
  if (error.retryable) return [{ name: CHECK_NAMES.reachable, passed: false, message: error.message }];
  if (name === CHECK_NAMES.users) {
    return [
      { name: CHECK_NAMES.credentials, passed: true, message: 'Okta accepted the credential.' },
      { name, passed: false, message: error.message },
    ];
  }
  return [{ name, passed: false, message: error.message }];
}
