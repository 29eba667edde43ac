/**
 * Jira user → SCIM user. An explicit mapping (a SCIM id, or a userName) wins and never falls back
 * to the email; otherwise the email is tried as `userName` (most services provision users with
 * their email as userName), then as one of the user's `emails`. Results are checked on our side
 * too, so a service that ignores a filter and lists everyone can never bind the wrong person.
 */
import { isConnectorError, type ExternalIdentity, type IdentityResolution, type OperationContext, type Subject } from '@clearway/connector-sdk';
import { CODE } from './errors.js';
import { filters } from './filter.js';
import { listResponseOf, scimUserSchema, type ScimUser } from './resources.js';
import { pathSegment, type ScimClient } from './scim-client.js';

const userList = listResponseOf(scimUserSchema);

/** Enough to tell one match from two. */
const AMBIGUITY_PROBE = '2';

/** userName and emails.value are case-insensitive (`caseExact: false`, RFC 7643 §4.1). */
const sameText = (a: string | undefined, b: string): boolean => a !== undefined && a.toLowerCase() === b.toLowerCase();

function identityOf(user: ScimUser, email?: string): ExternalIdentity {
  const primary = user.emails?.find((entry) => entry.primary)?.value ?? user.emails?.[0]?.value;
  const chosen = email ?? primary;
  return {
    id: user.id,
    ...(user.userName !== undefined && { login: user.userName }),
    ...(chosen !== undefined && { email: chosen }),
    ...(user.displayName !== undefined && { displayName: user.displayName }),
  };
}

function resolution(matches: readonly ScimUser[], matchedBy: 'mapping' | 'login' | 'email', email?: string): IdentityResolution | undefined {
  if (matches.length > 1) {
    return { outcome: 'unresolved', reason: 'ambiguous', message: 'More than one SCIM user matches; map this Jira user to the right SCIM user id explicitly.' };
  }
  const [user] = matches;
  if (!user) return undefined;
  if (user.active === false) return { outcome: 'unresolved', reason: 'inactive', message: 'The SCIM user is deactivated (active: false) in the service.' };
  return { outcome: 'resolved', identity: identityOf(user, email), matchedBy };
}

export function createIdentityResolver(client: ScimClient) {
  const search = async (ctx: OperationContext, filter: string, action: string): Promise<ScimUser[]> => {
    const { value } = await client.read(ctx, { method: 'GET', path: '/Users', query: { filter, count: AMBIGUITY_PROBE }, action }, userList);
    return value.Resources ?? [];
  };

  const byUserName = async (ctx: OperationContext, userName: string) =>
    (await search(ctx, filters.userNameEq(userName), 'Searching SCIM users by userName')).filter((user) => sameText(user.userName, userName));

  /** `emails[value eq …]`, else `emails.value eq …` when the service refuses value paths; undefined when it filters on neither. */
  const byEmail = async (ctx: OperationContext, email: string): Promise<ScimUser[] | undefined> => {
    for (const filter of [filters.emailValuePath(email), filters.emailSubAttribute(email)]) {
      try {
        const found = await search(ctx, filter, 'Searching SCIM users by email');
        return found.filter((user) => user.emails?.some((entry) => sameText(entry.value, email)));
      } catch (error) {
        if (!(isConnectorError(error) && error.code === CODE.invalidFilter)) throw error;
      }
    }
    return undefined;
  };

  const byMapping = async (ctx: OperationContext, key: string): Promise<IdentityResolution> => {
    try {
      const { value } = await client.read(ctx, { method: 'GET', path: `/Users/${pathSegment(key)}`, action: 'Reading the mapped SCIM user' }, scimUserSchema);
      return resolution([value], 'mapping') ?? { outcome: 'unresolved', reason: 'not_found', message: 'The mapped SCIM user does not exist.' };
    } catch (error) {
      if (!(isConnectorError(error) && error.code === CODE.notFound)) throw error;
    }
    // The mapping may be a userName rather than an id.
    return (
      resolution(await byUserName(ctx, key), 'mapping') ?? {
        outcome: 'unresolved',
        reason: 'not_found',
        message: 'No SCIM user has the mapped id or userName; fix the mapping.',
      }
    );
  };

  return async (ctx: OperationContext, subject: Subject): Promise<IdentityResolution> => {
    if (subject.mappedExternalId) return byMapping(ctx, subject.mappedExternalId);
    const email = subject.email?.trim();
    if (!email) return { outcome: 'unresolved', reason: 'not_found', message: 'The Jira user has no email address to search by; map them to a SCIM user explicitly.' };
    const asLogin = resolution(await byUserName(ctx, email), 'login', email);
    if (asLogin) return asLogin;
    const withEmail = await byEmail(ctx, email);
    if (withEmail === undefined) {
      return {
        outcome: 'unresolved',
        reason: 'not_found',
        message: 'No SCIM user has this email as userName, and the service cannot search by email; map the user explicitly.',
      };
    }
    return resolution(withEmail, 'email', email) ?? { outcome: 'unresolved', reason: 'not_found', message: 'No SCIM user has this email (as userName or email address).' };
  };
}
