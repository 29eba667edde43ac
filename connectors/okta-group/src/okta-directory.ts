/**
 * The Okta calls the provider makes, each one typed, named for the admin and classified. The
 * provider decides what to do; this module only knows how Okta's API is asked.
 */
import type { OperationContext } from '@clearway/connector-sdk';
import type { Collection } from '@okta/okta-sdk-nodejs';
import type { OktaConnection } from './okta-client.js';
import { EVERYONE_GROUP_TYPE, oktaGroupSchema, oktaUserSchema, readOktaAnswer, UnexpectedOktaAnswer } from './okta-answers.js';
import { isOktaResourceNotFound, oktaErrorFields } from './okta-errors.js';
import { nextPageCursor } from './okta-links.js';

export interface OktaUser {
  readonly id: string;
  /** Okta's user status (ACTIVE, SUSPENDED, DEPROVISIONED, …). */
  readonly status: string;
  readonly login: string;
  readonly email: string | undefined;
  readonly displayName: string | undefined;
}

export interface OktaGroup {
  readonly id: string;
  readonly name: string;
  /** OKTA_GROUP, APP_GROUP or BUILT_IN (kept as Okta wrote it, so a new type is refused, not misread). */
  readonly type: string;
}

/** Groups per name query. `q` is not paged, so a full page means the exact name may lie beyond it. */
export const GROUP_QUERY_LIMIT = 200;
/** Users sharing one email that are worth looking at; more than this is ambiguous anyway. */
const EMAIL_MATCH_LIMIT = 20;
/**
 * Members per page of a group's member list. Okta documents no maximum for this call: its default,
 * 1000, "is set to a very high number due to historical reasons", "the recommended page limit is
 * now `limit=200`", and a large page can exceed Okta's request timeout (HTTP 500)
 * (https://developer.okta.com/docs/api/openapi/okta-management/management/tag/Group/#tag/Group/operation/listGroupUsers,
 * https://developer.okta.com/docs/reference/api/groups/#list-group-members).
 */
export const MEMBER_PAGE_LIMIT = 200;

/** One page of a group's direct members, and the `after` cursor of the next page when there is one. */
export interface OktaMemberPage {
  readonly users: readonly OktaUser[];
  readonly after?: string;
}

export interface OktaDirectory {
  /** A user by id or login; undefined when Okta answers 404 E0000007. */
  findUser(ctx: OperationContext, idOrLogin: string): Promise<OktaUser | undefined>;
  /** Users whose primary email is `email` (any status, DEPROVISIONED included). */
  findUsersByEmail(ctx: OperationContext, email: string): Promise<OktaUser[]>;
  /** Reads one user page: proves the credential is accepted and may read users. */
  probeUsers(ctx: OperationContext): Promise<void>;
  /** Reads one group page: proves the credential may read groups. */
  probeGroups(ctx: OperationContext): Promise<void>;
  /** A group by id; throws `NotFoundError` when Okta has none. */
  getGroup(ctx: OperationContext, groupId: string): Promise<OktaGroup>;
  /** A group by id; undefined when Okta answers 404 E0000007. */
  findGroup(ctx: OperationContext, groupId: string): Promise<OktaGroup | undefined>;
  /** Groups whose name starts with `name` (Okta's `q`: prefix match, eventually consistent). */
  findGroupsByNamePrefix(ctx: OperationContext, name: string): Promise<{ groups: OktaGroup[]; full: boolean }>;
  /** `name_taken` when Okta refuses the name because a group already has it. */
  createGroup(ctx: OperationContext, name: string, description: string | undefined): Promise<OktaGroup | 'name_taken'>;
  /** Reads the first page of a group's members: proves the credential may see its membership. */
  probeMembers(ctx: OperationContext, groupId: string): Promise<void>;
  /**
   * One page of the group's direct members, from the start or after Okta's `after` cursor; undefined
   * when Okta answers 404 E0000007 (the group does not exist).
   */
  listMembers(ctx: OperationContext, groupId: string, after: string | undefined): Promise<OktaMemberPage | undefined>;
  /** Whether the user is a direct member: pages through the user's groups (`Link` headers). */
  isMember(ctx: OperationContext, groupId: string, userId: string): Promise<boolean>;
  addMember(ctx: OperationContext, groupId: string, userId: string): Promise<void>;
  /** `not_member` when Okta answers 404 E0000007: there was nothing to remove. */
  removeMember(ctx: OperationContext, groupId: string, userId: string): Promise<'removed' | 'not_member'>;
}

export function createOktaDirectory(okta: OktaConnection): OktaDirectory {
  const getGroup = (ctx: OperationContext, groupId: string): Promise<OktaGroup> =>
    okta.call(ctx, 'Reading the Okta group', async (sdk) => toGroup(await sdk.groupApi.getGroup({ groupId })));

  return {
    async findUser(ctx, idOrLogin) {
      try {
        return await okta.call(ctx, 'Looking up the Okta user', async (sdk) => toUser(await sdk.userApi.getUser({ userId: idOrLogin })));
      } catch (error) {
        if (isOktaResourceNotFound(error)) return undefined;
        throw error;
      }
    },

    async findUsersByEmail(ctx, email) {
      return okta.call(ctx, 'Searching Okta users by email', async (sdk) => {
        const users = await sdk.userApi.listUsers({ search: `profile.email eq "${escapeFilterValue(email)}"`, limit: EMAIL_MATCH_LIMIT });
        const found: OktaUser[] = [];
        for await (const user of itemsOf(users)) {
          found.push(toUser(user));
          if (found.length >= EMAIL_MATCH_LIMIT) break;
        }
        return found;
      });
    },

    async probeUsers(ctx) {
      await okta.call(ctx, 'Reading Okta users', async (sdk) => firstItem(await sdk.userApi.listUsers({ limit: 1 }), toUser));
    },

    async probeGroups(ctx) {
      await okta.call(ctx, 'Reading Okta groups', async (sdk) => firstItem(await sdk.groupApi.listGroups({ limit: 1 }), toGroup));
    },

    getGroup,

    async findGroup(ctx, groupId) {
      try {
        return await getGroup(ctx, groupId);
      } catch (error) {
        if (isOktaResourceNotFound(error)) return undefined;
        throw error;
      }
    },

    async findGroupsByNamePrefix(ctx, name) {
      return okta.call(ctx, 'Searching Okta groups by name', async (sdk) => {
        const page = await sdk.groupApi.listGroups({ q: name, limit: GROUP_QUERY_LIMIT });
        const groups: OktaGroup[] = [];
        // `q` results are one page; stop there even if a Link header offers more.
        for await (const group of itemsOf(page)) {
          groups.push(toGroup(group));
          if (groups.length >= GROUP_QUERY_LIMIT) break;
        }
        return { groups, full: groups.length >= GROUP_QUERY_LIMIT };
      });
    },

    async createGroup(ctx, name, description) {
      const profile = { name, ...(description !== undefined && { description }) };
      return okta.call(ctx, 'Creating the Okta group', async (sdk) => {
        try {
          return toGroup(await sdk.groupApi.createGroup({ group: { profile } }));
        } catch (error) {
          if (isNameTaken(error)) return 'name_taken';
          throw error;
        }
      });
    },

    async probeMembers(ctx, groupId) {
      await okta.call(ctx, "Reading the Okta group's members", async (sdk) => firstItem(await sdk.groupApi.listGroupUsers({ groupId, limit: 1 }), toUser));
    },

    async listMembers(ctx, groupId, after) {
      const action = "Listing the Okta group's members";
      try {
        return await okta.readPage(
          ctx,
          action,
          (sdk) => sdk.groupApi.listGroupUsers({ groupId, limit: MEMBER_PAGE_LIMIT, ...(after !== undefined && { after }) }),
          (page): OktaMemberPage => {
            const users = page.items.map(toUser);
            const next = nextPageCursor(page.link, page.url);
            return { users, ...(next !== undefined && { after: next }) };
          },
        );
      } catch (error) {
        if (isOktaResourceNotFound(error)) return undefined;
        throw error;
      }
    },

    async isMember(ctx, groupId, userId) {
      // The user's groups, not the group's members: a person is in tens of groups while a tool's
      // group may hold thousands, so this stays one small request however big the group grows.
      // Every group on every page read is checked, so "not a member" comes only from Okta's own list.
      return okta.call(ctx, "Listing the Okta user's groups", async (sdk) => {
        const groups = await sdk.userApi.listUserGroups({ userId });
        let everyone = false;
        for await (const item of itemsOf(groups)) {
          const group = toGroup(item);
          if (group.id === groupId) return true;
          everyone ||= group.type === EVERYONE_GROUP_TYPE;
        }
        // Every Okta user belongs to the built-in Everyone group: a list without it (an empty list a
        // proxy or a fault put in Okta's place) is not Okta's answer, and says nothing about membership.
        if (!everyone) throw new UnexpectedOktaAnswer("a list of the user's groups without the built-in Everyone group, which every Okta user belongs to");
        return false;
      });
    },

    // Okta documents 204 No Content for both membership changes; any other success is not believed.
    async addMember(ctx, groupId, userId) {
      await okta.call(ctx, 'Adding the user to the Okta group', (sdk) => sdk.groupApi.assignUserToGroup({ groupId, userId }), 'no_content');
    },

    async removeMember(ctx, groupId, userId) {
      try {
        await okta.call(ctx, 'Removing the user from the Okta group', (sdk) => sdk.groupApi.unassignUserFromGroup({ groupId, userId }), 'no_content');
        return 'removed';
      } catch (error) {
        if (isOktaResourceNotFound(error)) return 'not_member';
        throw error;
      }
    },
  };
}

/** Okta's 400 for a duplicate group name: E0000001 with a cause "name: An object with this field already exists …". */
function isNameTaken(error: unknown): boolean {
  const fields = oktaErrorFields(error);
  if (fields?.status !== 400 || fields.errorCode !== 'E0000001') return false;
  return (fields.errorCauses ?? []).some((cause) => /^name:.*already exists/i.test(cause.errorSummary ?? ''));
}

/** Okta filter strings are double-quoted; a quote or backslash in the value must not end them. */
export function escapeFilterValue(value: string): string {
  return value.replace(/["\\]/g, '\\$&');
}

/**
 * The items of an SDK collection, fetching the next page (the `next` link of Okta's `Link`
 * header) only when the previous one is used up, so stopping early saves requests.
 */
async function* itemsOf<T>(collection: Collection<T>): AsyncGenerator<T> {
  for (;;) {
    const { done, value } = await collection.next();
    if (value) yield value;
    if (done) return;
  }
}

/** The first item of a one-item page, checked: a probe proves the page really is Okta's list. */
async function firstItem<T>(collection: Collection<unknown>, read: (item: unknown) => T): Promise<T | undefined> {
  const { value } = await collection.next();
  return value ? read(value) : undefined;
}

function toUser(answer: unknown): OktaUser {
  const { id, status, profile } = readOktaAnswer(oktaUserSchema, answer, 'an Okta user');
  const fullName = [profile.firstName, profile.lastName].filter(Boolean).join(' ');
  return { id, status, login: profile.login, email: profile.email, displayName: profile.displayName ?? (fullName || undefined) };
}

function toGroup(answer: unknown): OktaGroup {
  const { id, type, profile } = readOktaAnswer(oktaGroupSchema, answer, 'an Okta group');
  return { id, name: profile.name, type };
}
