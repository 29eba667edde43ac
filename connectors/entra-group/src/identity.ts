/**
 * Jira user → Microsoft Entra user: the admin's explicit mapping (object ID or UPN) first, then the
 * email as a user principal name, then the email as the `mail` attribute. Not found, disabled and
 * ambiguous are outcomes the engine shows, not errors.
 */
import { isConnectorError, type ExternalIdentity, type IdentityResolution, type OperationContext, type Subject } from '@clearway/connector-sdk';
import { z } from 'zod';
import { GRAPH_NOT_FOUND, unexpectedAnswer } from './errors.js';
import { odataString, pathSegment, queryValue, type GraphGateway } from './graph-client.js';
import { isObjectId } from './settings.js';

// `accountEnabled` is returned only when selected.
const USER_FIELDS = 'id,userPrincipalName,mail,displayName,accountEnabled';

/** A Graph user as Clearway reads it; also what a page of group members holds (`members.ts`). */
export const userSchema = z.object({
  // The id is what add, remove and check put in paths: a blank or foreign one is not Graph's answer.
  id: z.string().refine(isObjectId),
  userPrincipalName: z.string().nullish(),
  mail: z.string().nullish(),
  displayName: z.string().nullish(),
  accountEnabled: z.boolean().nullish(),
});
export type EntraUser = z.infer<typeof userSchema>;

const userListSchema = z.object({ value: z.array(userSchema) });

export async function resolveEntraUser(graph: GraphGateway, ctx: OperationContext, subject: Subject): Promise<IdentityResolution> {
  const mapped = subject.mappedExternalId?.trim();
  if (mapped) {
    if (!isObjectId(mapped) && !mapped.includes('@')) {
      return unresolved('not_found', 'The explicit mapping must be the Microsoft Entra object ID or user principal name of the user.');
    }
    const user = await findUser(graph, ctx, mapped, 'Looking up the mapped Microsoft Entra user');
    return user ? resolution(user, 'mapping') : unresolved('not_found', 'No Microsoft Entra user has the mapped object ID or user principal name.');
  }

  const email = subject.email?.trim();
  if (!email) {
    return unresolved('not_found', 'The Jira user has no visible email address; map them to their Microsoft Entra object ID.');
  }
  const byPrincipalName = await findUser(graph, ctx, email, 'Looking up the user by user principal name');
  if (byPrincipalName) return resolution(byPrincipalName, 'login');

  // Guests and users whose UPN differs from their address are found by `mail`; $top=2 tells one from many.
  const { value: matches } = await graph.get(
    ctx,
    {
      action: 'Searching users by email',
      path: '/users',
      query: { $filter: queryValue(`mail eq ${odataString(email)}`), $select: USER_FIELDS, $top: 2 },
    },
    userListSchema,
  );
  const [first, second] = matches;
  if (!first) return unresolved('not_found', 'No Microsoft Entra user has this email as user principal name or mail address.');
  if (second) return unresolved('ambiguous', 'More than one Microsoft Entra user has this mail address; map the Jira user to an object ID.');
  return resolution(first, 'email');
}

/** GET /users/{id | userPrincipalName}; undefined when Graph answers its documented 404. */
async function findUser(graph: GraphGateway, ctx: OperationContext, key: string, action: string): Promise<EntraUser | undefined> {
  let user: EntraUser;
  try {
    user = await graph.get(ctx, { action, path: `/users/${pathSegment(key)}`, query: { $select: USER_FIELDS } }, userSchema);
  } catch (error) {
    if (isConnectorError(error) && error.code === GRAPH_NOT_FOUND) return undefined;
    throw error;
  }
  // Asked by object id, the answer must be that object.
  if (isObjectId(key) && user.id.toLowerCase() !== key.toLowerCase()) throw unexpectedAnswer(action, 200);
  return user;
}

function resolution(user: EntraUser, matchedBy: 'mapping' | 'login' | 'email'): IdentityResolution {
  if (user.accountEnabled === false) {
    return unresolved('inactive', 'The Microsoft Entra account is disabled (Account enabled: No), so access is not granted.');
  }
  return { outcome: 'resolved', identity: toIdentity(user), matchedBy };
}

/** The identity the engine stores for a user: the same for a resolved user and a listed member. */
export function toIdentity(user: EntraUser): ExternalIdentity {
  return {
    id: user.id,
    ...(user.userPrincipalName && { login: user.userPrincipalName }),
    ...(user.mail && { email: user.mail }),
    ...(user.displayName && { displayName: user.displayName }),
  };
}

function unresolved(reason: 'not_found' | 'inactive' | 'ambiguous', message: string): IdentityResolution {
  return { outcome: 'unresolved', reason, message };
}
