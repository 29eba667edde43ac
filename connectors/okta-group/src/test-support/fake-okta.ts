/**
 * A stateful fake Okta org behind nock: users (ACTIVE, SUSPENDED, DEPROVISIONED, …), groups
 * (OKTA_GROUP, APP_GROUP, BUILT_IN) with membership, `Link`-paged member lists, a prefix name
 * search that can lag behind creation, both sign-in methods, and a fault queue implementing the
 * conformance kit's `FaultInjector`: each fault fails exactly the next request with the body and
 * headers Okta would send, answers it with the raw bytes a proxy could send (optionally after
 * carrying it out), or leaves it unanswered until the client aborts. The real SDK talks to it over
 * HTTP (node-fetch, intercepted by nock).
 */
import type { FaultInjector } from '@clearway/connector-sdk/testing';
import nock from 'nock';
import { FakeOktaAuth, type AuthReply, type FakeCredential } from './fake-okta-auth.js';
import { linkHeader, OAUTH_DESCRIPTIONS, oauthError, oktaError, oktaId, OKTA_SUMMARIES, rateLimitHeaders } from './okta-responses.js';

export type FakeUserStatus = 'STAGED' | 'PROVISIONED' | 'ACTIVE' | 'RECOVERY' | 'LOCKED_OUT' | 'PASSWORD_EXPIRED' | 'SUSPENDED' | 'DEPROVISIONED';
export type FakeGroupType = 'OKTA_GROUP' | 'APP_GROUP' | 'BUILT_IN';
type Permission = 'users.read' | 'groups.read' | 'groups.manage';

export interface FakeUser {
  readonly id: string;
  status: FakeUserStatus;
  readonly profile: { login: string; email: string; firstName: string; lastName: string };
}

interface FakeGroup {
  readonly id: string;
  readonly type: FakeGroupType;
  readonly name: string;
  readonly description: string;
  /** Member ids in the order they joined (Okta pages members in a stable order). */
  readonly members: Set<string>;
  /** Name searches still to run before this group shows up in them (eventual consistency). */
  hiddenFromSearch: number;
}

export interface FakeOktaOptions {
  readonly orgUrl: string;
  readonly credential: FakeCredential;
  /** Largest member page the fake serves whatever `limit` asks, to exercise `Link` paging. */
  readonly memberPageCap?: number;
  /** What removing a non-member answers. Okta's documentation is silent; both are simulated. */
  readonly nonMemberDelete?: 204 | 404;
  /** Name searches a newly created group is missing from. */
  readonly groupSearchLag?: number;
  /** Permissions the credential lacks: those calls answer 403 E0000006. */
  readonly denied?: readonly Permission[];
}

/** A reply sent exactly as given: no JSON encoding and no Content-Type added (a proxy's page, cut-short JSON). */
export interface RawReply {
  readonly status: number;
  readonly text: string;
  readonly headers?: Record<string, string>;
}

/** `hang`: no answer at all, until the client gives up on the request. */
type Reply = AuthReply | { readonly raw: RawReply } | 'reset' | { readonly hang: () => void };

/**
 * A queued failure; with `match`, it waits for the first request it matches. With `forward`, the
 * request is carried out first and only its answer replaced (the answer lost on the way back).
 */
interface Fault {
  readonly reply: Reply;
  readonly match?: (method: string, path: string) => boolean;
  readonly forward?: boolean;
}
type ReplyCallback = (err: NodeJS.ErrnoException | null, result: nock.ReplyFnResult) => void;

/** The Everyone group's id (outside the counter, so the ids of what a test creates stay as they were). */
const EVERYONE_ID = oktaId('00g', 0);

export class FakeOktaOrg implements FaultInjector {
  readonly orgUrl: string;
  readonly auth: FakeOktaAuth;
  /** Every request as "METHOD /path?query", in order, and the headers each carried. */
  readonly requests: string[] = [];
  readonly requestHeaders: Array<Readonly<Record<string, string>>> = [];
  readonly users = new Map<string, FakeUser>();
  private readonly groups = new Map<string, FakeGroup>();
  private readonly faults: Fault[] = [];
  private readonly interceptors: nock.Interceptor[] = [];
  private nextId = 1;
  private requestCount = 0;
  /** Largest member page served (`memberPageCap`, changed by `capMemberPages`). */
  private memberPageCap: number | undefined;

  constructor(private readonly options: FakeOktaOptions) {
    // Like every Okta org: the built-in Everyone group, of which every user is a member.
    this.groups.set(EVERYONE_ID, { id: EVERYONE_ID, type: 'BUILT_IN', name: 'Everyone', description: 'All users in your organization', members: new Set(), hiddenFromSearch: 0 });
    this.orgUrl = options.orgUrl;
    this.memberPageCap = options.memberPageCap;
    this.auth = new FakeOktaAuth(options.orgUrl, options.credential);
    const answer = this.answer.bind(this);
    const orgUrl = this.orgUrl;
    for (const method of ['GET', 'POST', 'PUT', 'DELETE']) {
      const interceptor = nock(orgUrl).persist().intercept(() => true, method);
      interceptor.reply(function (uri: string, body: nock.Body, callback: ReplyCallback) {
        answer(method, new URL(uri, orgUrl), body, this.req.headers, callback);
      });
      this.interceptors.push(interceptor);
    }
  }

  /** Stops answering: later requests to the org reach no interceptor (and fail the test). */
  close(): void {
    for (const interceptor of this.interceptors.splice(0)) nock.removeInterceptor(interceptor);
  }

  // ── State ──

  addUser(user: { login: string; email?: string; status?: FakeUserStatus; firstName?: string; lastName?: string }): FakeUser {
    const created: FakeUser = {
      id: oktaId('00u', this.nextId++),
      status: user.status ?? 'ACTIVE',
      profile: { login: user.login, email: user.email ?? user.login, firstName: user.firstName ?? 'Test', lastName: user.lastName ?? 'User' },
    };
    this.users.set(created.id, created);
    this.groups.get(EVERYONE_ID)?.members.add(created.id);
    return created;
  }

  addGroup(name: string, options: { type?: FakeGroupType; description?: string } = {}): { id: string; name: string } {
    const group: FakeGroup = {
      id: oktaId('00g', this.nextId++),
      type: options.type ?? 'OKTA_GROUP',
      name,
      description: options.description ?? '',
      members: new Set(),
      hiddenFromSearch: 0,
    };
    this.groups.set(group.id, group);
    return { id: group.id, name };
  }

  addMember(groupId: string, userId: string): void {
    this.groups.get(groupId)?.members.add(userId);
  }

  isMember(groupId: string, userId: string): boolean {
    return this.groups.get(groupId)?.members.has(userId) ?? false;
  }

  /** From now on, serves at most `pageSize` members (or groups of a user) a page, whatever `limit` asks. */
  capMemberPages(pageSize: number): void {
    this.memberPageCap = pageSize;
  }

  groupNamed(name: string): { id: string; name: string; type: FakeGroupType } | undefined {
    const group = [...this.groups.values()].find((candidate) => candidate.name === name);
    return group && { id: group.id, name: group.name, type: group.type };
  }

  /** Groups other than the built-in Everyone group: what tests and the connector made. */
  groupCount(): number {
    return this.groups.size - (this.groups.has(EVERYONE_ID) ? 1 : 0);
  }

  // ── Faults: each fails exactly the next request ──

  /** Okta's org-wide rate limit: 429 E0000047, the window's limit, 0 remaining, and its reset (epoch seconds) against `Date`. */
  rateLimitNext(retryAfterMs: number): void {
    this.fail(429, oktaError('E0000047', OKTA_SUMMARIES.E0000047), rateLimitHeaders(Date.now(), Math.ceil(retryAfterMs / 1000), 0));
  }

  /**
   * Okta's concurrent rate limit: also 429, but `X-Rate-Limit-Limit` and `-Remaining` are both 0
   * and the reset is Okta's estimate of when a request slot frees up.
   */
  concurrentRateLimitNext(retryAfterMs: number): void {
    this.fail(429, oktaError('E0000047', OKTA_SUMMARIES.E0000047), rateLimitHeaders(Date.now(), Math.ceil(retryAfterMs / 1000), 0, 0));
  }

  unavailableNext(): void {
    this.fail(503, oktaError('E0000010', OKTA_SUMMARIES.E0000010));
  }

  /**
   * 401. With private key sign-in the SDK answers a 401 by fetching a new token once and trying
   * again, so a refused credential is refused twice: the call, then the token request (or the
   * token request and its one retry).
   */
  unauthorizedNext(): void {
    const times = this.options.credential.mode === 'private_key' ? 2 : 1;
    for (let index = 0; index < times; index += 1) this.fail(401, oktaError('E0000011', OKTA_SUMMARIES.E0000011));
  }

  forbiddenNext(): void {
    this.fail(403, oktaError('E0000006', OKTA_SUMMARIES.E0000006));
  }

  resetNext(): void {
    this.faults.push({ reply: 'reset' });
  }

  /** The next request gets no answer until the client aborts it; `onReceived` runs when it arrives. */
  hangNext(onReceived: () => void = () => undefined): void {
    this.faults.push({ reply: { hang: onReceived } });
  }

  /** Requests received so far, the hung ones included. */
  requestsReceived(): number {
    return this.requests.length;
  }

  /**
   * Answers the next request with this method whose path starts with `pathPrefix` exactly as given;
   * with `forward`, the request is carried out first (a write applied, its answer replaced).
   */
  replyNextMatching(method: string, pathPrefix: string, reply: RawReply, options: { forward?: boolean } = {}): void {
    this.faults.push({ reply: { raw: reply }, match: (m, path) => m === method && path.startsWith(pathPrefix), forward: options.forward === true });
  }

  /** Fails the next request with any status, body and headers (for the error-mapping tests). */
  fail(status: number, body: unknown, headers: Record<string, string> = {}): void {
    this.faults.push({ reply: { status, body, headers } });
  }

  /** Fails the next request with this method whose path (and query) starts with `pathPrefix`. */
  failNextMatching(method: string, pathPrefix: string, status: number, body: unknown, headers: Record<string, string> = {}): void {
    this.faults.push({ reply: { status, body, headers }, match: (m, path) => m === method && path.startsWith(pathPrefix) });
  }

  // ── HTTP ──

  private answer(method: string, url: URL, body: nock.Body, headers: Record<string, string>, callback: ReplyCallback): void {
    this.requests.push(`${method} ${url.pathname}${url.search}`);
    this.requestHeaders.push({ ...headers });
    const faultIndex = this.faults.findIndex((fault) => fault.match?.(method, `${url.pathname}${url.search}`) ?? true);
    const [fault] = faultIndex >= 0 ? this.faults.splice(faultIndex, 1) : [];
    if (fault?.forward) this.route(method, url, body, headers);
    const reply = fault ? fault.reply : this.route(method, url, body, headers);
    if (reply === 'reset') {
      callback(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), [0]);
      return;
    }
    if ('hang' in reply) {
      reply.hang();
      return;
    }
    const base = { ...rateLimitHeaders(Date.now(), 60, 599), 'x-okta-request-id': `req-${++this.requestCount}` };
    if ('raw' in reply) {
      callback(null, [reply.raw.status, reply.raw.text, { ...base, ...reply.raw.headers }]);
      return;
    }
    // The token endpoint speaks OAuth: an injected E0000011 arrives there as invalid_client.
    const refusedAtToken = url.pathname === '/oauth2/v1/token' && (reply.body as { errorCode?: unknown } | undefined)?.errorCode === 'E0000011';
    const replyBody = refusedAtToken ? oauthError('invalid_client', OAUTH_DESCRIPTIONS.invalid_client) : reply.body;
    const contentType: Record<string, string> = reply.body === undefined ? {} : { 'content-type': 'application/json' };
    const text = replyBody === undefined ? '' : typeof replyBody === 'string' ? replyBody : JSON.stringify(replyBody);
    callback(null, [reply.status, text, { ...base, ...contentType, ...reply.headers }]);
  }

  private route(method: string, url: URL, body: nock.Body, headers: Record<string, string>): AuthReply {
    if (url.pathname === '/oauth2/v1/token' && method === 'POST') {
      return this.auth.token(new URLSearchParams(typeof body === 'string' ? body : ''), headers);
    }
    const refused = this.auth.checkApiRequest(method, url, headers);
    if (refused) return refused;
    const [api, version, resource, id, sub, memberId, ...rest] = url.pathname.split('/').filter(Boolean);
    if (api !== 'api' || version !== 'v1' || rest.length > 0) return notFoundPath();
    if (resource === 'users' && method === 'GET' && id && sub === 'groups' && !memberId) return this.denied('groups.read') ?? this.listUserGroups(url, id);
    if (resource === 'users' && method === 'GET' && !sub) return this.denied('users.read') ?? (id ? this.getUser(id) : this.listUsers(url));
    if (resource !== 'groups') return notFoundPath();
    if (!id) {
      if (method === 'GET') return this.denied('groups.read') ?? this.listGroups(url);
      if (method === 'POST') return this.denied('groups.manage') ?? this.createGroup(body);
      return notFoundPath();
    }
    const group = this.groups.get(id);
    if (!sub && method === 'GET') return this.denied('groups.read') ?? (group ? ok(groupJson(this.orgUrl, group)) : notFound(id, 'UserGroup'));
    if (sub !== 'users') return notFoundPath();
    if (!memberId && method === 'GET') return this.denied('groups.read') ?? (group ? this.listMembers(url, group) : notFound(id, 'UserGroup'));
    if (!memberId) return notFoundPath();
    const denied = this.denied('groups.manage');
    if (denied) return denied;
    if (!group) return notFound(id, 'UserGroup');
    if (!this.users.has(memberId)) return notFound(memberId, 'User');
    if (method === 'PUT') {
      group.members.add(memberId);
      return { status: 204, body: undefined };
    }
    if (method === 'DELETE') {
      if (group.members.delete(memberId)) return { status: 204, body: undefined };
      return (this.options.nonMemberDelete ?? 404) === 404 ? notFound(memberId, 'GroupMembership') : { status: 204, body: undefined };
    }
    return notFoundPath();
  }

  private denied(permission: Permission): AuthReply | undefined {
    return this.options.denied?.includes(permission) ? { status: 403, body: oktaError('E0000006', OKTA_SUMMARIES.E0000006) } : undefined;
  }

  /** By id, by login, or by the login's short name when that is unique, as Okta's getUser does. */
  private getUser(idOrLogin: string): AuthReply {
    const wanted = decodeURIComponent(idOrLogin).toLowerCase();
    const users = [...this.users.values()];
    const byShortName = users.filter((user) => user.profile.login.toLowerCase().split('@')[0] === wanted);
    const user =
      this.users.get(idOrLogin) ??
      users.find((candidate) => candidate.profile.login.toLowerCase() === wanted) ??
      (byShortName.length === 1 ? byShortName[0] : undefined);
    return user ? ok(userJson(this.orgUrl, user)) : notFound(idOrLogin, 'User');
  }

  /** `search=profile.email eq "…"` (any status, values compared case-insensitively), or a plain list. */
  private listUsers(url: URL): AuthReply {
    const search = url.searchParams.get('search');
    const limit = Number(url.searchParams.get('limit') ?? 200);
    if (search === null) {
      const listed = [...this.users.values()].filter((user) => user.status !== 'DEPROVISIONED').slice(0, limit);
      return ok(listed.map((user) => userJson(this.orgUrl, user)));
    }
    const match = /^profile\.email eq "((?:[^"\\]|\\.)*)"$/.exec(search);
    if (!match?.[1]) return { status: 400, body: oktaError('E0000031', 'Invalid search criteria.') };
    const email = match[1].replace(/\\(.)/g, '$1').toLowerCase();
    const found = [...this.users.values()].filter((user) => user.profile.email.toLowerCase() === email).slice(0, limit);
    return ok(found.map((user) => userJson(this.orgUrl, user)));
  }

  /** `q`: a case-insensitive prefix match on the name, one page only, lagging behind creation. */
  private listGroups(url: URL): AuthReply {
    const q = url.searchParams.get('q');
    const limit = Number(url.searchParams.get('limit') ?? 300);
    const all = [...this.groups.values()];
    if (q === null) return ok(all.slice(0, limit).map((group) => groupJson(this.orgUrl, group)));
    const visible = all.filter((group) => {
      if (group.hiddenFromSearch > 0) {
        group.hiddenFromSearch -= 1;
        return false;
      }
      return group.name.toLowerCase().startsWith(q.toLowerCase());
    });
    return ok(visible.slice(0, limit).map((group) => groupJson(this.orgUrl, group)));
  }

  /** Okta keeps Okta group names unique: a second one is a 400 naming the field. */
  private createGroup(body: nock.Body): AuthReply {
    const profile = typeof body === 'object' ? (body as { profile?: { name?: unknown; description?: unknown } }).profile : undefined;
    const name = typeof profile?.name === 'string' ? profile.name : '';
    if (!name) return { status: 400, body: oktaError('E0000001', 'Api validation failed: profile', ['name: The field cannot be left blank']) };
    const taken = [...this.groups.values()].some((group) => group.type === 'OKTA_GROUP' && group.name.toLowerCase() === name.toLowerCase());
    if (taken) {
      return { status: 400, body: oktaError('E0000001', 'Api validation failed: name', ['name: An object with this field already exists in the current organization']) };
    }
    const created = this.addGroup(name, { description: typeof profile?.description === 'string' ? profile.description : '' });
    const group = this.groups.get(created.id);
    if (!group) return notFoundPath();
    group.hiddenFromSearch = this.options.groupSearchLag ?? 0;
    return ok(groupJson(this.orgUrl, group));
  }

  /** The groups a user is a direct member of, a page at a time (the member page cap applies), with `Link` headers. */
  private listUserGroups(url: URL, userId: string): AuthReply {
    if (!this.users.has(userId)) return notFound(userId, 'User');
    const ids = [...this.groups.values()].filter((group) => group.members.has(userId)).map((group) => group.id);
    const { page, next } = pageOf(ids, url.searchParams.get('after'), this.memberPageCap ?? 200);
    const groups = page.map((id) => this.groups.get(id)).filter((group): group is FakeGroup => group !== undefined);
    return { status: 200, body: groups.map((group) => groupJson(this.orgUrl, group)), headers: { link: linkHeader(url, next).join(', ') } };
  }

  /** A page of members after the `after` cursor (Okta's default page is 1000), with `Link` headers; `next` while more remain. */
  private listMembers(url: URL, group: FakeGroup): AuthReply {
    const asked = Number(url.searchParams.get('limit') ?? 1000);
    const { page, next } = pageOf([...group.members], url.searchParams.get('after'), Math.min(asked, this.memberPageCap ?? asked));
    const users = page.map((id) => this.users.get(id)).filter((user): user is FakeUser => user !== undefined);
    return { status: 200, body: users.map((user) => userJson(this.orgUrl, user)), headers: { link: linkHeader(url, next).join(', ') } };
  }
}

/**
 * One page of ids in id order, after the `after` cursor, and the cursor of the next page while more
 * remain. The cursor is a position ("the cursor that points to the end of the page of data that has
 * been returned": https://developer.okta.com/docs/api/#pagination), so it still holds when the user
 * or group it names has left the list meanwhile.
 */
function pageOf(ids: readonly string[], after: string | null, limit: number): { page: string[]; next: string | undefined } {
  const ordered = [...ids].sort();
  const remaining = after === null ? ordered : ordered.filter((id) => id > after);
  const page = remaining.slice(0, limit);
  return { page, next: remaining.length > limit ? page.at(-1) : undefined };
}

const ok = (body: unknown): AuthReply => ({ status: 200, body });

/** Okta fills E0000007's "Not found: {0}" with "Resource not found: <id> (<type>)". */
const notFound = (id: string, type: string): AuthReply => ({
  status: 404,
  body: oktaError('E0000007', OKTA_SUMMARIES.E0000007.replace('{0}', `Resource not found: ${decodeURIComponent(id)} (${type})`)),
});

const notFoundPath = (): AuthReply => ({ status: 404, body: oktaError('E0000008', OKTA_SUMMARIES.E0000008) });

function userJson(orgUrl: string, user: FakeUser) {
  return {
    id: user.id,
    status: user.status,
    created: '2024-01-15T10:00:00.000Z',
    activated: null,
    statusChanged: '2024-01-15T10:00:00.000Z',
    lastLogin: null,
    lastUpdated: '2024-01-15T10:00:00.000Z',
    passwordChanged: null,
    type: { id: 'oty1defaulttype0000' },
    profile: { ...user.profile, mobilePhone: null, secondEmail: null },
    credentials: { provider: { type: 'OKTA', name: 'OKTA' } },
    _links: { self: { href: `${orgUrl}/api/v1/users/${user.id}` } },
  };
}

function groupJson(orgUrl: string, group: FakeGroup) {
  return {
    id: group.id,
    created: '2024-01-15T10:00:00.000Z',
    lastUpdated: '2024-01-15T10:00:00.000Z',
    lastMembershipUpdated: '2024-01-15T10:00:00.000Z',
    objectClass: [group.type === 'APP_GROUP' ? 'okta:windows_security_principal' : 'okta:user_group'],
    type: group.type,
    profile: { name: group.name, description: group.description },
    _links: {
      logo: [{ name: 'medium', href: `${orgUrl}/img/logos/groups/okta-medium.png`, type: 'image/png' }],
      users: { href: `${orgUrl}/api/v1/groups/${group.id}/users` },
      apps: { href: `${orgUrl}/api/v1/groups/${group.id}/apps` },
    },
  };
}
