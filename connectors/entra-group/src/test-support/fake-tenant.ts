/**
 * A stateful Microsoft Graph tenant behind nock: users, groups (security, mail-enabled, dynamic,
 * nested) and membership, answering the subset of Graph v1.0 the provider calls with Graph's
 * response and error shapes (`{ error: { code, message, innerError: { request-id, date } } }`,
 * https://learn.microsoft.com/en-us/graph/errors). It checks the bearer token, honours `$select` the
 * way Graph does for `accountEnabled`, and serves filtered member queries (`ConsistencyLevel:
 * eventual` + `$count`, required) from an index that, as Graph documents, "might not be up-to-date
 * with recent changes": it catches up only on `syncIndex()`. Reads by key read the directory itself.
 * It implements the conformance kit's `FaultInjector`: each queued fault answers exactly the next
 * Graph request.
 */
import { randomUUID } from 'node:crypto';
import type { FaultInjector } from '@clearway/connector-sdk/testing';
import nock from 'nock';

export interface FakeUser {
  id: string;
  userPrincipalName: string;
  mail: string | null;
  displayName: string;
  accountEnabled: boolean;
}

export interface FakeGroup {
  id: string;
  displayName: string;
  description: string | null;
  mailNickname: string;
  securityEnabled: boolean;
  mailEnabled: boolean;
  groupTypes: string[];
  membershipRule: string | null;
  onPremisesSyncEnabled: boolean | null;
  isAssignableToRole: boolean;
  /** Object ids of member users and nested groups. */
  members: Set<string>;
}

export interface RecordedRequest {
  readonly method: string;
  /** The path as sent, still percent-encoded, including the version: `/v1.0/groups/{id}/members/$ref`. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: unknown;
}

export interface GraphFault {
  readonly status: number;
  readonly code?: string;
  readonly message?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** An answer outside Graph's shapes: HTML from a proxy, `{}`, truncated JSON, a body on a 204. */
export interface RawFault {
  readonly raw: { readonly status: number; readonly body: string; readonly headers?: Readonly<Record<string, string>> };
}

type Fault = GraphFault | RawFault | { readonly reset: true } | { readonly delayMs: number } | { readonly hang: true };
type Reply = nock.ReplyFnResult;

/** Roles the tenant requires per kind of call (any one of the listed ones suffices). */
const NEEDS = {
  readUsers: ['User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
  readGroups: ['GroupMember.Read.All', 'GroupMember.ReadWrite.All', 'Group.Read.All', 'Group.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
  writeMembers: ['GroupMember.ReadWrite.All', 'Group.ReadWrite.All', 'Directory.ReadWrite.All'],
  createGroups: ['Group.Create', 'Group.ReadWrite.All', 'Directory.ReadWrite.All'],
} as const;

export const ALL_ROLES = ['GroupMember.ReadWrite.All', 'User.Read.All', 'Group.Create'];

const MAIL_NICKNAME_FORBIDDEN = /[@()\\[\]"';:.<>,\s/]/;

export function graphErrorBody(code: string, message: string, requestId: string = randomUUID()) {
  return { error: { code, message, innerError: { date: new Date().toISOString().slice(0, 19), 'request-id': requestId, 'client-request-id': randomUUID() } } };
}

export class FakeGraphTenant implements FaultInjector {
  readonly users = new Map<string, FakeUser>();
  readonly groups = new Map<string, FakeGroup>();
  readonly requests: RecordedRequest[] = [];
  /** Requests the fake does not implement; a harness asserts there are none. */
  readonly unsupported: string[] = [];
  /** Bearer tokens the tenant accepts (issued by the fake authority or a fake credential). */
  readonly acceptedTokens = new Set<string>();
  /** Application permissions the app registration was granted. */
  grantedRoles = new Set<string>(ALL_ROLES);
  /** Most members on one page, whatever `$top` asks: Graph may answer fewer ("zero or more results"). */
  memberPageLimit = 999;
  private readonly faults: Fault[] = [];
  /** The advanced-query index: group id → members as of the last `syncIndex()`. */
  private readonly index = new Map<string, Set<string>>();

  constructor(readonly baseUrl = 'https://graph.microsoft.com') {}

  addUser(user: Partial<FakeUser> & Pick<FakeUser, 'userPrincipalName'>): FakeUser {
    const created: FakeUser = { id: randomUUID(), mail: user.userPrincipalName, displayName: user.userPrincipalName.split('@')[0] ?? '', accountEnabled: true, ...user };
    this.users.set(created.id, created);
    return created;
  }

  addGroup(group: Partial<Omit<FakeGroup, 'members'>> & Pick<FakeGroup, 'displayName'> & { members?: Iterable<string> }): FakeGroup {
    const created: FakeGroup = {
      id: randomUUID(),
      description: null,
      mailNickname: group.displayName.replace(/[^A-Za-z0-9]/g, '') || 'group',
      securityEnabled: true,
      mailEnabled: false,
      groupTypes: [],
      membershipRule: null,
      onPremisesSyncEnabled: null,
      isAssignableToRole: false,
      ...group,
      members: new Set(group.members ?? []),
    };
    this.groups.set(created.id, created);
    this.index.set(created.id, new Set(created.members));
    return created;
  }

  /** The advanced-query index catches up with every change so far. */
  syncIndex(): void {
    for (const group of this.groups.values()) this.index.set(group.id, new Set(group.members));
  }

  // The conformance kit's FaultInjector, with Graph's documented shapes.
  rateLimitNext(retryAfterMs: number): void {
    this.failNext({
      status: 429,
      code: 'TooManyRequests',
      message: 'Please retry again later.',
      headers: { 'retry-after': String(Math.ceil(retryAfterMs / 1000)) },
    });
  }
  unavailableNext(): void {
    this.failNext({ status: 503, code: 'serviceNotAvailable', message: 'The service is temporarily unavailable. Please try again later.' });
  }
  unauthorizedNext(): void {
    this.failNext({ status: 401, code: 'InvalidAuthenticationToken', message: 'Access token has expired or is not yet valid.' });
  }
  forbiddenNext(): void {
    this.failNext({ status: 403, code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' });
  }
  resetNext(): void {
    this.faults.push({ reset: true });
  }
  /** The next request gets no answer at all: only the client giving up ends it. */
  hangNext(): void {
    this.faults.push({ hang: true });
  }
  requestsReceived(): number {
    return this.requests.length;
  }

  /**
   * Graph asking for room with a 5xx: "The service is temporarily unavailable for maintenance or is
   * overloaded. You may repeat the request after a delay, the length of which may be specified in a
   * Retry-After header" (503; 504 "May occur together with 503") — https://learn.microsoft.com/en-us/graph/errors
   */
  busyNext(status: 503 | 504, retryAfterMs: number): void {
    this.failNext({
      status,
      ...(status === 503 && { code: 'serviceNotAvailable', message: 'The service is temporarily unavailable. Please try again later.' }),
      headers: { 'retry-after': String(Math.ceil(retryAfterMs / 1000)) },
    });
  }

  /** The next request gets exactly this answer. */
  answerNext(raw: RawFault['raw']): void {
    this.faults.push({ raw });
  }

  /** The next Graph request gets this status and a Graph-shaped error body (or an empty one without `code`). */
  failNext(fault: GraphFault): void {
    this.faults.push(fault);
  }

  /** The next Graph request is answered only after `delayMs`. */
  delayNext(delayMs: number): void {
    this.faults.push({ delayMs });
  }

  /** Requests with this method whose (encoded) path matches the pattern. */
  requestsTo(method: string, pathPattern: RegExp): RecordedRequest[] {
    return this.requests.filter((request) => request.method === method && pathPattern.test(request.path));
  }

  isMember(groupId: string, userId: string): boolean {
    return this.groups.get(groupId)?.members.has(userId) ?? false;
  }

  install(): nock.Scope {
    const scope = nock(this.baseUrl).persist();
    const answer = this.answer.bind(this);
    for (const method of ['GET', 'POST', 'PATCH', 'DELETE'] as const) {
      scope
        .intercept((uri) => uri.startsWith('/v1.0/'), method)
        .reply(function (uri, body, callback) {
          // A function, not an arrow: nock passes the intercepted request as `this`.
          answer(method, uri, this.req.headers, body, callback);
        });
    }
    return scope;
  }

  private answer(
    method: string,
    uri: string,
    headers: Record<string, string | string[] | undefined>,
    rawBody: unknown,
    callback: (error: NodeJS.ErrnoException | null, reply: Reply) => void,
  ): void {
    const url = new URL(uri, this.baseUrl);
    const body = typeof rawBody === 'string' && rawBody.length > 0 ? (JSON.parse(rawBody) as unknown) : rawBody || undefined;
    this.requests.push({ method, path: url.pathname, query: url.searchParams, headers, body });
    const fault = this.faults.shift();
    if (fault && 'hang' in fault) return;
    if (fault && 'reset' in fault) {
      callback(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), [500]);
      return;
    }
    const answer = (): Reply => {
      if (fault && 'status' in fault) return this.faultReply(fault);
      if (fault && 'raw' in fault) return [fault.raw.status, fault.raw.body, { ...fault.raw.headers }];
      return this.route(method, url, headers, body);
    };
    const respond = () => callback(null, answer());
    if (fault && 'delayMs' in fault) setTimeout(respond, fault.delayMs);
    else respond();
  }

  private faultReply(fault: GraphFault): Reply {
    const requestId = randomUUID();
    const body = fault.code ? graphErrorBody(fault.code, fault.message ?? '', requestId) : '';
    return [fault.status, body, { 'content-type': 'application/json', 'request-id': requestId, ...fault.headers }];
  }

  private route(method: string, url: URL, headers: RecordedRequest['headers'], body: unknown): Reply {
    const token = /^Bearer (.+)$/.exec(String(headers.authorization ?? ''))?.[1];
    if (!token) return this.error(401, 'InvalidAuthenticationToken', 'Access token is empty.');
    if (!this.acceptedTokens.has(token)) return this.error(401, 'InvalidAuthenticationToken', 'Access token validation failure. Invalid audience.');

    const segments = url.pathname.split('/').slice(2).map(decodeURIComponent);
    const [collection, id, relation, memberId, ref] = segments;
    const query = url.searchParams;
    if (collection === 'users') {
      if (!this.allowed(NEEDS.readUsers)) return this.denied();
      if (method === 'GET' && !id) return this.listUsers(query);
      const user = id === undefined ? undefined : this.findUser(id);
      if (!user) return this.notFound(id ?? '');
      if (method === 'GET' && !relation) return this.ok(this.selectUser(user, query));
      if (method === 'POST' && relation === 'checkMemberGroups') return this.checkMemberGroups(user, body);
      if (method === 'DELETE' && !relation) return this.deleteUser(user);
    }
    if (collection === 'groups') {
      if (method === 'GET' && !id) return this.allowed(NEEDS.readGroups) ? this.listGroups(query) : this.denied();
      if (method === 'POST' && !id) return this.allowed(NEEDS.createGroups) ? this.createGroup(body) : this.denied();
      const group = id === undefined ? undefined : this.groups.get(id);
      if (!group) return this.notFound(id ?? '');
      if (method === 'GET' && !relation) return this.allowed(NEEDS.readGroups) ? this.ok(this.selectGroup(group)) : this.denied();
      if (method === 'GET' && relation === 'members' && !memberId) return this.listMembers(group, query, headers);
      if (method === 'GET' && relation === 'members' && memberId === 'microsoft.graph.user' && ref === undefined) return this.listUserMembers(group, url, headers);
      if (method === 'GET' && relation === 'members' && memberId && ref === 'microsoft.graph.user') return this.readMember(group, memberId, query);
      if (!this.allowed(NEEDS.writeMembers)) return this.denied();
      if (method === 'PATCH' && !relation) return this.bindMembers(group, body);
      if (method === 'POST' && relation === 'members' && memberId === '$ref') return this.addMember(group, body);
      if (method === 'DELETE' && relation === 'members' && memberId && ref === '$ref') return this.removeMember(group, memberId);
      if (method === 'DELETE' && relation === 'members' && memberId && ref === undefined) {
        // What Graph does without `/$ref`, for an app that may write users: the user is deleted.
        const user = this.users.get(memberId);
        return user ? this.deleteUser(user) : this.notFound(memberId);
      }
    }
    this.unsupported.push(`${method} ${url.pathname}${url.search}`);
    return this.error(400, 'BadRequest', `The fake tenant does not implement ${method} ${url.pathname}.`);
  }

  private allowed(anyOf: readonly string[]): boolean {
    return anyOf.some((role) => this.grantedRoles.has(role));
  }

  private findUser(key: string): FakeUser | undefined {
    return this.users.get(key) ?? [...this.users.values()].find((user) => user.userPrincipalName.toLowerCase() === key.toLowerCase());
  }

  /** Like Graph: `accountEnabled` only when `$select`ed; otherwise the default properties. */
  private selectUser(user: FakeUser, query: URLSearchParams): Record<string, unknown> {
    const selected = query.get('$select')?.split(',');
    const all: Record<string, unknown> = { ...user };
    if (!selected) {
      delete all.accountEnabled;
      return all;
    }
    return Object.fromEntries(selected.filter((field) => field in all).map((field) => [field, all[field]]));
  }

  private selectGroup(group: FakeGroup): Record<string, unknown> {
    const { members: _members, ...properties } = group;
    return properties;
  }

  private listUsers(query: URLSearchParams): Reply {
    const filter = parseEqFilter(query.get('$filter'));
    if (query.has('$filter') && filter?.field !== 'mail') return this.error(400, 'Request_UnsupportedQuery', 'Unsupported query.');
    const matches = [...this.users.values()].filter((user) => !filter || user.mail?.toLowerCase() === filter.value.toLowerCase());
    const top = Number(query.get('$top') ?? 100);
    return this.ok({ value: matches.slice(0, top).map((user) => this.selectUser(user, query)) });
  }

  private listGroups(query: URLSearchParams): Reply {
    const filter = parseEqFilter(query.get('$filter'));
    if (!filter || filter.field !== 'displayName') return this.error(400, 'Request_UnsupportedQuery', 'Unsupported query.');
    const matches = [...this.groups.values()].filter((group) => group.displayName.toLowerCase() === filter.value.toLowerCase());
    return this.ok({ value: matches.slice(0, Number(query.get('$top') ?? 100)).map((group) => this.selectGroup(group)) });
  }

  private listMembers(group: FakeGroup, query: URLSearchParams, headers: RecordedRequest['headers']): Reply {
    const filter = parseEqFilter(query.get('$filter'));
    if (query.has('$filter') && (headers.consistencylevel !== 'eventual' || query.get('$count') !== 'true')) {
      return this.error(400, 'Request_UnsupportedQuery', "Filter operator 'Equals' is not supported without ConsistencyLevel: eventual and $count.");
    }
    // "Queries that are supported by default will also work with advanced query parameters, but the
    // response will be eventually consistent" (Graph, Advanced query capabilities).
    const source = query.has('$filter') || headers.consistencylevel === 'eventual' ? (this.index.get(group.id) ?? new Set<string>()) : group.members;
    const members = [...source].filter((id) => !filter || (filter.field === 'id' && id === filter.value));
    return this.ok({ '@odata.count': members.length, value: members.map((id) => ({ '@odata.type': '#microsoft.graph.user', id })) });
  }

  /**
   * `GET /groups/{g}/members/microsoft.graph.user`: the direct members that are users, paged as
   * Graph pages (https://learn.microsoft.com/en-us/graph/api/group-list-members,
   * https://learn.microsoft.com/en-us/graph/paging): `$top` 1–999 (default 100), at most
   * `memberPageLimit` per page, and while more remain an absolute `@odata.nextLink` repeating the
   * request's query with a `$skiptoken`. The token names the last member served, so members
   * added or removed between pages neither repeat nor push others off. Without User.Read.All a
   * member comes back with its id only, the other properties null ("limited information").
   */
  private listUserMembers(group: FakeGroup, url: URL, headers: RecordedRequest['headers']): Reply {
    if (!this.allowed(NEEDS.readGroups)) return this.denied();
    const query = url.searchParams;
    const top = query.has('$top') ? Number(query.get('$top')) : 100;
    if (!Number.isInteger(top) || top < 1 || top > 999) {
      return this.error(400, 'Request_UnsupportedQuery', `Invalid page size specified: '${query.get('$top') ?? ''}'. Must be between 1 and 999 inclusive.`);
    }
    const token = query.get('$skiptoken');
    const after = token === null ? '' : decodeSkipToken(token);
    // As reported from Graph, without an error code: https://github.com/microsoftgraph/microsoft-graph-docs/issues/8612
    if (after === undefined) return this.error(400, '', 'Invalid Skip Token');
    const source = headers.consistencylevel === 'eventual' ? (this.index.get(group.id) ?? new Set<string>()) : group.members;
    const users = [...source]
      .map((id) => this.users.get(id))
      .filter((user): user is FakeUser => user !== undefined)
      .sort((a, b) => a.id.localeCompare(b.id));
    const rest = users.filter((user) => user.id.localeCompare(after) > 0);
    const page = rest.slice(0, Math.min(top, this.memberPageLimit));
    const last = page.at(-1);
    const readsUsers = this.allowed(NEEDS.readUsers);
    const value = page.map((user) =>
      readsUsers ? this.selectUser(user, query) : { id: user.id, userPrincipalName: null, mail: null, displayName: null },
    );
    const more = last !== undefined && rest.length > page.length;
    const echoed = url.search.replace(/^\?/, '').split('&').filter((pair) => pair && !/^(\$|%24)skiptoken=/i.test(pair));
    return this.ok({
      '@odata.context': `${this.baseUrl}/v1.0/$metadata#users(${query.get('$select') ?? ''})`,
      ...(more && { '@odata.nextLink': `${this.baseUrl}${url.pathname}?${[...echoed, `$skiptoken=${encodeSkipToken(last.id)}`].join('&')}` }),
      value,
    });
  }

  /** `GET /groups/{g}/members/{u}/microsoft.graph.user`: the user, if a direct member; else 404. */
  private readMember(group: FakeGroup, memberId: string, query: URLSearchParams): Reply {
    if (!this.allowed(NEEDS.readGroups)) return this.denied();
    const user = this.users.get(memberId);
    if (!user || !group.members.has(memberId)) return this.notFound(memberId);
    return this.ok({ '@odata.context': `${this.baseUrl}/v1.0/$metadata#users/$entity`, ...this.selectUser(user, query) });
  }

  private createGroup(body: unknown): Reply {
    const spec = (body ?? {}) as Partial<FakeGroup>;
    const nickname = spec.mailNickname ?? '';
    if (!spec.displayName || nickname.length === 0 || nickname.length > 64 || MAIL_NICKNAME_FORBIDDEN.test(nickname) || /[^\x20-\x7e]/.test(nickname)) {
      return this.error(400, 'Request_BadRequest', "Invalid value specified for property 'mailNickname' of resource 'Group'.");
    }
    if (spec.mailEnabled !== false || spec.securityEnabled !== true) return this.error(400, 'Request_BadRequest', 'Only security groups are expected.');
    const created = this.addGroup({ displayName: spec.displayName, mailNickname: nickname, description: spec.description ?? null, groupTypes: spec.groupTypes ?? [] });
    this.index.set(created.id, new Set());
    return [201, this.selectGroup(created), { 'content-type': 'application/json' }];
  }

  private objectIdFromReference(reference: unknown): string | undefined {
    return typeof reference === 'string' ? /\/directoryObjects\/([^/]+)$/.exec(reference)?.[1] : undefined;
  }

  private addMember(group: FakeGroup, body: unknown): Reply {
    const memberId = this.objectIdFromReference((body as { '@odata.id'?: unknown } | undefined)?.['@odata.id']);
    if (!memberId || !this.isDirectoryObject(memberId)) return this.notFound(memberId ?? '');
    const refusal = this.membershipRefusal(group);
    if (refusal) return refusal;
    if (group.members.has(memberId)) return this.alreadyExists();
    group.members.add(memberId);
    return [204];
  }

  /** PATCH members@odata.bind: up to 20, all or nothing. */
  private bindMembers(group: FakeGroup, body: unknown): Reply {
    const references = (body as { 'members@odata.bind'?: unknown } | undefined)?.['members@odata.bind'];
    if (!Array.isArray(references)) return this.error(400, 'Request_BadRequest', 'Invalid request body.');
    if (references.length > 20) {
      return this.error(400, 'Request_BadRequest', 'The request exceeds the maximum of 20 members that can be added in one request.');
    }
    const ids = references.map((reference) => this.objectIdFromReference(reference));
    if (ids.some((id) => !id || !this.isDirectoryObject(id))) {
      return this.error(400, 'Request_BadRequest', "One or more added object references do not exist for the following modified properties: 'members'.");
    }
    const refusal = this.membershipRefusal(group);
    if (refusal) return refusal;
    if (ids.some((id) => id && group.members.has(id))) return this.alreadyExists();
    for (const id of ids) if (id) group.members.add(id);
    return [204];
  }

  private removeMember(group: FakeGroup, memberId: string): Reply {
    const refusal = this.membershipRefusal(group);
    if (refusal) return refusal;
    if (!group.members.delete(memberId)) return this.notFound(memberId);
    return [204];
  }

  private membershipRefusal(group: FakeGroup): Reply | undefined {
    if (group.mailEnabled) return this.error(400, 'Request_BadRequest', 'Cannot Update a mail-enabled security groups and or distribution list.');
    if (group.groupTypes.includes('DynamicMembership')) {
      return this.error(400, 'Request_BadRequest', 'Fake tenant: the members of a dynamic group cannot be changed.');
    }
    return undefined;
  }

  private checkMemberGroups(user: FakeUser, body: unknown): Reply {
    const groupIds = (body as { groupIds?: unknown } | undefined)?.groupIds;
    if (!Array.isArray(groupIds) || groupIds.length > 20) return this.error(400, 'Request_BadRequest', 'Invalid groupIds.');
    const memberOf = (groupId: string, seen = new Set<string>()): boolean => {
      const group = this.groups.get(groupId);
      if (!group || seen.has(groupId)) return false;
      seen.add(groupId);
      return group.members.has(user.id) || [...group.members].some((nested) => this.groups.has(nested) && memberOf(nested, seen));
    };
    return this.ok({ value: groupIds.filter((id): id is string => typeof id === 'string' && memberOf(id)) });
  }

  private deleteUser(user: FakeUser): Reply {
    this.users.delete(user.id);
    for (const group of this.groups.values()) group.members.delete(user.id);
    return [204];
  }

  private isDirectoryObject(id: string): boolean {
    return this.users.has(id) || this.groups.has(id);
  }

  private ok(body: Record<string, unknown>): Reply {
    return [200, body, { 'content-type': 'application/json' }];
  }

  private alreadyExists(): Reply {
    return this.error(400, 'Request_BadRequest', "One or more added object references already exist for the following modified properties: 'members'.");
  }

  private notFound(id: string): Reply {
    return this.error(404, 'Request_ResourceNotFound', `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`);
  }

  private denied(): Reply {
    return this.error(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
  }

  private error(status: number, code: string, message: string): Reply {
    const requestId = randomUUID();
    return [status, graphErrorBody(code, message, requestId), { 'content-type': 'application/json', 'request-id': requestId }];
  }
}

/** `field eq 'value'` with OData's doubled quotes; undefined for anything else. */
export function parseEqFilter(filter: string | null): { field: string; value: string } | undefined {
  const match = filter ? /^(\w+) eq '((?:[^']|'')*)'$/.exec(filter) : null;
  return match?.[1] && match[2] !== undefined ? { field: match[1], value: match[2].replace(/''/g, "'") } : undefined;
}

/** An opaque-looking `$skiptoken` naming the last member served. */
function encodeSkipToken(lastId: string): string {
  return `RFNwdA${Buffer.from(lastId).toString('base64url')}`;
}

function decodeSkipToken(token: string): string | undefined {
  if (!token.startsWith('RFNwdA')) return undefined;
  const lastId = Buffer.from(token.slice('RFNwdA'.length), 'base64url').toString();
  return /^[0-9a-f-]{36}$/i.test(lastId) ? lastId : undefined;
}
