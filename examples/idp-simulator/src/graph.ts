import { randomUUID } from 'node:crypto';
import { empty, header, json, type SimRequest, type SimResponse } from './http.js';
import type { SimulatorSeed } from './seed.js';

export interface GraphUserRecord {
  id: string;
  userPrincipalName: string;
  mail: string | null;
  displayName: string;
  accountEnabled: boolean;
}

export interface GraphGroupRecord {
  id: string;
  displayName: string;
  mailNickname: string;
  description: string | null;
  mailEnabled: boolean;
  securityEnabled: boolean;
  groupTypes: string[];
  members: Set<string>;
}

/** Graph's documented error body: `{ error: { code, message, innerError: { request-id, date } } }`. */
export function graphError(status: number, code: string, message: string, headers: Record<string, string> = {}): SimResponse {
  const requestId = randomUUID();
  return json(status, { error: { code, message, innerError: { date: new Date().toISOString(), 'request-id': requestId, 'client-request-id': requestId } } }, { 'request-id': requestId, ...headers });
}

const notFound = (id: string) => graphError(404, 'Request_ResourceNotFound', `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`);
const alreadyExists = () => graphError(400, 'Request_BadRequest', "One or more added object references already exist for the following modified properties: 'members'.");

/** An opaque `$skiptoken` naming the last member of a page (Graph's own start `RFNwdA`). */
function skipTokenAfter(lastId: string): string {
  return `RFNwdA${Buffer.from(lastId).toString('base64url')}`;
}

/** The member a `$skiptoken` continues after; undefined for a token this simulator did not issue. */
function readSkipToken(token: string): string | undefined {
  if (!token.startsWith('RFNwdA')) return undefined;
  const lastId = Buffer.from(token.slice('RFNwdA'.length), 'base64url').toString();
  return lastId.length > 0 && skipTokenAfter(lastId) === token ? lastId : undefined;
}

/** `field eq 'value'` with OData's doubled quotes. */
function eqFilter(filter: string | null): { field: string; value: string } | undefined {
  const match = filter ? /^(\w+) eq '((?:[^']|'')*)'$/.exec(filter.trim()) : null;
  return match?.[1] !== undefined && match[2] !== undefined ? { field: match[1], value: match[2].replace(/''/g, "'") } : undefined;
}

/**
 * The Entra tenant: the token endpoint (client credentials with a secret) and the subset of
 * Microsoft Graph v1.0 the entra-group provider uses, on in-memory users and groups.
 */
export class GraphTenant {
  readonly users = new Map<string, GraphUserRecord>();
  readonly groups = new Map<string, GraphGroupRecord>();
  readonly issuedTokens = new Set<string>();
  readonly tenantId: string;
  readonly clientId: string;
  clientSecret: string;
  readonly roles = ['GroupMember.ReadWrite.All', 'User.Read.All', 'Group.Create', 'Group.Read.All'];

  constructor(
    seed: NonNullable<SimulatorSeed['entra']>,
    private readonly origin: () => string,
  ) {
    this.tenantId = seed.tenantId;
    this.clientId = seed.clientId;
    this.clientSecret = seed.clientSecret;
    for (const user of seed.users) {
      const record: GraphUserRecord = { id: user.id ?? randomUUID(), userPrincipalName: user.userPrincipalName, mail: user.mail ?? null, displayName: user.displayName ?? user.userPrincipalName, accountEnabled: user.accountEnabled ?? true };
      this.users.set(record.id, record);
    }
    for (const group of seed.groups ?? []) {
      const record: GraphGroupRecord = {
        id: group.id ?? randomUUID(),
        displayName: group.displayName,
        mailNickname: group.displayName.replace(/[^A-Za-z0-9]/g, '').slice(0, 64) || 'group',
        description: null,
        mailEnabled: group.mailEnabled ?? false,
        securityEnabled: group.securityEnabled ?? true,
        groupTypes: [...(group.groupTypes ?? [])],
        members: new Set(),
      };
      for (const upn of group.members ?? []) {
        const user = this.findUser(upn);
        if (user) record.members.add(user.id);
      }
      this.groups.set(record.id, record);
    }
  }

  findUser(key: string): GraphUserRecord | undefined {
    return this.users.get(key) ?? [...this.users.values()].find((user) => user.userPrincipalName.toLowerCase() === key.toLowerCase());
  }

  findGroupByName(name: string): GraphGroupRecord | undefined {
    return [...this.groups.values()].find((group) => group.displayName === name);
  }

  removeMemberOutOfBand(groupId: string, userId: string): boolean {
    return this.groups.get(groupId)?.members.delete(userId) ?? false;
  }

  /** Adds a member behind Clearway's back (an admin in the Entra admin center); false if the group or user is unknown. */
  addMemberOutOfBand(groupId: string, userId: string): boolean {
    const group = this.groups.get(groupId);
    if (!group || !this.users.has(userId)) return false;
    group.members.add(userId);
    return true;
  }

  /** Instance discovery, OpenID configuration and the v2.0 token endpoint, as MSAL calls them. */
  handleAuthority(request: SimRequest): SimResponse {
    const base = `${this.origin()}/${this.tenantId}`;
    const path = request.url.pathname;
    if (path === '/common/discovery/instance') {
      return json(200, { tenant_discovery_endpoint: `${base}/v2.0/.well-known/openid-configuration`, 'api-version': '1.1', metadata: [] });
    }
    if (path === `/${this.tenantId}/v2.0/.well-known/openid-configuration`) {
      return json(200, {
        token_endpoint: `${base}/oauth2/v2.0/token`,
        authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
        end_session_endpoint: `${base}/oauth2/v2.0/logout`,
        issuer: `${base}/v2.0`,
        jwks_uri: `${base}/discovery/v2.0/keys`,
        response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      });
    }
    if (path === `/${this.tenantId}/oauth2/v2.0/token` && request.method === 'POST') return this.token(new URLSearchParams(request.rawBody));
    return graphError(404, 'NotFound', `No such authority endpoint ${path}`);
  }

  private token(form: URLSearchParams): SimResponse {
    const refuse = (status: number, error: string, code: number, description: string) =>
      json(status, { error, error_description: `AADSTS${code}: ${description}\r\nTrace ID: ${randomUUID()}`, error_codes: [code], timestamp: new Date().toISOString(), trace_id: randomUUID(), correlation_id: randomUUID() });
    if (form.get('grant_type') !== 'client_credentials') return refuse(400, 'unsupported_grant_type', 70003, 'The app requested an unsupported grant type.');
    if (form.get('client_id') !== this.clientId) return refuse(400, 'unauthorized_client', 700016, `Application with identifier '${form.get('client_id')}' was not found in the directory.`);
    if (form.get('client_secret') !== this.clientSecret) return refuse(401, 'invalid_client', 7000215, 'Invalid client secret provided.');
    const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const token = `${b64({ typ: 'JWT', alg: 'RS256' })}.${b64({ aud: 'https://graph.microsoft.com', tid: this.tenantId, appid: this.clientId, roles: this.roles, iat: now, nbf: now, exp: now + 3600 })}.${randomUUID()}`;
    this.issuedTokens.add(token);
    return json(200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: token });
  }

  handleGraph(request: SimRequest): SimResponse {
    const token = /^Bearer (.+)$/.exec(header(request, 'authorization') ?? '')?.[1];
    if (!token || !this.issuedTokens.has(token)) return graphError(401, 'InvalidAuthenticationToken', token ? 'Access token validation failure.' : 'Access token is empty.');
    const [, , collection, id, relation, memberId, ref] = request.url.pathname.split('/').map(decodeURIComponent);
    const query = request.url.searchParams;
    if (collection === 'users') {
      if (request.method === 'GET' && !id) return this.listUsers(query);
      const user = id ? this.findUser(id) : undefined;
      if (!user) return notFound(id ?? '');
      if (request.method === 'GET' && !relation) return json(200, this.selectUser(user, query));
      if (request.method === 'POST' && relation === 'checkMemberGroups') return this.checkMemberGroups(user, request.body);
    }
    if (collection === 'groups') {
      if (request.method === 'GET' && !id) return this.listGroups(query);
      if (request.method === 'POST' && !id) return this.createGroup(request.body);
      const group = id ? this.groups.get(id) : undefined;
      if (!group) return notFound(id ?? '');
      if (request.method === 'GET' && !relation) return json(200, this.groupJson(group));
      if (request.method === 'GET' && relation === 'members' && !memberId) return this.listMembers(group, request, false);
      if (request.method === 'GET' && relation === 'members' && memberId === 'microsoft.graph.user' && ref === undefined) return this.listMembers(group, request, true);
      if (request.method === 'GET' && relation === 'members' && memberId && ref === 'microsoft.graph.user') return this.readMember(group, memberId, query);
      if (request.method === 'PATCH' && !relation) return this.bindMembers(group, request.body);
      if (request.method === 'POST' && relation === 'members' && memberId === '$ref') return this.addMember(group, request.body);
      if (request.method === 'DELETE' && relation === 'members' && memberId && ref === '$ref') {
        const refusal = this.membershipRefusal(group);
        if (refusal) return refusal;
        if (!group.members.delete(memberId)) return notFound(memberId);
        return empty(204, { kind: 'member_removed', vendor: 'graph', groupId: group.id, userId: memberId });
      }
      if (request.method === 'DELETE' && relation === 'members' && memberId && ref === undefined) {
        // What Graph does without `/$ref` for an app allowed to write users: the user is deleted.
        const user = this.users.get(memberId);
        if (!user) return notFound(memberId);
        this.users.delete(user.id);
        for (const each of this.groups.values()) each.members.delete(user.id);
        return empty(204, { kind: 'user_deleted', vendor: 'graph', userId: user.id });
      }
    }
    return graphError(400, 'BadRequest', `The simulator does not implement ${request.method} ${request.url.pathname}.`);
  }

  private selectUser(user: GraphUserRecord, query: URLSearchParams): Record<string, unknown> {
    const all: Record<string, unknown> = { '@odata.type': '#microsoft.graph.user', ...user };
    const selected = query.get('$select')?.split(',');
    if (!selected) {
      delete all.accountEnabled;
      return all;
    }
    return Object.fromEntries(selected.filter((field) => field in all).map((field) => [field, all[field]]));
  }

  private listUsers(query: URLSearchParams): SimResponse {
    const filter = eqFilter(query.get('$filter'));
    if (query.has('$filter') && filter?.field !== 'mail' && filter?.field !== 'userPrincipalName') return graphError(400, 'Request_UnsupportedQuery', 'Unsupported query.');
    const matches = [...this.users.values()].filter((user) => !filter || String(user[filter.field as 'mail'] ?? '').toLowerCase() === filter.value.toLowerCase());
    return json(200, { value: matches.slice(0, Number(query.get('$top') ?? 100)).map((user) => this.selectUser(user, query)) });
  }

  private listGroups(query: URLSearchParams): SimResponse {
    const filter = eqFilter(query.get('$filter'));
    if (query.has('$filter') && filter?.field !== 'displayName') return graphError(400, 'Request_UnsupportedQuery', 'Unsupported query.');
    const matches = [...this.groups.values()].filter((group) => !filter || group.displayName.toLowerCase() === filter.value.toLowerCase());
    return json(200, { value: matches.slice(0, Number(query.get('$top') ?? 100)).map((group) => this.groupJson(group)) });
  }

  /**
   * `GET /groups/{g}/members` and, with the OData cast, `…/members/microsoft.graph.user` (users
   * only): the direct members, paged as Graph documents (List group members: "The default and
   * maximum page size is 100 and 999"; Paging: while more remain, an absolute `@odata.nextLink`
   * carrying every parameter of the request and a `$skiptoken`, to be used whole). The token names
   * the last member served, so members added or removed between pages neither repeat nor push
   * others off a page. A `$filter` needs `ConsistencyLevel: eventual` and `$count=true`.
   */
  private listMembers(group: GraphGroupRecord, request: SimRequest, usersOnly: boolean): SimResponse {
    const query = request.url.searchParams;
    const filter = eqFilter(query.get('$filter'));
    if (query.has('$filter') && (header(request, 'consistencylevel') !== 'eventual' || query.get('$count') !== 'true')) {
      return graphError(400, 'Request_UnsupportedQuery', "Filter operator 'Equals' is not supported without ConsistencyLevel: eventual and $count.");
    }
    const top = query.has('$top') ? Number(query.get('$top')) : 100;
    if (!Number.isInteger(top) || top < 1 || top > 999) {
      // The wording Graph answers with, as clients report it; the limits are the documented ones.
      return graphError(400, 'Request_UnsupportedQuery', `Invalid page size specified: '${query.get('$top') ?? ''}'. Must be between 1 and 999 inclusive.`);
    }
    const token = query.get('$skiptoken');
    const after = token === null ? '' : readSkipToken(token);
    // Graph's answer to a token it did not issue carries no error code (microsoftgraph/microsoft-graph-docs#8612).
    if (after === undefined) return graphError(400, '', 'Invalid Skip Token');
    const members = [...group.members]
      .filter((id) => !filter || (filter.field === 'id' && id === filter.value))
      .filter((id) => !usersOnly || this.users.has(id))
      .sort();
    const rest = members.filter((id) => id > after);
    const page = rest.slice(0, top);
    const last = page.at(-1);
    const echoed = request.url.search.replace(/^\?/, '').split('&').filter((pair) => pair && !/^(\$|%24)skiptoken=/i.test(pair));
    return json(200, {
      '@odata.context': `${this.origin()}/v1.0/$metadata#${usersOnly ? 'users' : 'directoryObjects'}`,
      ...(query.get('$count') === 'true' && { '@odata.count': members.length }),
      ...(last !== undefined && rest.length > page.length && {
        '@odata.nextLink': `${this.origin()}${request.url.pathname}?${[...echoed, `$skiptoken=${skipTokenAfter(last)}`].join('&')}`,
      }),
      value: page.map((id) => {
        const user = this.users.get(id);
        if (!user) return { '@odata.type': '#microsoft.graph.group', id };
        return usersOnly ? this.selectUser(user, query) : { '@odata.type': '#microsoft.graph.user', ...this.selectUser(user, query) };
      }),
    });
  }

  /**
   * `GET /groups/{g}/members/{u}/microsoft.graph.user`: a read by key on the members navigation
   * (the cast is Graph's, as in `Get-MgGroupMemberAsUser -DirectoryObjectId`): the user when a direct
   * member, else 404 `Request_ResourceNotFound` naming the member.
   */
  private readMember(group: GraphGroupRecord, memberId: string, query: URLSearchParams): SimResponse {
    const user = this.users.get(memberId);
    if (!user || !group.members.has(memberId)) return notFound(memberId);
    return json(200, { '@odata.context': `${this.origin()}/v1.0/$metadata#users/$entity`, ...this.selectUser(user, query) });
  }

  private createGroup(body: unknown): SimResponse {
    const spec = (body ?? {}) as Partial<GraphGroupRecord>;
    const nickname = spec.mailNickname ?? '';
    if (!spec.displayName || nickname.length === 0 || nickname.length > 64 || /[@()\\[\]";:<>,\s]/.test(nickname)) {
      return graphError(400, 'Request_BadRequest', "Invalid value specified for property 'mailNickname' of resource 'Group'.");
    }
    if (spec.mailEnabled !== false || spec.securityEnabled !== true) return graphError(400, 'Request_BadRequest', 'Only security groups can be created without Exchange.');
    const group: GraphGroupRecord = { id: randomUUID(), displayName: spec.displayName, mailNickname: nickname, description: spec.description ?? null, mailEnabled: false, securityEnabled: true, groupTypes: [], members: new Set() };
    this.groups.set(group.id, group);
    return { ...json(201, this.groupJson(group)), effects: [{ kind: 'group_created', vendor: 'graph', groupId: group.id }] };
  }

  private objectId(reference: unknown): string | undefined {
    return typeof reference === 'string' ? /\/directoryObjects\/([^/]+)$/.exec(reference)?.[1] : undefined;
  }

  private addMember(group: GraphGroupRecord, body: unknown): SimResponse {
    const memberId = this.objectId((body as { '@odata.id'?: unknown } | undefined)?.['@odata.id']);
    if (!memberId || !this.users.has(memberId)) return notFound(memberId ?? '');
    const refusal = this.membershipRefusal(group);
    if (refusal) return refusal;
    if (group.members.has(memberId)) return alreadyExists();
    group.members.add(memberId);
    return empty(204, { kind: 'member_added', vendor: 'graph', groupId: group.id, userId: memberId });
  }

  /** `PATCH members@odata.bind`: up to 20, all or nothing. Effects: one per user added. */
  private bindMembers(group: GraphGroupRecord, body: unknown): SimResponse {
    const references = (body as { 'members@odata.bind'?: unknown } | undefined)?.['members@odata.bind'];
    if (!Array.isArray(references)) return graphError(400, 'Request_BadRequest', 'Invalid request body.');
    if (references.length > 20) return graphError(400, 'Request_BadRequest', 'The request exceeds the maximum of 20 members that can be added in one request.');
    const ids = references.map((reference) => this.objectId(reference));
    if (ids.some((id) => !id || !this.users.has(id))) return graphError(400, 'Request_BadRequest', "One or more added object references do not exist for the following modified properties: 'members'.");
    const refusal = this.membershipRefusal(group);
    if (refusal) return refusal;
    if (ids.some((id) => id !== undefined && group.members.has(id))) return alreadyExists();
    for (const id of ids) if (id) group.members.add(id);
    return empty(204, ...ids.filter((id): id is string => id !== undefined).map((userId) => ({ kind: 'member_added' as const, vendor: 'graph' as const, groupId: group.id, userId })));
  }

  private membershipRefusal(group: GraphGroupRecord): SimResponse | undefined {
    if (group.mailEnabled) return graphError(400, 'Request_BadRequest', 'Cannot Update a mail-enabled security groups and or distribution list.');
    if (group.groupTypes.includes('DynamicMembership')) return graphError(400, 'Request_BadRequest', 'Insufficient privileges to complete the operation: the group has dynamic membership.');
    return undefined;
  }

  private checkMemberGroups(user: GraphUserRecord, body: unknown): SimResponse {
    const groupIds = (body as { groupIds?: unknown } | undefined)?.groupIds;
    if (!Array.isArray(groupIds) || groupIds.length > 20) return graphError(400, 'Request_BadRequest', 'Invalid groupIds.');
    const memberOf = (groupId: string, seen = new Set<string>()): boolean => {
      const group = this.groups.get(groupId);
      if (!group || seen.has(groupId)) return false;
      seen.add(groupId);
      return group.members.has(user.id) || [...group.members].some((nested) => this.groups.has(nested) && memberOf(nested, seen));
    };
    return json(200, { value: groupIds.filter((id): id is string => typeof id === 'string' && memberOf(id)) });
  }

  private groupJson(group: GraphGroupRecord): Record<string, unknown> {
    const { members: _members, ...properties } = group;
    const dynamic = group.groupTypes.includes('DynamicMembership');
    return { '@odata.type': '#microsoft.graph.group', ...properties, membershipRule: dynamic ? 'user.department -eq "Sales"' : null, onPremisesSyncEnabled: null, isAssignableToRole: false };
  }
}
