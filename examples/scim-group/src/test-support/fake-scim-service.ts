/**
 * A stateful SCIM 2.0 service (RFC 7643/7644) for tests: users, groups and membership, answering
 * the subset the provider uses with the RFC's shapes — ListResponse, PatchOp, Error bodies with
 * `status` as a string, weak ETags and `If-Match` (412), `noTarget` on removing a non-member,
 * `uniqueness` on a duplicate group. Its filter parser accepts only the expressions listed in
 * `parseFilter` and answers `invalidFilter` to anything else, so a malformed filter fails a test.
 *
 * One transport-free `handle()` serves both nock (most tests) and a real loopback HTTP server
 * (`listen()`), and it implements the conformance kit's `FaultInjector`: each queued fault answers
 * exactly the next request. Switches model services that differ from the RFC where real ones do.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FaultInjector } from '@clearway/connector-sdk/testing';
import nock from 'nock';

export interface FakeUser {
  id: string;
  userName: string;
  displayName?: string;
  active: boolean;
  emails: { value: string; type?: string; primary?: boolean }[];
}

export interface FakeGroup {
  id: string;
  displayName: string;
  members: Set<string>;
  version: number;
}

export interface FakeRequest {
  readonly method: string;
  /** Path below the base URL: `/Groups/abc`. */
  readonly path: string;
  readonly query: URLSearchParams;
  /** The query as sent, still encoded. */
  readonly rawQuery: string;
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: unknown;
}

export interface FakeReply {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: unknown;
}

export interface ScimFault {
  readonly status: number;
  readonly scimType?: string;
  readonly detail?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Answer with this body instead of a SCIM error (e.g. `''`, or an HTML page). */
  readonly rawBody?: string;
}

type Fault = ScimFault | { readonly reset: true } | { readonly delayMs: number } | { readonly hang: true };

export interface FakeScimOptions {
  readonly baseUrl?: string;
  readonly bearerToken?: string;
  readonly basic?: { readonly username: string; readonly password: string };
  /** ETag header and meta.version on group reads, and If-Match honoured (default true). */
  readonly etags?: boolean;
  /**
   * What /ServiceProviderConfig says of ETags (`etag.supported`, default: `etags`). False with
   * `etags` true models a service whose framework adds ETag headers it never declared as versions.
   */
  readonly etagSupportDeclared?: boolean;
  /** Group reads include `members` (default true); false models services that never return them. */
  readonly membersInGroupRead?: boolean;
  /** `id eq … and members[value eq …]` on /Groups (default true). */
  readonly memberFilter?: boolean;
  /** Which email filter forms /Users accepts (default both). */
  readonly emailFilters?: readonly ('value_path' | 'sub_attribute')[];
  /** Remove forms PATCH accepts (default the RFC path filter only). */
  readonly removeForms?: readonly ('path_filter' | 'value_list')[];
  /** Removing a non-member answers 400 noTarget (RFC 7644 §3.5.2.2, default) or succeeds. */
  readonly noTargetOnMissingMember?: boolean;
  /** Adding a member who is there answers 409 uniqueness instead of succeeding (not RFC; some services do). */
  readonly uniquenessOnExistingMember?: boolean;
  /** PATCH answers 204 (default) or 200 with the group. */
  readonly patchStatus?: 200 | 204;
  /** Publish /ServiceProviderConfig (default true). */
  readonly serviceProviderConfig?: boolean;
}

const SCIM_JSON = { 'content-type': 'application/scim+json' };
const LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const JSON_STRING = '"(?:[^"\\\\]|\\\\.)*"';

export function scimErrorBody(status: number, scimType?: string, detail?: string) {
  return { schemas: [ERROR], status: String(status), ...(scimType && { scimType }), ...(detail && { detail }) };
}

type Filter =
  | { readonly kind: 'eq'; readonly attribute: string; readonly value: string }
  | { readonly kind: 'email'; readonly value: string; readonly form: 'value_path' | 'sub_attribute' }
  | { readonly kind: 'member'; readonly groupId: string; readonly userId: string };

/** The filter expressions the fake understands; anything else is `invalidFilter`. */
export function parseFilter(filter: string): Filter | undefined {
  const literal = (text: string | undefined): string | undefined => (text === undefined ? undefined : (JSON.parse(text) as string));
  const valuePath = new RegExp(`^emails\\[value eq (${JSON_STRING})\\]$`, 'i').exec(filter);
  if (valuePath) return { kind: 'email', value: literal(valuePath[1]) ?? '', form: 'value_path' };
  const subAttribute = new RegExp(`^emails\\.value eq (${JSON_STRING})$`, 'i').exec(filter);
  if (subAttribute) return { kind: 'email', value: literal(subAttribute[1]) ?? '', form: 'sub_attribute' };
  const member = new RegExp(`^id eq (${JSON_STRING}) and members\\[value eq (${JSON_STRING})\\]$`, 'i').exec(filter);
  if (member) return { kind: 'member', groupId: literal(member[1]) ?? '', userId: literal(member[2]) ?? '' };
  const eq = new RegExp(`^(userName|displayName) eq (${JSON_STRING})$`, 'i').exec(filter);
  if (eq) return { kind: 'eq', attribute: (eq[1] ?? '').toLowerCase(), value: literal(eq[2]) ?? '' };
  return undefined;
}

const sameText = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

export class FakeScimService implements FaultInjector {
  readonly baseUrl: string;
  readonly users = new Map<string, FakeUser>();
  readonly groups = new Map<string, FakeGroup>();
  readonly requests: FakeRequest[] = [];
  /** Requests the fake does not implement; harnesses fail a test that made any. */
  readonly unsupported: string[] = [];
  private readonly faults: Fault[] = [];
  private readonly hooks: { readonly method: string; readonly path: RegExp; readonly effect: () => FakeReply | undefined }[] = [];
  private readonly options: Required<Omit<FakeScimOptions, 'basic' | 'bearerToken' | 'baseUrl'>> & Pick<FakeScimOptions, 'basic' | 'bearerToken'>;

  constructor(options: FakeScimOptions = {}) {
    this.baseUrl = options.baseUrl ?? 'https://scim.example.com/scim/v2';
    this.options = {
      etags: true,
      membersInGroupRead: true,
      memberFilter: true,
      emailFilters: ['value_path', 'sub_attribute'],
      removeForms: ['path_filter'],
      noTargetOnMissingMember: true,
      uniquenessOnExistingMember: false,
      patchStatus: 204,
      serviceProviderConfig: true,
      ...options,
      etagSupportDeclared: options.etagSupportDeclared ?? options.etags ?? true,
    };
  }

  addUser(user: Partial<FakeUser> & Pick<FakeUser, 'userName'>): FakeUser {
    const created: FakeUser = { id: randomUUID(), active: true, emails: [{ value: user.userName, type: 'work', primary: true }], ...user };
    this.users.set(created.id, created);
    return created;
  }

  addGroup(displayName: string, members: Iterable<string> = []): FakeGroup {
    const created: FakeGroup = { id: randomUUID(), displayName, members: new Set(members), version: 1 };
    this.groups.set(created.id, created);
    return created;
  }

  isMember(groupId: string, userId: string): boolean {
    return this.groups.get(groupId)?.members.has(userId) ?? false;
  }

  /** Another client changes the group: its version moves on, so a stale If-Match gets 412. */
  touch(groupId: string): void {
    const group = this.groups.get(groupId);
    if (group) group.version += 1;
  }

  requestsTo(method: string, pathPattern: RegExp): FakeRequest[] {
    return this.requests.filter((request) => request.method === method && pathPattern.test(request.path));
  }

  // The conformance kit's FaultInjector, with SCIM error bodies.
  rateLimitNext(retryAfterMs: number): void {
    this.failNext({ status: 429, detail: 'Too many requests.', headers: { 'retry-after': String(Math.ceil(retryAfterMs / 1000)) } });
  }
  /** A 429 whose Retry-After is an HTTP date (RFC 9110 §10.2.3), measured against the answer's own Date. */
  rateLimitUntilNext(retryAfterMs: number): void {
    const date = new Date(Math.floor(Date.now() / 1000) * 1000);
    this.failNext({ status: 429, detail: 'Too many requests.', headers: { date: date.toUTCString(), 'retry-after': new Date(date.getTime() + retryAfterMs).toUTCString() } });
  }
  unavailableNext(): void {
    this.failNext({ status: 503, detail: 'Service unavailable.' });
  }
  unauthorizedNext(): void {
    this.failNext({ status: 401, detail: 'Authorization failure. The authorization header is invalid or missing.' });
  }
  forbiddenNext(): void {
    this.failNext({ status: 403, detail: 'Operation is not permitted based on the supplied authorization.' });
  }
  resetNext(): void {
    this.faults.push({ reset: true });
  }
  /** The next request gets no answer; the client's abort (or closed connection) is the only way out. */
  hangNext(): void {
    this.faults.push({ hang: true });
  }
  requestsReceived(): number {
    return this.requests.length;
  }
  failNext(fault: ScimFault): void {
    this.faults.push(fault);
  }
  delayNext(delayMs: number): void {
    this.faults.push({ delayMs });
  }

  /** Runs `effect` just before the next request matching method and path (another client acting in between). */
  beforeNext(method: string, path: RegExp, effect: () => void): void {
    this.hooks.push({ method, path, effect: () => (effect(), undefined) });
  }

  /** The next request matching method and path gets this fault; other requests pass. */
  failNextMatching(method: string, path: RegExp, fault: ScimFault): void {
    this.hooks.push({ method, path, effect: () => ({ status: fault.status, headers: { ...SCIM_JSON, ...fault.headers }, body: fault.rawBody ?? scimErrorBody(fault.status, fault.scimType, fault.detail) }) });
  }

  /** Serves the base URL through nock (global fetch included). */
  install(): nock.Scope {
    const url = new URL(this.baseUrl);
    const scope = nock(url.origin).persist();
    const serve = (method: string, uri: string, headers: Record<string, string | string[] | undefined>, body: unknown, callback: (error: NodeJS.ErrnoException | null, reply: nock.ReplyFnResult) => void) => {
      void this.dispatch(method, new URL(uri, url.origin), flatten(headers), body).then((outcome) => {
        if (outcome === 'reset') callback(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), [500]);
        else callback(null, [outcome.status, outcome.body === undefined ? '' : typeof outcome.body === 'string' ? outcome.body : JSON.stringify(outcome.body), { ...outcome.headers }]);
      });
    };
    for (const method of ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'] as const) {
      scope
        .intercept((uri) => uri.startsWith(url.pathname), method)
        .reply(function (uri, body, callback) {
          // A function, not an arrow: nock passes the intercepted request as `this`.
          serve(method, uri, this.req.headers, body, callback);
        });
    }
    return scope;
  }

  /** Serves the same service over real HTTP on 127.0.0.1; the base URL path is kept. */
  async listen(): Promise<{ readonly baseUrl: string; readonly close: () => Promise<void> }> {
    const path = new URL(this.baseUrl).pathname;
    const server = createServer((request: IncomingMessage, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const origin = `http://${request.headers.host ?? '127.0.0.1'}`;
        void this.dispatch(request.method ?? 'GET', new URL(request.url ?? '/', origin), flatten(request.headers), Buffer.concat(chunks).toString('utf8')).then((outcome) => {
          if (outcome === 'reset') {
            request.socket.destroy();
            return;
          }
          response.writeHead(outcome.status, { ...outcome.headers });
          response.end(outcome.body === undefined ? undefined : typeof outcome.body === 'string' ? outcome.body : JSON.stringify(outcome.body));
        });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return {
      baseUrl: `http://127.0.0.1:${port}${path}`,
      close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
    };
  }

  private async dispatch(method: string, url: URL, headers: Record<string, string | undefined>, rawBody: unknown): Promise<FakeReply | 'reset'> {
    const base = new URL(this.baseUrl).pathname.replace(/\/$/, '');
    const body = typeof rawBody === 'string' && rawBody.length > 0 ? safeParse(rawBody) : rawBody === '' ? undefined : rawBody;
    const request: FakeRequest = { method, path: url.pathname.slice(base.length), query: url.searchParams, rawQuery: url.search, headers, body };
    this.requests.push(request);
    const fault = this.faults.shift();
    if (fault && 'hang' in fault) return new Promise<never>(() => undefined);
    if (fault && 'reset' in fault) return 'reset';
    if (fault && 'delayMs' in fault) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    if (fault && 'status' in fault) {
      const faultBody = fault.rawBody ?? scimErrorBody(fault.status, fault.scimType, fault.detail);
      return { status: fault.status, headers: { ...SCIM_JSON, ...fault.headers }, body: faultBody };
    }
    const hook = this.hooks.findIndex((candidate) => candidate.method === method && candidate.path.test(request.path));
    if (hook >= 0) {
      const reply = this.hooks.splice(hook, 1)[0]?.effect();
      if (reply) return reply;
    }
    return this.handle(request);
  }

  /** The service itself: one request in, one answer out. */
  handle(request: FakeRequest): FakeReply {
    const segments = request.path.split('/').filter(Boolean).map(decodeURIComponent);
    const [collection, id, ...rest] = segments;
    if (collection === 'ServiceProviderConfig' && request.method === 'GET' && !id) {
      // Public, like many services: no credential needed.
      return this.options.serviceProviderConfig ? this.ok(this.serviceProviderConfig()) : this.error(404, undefined, 'Not found.');
    }
    if (!this.authorized(request.headers.authorization)) return this.error(401, undefined, 'Authorization failure. The authorization header is invalid or missing.');
    if (rest.length === 0 && collection === 'Users') {
      if (request.method === 'GET' && !id) return this.listUsers(request.query);
      if (request.method === 'GET' && id) {
        const user = this.users.get(id);
        return user ? this.ok(this.userResource(user)) : this.error(404, undefined, `Resource ${id} not found.`);
      }
    }
    if (rest.length === 0 && collection === 'Groups') {
      if (request.method === 'GET' && !id) return this.listGroups(request.query);
      if (request.method === 'POST' && !id) return this.createGroup(request.body);
      const group = id === undefined ? undefined : this.groups.get(id);
      if (id && !group) return this.error(404, undefined, `Resource ${id} not found.`);
      if (group && request.method === 'GET') return this.readGroup(group, request.query);
      if (group && request.method === 'PATCH') return this.patchGroup(group, request.headers['if-match'], request.body);
    }
    this.unsupported.push(`${request.method} ${request.path}`);
    return this.error(501, undefined, 'Not implemented by the fake.');
  }

  private authorized(header: string | undefined): boolean {
    if (this.options.bearerToken !== undefined && header === `Bearer ${this.options.bearerToken}`) return true;
    const basic = this.options.basic;
    return basic !== undefined && header === `Basic ${Buffer.from(`${basic.username}:${basic.password}`).toString('base64')}`;
  }

  private serviceProviderConfig() {
    return {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
      patch: { supported: true },
      bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
      filter: { supported: true, maxResults: 100 },
      changePassword: { supported: false },
      sort: { supported: false },
      etag: { supported: this.options.etagSupportDeclared },
      authenticationSchemes: [{ type: 'oauthbearertoken', name: 'OAuth Bearer Token', description: 'Authentication with a bearer token.' }],
    };
  }

  private userResource(user: FakeUser) {
    return {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      id: user.id,
      userName: user.userName,
      ...(user.displayName !== undefined && { displayName: user.displayName }),
      active: user.active,
      emails: user.emails,
      meta: { resourceType: 'User', location: `${this.baseUrl}/Users/${user.id}` },
    };
  }

  private etag(group: FakeGroup): string {
    return `W/"${group.version}"`;
  }

  /** RFC 7643 §4.2: `value` is the member's id, `type` "User" or "Group" (a nested group), `display` a readable name. */
  private memberResource(value: string) {
    const nested = this.groups.get(value);
    if (nested) return { value, type: 'Group', $ref: `${this.baseUrl}/Groups/${value}`, display: nested.displayName };
    const display = this.users.get(value)?.displayName;
    return { value, type: 'User', $ref: `${this.baseUrl}/Users/${value}`, ...(display !== undefined && { display }) };
  }

  private groupResource(group: FakeGroup, withMembers: boolean) {
    const members = [...group.members].map((value) => this.memberResource(value));
    return {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      id: group.id,
      displayName: group.displayName,
      // RFC 7643 §2.5: an empty multi-valued attribute is unassigned, and unassigned attributes are omitted.
      ...(withMembers && members.length > 0 && { members }),
      meta: { resourceType: 'Group', location: `${this.baseUrl}/Groups/${group.id}`, ...(this.options.etags && { version: this.etag(group) }) },
    };
  }

  private wantsMembers(query: URLSearchParams): boolean {
    if (!this.options.membersInGroupRead) return false;
    const excluded = (query.get('excludedAttributes') ?? '').split(',').map((name) => name.trim().toLowerCase());
    const attributes = query.get('attributes');
    if (attributes !== null) return attributes.split(',').some((name) => name.trim().toLowerCase() === 'members');
    return !excluded.includes('members');
  }

  private list(resources: unknown[], query: URLSearchParams): FakeReply {
    const startIndex = Math.max(1, Number(query.get('startIndex') ?? 1));
    const count = query.has('count') ? Math.max(0, Number(query.get('count'))) : resources.length;
    const page = resources.slice(startIndex - 1, startIndex - 1 + count);
    return this.ok({ schemas: [LIST], totalResults: resources.length, itemsPerPage: page.length, startIndex, ...(page.length > 0 && { Resources: page }) });
  }

  private listUsers(query: URLSearchParams): FakeReply {
    const raw = query.get('filter');
    const filter = raw === null ? undefined : parseFilter(raw);
    if (raw !== null && (!filter || filter.kind === 'member' || (filter.kind === 'eq' && filter.attribute !== 'username'))) return this.invalidFilter();
    if (filter?.kind === 'email' && !this.options.emailFilters.includes(filter.form)) return this.invalidFilter();
    const matches = [...this.users.values()].filter((user) => {
      if (!filter) return true;
      if (filter.kind === 'email') return user.emails.some((email) => sameText(email.value, filter.value));
      return filter.kind === 'eq' && sameText(user.userName, filter.value);
    });
    return this.list(matches.map((user) => this.userResource(user)), query);
  }

  private listGroups(query: URLSearchParams): FakeReply {
    const raw = query.get('filter');
    const filter = raw === null ? undefined : parseFilter(raw);
    if (raw !== null && (!filter || filter.kind === 'email' || (filter.kind === 'eq' && filter.attribute !== 'displayname'))) return this.invalidFilter();
    if (filter?.kind === 'member' && !this.options.memberFilter) return this.invalidFilter();
    const matches = [...this.groups.values()].filter((group) => {
      if (!filter) return true;
      if (filter.kind === 'member') return group.id === filter.groupId && group.members.has(filter.userId);
      return filter.kind === 'eq' && sameText(group.displayName, filter.value);
    });
    const withMembers = this.wantsMembers(query);
    return this.list(matches.map((group) => this.groupResource(group, withMembers)), query);
  }

  private readGroup(group: FakeGroup, query: URLSearchParams): FakeReply {
    return this.ok(this.groupResource(group, this.wantsMembers(query)), this.options.etags ? { etag: this.etag(group) } : {});
  }

  private createGroup(body: unknown): FakeReply {
    const spec = (body ?? {}) as { schemas?: unknown; displayName?: unknown };
    if (!Array.isArray(spec.schemas) || typeof spec.displayName !== 'string' || spec.displayName.length === 0) {
      return this.error(400, 'invalidSyntax', 'A group needs schemas and a displayName.');
    }
    const name = spec.displayName;
    if ([...this.groups.values()].some((group) => sameText(group.displayName, name))) return this.error(409, 'uniqueness', 'displayName is already in use.');
    const created = this.addGroup(name);
    return { status: 201, headers: { ...SCIM_JSON, location: `${this.baseUrl}/Groups/${created.id}`, ...(this.options.etags && { etag: this.etag(created) }) }, body: this.groupResource(created, true) };
  }

  private patchGroup(group: FakeGroup, ifMatch: string | undefined, body: unknown): FakeReply {
    if (this.options.etags && ifMatch !== undefined && ifMatch !== this.etag(group)) return this.error(412, undefined, 'Failed to update. Resource changed on the server.');
    const patch = (body ?? {}) as { schemas?: unknown; Operations?: unknown };
    if (!Array.isArray(patch.schemas) || !patch.schemas.includes(PATCH_OP) || !Array.isArray(patch.Operations)) {
      return this.error(400, 'invalidSyntax', 'Not a PatchOp message.');
    }
    const next = new Set(group.members);
    for (const raw of patch.Operations as { op?: unknown; path?: unknown; value?: unknown }[]) {
      const op = typeof raw.op === 'string' ? raw.op.toLowerCase() : '';
      const path = typeof raw.path === 'string' ? raw.path : '';
      const values = Array.isArray(raw.value) ? (raw.value as { value?: unknown }[]).map((item) => item.value) : [];
      if (op === 'add' && path.toLowerCase() === 'members') {
        for (const value of values) {
          if (typeof value !== 'string' || !this.users.has(value)) return this.error(400, 'invalidValue', 'Unknown member.');
          if (next.has(value) && this.options.uniquenessOnExistingMember) return this.error(409, 'uniqueness', 'Already a member.');
          next.add(value);
        }
        continue;
      }
      const target = new RegExp(`^members\\[value eq (${JSON_STRING})\\]$`, 'i').exec(path);
      if (op === 'remove' && target && this.options.removeForms.includes('path_filter')) {
        const userId = JSON.parse(target[1] ?? '""') as string;
        if (!next.delete(userId) && this.options.noTargetOnMissingMember) return this.error(400, 'noTarget', 'No member matched the path filter.');
        continue;
      }
      if (op === 'remove' && path.toLowerCase() === 'members' && values.length > 0 && this.options.removeForms.includes('value_list')) {
        for (const value of values) if (typeof value === 'string') next.delete(value);
        continue;
      }
      return this.error(400, 'invalidPath', 'Unsupported operation or path.');
    }
    const changed = next.size !== group.members.size || [...next].some((member) => !group.members.has(member));
    group.members = next;
    // RFC 7644 §3.5.2.1: a change that changes nothing leaves the resource (and its version) alone.
    if (changed) group.version += 1;
    const headers: Record<string, string> = this.options.etags ? { etag: this.etag(group) } : {};
    return this.options.patchStatus === 200 ? this.ok(this.groupResource(group, true), headers) : { status: 204, headers };
  }

  private ok(body: unknown, headers: Readonly<Record<string, string>> = {}): FakeReply {
    return { status: 200, headers: { ...SCIM_JSON, ...headers }, body };
  }

  private invalidFilter(): FakeReply {
    return this.error(400, 'invalidFilter', 'The specified filter syntax was invalid or the specified attribute and filter comparison combination is not supported.');
  }

  private error(status: number, scimType?: string, detail?: string): FakeReply {
    return { status, headers: SCIM_JSON, body: scimErrorBody(status, scimType, detail) };
  }
}

function flatten(headers: Readonly<Record<string, string | string[] | undefined>>): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), Array.isArray(value) ? value.join(', ') : value]));
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
