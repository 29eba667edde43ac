import { randomBytes } from 'node:crypto';
import { empty, header, json, type SimRequest, type SimResponse } from './http.js';
import type { SimulatorSeed } from './seed.js';

type OktaStatus = 'ACTIVE' | 'SUSPENDED' | 'DEPROVISIONED' | 'STAGED';
type GroupType = 'OKTA_GROUP' | 'APP_GROUP' | 'BUILT_IN';

export interface OktaUserRecord {
  id: string;
  status: OktaStatus;
  profile: { login: string; email: string; firstName: string; lastName: string };
  created: string;
}

export interface OktaGroupRecord {
  id: string;
  type: GroupType;
  profile: { name: string; description: string | null };
  members: Set<string>;
  created: string;
}

const oktaId = (prefix: '00u' | '00g') => `${prefix}${randomBytes(7).toString('hex').slice(0, 14)}`;

/**
 * Page sizes: "List all member users" defaults to 1000 members ("a very high number due to historical
 * reasons"; Okta recommends `limit=200`), "List all users" to 200
 * (https://developer.okta.com/docs/api/openapi/okta-management/management/tag/Group/#tag/Group/operation/listGroupUsers,
 * .../tag/User/#tag/User/operation/listUsers); the simulator's other lists use 200 too. Okta
 * documents no maximum for the member list; the simulator serves at most `MAX_PAGE` items a page.
 */
const MEMBERS_DEFAULT_LIMIT = 1_000;
const LIST_DEFAULT_LIMIT = 200;
const MAX_PAGE = 1_000;

/** Okta's documented error body: errorCode, errorSummary, errorLink, errorId, errorCauses. */
export function oktaError(status: number, errorCode: string, errorSummary: string, causes: string[] = []): SimResponse {
  return json(status, { errorCode, errorSummary, errorLink: errorCode, errorId: `oae${randomBytes(8).toString('hex')}`, errorCauses: causes.map((summary) => ({ errorSummary: summary })) });
}

const notFound = () => oktaError(404, 'E0000007', 'Not found: Resource not found: (User)');

const SEARCH_FIELDS: ReadonlyMap<string, (user: OktaUserRecord) => string> = new Map([
  ['status', (user: OktaUserRecord) => user.status],
  ['profile.email', (user: OktaUserRecord) => user.profile.email],
  ['profile.login', (user: OktaUserRecord) => user.profile.login],
]);

/**
 * `profile.email eq "a@b.c" and status eq "ACTIVE"`: the subset of Okta's search the providers
 * send, parsed once per request. A clause it cannot read matches no user.
 */
function userSearch(search: string): (user: OktaUserRecord) => boolean {
  const clauses = search.split(/\s+and\s+/i).map((clause) => {
    const match = /^([\w.]+)\s+eq\s+"((?:[^"\\]|\\.)*)"$/.exec(clause.trim());
    const field = match?.[1] !== undefined ? SEARCH_FIELDS.get(match[1]) : undefined;
    return { field, value: (match?.[2] ?? '').replace(/\\(.)/g, '$1').toLowerCase() };
  });
  return (user) => clauses.every(({ field, value }) => field !== undefined && field(user).toLowerCase() === value);
}

/** The subset of the Okta management API the okta-group provider uses, on an in-memory org. */
export class OktaOrg {
  readonly users = new Map<string, OktaUserRecord>();
  readonly groups = new Map<string, OktaGroupRecord>();
  apiToken: string;

  constructor(
    seed: NonNullable<SimulatorSeed['okta']>,
    private readonly origin: () => string,
  ) {
    this.apiToken = seed.apiToken;
    const created = new Date().toISOString();
    for (const user of seed.users) {
      const profile = { login: user.login, email: user.email, firstName: user.firstName ?? user.login.split('@')[0] ?? user.login, lastName: user.lastName ?? '' };
      const record: OktaUserRecord = { id: user.id ?? oktaId('00u'), status: user.status ?? 'ACTIVE', profile, created };
      this.users.set(record.id, record);
    }
    for (const group of seed.groups ?? []) {
      const record: OktaGroupRecord = { id: group.id ?? oktaId('00g'), type: group.type ?? 'OKTA_GROUP', profile: { name: group.name, description: group.description ?? null }, members: new Set(), created };
      for (const login of group.members ?? []) {
        const user = this.findUser(login);
        if (user) record.members.add(user.id);
      }
      this.groups.set(record.id, record);
    }
    // Like every Okta org: a built-in Everyone group of which every user is a member.
    const everyone = [...this.groups.values()].find((group) => group.type === 'BUILT_IN' && group.profile.name === 'Everyone') ?? this.addEveryoneGroup(created);
    for (const user of this.users.values()) everyone.members.add(user.id);
  }

  private addEveryoneGroup(created: string): OktaGroupRecord {
    const record: OktaGroupRecord = { id: oktaId('00g'), type: 'BUILT_IN', profile: { name: 'Everyone', description: 'All users in your organization' }, members: new Set(), created };
    this.groups.set(record.id, record);
    return record;
  }

  findUser(idOrLogin: string): OktaUserRecord | undefined {
    const key = idOrLogin.toLowerCase();
    return this.users.get(idOrLogin) ?? [...this.users.values()].find((user) => user.profile.login.toLowerCase() === key || user.profile.login.split('@')[0]?.toLowerCase() === key);
  }

  findGroupByName(name: string): OktaGroupRecord | undefined {
    return [...this.groups.values()].find((group) => group.profile.name === name);
  }

  /** Removes a member behind Clearway's back (an admin in the Okta console). */
  removeMemberOutOfBand(groupId: string, userId: string): boolean {
    return this.groups.get(groupId)?.members.delete(userId) ?? false;
  }

  /** Adds a member behind Clearway's back (an admin in the Okta console); false if the group or user is unknown. */
  addMemberOutOfBand(groupId: string, userId: string): boolean {
    const group = this.groups.get(groupId);
    if (!group || !this.users.has(userId)) return false;
    group.members.add(userId);
    return true;
  }

  handle(request: SimRequest): SimResponse {
    const auth = header(request, 'authorization');
    if (auth !== `SSWS ${this.apiToken}`) return oktaError(401, 'E0000011', 'Invalid token provided');
    const [, api, version, collection, id, relation, memberId] = request.url.pathname.split('/').map(decodeURIComponent);
    if (api !== 'api' || version !== 'v1') return notFound();
    const query = request.url.searchParams;
    if (collection === 'users') {
      if (request.method === 'GET' && !id) return this.listUsers(query);
      const user = id ? this.findUser(id) : undefined;
      if (request.method === 'GET' && user && !relation) return json(200, this.userJson(user));
      if (request.method === 'GET' && user && relation === 'groups') {
        const groups = [...this.groups.values()].filter((group) => group.members.has(user.id));
        return this.page(groups, query, `/api/v1/users/${user.id}/groups`, (group) => this.groupJson(group));
      }
      return notFound();
    }
    if (collection !== 'groups') return notFound();
    if (request.method === 'GET' && !id) return this.listGroups(query);
    if (request.method === 'POST' && !id) return this.createGroup(request.body);
    const group = id ? this.groups.get(id) : undefined;
    if (!group) return oktaError(404, 'E0000007', `Not found: Resource not found: ${id ?? ''} (UserGroup)`);
    if (request.method === 'GET' && !relation) return json(200, this.groupJson(group));
    if (relation !== 'users') return notFound();
    if (request.method === 'GET' && !memberId) return this.listMembers(group, query);
    const user = memberId ? this.users.get(memberId) : undefined;
    if (!user) return notFound();
    if (group.type !== 'OKTA_GROUP') {
      return oktaError(400, 'E0000001', 'Api validation failed: group', ['group: Only OKTA_GROUP memberships can be changed through this API.']);
    }
    if (request.method === 'PUT') {
      const added = !group.members.has(user.id);
      group.members.add(user.id);
      // Okta answers 204 whether or not the user already was a member.
      return added ? empty(204, { kind: 'member_added', vendor: 'okta', groupId: group.id, userId: user.id }) : empty(204);
    }
    if (request.method === 'DELETE') {
      if (!group.members.delete(user.id)) return notFound();
      return empty(204, { kind: 'member_removed', vendor: 'okta', groupId: group.id, userId: user.id });
    }
    return oktaError(405, 'E0000022', 'The endpoint does not support the provided HTTP method');
  }

  private listUsers(query: URLSearchParams): SimResponse {
    const search = query.get('search') ?? query.get('filter');
    const q = query.get('q')?.toLowerCase();
    const matchesSearch = search ? userSearch(search) : () => true;
    const matches = [...this.users.values()].filter((user) => matchesSearch(user) && (q ? user.profile.login.toLowerCase().startsWith(q) || user.profile.email.toLowerCase().startsWith(q) : true));
    return this.page(matches, query, '/api/v1/users', (user) => this.userJson(user));
  }

  private listGroups(query: URLSearchParams): SimResponse {
    const q = query.get('q')?.toLowerCase();
    const search = query.get('search');
    const exact = search ? /^profile\.name\s+eq\s+"((?:[^"\\]|\\.)*)"$/.exec(search.trim())?.[1] : undefined;
    const matches = [...this.groups.values()].filter((group) => (q ? group.profile.name.toLowerCase().startsWith(q) : true) && (exact !== undefined ? group.profile.name === exact : true));
    // `q` answers one page only (Okta documents up to 300 results and no paging for it).
    if (q !== undefined) return json(200, matches.slice(0, Math.min(Number(query.get('limit') ?? 200), 300)).map((group) => this.groupJson(group)));
    return this.page(matches, query, '/api/v1/groups', (group) => this.groupJson(group));
  }

  /** "List all member users": Okta's default page for this call is 1000 members. */
  private listMembers(group: OktaGroupRecord, query: URLSearchParams): SimResponse {
    const members = [...group.members].map((id) => this.users.get(id)).filter((user): user is OktaUserRecord => user !== undefined);
    return this.page(members, query, `/api/v1/groups/${group.id}/users`, (user) => this.userJson(user), MEMBERS_DEFAULT_LIMIT);
  }

  /**
   * A page of a collection in id order, with `Link` headers for `self` and, while more remain,
   * `next`, whose `after` is the last id of the page. Okta's cursor "points to the end of the page
   * of data that has been returned" (https://developer.okta.com/docs/api/#pagination): a position,
   * not an item, so it still holds when the item it names has left the list between pages (a member
   * removed while drift pages through the group).
   */
  private page<T extends { id: string }>(items: readonly T[], query: URLSearchParams, path: string, render: (item: T) => unknown, defaultLimit = LIST_DEFAULT_LIMIT): SimResponse {
    const asked = Number(query.get('limit') ?? defaultLimit);
    const limit = Number.isInteger(asked) ? Math.max(1, Math.min(asked, MAX_PAGE)) : defaultLimit;
    const after = query.get('after');
    const remaining = [...items].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).filter((item) => after === null || item.id > after);
    const slice = remaining.slice(0, limit);
    const link = (params: URLSearchParams) => `<${this.origin()}${path}${params.size > 0 ? `?${params.toString()}` : ''}>`;
    const links = [`${link(query)}; rel="self"`];
    const last = slice.at(-1);
    if (last && remaining.length > limit) {
      const next = new URLSearchParams(query);
      next.set('limit', String(limit));
      next.set('after', last.id);
      links.push(`${link(next)}; rel="next"`);
    }
    // Okta sends one `link` line per relation; one line with both, comma-separated, means the same (RFC 9110 §5.3).
    return json(200, slice.map(render), { link: links.join(', ') });
  }

  private createGroup(body: unknown): SimResponse {
    const profile = (body as { profile?: { name?: unknown; description?: unknown } } | undefined)?.profile;
    if (typeof profile?.name !== 'string' || profile.name.trim().length === 0) {
      return oktaError(400, 'E0000001', 'Api validation failed: name', ['name: The field cannot be left blank']);
    }
    if (this.findGroupByName(profile.name)) {
      return oktaError(400, 'E0000001', 'Api validation failed: name', ['name: An object with this field already exists in the current organization']);
    }
    const group: OktaGroupRecord = { id: oktaId('00g'), type: 'OKTA_GROUP', profile: { name: profile.name, description: typeof profile.description === 'string' ? profile.description : null }, members: new Set(), created: new Date().toISOString() };
    this.groups.set(group.id, group);
    return { ...json(200, this.groupJson(group)), effects: [{ kind: 'group_created', vendor: 'okta', groupId: group.id }] };
  }

  private userJson(user: OktaUserRecord): unknown {
    return {
      id: user.id,
      status: user.status,
      created: user.created,
      activated: user.created,
      statusChanged: null,
      lastLogin: null,
      lastUpdated: user.created,
      passwordChanged: null,
      type: { id: 'oty1' },
      profile: { ...user.profile, mobilePhone: null, secondEmail: null },
      credentials: { provider: { type: 'OKTA', name: 'OKTA' } },
      _links: { self: { href: `${this.origin()}/api/v1/users/${user.id}` } },
    };
  }

  private groupJson(group: OktaGroupRecord): unknown {
    return {
      id: group.id,
      created: group.created,
      lastUpdated: group.created,
      lastMembershipUpdated: group.created,
      objectClass: ['okta:user_group'],
      type: group.type,
      profile: group.profile,
      _links: { self: { href: `${this.origin()}/api/v1/groups/${group.id}` }, users: { href: `${this.origin()}/api/v1/groups/${group.id}/users` } },
    };
  }
}
