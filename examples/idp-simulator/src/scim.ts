import { randomUUID } from 'node:crypto';
import { empty, header, json, type SimRequest, type SimResponse } from './http.js';
import type { SimulatorSeed } from './seed.js';

const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
const LIST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const SCIM_JSON = { 'content-type': 'application/scim+json' };

export interface ScimUserRecord {
  id: string;
  userName: string;
  displayName?: string;
  active: boolean;
  emails: Array<{ value: string; primary?: boolean }>;
}

export interface ScimGroupRecord {
  id: string;
  displayName: string;
  members: Set<string>;
  version: number;
}

/** RFC 7644 §3.12 error body; `status` is a string, as the RFC shows it. */
export function scimError(status: number, detail: string, scimType?: string): SimResponse {
  return { status, headers: SCIM_JSON, body: { schemas: [ERROR_SCHEMA], status: String(status), ...(scimType && { scimType }), detail } };
}

const unquote = (text: string) => text.replace(/\\(.)/g, '$1');

/**
 * A SCIM 2.0 service (RFC 7643/7644) under `/scim/v2`: users found by `userName eq` or email
 * filters, groups by `displayName eq`, membership changed by PatchOp (`add` members, `remove`
 * with a `members[value eq "…"]` path), weak ETags honoured through `If-Match` (412 when stale) and
 * declared in `/ServiceProviderConfig` (`etag.supported: true`, RFC 7643 §5 — a client sends
 * `If-Match` only to a service that declares it), `noTarget` for removing a non-member,
 * `uniqueness` for a duplicate group.
 */
export class ScimService {
  readonly users = new Map<string, ScimUserRecord>();
  readonly groups = new Map<string, ScimGroupRecord>();
  readonly bearerToken: string;

  constructor(
    seed: NonNullable<SimulatorSeed['scim']>,
    private readonly origin: () => string,
  ) {
    this.bearerToken = seed.bearerToken;
    for (const user of seed.users) {
      const record: ScimUserRecord = { id: user.id ?? randomUUID(), userName: user.userName, active: user.active ?? true, emails: user.email ? [{ value: user.email, primary: true }] : [], ...(user.displayName !== undefined && { displayName: user.displayName }) };
      this.users.set(record.id, record);
    }
    for (const group of seed.groups ?? []) {
      const record: ScimGroupRecord = { id: group.id ?? randomUUID(), displayName: group.displayName, members: new Set(), version: 1 };
      for (const userName of group.members ?? []) {
        const user = this.findUser(userName);
        if (user) record.members.add(user.id);
      }
      this.groups.set(record.id, record);
    }
  }

  findUser(userName: string): ScimUserRecord | undefined {
    return [...this.users.values()].find((user) => user.userName.toLowerCase() === userName.toLowerCase());
  }

  findGroupByName(name: string): ScimGroupRecord | undefined {
    return [...this.groups.values()].find((group) => group.displayName === name);
  }

  removeMemberOutOfBand(groupId: string, userId: string): boolean {
    const group = this.groups.get(groupId);
    if (!group?.members.delete(userId)) return false;
    group.version += 1;
    return true;
  }

  handle(request: SimRequest): SimResponse {
    const [, , , collection, id] = request.url.pathname.split('/').map(decodeURIComponent);
    if (collection === 'ServiceProviderConfig' && request.method === 'GET') {
      return json(200, { schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'], patch: { supported: true }, filter: { supported: true, maxResults: 200 }, etag: { supported: true }, bulk: { supported: false }, sort: { supported: false }, changePassword: { supported: false } }, SCIM_JSON);
    }
    if (header(request, 'authorization') !== `Bearer ${this.bearerToken}`) return scimError(401, 'Authentication failed.');
    const query = request.url.searchParams;
    if (collection === 'Users') {
      if (request.method === 'GET' && !id) return this.listUsers(query.get('filter'));
      const user = id ? this.users.get(id) : undefined;
      if (request.method === 'GET' && user) return json(200, this.userJson(user), SCIM_JSON);
      return scimError(404, `User ${id ?? ''} not found.`);
    }
    if (collection !== 'Groups') return scimError(404, 'No such resource type.');
    if (request.method === 'GET' && !id) return this.listGroups(query);
    if (request.method === 'POST' && !id) return this.createGroup(request.body);
    const group = id ? this.groups.get(id) : undefined;
    if (!group) return scimError(404, `Group ${id ?? ''} not found.`);
    if (request.method === 'GET') return { status: 200, headers: { ...SCIM_JSON, etag: this.etag(group) }, body: this.groupJson(group, !(query.get('excludedAttributes') ?? '').includes('members')) };
    if (request.method === 'PATCH') return this.patch(group, request);
    return scimError(405, 'Method not allowed.');
  }

  private etag(group: ScimGroupRecord): string {
    return `W/"${group.version}"`;
  }

  private listUsers(filter: string | null): SimResponse {
    let matches = [...this.users.values()];
    if (filter) {
      const userName = /^userName eq "((?:[^"\\]|\\.)*)"$/i.exec(filter)?.[1];
      const email = /^emails(?:\[value eq "((?:[^"\\]|\\.)*)"\]|\.value eq "((?:[^"\\]|\\.)*)")$/i.exec(filter);
      if (userName !== undefined) matches = matches.filter((user) => user.userName.toLowerCase() === unquote(userName).toLowerCase());
      else if (email) {
        const value = unquote(email[1] ?? email[2] ?? '').toLowerCase();
        matches = matches.filter((user) => user.emails.some((entry) => entry.value.toLowerCase() === value));
      } else return scimError(400, `Unsupported filter: ${filter}`, 'invalidFilter');
    }
    return json(200, { schemas: [LIST_SCHEMA], totalResults: matches.length, startIndex: 1, itemsPerPage: matches.length, Resources: matches.map((user) => this.userJson(user)) }, SCIM_JSON);
  }

  private listGroups(query: URLSearchParams): SimResponse {
    const filter = query.get('filter');
    let matches = [...this.groups.values()];
    if (filter) {
      const name = /^displayName eq "((?:[^"\\]|\\.)*)"$/i.exec(filter)?.[1];
      const membership = /^id eq "([^"]+)" and members\[value eq "([^"]+)"\]$/i.exec(filter);
      if (name !== undefined) matches = matches.filter((group) => group.displayName.toLowerCase() === unquote(name).toLowerCase());
      else if (membership) matches = matches.filter((group) => group.id === membership[1] && group.members.has(membership[2] ?? ''));
      else return scimError(400, `Unsupported filter: ${filter}`, 'invalidFilter');
    }
    const withMembers = !(query.get('excludedAttributes') ?? '').includes('members');
    return json(200, { schemas: [LIST_SCHEMA], totalResults: matches.length, startIndex: 1, itemsPerPage: matches.length, Resources: matches.map((group) => this.groupJson(group, withMembers)) }, SCIM_JSON);
  }

  private createGroup(body: unknown): SimResponse {
    const displayName = (body as { displayName?: unknown } | undefined)?.displayName;
    if (typeof displayName !== 'string' || displayName.trim().length === 0) return scimError(400, 'displayName is required.', 'invalidValue');
    if ([...this.groups.values()].some((group) => group.displayName.toLowerCase() === displayName.toLowerCase())) return scimError(409, 'A group with this displayName exists.', 'uniqueness');
    const group: ScimGroupRecord = { id: randomUUID(), displayName, members: new Set(), version: 1 };
    this.groups.set(group.id, group);
    return { status: 201, headers: { ...SCIM_JSON, etag: this.etag(group), location: `${this.origin()}/scim/v2/Groups/${group.id}` }, body: this.groupJson(group, true), effects: [{ kind: 'group_created', vendor: 'scim', groupId: group.id }] };
  }

  private patch(group: ScimGroupRecord, request: SimRequest): SimResponse {
    const ifMatch = header(request, 'if-match');
    // RFC 7644 §3.12 lists 412 with no scimType ("Failed to update. Resource has changed on the server.").
    if (ifMatch !== undefined && ifMatch !== '*' && ifMatch !== this.etag(group)) return scimError(412, 'Failed to update. Resource has changed on the server.');
    const body = request.body as { schemas?: unknown; Operations?: unknown } | undefined;
    if (!Array.isArray(body?.schemas) || !body.schemas.includes(PATCH_SCHEMA) || !Array.isArray(body.Operations)) return scimError(400, 'A PatchOp body is required.', 'invalidSyntax');
    const added: string[] = [];
    const removed: string[] = [];
    for (const operation of body.Operations as Array<{ op?: string; path?: string; value?: unknown }>) {
      const op = operation.op?.toLowerCase();
      if (op === 'add' && operation.path === 'members' && Array.isArray(operation.value)) {
        for (const member of operation.value as Array<{ value?: string }>) {
          if (!member.value || !this.users.has(member.value)) return scimError(400, `No user ${member.value ?? ''}.`, 'invalidValue');
          if (!group.members.has(member.value)) added.push(member.value);
        }
        continue;
      }
      const target = op === 'remove' ? /^members\[value eq "([^"]+)"\]$/.exec(operation.path ?? '')?.[1] : undefined;
      if (target !== undefined) {
        if (!group.members.has(target)) return scimError(400, 'The member is not in the group.', 'noTarget');
        removed.push(target);
        continue;
      }
      return scimError(400, `Unsupported operation ${operation.op ?? ''} ${operation.path ?? ''}.`, 'invalidPath');
    }
    for (const userId of added) group.members.add(userId);
    for (const userId of removed) group.members.delete(userId);
    if (added.length + removed.length > 0) group.version += 1;
    return empty(
      204,
      ...added.map((userId) => ({ kind: 'member_added' as const, vendor: 'scim' as const, groupId: group.id, userId })),
      ...removed.map((userId) => ({ kind: 'member_removed' as const, vendor: 'scim' as const, groupId: group.id, userId })),
    );
  }

  private userJson(user: ScimUserRecord): unknown {
    return { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], ...user, meta: { resourceType: 'User', location: `${this.origin()}/scim/v2/Users/${user.id}` } };
  }

  private groupJson(group: ScimGroupRecord, withMembers: boolean): unknown {
    return {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      id: group.id,
      displayName: group.displayName,
      ...(withMembers && group.members.size > 0 && { members: [...group.members].map((value) => ({ value })) }),
      meta: { resourceType: 'Group', version: this.etag(group), location: `${this.origin()}/scim/v2/Groups/${group.id}` },
    };
  }
}
